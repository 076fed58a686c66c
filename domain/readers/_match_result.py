"""Reader of the SSID Match Tool result file (calpads-files.md §4): a CSV, with or without a header row.

With a header the columns are found by name (columns 1-13 required, the assumed candidate
columns used when present, unknown columns ignored with a warning); without one, by position.
Comma, tab or semicolon separated (a re-save by Excel), quoted or not. Values are trimmed.

Excel drops leading zeros of LEA and school codes (and would of a 10-digit SSID starting with 0).
The reader does **not** guess them back: a code with too few digits is refused with a message
saying why it probably happened, so the person downloads the file again instead of trusting a
copy whose local ids may have lost their zeros too.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from operator import itemgetter
from typing import Any

from domain.errors import FileProblem
from domain.layouts import MATCH_RESULT_PUBLISHED, FieldKind, FieldSpec, Layout
from domain.layouts import field_pattern, field_problem
from domain.readers._detect import expect, split_csv_line
from domain.readers._source import ParsedFile, Source, TextSource
from domain.records import MatchCandidate, MatchCategory, MatchResultRow
from domain.values import CdsCode, LocalId, Ssid

__all__ = ["open_match_result", "read_score"]

_SCORE = re.compile(r"([0-9]{1,3}(?:\.[0-9]*)?|\.[0-9]+) ?(%?)")
_CATEGORIES = {c.value.lower(): c for c in MatchCategory}
_EXCEL = "; leading zeros were probably lost when the file was re-saved by Excel: download it from CALPADS again"


def read_score(text: str) -> float | None:
    """A match score as a percentage: ``97%`` and ``97`` give 97.0, ``0.97`` gives 97.0; blank gives ``None``.

    Without a ``%`` sign a value of at most 1 is read as a fraction (Excel writes 100% as ``1``).
    ``ValueError`` for anything else, or a percentage above 100.
    """
    if text == "":
        return None
    match = _SCORE.fullmatch(text)
    if not match:
        raise ValueError("is not a percentage (97%, 0.97 or 97)")
    number = float(match.group(1))
    if not match.group(2) and number <= 1:
        number *= 100
    if number > 100:
        raise ValueError("is more than 100%")
    return round(number, 6)


def _columns(text: TextSource, layout: Layout, first: list[str]) -> tuple[bool, list[tuple[int, FieldSpec]]]:
    """Whether line 1 is a header, and (column index, field) for every column used."""
    by_name = {f.name.lower(): f for f in layout.fields}
    named = [by_name.get(v.strip().lower()) for v in first]
    if not any(named):
        # detect() takes a first line naming no column for a result file only when it has 13 values or more
        assert len(first) >= MATCH_RESULT_PUBLISHED, "detect() and _columns() disagree"
        if len(first) > layout.width:
            text.warn(f"columns {layout.width + 1}-{len(first)} are not known and were ignored")
        return False, list(enumerate(layout.fields[: len(first)]))
    found = [(i, f) for i, f in enumerate(named) if f is not None]
    seen = [f.number for _, f in found]
    if len(set(seen)) != len(seen):
        raise FileProblem(text.name, 1, "names a column twice")
    missing = [f.name for f in layout.fields[:MATCH_RESULT_PUBLISHED] if f.number not in seen]
    if missing:
        raise FileProblem(text.name, 1, f"lacks the column(s) {', '.join(missing)}")
    unknown = [v.strip() or f"(blank, column {i + 1})" for i, (v, f) in enumerate(zip(first, named)) if f is None]
    if unknown:
        text.warn(f"columns not known and ignored: {', '.join(unknown)}")
    return True, found


@dataclass(frozen=True, slots=True)
class _Column:
    """A column the reader uses: where it is in a line, its field, and the attribute it fills."""

    index: int
    spec: FieldSpec
    key: str  # an attribute of MatchResultRow, or (``candidate``) of MatchCandidate
    candidate: bool


def _score(value: str) -> tuple[str, float | None]:
    return value, read_score(value)


def _category(value: str) -> MatchCategory:
    return _CATEGORIES[value.lower()]  # KeyError for another category


def _date(value: str) -> dt.date | None:
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:])) if value else None


def _blank_none(value: str) -> str | None:
    return value or None


_MEMOIZED: tuple[Callable[[str], Any], ...] = (_score, _category, _date)  # few distinct values in a file


def _converter(spec: FieldSpec) -> Callable[[str], Any] | None:
    """How a good (checked, trimmed) value of ``spec`` becomes the record's value; ``None``: as is."""
    if spec.kind is FieldKind.SCORE:
        return _score
    if spec.attr == "category":
        return _category
    if spec.kind is FieldKind.DATE:
        return _date
    if spec.kind in (FieldKind.CODE, FieldKind.DIGITS) and spec.attr.startswith("candidate."):
        return _blank_none
    return None


def _problem(spec: FieldSpec, value: str) -> str | None:
    """What is wrong with a trimmed value of ``spec`` (``None``: nothing); never quotes it."""
    if spec.kind is FieldKind.SCORE:
        try:
            read_score(value)
        except ValueError as error:
            return str(error)
        return None
    problem = None
    if spec.kind is FieldKind.DATE or field_pattern(spec).fullmatch(value) is None:
        problem = field_problem(spec, value, typed=True)
    if problem and spec.kind is FieldKind.DIGITS and value.isascii() and value.isdigit() and len(value) < spec.max_length:
        problem += _EXCEL
    if problem is None and spec.attr == "category" and value.lower() not in _CATEGORIES:
        problem = "is not No Match, Single Match or Multiple Match"
    return problem


def _checked(name: str, number: int, columns: Sequence[_Column], values: Sequence[str]) -> list[Any]:
    """The columns' values of one line, each checked: the first bad one is a :class:`FileProblem`
    naming line and field."""
    found: list[Any] = []
    for column in columns:
        value = values[column.index].strip()
        problem = _problem(column.spec, value)
        if problem:
            raise FileProblem(name, number, problem, column.spec.number, column.spec.name)
        convert = _converter(column.spec)
        found.append(value if convert is None else convert(value))
    return found


def _line_regex(spec: FieldSpec) -> str:
    """What a good value of ``spec`` with nothing to trim matches in a line of values joined by
    ``^`` (which no good value contains, so the fields cannot shift); a score is read by
    :func:`read_score`. ``\\s`` is exactly what ``str.strip`` removes: a value that matches needs no
    trimming, and one with spaces around it sends its line to be read value by value."""
    body = "[^^]*" if spec.kind is FieldKind.SCORE else field_pattern(spec).pattern
    return f"(?!\\s)(?:{body})(?<!\\s)"


_ROW_FIELDS = [f.name for f in fields(MatchResultRow)]
_CANDIDATE_FIELDS = [f.name for f in fields(MatchCandidate)]


class _LineReader:
    """Reads the lines of one file into rows.

    The common line, every value good and none to trim, is checked with one regular expression
    (one C call), and its values converted with memoized converters (dates and scores repeat); a
    line that fails either is read again value by value, trimmed, which names the first bad field.
    The records are then built from the values by position (no dictionary per line): ``found``
    holds the columns' values, then the score's percentage, ``None`` for every candidate column
    the file does not have, and the candidate; ``where`` says where each attribute's value is.
    """

    def __init__(self, name: str, columns: list[tuple[int, FieldSpec]]) -> None:
        self.name = name
        self.columns = [
            _Column(index, spec, spec.attr.removeprefix("candidate."), spec.attr.startswith("candidate."))
            for index, spec in columns
            if spec.attr != "selection"  # marked by hand; nothing of ours depends on it
        ]
        self.pattern = re.compile("\\^".join(_line_regex(c.spec) for c in self.columns))
        self.take = itemgetter(*(c.index for c in self.columns))
        self.converters = [
            (i, lru_cache(maxsize=1 << 14)(convert) if convert in _MEMOIZED else convert)
            for i, convert in enumerate(_converter(c.spec) for c in self.columns)
            if convert is not None
        ]
        where = {(c.candidate, c.key): i for i, c in enumerate(self.columns)}
        self.score = where[True, "score_text"]  # a published column: always there
        self.ssid = where[True, "ssid"]
        self.ssid_spec = self.columns[self.ssid].spec
        percent, absent, candidate = len(self.columns), len(self.columns) + 1, len(self.columns) + 2
        where[True, "percent"] = percent
        where[True, "category"] = where[False, "category"]
        where[False, "candidate"] = candidate
        self.row_values = itemgetter(*(where[False, key] for key in _ROW_FIELDS[1:]))  # all but the line
        self.candidate_values = itemgetter(*(where.get((True, key), absent) for key in _CANDIDATE_FIELDS))
        self.category = where[False, "category"]

    def row(self, number: int, values: list[str]) -> MatchResultRow:
        texts = self.take(values)
        found: list[Any] | None = None
        if self.pattern.fullmatch("^".join(texts)):
            found = list(texts)
            try:
                for i, convert in self.converters:
                    found[i] = convert(texts[i])
            except (ValueError, KeyError):
                found = None
        if found is None:
            found = _checked(self.name, number, self.columns, values)
        return self._assembled(number, found)

    def _assembled(self, number: int, found: list[Any]) -> MatchResultRow:
        score_text, percent = found[self.score]
        found[self.score] = score_text
        found += (percent, None)
        category: MatchCategory = found[self.category]
        match: MatchCandidate | None = None
        if found[self.ssid]:
            match = MatchCandidate(*self.candidate_values(found))
        elif category is not MatchCategory.NO_MATCH:
            spec = self.ssid_spec
            raise FileProblem(self.name, number, f"is blank but the category is {category.value}", spec.number, spec.name)
        found.append(match)
        return MatchResultRow(number, *self.row_values(found))


def open_match_result(source: Source, name: str | None = None) -> ParsedFile[MatchResultRow]:
    """Open an SSID Match Tool result file; one row per (submitted student x candidate).

    A student without a candidate is one row with a blank SSID, category No Match and
    ``candidate=None``. Score and category are kept exactly as given (``score_text``), the score
    also read as a percentage. Warnings list ignored columns and a Windows-1252 reading.
    """
    text = TextSource(source, name)
    layout = expect(text, "SSID Match result")
    assert text.first_line is not None  # expect() refuses an empty file
    delimiter, first = split_csv_line(text.first_line)
    header, columns = _columns(text, layout, first)
    width = len(first)
    file_name = text.name
    read = _LineReader(file_name, columns)

    def rows(lines: Iterator[str]) -> Iterator[MatchResultRow]:
        reader = csv.reader(lines, delimiter=delimiter)
        ended = 0
        try:
            for values in reader:
                number, ended = ended + 1, reader.line_num
                if header and number == 1:
                    continue
                if len(values) != width:
                    raise FileProblem(file_name, number, f"has {len(values)} columns; line 1 has {width}")
                yield read.row(number, values)
        except csv.Error as error:
            raise FileProblem(file_name, ended + 1, f"is not valid CSV ({error})") from None

    return ParsedFile(text, layout, rows)
