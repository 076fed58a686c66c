"""The SSID run as a ``transitions`` state machine: exactly the states, events and guards of
product.md "The SSID workflow".

The machine decides; it does not persist. It is built for one attempt from the stored state
(``initial=<stored state>``), without the automatic ``to_<state>()`` shortcuts that would skip
the order, and the caller writes the new state and its history row in one transaction with a
compare-and-set on the old state (:mod:`workflows.run.stepping`).

The actions a person takes inside a state (decide, the partial file, bulk acceptance, loading an
SSID Extract) are rows of the same machine: internal transitions (``dest=None``) that
leave the state as it is. :func:`allowed_actions` is the one answer to "what may be done now" for
the services, the console's stepper and the command line. A refusal by the order of states says
what can be done instead (:func:`what_now`): no state is a dead end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from transitions import EventData, Machine

from domain.runs import RunAction, RunEvent, RunState
from workflows.errors import StepRefused
from workflows.run.guards import GuardFacts, guard_reason

__all__ = [
    "TRANSITIONS",
    "INTERNAL",
    "RunStep",
    "RunMachine",
    "allowed_events",
    "allowed_actions",
    "order_reason",
    "what_now",
]

RunStep = RunEvent | RunAction
"""What an attempt on a run does: move it (an event) or act inside its state (an action)."""

_CANCELLABLE = tuple(s for s in RunState if s not in (RunState.EXTRACT_LOADED, RunState.CANCELLED))

TRANSITIONS: Mapping[RunEvent, tuple[Sequence[RunState], RunState]] = MappingProxyType(
    {
        RunEvent.RESOLVE_MIDS: ((RunState.NEW,), RunState.MIDS_RESOLVED),
        RunEvent.CREATE_SENR: ((RunState.MIDS_RESOLVED,), RunState.SENR_CREATED),
        RunEvent.LOAD_RESULTS: ((RunState.SENR_CREATED,), RunState.RESULTS_LOADED),
        RunEvent.CONFIRM_ALL: ((RunState.RESULTS_LOADED,), RunState.ALL_CONFIRMED),
        RunEvent.CREATE_UPDATED: ((RunState.ALL_CONFIRMED,), RunState.UPDATED),
        RunEvent.APPLY_EXTRACT: ((RunState.UPDATED,), RunState.EXTRACT_LOADED),
        RunEvent.UNDO_EXTRACT: ((RunState.EXTRACT_LOADED,), RunState.UPDATED),
        RunEvent.CANCEL: (_CANCELLABLE, RunState.CANCELLED),
    }
)
"""Each event's source states and destination: the order of product.md, nothing else."""

INTERNAL: Mapping[RunAction, Sequence[RunState]] = MappingProxyType(
    {
        RunAction.DECIDE: (RunState.RESULTS_LOADED,),
        RunAction.PARTIAL: (RunState.RESULTS_LOADED,),
        RunAction.BULK_ACCEPT: (RunState.RESULTS_LOADED,),
        RunAction.LOAD_EXTRACT: (RunState.UPDATED,),
    }
)
"""Each in-run action's states: internal transitions of the same machine (the state stays)."""


def allowed_events(state: RunState) -> frozenset[RunEvent]:
    """The events the order of states allows from ``state`` (their guards may still refuse)."""
    return frozenset(event for event, (sources, _) in TRANSITIONS.items() if state in sources)


def allowed_actions(state: RunState) -> frozenset[RunAction]:
    """The actions a person may take inside ``state`` (decisions, files, loads: see :data:`INTERNAL`)."""
    return frozenset(action for action, sources in INTERNAL.items() if state in sources)


_DOING: Mapping[RunStep, str] = MappingProxyType(
    {
        RunEvent.RESOLVE_MIDS: "attest that the MIDs are resolved (ssid run resolve-mids; Run tab)",
        RunEvent.CREATE_SENR: "create the SSID request file (ssid run create-senr; Create SENR tab)",
        RunEvent.LOAD_RESULTS: "load this run's match result file (ssid run load-results; Run tab)",
        RunAction.DECIDE: "decide the students (ssid run decide; SSID Match review tab)",
        RunAction.PARTIAL: "download a partial file (ssid run partial; SSID Match review tab)",
        RunAction.BULK_ACCEPT: "accept the sure matches in bulk (ssid run bulk-accept)",
        RunEvent.CONFIRM_ALL: "confirm every decision (ssid run confirm; Run tab)",
        RunEvent.CREATE_UPDATED: "create the updated SENR file (ssid run create-updated; Run tab)",
        RunAction.LOAD_EXTRACT: "load an SSID Extract for review (ssid run load-extract; Load SSID tab)",
        RunEvent.APPLY_EXTRACT: "apply the reviewed SSID Extract (ssid run apply-extract; Load SSID tab)",
        RunEvent.UNDO_EXTRACT: "undo the applied SSID Extract, which brings the run back to updated "
        "(ssid run undo-extract; Load SSID tab)",
        RunEvent.CANCEL: "cancel the run (ssid run cancel; Run tab)",
    }
)
"""Each step in the words a refusal uses to say what can be done instead."""


def what_now(state: RunState) -> str:
    """What a person can do with a run in ``state``, in words (every state has an answer)."""
    if state is RunState.CANCELLED:
        return "start a new run (ssid run start; Run tab)"
    steps: list[RunStep] = [a for a, sources in INTERNAL.items() if state in sources]
    steps += [e for e in TRANSITIONS if state in TRANSITIONS[e][0] and e is not RunEvent.CANCEL]
    if state in TRANSITIONS[RunEvent.CANCEL][0]:
        steps.append(RunEvent.CANCEL)
    if state is RunState.EXTRACT_LOADED:
        return _DOING[RunEvent.UNDO_EXTRACT] + ", or start a new run (ssid run start; Run tab)"
    return "; or ".join(_DOING[step] for step in steps)


def order_reason(event: RunStep, state: RunState) -> str | None:
    """Why ``event`` (or an action) cannot happen in ``state`` by the order of states (``None`` when
    it can), ending with what can be done instead."""
    if isinstance(event, RunAction):
        if state in INTERNAL[event]:
            return None
        needed = " or ".join(s.value for s in INTERNAL[event])
        return f"{event.value} needs a run in state {needed}; this run is in state {state.value}; now you can {what_now(state)}"
    sources, _ = TRANSITIONS[event]
    if state in sources:
        return None
    if state is RunState.CANCELLED:
        return f"the run is cancelled; {what_now(state)}"
    if event is RunEvent.CANCEL:
        return (
            "the run's SSID Extract was applied; an applied run cannot be cancelled: "
            f"{_DOING[RunEvent.UNDO_EXTRACT]} first, then cancel it"
        )
    needed = " or ".join(s.value for s in sources)
    return f"{event.value} needs a run in state {needed}; this run is in state {state.value}; now you can {what_now(state)}"


class _Model:
    """What the machine moves: the state, and the reason of the last refused guard."""

    def __init__(self) -> None:
        self.state = ""
        self.refusal: str | None = None


class RunMachine:
    """A run's machine for one attempt, started at the run's stored state."""

    def __init__(self, state: RunState) -> None:
        self._model = _Model()
        self._machine = Machine(
            model=self._model,
            states=[s.value for s in RunState],
            transitions=[
                {
                    "trigger": event.value,
                    "source": [s.value for s in sources],
                    "dest": dest.value,
                    "conditions": [self._guard_holds],
                }
                for event, (sources, dest) in TRANSITIONS.items()
            ]
            + [
                {"trigger": action.value, "source": [s.value for s in sources], "dest": None}
                for action, sources in INTERNAL.items()
            ],
            initial=state.value,
            auto_transitions=False,
            send_event=True,
        )

    @property
    def state(self) -> RunState:
        return RunState(self._model.state)

    def fire(self, event: RunStep, facts: GuardFacts) -> RunState:
        """Move by ``event`` and return the new state (an action's: the same), or raise
        :class:`StepRefused` with the reason.

        A refusal leaves the machine in its state; recording it is the caller's business.
        """
        reason = order_reason(event, self.state)
        if reason is not None:
            raise StepRefused(reason, event.value)
        self._model.refusal = None
        moved: Any = self._machine.events[event.value].trigger(self._model, facts=facts)
        if not moved:
            raise StepRefused(self._model.refusal or f"{event.value} was refused", event.value)
        return self.state

    def _guard_holds(self, event_data: EventData) -> bool:
        facts: GuardFacts = event_data.kwargs["facts"]
        self._model.refusal = guard_reason(RunEvent(event_data.event.name), facts)
        return self._model.refusal is None
