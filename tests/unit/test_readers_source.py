"""What every reader does before a line is taken apart: the file's name, its lines across the 1 MiB
blocks it is read in, its encoding edges (BOM, CR, Windows-1252, UTF-16), re-reading, and the kind a
first line says (``domain.readers._source`` and ``_detect``)."""

from __future__ import annotations

import io
from itertools import accumulate
from pathlib import Path

import pytest

from domain.errors import FileProblem, WrongFileKind
from domain.layouts import layout
from domain import readers
from domain.readers import CheckedLines, LineBlock, TextSource, detect_kind, open_ssid_extract_blocks, utf8_lines
from domain.readers._detect import Detected, detect, split_csv_line
from tests.unit.test_readers import EXTRACT_16, SENR, SELA, _OneWay

MIB = 1 << 20
UTF16 = 'UTF-16 text (Excel\'s "Unicode Text"): save it as UTF-8 or Windows-1252 text'


def _crlf(*lines: str) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


def _problem(read: object) -> str:
    assert callable(read)
    with pytest.raises(FileProblem) as caught:
        read()
    return str(caught.value)


# --- the file's name -------------------------------------------------------------------------


def test_a_path_is_named_by_its_base_name_and_read_again_on_every_iteration(tmp_path: Path) -> None:
    path = tmp_path / "2025_SENR.txt"
    path.write_bytes(_crlf(SENR, SENR))
    parsed = readers.open_senr(path)
    assert (parsed.name, repr(parsed)) == ("2025_SENR.txt", "ParsedFile('2025_SENR.txt', SENR 2023-24 (35 columns))")
    assert len(list(parsed)) == len(list(parsed)) == 2
    assert readers.open_senr(path, "given.txt").name == "given.txt"


def test_a_path_that_cannot_be_opened_is_a_problem_of_its_line_1(tmp_path: Path) -> None:
    assert _problem(lambda: readers.open_senr(tmp_path / "gone.txt")) == "gone.txt, line 1: cannot be opened (No such file or directory)"


@pytest.mark.parametrize(("stream_name", "shown"), [("", "uploaded file"), (3, "uploaded file"), ("/uploads/2025/x.txt", "x.txt")])
def test_a_stream_without_a_usable_name_is_the_uploaded_file(stream_name: object, shown: str) -> None:
    stream = io.BytesIO(_crlf(SENR))
    setattr(stream, "name", stream_name)
    assert readers.open_senr(stream).name == shown


# --- where a stream is read from, and reading it again -------------------------------------


def test_a_stream_handed_over_part_read_is_read_from_there_and_put_back() -> None:
    stream = io.BytesIO(b"not part of the file\r\n" + _crlf(SENR.replace("MARIA", "ANA")))
    stream.seek(22)
    parsed = readers.open_senr(stream, "s.txt")
    assert stream.tell() == 22
    assert [r.legal_first for r in parsed] == [r.legal_first for r in parsed] == ["ANA"]


class _NoTell(io.BytesIO):
    """A stream that says it can seek but cannot tell where it is (some upload wrappers)."""

    def tell(self) -> int:
        raise OSError("cannot tell")


def test_a_stream_that_cannot_tell_its_position_is_read_once_front_to_back() -> None:
    parsed = readers.open_senr(_NoTell(_crlf(SENR, SENR)), "s.txt")
    assert len(list(parsed)) == 2
    assert _problem(lambda: list(parsed)) == "s.txt, line 1: the stream was already read and cannot be read again"


def test_a_one_way_stream_cannot_be_read_in_blocks_before_or_after_its_lines() -> None:
    data = _crlf(EXTRACT_16)
    before = TextSource(io.BufferedReader(_OneWay(data)), "up.txt")
    assert _problem(before.line_blocks) == "up.txt, line 1: the stream cannot be read again from its start"
    after = TextSource(io.BufferedReader(_OneWay(data)), "up.txt")
    assert list(after.lines()) == [EXTRACT_16]
    assert _problem(after.line_blocks) == "up.txt, line 1: the stream cannot be read again from its start"
    assert _problem(lambda: list(open_ssid_extract_blocks(io.BufferedReader(_OneWay(data)), "up.txt").blocks())) == (
        "up.txt, line 1: the stream cannot be read again from its start"
    )


def test_an_empty_one_way_stream_has_no_first_line_and_no_lines() -> None:
    text = TextSource(io.BufferedReader(_OneWay(b"")))
    assert (text.name, text.first_line, list(text.lines())) == ("uploaded file", None, [])


def test_a_warning_is_recorded_once() -> None:
    text = TextSource(io.BytesIO(b"x\r\n"))
    text.warn("first")
    text.warn("second")
    text.warn("first")
    assert text.warnings == ["first", "second"]


# --- lines: line ends, blank lines, encodings ----------------------------------------------


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"\xef\xbb\xbfA^B", ["A^B"]),  # a BOM and no line end at all
        (b"A\rB\r\nC\n", ["A\rB", "C"]),  # a CR alone is not a line end
        (b"A\r\n\xef\xbb\xbfB\r\n", ["A", "\ufeffB"]),  # a BOM is dropped at the start only
        (b"A\r\n \r\n\t\r\n", ["A"]),  # lines of spaces at the end are blank lines
        (b"A\r\nJOS\xc9\r\n", ["A", "JOSÉ"]),
        (b"A\rB\r\nC\r\n", ["A\rB", "C"]),  # every line ends CR LF, one holds a lone CR
        (b"A\r\r\nB\r\n", ["A\r", "B"]),  # a CR before the CR LF stays in the line
        (b"A\r\nB\nC\r\n", ["A", "B", "C"]),  # CR LF and LF mixed
        (b"A\nB\rC\n", ["A", "B\rC"]),  # LF only, with a lone CR
    ],
    ids=["bom-no-line-end", "lone-cr", "bom-later", "trailing-spaces", "cp1252", "crlf-lone-cr", "cr-crlf", "mixed", "lf-lone-cr"],
)
def test_the_lines_of_a_file_are_exactly_its_text(data: bytes, lines: list[str]) -> None:
    assert list(TextSource(io.BytesIO(data)).lines()) == lines


def test_a_line_of_64_kib_without_line_end_is_still_a_line() -> None:
    assert list(TextSource(io.BytesIO(b"x" * 65_536)).lines()) == ["x" * 65_536]


def test_the_windows_1252_warning_names_the_first_such_line_only() -> None:
    text = TextSource(io.BytesIO(b"A\r\nJOS\xc9\r\nPE\xd1A\r\n"), "f.txt")
    assert list(text.lines()) == ["A", "JOSÉ", "PEÑA"]
    assert text.warnings == ["read as Windows-1252 (the file is not UTF-8), from line 2"]


def test_a_run_of_blank_lines_in_the_middle_is_named_by_its_first_line_after_the_lines_before_it() -> None:
    lines = TextSource(io.BytesIO(b"A\r\nB\r\n\r\n  \r\nC\r\n"), "f.txt").lines()
    assert [next(lines), next(lines)] == ["A", "B"]
    assert _problem(lambda: next(lines)) == "f.txt, line 3: blank line in the middle of the file"


def test_a_blank_line_ending_the_first_block_is_a_problem_when_the_next_block_has_data() -> None:
    """1,024 lines of 1,024 bytes fill the first 1 MiB block exactly; its last line is blank."""
    data = (b"a" * 1022 + b"\r\n") * 1023 + b" " * 1022 + b"\r\n" + b"b\r\n"
    lines = TextSource(io.BytesIO(data), "f.txt").lines()
    assert sum(1 for _ in zip(range(1023), lines)) == 1023
    assert _problem(lambda: next(lines)) == "f.txt, line 1024: blank line in the middle of the file"


def test_a_bom_starting_the_second_block_is_text_of_that_line() -> None:
    data = (b"a" * 1022 + b"\r\n") * 1024 + b"\xef\xbb\xbfb\r\n"
    lines = list(TextSource(io.BytesIO(data)).lines())
    assert (len(lines), lines[-1]) == (1025, "\ufeffb")


def test_line_numbers_run_on_across_blocks_for_a_blank_line_and_windows_1252() -> None:
    """A 3 MiB file is read in four blocks; the numbers of later blocks count every line before."""
    lines = [f"{n:09d}" + "x" * 89 for n in range(1, 32_001)]  # 100 bytes with CR LF: 10,486 lines a block
    lines[31_000] = lines[31_000].replace("x", "É", 1)
    text = TextSource(io.BytesIO(("\r\n".join(lines) + "\r\n").encode("cp1252")), "f.txt")
    read = list(text.lines())
    assert read == lines and text.warnings == ["read as Windows-1252 (the file is not UTF-8), from line 31001"]
    lines[29_999] = ""
    blank = TextSource(io.BytesIO(("\r\n".join(lines) + "\r\n").encode("cp1252")), "f.txt").lines()
    assert sum(1 for _ in zip(range(29_999), blank)) == 29_999
    assert _problem(lambda: next(blank)) == "f.txt, line 30000: blank line in the middle of the file"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * 65_537, "f.txt, line 1: line is far too long: this is not a CALPADS text file"),
        (b"a\r\n" * 10 + b"x" * (MIB + 70_000), "f.txt, line 11: line is far too long: this is not a CALPADS text file"),
        (b"a\r\nb\r\nc\x81d\r\n", "f.txt, line 3: is neither UTF-8 nor Windows-1252 text"),
    ],
    ids=["first-line", "line-11", "not-text"],
)
def test_what_is_not_a_text_file_is_a_problem_naming_its_line(data: bytes, message: str) -> None:
    assert _problem(lambda: list(TextSource(io.BytesIO(data), "f.txt").lines())) == message


def test_every_byte_of_a_file_is_handed_to_the_digest_once_across_blocks(tmp_path: Path) -> None:
    data = b"a\r\n" * 10 + b"x" * (MIB + 10) + b"\r\nb"
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    for source in (io.BytesIO(data), path):
        seen: list[bytes] = []
        blocks = list(TextSource(source).line_blocks(seen.append))
        assert b"".join(seen) == data
        assert [len(b) for b in blocks] == [10, 1, 1]  # the line end of the long line, then the last line


def test_a_districts_own_csv_must_be_utf8_line_by_line_with_a_bom_dropped_on_line_1_only() -> None:
    handle = io.BytesIO(b"\xef\xbb\xbfid,name\r\n\xef\xbb\xbf7,ANA\n8,JOS\xc9\n")
    lines = utf8_lines(handle, "roster.csv")
    assert [next(lines), next(lines)] == ["id,name\r\n", "\ufeff7,ANA\n"]
    assert _problem(lambda: next(lines)) == "roster.csv, line 3: is not UTF-8 text"


# --- the kind a first line says --------------------------------------------------------------

_MATCH = layout("SSID Match result")


@pytest.mark.parametrize(
    ("line", "detected"),
    [
        (None, Detected("an empty file", None)),
        (SENR, Detected("SENR", layout("SENR"), 35)),
        ("SENR^a^b", Detected("SENR", None, 3)),
        (EXTRACT_16, Detected("SSID Extract", layout("SSID Extract"), 16)),
        ("a^b^c^d^e", Detected("Replacement SSIDs Extract", layout("Replacement SSIDs"), 5)),
        ("a^b^c", Detected("an unrecognised file (line 1 has 3 ^-separated fields)", None, 3)),
        ("^".join("x" * 35), Detected("an unrecognised file (line 1 has 35 ^-separated fields)", None, 35)),  # SENR's width, not its type
        ("hello", Detected("an unrecognised file", None)),
        (" result_senr_ssid ;x", Detected("SSID Match result", _MATCH, 2)),  # a column name, any case, trimmed
        (",".join("x" * 13), Detected("SSID Match result", _MATCH, 13)),  # a file without header
        (",".join("x" * 12), Detected("an unrecognised file", None)),
        ("x^" + ",".join("x" * 13), Detected("an unrecognised file (line 1 has 2 ^-separated fields)", None, 2)),
        ("S\x00E\x00N\x00R\x00", Detected(UTF16, None)),  # UTF-16 LE read as 8-bit text: every other character NUL
        ("\x00S\x00E\x00N\x00R", Detected(UTF16, None)),  # UTF-16 BE
        ("S\x00E\x00N\x00R", Detected("a binary file (an Excel workbook?), not text", None)),  # too short to tell
        ("\x00S" * 32 + "S", Detected(UTF16, None)),  # only the first 64 characters are looked at
        ("S\x00" * 32 + "SS", Detected(UTF16, None)),
        ("ÿþS", Detected(UTF16, None)),
        ("þÿS", Detected(UTF16, None)),
        ("\xff\xfeS", Detected(UTF16, None)),
        ("\xfe\xffS", Detected(UTF16, None)),
        ("\ufeff\x00S", Detected(UTF16, None)),
        ("PK\x03\x04rest", Detected("a binary file (an Excel workbook?), not text", None)),
        ("ab\x00", Detected("a binary file (an Excel workbook?), not text", None)),
    ],
)
def test_the_first_line_says_the_kind_the_layout_and_the_field_count(line: str | None, detected: Detected) -> None:
    assert detect(line) == detected


@pytest.mark.parametrize(
    ("line", "split"),
    [
        (",".join("abcdefghijklm"), (",", list("abcdefghijklm"))),
        ("\t".join("abcdefghijklm") + ",n,o", ("\t", [*"abcdefghijkl", "m,n,o"])),  # 13 tabs beat 3 commas
        (";" * 13 + "," * 12, (",", [";" * 13, *[""] * 12])),  # the first giving 13, though another gives 14
        ("a;b;c,d", (";", ["a", "b", "c,d"])),  # else the delimiter giving most columns
        ("a,b;c", (",", ["a", "b;c"])),  # a tie: the first
        ('"a,b', (",", ['"a,b'])),  # the line itself when no delimiter gives two columns
        ("", (",", [""])),
    ],
)
def test_a_csv_line_is_split_at_the_delimiter_giving_13_columns_or_else_the_most(line: str, split: tuple[str, list[str]]) -> None:
    assert split_csv_line(line) == split


def test_detect_kind_reads_a_path_and_puts_a_part_read_stream_back(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("S\x00E\x00N\x00R\x00^\x00a\x00".encode("latin-1") + b"\r\n")
    assert detect_kind(path) == UTF16
    stream = io.BytesIO(b"junk\r\n" + _crlf(SELA))
    stream.seek(6)
    assert (detect_kind(stream), stream.tell()) == ("SELA", 6)


@pytest.mark.parametrize(
    ("reader", "line", "message"),
    [
        (readers.open_sela, "SELA-R^a^b", "has 3 fields; SELA has 16 (current) or 16 (current)"),
        (readers.open_ssid_extract, "a^b^c", "has 3 fields; SSID Extract has 14 (2019) or 16 (current)"),
        (readers.open_ssid_extract, "a^b", "has 2 fields; SSID Extract has 14 (2019) or 16 (current)"),
        (readers.open_replacements, "a^b^c", "has 3 fields; Replacement SSIDs Extract has 5 (current)"),
        (readers.open_match_result, "a^b^c", "has 3 fields; SSID Match result has 23 (current)"),
        (readers.open_ods_senr, "SENR-R^a", "has 2 fields; SENR ODS download has 36 (pre-2018-19) or 41 (2018-19) or 37 (2023-24)"),
    ],
)
def test_a_first_line_of_the_kind_asked_for_but_another_width_names_every_width_known(
    reader: object, line: str, message: str
) -> None:
    assert callable(reader)
    assert _problem(lambda: reader(io.BytesIO(_crlf(line)), "f.txt")) == f"f.txt, line 1: {message}"


@pytest.mark.parametrize(
    ("reader", "line", "found"),
    [
        (readers.open_sela, "a^b^c", "an unrecognised file (line 1 has 3 ^-separated fields)"),  # SELA has a record type
        (readers.open_match_result, "", "an empty file"),
        (readers.open_ssid_extract, "hello", "an unrecognised file"),
        (readers.open_ssid_extract, "SENR", "SENR"),  # a record type alone: one field, not an Extract's width
    ],
)
def test_a_first_line_of_another_kind_is_the_wrong_file(reader: object, line: str, found: str) -> None:
    assert callable(reader)
    with pytest.raises(WrongFileKind) as caught:
        reader(io.BytesIO(_crlf(line) if line else b""), "f.txt")
    assert (caught.value.line, caught.value.found) == (1, found)


def test_checked_blocks_number_their_lines_across_the_blocks_of_a_3_mib_extract() -> None:
    lines = [EXTRACT_16.replace("100234", f"{n:06d}") for n in range(1, 36_001)]
    lines[35_000] = lines[35_000].replace("20150314", "20150230")
    opened = open_ssid_extract_blocks(io.BytesIO(("\r\n".join(lines) + "\r\n").encode()), "x.txt")
    got: list[CheckedLines] = []
    with pytest.raises(FileProblem) as caught:
        for block in opened.blocks():
            got.append(block)
    assert str(caught.value) == "x.txt, line 35001, field 9 (Student Birth Date): is not a real calendar date"
    assert len(got) == 4 and [b.first for b in got] == list(accumulate([1, *(len(b.lines) for b in got[:-1])]))
    assert [line for b in got for line in b.lines] == lines[:35_000]


@pytest.mark.parametrize("split", [False, True], ids=["text", "fields"])
@pytest.mark.parametrize(
    ("character", "refused"),
    [("\x1f", True), ("\x85", True), ("\x7f", True), ("\xa0", False), ("\xad", False), ("\u2060", False)],
    ids=["unit-separator", "next-line", "delete", "no-break-space", "soft-hyphen", "word-joiner"],
)
def test_load_blocks_refuse_a_control_character_and_leave_other_unprintable_ones_to_the_whole_check(
    character: str, refused: bool, split: bool
) -> None:
    # Load blocks check only what a bulk load needs (field counts, no control character); a
    # character that is not printable but no control character is the whole check's to judge.
    lines = [EXTRACT_16.replace("100234", f"{n:06d}") for n in range(1, 9)]
    lines[5] = lines[5].replace("LOPEZ", f"LO{character}PEZ")
    opened = open_ssid_extract_blocks(io.BytesIO(("\r\n".join(lines) + "\r\n").encode()), "x.txt")
    got: list[str] = []
    if refused:
        with pytest.raises(FileProblem) as caught:
            for block in opened.load_blocks(fields=split):
                got.extend(block.lines)
        assert str(caught.value) == "x.txt, line 6, field 5 (Student Legal Last Name): contains a control character"
        assert got == lines[:5]
    else:
        got = [line for block in opened.load_blocks(fields=split) for line in block.lines]
        assert got == lines


@pytest.mark.parametrize("split", [False, True], ids=["text", "fields"])
@pytest.mark.parametrize(("change", "fields"), [("^", 17), ("", 15)], ids=["one-field-more", "one-field-fewer"])
def test_load_blocks_number_their_lines_across_blocks_and_stop_at_a_line_of_another_width(
    change: str, fields: int, split: bool
) -> None:
    lines = [EXTRACT_16.replace("100234", f"{n:06d}") for n in range(1, 36_001)]
    lines[35_000] = lines[35_000] + "^" if change else lines[35_000].rsplit("^", 1)[0]
    opened = open_ssid_extract_blocks(io.BytesIO(("\r\n".join(lines) + "\r\n").encode()), "x.txt")
    got: list[LineBlock] = []
    with pytest.raises(FileProblem) as caught:
        for block in opened.load_blocks(fields=split):
            got.append(block)
    assert str(caught.value) == f"x.txt, line 35001: has {fields} fields; SSID Extract current (16 columns) has 16"
    assert len(got) == 4 and [b.first for b in got] == list(accumulate([1, *(len(b.lines) for b in got[:-1])]))
    assert [line for b in got for line in b.lines] == lines[:35_000]
    if split:  # each line's fields, as split
        assert all(isinstance(b, CheckedLines) and b.values == [line.split("^") for line in b.lines] for b in got)
    else:  # the text alone
        assert {type(b) for b in got} == {LineBlock}


def test_a_delimiter_whose_reading_fails_gives_way_to_the_next() -> None:
    # 1,400 values of 99 characters joined by ';': read at ',' or a tab, the line is one value over the
    # csv module's field size limit (an error), so only ';' reads it, and it gives the 13 columns or more.
    values = ["x" * 99] * 1400
    assert split_csv_line(";".join(values)) == (";", values)


# --- the ODS audit's own reading: the audited year's lines, a block at a time -----------------


def _ods_line(year: str, local_id: str, name: str = "MARIA") -> str:
    from tests.unit.test_checking import SENR_R, _line

    return _line(SENR_R, f7=year, f9=local_id, f11=name)


@pytest.mark.parametrize("end", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_the_audited_years_lines_read_in_blocks_are_those_the_line_for_line_reader_gives(end: str) -> None:
    years = ["2025-2026", "2016-2017", "2024-2025", "2025-2026"]
    lines = [_ods_line(years[n % 4], f"1{n:05d}", "JOSÉ" if n % 7 == 0 else "MARIA") for n in range(9_000)]  # over 1 MiB
    data = ("\ufeff" + end.join(lines) + end + end).encode("utf-8")  # a BOM, and a blank line at the end
    blocks = list(readers.open_ods_year_blocks(io.BytesIO(data), "2025-2026"))
    expected = [v for v in readers.open_ods_year(io.BytesIO(data), "2025-2026") if isinstance(v, list)]
    assert len(blocks) > 1
    assert [values for _, records in blocks for values in records] == expected
    assert len(expected) == 4_500
    assert sum(count for count, _ in blocks) == 9_001  # line ends: the blank line at the end counts here
    cp1252 = (end.join([lines[0], lines[0].replace("MARIA", "JOS\xc9")]) + end).encode("cp1252")
    assert [v for _, r in readers.open_ods_year_blocks(io.BytesIO(cp1252), "2025-2026") for v in r] == [
        v for v in readers.open_ods_year(io.BytesIO(cp1252), "2025-2026") if isinstance(v, list)
    ]


def test_an_audited_year_line_of_another_field_count_is_named_by_its_line() -> None:
    lines = [_ods_line("2016-2017", "100001"), _ods_line("2025-2026", "100002"), _ods_line("2025-2026", "100003") + "^X"]
    data = ("\r\n".join(lines) + "\r\n").encode()
    with pytest.raises(FileProblem) as problem:
        list(readers.open_ods_year_blocks(io.BytesIO(data), "2025-2026", "ods.txt"))
    with pytest.raises(FileProblem) as alone:
        list(readers.open_ods_year(io.BytesIO(data), "2025-2026", "ods.txt"))
    assert str(problem.value) == str(alone.value)
    assert str(problem.value).startswith("ods.txt, line 3: ")
