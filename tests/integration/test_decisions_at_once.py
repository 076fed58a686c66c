"""Reviewers deciding at the same time on PostgreSQL: a decision does not wait for another
reviewer's decision of another student, yet two decisions of one student, or two selections of
one SSID, still see each other: the later is refused ("the decision changed …") or warned ("the
same SSID is selected for student …"), never recorded over the other unseen.

One reviewer's decision is held open inside its transaction (its save done, its commit not yet)
while another reviewer decides; SQLite has one writer at a time by design, so these run on
PostgreSQL only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import peewee
import pytest

from domain.model import DecisionKind, MatchDecision
from domain.runs import RunState
from domain.values import LocalId, Ssid
from store.database import database_proxy
from store.tables import DecisionLogRow, MatchCandidateRow, MatchDecisionRow
from store.workflow_store import DatabaseWorkflowStore
from tests.integration.workflow_builder import RunBuilder, actor
from workflows.errors import StepRefused
from workflows.run.results import Decided, SeenDecision, decide


def _sql(statement: str, *params: object) -> tuple[Any, ...]:
    """One statement on this thread's connection; its first row (``()`` for none)."""
    cursor = database_proxy.execute_sql(statement, params)
    row = cursor.fetchone() if cursor.description else None
    return tuple(row) if row is not None else ()


class HeldOpen(DatabaseWorkflowStore):
    """The store, its first decision saved and then held open until ``release`` is set."""

    def __init__(self, database: peewee.Database) -> None:
        super().__init__(database)
        self.saved = threading.Event()
        self.release = threading.Event()

    def save_decision(
        self, run_id: int, decision: MatchDecision, *, warnings: Sequence[str], actor: str, at: Any
    ) -> None:
        super().save_decision(run_id, decision, warnings=warnings, actor=actor, at=at)
        self.saved.set()
        self.release.wait(60)


class Reviewer(threading.Thread):
    """A decision taken in a thread of its own (its own database connection); what it answered."""

    def __init__(self, work: Callable[[], Decided]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.backend = 0
        self.decided: Decided | None = None
        self.refused: StepRefused | None = None

    def run(self) -> None:
        self.backend = int(_sql("SELECT pg_backend_pid()")[0])
        try:
            self.decided = self.work()
        except StepRefused as refused:
            self.refused = refused
        finally:
            database_proxy.close()


@pytest.fixture
def builder(database: peewee.Database, tmp_path: Path) -> Iterator[RunBuilder]:
    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("SQLite lets one writer in at a time: reviewers' decisions queue by design")
    made = RunBuilder(database, tmp_path, students=40)
    made.to(RunState.RESULTS_LOADED)
    yield made


@pytest.fixture
def held(builder: RunBuilder) -> Iterator[HeldOpen]:
    store = HeldOpen(builder.database)
    yield store
    store.release.set()


def _students(builder: RunBuilder, count: int) -> list[LocalId]:
    return sorted(builder.store.requested_ids(builder.run_id))[:count]


def _waits_for_a_lock(backend: int) -> None:
    """Return once the session ``backend`` waits for a lock another transaction holds."""
    for _ in range(3000):
        if _sql("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", backend)[0]:
            return
        time.sleep(0.01)
    raise AssertionError("the second reviewer never waited for the first")


def _stored(run_id: int, local_id: LocalId) -> tuple[str, str | None, str]:
    row = MatchDecisionRow.get((MatchDecisionRow.run == run_id) & (MatchDecisionRow.local_id == local_id))
    return (row.kind, row.ssid, row.actor)


def test_a_decision_does_not_wait_for_another_reviewer_deciding_another_student(builder: RunBuilder, held: HeldOpen) -> None:
    first, second = _students(builder, 2)
    ana = Reviewer(lambda: decide(held, builder.run_id, first, DecisionKind.NO_MATCH, actor("ana"), seen=SeenDecision(None)))
    ana.start()
    assert held.saved.wait(30)
    # Ana's decision is saved, not committed. Ben decides another student meanwhile: at once, not
    # after Ana (a lock wait would end in an error here).
    _sql("SET lock_timeout = '2s'")
    try:
        decided = decide(builder.store, builder.run_id, second, DecisionKind.NEW_SSID, actor("ben"), seen=SeenDecision(None))
    finally:
        _sql("SET lock_timeout = 0")
    assert decided.recorded
    held.release.set()
    ana.join(30)
    assert ana.decided is not None and ana.decided.recorded
    assert _stored(builder.run_id, first) == ("no_match", None, "ana")
    assert _stored(builder.run_id, second) == ("new_ssid", None, "ben")


def test_two_reviewers_deciding_one_student_from_the_same_page_the_later_is_refused(builder: RunBuilder, held: HeldOpen) -> None:
    [student] = _students(builder, 1)
    ana = Reviewer(lambda: decide(held, builder.run_id, student, DecisionKind.NO_MATCH, actor("ana"), seen=SeenDecision(None)))
    ana.start()
    assert held.saved.wait(30)
    ben = Reviewer(
        lambda: decide(builder.store, builder.run_id, student, DecisionKind.NEW_SSID, actor("ben"), seen=SeenDecision(None))
    )
    ben.start()
    while not ben.backend:
        time.sleep(0.01)
    _waits_for_a_lock(ben.backend)  # Ben's save waits for Ana's to be committed, then sees it
    held.release.set()
    ana.join(30)
    ben.join(30)
    assert ana.decided is not None and ana.decided.recorded
    assert ben.refused is not None and ben.refused.reason == (
        f"student {student}: not recorded, the decision changed by ana after this page was opened; "
        "look at the decision now shown and decide again"
    )
    assert _stored(builder.run_id, student) == ("no_match", None, "ana")
    logged = DecisionLogRow.select().where((DecisionLogRow.run == builder.run_id) & (DecisionLogRow.local_id == student))
    assert [row.actor for row in logged] == ["ana"]


def test_two_reviewers_selecting_one_ssid_for_two_students_at_once_the_later_is_warned(
    builder: RunBuilder, held: HeldOpen
) -> None:
    first, second = _students(builder, 2)
    c = MatchCandidateRow
    ssid = Ssid(c.select(c.ssid).where((c.run == builder.run_id) & (c.local_id == first) & c.ssid.is_null(False)).scalar())
    # CALPADS proposes the same child to both students.
    c.update(ssid=ssid).where((c.run == builder.run_id) & (c.local_id == second) & c.ssid.is_null(False)).execute()
    ana = Reviewer(lambda: decide(held, builder.run_id, first, DecisionKind.SELECT, actor("ana"), ssid))
    ana.start()
    assert held.saved.wait(30)
    ben = Reviewer(lambda: decide(builder.store, builder.run_id, second, DecisionKind.SELECT, actor("ben"), ssid))
    ben.start()
    while not ben.backend:
        time.sleep(0.01)
    _waits_for_a_lock(ben.backend)
    held.release.set()
    ana.join(30)
    ben.join(30)
    assert ben.decided is not None and ben.decided.recorded
    assert f"the same SSID is selected for student {first} of this run" in ben.decided.warnings
    assert _stored(builder.run_id, second) == ("select", ssid, "ben")
