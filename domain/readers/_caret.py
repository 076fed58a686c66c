"""Readers of the caret-delimited CALPADS files: SENR, SENR ODS download, SELA, SSID Extract, Replacement SSIDs.

Every line is first checked whole against the layout's compiled pattern (one C-level call); only a
line that fails is taken apart to name the field and the reason. SENR, SENR-R and SELA records
stay text (content rules belong to validation: here only count, record type and lengths are
checked); Extract and Replacement rows are typed and every value is checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import Any, TypeVar, cast

from domain.errors import FileProblem
from domain.layouts import FieldKind, Layout
from domain.layouts import first_problem, line_pattern
from domain.readers._detect import expect
from domain.readers._source import ParsedFile, Source, TextSource
from domain.records import ExtractRow, OdsSenrRecord, ReplacementRow, SelaRecord, SenrRecord

__all__ = [
    "OdsCheckedBlock",
    "open_ods_checked_blocks",
    "OdsYearBlock",
    "open_ods_year_blocks",
    "open_senr", "open_ods_senr", "open_ods_year", "open_sela", "open_ssid_extract", "open_ssid_extract_blocks",
    "open_replacements", "line_problem", "LineBlock", "CheckedLines", "CheckedBlocks", "extract_rows",
]

R = TypeVar("R")


def line_problem(name: str, number: int, layout: Layout, line: str, typed: bool) -> FileProblem:
    """The problem of a line that failed its layout's pattern, naming the field (never the value)."""
    found = first_problem(layout, line.split(layout.delimiter), typed)
    # The pattern refuses exactly the lines first_problem finds a problem in (dates: a line whose
    # date is not a calendar date, which _date_problem names).
    assert found is not None, "the layout's pattern and first_problem disagree"
    spec, message = found
    if spec is None:
        return FileProblem(name, number, message)
    return FileProblem(name, number, message, spec.number, spec.name)


def _builder(layout: Layout, cls: Callable[..., R], attrs: tuple[str, ...], offset: int = 0) -> Callable[[list[str]], R]:
    """A function making ``cls`` from a line's values: positional when the layout has exactly ``attrs`` in order."""
    indices = [next((f.number - 1 for f in layout.fields if f.attr == a), None) for a in attrs]
    if indices == list(range(offset, offset + len(attrs))):
        end = offset + len(attrs)
        if offset == 0 and end == layout.width:
            return lambda parts: cls(*parts)
        return lambda parts: cls(*parts[offset:end])
    present = tuple(a for a, i in zip(attrs, indices) if i is not None)
    take = itemgetter(*(i for i in indices if i is not None))
    return lambda parts: cls(**dict(zip(present, take(parts))))


def _dropped(text: TextSource, layout: Layout, attrs: set[str]) -> None:
    lost = [f.label for f in layout.fields if f.attr not in attrs]
    if lost:
        text.warn(f"{layout.title}: not kept in the records: {', '.join(lost)}")


def _text_rows(text: TextSource, layout: Layout, make: Callable[[list[str]], R]) -> ParsedFile[R]:
    match = line_pattern(layout, False).fullmatch
    delimiter = layout.delimiter
    name = text.name

    def rows(lines: Iterator[str]) -> Iterator[R]:
        for number, line in enumerate(lines, start=1):
            if match(line) is None:
                raise line_problem(name, number, layout, line, False)
            yield make(line.split(delimiter))

    return ParsedFile(text, layout, rows)


_SENR_ATTRS = tuple(f.name for f in fields(SenrRecord))
_SELA_ATTRS = tuple(f.name for f in fields(SelaRecord))


def open_senr(source: Source, name: str | None = None) -> ParsedFile[SenrRecord]:
    """Open an SENR file (any registered CFS version); records keep every field's exact text.

    Refuses another kind of file (an ODS download is "found SENR ODS download") and, while
    iterating, a line with the wrong field count, another record type or an over-long value.
    """
    text = TextSource(source, name)
    layout = expect(text, "SENR")
    _dropped(text, layout, set(_SENR_ATTRS))
    return _text_rows(text, layout, _builder(layout, SenrRecord, _SENR_ATTRS))


def open_ods_senr(source: Source, name: str | None = None) -> ParsedFile[OdsSenrRecord]:
    """Open an SSID Enrollment ODS download (``SENR-R``, 35 SENR fields + Upload Date + Last Date Updated).

    Values stay text, field 1 included (``SENR-R``); checked: field count, record type, lengths.
    """
    text = TextSource(source, name)
    layout = expect(text, "SENR-R")
    _dropped(text, layout, {*_SENR_ATTRS, "upload_date", "last_updated"})
    senr = _builder(layout, SenrRecord, _SENR_ATTRS)
    upload, updated = layout.field("upload_date").number - 1, layout.field("last_updated").number - 1

    def make(parts: list[str]) -> OdsSenrRecord:
        return OdsSenrRecord(senr(parts), parts[upload], parts[updated])

    return _text_rows(text, layout, make)


def _senr_values(layout: Layout) -> Callable[[list[str]], list[str]]:
    """A function taking a line's values to the SENR record's values in :class:`SenrRecord` order
    (``SenrRecord(*values)`` is its record; fields of another layout version stay blank)."""
    indices = [next((f.number - 1 for f in layout.fields if f.attr == a), None) for a in _SENR_ATTRS]
    if indices == list(range(len(indices))):
        end = len(indices)
        return lambda parts: parts[:end]
    defaults = [getattr(SenrRecord(), a) for a in _SENR_ATTRS]
    taken = [(i, at) for i, at in enumerate(indices) if at is not None]

    def values(parts: list[str]) -> list[str]:
        out = list(defaults)
        for i, at in taken:
            out[i] = parts[at]
        return out

    return values


def open_ods_year(
    source: Source, year: str, name: str | None = None, *, also: str | None = None
) -> ParsedFile[list[str] | str]:
    """Open an SSID Enrollment ODS download for the records of one academic year (``CCYY-CCYY``).

    Checked like :func:`open_ods_senr`, line for line; yields for a line of ``year`` (or of the
    year ``also``, e.g. the previous one) its SENR values in :class:`SenrRecord` order
    (``SenrRecord(*values)`` is its record), for any other line only its Reporting LEA: a
    ten-year download of millions of lines never becomes a record per line.
    """
    text = TextSource(source, name)
    layout = expect(text, "SENR-R")
    _dropped(text, layout, {*_SENR_ATTRS, "upload_date", "last_updated"})
    values = _senr_values(layout)
    # Year and LEA come out of the line's check (groups in field order): most lines need no split.
    captured = sorted(("academic_year", "reporting_lea"), key=lambda attr: layout.field(attr).number)
    match = line_pattern(layout, False, tuple(captured)).fullmatch
    at_year, at_lea = captured.index("academic_year") + 1, captured.index("reporting_lea") + 1
    delimiter = layout.delimiter
    shown = text.name

    def rows(lines: Iterator[str]) -> Iterator[list[str] | str]:
        for number, line in enumerate(lines, start=1):
            checked = match(line)
            if checked is None:
                raise line_problem(shown, number, layout, line, False)
            if checked[at_year] == year or checked[at_year] == also:
                yield values(line.split(delimiter))
            else:
                yield checked[at_lea]

    return ParsedFile(text, layout, rows)


OdsCheckedBlock = tuple[int, int, list[str], list[list[str]]]
"""A block of an ODS download's lines, every one checked: how many lines it holds, how many of
them are of the year asked for, every line's Reporting LEA, and the SENR values (in
:class:`SenrRecord` order) of the lines of the other year asked for that have no exit date."""


def open_ods_checked_blocks(source: Source, year: str, also: str, name: str | None = None) -> Iterator[OdsCheckedBlock]:
    """Every line of an SSID Enrollment ODS download checked as :func:`open_ods_year` checks it
    (a broken file raises the same problem at the same line), a block of the file at a time, with
    what a reader of the lines of ``year`` (:func:`open_ods_year_blocks`) does not count: each
    line's Reporting LEA, and the values of the lines of the year ``also`` (e.g. the previous one)
    without an exit date (enrollments still open).
    """
    text = TextSource(source, name)
    layout = expect(text, "SENR-R")
    _dropped(text, layout, {*_SENR_ATTRS, "upload_date", "last_updated"})
    values = _senr_values(layout)
    captured = sorted(("academic_year", "reporting_lea", "exit_date"), key=lambda attr: layout.field(attr).number)
    match = line_pattern(layout, False, tuple(captured)).fullmatch
    year_of = itemgetter(captured.index("academic_year") + 1)
    lea_of = itemgetter(captured.index("reporting_lea") + 1)
    open_of = itemgetter(captured.index("academic_year") + 1, captured.index("exit_date") + 1)
    still_open = (also, "")
    delimiter = layout.delimiter
    shown = text.name

    def blocks() -> Iterator[OdsCheckedBlock]:
        done = 0
        for block in text.line_blocks():
            # Each line through the check in C (map), not a Python step a line: most of a ten-year
            # download is only counted.
            checked = list(map(match, block))
            if not all(checked):
                at = checked.index(None)
                raise line_problem(shown, done + at + 1, layout, block[at], False)
            matched = cast("list[re.Match[str]]", checked)
            years: list[str] = list(map(year_of, matched))
            others = [values(line.split(delimiter)) for line, of in zip(block, map(open_of, matched)) if of == still_open]
            done += len(block)
            yield len(block), years.count(year), list(map(lea_of, matched)), others

    return blocks()


OdsYearBlock = tuple[int, list[list[str]]]
"""A block of an ODS download's lines: how many lines it holds, and the SENR values (in
:class:`SenrRecord` order) of those of the year asked for."""


def open_ods_year_blocks(source: Source, year: str, name: str | None = None) -> Iterator[OdsYearBlock]:
    """The records of one academic year (``CCYY-CCYY``) of an SSID Enrollment ODS download, a block
    of the file at a time, for a reader whose every line is checked elsewhere (the ODS audit checks
    them in a second process, with :func:`open_ods_checked_blocks`).

    Only the lines holding the year between two delimiters are decoded here, and checked for
    their field count alone (a line of another count raises its :class:`FileProblem`); the rest of
    each line's check, and every other line, are left to that reader. The count is of line ends
    (and a last line without one): blank lines at the end count too.
    """
    text = TextSource(source, name)
    layout = expect(text, "SENR-R")
    at = layout.field("academic_year").number - 1
    width = len(layout.fields)
    # The year is neither the first nor the last field: a line of that year holds it between delimiters.
    assert 0 < at < width - 1, "the academic year is an inner field of the ODS layout"
    values = _senr_values(layout)
    delimiter = layout.delimiter
    needle = f"{delimiter}{year}{delimiter}".encode("ascii")
    shown = text.name

    def blocks() -> Iterator[OdsYearBlock]:
        done = 0
        for block, ends in text.byte_blocks():
            records: list[list[str]] = []
            find = block.find
            found = find(needle)
            while found >= 0:
                start = block.rfind(b"\n", 0, found) + 1
                end = find(b"\n", found)
                raw = block[start:] if end < 0 else block[start:end]
                # Decoded as TextSource decodes a line: UTF-8, else Windows-1252 (bytes that are
                # neither become replacement characters here; the checking reader refuses the file).
                if raw.endswith(b"\r"):
                    raw = raw[:-1]
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    line = raw.decode("cp1252", errors="replace")
                parts = line.split(delimiter)
                if len(parts) != width:
                    raise line_problem(shown, done + block.count(b"\n", 0, start) + 1, layout, line, False)
                if parts[at] == year:
                    records.append(values(parts))
                if end < 0:
                    break
                found = find(needle, end)
            lines = ends + (not block.endswith(b"\n"))
            done += lines
            yield lines, records

    return blocks()


def open_sela(source: Source, name: str | None = None) -> ParsedFile[SelaRecord]:
    """Open a SELA file or a SELA ODS download (``SELA-R``); records keep every field's exact text."""
    text = TextSource(source, name)
    layout = expect(text, "SELA", "SELA-R")
    return _text_rows(text, layout, _builder(layout, SelaRecord, _SELA_ATTRS))


def _typed_maker(layout: Layout, cls: Callable[..., R], attrs: tuple[str, ...]) -> Callable[[int, list[str]], R]:
    """A function making ``cls`` of a line's number and values (of a line that passed the typed
    pattern, so of the layout's width): blank codes and dates become ``None``, dates are converted
    (``ValueError`` for one that is not a real calendar date).

    ``attrs`` are the class's fields in order, ``line`` first; each value is taken by position.
    """
    kinds = {f.attr: f for f in layout.fields}
    # Per attribute after ``line``: (index in the line or -1 when absent, 0 text / 1 code / 2 date).
    plan: list[tuple[int, int]] = []
    for attr in attrs[1:]:
        spec = kinds.get(attr)
        if spec is None:
            plan.append((-1, 0))
        elif spec.kind is FieldKind.DATE:
            plan.append((spec.number - 1, 2))
        elif spec.kind in (FieldKind.CODE, FieldKind.YES_NO):
            plan.append((spec.number - 1, 1))
        else:
            plan.append((spec.number - 1, 0))
    codes = [i for i, (_, k) in enumerate(plan) if k == 1]
    dates = [i for i, (_, k) in enumerate(plan) if k == 2]
    order = [at for at, _ in plan]
    to_date = dt.date.fromisoformat

    def make(number: int, parts: list[str]) -> R:
        values: list[Any] = [parts[at] if at >= 0 else None for at in order]
        for i in dates:
            value = values[i]
            values[i] = to_date(value) if value else None
        for i in codes:
            values[i] = values[i] or None
        return cls(number, *values)

    return make


def _typed_rows(text: TextSource, layout: Layout, cls: Callable[..., R], attrs: tuple[str, ...]) -> ParsedFile[R]:
    """Rows of a typed record class: every value checked; blank codes and dates become ``None``."""
    match = line_pattern(layout, True).fullmatch
    delimiter = layout.delimiter
    name = text.name
    make = _typed_maker(layout, cls, attrs)

    def rows(lines: Iterator[str]) -> Iterator[R]:
        for number, line in enumerate(lines, start=1):
            if match(line) is None:
                raise line_problem(name, number, layout, line, True)
            try:
                yield make(number, line.split(delimiter))
            except ValueError:
                raise line_problem(name, number, layout, line, True) from None

    return ParsedFile(text, layout, rows)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""A control character: no field of a layout holds one (:func:`domain.layouts.line_pattern`)."""


@dataclass(frozen=True, slots=True)
class LineBlock:
    """Consecutive lines of a file, text exactly as in the file: ``first`` is the file line number
    of ``lines[0]``. Those of :meth:`CheckedBlocks.load_blocks` are checked only in part (their
    number of fields, no control character), the rest being checked elsewhere."""

    first: int
    lines: list[str]


@dataclass(frozen=True, slots=True)
class CheckedLines(LineBlock):
    """A :class:`LineBlock` every line of which is checked against the file's typed layout (field
    count, digits, codes, lengths, real calendar dates), with ``values``, each line's fields.
    (Those of :meth:`CheckedBlocks.load_blocks` with ``fields`` only as far as it says.)"""

    values: list[list[str]]


class CheckedBlocks:
    """A typed caret file read a block of lines at a time, each block checked in bulk: every line
    against the layout's pattern in one C-level pass, each distinct date once. A file of hundreds
    of thousands of lines never becomes an object per line (:func:`open_ssid_extract_blocks`).

    Iterating :meth:`blocks` yields the checked lines before the first bad one, then raises
    :class:`domain.errors.FileProblem` naming that line and its field, as the line readers do.
    """

    def __init__(self, text: TextSource, layout: Layout) -> None:
        self._text = text
        self.name = text.name
        self.layout = layout
        self.warnings = text.warnings
        self._match = line_pattern(layout, True).fullmatch
        self._dates = tuple(spec.number - 1 for spec in layout.fields if spec.kind is FieldKind.DATE)

    def blocks(self, digest: Callable[[bytes], None] | None = None) -> Iterator[CheckedLines]:
        """The file's lines in checked blocks; ``digest`` sees every byte read (see :meth:`TextSource.line_blocks`)."""
        match, layout, split = self._match, self.layout, str.split
        real = {""}  # date values found to be calendar dates (blank: no date), across blocks
        number = 0
        for lines in self._text.line_blocks(digest):
            cut = None if all(map(match, lines)) else next(i for i, line in enumerate(lines) if match(line) is None)
            good = lines if cut is None else lines[:cut]
            values = list(map(split, good, repeat(layout.delimiter)))
            unreal = self._first_unreal_date(values, real)
            if unreal is not None:
                cut, good, values = unreal, good[:unreal], values[:unreal]
            if good:
                yield CheckedLines(number + 1, good, values)
            if cut is not None:
                raise line_problem(self.name, number + cut + 1, layout, lines[cut], True)
            number += len(lines)

    def load_blocks(self, digest: Callable[[bytes], None] | None = None, *, fields: bool = False) -> Iterator[LineBlock]:
        """The file's lines in the blocks :meth:`blocks` yields, with only what a database's bulk
        load needs checked: their number of fields, and that they hold no control character (no
        line of the layout does; a bulk load may take one for a line end). For a reader whose
        whole check of the same lines runs elsewhere (a second process,
        :mod:`workflows.run.extract_check`) and who keeps nothing until it answers.

        With ``fields`` the blocks are :class:`CheckedLines` (each line split into its fields, for
        a load that binds them one by one); without, the lines' text alone (a bulk load of the
        text needs no fields: splitting them was about a fifth of the reading). Raises
        :class:`domain.errors.FileProblem` at the first line failing these checks, after yielding
        the lines before it."""
        layout, control, split = self.layout, _CONTROL.search, str.split
        delimiters = methodcaller("count", layout.delimiter)
        width = len(layout.fields)
        number = 0
        for lines in self._text.line_blocks(digest):
            values = list(map(split, lines, repeat(layout.delimiter))) if fields else []
            wide = set(map(len, values)) if fields else {n + 1 for n in set(map(delimiters, lines))}
            # The block's lines searched joined: one pass over the text, far faster than line by line;
            # and searched only when some character is not printable (every control character is
            # not, and isprintable() is several times faster than the search).
            joined = layout.delimiter.join(lines)
            if wide != {width} or (not joined.isprintable() and control(joined) is not None):
                cut = next(i for i, line in enumerate(lines) if delimiters(line) + 1 != width or control(line))
                if cut:
                    yield CheckedLines(number + 1, lines[:cut], values[:cut]) if fields else LineBlock(number + 1, lines[:cut])
                raise line_problem(self.name, number + cut + 1, layout, lines[cut], True)
            yield CheckedLines(number + 1, lines, values) if fields else LineBlock(number + 1, lines)
            number += len(lines)

    def _first_unreal_date(self, values: list[list[str]], real: set[str]) -> int | None:
        """The index of the first line with a date that is not a calendar date (each distinct value tried once)."""
        wrong: set[str] = set()
        for at in self._dates:
            for value in set(map(itemgetter(at), values)) - real:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    wrong.add(value)
                else:
                    real.add(value)
        if not wrong:
            return None
        return next(i for i, parts in enumerate(values) if any(parts[at] in wrong for at in self._dates))



_EXTRACT_ATTRS = tuple(f.name for f in fields(ExtractRow))


def extract_rows(layout: Layout, block: CheckedLines) -> Iterator[ExtractRow]:
    """The checked lines of an SSID Extract of ``layout`` as the typed rows :func:`open_ssid_extract` gives."""
    make = _typed_maker(layout, ExtractRow, _EXTRACT_ATTRS)
    return map(make, range(block.first, block.first + len(block.values)), block.values)


def open_ssid_extract(source: Source, name: str | None = None) -> ParsedFile[ExtractRow]:
    """Open an SSID Extract: the current 16-column layout or the 2019 14-column one (``.layout`` says which).

    For the 2019 layout ``legal_middle`` and ``swd`` are ``None``. Blank optional codes (ELAS,
    primary language, SWD) and blank dates are ``None``. Refused: bad SSIDs, dates, codes, lengths.
    """
    text = TextSource(source, name)
    layout = expect(text, "SSID Extract")
    return _typed_rows(text, layout, ExtractRow, _EXTRACT_ATTRS)


def open_ssid_extract_blocks(source: Source, name: str | None = None) -> CheckedBlocks:
    """Open an SSID Extract (either layout, as :func:`open_ssid_extract`) to be read in checked
    blocks of lines: the same checks and refusals, without a record per line."""
    text = TextSource(source, name)
    return CheckedBlocks(text, expect(text, "SSID Extract"))


def open_replacements(source: Source, name: str | None = None) -> ParsedFile[ReplacementRow]:
    """Open a Replacement SSIDs Extract (5 columns); every SSID and code is checked."""
    text = TextSource(source, name)
    layout = expect(text, "Replacement SSIDs")
    return _typed_rows(text, layout, ReplacementRow, tuple(f.name for f in fields(ReplacementRow)))
