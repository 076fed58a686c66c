"""Writers of CALPADS files, byte-exact: caret-delimited, no header, CR LF after every record (the
last included), UTF-8 without BOM. The match result file (written by the CALPADS sandbox) is a CSV
with a header row (calpads-files.md §4).

A value that cannot be represented is refused with :class:`domain.errors.WriteRefused` naming
the record number, field number and field name: longer than its field (CALPADS' FRMT0001; never
truncated), or containing ``^``, CR or LF. Writers stream: records are encoded and written in
batches, never all held at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from operator import attrgetter
from typing import BinaryIO, TypeVar

from domain.errors import WriteRefused
from domain.layouts import Layout, layout
from domain.layouts import field_problem, first_problem, line_pattern
from domain.records import ExtractRow, MatchResultRow, OdsSenrRecord, ReplacementRow, SelaRecord, SenrRecord
from domain.values import format_calpads_date

__all__ = [
    "write_senr",
    "write_ods_senr",
    "write_ssid_extract",
    "write_replacements",
    "write_sela",
    "write_match_result",
    "senr_line",
]

R = TypeVar("R")
_BATCH = 4096
_SENR = layout("SENR")
_ODS = layout("SENR-R")


def _refused(where: Layout, values: Sequence[str], record: int) -> WriteRefused:
    """The refusal of a record whose line the layout's pattern did not match: a writer hands every
    record as the layout's width of values, and the pattern refuses exactly the values
    ``first_problem`` finds a problem in, so the problem is always a field's."""
    found = first_problem(where, values, typed=False)
    assert found is not None, "the layout's pattern and first_problem disagree"
    spec, reason = found
    assert spec is not None, "a writer hands a record as the layout's width of values"
    return WriteRefused(where.name, spec.number, spec.name, reason, record)


def _encode(where: Layout, lines: list[str], first: int, values: Callable[[int], Sequence[str]]) -> bytes:
    try:
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    except UnicodeEncodeError:
        for offset, line in enumerate(lines):
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                parts = values(offset)
                spec = next(f for f, v in zip(where.fields, parts) if not _encodable(v))
                raise WriteRefused(where.name, spec.number, spec.name, "is not valid Unicode text", first + offset) from None
        raise


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write_caret(where: Layout, records: Iterable[R], values_of: Callable[[R], Sequence[str]], out: BinaryIO) -> int:
    """Write ``records`` in layout ``where``; every line is checked whole by the layout's pattern first."""
    match = line_pattern(where, False).fullmatch
    delimiter = where.delimiter
    lines: list[str] = []
    count = 0
    for count, record in enumerate(records, start=1):
        values = values_of(record)
        line = delimiter.join(values)
        if match(line) is None:
            raise _refused(where, values, count)
        lines.append(line)
        if len(lines) >= _BATCH:
            out.write(_encode(where, lines, count - len(lines) + 1, lambda i: lines[i].split(delimiter)))
            lines = []
    if lines:
        out.write(_encode(where, lines, count - len(lines) + 1, lambda i: lines[i].split(delimiter)))
    return count


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_calpads_date(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):  # an Enum such as MatchCategory
        return value.value
    return str(value)


def _values_by_layout(where: Layout) -> Callable[[object], list[str]]:
    get = attrgetter(*(f.attr for f in where.fields))
    return lambda row: [_text(v) for v in get(row)]


def senr_line(record: SenrRecord) -> bytes:
    """The exact bytes ``write_senr`` writes for ``record``: 35 caret-separated fields and CR LF."""
    buffer = io.BytesIO()
    write_senr([record], buffer)
    return buffer.getvalue()


def write_senr(records: Iterable[SenrRecord], out: BinaryIO) -> int:
    """Write SENR records in the current CFS layout (35 fields); return how many were written."""
    return _write_caret(_SENR, records, SenrRecord.values, out)


def write_ods_senr(records: Iterable[OdsSenrRecord], out: BinaryIO) -> int:
    """Write an SSID Enrollment ODS download (37 fields; field 1 of each record must read ``SENR-R``)."""
    return _write_caret(_ODS, records, OdsSenrRecord.values, out)


def write_sela(records: Iterable[SelaRecord], out: BinaryIO) -> int:
    """Write SELA records, or a SELA ODS download when the first record's type is ``SELA-R`` (all must agree)."""
    stream = iter(records)
    first = next(stream, None)
    if first is None:
        return 0
    where = layout("SELA-R" if first.record_type == "SELA-R" else "SELA")
    return _write_caret(where, chain([first], stream), SelaRecord.values, out)


def write_ssid_extract(rows: Iterable[ExtractRow], out: BinaryIO, version: str = "current") -> int:
    """Write an SSID Extract in ``version`` (``current``: 16 columns; ``2019``: 14, without middle name and SWD)."""
    where = layout("SSID Extract", version)
    return _write_caret(where, rows, _values_by_layout(where), out)


def write_replacements(rows: Iterable[ReplacementRow], out: BinaryIO) -> int:
    """Write a Replacement SSIDs Extract (5 columns)."""
    where = layout("Replacement SSIDs")
    return _write_caret(where, rows, _values_by_layout(where), out)


_MATCH = layout("SSID Match result")


def _match_values(row: MatchResultRow) -> list[str]:
    values: list[str] = []
    for spec in _MATCH.fields:
        if spec.attr == "selection":
            values.append("")
        elif spec.attr.startswith("candidate."):
            values.append(_text(getattr(row.candidate, spec.attr[10:])) if row.candidate else "")
        else:
            values.append(_text(getattr(row, spec.attr)))
    return values


def _match_lines(rows: Iterable[MatchResultRow]) -> Iterator[list[str]]:
    for count, row in enumerate(rows, start=1):
        values = _match_values(row)
        for spec, value in zip(_MATCH.fields, values):
            problem = field_problem(spec, value, typed=False, delimiter="")
            if not problem and not value.isascii() and not _encodable(value):
                problem = "is not valid Unicode text"
            if problem:
                raise WriteRefused(_MATCH.name, spec.number, spec.name, problem, count)
        yield values


def write_match_result(rows: Iterable[MatchResultRow], out: BinaryIO, header: bool = True) -> int:
    """Write an SSID Match Tool result file: CSV, CR LF, UTF-8; the header row names the columns.

    All 23 columns are written: the 13 published ones, then the assumed candidate columns
    (blank for a row without a candidate). Score and category are written exactly as held.
    """
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    if header:
        writer.writerow(f.name for f in _MATCH.fields)
    count = 0
    for count, values in enumerate(_match_lines(rows), start=1):
        writer.writerow(values)
        if count % _BATCH == 0:
            out.write(text.getvalue().encode("utf-8"))
            text.seek(0)
            text.truncate()
    out.write(text.getvalue().encode("utf-8"))
    return count

