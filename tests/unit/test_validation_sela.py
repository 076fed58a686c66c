"""SELA pre-validation: each mistake gives exactly one violation, naming the record, student and field."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from domain.records import SelaRecord
from domain.validation import Severity, Violation, validate_sela
from domain.values import CdsCode

LEA = CdsCode("1964212")
GOOD = SelaRecord(
    "SELA", "", "", "1964212", "6000001", "2025-2026", "1234567890", "MARIA", "LOPEZ", "20150314", "F",
    "100234", "EL", "20250814", "01", "",
)
START = "English Language Acquisition Status Start Date"


def test_a_good_file_has_no_violation() -> None:
    assert validate_sela([GOOD, replace(GOOD, elas="EO", elas_start=""), replace(GOOD, elas="IFEP")], lea=LEA) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reporting_lea": "1964213"}, ("SELA-LEA", 4, "Reporting LEA", "Reporting LEA is not the configured LEA 1964212")),
        ({"elas_start": ""}, ("SELA-START", 14, START, "status EL needs a start date")),
        ({"elas": "TBD", "elas_start": ""}, ("SELA-START", 14, START, "status TBD needs a start date")),
        ({"elas_start": "20250630"}, ("SELA-YEAR", 6, "Academic Year ID", "the status start date is not in 2025-2026")),
        ({"elas_start": "20260701"}, ("SELA-YEAR", 6, "Academic Year ID", "the status start date is not in 2025-2026")),
        ({"record_type": "SENR"}, ("SELA-FIELD", 1, "Record Type Code", "must be SELA")),
        ({"ssid": "123"}, ("SELA-FIELD", 7, "SSID", "must be exactly 10 digits")),
        ({"gender": "Q"}, ("SELA-FIELD", 11, "Student Gender Code", "is not a Student Gender Code code")),
        # a broken field is the one message: no start or year rule on top of it
        ({"elas_start": "20250230"}, ("SELA-FIELD", 14, START, "is not a real calendar date")),
        ({"elas_start": "20250230", "reporting_lea": "1964213"}, ("SELA-FIELD", 14, START, "is not a real calendar date")),
    ],
)
def test_one_mistake_one_violation_for_its_record(changes: dict[str, Any], expected: tuple[str, int, str, str]) -> None:
    rule, number, name, message = expected
    broken = replace(GOOD, local_student_id="100235", **changes)
    assert validate_sela([GOOD, broken, GOOD], lea=LEA) == [
        Violation(rule, number, name, "100235", message, Severity.ERROR, record=2)
    ]


def test_the_start_date_on_the_years_first_and_last_day_is_in_the_year() -> None:
    records = [replace(GOOD, elas_start=day) for day in ("20250701", "20260630")]
    assert validate_sela(records, lea=LEA) == []


def test_an_english_only_student_needs_no_start_date_but_one_given_is_in_the_year() -> None:
    assert validate_sela([replace(GOOD, elas="EO", elas_start="")], lea=LEA) == []
    assert [v.rule for v in validate_sela([replace(GOOD, elas="EO", elas_start="20240814")], lea=LEA)] == ["SELA-YEAR"]


def test_two_cross_field_mistakes_in_one_record_are_two_violations() -> None:
    broken = replace(GOOD, reporting_lea="1964213", elas_start="")
    assert [(v.rule, v.record) for v in validate_sela([broken], lea=LEA)] == [("SELA-LEA", 1), ("SELA-START", 1)]


def test_a_record_whose_start_date_cannot_be_placed_in_a_year_does_not_stop_the_check() -> None:
    unplaceable = replace(GOOD, academic_year="2025-2027")
    found = validate_sela([unplaceable, replace(GOOD, reporting_lea="1964213")], lea=LEA)
    assert ("SELA-LEA", 2) in [(v.rule, v.record) for v in found]


def test_a_field_problem_in_one_record_does_not_stop_the_check_of_the_next() -> None:
    found = validate_sela([replace(GOOD, gender="Q"), replace(GOOD, reporting_lea="1964213")], lea=LEA)
    assert [(v.rule, v.record) for v in found] == [("SELA-FIELD", 1), ("SELA-LEA", 2)]
