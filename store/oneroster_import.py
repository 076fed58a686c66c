"""Importing a OneRoster 1.1/1.2 CSV export (a folder or a zip archive): the district's students,
enrollments and guardians, as the roster CSV import does (:mod:`store.roster_import`).

The whole export is read and checked first (:func:`domain.oneroster.read_oneroster`; a problem
names file, line and column and nothing is written). Then, in one transaction, students are
upserted by local id, chunk by chunk: what OneRoster lacks (ELAS, SWD, addresses …) keeps the
stored value, and every SSID, Old State ID, ELAS and SWD change is journaled with the export's
name and the person.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.oneroster import ExportLimits, OneRosterMapping, merged_with_stored, read_oneroster
from store.bulk import chunked
from store.database import database_proxy
from store.roster_import import RosterCounts
from store.settings import read_settings
from store.statistics import refresh_planner_statistics
from store.students import students_by_local_id
from store.students_write import ensure_schools, save_students
from store.tables import one_data_change

__all__ = ["import_oneroster"]


def import_oneroster(
    path: Path,
    *,
    today: dt.date,
    actor: str = "unknown",
    mapping: OneRosterMapping | None = None,
    limits: ExportLimits | None = None,
    chunk: int = 1000,
) -> RosterCounts:
    """Upsert the export's students by local id, with their enrollments and guardians; all or nothing.

    ``mapping`` defaults to the district's settings (``oneroster_local_id``, ``oneroster_ssid``);
    ``today`` tells an enrollment's exit from its scheduled end of term.
    """
    export = read_oneroster(path, mapping or read_settings().oneroster, today=today, limits=limits)
    students = enrollments = 0
    with database_proxy.atomic(), one_data_change():
        for part in chunked(export.students, chunk):
            stored = students_by_local_id(given.student.local_id for given in part)
            merged = [merged_with_stored(given, stored.get(given.student.local_id), export) for given in part]
            ensure_schools(e.school for s in merged for e in s.enrollments)
            counts = save_students(merged, keep_calpads_values=True, journal=(f"OneRoster import {path.name}", actor))
            students += counts.students
            enrollments += counts.enrollments
    refresh_planner_statistics()
    return RosterCounts(students, enrollments)
