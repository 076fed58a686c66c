"""One CSV file of a OneRoster export, each problem named by file, line and column.

Two readings of the same records: :func:`read_table`, record by record (the reference: each value
checked as it is read), and :func:`read_blocks`, consecutive records in blocks whose values a
file's reader checks a column at a time. A block whose bulk checks find anything is read again
record by record (:meth:`Block.records`), which raises the first problem exactly as the reference
reading does.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain, compress
from operator import itemgetter

from domain.errors import FileProblem, InvalidValue
from domain.oneroster._source import ExportFiles
from domain.oneroster._spec import BOOLEANS, READ_COLUMNS, OneRosterVersion
from domain.values import has_control_character, parse_iso_date

__all__ = ["BLOCK_SIZE", "Block", "Place", "Record", "read_blocks", "read_table"]

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


class Block:
    """Consecutive data records of one file (blank ones and those marked ``tobedeleted`` left out):
    each record's line and values as read, and each column's values stripped (:meth:`column`)."""

    __slots__ = ("name", "version", "header", "positions", "lines", "rows", "_clean", "_columns")

    def __init__(
        self, name: str, version: OneRosterVersion, header: list[str], positions: dict[str, int], lines: list[int], rows: list[list[str]],
        *, clean: bool = False,
    ) -> None:  # fmt: skip
        """``clean``: the caller found no control character in any value of the block."""
        self.name, self.version, self.header, self.positions = name, version, header, positions
        self.lines, self.rows, self._clean = lines, rows, clean
        self._columns: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> tuple[str, ...]:
        """The column's value in each record, stripped, in order."""
        values = self._columns.get(name)
        if values is None:
            values = self._columns[name] = tuple(map(str.strip, map(itemgetter(self.positions[name] - 1), self.rows)))
        return values

    def clean(self, *names: str) -> bool:
        """Whether no value of these columns holds a control character (one search for them all)."""
        return self._clean or not has_control_character("".join("".join(self.column(name)) for name in names))

    def fits(self, name: str, longest: int = 255, *, required: bool = False) -> bool:
        """Whether every value of the column is at most ``longest`` characters (and, ``required``, none blank)."""
        values = self.column(name)
        return not (required and "" in values) and max(map(len, values), default=0) <= longest

    def tokens(self, name: str, allowed: Collection[str]) -> bool:
        """Whether every value of the column is blank or passes :meth:`Record.token`."""
        v12 = self.version is OneRosterVersion.V1_2
        return all(not value or value in allowed or (v12 and value.startswith("ext:")) for value in set(self.column(name)))

    def subset(self, chosen: Iterable[bool]) -> Block:
        """The block's records for which ``chosen`` is true."""
        chosen = list(chosen)
        lines, rows = list(compress(self.lines, chosen)), list(compress(self.rows, chosen))
        return Block(self.name, self.version, self.header, self.positions, lines, rows, clean=self._clean)

    def records(self) -> Iterator[Record]:
        """The block's records as :func:`read_table` gives them (the reference reading)."""
        for line, row in zip(self.lines, self.rows):
            values = list(map(str.strip, row))
            clean = not has_control_character("".join(values))
            yield Record(Place(self.name, line, self.positions), dict(zip(self.header, values)), self.version, clean=clean)


BLOCK_SIZE = 4096
"""How many lines :func:`read_blocks` reads into one block."""


def read_blocks(files: ExportFiles, name: str, version: OneRosterVersion) -> Iterator[Block]:
    """The records of ``name`` as :func:`read_table` reads them, in blocks of the records of
    :data:`BLOCK_SIZE` lines.

    A problem of the file itself (a line that is not well-formed CSV, not UTF-8, or not as wide
    as the header) raises once the block of the records before it has been handed on, so the
    records are checked in the same order as the reference reading checks them.

    The lines of a block are parsed at once while each is one whole record (strict CSV); from the
    first block where one is not (a field holding a line end, a stray quote), the rest of the
    file is read record by record as :func:`read_table` reads it.
    """
    with files.line_blocks(name) as read:
        chunks = _regrouped(read, BLOCK_SIZE)
        first = next(chunks, [])
        reader = csv.reader(chain(first, chain.from_iterable(chunks)))
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as exc:
            raise FileProblem(name, 1, f"is not well-formed CSV ({exc})") from None
        positions = _checked_header(name, header, READ_COLUMNS[(version, name)])
        table = _Table(name, version, header, positions)
        done = reader.line_num  # lines read
        if done > len(first):  # a header of more lines than a block: read record by record
            yield from table.by_record(reader, 0)
            return
        for chunk in chain([first[done:]], chunks):
            rows = _whole_records(chunk)
            if rows is None:
                yield from table.by_record(csv.reader(chain(chunk, chain.from_iterable(chunks))), done)
                return
            yield from table.block(rows, done, chunk)
            done += len(chunk)


def _regrouped(blocks: Iterator[list[str]], size: int) -> Iterator[list[str]]:
    """The lines in lists of ``size`` (the last one shorter); a problem reading them raises once
    the lines before it are handed on."""
    pending: list[str] = []
    problem: FileProblem | None = None
    try:
        for lines in blocks:
            pending += lines
            while len(pending) >= size:
                yield pending[:size]
                del pending[:size]
    except FileProblem as exc:  # a line that is not UTF-8, or damaged in the zip
        problem = exc
    while pending:
        yield pending[:size]
        del pending[:size]
    if problem is not None:
        raise problem


def _whole_records(lines: list[str]) -> list[list[str]] | None:
    """The records of ``lines`` when each line is one whole record that strict CSV reads (the
    same values a reader of the whole file gives them); ``None`` otherwise."""
    try:
        rows = list(csv.reader(lines, strict=True))
    except csv.Error:
        return None
    return rows if len(rows) == len(lines) else None


# A control character in lines each holding one record: one that is not the line's end.
_CONTROL_IN_LINES = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


class _Table:
    """Blocks of one file's records (its name, version and header)."""

    def __init__(self, name: str, version: OneRosterVersion, header: list[str], positions: dict[str, int]) -> None:
        self.name, self.version, self.header, self.positions = name, version, header, positions
        self.width, self.status_at = len(header), positions["status"] - 1

    def _block(self, lines: list[int], rows: list[list[str]], *, clean: bool = False) -> Block:
        return Block(self.name, self.version, self.header, self.positions, lines, rows, clean=clean)

    def block(self, rows: list[list[str]], before: int, text: list[str]) -> Iterator[Block]:
        """The block of records of consecutive lines (``text``), one per line, after line ``before``."""
        if not rows:
            return
        if len(rows[0]) != self.width or len(set(map(len, rows))) != 1:
            yield from self.by_record(iter(rows), before)  # blank lines or records of another width
            return
        lines = list(range(before + 1, before + 1 + len(rows)))
        filled = list(map(str.strip, map("".join, rows)))  # "": a blank line
        statuses = set(map(str.strip, map(itemgetter(self.status_at), rows)))
        if not all(filled) or "tobedeleted" in statuses:
            kept = [bool(text) and row[self.status_at].strip() != "tobedeleted" for text, row in zip(filled, rows)]
            lines, rows = list(compress(lines, kept)), list(compress(rows, kept))
        if rows:
            yield self._block(lines, rows, clean=not _CONTROL_IN_LINES.search("".join(text)))

    def by_record(self, reader: Iterator[list[str]], before: int) -> Iterator[Block]:
        """The rest of the file read record by record as :func:`read_table` reads it (``reader``:
        a CSV reader of the lines after line ``before``, or each line's record)."""
        name, width, status_at, size = self.name, self.width, self.status_at, BLOCK_SIZE
        line_number = getattr(reader, "line_num", 0)  # lines after ``before`` read so far
        numbers: list[int] = []
        rows: list[list[str]] = []
        problem: FileProblem | None = None
        try:
            for values in reader:
                start_line = before + line_number + 1
                line_number = getattr(reader, "line_num", line_number + 1)
                stripped = list(map(str.strip, values))
                if not any(stripped):  # a blank line
                    continue
                if len(values) != width:
                    raise FileProblem(name, start_line, f"has {len(values)} fields, the header has {width}")
                if stripped[status_at] == "tobedeleted":
                    continue
                numbers.append(start_line)
                rows.append(stripped)
                if len(rows) == size:
                    yield self._block(numbers, rows)
                    numbers, rows = [], []
        except csv.Error as exc:
            problem = FileProblem(name, before + line_number + 1, f"is not well-formed CSV ({exc})")
        except FileProblem as exc:  # a line that is not UTF-8, or damaged in the zip, or of another width
            problem = exc
        if rows:
            yield self._block(numbers, rows)
        if problem is not None:
            raise problem


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
