"""A OneRoster export read into the district's students; everything is checked before anything is returned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from domain.errors import FileProblem
from domain.model import Enrollment, Guardian, PersonName, Student
from domain.oneroster._manifest import read_manifest
from domain.oneroster._mapping import OneRosterMapping
from domain.oneroster._people import BirthFacts, People, StudentUser, read_demographics, read_people
from domain.oneroster._schooling import Schooling, SchoolTerm, read_schooling
from domain.oneroster._source import ExportFiles, ExportLimits
from domain.oneroster._spec import CLASSES, SESSIONS, OneRosterVersion
from domain.values import CdsCode, LocalId, Ssid

__all__ = ["OneRosterStudent", "OneRosterExport", "ExportStudents", "ExportedStudent", "read_oneroster"]


@dataclass(frozen=True, slots=True)
class OneRosterStudent:
    """A student as the export gives them; ``enrolled`` when it lists an enrollment of theirs.

    ``gender_missing`` is the problem to raise when the export gives no sex (1.1 has no token
    for nonbinary) and the workbench does not know the student: a known one keeps their gender.
    """

    student: Student
    enrolled: bool
    gender_missing: FileProblem | None = None


class ExportedStudent(NamedTuple):
    """A student as :class:`OneRosterStudent` gives them, in plain values (a writer's row without
    a domain object per student): what the export gives, and ``gender_missing`` as there.

    ``enrollments`` as :class:`domain.model.Enrollment` fields in their order (school, grade,
    start, status, exit date, exit reason, completion status), ``guardians`` as (first, last).
    """

    sourced_id: str
    local_id: LocalId
    ssid: Ssid | None
    legal: PersonName
    alias: PersonName | None
    birth_date: dt.date
    gender: str
    birth_city: str
    birth_state: str
    birth_country: str
    active: bool
    enrollments: tuple[tuple[CdsCode, str, dt.date, str, dt.date | None, str, str], ...]
    guardians: tuple[tuple[str, str], ...]
    gender_missing: FileProblem | None


class ExportStudents:
    """The export's students, each built when iterated (a district's 600,000 are not held at once);
    :func:`read_oneroster` checked each of them, so iterating raises nothing."""

    def __init__(self, people: People, births: dict[str, BirthFacts], schooling: Schooling, today: dt.date) -> None:
        self._people, self._births, self._schooling, self._today = people, births, schooling, today

    def __len__(self) -> int:
        return len(self._people.students)

    def __iter__(self) -> Iterator[OneRosterStudent]:
        people, terms = self._people, self._schooling.terms
        for sourced_id, user in people.students.items():
            yield _student(sourced_id, user, self._births, terms.get(sourced_id, {}), people.guardians, people.users, self._today)

    def student(self, sourced_id: str) -> OneRosterStudent:
        """One student as iterating gives them."""
        people = self._people
        user, terms = people.students[sourced_id], self._schooling.terms.get(sourced_id, {})
        return _student(sourced_id, user, self._births, terms, people.guardians, people.users, self._today)

    def plain(self) -> Iterator[ExportedStudent]:
        """The students as iterating gives them (in that order), each in plain values."""
        people, births, all_terms, today = self._people, self._births, self._schooling.terms, self._today
        guardians = people.guardians
        status, exit_reason, completion = _ENROLLMENT.status, _ENROLLMENT.exit_reason, _ENROLLMENT.completion_status
        for sourced_id, user in people.students.items():
            birth = births[sourced_id]
            terms = all_terms.get(sourced_id)
            enrollments: tuple[tuple[CdsCode, str, dt.date, str, dt.date | None, str, str], ...] = ()
            if terms:
                only = user.grades[0] if len(user.grades) == 1 else ""  # read_oneroster checked each term has a grade
                listed = [
                    (t.school, t.grade or only, t.start, status, t.end if t.end is not None and t.end <= today else None, exit_reason, completion)
                    for t in terms.values()
                ]  # fmt: skip
                enrollments = tuple(listed) if len(listed) == 1 else tuple(sorted(listed, key=_start_and_school))
            yield ExportedStudent(
                sourced_id, user.local_id, user.ssid, user.legal, user.alias, birth.birth_date, birth.gender, birth.city,
                birth.state, birth.country, user.active, enrollments,
                tuple(map(guardians.__getitem__, filter(guardians.__contains__, user.agents))),
                None if birth.gender else _gender_missing(birth),
            )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class OneRosterExport:
    """The students of one export, and which of the optional facts the export carries at all.

    ``carries_alias``: 1.2's preferred names; ``carries_guardians``: the export lists parents or
    guardians (many exports leave them out, and then a student's stored guardians stay).
    """

    version: OneRosterVersion
    students: Iterable[OneRosterStudent]  # from read_oneroster: ExportStudents, built as iterated
    carries_alias: bool
    carries_guardians: bool


def read_oneroster(
    path: Path,
    mapping: OneRosterMapping | None = None,
    *,
    today: dt.date,
    limits: ExportLimits | None = None,
) -> OneRosterExport:
    """Read the OneRoster 1.1/1.2 CSV export at ``path`` (a folder or a zip archive).

    ``mapping`` says which ``users.csv`` field is the local id and which the SSID; ``today``
    tells an enrollment's exit (an ``endDate`` up to today) from its scheduled end of term.
    The first problem raises :class:`domain.errors.FileProblem` naming the file, line and
    column (never the value).
    """
    mapping = mapping or OneRosterMapping()
    with ExportFiles(path, limits or ExportLimits()) as files:
        manifest = read_manifest(files)
        version = manifest.version
        people = read_people(files, version, mapping)
        births = read_demographics(files, version, people.students)
        schooling = read_schooling(
            files, version, people.students.keys(), people.users,
            with_sessions=SESSIONS in manifest.bulk, with_classes=CLASSES in manifest.bulk,
        )  # fmt: skip
    if not _all_pass(people, births, schooling):  # every student checked before anything is returned
        for sourced_id, user in people.students.items():
            _checked(sourced_id, user, births, schooling.terms.get(sourced_id, {}), people.users)
    students = ExportStudents(people, births, schooling, today)
    return OneRosterExport(
        version=version,
        students=students,
        carries_alias=version is OneRosterVersion.V1_2,
        carries_guardians=bool(people.guardians),
    )


def _all_pass(people: People, births: dict[str, BirthFacts], schooling: Schooling) -> bool:
    """Whether every student passes :func:`_checked` (checked for them all at once)."""
    students, users = people.students, people.users
    if not births.keys() >= students.keys():
        return False
    if not all(map(users.__contains__, chain.from_iterable(map(attrgetter("agents"), students.values())))):
        return False
    for sourced_id in schooling.ungraded:  # a term whose classes give no grade takes the student's one grade
        if len(students[sourced_id].grades) != 1 and any(term.grade is None for term in schooling.terms[sourced_id].values()):
            return False
    return True


def _checked(
    sourced_id: str, user: StudentUser, births: dict[str, BirthFacts], terms: dict[tuple[CdsCode, int | None], SchoolTerm],
    users: AbstractSet[str],
) -> tuple[BirthFacts, list[str]]:
    """The student's birth facts and each term's grade; the first problem of the student raises."""
    birth = births.get(sourced_id)
    if birth is None:
        raise user.place.problem("sourcedId", "has no row in demographics.csv (the birth date and sex are there)")
    for agent in user.agents:
        if agent not in users:
            raise user.place.problem("agentSourcedIds", "names a user that is not in users.csv")
    grades = []
    for term in terms.values():
        grade = term.grade or (user.grades[0] if len(user.grades) == 1 else None)
        if grade is None:
            raise user.place.problem("grades", "must give the student's grade (one value) when the enrollment's class gives none")
        grades.append(grade)
    return birth, grades


def _student(
    sourced_id: str,
    user: StudentUser,
    births: dict[str, BirthFacts],
    terms: dict[tuple[CdsCode, int | None], SchoolTerm],
    guardians: dict[str, tuple[str, str]],
    users: AbstractSet[str],
    today: dt.date,
) -> OneRosterStudent:
    birth, grades = _checked(sourced_id, user, births, terms, users)
    enrollments = []
    for term, grade in zip(terms.values(), grades):
        exit_date = term.end if term.end is not None and term.end <= today else None
        enrollments.append(Enrollment(school=term.school, grade=grade, start=term.start, exit_date=exit_date))
    student = Student(
        local_id=user.local_id,
        legal=user.legal,
        birth_date=birth.birth_date,
        gender=birth.gender,
        alias=user.alias,
        birth_city=birth.city,
        birth_state=birth.state,
        birth_country=birth.country,
        ssid=user.ssid,
        active=user.active,
        enrollments=tuple(sorted(enrollments, key=lambda e: (e.start, e.school))),
        guardians=tuple(Guardian(*guardians[a]) for a in user.agents if a in guardians),
    )
    missing = None if birth.gender else _gender_missing(birth)
    return OneRosterStudent(student, enrolled=bool(enrollments), gender_missing=missing)


def _gender_missing(birth: BirthFacts) -> FileProblem:
    return birth.place.problem("sex", "is required for a student the workbench does not hold yet: CALPADS needs a gender")


_ENROLLMENT = Enrollment(CdsCode("0000000"), "", dt.date.min)  # an enrollment's defaults


def _start_and_school(enrollment: tuple[CdsCode, str, dt.date, str, dt.date | None, str, str]) -> tuple[dt.date, str]:
    return enrollment[2], enrollment[0]
