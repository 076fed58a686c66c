"""How every step of a run is taken and recorded.

An accepted transition writes the new state (by compare-and-set on the old one), its history
row and the step's own data in ONE transaction; of two concurrent attempts exactly one finds the
old state and wins, the other is refused ("the run changed meanwhile"). A refused attempt is
recorded in its own transaction, leaving the run's state and data as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from domain.runs import HistoryEntry, Run, RunEvent, RunState
from workflows.errors import NotFound, StepRefused
from workflows.run.guards import GuardFacts
from workflows.ports import WorkflowStore
from workflows.run.machine import RunMachine

__all__ = ["Actor", "Recorded", "CHANGED_MEANWHILE", "load_run", "advance", "act", "record_refusal", "utc_now"]

CHANGED_MEANWHILE = "the run changed meanwhile; look at it again and retry"

T = TypeVar("T")


def utc_now() -> dt.datetime:
    """The current time in UTC (history is kept in UTC)."""
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who takes a step, and the clock their steps are stamped with."""

    name: str
    clock: Callable[[], dt.datetime] = utc_now

    def now(self) -> dt.datetime:
        return self.clock()


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a step adds to its history row: a file's name and SHA-256, and counts."""

    file_name: str | None = None
    sha256: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


class _ChangedMeanwhile(Exception):
    pass


def load_run(store: WorkflowStore, run_id: int) -> Run:
    """The run numbered ``run_id``, or :class:`NotFound`."""
    run = store.get_run(run_id)
    if run is None:
        raise NotFound(f"there is no run {run_id}")
    return run


def record_refusal(store: WorkflowStore, run: Run, event: str, reason: str, actor: Actor) -> None:
    """Record a refused attempt in its own transaction; nothing else changes."""
    entry = HistoryEntry(run.id, actor.now(), actor.name, event, run.state.value, None, False, reason)
    with store.atomic():
        store.add_history(entry)


def advance(
    store: WorkflowStore,
    run_id: int,
    event: RunEvent,
    facts: GuardFacts | Callable[[Run], GuardFacts],
    actor: Actor,
    effects: Callable[[Run], T],
    recorded: Callable[[T], Recorded] = lambda _: Recorded(),
) -> tuple[Run, T]:
    """Fire ``event`` on the run; on acceptance write state, history and ``effects`` in one transaction.

    ``facts`` may be computed from the run as loaded. ``effects`` runs inside the transaction
    after the compare-and-set; if it raises :class:`StepRefused`, everything rolls back and the
    refusal is recorded. Returns the run in its new state and what ``effects`` returned.
    """
    run = load_run(store, run_id)
    try:
        gathered = facts(run) if callable(facts) else facts
        dest = RunMachine(run.state).fire(event, gathered)
        with store.atomic():
            if not store.set_run_state(run.id, run.state, dest):
                raise _ChangedMeanwhile
            result = effects(run)
            extra = recorded(result)
            store.add_history(
                HistoryEntry(
                    run.id, actor.now(), actor.name, event.value, run.state.value, dest.value, True, None,
                    extra.file_name, extra.sha256, dict(extra.counts),
                )
            )
    except _ChangedMeanwhile:
        record_refusal(store, run, event.value, CHANGED_MEANWHILE, actor)
        raise StepRefused(CHANGED_MEANWHILE, event.value) from None
    except StepRefused as refused:
        record_refusal(store, run, event.value, refused.reason, actor)
        raise
    return replace(run, state=dest), result


def act(
    store: WorkflowStore,
    run_id: int,
    action: str,
    states: Collection[RunState],
    actor: Actor,
    effects: Callable[[Run], T],
    recorded: Callable[[T], Recorded] = lambda _: Recorded(),
    *,
    log: bool = True,
    prepare: Callable[[Run], object] | None = None,
) -> T:
    """Take an action inside a state (decide, partial, load_extract, undo_extract).

    The run must be in one of ``states`` and still be in it when the action commits (the
    compare-and-set writes the same state back, which also serializes it against a concurrent
    transition). ``log=False`` leaves accepted actions out of the history (decisions have their
    own log); refusals are always recorded. ``prepare`` runs after the state check and before
    the transaction (reading a large file there keeps the transaction short); a
    :class:`StepRefused` it raises is recorded like any other refusal.
    """
    run = load_run(store, run_id)
    try:
        if run.state not in states:
            needed = " or ".join(s.value for s in states)
            raise StepRefused(f"{action} needs a run in state {needed}; this run is in state {run.state.value}", action)
        if prepare is not None:
            prepare(run)
        with store.atomic():
            if not store.set_run_state(run.id, run.state, run.state):
                raise _ChangedMeanwhile
            result = effects(run)
            if log:
                extra = recorded(result)
                store.add_history(
                    HistoryEntry(
                        run.id, actor.now(), actor.name, action, run.state.value, run.state.value, True, None,
                        extra.file_name, extra.sha256, dict(extra.counts),
                    )
                )
    except _ChangedMeanwhile:
        record_refusal(store, run, action, CHANGED_MEANWHILE, actor)
        raise StepRefused(CHANGED_MEANWHILE, action) from None
    except StepRefused as refused:
        record_refusal(store, run, action, refused.reason, actor)
        raise
    return result
