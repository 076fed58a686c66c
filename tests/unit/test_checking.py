"""The checker of any CALPADS file (domain.checking): every problem of every line, each with its
line, field and rule; line numbers right after a bad line; bounded state on downloads."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest

from domain.checking import CheckOptions, CheckOutcome, FileCheck, Finding, check_file
from domain.checking._caret import CaretChecker
from domain.checking._findings import field_rule
from domain.layouts import FieldKind, FieldSpec, Layout, Required, layout
from domain.records import OdsSenrRecord, SenrRecord
from domain.validation import Severity
from domain.values import CdsCode
from domain.writers import senr_line, write_ods_senr

OPTIONS = CheckOptions(today=dt.date(2025, 10, 15), lea=CdsCode("1964212"))
GOOD = SenrRecord(
    reporting_lea="1964212", school="6000001", academic_year="2025-2026", local_student_id="100234", legal_first="MARIA",
    legal_last="LOPEZ", birth_date="20150314", gender="F", birth_state="US-CA", birth_country="US", enroll_start="20250814",
    enroll_status="10", grade="05",
)


def _found(data: bytes) -> tuple[CheckOutcome, list[tuple[int, int | None, str]], int]:
    check = check_file(io.BytesIO(data), OPTIONS, "file.txt")
    found = [(f.line, f.field_number, f.rule) for f in check if f.severity is Severity.ERROR]
    return check.outcome, found, check.lines


def test_an_senr_file_reports_every_rule_of_every_line_on_its_own_line() -> None:
    lines = [
        senr_line(GOOD),
        senr_line(replace(GOOD, local_student_id="100235", grade="5", academic_year="2024-2025")),  # GERR0002, SENR0742
        b"SENR^^^1964212^6000001\r\n",  # cut short: the record numbers of validation must not shift
        senr_line(replace(GOOD, reporting_lea="1964220", local_student_id="100236")),
        senr_line(replace(GOOD, enroll_start="20250901")),  # the student of line 1 again, overlapping
    ]
    outcome, found, count = _found(b"".join(lines))
    assert (outcome, count) == (CheckOutcome.PROBLEMS, 5)
    assert found == [
        (2, 7, "SENR0742"), (2, 24, "GERR0002"), (3, None, "LAYOUT"), (4, 4, "SENR0001"), (5, 22, "SENR0178"),
    ]


def test_a_clean_file_and_an_unreadable_one() -> None:
    assert _found(senr_line(GOOD)) == (CheckOutcome.CLEAN, [], 1)
    assert _found(b"") == (CheckOutcome.UNREADABLE, [(1, None, "READ")], 0)
    assert _found(b"hello^world\r\n") == (CheckOutcome.UNREADABLE, [(1, None, "READ")], 0)
    assert _found(senr_line(GOOD) + b"\r\n" + senr_line(GOOD)) == (CheckOutcome.UNREADABLE, [(2, None, "READ")], 1)


def test_a_download_finds_a_line_repeated_next_to_itself_and_keeps_nothing_else() -> None:
    records = [OdsSenrRecord(replace(GOOD, record_type="SENR-R", local_student_id=f"10{n:04d}")) for n in range(3)]
    out = io.BytesIO()
    write_ods_senr([records[0], records[1], records[1], records[2], records[0]], out)
    outcome, found, _ = _found(out.getvalue())
    assert (outcome, found) == (CheckOutcome.PROBLEMS, [(3, None, "DUPLICATE")])  # line 5 repeats line 1: not looked for


def test_an_extract_reports_every_bad_field_and_another_lea() -> None:
    line = "1964212^6000001^1234567890^100234^LOPEZ^MARIA^^F^20150314^20250814^05^EL^20250820^01^20200101^N"
    bad = line.replace("^05^", "^5^").replace("20150314", "20151341").replace("1234567890", "12345")
    other = line.replace("1964212", "1964220", 1).replace("100234", "100235")
    outcome, found, _ = _found(f"{line}\r\n{bad}\r\n{other}\r\n".encode())
    assert found == [(2, 3, "FRMT0004"), (2, 9, "FRMT0002"), (2, 11, "GERR0002"), (3, 1, "LEA")]


NO_LEA = CheckOptions(today=dt.date(2025, 10, 15))
VALUES = senr_line(GOOD).decode().rstrip("\r\n").split("^")
SENR_R = ["SENR-R", *VALUES[1:], "20250101", "20250102"]
PRE_2018 = [*VALUES[:21], "01", *VALUES[21:33]]  # Primary Language Code at 22 pushes the rest one place on
WBL_2018 = [*VALUES[:33], "Y", "N", "", "", "", ""]  # six work-based-learning indicators at 34-39
SELA = "SELA^^^1964212^6000001^2025-2026^1234567890^MARIA^LOPEZ^20150314^F^100234^EL^20250820^01^".split("^")


def _line(values: list[str], **changed: str) -> str:
    """``values`` joined by carets, with field N replaced by ``fN=...``."""
    values = list(values)
    for field, value in changed.items():
        values[int(field[1:]) - 1] = value
    return "^".join(values)


def _shown(check: FileCheck) -> list[str]:
    """Every finding as the checker prints it; a finding of the whole line names no field."""
    found = list(check)
    assert all((f.field_number is None) == (f.field_name == "") for f in found)
    return [str(f) for f in found]


def _check(lines: list[str], options: CheckOptions = OPTIONS) -> FileCheck:
    return check_file(io.BytesIO("".join(line + "\r\n" for line in lines).encode("utf-8")), options, "file.txt")


def test_a_finding_prints_its_line_field_rule_and_severity() -> None:
    field = Finding(line=3, field_number=9, field_name="Local Student ID", rule="GERR0001", message="is required")
    line = Finding(line=4, field_number=None, field_name="", rule="LAYOUT", message="has 3 fields", severity=Severity.WARNING)
    assert [str(field), str(line)] == [
        "line 3, field 9 (Local Student ID): GERR0001 error: is required", "line 4: LAYOUT warning: has 3 fields",
    ]


_TEXT = FieldSpec(5, "Name", "name", 4)
_DIGITS = FieldSpec(4, "Reporting LEA", "reporting_lea", 7, FieldKind.DIGITS)


@pytest.mark.parametrize(("spec", "value", "delimiter", "rule"), [
    (_TEXT, "a\rb", "", "LAYOUT"), (_TEXT, "a\nb", "", "LAYOUT"), (_DIGITS, "12\r4567", "", "LAYOUT"),
    (_DIGITS, "12\n4567", "", "LAYOUT"), (_DIGITS, "12^4567", "^", "LAYOUT"), (_DIGITS, "12^4567", "", "FRMT0004"),
    (_DIGITS, "", "^", "GERR0001"), (_TEXT, "XXXX", "", "LAYOUT"), (_TEXT, "abcde", "^", "FRMT0001"),
    (_DIGITS, "12345678", "^", "FRMT0004"), (FieldSpec(1, "D", "d", 8, FieldKind.DATE), "20151341", "^", "FRMT0002"),
    (FieldSpec(1, "D", "d", 8, FieldKind.DATE), "201513410", "^", "FRMT0002"),
    (FieldSpec(1, "Y", "y", 9, FieldKind.YEAR), "2025", "^", "FRMT0002"),
    (FieldSpec(1, "C", "c", 1, FieldKind.CODE, code_set="gender"), "Q", "^", "GERR0002"),
    (FieldSpec(1, "C", "c", 1, FieldKind.CODE, code_set="gender"), "QQ", "^", "FRMT0001"),
    (FieldSpec(1, "B", "b", 1, FieldKind.YES_NO), "YES", "^", "GERR0002"),
    (FieldSpec(1, "S", "s", 4, FieldKind.SCORE), "abc", "", "GERR0002"),
])
def test_a_bad_value_breaks_the_calpads_rule_of_its_first_failed_check(spec: FieldSpec, value: str, delimiter: str, rule: str) -> None:
    assert field_rule(spec, value, delimiter) == rule


def test_an_unreadable_file_is_one_read_finding_naming_what_it_is() -> None:
    missing = check_file(Path("/nonexistent/students.txt"), OPTIONS)
    unknown = check_file(io.BytesIO(b"\x81\x8d\x90"), OPTIONS)
    empty, other = _check([]), _check(["a^b"])
    short = _check(["SENR^a^b", _line(VALUES)])
    cut = check_file(io.BytesIO(senr_line(GOOD) + b"\r\n" + senr_line(GOOD)), OPTIONS, "file.txt")
    shown = [_shown(check) for check in (missing, unknown, empty, other, short, cut)]
    assert shown == [
        ["line 1: READ error: cannot be opened (No such file or directory)"],
        ["line 1: READ error: is neither UTF-8 nor Windows-1252 text"],
        ["line 1: READ error: is an empty file, not a CALPADS file the checker knows"],
        ["line 1: READ error: is an unrecognised file (line 1 has 2 ^-separated fields), not a CALPADS file the checker knows"],
        ["line 1: READ error: has 3 fields; SENR has 34 (pre-2018-19) or 39 (2018-19) or 35 (2023-24)"],
        ["line 2: READ error: blank line in the middle of the file"],
    ]
    assert [(c.name, c.kind, c.layout, c.lines, c.errors, c.warnings, c.read_warnings) for c in (missing, unknown, short, cut)] == [
        ("students.txt", "unknown", None, 0, 1, 0, []), ("uploaded file", "unknown", None, 0, 1, 0, []),
        ("file.txt", "SENR", None, 0, 1, 0, []), ("file.txt", "SENR", layout("SENR"), 1, 1, 0, []),
    ]
    assert {c.outcome for c in (missing, unknown, empty, other, short, cut)} == {CheckOutcome.UNREADABLE}


def test_a_windows_1252_file_is_checked_and_says_how_it_was_read() -> None:
    check = check_file(io.BytesIO(senr_line(replace(GOOD, legal_first="JOSÉ")).decode().encode("cp1252")), OPTIONS)
    assert (_shown(check), check.name, check.outcome) == ([], "uploaded file", CheckOutcome.CLEAN)
    assert check.read_warnings == ["read as Windows-1252 (the file is not UTF-8), from line 1"]


def test_an_senr_file_without_a_district_lea_is_judged_by_its_first_lines_lea() -> None:
    lines = [_line(VALUES), _line(VALUES, f4="1964220", f9="100235"), _line(VALUES, f1="", f9="100236"), "SENR^^^1964212^6000001",
             _line(VALUES)]
    check = _check(lines, NO_LEA)
    assert _shown(check) == [
        "line 2, field 4 (Reporting LEA): SENR0001 error: Reporting LEA is not the configured LEA 1964212",
        "line 3, field 1 (Record Type Code): LAYOUT error: must be SENR",
        "line 4: LAYOUT error: has 5 fields; SENR 2023-24 (35 columns) has 35",
        "line 5: DUPLICATE error: repeats line 1 exactly (was the file pasted or saved twice?)",
        "line 5, field 22 (Enrollment Start Date): SENR0178 error: overlaps the enrollment of record 1 at the same school",
    ]
    assert (check.lines, check.errors, check.warnings, check.outcome) == (5, 5, 0, CheckOutcome.PROBLEMS)


def test_a_code_out_of_its_years_is_an_error_in_an_senr_file_and_a_warning_in_a_download() -> None:
    senr = _line(VALUES, f7="2016-2017", f18="X", f22="20160814", f9="100235")
    assert _shown(_check([senr, _line(VALUES)])) == [
        "line 1, field 18 (Student Gender Code): GERR0007 error: Student Gender Code code 'X' is not valid in 2016-2017",
    ]
    download = _check([_line(SENR_R, f7="2016-2017", f18="X", f22="20160814", f9=f"{n}") for n in (1, 2)] + [_line(SENR_R)])
    warning = "field 18 (Student Gender Code): GERR0007 warning: Student Gender Code code 'X' is not valid in 2016-2017 (as CALPADS holds it now)"
    assert _shown(download) == [f"line 1, {warning}", f"line 2, {warning}"]
    assert (download.errors, download.warnings, download.outcome) == (0, 2, CheckOutcome.CLEAN)


def test_a_download_checks_every_line_by_pre_validation_and_its_own_fields() -> None:
    bad = _line(SENR_R, f7="2016-2017", f18="X", f37="2025")
    lines = [_line(SENR_R), bad, bad, _line(SENR_R), _line(SENR_R, f4="1964220", f9="100235"), "SENR-R^^^1964212",
             _line(SENR_R, f1="SENR", f9="100236")]
    check = _check(lines, NO_LEA)
    year = "field 7 (Academic Year ID): SENR0742 error: academic year 2016-2017 does not contain the enrollment start date"
    gender = "field 18 (Student Gender Code): GERR0007 warning: Student Gender Code code 'X' is not valid in 2016-2017 (as CALPADS holds it now)"
    updated = "field 37 (Last Date Updated): FRMT0002 error: must be a CCYYMMDD date"
    assert _shown(check) == [
        f"line 2, {year}", f"line 2, {gender}", f"line 2, {updated}",
        "line 3: DUPLICATE error: repeats line 2 exactly (was the file pasted or saved twice?)",
        f"line 3, {year}", f"line 3, {gender}", f"line 3, {updated}",
        "line 5, field 4 (Reporting LEA): SENR0001 error: Reporting LEA is not the configured LEA 1964212",
        "line 6: LAYOUT error: has 4 fields; SENR ODS download 2023-24 (37 columns) has 37",
        "line 7, field 1 (Record Type Code): LAYOUT error: must be SENR-R",
    ]
    assert (check.lines, check.errors, check.warnings, check.outcome) == (7, 8, 2, CheckOutcome.PROBLEMS)


def test_older_senr_versions_name_the_fields_of_their_own_layout() -> None:
    pre = _check([_line(PRE_2018), _line(PRE_2018, f22="1", f25="5")])
    assert (pre.layout, _shown(pre)) == (layout("SENR", "pre-2018-19"), [
        "line 2, field 23 (Enrollment Start Date): SENR0178 error: overlaps the enrollment of record 1 at the same school",
        "line 2, field 25 (Grade Level Code): GERR0002 error: '5' is not a Grade Level code",
    ])
    wbl = _check([_line(WBL_2018), _line(WBL_2018, f9="100235", f24="5", f36="X")])
    assert (wbl.layout, _shown(wbl)) == (layout("SENR", "2018-19"), [
        "line 2, field 24 (Grade Level Code): GERR0002 error: '5' is not a Grade Level code",
        "line 2, field 36 (Work-Based Learning Indicator 3): GERR0002 error: must be Y or N",
    ])
    download = _check([_line(["SENR-R", *PRE_2018[1:], "", ""], f25="5", f36="2025")])
    assert (download.layout, _shown(download)) == (layout("SENR-R", "pre-2018-19"), [
        "line 1, field 25 (Grade Level Code): GERR0002 error: '5' is not a Grade Level code",
        "line 1, field 36 (Last Date Updated): FRMT0002 error: must be a CCYYMMDD date",
    ])
    # A rule on a field the version lacks (1.35 came in 2023-24) names the field as CALPADS numbers it now.
    graduate = _check([_line(PRE_2018, f25="12", f17="20080101", f26="20260601", f27="E230", f28="100", f30="Y")])
    assert _shown(graduate) == [
        "line 1, field 35 (Graduation Exemption Indicator): SENR0632 error: a graduate exiting after 2023-06-30 needs this indicator",
    ]


def test_sela_files_are_checked_field_by_field_and_a_download_for_lines_repeated_next_to_each_other() -> None:
    sela = _check([_line(SELA), _line(SELA, f2=" ", f4="1964220", f12="100235"), _line(SELA, f2=" ", f12="100236"), "SELA^^",
                   _line(SELA, f3="x", f12="100237")], NO_LEA)
    assert _shown(sela) == [
        "line 2, field 4 (Reporting LEA): LEA error: is not the district's Reporting LEA 1964212",
        "line 4: LAYOUT error: has 3 fields; SELA current (16 columns) has 16",
    ]
    district = CheckOptions(today=dt.date(2025, 10, 15), lea=CdsCode("1964220"))  # the district's LEA, not line 1's
    assert _shown(_check([_line(SELA), _line(SELA, f4="1964220", f12="100235")], district)) == [
        "line 1, field 4 (Reporting LEA): LEA error: is not the district's Reporting LEA 1964220",
    ]
    download = ["SELA-R", *SELA[1:]]
    assert _shown(_check([_line(download), _line(download), _line(download, f1="SELA"), _line(download)])) == [
        "line 2: DUPLICATE error: repeats line 1 exactly (was the file pasted or saved twice?)",
        "line 3, field 1 (Record Type Code): LAYOUT error: must be SELA-R",
    ]


def _caret_findings(where: Layout, first_line: str, lines: list[str]) -> list[str]:
    return [str(f) for f in CaretChecker(where, NO_LEA, first_line).findings(iter(lines))]


def test_a_caret_check_without_a_district_lea_and_no_lea_on_line_1_has_none_to_compare_with() -> None:
    """check_file hands CaretChecker a line 1 of the layout's width; called alone, a shorter one
    holds no LEA: an SENR file then fails SENR0001 on every line, a download judges each line by
    its own LEA, a file of another kind is not checked for it."""
    assert _caret_findings(layout("SENR"), "SENR^^", [_line(VALUES), _line(VALUES, f4="XXXX", f9="100235")]) == [
        "line 1, field 4 (Reporting LEA): SENR0001 error: Reporting LEA is not the configured LEA ",
        "line 2, field 4 (Reporting LEA): FRMT0004 error: must be exactly 7 digits",
    ]
    assert _caret_findings(layout("SENR"), "SENR^^^1964212", [_line(VALUES), _line(VALUES, f4="1964220", f9="100235")]) == [
        "line 2, field 4 (Reporting LEA): SENR0001 error: Reporting LEA is not the configured LEA 1964212",
    ]
    assert _caret_findings(layout("SENR-R"), "SENR-R^^", [_line(SENR_R), _line(SENR_R, f4="1964220", f9="100235")]) == []
    assert _caret_findings(layout("SELA"), "SELA", [_line(SELA), _line(SELA, f4="1964220")]) == []


def test_a_caret_check_of_a_layout_without_an_lea_and_of_a_download_starting_with_an_empty_line() -> None:
    own = Layout("X", "v1", None, (FieldSpec(1, "Code", "code", 2, FieldKind.CODE, Required.YES, "gender"), FieldSpec(2, "Name", "name", 5)))
    assert _caret_findings(own, "", ["F^ab", "Q^ab", "F^ab^c", "F^ab"]) == [
        "line 2, field 1 (Code): GERR0002 error: is not a Student Gender Code code",
        "line 3: LAYOUT error: has 3 fields; X v1 (2 columns) has 2",
        "line 4: DUPLICATE error: repeats line 1 exactly (was the file pasted or saved twice?)",
    ]
    assert _caret_findings(layout("SENR-R"), "", ["", _line(SENR_R)]) == [
        "line 1: LAYOUT error: has 1 fields; SENR ODS download 2023-24 (37 columns) has 37",
    ]
