"""Identifiers, ODS audit tab: load the ten-year SSID Enrollment ODS Download, review what would
bring CALPADS' current year in line with the SIS — the deletes listed one by one, with why, before
any file is written —, then write the SENR files in posting order (deletes, replaces, adds).

Students without an SSID are listed and left to the SSID workflow. The SELA EL/IFEP import has
its own page (:mod:`console.views.sela`), linked from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import flash, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.display import local_enrollments, people
from console.views.base import GuardedView, back_to, flash_refusal
from console.views.batch_preview import chosen_batch
from console.views.calpads_steps import ods_download_steps, ods_posting_steps
from console.views.long_work import LinesRead, run_load
from console.views.tabs import render_tab
from console.views.workflow_support import acting, output_folder, received_upload, workflow_store
from domain.runs import Batch, BatchKind, FileKind, OdsAuditState
from store.settings import read_settings
from store.tables import BatchRow, GeneratedFileRow
from workflows.errors import StepRefused
from workflows.batches.ods_audit import audit_scope, create_ods_files, evaluate_ods_audit, load_ods_audit, ods_audit_review

__all__ = ["OdsAuditView", "audit_files"]

LISTED = 1000  # deletes and students without SSID listed before "and N more"

_ODS_KINDS = [FileKind.ODS_DELETES.value, FileKind.ODS_REPLACES.value, FileKind.ODS_ADDS.value]


def audit_files(audit: Batch) -> list[GeneratedFileRow]:
    """The SENR files an audit wrote, in posting order.

    An audit does not name its files; they are the ODS files its author kept in the same
    transaction that moved it to ``files_created`` (stamped ``applied_at``).
    """
    at = _applied_at(audit)
    if at is None:
        return []
    window = dt.timedelta(seconds=60)
    query = GeneratedFileRow.select(GeneratedFileRow.id, GeneratedFileRow.kind, GeneratedFileRow.name, GeneratedFileRow.records,
                                 GeneratedFileRow.sha256, GeneratedFileRow.created_at).where(
        GeneratedFileRow.kind.in_(_ODS_KINDS) & GeneratedFileRow.run.is_null() & (GeneratedFileRow.created_at.between(at - window, at + window))
    )
    newest: dict[str, GeneratedFileRow] = {}
    for row in query.order_by(GeneratedFileRow.created_at):
        newest[row.kind] = row
    return [newest[kind] for kind in _ODS_KINDS if kind in newest]


def _applied_at(audit: Batch) -> dt.datetime | None:
    row = BatchRow.get_or_none(BatchRow.id == audit.id)
    return row.applied_at if row is not None else None


class OdsAuditView(GuardedView):
    """``/admin/ods-audit/`` (``?audit=N`` shows an earlier audit)."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        audit, audits = chosen_batch(BatchKind.ODS_AUDIT, request.args.get("audit", type=int))
        review = ods_audit_review(workflow_store(), audit.id, acting()) if audit is not None else None
        files = audit_files(audit) if audit is not None and audit.state == OdsAuditState.FILES_CREATED.value else []
        try:
            audit_scope(workflow_store(), acting())
        except StepRefused as refused:
            scope_problem: str | None = refused.reason
        else:
            scope_problem = None
        listed_ids = [str(d.local_id) for d in review.delete_list[:LISTED]] if review is not None else []
        year = read_settings().year
        year_start = dt.date(year.start_year, 7, 1) if year is not None else dt.date.today() - dt.timedelta(days=365)
        return render_tab(
            self,
            "console/ods_audit.html",
            audit=audit,
            audits=audits,
            review=review,
            listed=LISTED,
            scope_problem=scope_problem,
            delete_people=people(listed_ids),
            this_year=local_enrollments(listed_ids, year_start),
            files=files,
            writable=audit is not None and audit.state != OdsAuditState.FILES_CREATED.value,
            steps=ods_download_steps(),
            posting=ods_posting_steps(tuple(f.name for f in files)) if files else None,
        )

    @expose("/load", methods=("POST",))
    def load(self) -> BaseResponse:
        upload = received_upload()
        if upload is None:
            flash_refusal("Choose the SSID Enrollment ODS Download you got from CALPADS.")
            return back_to(".index")
        actor = acting()

        def work(progress: LinesRead) -> Mapping[str, Any]:
            review = load_ods_audit(workflow_store(), upload.path, actor, name=upload.name, progress=progress)
            return {"audit": review.audit.id, "deletes": review.deletes, "replaces": review.replaces, "adds": review.adds,
                    "without_ssid": len(review.without_ssid), "not_selected": review.not_selected,
                    "prior_year_open": len(review.prior_year_open)}

        return run_load(
            "load_ods_audit", upload, work, url_for(".index"),
            lambda r: (
                f"{upload.name} compared with this year's enrollments (audit {r['audit']}): {r['deletes']} delete(s), "
                f"{r['replaces']} replace(s), {r['adds']} add(s); {r['without_ssid']} student(s) without an SSID; "
                f"{r.get('not_selected', 0)} record(s) left alone: school not selected"
                + (f"; {r['prior_year_open']} previous-year enrollment(s) not closed out" if r.get("prior_year_open") else "")
                + ". No file is written until you review the deletes."
            ),
        )

    @expose("/<int:audit_id>/files", methods=("POST",))
    def files(self, audit_id: int) -> BaseResponse:
        store, actor = workflow_store(), acting()
        try:
            review = ods_audit_review(store, audit_id, actor)
            if review.audit.state == OdsAuditState.LOADED.value:
                review = evaluate_ods_audit(
                    store, audit_id, actor, deletes_reviewed=request.form.get("deletes_reviewed") == "yes",
                    prior_year_reviewed=request.form.get("prior_year_reviewed") == "yes", review=review,
                )
            made = create_ods_files(store, audit_id, output_folder(), actor, review=review)
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            names = ", ".join(f.file.name for f in made.files) or "no file (nothing to change)"
            flash(f"ODS audit {audit_id}: {len(made.files)} SENR file(s) written: {names}.", "success")
        return back_to(".index", audit=audit_id)
