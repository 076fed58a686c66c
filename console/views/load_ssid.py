"""Identifiers, Load SSID tab (Step 7): load the SSID Extract, review the preview of every change
(new / unchanged / conflict / unmatched, ELAS, SWD), apply it in one transaction, undo it.

Before the preview's lines the tab says whether the extract can be this run's answer: when none of
the students the run sent has an SSID in it, Apply needs a second, explicit confirmation; the sent
students who did not come back and unusual ELAS changes are listed as warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from console.views.batch_preview import EXTRACT_KINDS, chosen_batch, page_argument, preview_page
from console.views.calpads_steps import updated_file_steps
from console.views.long_work import LinesRead, run_load
from console.views.tabs import newest_file, render_tab
from console.views.workflow_support import acting, current_run, received_upload, run_or_404, workflow_store
from domain.runs import BatchKind, BatchState, FileKind, RunAction
from workflows.run.machine import allowed_actions
from workflows.errors import StepRefused
from workflows.run.extract import apply_extract, extract_answer, load_extract, undo_extract

__all__ = ["LoadSsidView"]

class LoadSsidView(GuardedView):
    """``/admin/load-ssid/``: ``?group=new|unchanged|conflict|replace|unmatched&page=N``."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        run = current_run()
        wanted = request.args.get("batch", type=int)
        batch, batches = chosen_batch(BatchKind.EXTRACT, wanted, run.id) if run is not None else (None, [])
        newest = batch is not None and batch.id == batches[0].id  # only the newest load can be applied
        updated = newest_file(run.id, FileKind.UPDATED) if run is not None else None
        can_load = run is not None and RunAction.LOAD_EXTRACT in allowed_actions(run.state)
        return render_tab(
            self,
            "console/load_ssid.html",
            run=run,
            batch=batch,
            pending=newest and batch is not None and batch.state == BatchState.LOADED.value and can_load,
            applied=batch is not None and batch.state == BatchState.APPLIED.value,
            preview=preview_page(batch.id, EXTRACT_KINDS, request.args.get("group"), page_argument()) if batch is not None else None,
            args={"batch": batch.id} if batch is not None and not newest else {},
            can_load=can_load,
            answer=extract_answer(workflow_store(), run.id, batch.id) if run is not None and batch is not None and newest else None,
            steps=updated_file_steps(updated.name) if updated is not None and can_load else None,
            batches=batches,
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
            applied = apply_extract(
                workflow_store(), run_id, acting(), confirmed=request.form.get("confirm") == "yes",
                anyway=request.form.get("anyway") == "yes",
            )
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"SSID Extract applied: {applied.updated} student(s) updated. The request file left the File Download list.", "success")
        return back_to(".index")

    @expose("/<int:run_id>/undo", methods=("POST",))
    def undo(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        try:
            undone = undo_extract(workflow_store(), run_id, acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(
                f"SSID Extract undone: {undone.restored} value(s) restored. Run {run_id} is back in “updated” and its "
                "request file is back in File Download: load a new SSID Extract below, or cancel the run on the Run tab.",
                "success",
            )
        return back_to(".index")
