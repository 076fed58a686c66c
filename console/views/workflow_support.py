"""What the workflow pages share: the store adapter, the acting person, the current run, uploads,
and the buttons of the run's stepper with the reason each one would be refused.

Views call the workflow services (:mod:`workflows`) for every step; nothing here decides a step.
The stepper's reasons come from the machine's own order (:func:`workflows.run.machine.order_reason`)
and guards (:func:`workflows.run.guards.guard_reason`), fed with the facts that are cheap to gather on
every page view; a guard whose facts are expensive (the local duplicate check, pre-validation of
every record) answers when the button is pressed, and its refusal is shown and recorded.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import peewee
from flask import abort, current_app, request
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from console.auth import current_user
from console.privacy import upload_limit_message
from domain.runs import Run, RunAction, RunEvent, RunState
from store.private_files import private_folder
from store.database import database_proxy
from store.settings import read_settings
from store.workflow_store import DatabaseWorkflowStore
from workflows.run.guards import ConfirmFacts, ExtractFacts, guard_reason
from workflows.run.machine import TRANSITIONS, allowed_actions, order_reason
from workflows.run.extract import pending_extract
from workflows.run.lifecycle import settings_problem
from workflows.files import count_lines
from workflows.run.stepping import Actor

__all__ = [
    "Upload",
    "StepButton",
    "STATE_LABELS",
    "STEP_LABELS",
    "workflow_store",
    "acting",
    "current_run",
    "run_or_404",
    "received_upload",
    "output_folder",
    "count_lines",
    "step_buttons",
]

STATE_LABELS: dict[RunState, str] = {
    RunState.NEW: "Run started",
    RunState.MIDS_RESOLVED: "MIDs resolved",
    RunState.SENR_CREATED: "SENR created",
    RunState.RESULTS_LOADED: "Match results loaded",
    RunState.ALL_CONFIRMED: "All confirmed",
    RunState.UPDATED: "Updated SENR created",
    RunState.EXTRACT_LOADED: "SSID Extract loaded",
}
"""The states of the main line in workflow order, as the stepper names them."""

STEP_LABELS: dict[RunEvent, str] = {
    RunEvent.RESOLVE_MIDS: "MIDs resolved",
    RunEvent.CREATE_SENR: "Create SENR",
    RunEvent.LOAD_RESULTS: "Load match results",
    RunEvent.CONFIRM_ALL: "Confirm all",
    RunEvent.CREATE_UPDATED: "Create updated SENR",
    RunEvent.APPLY_EXTRACT: "Apply SSID Extract",
    RunEvent.UNDO_EXTRACT: "Undo SSID Extract",
    RunEvent.CANCEL: "Cancel run",
}


def workflow_store() -> DatabaseWorkflowStore:
    """The workflow store on the database this request uses."""
    database = database_proxy.obj
    assert isinstance(database, peewee.Database)
    return DatabaseWorkflowStore(database)


def acting() -> Actor:
    """The signed-in person, as the workflow records them."""
    user = current_user()
    if user is None:
        abort(401)
    return Actor(user.name)


def current_run() -> Run | None:
    """The newest run (open or not): the one the Identifiers page shows."""
    return workflow_store().latest_run()


def run_or_404(run_id: int) -> Run:
    run = workflow_store().get_run(run_id)
    if run is None:
        abort(404, description=f"There is no run {run_id}.")
    return run


@dataclass(frozen=True)
class Upload:
    """An uploaded file saved under the upload folder; ``name`` is the name the person gave it."""

    path: Path
    name: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


_SHOWN_NAME = 120
"""The longest upload name kept and shown; a longer one keeps its start and its end (where
CALPADS puts the district, the date and the extension) around an ellipsis."""
_STORED_NAME = 100
"""The longest name part of an upload's path on disk (file systems refuse names over 255 bytes)."""


def shown_file_name(name: str) -> str:
    """``name`` as the workbench keeps and shows it: at most :data:`_SHOWN_NAME` characters."""
    if len(name) <= _SHOWN_NAME:
        return name
    end = _SHOWN_NAME * 2 // 3
    return f"{name[: _SHOWN_NAME - end - 1]}…{name[-end:]}"


def received_upload(field: str = "file") -> Upload | None:
    """Save the request's uploaded file (``None`` when none was chosen)."""
    stored: FileStorage | None = request.files.get(field)
    if stored is None or not stored.filename:
        return None
    name = shown_file_name(Path(stored.filename).name)  # browsers may send a path; only the name is ours to show
    folder = private_folder(Path(current_app.config["UPLOAD_FOLDER"]))
    path = folder / f"{secrets.token_hex(8)}_{secure_filename(name)[-_STORED_NAME:] or 'upload'}"
    stored.save(path)
    limit_mb = int(current_app.config["MAX_UPLOAD_MB"])
    if path.stat().st_size > limit_mb * 1024**2:
        path.unlink(missing_ok=True)
        abort(400, description=upload_limit_message(limit_mb))
    return Upload(path, name)


def output_folder() -> Path:
    """Where produced files are also written (they are kept in the database for download)."""
    return private_folder(Path(current_app.config["OUTPUT_FOLDER"]))


@dataclass(frozen=True)
class StepButton:
    """One action of the stepper: enabled, or disabled with the reason it would be refused."""

    event: RunEvent
    label: str
    reason: str | None

    @property
    def allowed(self) -> bool:
        return self.reason is None


def _cheap_guard(event: RunEvent, run: Run, store: DatabaseWorkflowStore, undecided: int | None) -> str | None:
    if event is RunEvent.CREATE_SENR:
        return settings_problem(read_settings())
    if event is RunEvent.CONFIRM_ALL:
        if undecided is None:
            counts = store.run_counts(run.id)
            undecided = counts.get("requested", 0) - counts.get("decided", 0)
        return guard_reason(event, ConfirmFacts(undecided))
    if event is RunEvent.APPLY_EXTRACT:  # "none came back" asks its own confirmation on the Load SSID tab
        return guard_reason(event, ExtractFacts(pending_extract(store, run.id) is not None, True, anyway=True))
    return None


def _out_of_order(event: RunEvent, state: RunState) -> str | None:
    """Why ``event`` cannot happen yet (or any more), in the stepper's words; ``None`` when it can."""
    reason = order_reason(event, state)
    if reason is None or state is RunState.CANCELLED or event is RunEvent.CANCEL:
        return reason  # "the run is cancelled; …", "an applied run cannot be cancelled", each with what to do instead
    if event is RunEvent.UNDO_EXTRACT:
        return "there is no applied SSID Extract to undo"
    sources, dest = TRANSITIONS[event]
    order = list(STATE_LABELS)
    if order.index(state) >= order.index(dest):
        return f"already done (the run is at “{STATE_LABELS[state]}”)"
    return f"the run must first reach “{STATE_LABELS[sources[0]]}”; it is at “{STATE_LABELS[state]}”"


def step_buttons(run: Run, undecided: int | None = None) -> Iterator[StepButton]:
    """Every action of the run in workflow order, each with the reason it would be refused now
    (``undecided``: the run's students without a decision, when the page has counted them)."""
    store = workflow_store()
    for event in RunEvent:
        reason = _out_of_order(event, run.state) or _cheap_guard(event, run, store, undecided)
        yield StepButton(event, STEP_LABELS[event], reason)


def is_reviewing(run: Run | None) -> bool:
    return run is not None and RunAction.DECIDE in allowed_actions(run.state)
