"""Identifiers: the current run as a stepper, each step a button (disabled, with the reason, when
it would be refused), the instructions for what happens in CALPADS, and the Create SENR tab.

Every button calls a workflow service; a refusal is shown as it was recorded in the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from console.views.long_work import run_load
from console.views.workflow_support import (
    acting,
    current_run,
    output_folder,
    received_upload,
    run_or_404,
    step_buttons,
    workflow_store,
)
from domain.planning.request import Selection
from domain.runs import FileKind, RunEvent, RunState
from domain.values import CdsCode
from store.tables_product import MatchRequest
from workflows.errors import StepRefused
from workflows.local_check import local_issues
from workflows.services_request import create_request
from workflows.services_results import confirm_all, create_updated, load_results
from workflows.services_run import acknowledge_issues, cancel_run, resolve_mids, run_status, start_run

__all__ = ["IdentifiersView", "TABS"]

TABS = (
    ("identifiers.index", "Run"),
    ("identifiers.senr", "Create SENR"),
    ("review.index", "SSID Match review"),
    ("load_ssid.index", "Load SSID"),
    ("replacement.index", "Replacement"),
    ("ods_audit.index", "ODS audit"),
    ("files.index", "File Download"),
)
"""The tabs of the Identifiers page, in order (endpoint, label)."""

REQUESTED_PER_PAGE = 100


def _words(values: str) -> frozenset[str]:
    return frozenset(v.strip() for v in values.replace(",", "\n").splitlines() if v.strip())


def _selection(prefix: str) -> Selection | None:
    """A KEEP or SKIP selection from the form: local ids (typed or a file), grades, schools, tags."""
    ids = set(_words(request.form.get(f"{prefix}_ids", "")))
    stored = request.files.get(f"{prefix}_file")
    if stored is not None and stored.filename:
        ids |= _words(stored.read().decode("utf-8-sig", errors="replace"))
    selection = Selection.of_ids(ids)
    selection = Selection(
        ids=selection.ids,
        grades=_words(request.form.get(f"{prefix}_grades", "")),
        schools=frozenset(CdsCode(s) for s in _words(request.form.get(f"{prefix}_schools", ""))),
        tags=_words(request.form.get(f"{prefix}_tags", "")),
    )
    empty = not (selection.ids or selection.grades or selection.schools or selection.tags)
    return None if empty else selection


def _newest_file(run_id: int, kind: FileKind) -> Any:
    files = [f for f in workflow_store().generated_files(run_id, include_retired=True) if f.kind is kind]
    return files[0] if files else None


class IdentifiersView(GuardedView):
    """``/admin/identifiers/``: the run's stepper and steps."""

    def _page(self, template: str, **context: Any) -> str:
        run = context.pop("run", None) or current_run()
        status = run_status(workflow_store(), run.id) if run is not None else None
        return self.render(
            template,
            run=run,
            status=status,
            states=[s for s in RunState if s is not RunState.CANCELLED],
            buttons=list(step_buttons(run)) if run is not None else [],
            tabs=TABS,
            request_file=_newest_file(run.id, FileKind.REQUEST) if run is not None else None,
            updated_file=_newest_file(run.id, FileKind.UPDATED) if run is not None else None,
            **context,
        )

    @expose("/")
    def index(self) -> str:
        run = current_run()
        issues = local_issues(workflow_store()) if run is not None and run.state is RunState.NEW else []
        return self._page("console/identifiers.html", run=run, issues=issues, events=RunEvent)

    @expose("/start", methods=("POST",))
    def start(self) -> BaseResponse:
        try:
            run = start_run(workflow_store(), acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"Run {run.id} started.", "success")
        return back_to(".index")

    @expose("/<int:run_id>/acknowledge", methods=("POST",))
    def acknowledge(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        keys = request.form.getlist("issue")
        try:
            acknowledge_issues(workflow_store(), keys, acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"{len(keys)} local issue(s) acknowledged.", "success")
        return back_to(".index")

    @expose("/<int:run_id>/resolve-mids", methods=("POST",))
    def resolve(self, run_id: int) -> BaseResponse:
        attested = request.form.get("attest") == "yes"
        return self._step(run_id, lambda: resolve_mids(workflow_store(), run_id, acting(), attested=attested), "MIDs resolved.")

    @expose("/<int:run_id>/confirm", methods=("POST",))
    def confirm(self, run_id: int) -> BaseResponse:
        return self._step(run_id, lambda: confirm_all(workflow_store(), run_id, acting()), "Every decision is confirmed.")

    @expose("/<int:run_id>/updated", methods=("POST",))
    def updated(self, run_id: int) -> BaseResponse:
        def step() -> object:
            produced = create_updated(workflow_store(), run_id, output_folder(), acting())
            flash(f"{produced.file.name} created with {produced.file.records} record(s).", "success")
            return produced

        return self._step(run_id, step, None)

    @expose("/<int:run_id>/cancel", methods=("POST",))
    def cancel(self, run_id: int) -> BaseResponse:
        return self._step(run_id, lambda: cancel_run(workflow_store(), run_id, acting()), f"Run {run_id} cancelled.")

    def _step(self, run_id: int, step: Any, done: str | None) -> BaseResponse:
        run_or_404(run_id)
        try:
            step()
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            if done:
                flash(done, "success")
        return back_to(".index")

    @expose("/<int:run_id>/load-results", methods=("POST",))
    def results(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        upload = received_upload()
        if upload is None:
            flash_refusal("Choose the match result file CALPADS gave you.")
            return back_to(".index")
        actor = acting()

        def work(progress: Any) -> Mapping[str, Any]:
            loaded = load_results(workflow_store(), run_id, upload.path, actor, name=upload.name)
            return {"students": loaded.students, "candidates": loaded.candidates}

        return run_load(
            "load_results", upload, work, url_for("review.index"),
            lambda r: f"{upload.name} loaded: {r['students']} student(s), {r['candidates']} candidate(s).",
        )

    # -- Create SENR tab --------------------------------------------------------------------------
    @expose("/senr")
    def senr(self) -> str:
        run = current_run()
        page = max(request.args.get("page", 0, type=int), 0)
        requested: list[MatchRequest] = []
        total = 0
        if run is not None:
            query = MatchRequest.select().where(MatchRequest.run == run.id)
            total = query.count()
            requested = list(query.order_by(MatchRequest.line).offset(page * REQUESTED_PER_PAGE).limit(REQUESTED_PER_PAGE))
        return self._page(
            "console/senr.html", run=run, requested=requested, total=total, page=page,
            pages=max((total + REQUESTED_PER_PAGE - 1) // REQUESTED_PER_PAGE, 1), outcome=None,
        )

    @expose("/<int:run_id>/senr", methods=("POST",))
    def create_senr(self, run_id: int) -> str | BaseResponse:
        run_or_404(run_id)
        mode = request.form.get("mode", "all")
        keep = _selection("keep") if mode == "keep" else None
        skip = _selection("skip") if mode == "skip" else None
        if mode in ("keep", "skip") and keep is None and skip is None:
            flash_refusal(f"The {mode.upper()} selection is empty: give local ids, grades, schools or tags.")
            return back_to(".senr")
        try:
            outcome = create_request(
                workflow_store(), run_id, acting(), output_folder(), keep=keep, skip=skip,
                accept_warnings=request.form.get("accept_warnings") == "yes",
            )
        except StepRefused as refused:
            flash_refusal(refused.reason)
            return back_to(".senr")
        flash(f"{outcome.file.name} created with {outcome.file.records} student(s).", "success")
        # Shown once, on this answer: who was left out and why (the counts stay in the history).
        return self._page("console/senr.html", run=run_or_404(run_id), requested=[], total=outcome.file.records,
                          page=0, pages=1, outcome=outcome)
