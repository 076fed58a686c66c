"""One CSV file of a OneRoster export, record by record, each problem named by file, line and column."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache

from domain.errors import FileProblem, InvalidValue
from domain.oneroster._source import ExportFiles
from domain.oneroster._spec import BOOLEANS, READ_COLUMNS, OneRosterVersion
from domain.values import has_control_character, parse_iso_date

__all__ = ["Place", "Record", "read_table"]

# Birth and enrollment dates repeat across a district: one date object per text, not per line.
_iso_date = lru_cache(maxsize=1 << 16)(parse_iso_date)

class Place:
    """Where a record stands (file, line, the file's column numbers), to name it in a problem later."""

    __slots__ = ("file", "line", "_positions")

    def __init__(self, file: str, line: int, positions: dict[str, int]) -> None:
        self.file, self.line, self._positions = file, line, positions

    def problem(self, column: str, message: str) -> FileProblem:
        """The problem of ``column`` on this line (the value itself is never part of the message)."""
        return FileProblem(self.file, self.line, message, self._positions.get(column), column)


class Record:
    """One data line of a file: its values by column name, and its :class:`Place`."""

    __slots__ = ("place", "values", "_version", "_clean")

    def __init__(self, place: Place, values: dict[str, str], version: OneRosterVersion, *, clean: bool = False) -> None:
        """``clean``: the caller found no control character in any of the line's values (each
        value is then not searched again)."""
        self.place, self.values, self._version, self._clean = place, values, version, clean

    @property
    def line(self) -> int:
        return self.place.line

    def problem(self, column: str, message: str) -> FileProblem:
        return self.place.problem(column, message)

    def text(self, column: str, *, required: bool = False, longest: int = 255, shared: bool = False) -> str:
        """The column's value, checked; ``shared``: one string object for every line giving the same
        value (names and places repeat across a district, and a large export is held in memory)."""
        value = self.values.get(column, "")
        if required and not value:
            raise self.problem(column, "is required")
        if not self._clean and has_control_character(value):
            raise self.problem(column, "holds a control character")
        if len(value) > longest:
            raise self.problem(column, f"longer than {longest} characters")
        return sys.intern(value) if shared else value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        try:
            return _iso_date(self.text(column, required=required))
        except InvalidValue as error:
            raise self.problem(column, error.reason) from None

    def token(self, column: str, allowed: Collection[str], *, required: bool = False) -> str:
        """A value of an enumeration (1.2 also admits ``ext:`` extension tokens)."""
        value = self.text(column, required=required)
        if value and value not in allowed and not (self._version is OneRosterVersion.V1_2 and value.startswith("ext:")):
            raise self.problem(column, f"is not a OneRoster {self._version.value} {column} value")
        return value

    def boolean(self, column: str) -> bool:
        value = self.text(column, required=True)
        if value not in BOOLEANS:
            raise self.problem(column, "must be true or false")
        return BOOLEANS[value]

    def items(self, column: str) -> tuple[str, ...]:
        """A list field: values separated by commas inside the one field."""
        return tuple(v.strip() for v in self.values.get(column, "").split(",") if v.strip())


def read_table(files: ExportFiles, name: str, version: OneRosterVersion) -> Iterator[Record]:
    """Every data record of ``name`` (blank lines and records marked ``tobedeleted`` left out).

    The header must name every column the reader uses (:data:`READ_COLUMNS`); other columns,
    e.g. ``metadata.*`` extensions, are allowed and ignored.
    """
    with files.lines(name) as lines:
        reader = csv.reader(lines)
        line_number = 0
        try:
            header = [h.strip() for h in next(reader, [])]
            positions = _checked_header(name, header, READ_COLUMNS[(version, name)])
            line_number = reader.line_num
            for values in reader:
                start_line, line_number = line_number + 1, reader.line_num
                joined = "".join(values)
                if not joined.strip():  # a blank line
                    continue
                if len(values) != len(header):
                    raise FileProblem(name, start_line, f"has {len(values)} fields, the header has {len(header)}")
                clean = not has_control_character(joined)  # one search of the line, not one per value read
                record = Record(Place(name, start_line, positions), dict(zip(header, map(str.strip, values))), version, clean=clean)
                if record.values.get("status") == "tobedeleted":
                    continue
                yield record
        except csv.Error as exc:
            raise FileProblem(name, line_number + 1, f"is not well-formed CSV ({exc})") from None


def _checked_header(name: str, header: Sequence[str], needed: Sequence[str]) -> dict[str, int]:
    if not any(header):
        raise FileProblem(name, 1, "is empty: a header row is required")
    missing = [c for c in needed if c not in header]
    if missing:
        raise FileProblem(name, 1, f"header row lacks the column(s) {', '.join(missing)}", None, missing[0])
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise FileProblem(name, 1, f"header row names column(s) twice: {', '.join(twice)}", None, twice[0])
    return {column: i for i, column in enumerate(header, 1)}
