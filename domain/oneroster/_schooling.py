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
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from domain.errors import FileProblem, InvalidValue
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
from domain.oneroster._table import Block, Place, Record, read_blocks, read_table
from domain.values import CdsCode, parse_cds_code, parse_iso_date

__all__ = ["GradeLists", "SchoolTerm", "Schooling", "read_grades", "read_schooling"]


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
    """Each student's school terms by ``userSourcedId``, in the order the export lists them;
    ``ungraded``: the students with a term begun by a class enrollment that gives no grade (a
    later one may give it)."""

    terms: dict[str, dict[tuple[CdsCode, int | None], SchoolTerm]] = field(default_factory=dict)
    ungraded: set[str] = field(default_factory=set)


def read_grades(record: Record, version: OneRosterVersion) -> tuple[str, ...]:
    """The record's ``grades`` as the district's codes (CEDS tokens mapped to CALPADS where they agree)."""
    grades = record.items("grades")
    for grade in grades:
        if grade not in GRADES and not (version is OneRosterVersion.V1_2 and grade.startswith("ext:")):
            raise record.problem("grades", "lists a value that is not a CEDS grade level (IT, PR, PK, TK, KG, 01-13, PS, UG, Other)")
    return tuple(sys.intern(GRADE_TO_CALPADS.get(g, g)) for g in grades)


class GradeLists:
    """``grades`` values as :func:`read_grades` reads them, each distinct text read once."""

    def __init__(self, version: OneRosterVersion) -> None:
        self._version = version
        self._read: dict[str, tuple[str, ...] | None] = {}  # None: refused

    def of(self, texts: Sequence[str]) -> list[tuple[str, ...]] | None:
        """Each text's grades, or ``None`` when any lists a value :func:`read_grades` refuses."""
        read = self._read
        for text in set(texts).difference(read):
            grades = tuple(v.strip() for v in text.split(",") if v.strip())
            v12 = self._version is OneRosterVersion.V1_2
            valid = all(grade in GRADES or (v12 and grade.startswith("ext:")) for grade in grades)
            read[text] = tuple(sys.intern(GRADE_TO_CALPADS.get(g, g)) for g in grades) if valid else None
        lists = [read[text] for text in texts]
        return None if None in lists else lists  # type: ignore[return-value]


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
    reading = _Enrollments(schooling, students, users, orgs, years, class_grades)
    for block in read_blocks(files, ENROLLMENTS, version):
        if not reading.block(block):
            for record in block.records():
                reading.record(record)
    return schooling


class _Enrollments:
    """Reading ``enrollments.csv`` into each student's school terms."""

    def __init__(
        self, schooling: Schooling, students: AbstractSet[str], users: AbstractSet[str], orgs: dict[str, _Org],
        years: list[tuple[dt.date, dt.date]], class_grades: dict[str, str | None],
    ) -> None:  # fmt: skip
        self._terms, self._ungraded, self._students, self._users = schooling.terms, schooling.ungraded, students, users
        self._orgs, self._years, self._class_grades = orgs, years, class_grades
        self._dates: dict[str, dt.date | None] = {"": None}
        self._year_of: dict[dt.date, int | None] = {}

    def record(self, record: Record) -> None:
        """One record, checked value by value (the reference reading)."""
        if record.text("role", required=True) != "student":
            return
        user = record.text("userSourcedId", required=True)
        if user not in self._students:
            raise record.problem("userSourcedId", "names a user who is not a student" if user in self._users else "names no user of users.csv")
        org = self._orgs.get(record.text("schoolSourcedId", required=True))
        if org is None:
            raise record.problem("schoolSourcedId", "names no org of orgs.csv")
        if org.type != "school":
            raise record.problem("schoolSourcedId", "names an org that is not a school")
        school = _school_code(org)
        begin, end = record.date("beginDate", required=True), record.date("endDate")
        assert begin is not None
        if end is not None and end < begin - _DAY:
            raise record.problem("endDate", "is before beginDate")
        self._add(user, school, begin, end, self._class_grades.get(record.text("classSourcedId")))

    def block(self, block: Block) -> bool:
        """Read the block as :meth:`record` reads each of its records, when every check passes in
        bulk (``False``, nothing read: the records are to be read one by one)."""
        if not (block.clean("role") and block.fits("role", required=True)):
            return False
        block = block.subset(role == "student" for role in block.column("role"))
        if not block:
            return True
        columns = ("userSourcedId", "schoolSourcedId", "beginDate", "endDate", "classSourcedId")
        if not (block.clean(*columns) and all(block.fits(name, required=name != "endDate" and name != "classSourcedId") for name in columns)):
            return False
        if not all(map(self._students.__contains__, set(block.column("userSourcedId")))):
            return False
        schools: dict[str, CdsCode] = {}
        for sourced_id in set(block.column("schoolSourcedId")):
            org = self._orgs.get(sourced_id)
            if org is None or org.type != "school" or not _valid_code(org):
                return False
            schools[sourced_id] = _school_code(org)
        dates = self._dates
        for text in set(block.column("beginDate")).union(block.column("endDate")).difference(dates):
            try:
                dates[text] = parse_iso_date(text)
            except InvalidValue:
                return False
        begins = [dates[text] for text in block.column("beginDate")]
        ends = [dates[text] for text in block.column("endDate")]
        for begin, end in zip(begins, ends):
            assert begin is not None
            if end is not None and end < begin - _DAY:
                return False
        # As _add for each record, with the lookups of the block's schools, years and grades made once.
        keys = zip(map(schools.__getitem__, block.column("schoolSourcedId")), map(self._year, begins))
        grades = map(self._class_grades.get, block.column("classSourcedId"))
        all_terms = self._terms
        for user, key, begin, end, grade in zip(block.column("userSourcedId"), keys, begins, ends, grades):
            assert begin is not None
            terms = all_terms.get(user)
            if terms is None:
                terms = all_terms[user] = {}
            term = terms.get(key)
            if term is None:
                terms[key] = SchoolTerm(key[0], begin, end, end is None, grade)
                if grade is None:
                    self._ungraded.add(user)
            else:
                _merged(term, begin, end, grade)
        return True

    def _year(self, begin: dt.date | None) -> int | None:
        """The school year (its place among the sessions) holding ``begin``."""
        assert begin is not None
        year = self._year_of.get(begin, -1)
        if year == -1:
            year = self._year_of[begin] = next((n for n, (first, last) in enumerate(self._years) if first <= begin <= last), None)
        return year

    def _add(self, user: str, school: CdsCode, begin: dt.date, end: dt.date | None, grade: str | None) -> None:
        year = self._year(begin)
        terms = self._terms.setdefault(user, {})
        term = terms.get((school, year))
        if term is None:
            terms[(school, year)] = SchoolTerm(school, begin, end, end is None, grade)
            if grade is None:
                self._ungraded.add(user)
            return
        _merged(term, begin, end, grade)


def _merged(term: SchoolTerm, begin: dt.date, end: dt.date | None, grade: str | None) -> None:
    """``term`` with one more class enrollment of the student at its school in its year."""
    term.start = min(term.start, begin)
    term.open = term.open or end is None
    term.end = None if term.open else max(d for d in (term.end, end) if d is not None)
    term.grade = term.grade or grade


_DAY = dt.timedelta(days=1)


def _valid_code(org: _Org) -> bool:
    try:
        _school_code(org)
    except FileProblem:
        return False
    return True
