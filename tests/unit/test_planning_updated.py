"""Step 4: the updated SENR file follows the decisions exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.model import DecisionKind, MatchDecision
from domain.planning import UndecidedStudents, build_updated_records
from domain.records import SenrRecord
from domain.values import LocalId, Ssid

LINE = (
    "SENR^^^1964212^6000001^^2025-2026^^{id}^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
    "^20250814^10^05^^^^^^^^^^^"
)
REQUEST = [SenrRecord(*LINE.format(id=i).split("^")) for i in ("1", "2", "3", "4")]


def _decide(local_id: str, kind: DecisionKind, ssid: str | None = None) -> tuple[LocalId, MatchDecision]:
    return LocalId(local_id), MatchDecision(LocalId(local_id), kind, Ssid(ssid) if ssid else None)


DECISIONS = dict(
    [
        _decide("1", DecisionKind.SELECT, "1234567890"),
        _decide("2", DecisionKind.NEW_SSID),
        _decide("3", DecisionKind.NO_MATCH),
    ]
)


def test_select_fills_the_ssid_new_leaves_it_blank_no_match_leaves_the_record_out() -> None:
    decided = {**DECISIONS, **dict([_decide("4", DecisionKind.SELECT, "9876543210")])}
    records = build_updated_records(REQUEST, decided, partial=False)
    assert ["^".join(r.values()).split("^")[7:9] for r in records] == [
        ["1234567890", "1"],
        ["", "2"],
        ["9876543210", "4"],
    ]
    assert replace(records[0], ssid="") == REQUEST[0]


def test_a_full_file_needs_every_decision() -> None:
    with pytest.raises(UndecidedStudents) as caught:
        build_updated_records(REQUEST, DECISIONS, partial=False)
    assert caught.value.local_ids == ("4",)
    assert str(caught.value) == "1 requested students have no decision yet: 4"


def test_a_partial_file_holds_the_students_decided_so_far() -> None:
    records = build_updated_records(REQUEST, DECISIONS, partial=True)
    assert [(r.local_student_id, r.ssid) for r in records] == [("1", "1234567890"), ("2", "")]


def test_the_undecided_list_is_shortened_in_the_message_but_complete_on_the_error() -> None:
    many = [replace(REQUEST[0], local_student_id=str(i)) for i in range(25)]
    with pytest.raises(UndecidedStudents) as caught:
        build_updated_records(many, {}, partial=False)
    assert len(caught.value.local_ids) == 25
    assert str(caught.value).endswith("15, 16, 17, 18, 19 and 5 more")


@pytest.mark.parametrize(("undecided", "ending"), [(20, "18, 19"), (21, "18, 19 and 1 more")])
def test_the_message_names_twenty_undecided_students_and_counts_the_rest(undecided: int, ending: str) -> None:
    many = [replace(REQUEST[0], local_student_id=str(i)) for i in range(undecided)]
    with pytest.raises(UndecidedStudents) as caught:
        build_updated_records(many, {}, partial=False)
    assert str(caught.value) == f"{undecided} requested students have no decision yet: " + ", ".join(map(str, range(18))) + ", " + ending


def test_new_ssid_sends_a_blank_ssid_whatever_the_record_held() -> None:
    held = [replace(REQUEST[1], ssid="2222222222")]
    assert [r.ssid for r in build_updated_records(held, DECISIONS, partial=False)] == [""]


def test_no_request_records_make_an_empty_file() -> None:
    assert build_updated_records([], DECISIONS, partial=False) == []
