"""Whether match result rows answer the request they name (domain.planning.answers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from domain.planning.answers import first_unanswered
from domain.records import MatchCandidate, MatchCategory, MatchResultRow, SenrRecord
from domain.values import CdsCode, LocalId, Ssid

SENT = SenrRecord(
    reporting_lea="1964212", school="6000001", local_student_id="100234", legal_last="LOPEZ", legal_first="MARIA",
    legal_middle="ELENA", gender="F", birth_date="20150314",
)


def _rows(local_id: str, candidates: int) -> list[MatchResultRow]:
    return [
        MatchResultRow(
            n, CdsCode("1964212"), CdsCode("6000001"), LocalId(local_id), "Lopez ", "MARIA", "ELENA", "F",
            dt.date(2015, 3, 14), MatchCategory.MULTIPLE,
            MatchCandidate(Ssid(f"123456789{n}"), None, MatchCategory.MULTIPLE, "90%", 90.0),
        )
        for n in range(1, candidates + 1)
    ]


def test_rows_that_echo_what_was_sent_answer_it() -> None:
    assert first_unanswered(_rows("100234", 3), {LocalId("100234"): SENT}) is None


def test_a_later_candidate_row_of_a_student_that_echoes_otherwise_is_named() -> None:
    rows = _rows("100234", 4)
    rows[2] = replace(rows[2], legal_first="MARIO")
    rows[3] = replace(rows[3], gender="M")
    found = first_unanswered(rows, {LocalId("100234"): SENT})
    assert found is not None
    row, field = found
    assert (row.line, field and field.column) == (3, "Submitted_SENR_Student_LegalFirstName")


def test_a_row_of_a_student_not_sent_is_named_without_a_field() -> None:
    rows = [*_rows("100234", 2), *_rows("100999", 1)]
    found = first_unanswered(rows, {LocalId("100234"): SENT})
    assert found is not None and found[0].local_id == "100999" and found[1] is None
