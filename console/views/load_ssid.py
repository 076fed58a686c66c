"""Identifiers, Load SSID tab (Step 7): load the SSID Extract, review the preview of every change
(new / unchanged / conflict / unmatched, ELAS, SWD), apply it in one transaction, undo it.

The preview is the batch the workflow keeps (``batch_preview_line``), listed page by page and by
kind, so a 600,000-line extract is reviewed without loading it all into one page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from console.views.calpads_steps import updated_file_steps
from console.views.long_work import LinesRead, run_load
from console.views.tabs import newest_file, render_tab
from console.views.workflow_support import acting, current_run, received_upload, run_or_404, workflow_store
from domain.runs import Batch, BatchKind, BatchState, FileKind, RunState
from store.tables_batches import PreviewLine
from workflows.errors import StepRefused
from workflows.services_extract import apply_extract, load_extract, undo_extract

__all__ = ["LoadSsidView", "PREVIEW_GROUPS", "preview_page"]

PER_PAGE = 100

PREVIEW_GROUPS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "all": ("Every line", ()),
    "new": ("New SSID", ("new",)),
    "unchanged": ("Unchanged SSID", ("unchanged",)),
    "conflict": ("Conflict with a different SSID", ("conflict", "ssid_held_by_another")),
    "replace": ("Replaced (overwrite)", ("replace",)),
    "unmatched": ("No single local student", ("no_local_student", "more_than_one_local", "repeated_line")),
}
"""The preview's filters: key → (label, the preview kinds it shows; ``()``: every kind). Without a
filter the page shows what needs a look: every line but the unchanged ones that change nothing."""

KIND_LABELS: Mapping[str, str] = {
    "new": "new SSID",
    "unchanged": "unchanged",
    "conflict": "conflict: the student has a different SSID",
    "replace": "replaced; the old SSID moves to Old State ID",
    "no_local_student": "no local student has this local id",
    "more_than_one_local": "more than one local student has this local id",
    "ssid_held_by_another": "another local student already has this SSID",
    "repeated_line": "the local id appeared on an earlier line",
}
"""What each preview line's kind means, in words."""


def preview_page(batch_id: int, group: str | None, page: int) -> tuple[list[PreviewLine], int]:
    """One page of a batch's preview lines (of one group when given) and how many lines there are."""
    p = PreviewLine
    query = p.select().where(p.batch == batch_id)
    if group is None or group not in PREVIEW_GROUPS:
        changes_something = p.elas_new.is_null(False) | p.elas_start_new.is_null(False) | p.swd_new.is_null(False)
        query = query.where((p.kind != "unchanged") | changes_something)
    elif PREVIEW_GROUPS[group][1]:
        query = query.where(p.kind.in_(PREVIEW_GROUPS[group][1]))
    total = query.count()
    rows = list(query.order_by(p.line, p.id).offset(page * PER_PAGE).limit(PER_PAGE))
    return rows, total


def _latest_batch(run_id: int) -> Batch | None:
    batches = workflow_store().batches(BatchKind.EXTRACT, run_id)
    return batches[0] if batches else None


class LoadSsidView(GuardedView):
    """``/admin/load-ssid/``: ``?group=new|unchanged|conflict|replace|unmatched&page=N``."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        run = current_run()
        batch = _latest_batch(run.id) if run is not None else None
        group = request.args.get("group")
        page = max(request.args.get("page", 0, type=int), 0)
        lines, total = preview_page(batch.id, group, page) if batch is not None else ([], 0)
        updated = newest_file(run.id, FileKind.UPDATED) if run is not None else None
        return render_tab(
            self,
            "console/load_ssid.html",
            run=run,
            batch=batch,
            pending=batch is not None and batch.state == BatchState.LOADED.value and run is not None and run.state is RunState.UPDATED,
            applied=batch is not None and batch.state == BatchState.APPLIED.value,
            lines=lines,
            total=total,
            group=group if group in PREVIEW_GROUPS else None,
            groups=PREVIEW_GROUPS,
            kind_labels=KIND_LABELS,
            page=page,
            pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
            can_load=run is not None and run.state is RunState.UPDATED,
            steps=updated_file_steps(updated.name) if updated is not None and run is not None and run.state is RunState.UPDATED else None,
            batches=workflow_store().batches(BatchKind.EXTRACT, run.id) if run is not None else [],
        )

    @expose("/<int:run_id>/load", methods=("POST",))
    def load(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        upload = received_upload()
        if upload is None:
            flash_refusal("Choose the SSID Extract you downloaded from CALPADS.")
            return back_to(".index")
        overwrite = request.form.get("overwrite") == "yes"
        actor = acting()

        def work(progress: LinesRead) -> Mapping[str, Any]:
            preview = load_extract(
                workflow_store(), run_id, upload.path, actor, overwrite=overwrite, name=upload.name, progress=progress
            )
            return {"batch": preview.batch.id, "changes": preview.changes, "conflicts": preview.conflicts, "unmatched": preview.unmatched}

        return run_load(
            "load_extract", upload, work, url_for(".index"),
            lambda r: (
                f"{upload.name} loaded for review: {r['changes']} student(s) would change, "
                f"{r['conflicts']} conflict(s), {r['unmatched']} line(s) match no single local student. Nothing is written yet."
            ),
        )

    @expose("/<int:run_id>/apply", methods=("POST",))
    def apply(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        try:
            applied = apply_extract(workflow_store(), run_id, acting(), confirmed=request.form.get("confirm") == "yes")
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"SSID Extract applied: {applied.updated} student(s) updated. The request file left the File Download list.", "success")
        return back_to(".index")

    @expose("/<int:run_id>/undo", methods=("POST",))
    def undo(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        try:
            restored = undo_extract(workflow_store(), run_id, acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"SSID Extract undone: {restored} value(s) restored.", "success")
        return back_to(".index")
