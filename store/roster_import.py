"""Importing a roster CSV (cli.md "Roster CSV"): students and enrollments from the district's SIS.

One row per enrollment; a student with several enrollments repeats the student columns, which
must then be identical. Codes are stored as the district gives them (translated only when a
CALPADS file is built). The file is read, checked and written in one streaming pass inside one
transaction: the first bad row raises :class:`domain.errors.FileProblem` naming the line and
column, and the transaction leaves the database exactly as it was.

The rows are read and checked in blocks, a column at a time (:mod:`store.roster_blocks`), and
written as table rows (:func:`store.students_write.write_students`): no domain object per row.
A large roster is read and checked in a second process while this one writes
(:mod:`store.roster_apart`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import compress, count, repeat
from pathlib import Path
from typing import Any

from domain.memory import collection_paused
from store.bulk import MAX_PARAMETERS, chunked, in_list, insert_chunked, tuples
from store.database import database_proxy
from store.roster_apart import APART_BYTES, read_apart
from store.roster_blocks import RosterBlock, read_roster_blocks
from store.roster_csv import ROSTER_COLUMNS, RosterRow, read_roster
from store.statistics import refresh_planner_statistics
from store.students_write import StudentRows, ensure_schools, holds_no_student, into_empty_district, write_students
from store.tables import EnrollmentRow, StudentRow, one_data_change

__all__ = ["ROSTER_COLUMNS", "RosterCounts", "RosterRow", "import_roster", "read_roster", "roster_blocks"]


@dataclass(frozen=True, slots=True)
class RosterCounts:
    """Distinct students and enrollment rows imported."""

    students: int
    enrollments: int


def import_roster(path: Path, *, chunk: int = 4096, actor: str = "unknown", apart: bool | None = None) -> RosterCounts:
    """Upsert the roster's students by local id, with their enrollments; all or nothing.

    A student's enrollments are replaced by the roster's. A blank SSID, ELAS or SWD does not
    erase one the workbench already holds (it came from CALPADS); one the roster changes is
    journaled as a roster import by ``actor``.

    ``apart``: read the file in a second process while this one writes (:mod:`store.roster_apart`);
    by default when it is larger than :data:`~store.roster_apart.APART_BYTES`.
    """
    journal = (f"roster import {path.name}", actor)
    students = enrollments = 0
    if apart is None:
        apart = path.stat().st_size > APART_BYTES
    blocks = read_apart(path) if apart else roster_blocks(path)
    # closing: a refused or failed import stops the second process at once.
    with closing(blocks), collection_paused(), database_proxy.atomic(), one_data_change():
        # Into a workbench holding no student, every student is new (a student's first record is
        # in one block only): nothing of theirs to replace.
        fresh = holds_no_student()
        with into_empty_district(fresh):
            for schools, records, rows, earlier in blocks:
                ensure_schools(schools)
                # The later records of students a block before wrote: their enrollments are added.
                _append_enrollments(earlier)
                for part in range(0, len(rows.students), chunk):
                    write_students(_part(rows, part, part + chunk), keep_calpads_values=True, fresh=fresh, journal=journal)
                students += len(rows.students)
                enrollments += records
    refresh_planner_statistics()
    return RosterCounts(students, enrollments)


def roster_blocks(
    path: Path,
) -> Generator[tuple[tuple[str, ...], int, StudentRows, list[tuple[str, tuple[Any, ...]]]], None, None]:
    """Each checked block of the roster as the writer needs it: its school codes, its record count,
    the rows of the students it begins and the records of students an earlier block began
    (:func:`_block_students`). No database: the second process of :mod:`store.roster_apart` runs it."""
    for block in read_roster_blocks(path):
        yield tuple(block.columns["school"]), len(block), *_block_students(block)


def _part(rows: StudentRows, start: int, stop: int) -> StudentRows:
    return StudentRows(
        students=rows.students[start:stop], language=rows.language[start:stop], swd=rows.swd[start:stop],
        enrollments=rows.enrollments[start:stop], guardians=rows.guardians[start:stop], addresses=rows.addresses[start:stop],
    )  # fmt: skip


def _block_students(block: RosterBlock) -> tuple[StudentRows, list[tuple[str, tuple[Any, ...]]]]:
    """The students whose first record is in ``block``, each with the enrollments of its records in
    the block (in file order); and the records (local id, enrollment) of students an earlier block
    began."""
    local_ids = block.columns["local_id"]
    place = dict(zip(compress(local_ids, block.first), count()))  # a student's place among the block's
    rows = _students(block)
    earlier: list[tuple[str, tuple[Any, ...]]] = []
    groups = rows.enrollments
    for local_id, at, enrollment in zip(local_ids, map(place.get, local_ids), _enrollments(block)):
        if at is None:
            earlier.append((local_id, enrollment))
        else:
            groups[at].append(enrollment)
    return rows, earlier


def _enrollments(block: RosterBlock) -> Iterator[tuple[Any, ...]]:
    """Each row's enrollment: school, grade, start, status, exit date, exit reason, completion status."""
    columns, date = block.columns, block.dates.__getitem__
    return zip(
        columns["school"], map(str.upper, columns["grade"]), map(date, columns["enroll_start"]),
        [status or "10" for status in columns["enroll_status"]], map(date, columns["enroll_exit"]),
        map(str.upper, columns["exit_reason"]), repeat(""),
    )  # fmt: skip


def _students(block: RosterBlock) -> StudentRows:
    """The students whose first record is in ``block`` as table rows, each without enrollments yet."""
    date = block.dates.__getitem__

    def column(name: str) -> Iterator[str]:
        return compress(block.columns[name], block.first)

    students = list(zip(
        column("local_id"), [ssid or None for ssid in column("ssid")], repeat(None), column("legal_first"),
        column("legal_middle"), column("legal_last"), column("suffix"), column("alias_first"), column("alias_middle"),
        column("alias_last"), map(date, column("birth_date")), map(str.upper, column("gender")), column("birth_city"),
        map(str.upper, column("birth_state")), map(str.upper, column("birth_country")),
        [active.upper() == "Y" for active in column("active")], repeat(""),
    ))  # fmt: skip
    languages = list(zip(
        [elas.upper() or None for elas in column("elas")], map(date, column("elas_date")),
        [language or None for language in column("primary_language")],
    ))  # fmt: skip
    swds = [swd.upper() or None for swd in column("swd")]
    guardians: list[Sequence[tuple[str, str]]] = [
        [guardian for guardian in ((first1, last1), (first2, last2)) if guardian[0] or guardian[1]]
        for first1, last1, first2, last2 in zip(
            column("guardian1_first"), column("guardian1_last"), column("guardian2_first"), column("guardian2_last")
        )
    ]
    addresses: list[Sequence[tuple[str, str, str, str]]] = [
        [home] if any(home) else [] for home in zip(column("address"), column("city"), column("state"), column("zip"))
    ]
    enrollments: list[list[tuple[Any, ...]]] = [[] for _ in students]
    return StudentRows(students=students, language=languages, swd=swds, enrollments=enrollments, guardians=guardians, addresses=addresses)


def _append_enrollments(records: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Add these enrollments (local id, enrollment) to the students, already written, they name."""
    if not records:
        return
    ids: dict[str, int] = {}
    for part in chunked(list(dict.fromkeys(local_id for local_id, _ in records)), MAX_PARAMETERS):
        ids.update(tuples(StudentRow.select(StudentRow.local_id, StudentRow.id).where(in_list(StudentRow.local_id, part))))
    insert_chunked(
        EnrollmentRow,
        [EnrollmentRow.student, EnrollmentRow.school, EnrollmentRow.grade, EnrollmentRow.start_date,
         EnrollmentRow.status, EnrollmentRow.exit_date, EnrollmentRow.exit_reason],
        [(ids[local_id], *enrollment[:6]) for local_id, enrollment in records],
    )  # fmt: skip
