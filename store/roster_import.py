"""Importing a roster CSV (cli.md "Roster CSV"): students and enrollments from the district's SIS.

One row per enrollment; a student with several enrollments repeats the student columns, which
must then be identical. Codes are stored as the district gives them (translated only when a
CALPADS file is built). The file is read, checked and written in one streaming pass inside one
transaction: the first bad row raises :class:`domain.errors.FileProblem` naming the line and
column, and the transaction leaves the database exactly as it was.

The rows are read and checked in blocks, a column at a time (:mod:`store.roster_blocks`), and
written as table rows (:func:`store.students_write.write_students`): no domain object per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path
from typing import Any

from domain.values import LocalId
from store.bulk import insert_chunked
from store.database import database_proxy
from store.roster_blocks import RosterBlock, read_roster_blocks
from store.roster_csv import ROSTER_COLUMNS, RosterRow, read_roster
from store.statistics import refresh_planner_statistics
from store.students_write import StudentRows, ensure_schools, write_students
from store.tables import EnrollmentRow, StudentRow, one_data_change

__all__ = ["ROSTER_COLUMNS", "RosterCounts", "RosterRow", "import_roster", "read_roster"]


@dataclass(frozen=True, slots=True)
class RosterCounts:
    """Distinct students and enrollment rows imported."""

    students: int
    enrollments: int


def import_roster(path: Path, *, chunk: int = 1000, actor: str = "unknown") -> RosterCounts:
    """Upsert the roster's students by local id, with their enrollments; all or nothing.

    A student's enrollments are replaced by the roster's. A blank SSID, ELAS or SWD does not
    erase one the workbench already holds (it came from CALPADS); one the roster changes is
    journaled as a roster import by ``actor``.
    """
    journal = (f"roster import {path.name}", actor)
    pending = _empty()  # the students of the chunk being gathered, each with the enrollments of its rows so far
    where: dict[str, int] = {}  # a pending student's local id → its place in ``pending``
    students = enrollments = 0
    with database_proxy.atomic(), one_data_change():
        for block in read_roster_blocks(path):
            new_students = _students(block)
            for first, local_id, enrollment in zip(block.first, block.columns["local_id"], _enrollments(block)):
                enrollments += 1
                if first:
                    students += 1
                    student, language, swd, guardians, addresses = next(new_students)
                    where[local_id] = len(pending.students)
                    pending.students.append(student)
                    pending.language.append(language)
                    pending.swd.append(swd)
                    pending.enrollments.append([enrollment])
                    pending.guardians.append(guardians)
                    pending.addresses.append(addresses)
                    if len(where) >= chunk:
                        _write(pending, journal)
                        pending, where = _empty(), {}
                elif local_id in where:
                    pending.enrollments[where[local_id]].append(enrollment)
                else:  # a later row of a student already written: add the enrollment
                    _append_enrollment(local_id, enrollment)
        if where:
            _write(pending, journal)
    refresh_planner_statistics()
    return RosterCounts(students, enrollments)


def _empty() -> StudentRows:
    return StudentRows(students=[], language=[], swd=[], enrollments=[], guardians=[], addresses=[])


def _write(pending: StudentRows, journal: tuple[str, str]) -> None:
    ensure_schools(e[0] for some in pending.enrollments for e in some)
    write_students(pending, keep_calpads_values=True, journal=journal)


def _enrollments(block: RosterBlock) -> Iterator[tuple[Any, ...]]:
    """Each row's enrollment: school, grade, start, status, exit date, exit reason, completion status."""
    columns, date = block.columns, block.dates.__getitem__
    return zip(
        columns["school"], map(str.upper, columns["grade"]), map(date, columns["enroll_start"]),
        [status or "10" for status in columns["enroll_status"]], map(date, columns["enroll_exit"]),
        map(str.upper, columns["exit_reason"]), repeat(""),
    )  # fmt: skip


def _students(block: RosterBlock) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], str | None, list[tuple[str, str]], list[tuple[str, str, str, str]]]]:
    """For each student's first row: its ``student`` row (STUDENT_FIELDS order), language status,
    SWD, guardians and addresses."""
    date = block.dates.__getitem__

    def column(name: str) -> Iterator[str]:
        return compress(block.columns[name], block.first)

    students = zip(
        column("local_id"), [ssid or None for ssid in column("ssid")], repeat(None), column("legal_first"),
        column("legal_middle"), column("legal_last"), column("suffix"), column("alias_first"), column("alias_middle"),
        column("alias_last"), map(date, column("birth_date")), map(str.upper, column("gender")), column("birth_city"),
        map(str.upper, column("birth_state")), map(str.upper, column("birth_country")),
        [active.upper() == "Y" for active in column("active")], repeat(""),
    )  # fmt: skip
    languages = zip(
        [elas.upper() or None for elas in column("elas")], map(date, column("elas_date")),
        [language or None for language in column("primary_language")],
    )  # fmt: skip
    swds = [swd.upper() or None for swd in column("swd")]
    guardians = [
        [guardian for guardian in ((first1, last1), (first2, last2)) if guardian[0] or guardian[1]]
        for first1, last1, first2, last2 in zip(
            column("guardian1_first"), column("guardian1_last"), column("guardian2_first"), column("guardian2_last")
        )
    ]
    addresses = [
        [home] if any(home) else [] for home in zip(column("address"), column("city"), column("state"), column("zip"))
    ]
    return zip(students, languages, swds, guardians, addresses)


def _append_enrollment(local_id: str, enrollment: tuple[Any, ...]) -> None:
    ensure_schools([enrollment[0]])
    student_id = StudentRow.get(StudentRow.local_id == LocalId(local_id)).id
    insert_chunked(
        EnrollmentRow,
        [EnrollmentRow.student, EnrollmentRow.school, EnrollmentRow.grade, EnrollmentRow.start_date,
         EnrollmentRow.status, EnrollmentRow.exit_date, EnrollmentRow.exit_reason],
        [(student_id, *enrollment[:6])],
    )  # fmt: skip
