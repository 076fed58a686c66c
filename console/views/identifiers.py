"""Identifiers, Run tab: the current run as a stepper, each step a button (disabled, with the
reason, when it would be refused), the local duplicate check, and what happens in CALPADS.

Every button calls a workflow service; a refusal is shown as it was recorded in the history.
The local duplicate check is the stored one (:mod:`workflows.run.duplicate_check`): the page shows
it, never runs it. Starting a run runs it when it is missing or out of date (in the background
for a large district); "MIDs resolved" runs it again when it is out of date for a small district,
and for a large one is refused saying so (the Local duplicates tab runs it in the background).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from console.views.duplicates import check_now_or_in_background, long_check
from console.views.calpads_steps import CalpadsSteps, match_request_steps, updated_file_steps
from console.views.long_work import LinesRead, run_load
from console.views.tabs import newest_file, render_tab
from console.views.workflow_support import acting, current_run, output_folder, received_upload, run_or_404, workflow_store
from domain.runs import FileKind, Run, RunState
from workflows.errors import StepRefused
from workflows.run.duplicate_check import latest_check
from workflows.run.results import confirm_all, create_updated, load_results
from workflows.run.lifecycle import acknowledge_issues, cancel_run, replacements_warning, resolve_mids, start_run

__all__ = ["IdentifiersView", "RUN_TAB_ISSUES"]

RUN_TAB_ISSUES = 20
"""Local issues listed on the Run tab (open ones first); the Local duplicates tab lists them all."""


class IdentifiersView(GuardedView):
    """``/admin/identifiers/``: the run's stepper and its steps."""

    @expose("/")
    def index(self) -> str:
        run = current_run()
        # The stored check (cheap to read), while it can still block the run.
        check = latest_check(workflow_store()) if run is not None and run.state is RunState.NEW else None
        issues = check.issues if check is not None else []
        return render_tab(
            self,
            "console/identifiers.html",
            run=run,
            check=check,
            issues=sorted(issues, key=lambda issue: issue.acknowledged)[:RUN_TAB_ISSUES],
            more_issues=max(0, len(issues) - RUN_TAB_ISSUES),
            open_issues=check.open_issues if check is not None else 0,
            replacements_due=replacements_warning(workflow_store(), acting().now()) if run is not None and run.state is RunState.NEW else None,
            steps_after_request=_after_request(run),
            steps_after_updated=_after_updated(run),
        )

    @expose("/start", methods=("POST",))
    def start(self) -> BaseResponse:
        try:
            run = start_run(workflow_store(), acting(), summer=request.form.get("summer") == "yes")
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"{run.label[0].upper()}{run.label[1:]} started.", "success")
            check = latest_check(workflow_store())
            if check is None or not check.current:  # the run's first step needs it
                return check_now_or_in_background(url_for(".index"))
        return back_to(".index")

    @expose("/<int:run_id>/acknowledge", methods=("POST",))
    def acknowledge(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        keys = request.form.getlist("issue")
        if not keys:
            flash_refusal("Tick the local issues you have looked at first.")
            return back_to(".index")
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
        return self._step(
            run_id,
            lambda: resolve_mids(workflow_store(), run_id, acting(), attested=attested, recheck=not long_check()),
            "MIDs resolved.",
        )

    @expose("/<int:run_id>/confirm", methods=("POST",))
    def confirm(self, run_id: int) -> BaseResponse:
        shown = request.form.get("decided")
        decided = workflow_store().run_counts(run_id).get("decided", 0)
        if shown is not None and shown != str(decided):
            # The Decisions tab named its counts in the button; a decision changed since: look again.
            flash_refusal(f"The decisions changed since the page was shown ({shown} then, {decided} now): look at them again, then confirm.")
            return back_to("decisions.index")
        return self._step(run_id, lambda: confirm_all(workflow_store(), run_id, acting()), f"Every decision is confirmed ({decided}).")

    @expose("/<int:run_id>/updated", methods=("POST",))
    def updated(self, run_id: int) -> BaseResponse:
        def step() -> None:
            produced = create_updated(workflow_store(), run_id, output_folder(), acting())
            flash(f"{produced.file.name} created with {produced.file.records} record(s).", "success")
            sela = produced.summer_sela
            if sela is not None:  # a summer run: the SELA TBD file beside it
                made = f"{sela.file.name} created with {sela.file.records} TBD record(s)" if sela.file else "no SELA TBD record needed"
                waiting = (
                    f"; {len(sela.waiting)} student(s) sent for a new SSID need theirs once CALPADS has issued it: "
                    + ", ".join(sela.waiting[:20])
                ) if sela.waiting else ""
                flash(f"Summer ELPAC: {made}{waiting}.", "success")

        return self._step(run_id, step, None)

    @expose("/<int:run_id>/cancel", methods=("POST",))
    def cancel(self, run_id: int) -> BaseResponse:
        return self._step(run_id, lambda: cancel_run(workflow_store(), run_id, acting()), f"Run {run_id} cancelled.")

    def _step(self, run_id: int, step: Callable[[], object], done: str | None) -> BaseResponse:
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

        def work(progress: LinesRead) -> Mapping[str, Any]:
            loaded = load_results(workflow_store(), run_id, upload.path, actor, name=upload.name, progress=progress)
            return {"students": loaded.students, "candidates": loaded.candidates}

        return run_load(
            "load_results", upload, work, url_for("review.index"),
            lambda r: f"{upload.name} loaded: {r['students']} student(s), {r['candidates']} candidate(s).",
            refused_url=url_for(".index", _anchor="step-load-results"),
        )


def _after_request(run: Run | None) -> CalpadsSteps | None:
    """The CALPADS steps between Create SENR and Load match results, when the run is there."""
    kept = newest_file(run.id, FileKind.REQUEST) if run is not None and run.state is RunState.SENR_CREATED else None
    return match_request_steps(kept.name) if kept is not None else None


def _after_updated(run: Run | None) -> CalpadsSteps | None:
    """The CALPADS steps between the updated file and Load SSID, when the run is there."""
    kept = newest_file(run.id, FileKind.UPDATED) if run is not None and run.state is RunState.UPDATED else None
    return updated_file_steps(kept.name) if kept is not None else None
