"""The Identifiers page's frame, shared by its tabs: the run's stepper, its counts, the tabs, and
the run's newest files (request, updated, partial) that the CALPADS instructions name.

Each tab is its own view (one page per module); they all render through :func:`render_tab`, so
the stepper looks the same on every tab and always reflects the run as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from flask_admin import BaseView

from console.views.run_steps import STEPS, run_steps, step_title
from console.views.workflow_support import STATE_LABELS, current_run, step_buttons, workflow_store
from domain.runs import FileKind, GeneratedFile, Run, RunState
from workflows.run.machine import TRANSITIONS, allowed_actions, allowed_events, what_now
from workflows.run.extract import pending_extract
from workflows.run.lifecycle import status_of

__all__ = ["TABS", "STEPPER_STATES", "render_tab", "newest_file", "newest_files", "state_index", "done_events"]

TABS: tuple[tuple[str, str], ...] = (
    ("identifiers.index", "Run"),
    ("duplicates.index", "Local duplicates"),
    ("senr.index", "Create SENR"),
    ("review.index", "SSID Match review"),
    ("decisions.index", "Decisions"),
    ("load_ssid.index", "Load SSID"),
    ("replacement.index", "Replacement"),
    ("ods_audit.index", "ODS audit"),
    ("files.index", "File Download"),
)
"""The tabs of the Identifiers page, in order (endpoint, label)."""

STEPPER_STATES: tuple[tuple[RunState, str], ...] = tuple(STATE_LABELS.items())
"""The states of a run in workflow order, as the stepper names them."""


def state_index(state: RunState) -> int:
    """Where ``state`` sits on the stepper (cancelled: past the end)."""
    order = [s for s, _ in STEPPER_STATES]
    return order.index(state) if state in order else len(order)


def newest_files(run_id: int) -> dict[FileKind, GeneratedFile]:
    """The run's newest file of each kind, retired or not (the instructions name them): one query."""
    newest: dict[FileKind, GeneratedFile] = {}
    for kept in workflow_store().generated_files(run_id, include_retired=True):  # newest first
        newest.setdefault(kept.kind, kept)
    return newest


def newest_file(run_id: int, kind: FileKind) -> GeneratedFile | None:
    """The run's newest file of ``kind``, retired or not (the instructions name it)."""
    return newest_files(run_id).get(kind)


def _reached(run: Run) -> int:
    """How far a cancelled run had got: the state of its last accepted step before cancel."""
    if run.state is not RunState.CANCELLED:
        return state_index(run.state)
    steps = [h for h in workflow_store().run_history(run.id) if h.accepted and h.dest and h.dest != "cancelled"]
    return state_index(RunState(steps[-1].dest)) if steps and steps[-1].dest else 0


def done_events(reached: int) -> frozenset[str]:
    """The steps the run has already taken (their destination is behind or at where it got)."""
    return frozenset(
        event.value
        for event, (_, dest) in TRANSITIONS.items()
        if dest is not RunState.CANCELLED and state_index(dest) <= reached
    )


def render_tab(
    view: BaseView,
    template: str,
    run: Run | None = None,
    active_tab: str | None = None,
    newest: Mapping[FileKind, GeneratedFile] | None = None,
    **context: Any,
) -> str:
    """Render one tab of the Identifiers page around ``run`` (default: the newest run); the tab
    shown active is ``active_tab`` (default: the page's own endpoint); ``newest``: the run's
    :func:`newest_files` when the page has read them already."""
    run = run if run is not None else current_run()
    status = status_of(workflow_store(), run) if run is not None else None
    buttons = list(step_buttons(run, status.requested - status.decided)) if run is not None and status is not None else []
    reached = _reached(run) if run is not None else -1
    done = done_events(reached) if run is not None else frozenset()
    waiting = run is not None and run.state is RunState.UPDATED and pending_extract(workflow_store(), run.id) is not None
    files = newest if newest is not None else newest_files(run.id) if run is not None else {}
    return str(
        view.render(
            template,
            run=run,
            status=status,
            stepper=STEPPER_STATES,
            reached=reached,
            done=done,
            stepper_steps=run_steps(run.state, done, waiting) if run is not None else [],
            titles=[step_title(step.number) for step in STEPS],
            actions_now=(
                {a.value for a in allowed_actions(run.state)} | {e.value for e in allowed_events(run.state)} if run is not None else set()
            ),
            buttons=buttons,
            step={button.event.value: button for button in buttons},
            tabs=[tab for tab in TABS if tab[0].partition(".")[0] in current_app.blueprints],
            active_tab=active_tab or request.endpoint,
            request_file=files.get(FileKind.REQUEST),
            updated_file=files.get(FileKind.UPDATED),
            partial_file=files.get(FileKind.PARTIAL),
            RunState=RunState,
            what_now=what_now,
            **context,
        )
    )
