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
from collections.abc import Iterator
from typing import Any

from domain.errors import FileProblem
from domain.layouts import MATCH_RESULT_PUBLISHED, FieldKind, FieldSpec, Layout
from domain.layouts_checks import field_pattern, field_problem
from domain.readers_detect import expect, split_csv_line
from domain.readers_source import ParsedFile, Source, TextSource
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
        if len(first) < MATCH_RESULT_PUBLISHED:
            raise FileProblem(text.name, 1, f"has {len(first)} columns; {layout.kind} has at least {MATCH_RESULT_PUBLISHED}")
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


def _value(name: str, number: int, spec: FieldSpec, raw: str) -> Any:
    value = raw.strip()
    if spec.kind is FieldKind.SCORE:
        try:
            return value, read_score(value)
        except ValueError as error:
            raise FileProblem(name, number, str(error), spec.number, spec.name) from None
    problem = None
    if spec.kind is FieldKind.DATE or field_pattern(spec).fullmatch(value) is None:  # the common case: one C call
        problem = field_problem(spec, value, typed=True)
    if problem and spec.kind is FieldKind.DIGITS and value.isascii() and value.isdigit() and len(value) < spec.max_length:
        problem += _EXCEL
    if problem:
        raise FileProblem(name, number, problem, spec.number, spec.name)
    if spec.attr == "category":
        found = _CATEGORIES.get(value.lower())
        if found is None:
            raise FileProblem(name, number, "is not No Match, Single Match or Multiple Match", spec.number, spec.name)
        return found
    if spec.kind is FieldKind.DATE:
        return dt.date.fromisoformat(value) if value else None
    if spec.kind in (FieldKind.CODE, FieldKind.DIGITS) and spec.attr.startswith("candidate."):
        return value or None
    return value


def _row(name: str, number: int, columns: list[tuple[int, FieldSpec]], values: list[str]) -> MatchResultRow:
    row: dict[str, Any] = {}
    candidate: dict[str, Any] = {}
    ssid_spec: FieldSpec | None = None
    for index, spec in columns:
        if spec.attr == "selection":
            continue  # marked by hand; nothing of ours depends on it
        value = _value(name, number, spec, values[index])
        if spec.attr == "candidate.score_text":
            candidate["score_text"], candidate["percent"] = value
        elif spec.attr.startswith("candidate."):
            candidate[spec.attr.removeprefix("candidate.")] = value
            if spec.attr == "candidate.ssid":
                ssid_spec = spec
        else:
            row[spec.attr] = value
    category: MatchCategory = row["category"]
    found: MatchCandidate | None = None
    if candidate.get("ssid"):
        candidate["ssid"] = Ssid(candidate["ssid"])
        found = MatchCandidate(category=category, **candidate)
    elif category is not MatchCategory.NO_MATCH and ssid_spec is not None:
        raise FileProblem(name, number, f"is blank but the category is {category.value}", ssid_spec.number, ssid_spec.name)
    return MatchResultRow(
        line=number,
        reporting_lea=CdsCode(row["reporting_lea"]),
        school=CdsCode(row["school"]),
        local_id=LocalId(row["local_id"]),
        legal_last=row["legal_last"],
        legal_first=row["legal_first"],
        legal_middle=row["legal_middle"],
        gender=row["gender"],
        birth_date=row["birth_date"],
        category=category,
        candidate=found,
    )


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
                yield _row(file_name, number, columns, values)
        except csv.Error as error:
            raise FileProblem(file_name, ended + 1, f"is not valid CSV ({error})") from None

    return ParsedFile(text, layout, rows)
