"""Checking an SSID Match Tool result file (a CSV, with or without a header row).

The reader (:func:`domain.readers.open_match_result`) holds every rule of this file: columns by
name or position, Excel's forms of the score, the category, leading zeros lost. The checker uses
it, not a copy of it: the whole file first (a good file, the common case, costs one read); when
that finds a problem, each line again on its own behind the header, so every bad line is named.
What the reader cannot see line by line — a column count unlike line 1's, a line repeated, a
Reporting LEA of another district — is checked here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from domain.checking._findings import CheckOptions, Finding, Rule, field_rule
from domain.errors import FileProblem
from domain.layouts import Layout
from domain.readers import Source, open_match_result

__all__ = ["match_findings"]

_DELIMITERS = (",", "\t", ";")


def _values(line: str, delimiter: str) -> list[str]:
    """The values of one line (never empty: the lines of a text exclude blank ones)."""
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except csv.Error:
        return [line]


def _delimiter(first_line: str) -> str:
    """The delimiter giving line 1 the most columns (CALPADS' comma, or Excel's tab or semicolon)."""
    return max(_DELIMITERS, key=lambda d: len(_values(first_line, d)))


def _whole_file_reads(source: Source) -> bool:
    """Whether the reader reads the whole file. A stream is read from where it is, the file's first
    byte (a reader puts a stream back where it was handed over; the checker's own reading of the
    lines starts there again)."""
    try:
        for _ in open_match_result(source):
            pass
    except FileProblem:
        return False
    return True


def match_findings(
    source: Source, first_line: str, lines: Iterator[str], where: Layout, options: CheckOptions
) -> Iterator[Finding]:
    """Every finding of a match result file, in line order (``lines``: the file's, consumed).

    The reader's problems are taken for their line, field and message: the file's name they carry is not needed."""
    delimiter = _delimiter(first_line)
    first = _values(first_line, delimiter)
    names = {f.name.lower() for f in where.fields}
    header = any(v.strip().lower() in names for v in first)
    reads = _whole_file_reads(source)
    lea_column = next(f for f in where.fields if f.attr == "reporting_lea")
    lea: str | None = options.lea
    seen: dict[int, int] = {}
    for number, line in enumerate(lines, start=1):
        if header and number == 1:
            continue
        first_seen = seen.setdefault(hash(line), number)
        if first_seen != number:
            yield Finding(line=number, field_number=None, field_name="", rule=Rule.DUPLICATE.value,
                          message=f"repeats line {first_seen} exactly (was the file pasted or saved twice?)")
            continue
        values = _values(line, delimiter)
        if len(values) != len(first):
            yield Finding(line=number, field_number=None, field_name="", rule=Rule.LAYOUT.value,
                          message=f"has {len(values)} columns; line 1 has {len(first)}")
            continue
        problem = None if reads else _line_problem(first_line if header else None, line)
        if problem is not None:
            yield _finding(number, problem, where, values, header, first)
            continue
        value = values[_column(lea_column.number, header, first, where)].strip()
        lea = lea or value  # the first line's LEA stands for the district's
        if value != lea:
            yield Finding(line=number, field_number=lea_column.number, field_name=lea_column.name, rule=Rule.LEA.value,
                          message=f"is not the district's Reporting LEA {lea}")


def _column(number: int, header: bool, first: list[str], where: Layout) -> int:
    """Where field ``number`` is in a line: by name with a header row, else by position. Asked only
    of a line the reader read, or whose bad field it named, behind this header: the reader found
    the column there (the published columns are required, a field it names is one it read)."""
    if not header:
        return number - 1
    name = where.fields[number - 1].name.lower()
    return next(i for i, v in enumerate(first) if v.strip().lower() == name)


def _line_problem(header: str | None, line: str) -> FileProblem | None:
    """The reader's verdict on one line read behind the file's header (``None``: the line is good)."""
    data = (f"{header}\r\n" if header is not None else "") + line + "\r\n"
    try:
        for _ in open_match_result(io.BytesIO(data.encode("utf-8"))):
            pass
    except FileProblem as problem:
        return problem
    return None


def _finding(number: int, problem: FileProblem, where: Layout, values: list[str], header: bool, first: list[str]) -> Finding:
    if problem.field_number is None:
        return Finding(line=number, field_number=None, field_name="", rule=Rule.LAYOUT.value, message=problem.message)
    spec = where.fields[problem.field_number - 1]
    value = values[_column(spec.number, header, first, where)].strip()
    rule = Rule.MATCH.value if spec.attr == "candidate.ssid" and value == "" else field_rule(spec, value, "")
    return Finding(line=number, field_number=spec.number, field_name=spec.name, rule=rule, message=problem.message)
