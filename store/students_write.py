"""Writing students in bulk: upsert by local id, replace what the SIS lists about them.

For each chunk of students: one ``INSERT ... ON CONFLICT (local_id) DO UPDATE`` for the student
rows, one query for their ids, set-based deletes of their enrollments, guardians and addresses,
then chunked inserts of the new ones and upserts of language status and special education.
Everything runs inside one transaction: a failure leaves the database as it was.

Identifiers the workbench itself receives from CALPADS (SSID, Old State ID, ELAS and its start
date, SWD) are not erased by a source that leaves them blank (``keep_calpads_values=True``): a
roster exported before the SSID Extract was applied must not undo it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from domain import model as dm
from store.bulk import chunked, in_list, insert_chunked, raw_rows, tuples, upsert_chunked
from store.database import database_proxy
from store.identity_journal import journal_since_snapshot, snapshot_identity
from store.students import student_columns
from store.tables import (
    AddressRow,
    EnrollmentRow,
    GuardianRow,
    LanguageStatusRow,
    SchoolRow,
    SpecialEducationRow,
    StudentRow,
    one_data_change,
)

__all__ = ["SaveCounts", "save_students", "ensure_schools"]

_STUDENT_FIELDS: list[Any] = [
    StudentRow.local_id, StudentRow.ssid, StudentRow.old_state_id, StudentRow.legal_first, StudentRow.legal_middle,
    StudentRow.legal_last, StudentRow.suffix, StudentRow.alias_first, StudentRow.alias_middle, StudentRow.alias_last,
    StudentRow.birth_date, StudentRow.gender, StudentRow.birth_city, StudentRow.birth_state, StudentRow.birth_country,
    StudentRow.active, StudentRow.tags,
]


@dataclass(frozen=True, slots=True)
class SaveCounts:
    """How many students and enrollments a save wrote."""

    students: int
    enrollments: int


def ensure_schools(codes: Iterable[str]) -> int:
    """Create a bare ``school`` row for every code not yet known; returns how many were added."""
    wanted = set(codes)
    if not wanted:
        return 0
    known = {code for (code,) in tuples(SchoolRow.select(SchoolRow.code).where(SchoolRow.code.in_(list(wanted))))}
    missing = sorted(wanted - known)
    if missing:
        insert_chunked(SchoolRow, [SchoolRow.code, SchoolRow.name], ((code, "") for code in missing))
    return len(missing)


def _kept(column: str, table: str, keep: bool) -> str:
    """The new value of ``column``, or (``keep``) the current one when the new one is blank."""
    return f'COALESCE(excluded."{column}", {table}."{column}")' if keep else f'excluded."{column}"'


def _upsert_students(chunk: list[dm.Student], keep_calpads_values: bool) -> None:
    names = [f.name for f in _STUDENT_FIELDS]
    rows = [tuple(columns[n] for n in names) for columns in map(student_columns, chunk)]
    update = {f.column_name: f'excluded."{f.column_name}"' for f in _STUDENT_FIELDS if f is not StudentRow.local_id}
    for field in (StudentRow.ssid, StudentRow.old_state_id):
        update[field.column_name] = _kept(field.column_name, "student", keep_calpads_values)
    upsert_chunked(StudentRow, _STUDENT_FIELDS, rows, StudentRow.local_id, update)


def _upsert_language(pairs: list[tuple[int, dm.Student]], keep_calpads_values: bool) -> None:
    fields: list[Any] = [LanguageStatusRow.student, LanguageStatusRow.elas, LanguageStatusRow.elas_start, LanguageStatusRow.primary_language]
    rows = [(sid, s.language.elas, s.language.elas_start, s.language.primary_language) for sid, s in pairs]
    update = {"elas": 'excluded."elas"', "elas_start": 'excluded."elas_start"', "primary_language": 'excluded."primary_language"'}
    if keep_calpads_values:
        # A blank ELAS keeps the current ELAS and its start date together.
        for column in ("elas", "elas_start"):
            update[column] = f'CASE WHEN excluded."elas" IS NULL THEN language_status."{column}" ELSE excluded."{column}" END'
        update["primary_language"] = _kept("primary_language", "language_status", True)
    upsert_chunked(LanguageStatusRow, fields, rows, LanguageStatusRow.student, update)


def _upsert_special_education(pairs: list[tuple[int, dm.Student]], keep_calpads_values: bool) -> None:
    fields: list[Any] = [SpecialEducationRow.student, SpecialEducationRow.swd]
    rows = [(sid, s.special_education.swd) for sid, s in pairs]
    update = {"swd": _kept("swd", "special_education", keep_calpads_values)}
    upsert_chunked(SpecialEducationRow, fields, rows, SpecialEducationRow.student, update)


def _replace_children(pairs: list[tuple[int, dm.Student]], fresh: bool) -> int:
    ids = [sid for sid, _ in pairs]
    if not fresh:
        for table in (EnrollmentRow, GuardianRow, AddressRow):
            table.delete().where(in_list(table.student, ids)).execute()
    enrollments = insert_chunked(
        EnrollmentRow,
        [EnrollmentRow.student, EnrollmentRow.school, EnrollmentRow.grade, EnrollmentRow.start_date, EnrollmentRow.status,
         EnrollmentRow.exit_date, EnrollmentRow.exit_reason, EnrollmentRow.completion_status],
        (
            (sid, e.school, e.grade, e.start, e.status, e.exit_date, e.exit_reason, e.completion_status)
            for sid, s in pairs
            for e in s.enrollments
        ),
    )
    insert_chunked(
        GuardianRow,
        [GuardianRow.student, GuardianRow.position, GuardianRow.first, GuardianRow.last],
        ((sid, n, g.first, g.last) for sid, s in pairs for n, g in enumerate(s.guardians, 1)),
    )
    insert_chunked(
        AddressRow,
        [AddressRow.student, AddressRow.position, AddressRow.street, AddressRow.city, AddressRow.state, AddressRow.zip],
        ((sid, n, a.street, a.city, a.state, a.zip) for sid, s in pairs for n, a in enumerate(s.addresses, 1)),
    )
    return enrollments


def save_students(
    students: Iterable[dm.Student],
    *,
    keep_calpads_values: bool = True,
    fresh: bool = False,
    chunk: int = 1000,
    journal: tuple[str, str] | None = None,
) -> SaveCounts:
    """Upsert ``students`` by local id (streamed, ``chunk`` at a time) in one transaction.

    Each student's enrollments, guardians and addresses are replaced by the ones given; language
    status and special education are upserted. Schools named by enrollments must exist (see
    :func:`ensure_schools`). ``fresh=True`` promises the students are new (skips the deletes).
    A local id given twice in one chunk keeps the last one. ``journal=(source, actor)`` records
    every SSID, Old State ID, ELAS and SWD the save changed (:mod:`store.identity_journal`).
    The save moves the student data version once (:func:`store.tables.one_data_change`).
    """
    total_students = total_enrollments = 0
    with database_proxy.atomic(), one_data_change():
        for part in chunked(students, chunk):
            by_local_id = {s.local_id: s for s in part}
            unique = list(by_local_id.values())
            if journal is not None:
                snapshot_identity(list(by_local_id))
            _upsert_students(unique, keep_calpads_values)
            ids: dict[str, int] = {
                local_id: sid
                for local_id, sid in raw_rows(StudentRow.select(StudentRow.local_id, StudentRow.id).where(in_list(StudentRow.local_id, list(by_local_id))))
            }
            pairs = [(ids[s.local_id], s) for s in unique]
            _upsert_language(pairs, keep_calpads_values)
            _upsert_special_education(pairs, keep_calpads_values)
            total_enrollments += _replace_children(pairs, fresh)
            total_students += len(unique)
            if journal is not None:
                journal_since_snapshot(list(by_local_id), *journal)
    return SaveCounts(total_students, total_enrollments)
