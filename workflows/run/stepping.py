"""How every step of a run is taken and recorded: one :class:`Attempt` per try, read top to bottom.

```python
with attempt(uow, run_id, RunEvent.APPLY_EXTRACT, actor) as step:  # loads the run; its state must allow the step
    batch = pending_extract(uow.batches, step.run.id)               # work that may be refused, outside the transaction
    step.check(ExtractFacts(batch is not None, confirmed))          # the machine's guard
    with step.commit():                                             # compare-and-set, effects, history row: ONE transaction
        counts = apply_batch(uow, batch, actor)
        step.record(file_name=batch.file_name, sha256=batch.sha256, counts=counts)
```

An accepted step writes the new state (by compare-and-set on the old one; an action inside a
state writes the same state back, which serializes it against a concurrent transition), its
history row and the step's own data in ONE transaction; of two concurrent attempts exactly one
finds the old state and wins, the other is refused ("the run changed meanwhile"). An action that
many people take at once (reviewers' decisions, each of its own student) holds the run's state
instead of writing it back: a transition still waits for it, but the actions do not wait for each
other; each serializes on what it changes itself. Whatever
:class:`StepRefused` leaves the ``with attempt`` block is recorded in its own transaction, leaving
the run's state and data as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import NoReturn

from domain.errors import DomainError
from domain.runs import HistoryEntry, Run, RunState
from workflows.errors import NotFound, StepRefused
from workflows.ports import Runs, UnitOfWork
from workflows.run.guards import GuardFacts, NoFacts
from workflows.run.machine import RunMachine, RunStep, order_reason

__all__ = ["Actor", "Recorded", "Attempt", "CHANGED_MEANWHILE", "attempt", "load_run", "record_refusal", "utc_now"]

CHANGED_MEANWHILE = "the run changed meanwhile; look at it again and retry"


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


def load_run(runs: Runs, run_id: int) -> Run:
    """The run numbered ``run_id``, or :class:`NotFound`."""
    run = runs.get_run(run_id)
    if run is None:
        raise NotFound(f"there is no run {run_id}")
    return run


def record_refusal(uow: UnitOfWork, run: Run, event: str, reason: str, actor: Actor) -> None:
    """Record a refused attempt in its own transaction; nothing else changes."""
    entry = HistoryEntry(
        run=run.id, at=actor.now(), actor=actor.name, event=event, source=run.state.value, dest=None,
        accepted=False, reason=reason,
    )
    with uow.atomic():
        uow.history.add_history(entry)


class Attempt:
    """One try at a step of one run: the run as loaded, the machine's answer, what to record."""

    def __init__(self, uow: UnitOfWork, run: Run, step: RunStep, actor: Actor) -> None:
        self.run = run
        self.step = step
        self._uow = uow
        self._actor = actor
        self._dest: RunState | None = None
        self._recorded = Recorded()

    def check(self, facts: GuardFacts) -> None:
        """Ask the machine whether the step may happen on these facts; else :class:`StepRefused`
        with the guard's reason (recorded as the attempt ends)."""
        self._dest = RunMachine(self.run.state).fire(self.step, facts)

    def refuse(self, reason: str, *, cause: DomainError | None = None) -> NoReturn:
        """Refuse the step for a reason found on the way (a broken file: ``cause`` its problem)."""
        raise StepRefused(reason, self.step.value, cause=cause)

    def record(self, *, file_name: str | None = None, sha256: str | None = None, counts: Mapping[str, int] = {}) -> None:
        """What the history row of the step says besides the states: a file and counts."""
        self._recorded = Recorded(file_name, sha256, dict(counts))

    @contextmanager
    def commit(self, *, log: bool = True, beside_others: bool = False) -> Iterator[None]:
        """The step's transaction: the run's compare-and-set, then the block's effects, then the
        history row (left out with ``log=False``: decisions keep their own log). A step not yet
        checked is checked with :class:`NoFacts` (no guard beyond the order of states).

        With ``beside_others`` (an action that stays in the run's state) the state is held rather
        than written back: transitions wait for the step, steps held beside it do not."""
        if self._dest is None:
            self.check(NoFacts())
        assert self._dest is not None
        assert not beside_others or self._dest is self.run.state, "only an action within a state runs beside others"
        with self._uow.atomic():
            if beside_others:
                kept = self._uow.runs.hold_run_state(self.run.id, self.run.state)
            else:
                kept = self._uow.runs.set_run_state(self.run.id, self.run.state, self._dest)
            if not kept:
                raise _ChangedMeanwhile
            yield
            if log:
                self._uow.history.add_history(
                    HistoryEntry(
                        run=self.run.id, at=self._actor.now(), actor=self._actor.name, event=self.step.value,
                        source=self.run.state.value, dest=self._dest.value, accepted=True,
                        file_name=self._recorded.file_name, sha256=self._recorded.sha256,
                        counts=dict(self._recorded.counts),
                    )
                )
        self.run = replace(self.run, state=self._dest)

    def accept(self) -> None:
        """Commit a step that has no effects of its own: the state and its history row."""
        with self.commit():
            pass


@contextmanager
def attempt(uow: UnitOfWork, run_id: int, step: RunStep, actor: Actor) -> Iterator[Attempt]:
    """Load the run and check that its state allows ``step``; the block then does the step.

    A :class:`StepRefused` leaving the block (the order of states, a guard, a bad file, a check
    inside the transaction) is recorded in the run's history in its own transaction and raised
    again; a run that changed meanwhile is refused with :data:`CHANGED_MEANWHILE`. A run that does
    not exist is :class:`NotFound`, not recorded anywhere.
    """
    run = load_run(uow.runs, run_id)
    try:
        reason = order_reason(step, run.state)
        if reason is not None:
            raise StepRefused(reason, step.value)
        yield Attempt(uow, run, step, actor)
    except _ChangedMeanwhile:
        record_refusal(uow, run, step.value, CHANGED_MEANWHILE, actor)
        raise StepRefused(CHANGED_MEANWHILE, step.value) from None
    except StepRefused as refused:
        record_refusal(uow, run, step.value, refused.reason, actor)
        raise
