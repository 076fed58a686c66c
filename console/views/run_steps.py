"""The seven steps of an SSID run as the coordinator knows them (product.md: Step 1 creates the
request file, Step 3 reviews the candidates, Step 7 loads the SSID Extract; Steps 2, 5 and 6 happen
in CALPADS), with one step before them (MIDs resolved). The stepper above every Identifiers tab and
the Run tab's cards show these numbers and names, and for each whether it is done, next or later,
and who takes it.

What is done comes from the run's accepted transitions; what may happen now from the machine
(:func:`workflows.run.machine.allowed_actions` and the events' order), never from a second list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.runs import RunAction, RunEvent, RunState
from workflows.run.machine import allowed_actions, allowed_events

__all__ = ["StepStatus", "RunStepView", "STEPS", "run_steps", "step_title"]


class StepStatus(Enum):
    DONE = "done"
    NEXT = "next"
    LATER = "later"
    STOPPED = "stopped"  # the run was cancelled before this step was done


@dataclass(frozen=True)
class _Step:
    number: int  # 0: before Step 1
    name: str
    in_calpads: bool
    finished_by: RunEvent | RunAction  # the step is done once this happened


STEPS: tuple[_Step, ...] = (
    _Step(0, "MIDs resolved", False, RunEvent.RESOLVE_MIDS),
    _Step(1, "Create the SSID request file", False, RunEvent.CREATE_SENR),
    _Step(2, "Match in CALPADS", True, RunEvent.LOAD_RESULTS),
    _Step(3, "Review candidates", False, RunEvent.CONFIRM_ALL),
    _Step(4, "Create the updated SENR file", False, RunEvent.CREATE_UPDATED),
    _Step(5, "Post the updated file in CALPADS", True, RunAction.LOAD_EXTRACT),
    _Step(6, "Request the SSID Extract", True, RunAction.LOAD_EXTRACT),
    _Step(7, "Load the SSID Extract", False, RunEvent.APPLY_EXTRACT),
)
"""The steps in order; a step in CALPADS is done when the workbench sees its result come back."""


def step_title(number: int) -> str:
    """``Step 3: Review candidates``; ``Before Step 1: MIDs resolved``."""
    step = STEPS[number]
    return f"Before Step 1: {step.name}" if number == 0 else f"Step {number}: {step.name}"


@dataclass(frozen=True)
class RunStepView:
    """One box of the stepper."""

    number: int
    name: str
    status: StepStatus
    who: str

    @property
    def title(self) -> str:
        return step_title(self.number)

    @property
    def short_number(self) -> str:
        return "✓" if self.status is StepStatus.DONE else ("·" if self.number == 0 else str(self.number))


def _who(step: _Step) -> str:
    return "you, in the CALPADS portal" if step.in_calpads else "an administrator, here"


def run_steps(state: RunState, done: frozenset[str], extract_loaded: bool) -> list[RunStepView]:
    """The steps of a run in ``state``: ``done`` are the events it has taken; ``extract_loaded``:
    an SSID Extract is loaded and waiting for review (so Steps 5 and 6 happened in CALPADS)."""
    allowed_now = {e.value for e in allowed_events(state)} | {a.value for a in allowed_actions(state)}
    views: list[RunStepView] = []
    next_found = False
    for step in STEPS:
        trigger = step.finished_by.value
        finished = trigger in done or (step.finished_by is RunAction.LOAD_EXTRACT and (extract_loaded or "apply_extract" in done))
        if finished:
            status = StepStatus.DONE
        elif state is RunState.CANCELLED:
            status = StepStatus.STOPPED
        elif not next_found and trigger in allowed_now:
            status, next_found = StepStatus.NEXT, True
        else:
            status = StepStatus.LATER
        views.append(RunStepView(step.number, step.name, status, _who(step)))
    return views
