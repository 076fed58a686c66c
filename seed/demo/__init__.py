"""The demo district: a deterministic, streaming generator of a California LEA and its students.

``generate_district(students, seed, today)`` describes the district (LEA, year, schools) and
yields each student on demand from its index alone — every student draws from random generators
seeded by ``(seed, index)`` — so 600,000 students stream in flat memory and the same seed always
gives the same district.

Each :class:`DemoStudent` carries the SIS record (``student``) and the state's truth about the
child: the SSID CALPADS holds (even when the district has none), how CALPADS spells the child,
and for the retired-SSID case the SSID CALPADS retired. The CALPADS sandbox builds its side
from these. SSIDs the generator hands out start with ``2`` (current), ``3`` (retired by a MID
merge) and ``4`` (older Old State IDs); a simulated CALPADS should issue new ones from ``5`` up.

The hard cases sit at fixed indices so even a small demo has them (:data:`FIXED_CASES`), and
recur periodically in large ones: twins, a retired SSID, two local records of one child, a
future enrollment, an inactive student, a newcomer, a transfer from another district, a new
kindergartner.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from domain.model import LanguageStatus, PersonName, Student
from domain.values import AcademicYear, CdsCode, LocalId, Ssid
from seed.demo.names import OTHER_DISTRICTS, nicknames
from seed.demo.people import Child, grade_offset, make_child, make_family, state_spelling, strip_accents
from seed.demo.schooling import (
    DEMO_SCHOOLS,
    DemoSchool,
    enrollments_for,
    first_school_day,
    language_for,
    pick_grade,
    pick_school,
    special_education_for,
)

__all__ = [
    "DEMO_LEA",
    "DEMO_LEA_NAME",
    "DEMO_EMAIL",
    "FIXED_CASES",
    "DemoSchool",
    "DemoStudent",
    "DemoDistrict",
    "generate_district",
    "demo_local_id",
]

DEMO_LEA = CdsCode("1964212")
DEMO_LEA_NAME = "Rio Hondo Valley Unified School District"
DEMO_EMAIL = "calpads-coordinator@rhvusd.example.org"

FIXED_CASES: tuple[str, ...] = (
    "twin",  # 0 and 1: twins new to the district; CALPADS holds both
    "twin",
    "retired_ssid",  # the district still holds the SSID CALPADS retired in a MID merge
    "duplicate_record",  # 3 and 4: two local records of one child; only 3 has the SSID
    "duplicate_record",
    "future_enrollment",  # no SSID, enrollment starts after today
    "inactive",  # no SSID, no longer enrolled
    "newcomer",  # born abroad, new to California schools
    "transfer_in",  # no SSID here; CALPADS has one from another district, spelled a little differently
    "new_kindergartner",  # no SSID, new to public school
)
"""The hard case of each of the first students (index = position)."""

_MOD = 10**9
_SCRAMBLE = 387_420_489  # 3**18: coprime with 10**9, so index → SSID is one-to-one


def _ssid(prefix: str, index: int, seed: int) -> Ssid:
    return Ssid(f"{prefix}{(index * _SCRAMBLE + seed * 2_654_435_761) % _MOD:09d}")


def demo_local_id(index: int) -> LocalId:
    """The local student id of the demo student at ``index``."""
    return LocalId(str(100001 + index))


@dataclass(frozen=True, slots=True)
class DemoStudent:
    """One district record and the state's truth about the child behind it.

    ``state_*`` fields describe the CALPADS record of ``state_ssid``; they are ``None``/``""``
    when CALPADS has never seen the child. Two records of one child share ``state_ssid``.
    """

    student: Student
    state_ssid: Ssid | None
    state_name: PersonName | None
    state_birth_date: dt.date | None
    state_gender: str | None
    state_birth_city: str = ""
    state_birth_state: str = ""
    state_birth_country: str = ""
    state_ssid_created: dt.date | None = None
    state_language: LanguageStatus | None = None
    state_swd: str | None = None
    retired_ssid: Ssid | None = None
    prior_district: CdsCode | None = None
    case: str = ""


@dataclass(frozen=True, slots=True)
class _Role:
    case: str
    family: int
    person: int
    twin_of: int | None = None


def _role(index: int) -> _Role:
    """Structure of the student at ``index``: hard case, whose family, which child."""
    if index < len(FIXED_CASES):
        case = FIXED_CASES[index]
        family = {1: 0, 4: 3}.get(index, index)
        return _Role(case, family, 3 if index == 4 else index, 0 if index == 1 else None)
    if index % 211 == 100:
        return _Role("twin", index, index)
    if index % 211 == 101:
        return _Role("twin", index - 1, index, twin_of=index - 1)
    if index % 10007 == 5004:
        return _Role("duplicate_record", index, index)
    if index % 10007 == 5005:
        return _Role("duplicate_record", index - 1, index - 1)
    if index % 4999 == 2500:
        return _Role("retired_ssid", index, index)
    if index % 2003 == 1000:
        return _Role("future_enrollment", index, index)
    if index % 7 == 3:  # a younger or older sibling of the previous student
        return _Role("", _role(index - 1).family, index)
    return _Role("", index, index)


# How an ordinary student (no fixed hard case) stands with CALPADS.
_ORDINARY = ("held", "transfer_in", "new_kindergartner", "newcomer")
_ORDINARY_WEIGHTS = (0.95, 0.025, 0.0125, 0.0125)


@dataclass(frozen=True)
class DemoDistrict:
    """The demo LEA; :meth:`students` streams its students in index order."""

    lea: CdsCode
    lea_name: str
    year: AcademicYear
    today: dt.date
    seed: int
    size: int
    schools: list[DemoSchool] = field(default_factory=lambda: list(DEMO_SCHOOLS))
    email: str = DEMO_EMAIL

    def students(self) -> Iterator[DemoStudent]:
        """Every student, index 0 to ``size - 1``, generated one at a time."""
        for index in range(self.size):
            yield self.student(index)

    def _rng(self, what: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{what}:{index}")

    def _standing(self, index: int, rng: random.Random | None = None) -> str:
        """How the student at ``index`` stands with CALPADS: the first draw of its record's ``rng``."""
        role = _role(index)
        if role.case == "twin":
            return "held" if index >= len(FIXED_CASES) else "transfer_in"
        if role.case:
            return role.case
        return (rng or self._rng("record", index)).choices(_ORDINARY, _ORDINARY_WEIGHTS)[0]

    def _child(self, person: int, case: str) -> tuple[Child, str]:
        rng = self._rng("child", person)
        role = _role(person)
        family = make_family(self._rng("family", role.family))
        grade = rng.choice(("TK", "KN")) if case == "new_kindergartner" else pick_grade(rng)
        abroad = True if case == "newcomer" else None
        child = make_child(rng, family, grade, self.year.start_year, abroad)
        if role.case or role.family == person:
            return child, grade
        # A younger or older sibling: never the elder's first name, never born within 300 days of them
        # (only twins are; they are their own case).
        elder = self._child(role.family, self._standing(role.family))[0]
        for _ in range(50):
            apart = abs((child.birth_date - elder.birth_date).days)
            if child.legal.first != elder.legal.first and apart >= 300:
                break
            grade = pick_grade(rng)
            child = make_child(rng, family, grade, self.year.start_year, abroad)
        return child, grade

    def student(self, index: int) -> DemoStudent:
        """The student at ``index`` (pure: the same arguments give the same student)."""
        role = _role(index)
        rng = self._rng("record", index)
        case = role.case
        standing = self._standing(index, rng)
        family = make_family(self._rng("family", role.family))
        child, grade = self._child(role.person, standing)
        if role.twin_of is not None:
            elder, grade = self._child(role.twin_of, standing)
            child = replace(child, birth_date=elder.birth_date, birth_place=elder.birth_place)
        second_record = role.person != index
        if second_record:
            child = replace(child, legal=_retyped(rng, child.legal))
        school = pick_school(rng, grade)
        if second_record:
            school = pick_school(rng, grade, avoid=pick_school(self._rng("record", role.person), grade).code)
        held = standing in ("held", "retired_ssid") or (case == "duplicate_record" and not second_record)
        knows = held or standing in ("transfer_in", "duplicate_record", "twin")
        exited = standing == "inactive" or (standing == "held" and rng.random() < 0.015)
        enrollments = enrollments_for(
            rng,
            grade,
            school,
            self.year,
            self.today,
            continuing=held and grade not in ("TK",),
            exited=exited,
            future=standing == "future_enrollment",
        )
        if role.twin_of is not None:  # twins enrolled together
            elder_record = self.student(role.twin_of).student
            enrollments, exited = elder_record.enrollments, not elder_record.active
        kinder_year = AcademicYear(self.year.start_year - max(0, grade_offset(grade)))
        created = min(self.today, max(first_school_day(kinder_year), child.birth_date)) if knows else None
        first_enrolled = created if held and created else enrollments[-1].start
        language = language_for(rng, family.language, first_enrolled, self.today, new_student=not held)
        state_language = language if held else None
        if knows and not held:
            state_language = language_for(rng, family.language, created or first_enrolled, self.today, new_student=False)
        special = special_education_for(rng, known=held)
        state_swd = special.swd if held else (special_education_for(rng, known=True).swd if knows else None)
        state_ssid = _ssid("2", role.person, self.seed) if knows else None
        retired = _ssid("3", index, self.seed) if standing == "retired_ssid" else None
        old_state_id = _ssid("4", index, self.seed) if held and rng.random() < 0.003 else None
        tags: set[str] = set()
        if standing == "newcomer":
            tags.add("newcomer")
        if rng.random() < 0.005:
            tags.add("foster")
        if rng.random() < 0.01:
            tags.add("mckinney-vento")
        student = Student(
            local_id=demo_local_id(index),
            legal=child.legal,
            birth_date=child.birth_date,
            gender=child.gender,
            suffix=child.suffix,
            alias=child.alias,
            birth_city=child.birth_place.city,
            birth_state=child.birth_place.state,
            birth_country=child.birth_place.country,
            ssid=retired if retired else (state_ssid if held else None),
            old_state_id=old_state_id,
            active=not exited,
            tags=frozenset(tags),
            enrollments=enrollments,
            language=language,
            special_education=special,
            guardians=family.guardians,
            addresses=(family.address,) if family.address else (),
        )
        if not knows:
            return DemoStudent(student, None, None, None, None, case=case)
        state_name = child.legal
        if second_record:
            state_name = self._child(role.person, standing)[0].legal
        elif standing == "transfer_in":
            state_name = state_spelling(rng, child.legal)
        elif rng.random() < 0.02:
            state_name = PersonName(strip_accents(child.legal.first), strip_accents(child.legal.last), strip_accents(child.legal.middle))
        state_birth = child.birth_date
        if standing == "transfer_in" and rng.random() < 0.2:  # day and month swapped, or off by one
            swapped = (child.birth_date.day, child.birth_date.month)
            state_birth = (
                dt.date(child.birth_date.year, *swapped) if swapped[0] <= 12 and swapped[0] != swapped[1] else child.birth_date + dt.timedelta(days=1)
            )
        return DemoStudent(
            student=student,
            state_ssid=state_ssid,
            state_name=state_name,
            state_birth_date=state_birth,
            state_gender=child.gender,
            state_birth_city=child.birth_place.city,
            state_birth_state=child.birth_place.state,
            state_birth_country=child.birth_place.country,
            state_ssid_created=created,
            state_language=state_language,
            state_swd=state_swd,
            retired_ssid=retired,
            prior_district=CdsCode(rng.choice(OTHER_DISTRICTS)) if standing == "transfer_in" else None,
            case=case,
        )


def _retyped(rng: random.Random, legal: PersonName) -> PersonName:
    """A second record typed by another registrar: the nickname as first name, or no accents."""
    known = nicknames().get(legal.first)
    if known:
        return replace(legal, first=rng.choice(known))
    plain = PersonName(strip_accents(legal.first), strip_accents(legal.last), "")
    return plain if plain != legal else replace(legal, middle="")


def generate_district(students: int, seed: int = 1, today: dt.date | None = None) -> DemoDistrict:
    """The demo district of ``students`` students for the academic year containing ``today``.

    Pure and deterministic: the same arguments describe the same district. ``today`` defaults
    to the real date only here, at the edge; tests pass one.
    """
    if students < 0:
        raise ValueError("students must not be negative")
    day = today if today is not None else dt.date.today()
    return DemoDistrict(DEMO_LEA, DEMO_LEA_NAME, AcademicYear.containing(day), day, seed, students)
