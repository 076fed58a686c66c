"""The SSID run as a ``transitions`` state machine: exactly the states, events and guards of
product.md "The SSID workflow".

The machine decides; it does not persist. It is built for one attempt from the stored state
(``initial=<stored state>``), without the automatic ``to_<state>()`` shortcuts that would skip
the order, and the caller writes the new state and its history row in one transaction with a
compare-and-set on the old state (:mod:`workflows.run.stepping`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from transitions import EventData, Machine

from domain.runs import RunEvent, RunState
from workflows.errors import StepRefused
from workflows.run.guards import GuardFacts, guard_reason

__all__ = ["TRANSITIONS", "RunMachine", "allowed_events", "order_reason"]

_CANCELLABLE = tuple(s for s in RunState if s not in (RunState.EXTRACT_LOADED, RunState.CANCELLED))

TRANSITIONS: Mapping[RunEvent, tuple[Sequence[RunState], RunState]] = MappingProxyType(
    {
        RunEvent.RESOLVE_MIDS: ((RunState.NEW,), RunState.MIDS_RESOLVED),
        RunEvent.CREATE_SENR: ((RunState.MIDS_RESOLVED,), RunState.SENR_CREATED),
        RunEvent.LOAD_RESULTS: ((RunState.SENR_CREATED,), RunState.RESULTS_LOADED),
        RunEvent.CONFIRM_ALL: ((RunState.RESULTS_LOADED,), RunState.ALL_CONFIRMED),
        RunEvent.CREATE_UPDATED: ((RunState.ALL_CONFIRMED,), RunState.UPDATED),
        RunEvent.APPLY_EXTRACT: ((RunState.UPDATED,), RunState.EXTRACT_LOADED),
        RunEvent.CANCEL: (_CANCELLABLE, RunState.CANCELLED),
    }
)
"""Each event's source states and destination: the order of product.md, nothing else."""


def allowed_events(state: RunState) -> frozenset[RunEvent]:
    """The events the order of states allows from ``state`` (their guards may still refuse)."""
    return frozenset(event for event, (sources, _) in TRANSITIONS.items() if state in sources)


def order_reason(event: RunEvent, state: RunState) -> str | None:
    """Why ``event`` cannot happen in ``state`` by the order of states (``None`` when it can)."""
    sources, _ = TRANSITIONS[event]
    if state in sources:
        return None
    if state is RunState.CANCELLED:
        return "the run is cancelled"
    if event is RunEvent.CANCEL:
        return "the run's SSID Extract was applied; an applied run cannot be cancelled"
    needed = " or ".join(s.value for s in sources)
    return f"{event.value} needs a run in state {needed}; this run is in state {state.value}"


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
            ],
            initial=state.value,
            auto_transitions=False,
            send_event=True,
        )

    @property
    def state(self) -> RunState:
        return RunState(self._model.state)

    def fire(self, event: RunEvent, facts: GuardFacts) -> RunState:
        """Move by ``event`` and return the new state, or raise :class:`StepRefused` with the reason.

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
