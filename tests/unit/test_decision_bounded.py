"""A review decision reads the rows of the student decided, never the whole run: the save runs
in a transaction that holds the run's state (:mod:`workflows.run.stepping`) while many reviewers
decide, and a run of 20,000 requested students must not be read 20,000 ids at a time by every
reviewer's click."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from domain.model import DecisionKind, MatchDecision, PersonName
from domain.values import LocalId, Ssid
from tests.unit.memory_store import MemoryStore
from tests.unit.test_run_steps import ACTOR, MARIA, RESULT_HEADER, RESULT_LINE, TODAY, _store, _write
from workflows.errors import StepRefused
from workflows.run import lifecycle, request, results

ANA = dataclasses.replace(
    MARIA, local_id=LocalId("100235"), legal=PersonName("ANA", "RUIZ", ""), birth_date=dt.date(2016, 5, 2)
)
ANA_LINE = "1964212,6000001,,100235,RUIZ,ANA,,1234567890,20160102,Single Match,91%,F,20160502"


class WholeRunReadsFail(MemoryStore):
    """The in-memory store, refusing the reads that return every student of a run."""

    def requested_ids(self, run_id: int) -> set[LocalId]:
        raise AssertionError("a decision read every requested id of the run")

    def decisions(self, run_id: int) -> dict[LocalId, MatchDecision]:
        raise AssertionError("a decision read every decision of the run")


def _run_in_review(tmp_path: Path) -> tuple[WholeRunReadsFail, int]:
    store = WholeRunReadsFail([MARIA, ANA], _store().config)
    run = lifecycle.start_run(store, ACTOR)
    lifecycle.resolve_mids(store, run.id, ACTOR, attested=True)
    request.create_request(store, run.id, ACTOR, tmp_path / "out", today=TODAY)
    results.load_results(store, run.id, _write(tmp_path / "results.csv", RESULT_HEADER, RESULT_LINE, ANA_LINE), ACTOR)
    return store, run.id


def test_a_decision_and_its_warnings_come_from_the_students_own_rows(tmp_path: Path) -> None:
    store, run_id = _run_in_review(tmp_path)
    first = results.decide(store, run_id, LocalId("100234"), DecisionKind.SELECT, ACTOR, Ssid("1234567890"))
    assert first.warnings == []
    second = results.decide(store, run_id, LocalId("100235"), DecisionKind.SELECT, ACTOR, Ssid("1234567890"))
    assert second.warnings == ["the same SSID is selected for student 100234 of this run"]
    assert store.decision_version(run_id, LocalId("100235")) is not None  # recorded, warnings and all


def test_a_student_outside_the_run_is_still_refused_by_name(tmp_path: Path) -> None:
    store, run_id = _run_in_review(tmp_path)
    with pytest.raises(StepRefused, match="student 999999 is not in run 1's request file"):
        results.decide(store, run_id, LocalId("999999"), DecisionKind.NO_MATCH, ACTOR)


def test_a_decision_asked_for_only_without_warnings_is_not_recorded_when_warned(tmp_path: Path) -> None:
    store, run_id = _run_in_review(tmp_path)
    results.decide(store, run_id, LocalId("100234"), DecisionKind.SELECT, ACTOR, Ssid("1234567890"), unless_warned=True)
    held = results.decide(store, run_id, LocalId("100235"), DecisionKind.SELECT, ACTOR, Ssid("1234567890"), unless_warned=True)
    assert (held.recorded, held.warnings) == (False, ["the same SSID is selected for student 100234 of this run"])
    assert store.decision_version(run_id, LocalId("100235")) is None
    assert store.decision_version(run_id, LocalId("100234")) is not None  # no warning: recorded at once
