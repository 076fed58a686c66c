"""Writers produce exactly the committed bytes, and refuse what CALPADS cannot take."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

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


def test_a_refusal_names_the_value_that_cannot_be_written_not_a_content_rule() -> None:
    """Content rules belong to validation: a gender Q is written, and the refusal of a record with
    one and an over-long birth city (the next field) names the birth city."""
    out = io.BytesIO()
    assert write_senr([replace(MARIA, gender="Q")], out) == 1
    assert out.getvalue() == ACCEPTANCE.replace(b"^F^", b"^Q^") + b"\r\n"
    with pytest.raises(WriteRefused) as caught:
        write_senr([replace(MARIA, gender="Q", birth_city="L" * 31)], io.BytesIO())
    assert str(caught.value) == "SENR record 1, field 19 (Student Birth City): is 31 characters long, more than the 30 allowed"
    assert (caught.value.layout, caught.value.field_number, caught.value.field_name, caught.value.record) == (
        "SENR", 19, "Student Birth City", 1
    )


def _maria_line(n: int) -> bytes:
    return ACCEPTANCE.replace(b"100234", str(n).encode()) + b"\r\n"


_LONG = replace(MARIA, legal_first="M" * 31)
_UNENCODABLE = replace(MARIA, legal_last="LOPEZ\udc80")  # a lone surrogate: no UTF-8 for it


@pytest.mark.parametrize(
    ("bad", "spoilt", "total", "message", "written"),
    [
        # the first batch is written the moment it holds 4,096 records, before record 4,097 is looked at
        (4_097, _LONG, 4_097, "SENR record 4097, field 10 (Student Legal First Name): is 31 characters long, more than the 30 allowed", 4_096),
        # a value UTF-8 cannot encode is found when its batch is encoded: named by its own record number
        (3, _UNENCODABLE, 4_100, "SENR record 3, field 12 (Student Legal Last Name): is not valid Unicode text", 0),
        (4_096, _UNENCODABLE, 4_100, "SENR record 4096, field 12 (Student Legal Last Name): is not valid Unicode text", 0),
        (4_098, _UNENCODABLE, 4_100, "SENR record 4098, field 12 (Student Legal Last Name): is not valid Unicode text", 4_096),
    ],
    ids=["over-long-4097", "unencodable-3", "unencodable-4096", "unencodable-4098"],
)
def test_a_refusal_at_the_4096_record_batch_boundary_names_its_record_after_the_batches_before_it(
    bad: int, spoilt: SenrRecord, total: int, message: str, written: int
) -> None:
    def records() -> Iterator[SenrRecord]:
        for n in range(1, total + 1):
            yield replace(spoilt if n == bad else MARIA, local_student_id=str(n))

    out = io.BytesIO()
    with pytest.raises(WriteRefused) as caught:
        write_senr(records(), out)
    assert str(caught.value) == message
    assert out.getvalue() == b"".join(_maria_line(n) for n in range(1, written + 1))


def test_a_match_result_row_refused_after_4096_rows_finds_them_and_the_header_written() -> None:
    def rows() -> Iterator[MatchResultRow]:
        yield from _match_rows(4_096)
        yield replace(MATCH[0], line=4_097, legal_first="M" * 31)

    out = io.BytesIO()
    with pytest.raises(WriteRefused) as caught:
        write_match_result(rows(), out)
    assert str(caught.value) == (
        "SSID Match result record 4097, field 6 (Submitted_SENR_Student_LegalFirstName): "
        "is 31 characters long, more than the 30 allowed"
    )
    assert out.getvalue() == _expected_match_file(4_096, header=True)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            replace(MATCH[1], legal_last="PE\udc80A"),
            "SSID Match result record 1, field 5 (Submitted_SENR_Student_LegalLastName): is not valid Unicode text",
        ),
        (
            replace(MATCH[0], candidate=replace(_CANDIDATE, birth_city="LOS\nANGELES")),
            "SSID Match result record 1, field 21 (Result_SENR_BirthCity): contains a line break",
        ),
        (
            replace(MATCH[1], legal_middle="\x1b"),
            "SSID Match result record 1, field 7 (Submitted_SENR_Student_LegalMiddleName): contains a control character",
        ),
    ],
    ids=["unencodable", "candidate-line-break", "control-character"],
)
def test_the_match_result_writer_refuses_what_a_csv_line_cannot_carry(row: MatchResultRow, message: str) -> None:
    out = io.BytesIO()
    with pytest.raises(WriteRefused) as caught:
        write_match_result([row], out, header=False)
    assert str(caught.value) == message
    assert out.getvalue() == b""


def test_the_match_result_writer_writes_as_held_what_csv_can_carry() -> None:
    """A comma is quoted, a caret kept (no delimiter of a caret file here), content rules are not the
    writer's (gender Q), and any text fits a field of its length."""
    out = io.BytesIO()
    row = replace(MATCH[1], local_id=LocalId("XXXX9"), legal_last="PEÑA, JR", legal_first="JO^SÉ", gender="Q")
    assert write_match_result([row], out, header=False) == 1
    assert out.getvalue() == "1964212,6000001,,XXXX9,\"PEÑA, JR\",JO^SÉ,,,,No Match,,Q,20080229,,,,,,,,,,\r\n".encode()


def test_a_value_of_another_type_is_written_as_its_text() -> None:
    out = io.BytesIO()
    assert write_replacements([replace(REPLACEMENTS[0], local_id=cast(LocalId, 100234))], out) == 1
    assert out.getvalue() == (GOLDEN / "replacements.txt").read_bytes()
