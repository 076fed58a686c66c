"""The checker of any CALPADS file (domain.checking): every problem of every line, each with its
line, field and rule; line numbers right after a bad line; bounded state on downloads."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

from domain.checking import CheckOptions, CheckOutcome, check_file
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
