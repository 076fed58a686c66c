"""Bulk acceptance on a real database: who is listed (only exact Single Matches at 100 %), who is
left out and why (the demo's twins, a duplicate record whose SSID another student holds, decided
students), what confirming records (Select, each logged as bulk with who and when, one history
entry), and a list that changed since it was shown is refused with nothing recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee
import pytest

from domain.model import DecisionKind
from domain.runs import RunState
from domain.values import LocalId
from store.tables import DecisionLogRow, MatchCandidateRow, MatchDecisionRow
from tests.integration.workflow_builder import NOW, RunBuilder, actor, calpads_is_sure, last_history, snapshot
from workflows.run import duplicate_check, results
from workflows.errors import StepRefused
from workflows.run.bulk_accept import LeftOut, bulk_accept, plan_bulk_accept


@pytest.fixture
def builder(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    made = RunBuilder(database, tmp_path, students=60)
    # Said to be two children (else 100005, the second record of 100004, is never requested).
    duplicate_check.mark_not_duplicate(made.store, ["lookalike:100004,100005"], actor())
    made.to(RunState.RESULTS_LOADED)
    return made


def _reasons(builder: RunBuilder, **options: bool) -> dict[str, LeftOut | None]:  # by local id
    plan = plan_bulk_accept(builder.store, builder.run_id, **options)
    return {str(s.local_id): s.left_out for s in (*plan.included, *plan.left_out)}


def test_only_exact_single_matches_at_100_are_listed_and_twins_never(builder: RunBuilder) -> None:
    run = builder.run_id
    reasons = _reasons(builder)
    # As the sandbox answers: twin 100001 a Single Match at 99 %, twin 100002 several candidates,
    # 100005 (the second record of 100004) a Single Match at 100 % of the SSID 100004 holds.
    assert (reasons["100001"], reasons["100002"], reasons["100005"]) == (LeftOut.BELOW_100, LeftOut.NOT_SINGLE, LeftOut.HELD_LOCALLY)
    assert [k for k, v in reasons.items() if v is None] == []
    # CALPADS sure of both twins (one candidate each, at 100 %, every field the same): still left out.
    calpads_is_sure(run, "100001")
    calpads_is_sure(run, "100002")
    sure = calpads_is_sure(run, "100009")
    plan = plan_bulk_accept(builder.store, run)
    assert [(s.local_id, s.ssid, s.score_text, s.our_percent) for s in plan.included] == [("100009", sure, "100%", 100.0)]
    left = {str(s.local_id): s.left_out for s in plan.left_out}
    assert (left["100001"], left["100002"]) == (LeftOut.LOCAL_TWIN, LeftOut.LOCAL_TWIN)
    assert plan.counts()[LeftOut.LOCAL_TWIN] == 2


def test_a_difference_our_comparison_finds_leaves_the_student_out_saying_which(builder: RunBuilder) -> None:
    run = builder.run_id
    calpads_is_sure(run, "100009")
    mine = (MatchCandidateRow.run == run) & (MatchCandidateRow.local_id == "100009")
    born = MatchCandidateRow.get(mine).birth_date
    assert born is not None
    MatchCandidateRow.update(birth_date=born + dt.timedelta(days=1)).where(mine).execute()  # CALPADS still says 100 %
    [student] = [s for s in plan_bulk_accept(builder.store, run).left_out if s.local_id == "100009"]
    assert student.left_out is LeftOut.DIFFERENCE and student.detail.startswith("Birth date: ")
    assert student.score_text == "100%" and student.our_percent is not None and student.our_percent < 100


def test_confirming_records_select_for_each_logged_as_bulk(builder: RunBuilder) -> None:
    run = builder.run_id
    ssid = calpads_is_sure(run, "100009")
    plan = plan_bulk_accept(builder.store, run)
    done = bulk_accept(builder.store, run, actor("jose"), expected=plan.digest)
    assert [s.local_id for s in done.accepted] == ["100009"] and done.run.state is RunState.RESULTS_LOADED
    row = MatchDecisionRow.get(MatchDecisionRow.local_id == "100009")
    assert (row.kind, row.ssid, row.actor, row.at, row.bulk, row.warnings) == ("select", ssid, "jose", NOW, True, "")
    [log] = DecisionLogRow.select().where(DecisionLogRow.local_id == "100009")
    assert (log.kind, log.ssid, log.actor, log.at, log.bulk, log.warnings) == ("select", ssid, "jose", NOW, True, "")
    history = last_history()
    assert (history.event, history.actor, history.accepted, history.counts) == ("bulk_accept", "jose", True, '{"accepted": 1}')
    # Decided now: not listed again, unless asked (and then left alone, being decided so).
    assert _reasons(builder)["100009"] is LeftOut.ALREADY_DECIDED
    assert _reasons(builder, include_decided=True)["100009"] is LeftOut.SAME_DECISION
    with pytest.raises(StepRefused, match="no student qualifies for bulk acceptance"):
        bulk_accept(builder.store, run, actor("jose"))


def test_a_decided_student_is_included_only_when_asked(builder: RunBuilder) -> None:
    run = builder.run_id
    calpads_is_sure(run, "100009")
    results.decide(builder.store, run, LocalId("100009"), DecisionKind.NO_MATCH, actor("ana"))
    assert _reasons(builder)["100009"] is LeftOut.ALREADY_DECIDED
    plan = plan_bulk_accept(builder.store, run, include_decided=True)
    assert [s.local_id for s in plan.included] == ["100009"] and plan.included[0].current is not None
    bulk_accept(builder.store, run, actor("jose"), include_decided=True, expected=plan.digest)
    logs = [(l.kind, l.actor, l.bulk) for l in DecisionLogRow.select().where(DecisionLogRow.local_id == "100009").order_by(DecisionLogRow.at, DecisionLogRow.bulk)]
    assert logs == [("no_match", "ana", False), ("select", "jose", True)]
    assert MatchDecisionRow.get(MatchDecisionRow.local_id == "100009").version == 1


def test_a_list_that_changed_since_it_was_shown_is_refused_and_nothing_recorded(builder: RunBuilder) -> None:
    run = builder.run_id
    calpads_is_sure(run, "100009")
    shown = plan_bulk_accept(builder.store, run).digest
    results.decide(builder.store, run, LocalId("100009"), DecisionKind.NO_MATCH, actor("ana"))  # meanwhile
    before = snapshot()
    with pytest.raises(StepRefused) as changed:
        bulk_accept(builder.store, run, actor("jose"), expected=shown)
    assert changed.value.reason == "the list of students to accept changed since it was shown; look at it again"
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "run_history"} == {k: v for k, v in before.items() if k != "run_history"}
    assert (last_history().event, last_history().accepted) == ("bulk_accept", False)


def test_bulk_acceptance_is_only_while_reviewing(database: peewee.Database, tmp_path: Path) -> None:
    made = RunBuilder(database, tmp_path, students=40)
    made.to(RunState.ALL_CONFIRMED)
    with pytest.raises(StepRefused, match="bulk_accept needs a run in state results_loaded; this run is in state all_confirmed"):
        plan_bulk_accept(made.store, made.run_id)
    with pytest.raises(StepRefused, match="bulk_accept needs a run in state results_loaded"):
        bulk_accept(made.store, made.run_id, actor())
