"""Reading a roster CSV in blocks of records, each column checked in bulk.

The import's reading (a 600,000-student roster has over a million records): a block's values are
checked a column at a time — one regular-expression pass over a column, each distinct date parsed
once, a code set checked as a set — and handed on as columns, with no per-record object. When a
block's bulk checks find anything, the reference reading of :mod:`store.roster_csv` goes through
that block record by record and raises its first problem (file, line, field), so a refusal is
exactly the one :func:`store.roster_csv.read_roster` gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from pathlib import Path

from domain.errors import FileProblem, InvalidValue
from domain.values import has_control_character, parse_iso_date
from store.roster_csv import MAX_LENGTH, REQUIRED, STUDENT_COLUMNS, Line, check_line, roster_records, student_identity

__all__ = ["RosterBlock", "read_roster_blocks"]

_DATE_COLUMNS = ("birth_date", "enroll_start", "enroll_exit", "elas_date")
# A column of values joined by newlines: every value blank or of the shape (a newline is a control
# character, so no value holds one once the control-character check has passed).
_SSIDS = re.compile(r"(?:[0-9]{10})?(?:\n(?:[0-9]{10})?)*")
_SCHOOLS = re.compile(r"[0-9]{7}(?:\n[0-9]{7})*")
_CHOICES = {"swd": frozenset({"Y", "N", ""}), "active": frozenset({"Y", "N"})}
_LOCAL_ID_LENGTH = 15
# Columns whose checks below refuse a value of any length past the column's (a shape, a code set,
# a date, the local id's 15 characters): their lengths need no look of their own.
_SHAPED = frozenset({"local_id", "ssid", "school", "active", "swd", *_DATE_COLUMNS})
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class RosterBlock:
    """Consecutive checked records of a roster: each column's stripped values (``columns[name]``,
    one per record), the dates they name (``dates[text]``, blank → ``None``), and whether each
    record is the first of its student (a later one repeats the first's student columns)."""

    columns: Mapping[str, Sequence[str]]
    dates: dict[str, dt.date | None]
    first: list[bool]

    def __len__(self) -> int:
        return len(self.first)


def read_roster_blocks(path: Path, size: int = 4096) -> Iterator[RosterBlock]:
    """The roster at ``path`` in checked blocks of at most ``size`` records; the first problem
    raises FileProblem, as :func:`store.roster_csv.read_roster` would (the records before it are
    read and checked first)."""
    first_seen: dict[str, tuple[int, bytes]] = {}
    dates: dict[str, dt.date | None] = {"": None}
    with path.open("rb") as handle:
        header, records = roster_records(path.name, handle, size)
        key: Callable[[list[str]], tuple[str, ...]] = itemgetter(*(header.index(c) for c in STUDENT_COLUMNS))
        for lines, rows in records:
            columns = dict(zip(header, zip(*rows)))
            if not _pass(columns, rows, dates):
                _raise_first_problem(path.name, header, lines, rows, first_seen)
            yield RosterBlock(columns=columns, dates=dates, first=_firsts(path.name, header, lines, rows, key, first_seen))


def _pass(columns: Mapping[str, Sequence[str]], rows: list[list[str]], dates: dict[str, dt.date | None]) -> bool:
    """Whether every value of the block passes every check of :mod:`store.roster_csv` (``dates``
    gains the block's new dates)."""
    if has_control_character("".join(map("".join, rows))):
        return False
    for name, values in columns.items():
        if name in REQUIRED and "" in values:
            return False
        if name not in _SHAPED and max(map(len, values)) > MAX_LENGTH.get(name, 255):
            return False
    local_ids = columns["local_id"]
    if max(map(len, local_ids)) > _LOCAL_ID_LENGTH or "^" in "".join(local_ids):
        return False
    if not _SSIDS.fullmatch("\n".join(columns["ssid"])) or not _SCHOOLS.fullmatch("\n".join(columns["school"])):
        return False
    for name, allowed in _CHOICES.items():
        if not {v.upper() for v in set(columns[name])} <= allowed:
            return False
    for name in _DATE_COLUMNS:
        for text in set(columns[name]).difference(dates):
            try:
                dates[text] = parse_iso_date(text)
            except InvalidValue:
                return False
    if "" in compress(columns["elas"], columns["elas_date"]):
        return False
    exits = columns["enroll_exit"]
    for start_text, exit_text in zip(compress(columns["enroll_start"], exits), filter(None, exits)):
        start, exit_date = dates[start_text], dates[exit_text]
        if start is None or exit_date is None or exit_date < start - _DAY:
            return False
    return True


def _firsts(
    name: str, header: list[str], lines: list[int], rows: list[list[str]], key: Callable[[list[str]], tuple[str, ...]],
    first_seen: dict[str, tuple[int, bytes]],
) -> list[bool]:
    """Whether each record is its student's first; a later record whose student columns differ
    from the first's is refused."""
    firsts: list[bool] = []
    local_id_at = header.index("local_id")
    last_id, last_key = None, None
    for line, row, student in zip(lines, rows, map(key, rows)):
        local_id = row[local_id_at]
        if local_id == last_id:  # the same student as the record before, which agreed with its first
            if student != last_key:
                _raise_first_problem(name, header, [line], [row], first_seen)
            firsts.append(False)
            continue
        fingerprint = student_identity(student)
        seen = first_seen.get(local_id)
        if seen is None:
            first_seen[local_id] = (line, fingerprint)
        elif seen[1] != fingerprint:
            _raise_first_problem(name, header, [line], [row], first_seen)
        firsts.append(seen is None)
        last_id, last_key = local_id, student
    return firsts


def _raise_first_problem(
    name: str, header: list[str], lines: list[int], rows: list[list[str]], first_seen: dict[str, tuple[int, bytes]]
) -> None:
    """Check the records one at a time as :func:`store.roster_csv.read_roster` does, which raises
    the first problem (``first_seen`` is left as it was)."""
    positions = {column: i for i, column in enumerate(header, 1)}
    seen: ChainMap[str, tuple[int, bytes]] = ChainMap({}, first_seen)
    for line, values in zip(lines, rows):
        check_line(Line(name, line, header, values, positions), seen)
    raise AssertionError(f"{name}: the bulk checks refused lines {lines[0]}-{lines[-1]}, the record checks none")
