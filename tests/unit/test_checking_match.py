"""The checker on an SSID Match Tool result file (domain.checking._match): every bad line named with
its field and rule, whatever Excel did to the file (no header, columns reordered, tab or
semicolon separated, padded names), lines repeated, a column count unlike line 1's, another
district's Reporting LEA."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from domain.checking import CheckOptions, CheckOutcome, check_file
from domain.values import CdsCode
from tests.unit.test_readers_match import NONE, PUBLISHED, SINGLE

OPTIONS = CheckOptions(today=dt.date(2025, 10, 15), lea=CdsCode("1964212"))
NO_LEA = CheckOptions(today=dt.date(2025, 10, 15))
OTHER = SINGLE.replace("1964212", "1964220").replace("100234", "100236")  # another district's line
_EXCEL = "; leading zeros were probably lost when the file was re-saved by Excel: download it from CALPADS again"


def _data(lines: list[str]) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


def _checked(lines: list[str], options: CheckOptions = OPTIONS) -> tuple[CheckOutcome, int, list[str]]:
    check = check_file(io.BytesIO(_data(lines)), options, "result.csv")
    findings = list(check)
    assert all((f.field_number is None) == (f.field_name == "") for f in findings)  # a whole line names no field
    found = [str(finding) for finding in findings]
    assert check.kind == "SSID Match result" and check.name == "result.csv"
    return check.outcome, check.lines, found


def _reordered(values: list[str]) -> str:
    """A line with the 13 published columns in reverse order (as a header names them)."""
    return ",".join(reversed(values))


def _with(line: str, column: int, value: str) -> str:
    values = line.split(",")
    values[column - 1] = value
    return ",".join(values)


def test_a_good_result_file_is_clean_with_or_without_its_header() -> None:
    assert _checked([PUBLISHED, SINGLE, NONE]) == (CheckOutcome.CLEAN, 3, [])
    assert _checked([SINGLE, NONE]) == (CheckOutcome.CLEAN, 2, [])


@pytest.mark.parametrize("header", [True, False], ids=["header", "no header"])
def test_every_bad_line_is_named_with_its_field_and_rule_and_the_good_lines_are_not(header: bool) -> None:
    lines = [
        SINGLE,
        _with(NONE, 12, "Q"),
        _with(SINGLE, 8, ""),
        _with(_with(SINGLE, 4, "XXXX" * 4), 8, "1234567891"),  # the rule is FRMT0001 even for a value holding XXXX
        _with(_with(SINGLE, 13, "20151341"), 4, "100237"),
        NONE + ",x",
        _with(_with(SINGLE, 1, "964212"), 4, "100238"),
        _with(SINGLE, 4, "abc\x01"),
        _with(_with(SINGLE, 11, "abc"), 4, "100239"),
        _with(_with(SINGLE, 10, "Maybe"), 4, "100240"),
        _with(_with(NONE, 4, ""), 12, "F"),
        "a" * 131073,  # too long for a CSV field: one column
        _with(NONE, 4, "100241"),
    ]
    shift = 1 if header else 0
    outcome, count, found = _checked([PUBLISHED, *lines] if header else lines)
    assert (outcome, count) == (CheckOutcome.PROBLEMS, len(lines) + shift)
    assert found == [
        f"line {n + shift}{where}" for n, where in [
            (2, ", field 12 (Submitted_SENR_Gender): GERR0002 error: is not a Student Gender Code code"),
            (3, ", field 8 (Result_SENR_SSID): MATCH error: is blank but the category is Single Match"),
            (4, ", field 4 (Submitted_SENR_LocalID): FRMT0001 error: is 16 characters long, more than the 15 allowed"),
            (5, ", field 13 (Submitted_SENR_BirthDate): FRMT0002 error: is not a real calendar date"),
            (6, ": LAYOUT error: has 14 columns; line 1 has 13"),
            (7, ", field 1 (Submitted_SENR_ReportingLEA): FRMT0004 error: must be exactly 7 digits" + _EXCEL),
            (8, ", field 4 (Submitted_SENR_LocalID): LAYOUT error: contains a control character"),
            (9, ", field 11 (Result_MatchPercentageScore): GERR0002 error: is not a percentage (97%, 0.97 or 97)"),
            (10, ", field 10 (Result_MatchCategory): GERR0002 error: is not No Match, Single Match or Multiple Match"),
            (11, ", field 4 (Submitted_SENR_LocalID): GERR0001 error: is required but blank"),
            (12, ": LAYOUT error: has 1 columns; line 1 has 13"),
        ]
    ]


def test_without_a_header_each_line_is_checked_alone() -> None:
    assert _checked([_with(NONE, 12, "Q"), SINGLE, _with(SINGLE, 4, "")])[2] == [
        "line 1, field 12 (Submitted_SENR_Gender): GERR0002 error: is not a Student Gender Code code",
        "line 3, field 4 (Submitted_SENR_LocalID): GERR0001 error: is required but blank",
    ]


def test_columns_reordered_under_a_header_are_checked_by_name() -> None:
    values = SINGLE.split(",")
    gender = _with(_with(SINGLE, 12, "Q"), 4, "100237")
    lines = [
        _reordered(PUBLISHED.split(",")),
        _reordered(values),
        _reordered(_with(SINGLE, 8, "").split(",")),  # a blank SSID, wherever its column is, is MATCH
        _reordered(gender.split(",")),
        _reordered(OTHER.split(",")),
    ]
    assert _checked(lines) == (CheckOutcome.PROBLEMS, 5, [
        "line 3, field 8 (Result_SENR_SSID): MATCH error: is blank but the category is Single Match",
        "line 4, field 12 (Submitted_SENR_Gender): GERR0002 error: is not a Student Gender Code code",
        "line 5, field 1 (Submitted_SENR_ReportingLEA): LEA error: is not the district's Reporting LEA 1964212",
    ])


def test_a_header_is_known_by_its_names_in_any_case_and_padded() -> None:
    header = " , ".join(f" {name.upper()} " for name in PUBLISHED.split(","))
    padded = " , ".join(f" {value} " for value in NONE.split(","))  # values are trimmed too
    assert _checked([header, SINGLE, padded, _with(SINGLE, 1, "964212")]) == (CheckOutcome.PROBLEMS, 4, [
        "line 4, field 1 (Submitted_SENR_ReportingLEA): FRMT0004 error: must be exactly 7 digits" + _EXCEL,
    ])
    assert _checked([header, padded, _with(SINGLE, 1, "1964220")], NO_LEA)[2] == [
        "line 3, field 1 (Submitted_SENR_ReportingLEA): LEA error: is not the district's Reporting LEA 1964212",
    ]


@pytest.mark.parametrize("delimiter", ["\t", ";"], ids=["tab", "semicolon"])
def test_a_file_excel_saved_with_tabs_or_semicolons_is_read_by_them(delimiter: str) -> None:
    lines = [PUBLISHED, SINGLE, _with(NONE, 12, "Q"), OTHER]
    assert _checked([line.replace(",", delimiter) for line in lines]) == (CheckOutcome.PROBLEMS, 4, [
        "line 3, field 12 (Submitted_SENR_Gender): GERR0002 error: is not a Student Gender Code code",
        "line 4, field 1 (Submitted_SENR_ReportingLEA): LEA error: is not the district's Reporting LEA 1964212",
    ])


def test_a_repeated_line_is_named_once_with_the_line_it_repeats() -> None:
    lines = [PUBLISHED, SINGLE, NONE, SINGLE, NONE, SINGLE]
    assert _checked(lines)[2] == [
        f"line {n}: DUPLICATE error: repeats line {first} exactly (was the file pasted or saved twice?)"
        for n, first in [(4, 2), (5, 3), (6, 2)]
    ]


def test_another_districts_lea_against_the_given_district_or_else_the_first_lines() -> None:
    lines = [PUBLISHED, SINGLE, OTHER, _with(NONE, 1, "1964220")]
    lea = "line {}, field 1 (Submitted_SENR_ReportingLEA): LEA error: is not the district's Reporting LEA {}"
    assert _checked(lines)[2] == [lea.format(3, "1964212"), lea.format(4, "1964212")]
    assert _checked(lines, NO_LEA)[2] == [lea.format(3, "1964212"), lea.format(4, "1964212")]
    assert _checked(lines[:1] + lines[2:], NO_LEA)[2] == []
    assert _checked(lines[1:], NO_LEA)[2] == [lea.format(2, "1964212"), lea.format(3, "1964212")]
    district = CheckOptions(today=dt.date(2025, 10, 15), lea=CdsCode("1964220"))
    assert _checked(lines, district)[2] == [lea.format(2, "1964220")]
    assert _checked(lines[1:], district)[2] == [lea.format(1, "1964220")]


def test_a_header_the_reader_refuses_is_named_on_every_line() -> None:
    twice = [PUBLISHED + ",Submitted_SENR_LocalID", SINGLE + ",x", NONE + ",y"]
    assert _checked(twice)[2] == ["line 2: LAYOUT error: names a column twice", "line 3: LAYOUT error: names a column twice"]
    short = [",".join(PUBLISHED.split(",")[:12]), ",".join(SINGLE.split(",")[:12])]
    assert _checked(short)[2] == ["line 2: LAYOUT error: lacks the column(s) Submitted_SENR_BirthDate"]


def test_a_file_on_disk_is_checked_as_a_stream_is(tmp_path: Path) -> None:
    path = tmp_path / "result.csv"
    path.write_bytes(_data([PUBLISHED, SINGLE, _with(NONE, 12, "Q"), OTHER]))
    check = check_file(path, OPTIONS)
    assert [str(finding) for finding in check] == [
        "line 3, field 12 (Submitted_SENR_Gender): GERR0002 error: is not a Student Gender Code code",
        "line 4, field 1 (Submitted_SENR_ReportingLEA): LEA error: is not the district's Reporting LEA 1964212",
    ]
    assert (check.name, check.lines, check.outcome) == ("result.csv", 4, CheckOutcome.PROBLEMS)
    path.write_bytes(_data([PUBLISHED, SINGLE, NONE]))
    assert (list(check_file(path, OPTIONS)), check_file(path, OPTIONS).outcome) == ([], CheckOutcome.CLEAN)
