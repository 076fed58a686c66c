"""The stored local duplicate check on a real database: run once, read many times; current until a
student's compared data changes (by any path: a model save, plain SQL, a guardian), until a
Replacement extract retires another SSID; acknowledgements and "not a duplicate" marks never make
it out of date; marks are remembered by later checks; resolve_mids uses the stored check, runs it
again when out of date, or (a large district's console) is refused saying so, in the history."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from domain.runs import RunState
from store.assistant_store import KEPT_CHECKS
from store.tables import (
    DuplicateAcknowledgementRow,
    DuplicateCheckIssueRow,
    DuplicateCheckRow,
    GuardianRow,
    NotDuplicateMarkRow,
    StudentDataVersionRow,
    StudentRow,
)
from tests.integration.workflow_builder import NOW, RunBuilder, actor, history_rows, last_history
from workflows.batches import replacement
from workflows.run import duplicate_check, lifecycle
from workflows.errors import StepRefused
from workflows.run.local_check import local_issues

PAIR = "lookalike:100004,100005"  # the demo's two records of one child


@pytest.fixture
def builder(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    made = RunBuilder(database, tmp_path, students=60)
    made.to(RunState.NEW)
    return made


def _checks() -> int:
    return int(DuplicateCheckRow.select().count())


def test_the_check_runs_once_and_is_stored_with_its_time_and_evidence(builder: RunBuilder) -> None:
    store = builder.store
    assert duplicate_check.latest_check(store) is None
    view = duplicate_check.run_check(store, actor("maria"))
    assert [str(i.key) for i in view.issues] == [PAIR] and view.open_issues == 1 and view.current
    row = DuplicateCheckRow.get()
    assert (row.checked_by, row.checked_at, row.students, row.lookalike_percent, row.issues) == ("maria", NOW, 60, 50.0, 1)
    stored = DuplicateCheckIssueRow.get()
    assert (stored.key, stored.kind, stored.local_ids) == (PAIR, "lookalike", "100004,100005")
    assert '"birth_date", "exact"' in stored.evidence
    # Reading it, and local_issues while it is current, run nothing again.
    for _ in range(3):
        assert duplicate_check.latest_check(store) == view
        assert [str(i.key) for i in local_issues(store)] == [PAIR]
    assert _checks() == 1
    assert duplicate_check.latest_check(store, verify=False) == view


def test_any_change_to_what_the_check_reads_makes_it_out_of_date_and_nothing_else_does(builder: RunBuilder) -> None:
    store = builder.store
    duplicate_check.run_check(store, actor())
    version = StudentDataVersionRow.get().version

    def current() -> bool:
        view = duplicate_check.latest_check(store)
        assert view is not None
        return view.current

    StudentRow.update(tags="esl").where(StudentRow.local_id == "100010").execute()  # not a compared field
    lifecycle.acknowledge_issues(store, [PAIR], actor())
    assert current() and StudentDataVersionRow.get().version == version
    changes = (
        lambda: StudentRow.update(legal_first="Zoe").where(StudentRow.local_id == "100010").execute(),
        lambda: store.database.execute_sql("UPDATE student SET active = FALSE WHERE local_id = '100011'"),  # type: ignore[no-untyped-call]
        lambda: GuardianRow.create(student=StudentRow.get(StudentRow.local_id == "100012"), position=3, first="Ana", last="Diaz"),
        lambda: StudentRow.get(StudentRow.local_id == "100013").save(),  # a form saving every field, changed or not
    )
    for change in changes:
        duplicate_check.run_check(store, actor())
        assert current()
        change()
        assert not current()
    assert StudentDataVersionRow.get().version >= version + len(changes)


def test_a_loaded_replacement_extract_makes_the_check_out_of_date(database: peewee.Database, tmp_path: Path) -> None:
    made = RunBuilder(database, tmp_path, students=40)
    made.to(RunState.UPDATED)  # writes the sandbox's Replacement SSIDs Extract
    store = made.store
    duplicate_check.run_check(store, actor())
    replacement.load_replacements(store, made.files["replacements"], actor())
    view = duplicate_check.latest_check(store)
    assert view is not None and not view.current
    assert "retired_ssid:100003" in {str(i.key) for i in local_issues(store)}  # the check ran again and found it


def test_not_a_duplicate_is_remembered_by_later_checks_and_can_be_undone(builder: RunBuilder) -> None:
    store = builder.store
    duplicate_check.run_check(store, actor())
    with pytest.raises(StepRefused) as wrong:
        duplicate_check.mark_not_duplicate(store, ["shared_ssid:100001,100002"], actor())
    assert wrong.value.reason == "shared_ssid:100001,100002 is not a pair of look-alike records: only those can be marked not a duplicate"
    with pytest.raises(StepRefused, match="no listed look-alike pair lookalike:100001,100002"):
        duplicate_check.mark_not_duplicate(store, ["lookalike:100001,100002"], actor())
    assert NotDuplicateMarkRow.select().count() == 0

    assert duplicate_check.mark_not_duplicate(store, [PAIR], actor("ana")) == 1
    mark = NotDuplicateMarkRow.get()
    assert (mark.first_local_id, mark.second_local_id, mark.marked_by, mark.marked_at) == ("100004", "100005", "ana", NOW)
    view = duplicate_check.latest_check(store)
    assert view is not None and view.current and (view.issues, view.hidden, view.open_issues) == ([], 1, 0)
    StudentRow.update(legal_middle="").where(StudentRow.local_id == "100020").execute()
    again = duplicate_check.current_check(store, actor())  # out of date: runs again, still without the pair
    assert _checks() == 2 and again.issues == [] and again.hidden == 1

    duplicate_check.unmark_not_duplicate(store, PAIR, actor())
    assert [str(i.key) for i in local_issues(store)] == [PAIR] and NotDuplicateMarkRow.select().count() == 0
    with pytest.raises(StepRefused, match=f"{PAIR} is not marked not a duplicate"):
        duplicate_check.unmark_not_duplicate(store, PAIR, actor())


def test_resolve_mids_uses_the_stored_check_while_current(builder: RunBuilder) -> None:
    store = builder.store
    run = builder.run_id
    with pytest.raises(StepRefused, match="1 unacknowledged issue"):
        lifecycle.resolve_mids(store, run, actor(), attested=True)
    assert _checks() == 1  # no check stored yet: this one ran it
    lifecycle.acknowledge_issues(store, [PAIR], actor())
    assert DuplicateAcknowledgementRow.select().count() == 1
    assert lifecycle.resolve_mids(store, run, actor(), attested=True).state is RunState.MIDS_RESOLVED
    assert _checks() == 1


def test_resolve_mids_without_recheck_is_refused_on_an_out_of_date_check_and_says_so(builder: RunBuilder) -> None:
    store = builder.store
    run = builder.run_id
    with pytest.raises(StepRefused) as never:
        lifecycle.resolve_mids(store, run, actor(), attested=True, recheck=False)
    assert never.value.reason == "the local duplicate check has not run yet: run it first (Duplicates page)"
    duplicate_check.run_check(store, actor())
    lifecycle.acknowledge_issues(store, ["all"], actor())
    StudentRow.update(legal_last="Zamora").where(StudentRow.local_id == "100030").execute()
    with pytest.raises(StepRefused) as stale:
        lifecycle.resolve_mids(store, run, actor(), attested=True, recheck=False)
    assert stale.value.reason == (
        "the local duplicate check of 2025-10-15 19:30 UTC is out of date (student records changed since): run it again"
    )
    assert last_history().reason == stale.value.reason and not last_history().accepted
    assert history_rows()[-1][:2] == ("resolve_mids", "new")
    duplicate_check.run_check(store, actor())  # e.g. the background job
    assert lifecycle.resolve_mids(store, run, actor(), attested=True, recheck=False).state is RunState.MIDS_RESOLVED


def test_older_checks_keep_their_summary_and_only_the_newest_keep_their_issues(builder: RunBuilder) -> None:
    for _ in range(KEPT_CHECKS + 2):
        duplicate_check.run_check(builder.store, actor())
    assert _checks() == KEPT_CHECKS + 2
    kept = {row.check_id for row in DuplicateCheckIssueRow.select()}
    ids = sorted(row.id for row in DuplicateCheckRow.select())
    assert kept == set(ids[-KEPT_CHECKS:])
    view = duplicate_check.latest_check(builder.store)
    assert view is not None and [str(i.key) for i in view.issues] == [PAIR]
