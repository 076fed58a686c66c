"""Schools, school years, classes and enrollments of a OneRoster export.

OneRoster enrolls a student in classes; the district's enrollment is the student at a school
for a school year. Class enrollments are grouped by student, school (``schoolSourcedId``, its
CDS code the org's ``identifier``) and the ``schoolYear`` session containing ``beginDate``:
the earliest ``beginDate`` starts it, the latest ``endDate`` ends it (none while any class
enrollment is open). An end after ``today`` is the scheduled end of term, not an exit.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from domain.errors import InvalidValue
from domain.oneroster._source import ExportFiles
from domain.oneroster._spec import (
    CLASSES,
    ENROLLMENTS,
    GRADE_TO_CALPADS,
    GRADES,
    ORG_TYPES,
    ORGS,
    SESSION_TYPES,
    SESSIONS,
    OneRosterVersion,
)
from domain.oneroster._table import Place, Record, read_table
from domain.values import CdsCode, parse_cds_code

__all__ = ["SchoolTerm", "Schooling", "read_grades", "read_schooling"]


@dataclass(slots=True)
class SchoolTerm:
    """A student at one school in one school year, gathered from their class enrollments."""

    school: CdsCode
    start: dt.date
    end: dt.date | None
    open: bool
    grade: str | None


@dataclass(slots=True)
class _Org:
    place: Place
    type: str
    identifier: str
    code: CdsCode | None = None


@dataclass(slots=True, kw_only=True)
class Schooling:
    """Each student's school terms by ``userSourcedId``, in the order the export lists them."""

    terms: dict[str, dict[tuple[CdsCode, int | None], SchoolTerm]] = field(default_factory=dict)


def read_grades(record: Record, version: OneRosterVersion) -> tuple[str, ...]:
    """The record's ``grades`` as the district's codes (CEDS tokens mapped to CALPADS where they agree)."""
    grades = record.items("grades")
    for grade in grades:
        if grade not in GRADES and not (version is OneRosterVersion.V1_2 and grade.startswith("ext:")):
            raise record.problem("grades", "lists a value that is not a CEDS grade level (IT, PR, PK, TK, KG, 01-13, PS, UG, Other)")
    return tuple(sys.intern(GRADE_TO_CALPADS.get(g, g)) for g in grades)


def _orgs(files: ExportFiles, version: OneRosterVersion) -> dict[str, _Org]:
    orgs: dict[str, _Org] = {}
    for record in read_table(files, ORGS, version):
        sourced_id = record.text("sourcedId", required=True)
        if sourced_id in orgs:
            raise record.problem("sourcedId", f"given twice (line {orgs[sourced_id].place.line} too)")
        orgs[sourced_id] = _Org(record.place, record.token("type", ORG_TYPES, required=True), record.text("identifier"))
    return orgs


def _school_years(files: ExportFiles, version: OneRosterVersion) -> list[tuple[dt.date, dt.date]]:
    years: list[tuple[dt.date, dt.date]] = []
    for record in read_table(files, SESSIONS, version):
        kind = record.token("type", SESSION_TYPES, required=True)
        start, end = record.date("startDate", required=True), record.date("endDate", required=True)
        assert start is not None and end is not None
        if end < start:
            raise record.problem("endDate", "is before startDate")
        if kind == "schoolYear":
            years.append((start, end))
    return sorted(years)


def _class_grades(files: ExportFiles, version: OneRosterVersion) -> dict[str, str | None]:
    """Each class's grade when it names exactly one (a combination class names none)."""
    grades: dict[str, str | None] = {}
    for record in read_table(files, CLASSES, version):
        listed = read_grades(record, version)
        grades[record.text("sourcedId", required=True)] = listed[0] if len(listed) == 1 else None
    return grades


def _school_code(org: _Org) -> CdsCode:
    if org.code is None:
        try:
            org.code = parse_cds_code(org.identifier)
        except InvalidValue:
            raise org.place.problem("identifier", "must be the school's 7-digit CDS code") from None
    return org.code


def read_schooling(
    files: ExportFiles,
    version: OneRosterVersion,
    students: AbstractSet[str],
    users: AbstractSet[str],
    *,
    with_sessions: bool,
    with_classes: bool,
) -> Schooling:
    """Every student enrollment of ``enrollments.csv``, checked against orgs, users and sessions."""
    orgs = _orgs(files, version)
    years = _school_years(files, version) if with_sessions else []
    class_grades = _class_grades(files, version) if with_classes else {}
    schooling = Schooling()
    for record in read_table(files, ENROLLMENTS, version):
        if record.text("role", required=True) != "student":
            continue
        user = record.text("userSourcedId", required=True)
        if user not in students:
            raise record.problem("userSourcedId", "names a user who is not a student" if user in users else "names no user of users.csv")
        org = orgs.get(record.text("schoolSourcedId", required=True))
        if org is None:
            raise record.problem("schoolSourcedId", "names no org of orgs.csv")
        if org.type != "school":
            raise record.problem("schoolSourcedId", "names an org that is not a school")
        school = _school_code(org)
        begin, end = record.date("beginDate", required=True), record.date("endDate")
        assert begin is not None
        if end is not None and end < begin - dt.timedelta(days=1):
            raise record.problem("endDate", "is before beginDate")
        year = next((n for n, (first, last) in enumerate(years) if first <= begin <= last), None)
        grade = class_grades.get(record.text("classSourcedId"))
        terms = schooling.terms.setdefault(user, {})
        term = terms.get((school, year))
        if term is None:
            terms[(school, year)] = SchoolTerm(school, begin, end, end is None, grade)
            continue
        term.start = min(term.start, begin)
        term.open = term.open or end is None
        term.end = None if term.open else max(d for d in (term.end, end) if d is not None)
        term.grade = term.grade or grade
    return schooling
