"""Identifiers, Create SENR tab (Step 1): who would be requested and why the others are not, the
KEEP/SKIP selection, and, once the file exists, the students it requests.

Before the file exists the tab previews the selection the workflow will make (the same domain
function, without KEEP/SKIP); after, it lists the requested students and every student without an
SSID who was left out, with the reason. A KEEP or SKIP selection is shown first (how many and who
will be requested, unknown local ids refused) and the file is written only once that is confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import flash, request
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from console.views.calpads_steps import match_request_steps
from console.views.tabs import newest_file, render_tab
from console.views.workflow_support import acting, current_run, output_folder, run_or_404, workflow_store
from domain.planning.request import Exclusion, ExclusionReason, Selection
from domain.runs import FileKind, Run
from domain.values import CdsCode
from store.settings import read_settings
from store.workflow_store import DatabaseWorkflowStore
from store.tables import MatchRequestRow, StudentRow
from workflows.errors import StepRefused
from workflows.run.request import create_request, preview_request

__all__ = ["SenrView", "StudentLine", "LEFT_OUT_BY_SELECTION"]

PER_PAGE = 100
LISTED = 1000  # students listed before "and N more" (a large district's first request is long)
WARNINGS_SHOWN = 10  # flashed messages travel in the session cookie: keep them few

LEFT_OUT_BY_SELECTION = "left out by the KEEP or SKIP selection"
"""Why an otherwise eligible student is not in a request file made with a selection."""


@dataclass(frozen=True)
class StudentLine:
    """A student as the tab lists them: local id, name, and either a school and grade or a reason."""

    local_id: str
    name: str
    detail: str


def _words(values: str) -> frozenset[str]:
    return frozenset(v.strip() for v in values.replace(",", "\n").splitlines() if v.strip())


def _selection(prefix: str) -> Selection | None:
    """A KEEP or SKIP selection from the form: local ids (typed or a file), grades, schools, tags."""
    ids = set(_words(request.form.get(f"{prefix}_ids", "")))
    stored = request.files.get(f"{prefix}_file")
    if stored is not None and stored.filename:
        ids |= _words(stored.read().decode("utf-8-sig", errors="replace"))
    selection = Selection(
        ids=Selection.of_ids(ids).ids,
        grades=_words(request.form.get(f"{prefix}_grades", "")),
        schools=frozenset(CdsCode(s) for s in _words(request.form.get(f"{prefix}_schools", ""))),
        tags=_words(request.form.get(f"{prefix}_tags", "")),
    )
    empty = not (selection.ids or selection.grades or selection.schools or selection.tags)
    return None if empty else selection


def _names(local_ids: list[str]) -> dict[str, str]:
    rows = StudentRow.select(StudentRow.local_id, StudentRow.legal_last, StudentRow.legal_first).where(StudentRow.local_id.in_(local_ids))
    return {row.local_id: f"{row.legal_last}, {row.legal_first}" for row in rows}


def _exclusion_lines(exclusions: list[Exclusion]) -> list[StudentLine]:
    names = _names([e.local_id for e in exclusions])
    return [StudentLine(e.local_id, names.get(e.local_id, ""), e.text) for e in exclusions]


def _summer_run(store: DatabaseWorkflowStore) -> bool:
    """Whether the open run is a Summer ELPAC run (its request also takes pre-enrolled students)."""
    run = store.latest_run()
    return run is not None and run.is_open and run.summer


def _preview() -> tuple[list[StudentLine], list[StudentLine]] | None:
    """Who would be requested now without a selection, and who not and why (``None``: settings incomplete)."""
    settings = read_settings()
    if settings.year is None or not settings.schools:
        return None
    store = workflow_store()
    try:
        chosen = preview_request(store, today=dt.date.today(), summer=_summer_run(store))
    except StepRefused:  # settings incomplete: the page says so elsewhere
        return None
    included = [
        StudentLine(s.local_id, f"{s.legal.last}, {s.legal.first}", f"school {e.school}, grade {e.grade}")
        for s, e in chosen.included
    ]
    return included, _exclusion_lines(chosen.excluded)


def _left_out(run: Run) -> list[StudentLine]:
    """Every student still without an SSID who is not in the run's request file, with the reason."""
    preview = _preview()
    if preview is None:
        return []
    included, excluded = preview
    requested = workflow_store().requested_ids(run.id)
    by_selection = [StudentLine(s.local_id, s.name, LEFT_OUT_BY_SELECTION) for s in included if s.local_id not in requested]
    return excluded + by_selection


class SenrView(GuardedView):
    """``/admin/senr/``."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        run = current_run()
        page = max(request.args.get("page", 0, type=int), 0)
        kept = newest_file(run.id, FileKind.REQUEST) if run is not None else None
        requested: list[MatchRequestRow] = []
        names: dict[str, str] = {}
        total = 0
        included: list[StudentLine] = []
        excluded: list[StudentLine] = []
        if run is not None and kept is not None:
            query = MatchRequestRow.select().where(MatchRequestRow.run == run.id)
            total = query.count()
            requested = list(query.order_by(MatchRequestRow.line).offset(page * PER_PAGE).limit(PER_PAGE))
            names = _names([r.local_id for r in requested])
            excluded = _left_out(run)
        else:
            preview = _preview()
            if preview is not None:
                included, excluded = preview
        return render_tab(
            self,
            "console/senr.html",
            run=run,
            kept=kept,
            requested=requested,
            names=names,
            total=total,
            page=page,
            pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
            included=included,
            excluded=excluded,
            reasons=[r.text for r in ExclusionReason],
            shown=LISTED,
            steps=match_request_steps(kept.name) if kept is not None else None,
        )

    @expose("/<int:run_id>/create", methods=("POST",))
    def create(self, run_id: int) -> BaseResponse | str:
        run_or_404(run_id)
        mode = request.form.get("mode", "all")
        keep = _selection("keep") if mode == "keep" else None
        skip = _selection("skip") if mode == "skip" else None
        if mode in ("keep", "skip") and keep is None and skip is None:
            flash_refusal(f"The {mode.upper()} selection is empty: give local ids, grades, schools or tags.")
            return back_to(".index")
        if (keep or skip) and request.form.get("confirmed") != "yes":
            return self._confirm_selection(mode, keep, skip)
        try:
            outcome = create_request(
                workflow_store(), run_id, acting(), output_folder(), keep=keep, skip=skip,
                accept_warnings=request.form.get("accept_warnings") == "yes",
            )
        except StepRefused as refused:
            flash_refusal(refused.reason)
            return back_to(".index")
        flash(
            f"{outcome.file.name} created with {outcome.file.records} student(s); "
            f"{len(outcome.excluded)} student(s) without an SSID left out (listed below).",
            "success",
        )
        for warning in outcome.warnings[:WARNINGS_SHOWN]:
            flash(f"Accepted warning: {warning}", "warning")
        if len(outcome.warnings) > WARNINGS_SHOWN:
            flash(f"… and {len(outcome.warnings) - WARNINGS_SHOWN} more accepted warning(s).", "warning")
        return back_to(".index")

    def _confirm_selection(self, mode: str, keep: Selection | None, skip: Selection | None) -> BaseResponse | str:
        """Who the file would request with the selection, before it is written (or the refusal)."""
        try:
            store = workflow_store()
            chosen = preview_request(store, keep=keep, skip=skip, today=dt.date.today(), summer=_summer_run(store))
        except StepRefused as refused:
            flash_refusal(refused.reason)
            return back_to(".index")
        selection = keep or skip
        assert selection is not None
        prefix = "keep" if keep is not None else "skip"
        carried = {
            "mode": mode,
            f"{prefix}_ids": "\n".join(sorted(selection.ids)),
            f"{prefix}_grades": ",".join(sorted(selection.grades)),
            f"{prefix}_schools": ",".join(sorted(selection.schools)),
            f"{prefix}_tags": ",".join(sorted(selection.tags)),
            "accept_warnings": request.form.get("accept_warnings", ""),
            "confirmed": "yes",
        }
        included = [
            StudentLine(s.local_id, f"{s.legal.last}, {s.legal.first}", f"school {e.school}, grade {e.grade}")
            for s, e in chosen.included
        ]
        return render_tab(
            self, "console/senr_confirm.html", active_tab="senr.index", mode=mode, carried=carried, included=included,
            excluded=_exclusion_lines(chosen.excluded), shown=LISTED,
        )
