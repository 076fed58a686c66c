"""The smaller machines: a loaded batch (SSID Extract or Replacement SSIDs: loaded → applied →
undone) and an SENR ODS audit (loaded → evaluated → files_created).

Like the run's machine they only decide; the store moves a batch with a compare-and-set on its
old state, so of two people applying one batch at once exactly one succeeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from transitions import Machine

from domain.runs import BatchState, OdsAuditState
from workflows.errors import StepRefused

__all__ = [
    "BatchEvent",
    "OdsAuditEvent",
    "BATCH_TRANSITIONS",
    "ODS_AUDIT_TRANSITIONS",
    "SmallMachine",
    "batch_machine",
    "ods_audit_machine",
]


class BatchEvent(Enum):
    """Events of a loaded extract or replacement batch."""

    APPLY = "apply_batch"
    UNDO = "undo_batch"


class OdsAuditEvent(Enum):
    """Events of an SENR ODS audit: a person evaluated the audit (reviewed its deletes), its files were written."""

    EVALUATE = "evaluate"
    CREATE_FILES = "create_files"


BATCH_TRANSITIONS: Mapping[BatchEvent, tuple[BatchState, BatchState]] = MappingProxyType(
    {
        BatchEvent.APPLY: (BatchState.LOADED, BatchState.APPLIED),
        BatchEvent.UNDO: (BatchState.APPLIED, BatchState.UNDONE),
    }
)

ODS_AUDIT_TRANSITIONS: Mapping[OdsAuditEvent, tuple[OdsAuditState, OdsAuditState]] = MappingProxyType(
    {
        OdsAuditEvent.EVALUATE: (OdsAuditState.LOADED, OdsAuditState.EVALUATED),
        OdsAuditEvent.CREATE_FILES: (OdsAuditState.EVALUATED, OdsAuditState.FILES_CREATED),
    }
)

E = TypeVar("E", bound=Enum)
S = TypeVar("S", bound=Enum)

_DONE_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "applied": "was already applied",
        "undone": "was undone",
        "evaluated": "was already evaluated",
        "files_created": "already has its files",
    }
)


class _Model:
    def __init__(self) -> None:
        self.state = ""


class SmallMachine(Generic[E, S]):
    """A machine without guards beyond the order of its states."""

    def __init__(self, what: str, table: Mapping[E, tuple[S, S]], states: type[S], state: S) -> None:
        self._what = what
        self._table = table
        self._states = states
        self._model = _Model()
        self._machine = Machine(
            model=self._model,
            states=[s.value for s in states],
            transitions=[
                {"trigger": event.value, "source": source.value, "dest": dest.value}
                for event, (source, dest) in table.items()
            ],
            initial=state.value,
            auto_transitions=False,
        )

    @property
    def state(self) -> S:
        return self._states(self._model.state)

    def fire(self, event: E) -> S:
        """Move by ``event`` and return the new state, or raise :class:`StepRefused`."""
        source, _ = self._table[event]
        if self.state is not source:
            state = self.state.value
            done = _DONE_WORDS.get(state, f"is {state}")
            raise StepRefused(f"the {self._what} {done}; {event.value} needs it {source.value}", event.value)
        moved: Any = self._machine.events[event.value].trigger(self._model)
        assert moved
        return self.state


def batch_machine(state: BatchState, what: str = "batch") -> SmallMachine[BatchEvent, BatchState]:
    """The machine of an extract or replacement batch in ``state``."""
    return SmallMachine(what, BATCH_TRANSITIONS, BatchState, state)


def ods_audit_machine(state: OdsAuditState, what: str = "ODS audit") -> SmallMachine[OdsAuditEvent, OdsAuditState]:
    """The machine of an SENR ODS audit in ``state``."""
    return SmallMachine(what, ODS_AUDIT_TRANSITIONS, OdsAuditState, state)
