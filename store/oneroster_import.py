"""Importing a OneRoster 1.1/1.2 CSV export (a folder or a zip archive): the district's students,
enrollments and guardians, as the roster CSV import does (:mod:`store.roster_import`).

The whole export is read and checked first (:func:`domain.oneroster.read_oneroster`; a problem
names file, line and column and nothing is written). Then, in one transaction, students are
upserted by local id, chunk by chunk: what OneRoster lacks (ELAS, SWD, addresses …) keeps the
stored value, and every SSID, Old State ID, ELAS and SWD change is journaled with the export's
name and the person.

A student the workbench does not hold yet is written straight from the export's plain values
(:meth:`domain.oneroster.ExportStudents.plain`) as table rows; only a stored one is built as a
domain student and merged with the stored record (:func:`domain.oneroster.merged_with_stored`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from domain.memory import collection_paused
from domain.model import PersonName, Student
from domain.oneroster import ExportedStudent, ExportLimits, ExportStudents, OneRosterExport, OneRosterMapping, merged_with_stored, read_oneroster
from domain.values import LocalId
from store.bulk import chunked
from store.database import database_proxy
from store.roster_import import RosterCounts
from store.settings import read_settings
from store.statistics import refresh_planner_statistics
from store.students import join_tags, students_by_local_id
from store.students_write import StudentRows, ensure_schools, holds_no_student, into_empty_district, student_rows, write_students
from store.tables import one_data_change

__all__ = ["import_oneroster"]


def import_oneroster(
    path: Path,
    *,
    today: dt.date,
    actor: str = "unknown",
    mapping: OneRosterMapping | None = None,
    limits: ExportLimits | None = None,
    chunk: int = 4096,
) -> RosterCounts:
    """Upsert the export's students by local id, with their enrollments and guardians; all or nothing.

    ``mapping`` defaults to the district's settings (``oneroster_local_id``, ``oneroster_ssid``);
    ``today`` tells an enrollment's exit from its scheduled end of term.
    """
    settings = mapping or read_settings().oneroster
    journal = (f"OneRoster import {path.name}", actor)
    students = enrollments = 0
    with collection_paused():  # a large export is millions of small objects, none in a cycle
        export = read_oneroster(path, settings, today=today, limits=limits)
        given = export.students
        assert isinstance(given, ExportStudents)  # as read_oneroster returns them
        with database_proxy.atomic(), one_data_change():
            # Into a workbench holding no student, every student is new (the export's local ids are distinct).
            fresh = holds_no_student()
            with into_empty_district(fresh):
                for part in chunked(given.plain(), chunk):
                    rows = _rows(part, given, export, {} if fresh else students_by_local_id(student.local_id for student in part))
                    ensure_schools(e[0] for some in rows.enrollments for e in some)
                    enrollments += write_students(rows, keep_calpads_values=True, fresh=fresh, journal=journal)
                    students += len(part)
    refresh_planner_statistics()
    return RosterCounts(students, enrollments)


_NO_TAGS = join_tags(())
_NO_LANGUAGE: tuple[Any, ...] = (None, None, None)  # domain.model.LanguageStatus()'s ELAS, its start, primary language


def _rows(part: list[ExportedStudent], given: ExportStudents, export: OneRosterExport, stored: dict[LocalId, Student]) -> StudentRows:
    """The table rows of a chunk of the export's students: a new one as the export gives them, a
    ``stored`` one merged with what the workbench holds (a new one without a gender is refused)."""
    if not stored and not any(map(_GENDER_MISSING, part)):
        return _new_rows(part)
    rows = StudentRows(students=[], language=[], swd=[], enrollments=[], guardians=[], addresses=[])
    for student in part:
        known = stored.get(student.local_id)
        if known is not None:
            these = student_rows([merged_with_stored(given.student(student.sourced_id), known, export)])
        elif student.gender_missing is not None:
            raise student.gender_missing
        else:
            these = _new_rows([student])
        for name in ("students", "language", "swd", "enrollments", "guardians", "addresses"):
            getattr(rows, name).extend(getattr(these, name))
    return rows


_AT = {name: itemgetter(n) for n, name in enumerate(ExportedStudent._fields)}
_GENDER_MISSING = _AT["gender_missing"]
_FIRST, _MIDDLE, _LAST = attrgetter("first"), attrgetter("middle"), attrgetter("last")


def _new_rows(part: list[ExportedStudent]) -> StudentRows:
    """The table rows of new students (as :func:`_rows` gives them), a column at a time."""

    def column(name: str) -> Iterator[Any]:
        return map(_AT[name], part)

    legal = list(column("legal"))
    aliases = [alias or _NO_ALIAS for alias in column("alias")]
    students = zip(
        column("local_id"), column("ssid"), repeat(None), map(_FIRST, legal), map(_MIDDLE, legal), map(_LAST, legal), repeat(""),
        map(_FIRST, aliases), map(_MIDDLE, aliases), map(_LAST, aliases), column("birth_date"), column("gender"),
        column("birth_city"), column("birth_state"), column("birth_country"), column("active"), repeat(_NO_TAGS),
    )  # fmt: skip
    count = len(part)
    return StudentRows(
        students=list(students), language=[_NO_LANGUAGE] * count, swd=[None] * count,
        enrollments=list(map(list, column("enrollments"))), guardians=list(column("guardians")), addresses=[()] * count,
    )  # fmt: skip


_NO_ALIAS = PersonName("", "", "")
