"""What a person sees when a caret-delimited CALPADS file is read: the kind found, the rows, the problems."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest

from domain.errors import FileProblem, WrongFileKind
from domain.readers import (
    detect_kind,
    open_match_result,
    open_ods_senr,
    open_ods_year,
    open_replacements,
    open_sela,
    open_senr,
    CheckedLines,
    extract_rows,
    open_ssid_extract,
    open_ssid_extract_blocks,
)

SENR = "SENR^^^1964212^6000001^^2025-2026^^100234^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US^20250814^10^05^^^^^^^^^^^"
ODS = "SENR-R" + SENR[4:].replace("^^2025-2026^^", "^^2025-2026^1234567890^") + "^20250901^20250902"
EXTRACT_16 = "1964212^6000001^1234567890^100234^LOPEZ^MARIA^ELENA^F^20150314^20250814^05^EL^20200115^08^20150401^Y"
EXTRACT_14 = "1964212^6000001^1234567890^100234^LOPEZ^MARIA^F^20150314^20250814^05^EL^20200115^08^20150401"
REPLACEMENT = "1964212^6000001^100234^1234567890^2234567890"
SELA = "SELA^^^1964212^6000001^2025-2026^1234567890^MARIA^LOPEZ^20150314^F^100234^EL^20200115^08^"


def _bytes(*lines: str, end: str = "\r\n") -> io.BytesIO:
    return io.BytesIO("".join(line + end for line in lines).encode("utf-8"))


def _problem(reader: object, data: io.BytesIO) -> FileProblem:
    assert callable(reader)
    with pytest.raises(FileProblem) as caught:
        list(reader(data, "in.txt"))
    return caught.value


def test_a_16_column_ssid_extract_is_read_and_said_to_be_current() -> None:
    parsed = open_ssid_extract(_bytes(EXTRACT_16), "extract.txt")
    assert (parsed.name, parsed.kind, parsed.layout.title) == (
        "extract.txt", "SSID Extract", "SSID Extract current (16 columns)"
    )
    (row,) = list(parsed)
    assert (row.line, row.ssid, row.local_id, row.legal_middle, row.swd) == (1, "1234567890", "100234", "ELENA", "Y")
    assert (row.birth_date, row.elas, row.elas_start) == (dt.date(2015, 3, 14), "EL", dt.date(2020, 1, 15))


def test_a_14_column_ssid_extract_is_read_and_said_to_be_the_2019_layout() -> None:
    parsed = open_ssid_extract(_bytes(EXTRACT_14, EXTRACT_14.replace("100234", "100235")))
    assert parsed.layout.title == "SSID Extract 2019 (14 columns)"
    rows = list(parsed)
    assert [r.local_id for r in rows] == ["100234", "100235"]
    assert (rows[0].legal_middle, rows[0].swd, rows[0].gender, rows[0].grade) == (None, None, "F", "05")
    assert rows[0].ssid_created == dt.date(2015, 4, 1)


def test_blank_optional_codes_and_dates_of_the_extract_read_as_none() -> None:
    line = "1964212^6000001^1234567890^100234^LOPEZ^MARIA^^F^20150314^20250814^KN^^^^^"
    (row,) = list(open_ssid_extract(_bytes(line)))
    assert (row.legal_middle, row.elas, row.elas_start, row.primary_language, row.ssid_created, row.swd) == (
        "", None, None, None, None, None
    )


def test_an_senr_file_handed_to_the_ssid_extract_reader_is_refused() -> None:
    with pytest.raises(WrongFileKind) as caught:
        open_ssid_extract(_bytes(SENR), "2025_08_14_101010_SENR_SSID.txt")
    assert str(caught.value) == "2025_08_14_101010_SENR_SSID.txt, line 1: expected SSID Extract, found SENR"
    assert (caught.value.expected, caught.value.found, caught.value.line) == ("SSID Extract", "SENR", 1)


@pytest.mark.parametrize(
    ("reader", "data", "message"),
    [
        (open_senr, ODS, "expected SENR, found SENR ODS download"),
        (open_senr, EXTRACT_16, "expected SENR, found SSID Extract"),
        (open_ods_senr, SENR, "expected SENR ODS download, found SENR"),
        (open_replacements, EXTRACT_14, "expected Replacement SSIDs Extract, found SSID Extract"),
        (open_ssid_extract, REPLACEMENT, "expected SSID Extract, found Replacement SSIDs Extract"),
        (open_sela, SENR, "expected SELA, found SENR"),
        (open_match_result, SENR, "expected SSID Match result, found SENR"),
        (open_senr, "hello world", "expected SENR, found an unrecognised file"),
        (open_senr, "a^b^c", "expected SENR, found an unrecognised file (line 1 has 3 ^-separated fields)"),
    ],
)
def test_every_reader_names_the_kind_it_expected_and_the_kind_it_found(reader: object, data: str, message: str) -> None:
    assert callable(reader)
    with pytest.raises(WrongFileKind) as caught:
        reader(_bytes(data), "in.txt")
    assert str(caught.value) == f"in.txt, line 1: {message}"


def test_an_empty_file_is_refused_on_open() -> None:
    with pytest.raises(WrongFileKind) as caught:
        open_senr(io.BytesIO(b"\r\n\r\n"), "empty.txt")
    assert str(caught.value) == "empty.txt, line 1: expected SENR, found an empty file"


def test_a_first_line_of_the_right_kind_but_wrong_width_names_the_known_widths() -> None:
    with pytest.raises(FileProblem) as caught:
        open_ssid_extract(_bytes(EXTRACT_16 + "^X"), "x.txt")
    assert str(caught.value) == "x.txt, line 1: has 17 fields; SSID Extract has 14 (2019) or 16 (current)"


@pytest.mark.parametrize(
    "data",
    [
        "\ufeff" + SENR + "\r\n" + SENR + "\r\n",
        SENR + "\n" + SENR + "\n",
        SENR + "\r\n" + SENR,
        SENR + "\r\n" + SENR + "\r\n\r\n",
        SENR + "\n" + SENR + "\n\n  \n",
    ],
    ids=["bom-crlf", "lf", "no-final-line-end", "trailing-blank-line", "trailing-blank-lines-lf"],
)
def test_bom_crlf_lf_and_trailing_blank_lines_are_all_accepted(data: str) -> None:
    parsed = open_senr(io.BytesIO(data.encode("utf-8")))
    records = list(parsed)
    assert len(records) == 2 and records[0] == records[1]
    assert (records[0].record_type, records[0].legal_first, records[0].grade) == ("SENR", "MARIA", "05")
    assert parsed.warnings == []


def test_a_blank_line_in_the_middle_is_a_problem_naming_its_line() -> None:
    problem = _problem(open_senr, _bytes(SENR, "", SENR))
    assert str(problem) == "in.txt, line 2: blank line in the middle of the file"


def test_a_windows_1252_file_is_read_with_a_warning() -> None:
    text = SENR + "\r\n" + SENR.replace("MARIA", "JOSÉ") + "\r\n"
    parsed = open_senr(io.BytesIO(text.encode("cp1252")), "old.txt")
    records = list(parsed)
    assert records[1].legal_first == "JOSÉ"
    assert parsed.warnings == ["read as Windows-1252 (the file is not UTF-8), from line 2"]


def test_the_fallback_works_when_the_first_non_utf8_line_is_far_into_the_file() -> None:
    lines = [EXTRACT_16.replace("100234", f"{n:06d}") for n in range(40_000)]
    lines[-1] = lines[-1].replace("LOPEZ", "PEÑA")
    parsed = open_ssid_extract(io.BytesIO(("\r\n".join(lines) + "\r\n").encode("cp1252")))
    assert parsed.warnings == []  # nothing seen yet beyond line 1
    rows = list(parsed)
    assert rows[-1].legal_last == "PEÑA" and len(rows) == 40_000
    assert parsed.warnings == ["read as Windows-1252 (the file is not UTF-8), from line 40000"]


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_a_problem() -> None:
    problem = _problem(open_senr, io.BytesIO(SENR.encode() + b"\r\n" + SENR.encode().replace(b"MARIA", b"MAR\x81A")))
    assert str(problem) == "in.txt, line 2: is neither UTF-8 nor Windows-1252 text"


def test_a_wrong_field_count_names_the_line() -> None:
    problem = _problem(open_senr, _bytes(SENR, SENR, SENR[:-1]))
    assert str(problem) == "in.txt, line 3: has 34 fields; SENR 2023-24 (35 columns) has 35"
    assert (problem.line, problem.field_number) == (3, None)


def test_an_over_long_value_is_refused_with_field_number_and_name_but_not_the_value() -> None:
    problem = _problem(open_senr, _bytes(SENR.replace("MARIA", "M" * 31)))
    assert str(problem) == "in.txt, line 1, field 10 (Student Legal First Name): is 31 characters long, more than the 30 allowed"
    assert (problem.file, problem.line, problem.field_number, problem.field_name) == (
        "in.txt", 1, 10, "Student Legal First Name"
    )


def test_the_senr_reader_leaves_content_rules_to_validation() -> None:
    (record,) = list(open_senr(_bytes(SENR.replace("^F^", "^Q^").replace("20150314", "2015031"))))
    assert (record.gender, record.birth_date) == ("Q", "2015031")


def test_a_record_of_another_type_inside_the_file_is_refused() -> None:
    problem = _problem(open_ods_senr, _bytes(ODS, "SENR" + ODS[6:]))
    assert str(problem) == "in.txt, line 2, field 1 (Record Type Code): must be SENR-R"


def test_the_ods_download_keeps_every_value_as_text() -> None:
    parsed = open_ods_senr(_bytes(ODS))
    assert parsed.layout.title == "SENR ODS download 2023-24 (37 columns)"
    (record,) = list(parsed)
    assert (record.senr.record_type, record.senr.ssid, record.upload_date, record.last_updated) == (
        "SENR-R", "1234567890", "20250901", "20250902"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (EXTRACT_16.replace("1234567890", "123456789"), "field 3 (SSID): must be exactly 10 digits"),
        (EXTRACT_16.replace("1234567890", "12345A7890"), "field 3 (SSID): must be exactly 10 digits"),
        (EXTRACT_16.replace("20150314", "20150231"), "field 9 (Student Birth Date): is not a real calendar date"),
        (EXTRACT_16.replace("20150314", "3/14/2015"), "field 9 (Student Birth Date): must be a CCYYMMDD date"),
        (EXTRACT_16.replace("^F^", "^Q^"), "field 8 (Student Gender Code): is not a Student Gender Code code"),
        (EXTRACT_16.replace("^05^", "^13^"), "field 11 (Grade Level Code): is not a Grade Level code"),
        (EXTRACT_16.replace("^EL^", "^XX^"), "field 12 (English Language Acquisition Status Code): is not a English Language Acquisition Status code"),
        (EXTRACT_16[:-1] + "X", "field 16 (Student with Disabilities Indicator): must be Y or N"),
        (EXTRACT_16.replace("LOPEZ", "L" * 51), "field 5 (Student Legal Last Name): is 51 characters long, more than the 50 allowed"),
        (EXTRACT_16.replace("^MARIA^", "^^"), "field 6 (Student Legal First Name): is required but blank"),
        (EXTRACT_16.replace("1964212", "964212"), "field 1 (Reporting LEA): must be exactly 7 digits"),
    ],
)
def test_the_ssid_extract_reader_refuses_bad_values(line: str, message: str) -> None:
    problem = _problem(open_ssid_extract, _bytes(EXTRACT_16, line))
    assert str(problem) == f"in.txt, line 2, {message}"
    # Read in checked blocks: the good lines before it, then the same refusal.
    blocks = open_ssid_extract_blocks(_bytes(EXTRACT_16, line, EXTRACT_16), "in.txt").blocks()
    assert next(blocks) == CheckedLines(1, [EXTRACT_16], [EXTRACT_16.split("^")])
    with pytest.raises(FileProblem) as caught:
        next(blocks)
    assert str(caught.value) == str(problem)


def test_an_extract_read_in_checked_blocks_gives_the_rows_of_the_line_reader() -> None:
    lines = [EXTRACT_16, EXTRACT_16.replace("100234", "100235").replace("^EL^20240901^", "^^^"), EXTRACT_16[:-1] + "Y"]
    opened = open_ssid_extract_blocks(_bytes(*lines))
    digest = hashlib.sha256()
    blocks = list(opened.blocks(digest.update))
    assert [b.first for b in blocks] == [1] and blocks[0].lines == lines
    assert [r for b in blocks for r in extract_rows(opened.layout, b)] == list(open_ssid_extract(_bytes(*lines)))
    assert digest.hexdigest() == hashlib.sha256(_bytes(*lines).getvalue()).hexdigest()
    older = open_ssid_extract_blocks(_bytes(EXTRACT_14))
    (block,) = older.blocks()
    assert list(extract_rows(older.layout, block)) == list(open_ssid_extract(_bytes(EXTRACT_14)))


def test_the_replacement_reader_types_and_checks_its_rows() -> None:
    parsed = open_replacements(_bytes(REPLACEMENT), "repl.txt")
    assert parsed.kind == "Replacement SSIDs Extract"
    (row,) = list(parsed)
    assert (row.line, row.local_id, row.retired_ssid, row.replacement_ssid) == (1, "100234", "1234567890", "2234567890")
    problem = _problem(open_replacements, _bytes(REPLACEMENT, REPLACEMENT.replace("2234567890", "")))
    assert str(problem) == "in.txt, line 2, field 5 (Replacement SSID): is required but blank"


def test_sela_and_sela_r_are_both_read_by_the_sela_reader() -> None:
    (record,) = list(open_sela(_bytes(SELA)))
    assert (record.record_type, record.elas, record.primary_language) == ("SELA", "EL", "08")
    parsed = open_sela(_bytes("SELA-R" + SELA[4:]))
    assert parsed.kind == "SELA ODS download"
    assert [r.record_type for r in parsed] == ["SELA-R"]


def test_records_are_yielded_before_a_later_bad_line_is_reached() -> None:
    rows = iter(open_ssid_extract(_bytes(EXTRACT_16, EXTRACT_16, "bad")))
    assert next(rows).line == 1 and next(rows).line == 2
    with pytest.raises(FileProblem, match="line 3"):
        next(rows)


class _OneWay(io.RawIOBase):
    """An upload that can be read once, front to back."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_seekable_stream_can_be_read_twice_and_a_one_way_stream_once() -> None:
    data = _bytes(EXTRACT_16, EXTRACT_16).getvalue()
    seekable = open_ssid_extract(io.BytesIO(data))
    assert len(list(seekable)) == len(list(seekable)) == 2
    one_way = open_ssid_extract(io.BufferedReader(_OneWay(data)), "upload.txt")
    assert one_way.name == "upload.txt"
    assert len(list(one_way)) == 2
    with pytest.raises(FileProblem, match="cannot be read again"):
        list(one_way)


def test_the_file_name_comes_from_the_stream_when_not_given() -> None:
    stream = _bytes(EXTRACT_16)
    stream.name = "/downloads/SSID_Extract.txt"
    assert open_ssid_extract(stream).name == "SSID_Extract.txt"
    assert open_ssid_extract(_bytes(EXTRACT_16)).name == "uploaded file"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (SENR, "SENR"),
        (ODS, "SENR ODS download"),
        (EXTRACT_16, "SSID Extract"),
        (EXTRACT_14, "SSID Extract"),
        (REPLACEMENT, "Replacement SSIDs Extract"),
        (SELA, "SELA"),
        ("Submitted_SENR_ReportingLEA,Submitted_SENR_SchoolofAttendance", "SSID Match result"),
        ("PK\x03\x04\x00\x00", "a binary file (an Excel workbook?), not text"),
        ("", "an empty file"),
    ],
)
def test_detect_kind_names_the_file_kind_and_leaves_the_stream_where_it_was(data: str, kind: str) -> None:
    stream = _bytes(data) if data else io.BytesIO(b"")
    assert detect_kind(stream) == kind
    assert stream.tell() == 0


# Every SENR field filled (a graduate at an NPS school), so a value taken from the wrong column shows.
_FULL = "SENR-R^A^R-77^1964212^0000001^6099999^2025-2026^1234567890^100299^JOSÉ^^PEÑA^JR^PEPE^^PENA^20080229^M^^MX-JAL^MX^20250814^10^12^20260605^E230^100^^Y^^^N^Y^N^N".split("^")
_OTHER_YEAR = [*_FULL[:3], "1964213", *_FULL[4:6], "2024-2025", *_FULL[7:21], "20240814", *_FULL[22:]]
_UPDATED = ["20250901", "20250915"]


def _ods_line(values: list[str], version: str) -> str:
    if version == "pre-2018-19":  # Primary Language Code at 1.22; the record ends at 1.33
        return "^".join([*values[:21], "01", *values[21:33], *_UPDATED])
    if version == "2018-19":  # six work-based-learning indicators at 1.34-1.39
        return "^".join([*values[:33], "Y", "N", "Y", "N", "Y", "N", *_UPDATED])
    return "^".join([*values, *_UPDATED])


@pytest.mark.parametrize(
    ("version", "warnings"),
    [
        ("2023-24", []),
        ("2018-19", ["SENR ODS download 2018-19 (41 columns): not kept in the records: "
                     + ", ".join(f"field {34 + n} (Work-Based Learning Indicator {n + 1})" for n in range(6))]),
        ("pre-2018-19", ["SENR ODS download pre-2018-19 (36 columns): not kept in the records: field 22 (Primary Language Code)"]),
    ],
)
def test_an_ods_download_is_read_by_year_in_every_layout_version(version: str, warnings: list[str]) -> None:
    """Issue 18 item 9: the lines of the year asked for come back as SENR values in record order
    (fields a version lacks blank), any other line as its Reporting LEA; the only warning names the
    columns a version has that the records do not keep (never Upload Date or Last Date Updated)."""
    parsed = open_ods_year(_bytes(_ods_line(_FULL, version), _ods_line(_OTHER_YEAR, version)), "2025-2026")
    assert parsed.layout.version == version
    lacking = {"2023-24": 0, "2018-19": 2, "pre-2018-19": 2}[version]
    assert list(parsed) == [_FULL[: len(_FULL) - lacking] + [""] * lacking, "1964213"]
    assert parsed.warnings == warnings


def test_a_current_ods_download_warns_of_nothing_dropped() -> None:
    """Issue 18 item 9: every column of today's SENR ODS download (37) is kept, Upload Date included."""
    parsed = open_ods_senr(_bytes(_ods_line(_FULL, "2023-24")))
    (record,) = list(parsed)
    assert parsed.warnings == []
    assert (list(record.senr.values()), record.upload_date, record.last_updated) == (_FULL, *_UPDATED)


def test_an_older_ods_download_read_whole_keeps_each_field_in_its_place() -> None:
    parsed = open_ods_senr(_bytes(_ods_line(_FULL, "pre-2018-19")))
    (record,) = list(parsed)
    assert parsed.warnings == [
        "SENR ODS download pre-2018-19 (36 columns): not kept in the records: field 22 (Primary Language Code)"
    ]
    assert (list(record.senr.values()), record.upload_date, record.last_updated) == ([*_FULL[:33], "", ""], *_UPDATED)


def test_a_line_is_refused_for_what_it_cannot_be_not_for_a_content_rule() -> None:
    """SENR content rules belong to validation: of a gender Q and an over-long birth city (the next
    field) the reader names the birth city, whether the download is read whole or by year."""
    q = SENR.replace("^F^", "^Q^")
    assert str(_problem(open_senr, _bytes(q, q.replace("LOS ANGELES", "L" * 31)))) == (
        "in.txt, line 2, field 19 (Student Birth City): is 31 characters long, more than the 30 allowed"
    )
    gender_q = [*_FULL[:17], "Q", *_FULL[18:]]
    long_city = [*gender_q[:18], "L" * 31, *gender_q[19:]]
    ods = _ods_line(gender_q, "2023-24")
    parsed = open_ods_year(_bytes(ods, ods, _ods_line(long_city, "2023-24")), "2025-2026", "ods.txt")
    rows = iter(parsed)
    assert next(rows) == gender_q
    assert next(rows)[17] == "Q"
    with pytest.raises(FileProblem) as caught:
        next(rows)
    assert str(caught.value) == "ods.txt, line 3, field 19 (Student Birth City): is 31 characters long, more than the 30 allowed"


def test_an_ods_download_read_by_year_yields_the_lines_of_either_year_asked_for() -> None:
    lines = [_ods_line(_FULL, "2023-24"), _ods_line(_OTHER_YEAR, "2023-24")]
    assert list(open_ods_year(_bytes(*lines), "2025-2026", also="2024-2025")) == [_FULL, _OTHER_YEAR]
    assert list(open_ods_year(_bytes(*lines), "2024-2025")) == ["1964212", _OTHER_YEAR]
    assert list(open_ods_year(_bytes(*lines), "2023-2024")) == ["1964212", "1964213"]


def test_an_extract_read_in_blocks_takes_blank_dates_and_keeps_the_files_warnings() -> None:
    blank = EXTRACT_16.replace("^EL^20200115^08^20150401^", "^^^^^")
    opened = open_ssid_extract_blocks(io.BytesIO(_bytes(EXTRACT_16, blank.replace("LOPEZ", "PEÑA")).getvalue().decode().encode("cp1252")))
    (block,) = list(opened.blocks())
    assert block.lines == [EXTRACT_16, blank.replace("LOPEZ", "PEÑA")]
    rows = list(extract_rows(opened.layout, block))
    assert (rows[1].line, rows[1].elas, rows[1].elas_start, rows[1].ssid_created, rows[1].legal_last) == (2, None, None, None, "PEÑA")
    assert opened.warnings == ["read as Windows-1252 (the file is not UTF-8), from line 2"]
    assert (opened.name, opened.layout.title) == ("uploaded file", "SSID Extract current (16 columns)")
