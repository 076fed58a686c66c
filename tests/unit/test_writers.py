"""Writers produce exactly the committed bytes, and refuse what CALPADS cannot take."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from domain.errors import WriteRefused
from domain.records import (
    ExtractRow,
    MatchCandidate,
    MatchCategory,
    MatchResultRow,
    OdsSenrRecord,
    ReplacementRow,
    SelaRecord,
    SenrRecord,
)
from domain.values import CdsCode, LocalId, Ssid
from domain.writers import (
    senr_line,
    write_match_result,
    write_ods_senr,
    write_replacements,
    write_sela,
    write_senr,
    write_ssid_extract,
)

GOLDEN = Path(__file__).parent / "golden"

ACCEPTANCE = (
    b"SENR^^^1964212^6000001^^2025-2026^^100234^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US^20250814^10^05"
    b"^^^^^^^^^^^"
)

MARIA = SenrRecord(
    reporting_lea="1964212",
    school="6000001",
    academic_year="2025-2026",
    local_student_id="100234",
    legal_first="MARIA",
    legal_middle="ELENA",
    legal_last="LOPEZ",
    birth_date="20150314",
    gender="F",
    birth_city="LOS ANGELES",
    birth_state="US-CA",
    birth_country="US",
    enroll_start="20250814",
    enroll_status="10",
    grade="05",
)
JOSE = SenrRecord(
    transaction_type="A",
    local_record_id="R-77",
    reporting_lea="1964212",
    school="0000001",
    school_nps="6099999",
    academic_year="2025-2026",
    ssid="1234567890",
    local_student_id="100299",
    legal_first="JOSÉ",
    legal_last="PEÑA",
    suffix="JR",
    alias_first="PEPE",
    alias_last="PENA",
    birth_date="20080229",
    gender="M",
    birth_country="MX",
    birth_state="MX-JAL",
    enroll_start="20250814",
    enroll_status="10",
    grade="12",
    exit_date="20260605",
    exit_reason="E230",
    completion_status="100",
    met_uc_csu="Y",
    golden_state_seal="N",
    seal_of_biliteracy="Y",
    adult_swd_transition="N",
    graduation_exemption="N",
)

EXTRACT = [
    ExtractRow(
        1, CdsCode("1964212"), CdsCode("6000001"), Ssid("1234567890"), LocalId("100234"), "LOPEZ", "MARIA", "ELENA",
        "F", dt.date(2015, 3, 14), dt.date(2025, 8, 14), "05", "EL", dt.date(2020, 1, 15), "01", dt.date(2015, 4, 1), "Y",
    ),
    ExtractRow(
        2, CdsCode("1964212"), CdsCode("6000002"), Ssid("2234567890"), LocalId("100299"), "PEÑA", "JOSÉ", "",
        "M", dt.date(2008, 2, 29), dt.date(2025, 8, 14), "12", None, None, None, None, None,
    ),
]
REPLACEMENTS = [
    ReplacementRow(1, CdsCode("1964212"), CdsCode("6000001"), LocalId("100234"), Ssid("1234567890"), Ssid("2234567890")),
]
SELA = [
    SelaRecord(
        reporting_lea="1964212", school="6000001", academic_year="2025-2026", ssid="1234567890", legal_first="MARIA",
        legal_last="LOPEZ", birth_date="20150314", gender="F", local_student_id="100234", elas="EL",
        elas_start="20200115", primary_language="01",
    ),
]
_CANDIDATE = MatchCandidate(
    Ssid("1234567890"), dt.date(2016, 1, 2), MatchCategory.MULTIPLE, "97%", 97.0, "LOPEZ", "MARIA, A.", "",
    "F", dt.date(2015, 3, 14), "1964212", "6000001", "LOS ANGELES", "US-CA", "US",
)
MATCH = [
    MatchResultRow(
        1, CdsCode("1964212"), CdsCode("6000001"), LocalId("100234"), "LOPEZ", "MARIA", "ELENA", "F",
        dt.date(2015, 3, 14), MatchCategory.MULTIPLE, _CANDIDATE,
    ),
    MatchResultRow(
        2, CdsCode("1964212"), CdsCode("6000001"), LocalId("100299"), "PEÑA", "JOSÉ", "", "M",
        dt.date(2008, 2, 29), MatchCategory.NO_MATCH, None,
    ),
]


def _ods(record: SenrRecord) -> OdsSenrRecord:
    return OdsSenrRecord(replace(record, record_type="SENR-R"), "20250901", "20250915")


def _sela_r(record: SelaRecord) -> SelaRecord:
    return SelaRecord(*("SELA-R", *record.values()[1:]))


Write = Callable[[BinaryIO], int]

GOLDEN_CASES: list[tuple[str, Write, int]] = [
    ("senr.txt", lambda out: write_senr([MARIA, JOSE], out), 2),
    ("ods_senr.txt", lambda out: write_ods_senr([_ods(MARIA), _ods(JOSE)], out), 2),
    ("ssid_extract_current.txt", lambda out: write_ssid_extract(EXTRACT, out), 2),
    ("ssid_extract_2019.txt", lambda out: write_ssid_extract(EXTRACT, out, version="2019"), 2),
    ("replacements.txt", lambda out: write_replacements(REPLACEMENTS, out), 1),
    ("sela.txt", lambda out: write_sela(SELA, out), 1),
    ("sela_r.txt", lambda out: write_sela([_sela_r(r) for r in SELA], out), 1),
    ("match_result.txt", lambda out: write_match_result(MATCH, out), 2),
    ("match_result_no_header.txt", lambda out: write_match_result(MATCH, out, header=False), 2),
]


@pytest.mark.parametrize(("golden", "write", "count"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_every_writer_produces_the_committed_bytes(golden: str, write: Write, count: int) -> None:
    out = io.BytesIO()
    assert write(out) == count
    assert out.getvalue() == (GOLDEN / golden).read_bytes()


def test_the_illustrative_record_of_the_specification_is_written_byte_for_byte() -> None:
    assert senr_line(MARIA) == ACCEPTANCE + b"\r\n"
    out = io.BytesIO()
    assert write_senr([MARIA], out) == 1
    assert out.getvalue() == ACCEPTANCE + b"\r\n"


def test_files_are_utf8_without_bom_with_crlf_after_every_record() -> None:
    data = (GOLDEN / "senr.txt").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 2 and data.count(b"\n") == 2
    assert "JOSÉ^^PEÑA".encode("utf-8") in data


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            replace(MARIA, legal_first="M" * 31),
            "SENR record 2, field 10 (Student Legal First Name): is 31 characters long, more than the 30 allowed",
        ),
        (
            replace(MARIA, birth_city="LOS^ANGELES"),
            "SENR record 2, field 19 (Student Birth City): contains ^, which a CALPADS file cannot represent",
        ),
        (
            replace(MARIA, legal_last="LO\r\nPEZ"),
            "SENR record 2, field 12 (Student Legal Last Name): contains a line break",
        ),
        (
            replace(MARIA, legal_first="MARIA\x00"),
            "SENR record 2, field 10 (Student Legal First Name): contains a control character",
        ),
        (
            replace(MARIA, birth_city="LOS\x1bANGELES"),
            "SENR record 2, field 19 (Student Birth City): contains a control character",
        ),
        (
            replace(MARIA, local_student_id="1" * 16),
            "SENR record 2, field 9 (Local Student ID): is 16 characters long, more than the 15 allowed",
        ),
        (
            replace(MARIA, legal_last="LOPEZ\ud800"),
            "SENR record 2, field 12 (Student Legal Last Name): is not valid Unicode text",
        ),
    ],
)
def test_the_senr_writer_refuses_values_it_cannot_represent_and_never_truncates(record: SenrRecord, message: str) -> None:
    with pytest.raises(WriteRefused) as caught:
        write_senr([MARIA, record], io.BytesIO())
    assert str(caught.value) == message
    assert caught.value.record == 2


def test_the_ods_writer_wants_senr_r_in_field_1() -> None:
    with pytest.raises(WriteRefused) as caught:
        write_ods_senr([OdsSenrRecord(MARIA)], io.BytesIO())
    assert str(caught.value) == "SENR-R record 1, field 1 (Record Type Code): must be SENR-R"


def test_the_extract_and_match_result_writers_refuse_over_long_values() -> None:
    long_name = replace(EXTRACT[0], legal_first="M" * 31)
    with pytest.raises(WriteRefused, match=r"SSID Extract record 1, field 6 \(Student Legal First Name\): is 31"):
        write_ssid_extract([long_name], io.BytesIO())
    long_local = replace(MATCH[1], local_id=LocalId("9" * 16))
    with pytest.raises(WriteRefused, match=r"SSID Match result record 1, field 4 \(Submitted_SENR_LocalID\): is 16"):
        write_match_result([long_local], io.BytesIO())


def test_nothing_is_written_for_no_records() -> None:
    out = io.BytesIO()
    assert write_senr([], out) == 0 and write_sela([], out) == 0 and out.getvalue() == b""


def test_writers_stream_records_in_batches() -> None:
    """A refusal at record 5,000 finds the first batch already written: the records were never all held."""

    def records() -> Iterator[SenrRecord]:
        for n in range(5_000):
            yield replace(MARIA, local_student_id=str(n))
        yield SenrRecord(legal_first="X" * 40)

    out = io.BytesIO()
    with pytest.raises(WriteRefused, match="record 5001"):
        write_senr(records(), out)
    written = out.getvalue()
    assert 0 < written.count(b"\r\n") < 5_000
    assert written.startswith(ACCEPTANCE.replace(b"100234", b"0"))


def _match_rows(count: int) -> Iterator[MatchResultRow]:
    """The golden file's two rows, over and over, each with its own local id."""
    for n in range(count):
        yield replace(MATCH[n % 2], line=n + 1, local_id=LocalId(f"{n:06d}"))


def _expected_match_file(count: int, header: bool) -> bytes:
    golden = (GOLDEN / "match_result.txt").read_bytes().split(b"\r\n")
    head, rows = golden[0] + b"\r\n", [golden[1], golden[2]]
    body = b"".join(
        rows[n % 2].replace(b",100234,", f",{n:06d},".encode()).replace(b",100299,", f",{n:06d},".encode()) + b"\r\n"
        for n in range(count)
    )
    return (head if header else b"") + body


@pytest.mark.parametrize("count", [4_096, 5_000])
@pytest.mark.parametrize("header", [True, False])
def test_a_match_result_file_across_the_4096_row_batch_boundary_is_every_row_byte_for_byte(count: int, header: bool) -> None:
    """Issue 18 item 1: the writer flushes every 4,096 rows; line 4,097 must start clean."""
    out = io.BytesIO()
    assert write_match_result(_match_rows(count), out, header=header) == count
    assert out.getvalue() == _expected_match_file(count, header)


def test_an_empty_match_result_file_is_the_header_alone_and_counts_no_rows() -> None:
    out = io.BytesIO()
    assert write_match_result([], out) == 0
    assert out.getvalue() == (GOLDEN / "match_result.txt").read_bytes().split(b"\r\n")[0] + b"\r\n"
    bare = io.BytesIO()
    assert write_match_result([], bare, header=False) == 0 and bare.getvalue() == b""
