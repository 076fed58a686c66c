"""Reading a roster CSV (cli.md "Roster CSV") one record at a time: its header, and each record
checked and converted to a domain :class:`~domain.model.Student` and its enrollment.

This is the reference reading: :func:`read_roster` says what a roster holds and what a bad one is
refused with (file, line, column). The import reads in blocks (:mod:`store.roster_blocks`) and asks
this module to name the first problem of a block its bulk checks refuse.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from domain.errors import FileProblem, InvalidValue
from domain.model import Address, Enrollment, Guardian, LanguageStatus, PersonName, SpecialEducation, Student
from domain.readers import utf8_lines
from domain.values import CdsCode, LocalId, has_control_character, parse_cds_code, parse_iso_date, parse_local_id, parse_ssid

__all__ = [
    "ROSTER_COLUMNS", "STUDENT_COLUMNS", "REQUIRED", "MAX_LENGTH", "RosterRow", "read_roster", "roster_records", "Records", "check_line",
    "student_identity", "Line",
]

ROSTER_COLUMNS: tuple[str, ...] = (
    "local_id", "legal_first", "legal_middle", "legal_last", "suffix", "alias_first", "alias_middle",
    "alias_last", "birth_date", "gender", "birth_city", "birth_state", "birth_country", "ssid", "school",
    "grade", "enroll_start", "enroll_exit", "exit_reason", "enroll_status", "elas", "elas_date",
    "primary_language", "swd", "guardian1_first", "guardian1_last", "guardian2_first", "guardian2_last",
    "address", "city", "state", "zip", "active",
)  # fmt: skip
"""The roster's columns, in the order cli.md lists them (a file may order them differently)."""

_ENROLLMENT_COLUMNS = frozenset({"school", "grade", "enroll_start", "enroll_exit", "exit_reason", "enroll_status"})
STUDENT_COLUMNS = tuple(c for c in ROSTER_COLUMNS if c not in _ENROLLMENT_COLUMNS)
REQUIRED = frozenset({"local_id", "legal_first", "legal_last", "birth_date", "gender", "school", "grade", "enroll_start", "active"})
# Longest value each column may hold (the table's column width).
MAX_LENGTH = {
    "legal_first": 30, "legal_middle": 30, "legal_last": 50, "suffix": 3, "alias_first": 30, "alias_middle": 30,
    "alias_last": 50, "gender": 2, "birth_city": 30, "birth_state": 6, "birth_country": 2, "grade": 4,
    "exit_reason": 4, "enroll_status": 2, "elas": 4, "primary_language": 3, "guardian1_first": 30,
    "guardian1_last": 50, "guardian2_first": 30, "guardian2_last": 50, "address": 100, "city": 50, "state": 2,
    "zip": 10,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RosterRow:
    """A checked roster record: its enrollment, and the student on the first line that gives them
    (``None`` on a later line of the same student, whose student columns repeat the first's)."""

    line: int
    local_id: LocalId
    enrollment: Enrollment
    student: Student | None


class Line:
    """One CSV record with the file name and line number, for errors that name them."""

    def __init__(self, file: str, line: int, header: Sequence[str], values: Sequence[str], positions: dict[str, int]) -> None:
        self.file, self.line = file, line
        self.values = dict(zip(header, map(str.strip, values)))
        self.positions = positions  # column → its number (the same for every line of a file)
        # One search of the whole line: its fields need a search each only when it finds one.
        self.clean = not has_control_character("".join(values))

    def problem(self, column: str, message: str) -> FileProblem:
        return FileProblem(self.file, self.line, message, self.positions[column], column)

    def text(self, column: str) -> str:
        value = self.values[column]
        if not value and column in REQUIRED:
            raise self.problem(column, "is required")
        if not self.clean and has_control_character(value):
            raise self.problem(column, "holds a control character")
        limit = MAX_LENGTH.get(column, 255)
        if len(value) > limit:
            raise self.problem(column, f"longer than {limit} characters")
        return value

    def date(self, column: str) -> dt.date | None:
        try:
            return parse_iso_date(self.text(column))
        except InvalidValue as error:
            raise self.problem(column, error.reason) from None

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        value = self.text(column).upper()
        if value not in allowed:
            raise self.problem(column, f"must be {' or '.join(a or 'blank' for a in allowed)}")
        return value


def _parsed(line: Line, column: str, parser: Callable[[str], str]) -> str:
    value = line.text(column)
    if not value:
        return value
    try:
        return parser(value)
    except InvalidValue as exc:
        raise line.problem(column, exc.reason) from None


def _enrollment_dates(line: Line) -> tuple[dt.date, dt.date | None]:
    start = line.date("enroll_start")
    assert start is not None
    exit_date = line.date("enroll_exit")
    if exit_date is not None and exit_date < start - dt.timedelta(days=1):
        raise line.problem("enroll_exit", "is before enroll_start")
    return start, exit_date


def _enrollment(line: Line, dates: tuple[dt.date, dt.date | None]) -> Enrollment:
    start, exit_date = dates
    return Enrollment(
        school=CdsCode(_parsed(line, "school", lambda v: parse_cds_code(v, "school code"))),
        grade=line.text("grade").upper(),
        start=start,
        status=line.text("enroll_status") or "10",
        exit_date=exit_date,
        exit_reason=line.text("exit_reason").upper(),
    )


def _student(line: Line) -> Student:
    local_id = LocalId(_parsed(line, "local_id", parse_local_id))
    birth_date = line.date("birth_date")
    assert birth_date is not None
    dates = _enrollment_dates(line)
    elas, elas_date = line.text("elas").upper(), line.date("elas_date")
    if elas_date is not None and not elas:
        raise line.problem("elas_date", "given without elas")
    alias = PersonName(line.text("alias_first"), line.text("alias_last"), line.text("alias_middle"))
    guardians = tuple(
        Guardian(line.text(f"guardian{n}_first"), line.text(f"guardian{n}_last"))
        for n in (1, 2)
        if line.values[f"guardian{n}_first"] or line.values[f"guardian{n}_last"]
    )
    home = (line.text("address"), line.text("city"), line.text("state"), line.text("zip"))
    ssid = _parsed(line, "ssid", parse_ssid)
    swd = line.choice("swd", ("Y", "N", ""))
    return Student(
        local_id=local_id,
        legal=PersonName(line.text("legal_first"), line.text("legal_last"), line.text("legal_middle")),
        birth_date=birth_date,
        gender=line.text("gender").upper(),
        suffix=line.text("suffix"),
        alias=alias if alias != PersonName("", "", "") else None,
        birth_city=line.text("birth_city"),
        birth_state=line.text("birth_state").upper(),
        birth_country=line.text("birth_country").upper(),
        ssid=parse_ssid(ssid) if ssid else None,
        active=line.choice("active", ("Y", "N")) == "Y",
        enrollments=(_enrollment(line, dates),),
        language=LanguageStatus(elas or None, elas_date, line.text("primary_language") or None),
        special_education=SpecialEducation(swd or None),
        guardians=guardians,
        addresses=(Address(*home),) if any(home) else (),
    )


def read_roster(path: Path) -> Iterator[RosterRow]:
    """Check and convert each record of the roster at ``path``; the first problem raises FileProblem.

    Streams; remembers only a 16-byte fingerprint of each student's columns, to check that
    repeated rows of one student agree. A later row whose student columns are the first's (the
    local id is one of them) has only its enrollment columns read: the rest were checked.
    """
    first_seen: dict[str, tuple[int, bytes]] = {}
    with path.open("rb") as handle:
        header, records = roster_records(path.name, handle, 256)
        positions = {column: i for i, column in enumerate(header, 1)}
        for lines, rows in records:
            for line_number, values in zip(lines, rows):
                yield check_line(Line(path.name, line_number, header, values, positions), first_seen)


Records = Iterator[tuple[list[int], list[list[str]]]]
"""Blocks of a roster's records: the line each record starts on, and its values (stripped)."""


_READ_AT_ONCE = 1 << 20  # bytes of lines decoded at a time (a plain file: see utf8_lines)


def roster_records(name: str, handle: BinaryIO, size: int) -> tuple[list[str], Records]:
    """The roster's checked header, and its records in blocks of at most ``size`` (blank records
    skipped). A record that is not well-formed CSV, not UTF-8 or not as wide as the header raises
    FileProblem once the block of the records before it has been handed on."""
    reader = csv.reader(utf8_lines(handle, name, _READ_AT_ONCE))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise FileProblem(name, 1, f"is not well-formed CSV ({exc})") from None
    _check_header(name, header)
    return header, _records(name, reader, len(header), size)


def _records(name: str, reader: Any, width: int, size: int) -> Records:
    line_number = reader.line_num
    lines: list[int] = []
    rows: list[list[str]] = []
    problem: FileProblem | None = None
    try:
        for values in reader:
            start_line, line_number = line_number + 1, reader.line_num
            stripped = list(map(str.strip, values))
            if not any(stripped):
                continue
            if len(values) != width:
                raise FileProblem(name, start_line, f"has {len(values)} fields, the header has {width}")
            lines.append(start_line)
            rows.append(stripped)
            if len(rows) == size:
                yield lines, rows
                lines, rows = [], []
    except csv.Error as exc:
        problem = FileProblem(name, line_number + 1, f"is not well-formed CSV ({exc})")
    except FileProblem as exc:  # a line that is not UTF-8, or a record of another width
        problem = exc
    if rows:
        yield lines, rows
    if problem is not None:
        raise problem


def student_identity(values: Iterable[str]) -> bytes:
    """A 16-byte fingerprint of a record's student columns (stripped, in :data:`STUDENT_COLUMNS` order)."""
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).digest()


def check_line(line: Line, first_seen: MutableMapping[str, tuple[int, bytes]]) -> RosterRow:
    """Check and convert one record; ``first_seen`` maps each local id to the line of its
    student's first record and the :func:`student_identity` of its student columns (updated)."""
    fingerprint = student_identity(line.values[c] for c in STUDENT_COLUMNS)
    seen = first_seen.get(line.values["local_id"])
    if seen is not None and seen[1] == fingerprint:
        local_id = LocalId(line.values["local_id"])  # checked on line seen[0]
        return RosterRow(line.line, local_id, _enrollment(line, _enrollment_dates(line)), None)
    student = _student(line)
    if seen is not None:
        raise line.problem("local_id", f"student columns differ from line {seen[0]} for the same local_id")
    first_seen[student.local_id] = (line.line, fingerprint)
    return RosterRow(line.line, student.local_id, student.enrollments[0], student)


_COLUMN_SHAPE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _positions(numbers: list[int]) -> str:
    """``1-4, 7``: runs of consecutive positions shortened."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _check_header(name: str, header: list[str]) -> None:
    if not any(header):
        raise FileProblem(name, 1, "is empty: a header row naming the roster columns is required")
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    # A cell shaped like a column name is named (a typo in the header); any other is counted by
    # position only: a file without its header row has a student's record there.
    unknown = [c for c in header if c not in ROSTER_COLUMNS and _COLUMN_SHAPE.fullmatch(c)]
    not_names = [n for n, c in enumerate(header, 1) if c not in ROSTER_COLUMNS and not _COLUMN_SHAPE.fullmatch(c)]
    twice = sorted({c for c in header if header.count(c) > 1})
    problems = [
        f"missing column(s): {', '.join(missing)}" if missing else "",
        f"unknown column(s): {', '.join(unknown)}" if unknown else "",
        f"{len(not_names)} cell(s) that are not roster column names (positions {_positions(not_names)}): "
        "is the header row missing?" if not_names else "",
        f"column(s) given twice: {', '.join(twice)}" if twice else "",
    ]
    if any(problems):
        raise FileProblem(name, 1, "header row: " + "; ".join(p for p in problems if p))
