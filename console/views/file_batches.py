"""A page for a file CALPADS gives the district that belongs to no run (Replacement SSIDs, the SELA
EL/IFEP import): load it, review the preview, apply it in one transaction, undo it.

Each such page is a subclass naming its batch kind, its workflow services and its words; the
steps are the same for all, so they are written once here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from flask import flash, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.views.base import GuardedView, back_to, flash_refusal
from console.views.batch_preview import PreviewKinds, chosen_batch, page_argument, preview_page
from console.views.calpads_steps import CalpadsSteps
from console.views.long_work import LinesRead, run_load
from console.views.tabs import render_tab
from console.views.workflow_support import acting, received_upload, workflow_store
from domain.runs import Batch, BatchKind, BatchState
from workflows.batches.shared import AppliedBatch, LoadedPreview
from workflows.errors import StepRefused
from workflows.ports import UnitOfWork
from workflows.run.stepping import Actor

__all__ = ["FileBatchView", "LoadedPreview"]


class FileBatchView(GuardedView):
    """``/admin/<page>/`` (``?batch=N`` shows an earlier load); subclasses fill in the class attributes."""

    kind: ClassVar[BatchKind]
    kinds: ClassVar[PreviewKinds]
    title: ClassVar[str]  # "Replacement SSIDs"
    file_label: ClassVar[str]  # "Replacement SSIDs Extract"
    applied_words: ClassVar[str]  # what applying does, after "N student(s) updated; "
    tab: ClassVar[str]  # the Identifiers tab this page belongs to
    steps: ClassVar[Callable[[], CalpadsSteps]]

    # The workflow services of the kind (subclasses name them with ``staticmethod(...)``).
    @staticmethod
    def load_service(uow: UnitOfWork, path: Path, actor: Actor, *, name: str, progress: LinesRead) -> LoadedPreview:
        raise NotImplementedError

    @staticmethod
    def apply_service(uow: UnitOfWork, batch_id: int, actor: Actor) -> AppliedBatch:
        raise NotImplementedError

    @staticmethod
    def undo_service(uow: UnitOfWork, batch_id: int, actor: Actor) -> int:
        raise NotImplementedError

    def is_visible(self) -> bool:
        return False  # reached from a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        batch, batches = chosen_batch(self.kind, request.args.get("batch", type=int))
        return render_tab(
            self,
            "console/file_batch.html",
            batch_page=self,
            batch=batch,
            batches=batches,
            loaded=batch is not None and batch.state == BatchState.LOADED.value,
            applied=batch is not None and batch.state == BatchState.APPLIED.value,
            preview=preview_page(batch.id, self.kinds, request.args.get("group"), page_argument()) if batch else None,
            args={"batch": batch.id} if batch is not None and batch.id != batches[0].id else {},
            steps=type(self).steps(),
            active_tab=self.tab,
        )

    @expose("/load", methods=("POST",))
    def load(self) -> BaseResponse:
        upload = received_upload()
        if upload is None:
            flash_refusal(f"Choose the {self.file_label} you downloaded from CALPADS.")
            return back_to(".index")
        actor = acting()

        def work(progress: LinesRead) -> Mapping[str, Any]:
            preview = self.load_service(workflow_store(), upload.path, actor, name=upload.name, progress=progress)
            return {"batch": preview.batch.id, "changes": preview.changes, "unmatched": preview.unmatched}

        return run_load(
            f"load_{self.kind.value}", upload, work, url_for(".index"),
            lambda r: (
                f"{upload.name} loaded for review: {r['changes']} student(s) would change, "
                f"{r['unmatched']} line(s) are listed and not applied. Nothing is written yet."
            ),
        )

    @expose("/<int:batch_id>/apply", methods=("POST",))
    def apply(self, batch_id: int) -> BaseResponse:
        if request.form.get("confirm") != "yes":
            flash_refusal("Tick “I reviewed the preview” first: nothing was applied.")
            return back_to(".index", batch=batch_id)
        try:
            applied = self.apply_service(workflow_store(), batch_id, acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"{self.title} applied: {applied.updated} student(s) updated; {self.applied_words}", "success")
        return back_to(".index", batch=batch_id)

    @expose("/<int:batch_id>/undo", methods=("POST",))
    def undo(self, batch_id: int) -> BaseResponse:
        try:
            restored = self.undo_service(workflow_store(), batch_id, acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash(f"{self.title} undone: {restored} value(s) restored.", "success")
        return back_to(".index", batch=batch_id)
