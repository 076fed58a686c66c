"""The CALPADS sandbox's statewide population, built from the demo district (a SIMULATOR, demo data).

For every demo student CALPADS knows (``state_ssid``), the sandbox holds that SSID, spelled and
dated as the state has it, with an enrollment history: in the demo LEA for students the district
already holds an SSID for, in another LEA for transfers. It adds what makes the round trip
interesting: near-namesakes elsewhere in the state (so some results are Multiple Match, and
some students new to the state get a candidate who is not them), the SSID retired by a MID merge
(it appears in the Replacement SSIDs Extract), and a few current-year differences from the
district's records (for the SENR ODS audit to find): about 1 % of held students lack their
current enrollment, 1 % carry last year's grade, half of the exits the district recorded are
missing, and 0.3 % have a stray enrollment at a second school.

Everything streams: the district's students are read once, rows are inserted in chunks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from domain.model import Enrollment, PersonName
from domain.values import AcademicYear, CdsCode
from seed.demo import DemoDistrict, DemoStudent
from seed.demo.names import CA_BIRTH_CITIES, OTHER_DISTRICTS
from seed.demo.people import grade_offset, state_spelling
from seed.demo.schooling import DEMO_SCHOOLS, GRADES, DemoSchool, first_school_day, pick_school
from seed.sandbox.history import SchoolPicker, Stint, enrollment_row, ods_first_year, other_lea_school, years_before
from seed.sandbox.models import (
    ENROLLMENT_COLUMNS,
    FIRST_NEW_SSID,
    STUDENT_COLUMNS,
    SandboxCounter,
    SandboxPosting,
    StateDisability,
    StateEnrollment,
    StateLanguage,
    StateStudent,
    bulk_insert,
    open_sandbox,
    reset_sandbox,
)
from seed.sandbox.scoring import blocking_keys
from store.database import utc_now

__all__ = ["init_population", "NAMESAKE_RATE_KNOWN", "NAMESAKE_RATE_NEW"]

NAMESAKE_RATE_KNOWN = 0.04
"""Share of students CALPADS knows who have a near-namesake elsewhere in the state."""

NAMESAKE_RATE_NEW = 0.08
"""Share of students new to CALPADS who have a near-namesake (a candidate who is not them)."""

_CHUNK = 2000
_MOD = 10**9
_SCRAMBLE = 387_420_489  # coprime with 10**9: index -> SSID is one-to-one
_SCHOOLS: dict[str, DemoSchool] = {school.code: school for school in DEMO_SCHOOLS}


@dataclass
class _Rows:
    """Rows waiting for the next chunked insert."""

    students: list[tuple[Any, ...]] = field(default_factory=list)
    enrollments: list[tuple[Any, ...]] = field(default_factory=list)
    languages: list[tuple[Any, ...]] = field(default_factory=list)
    disabilities: list[tuple[Any, ...]] = field(default_factory=list)
    student_count: int = 0
    enrollment_count: int = 0

    def flush(self) -> None:
        self.student_count += bulk_insert(StateStudent, STUDENT_COLUMNS, self.students)
        self.enrollment_count += bulk_insert(StateEnrollment, ENROLLMENT_COLUMNS, self.enrollments)
        bulk_insert(StateLanguage, ("ssid", "elas", "elas_start", "primary_language"), self.languages)
        bulk_insert(StateDisability, ("ssid", "swd"), self.disabilities)
        self.students, self.enrollments, self.languages, self.disabilities = [], [], [], []


def init_population(sandbox_url: str, district: DemoDistrict, progress: Callable[[int], None] | None = None) -> int:
    """Replace the sandbox's whole population with one consistent with ``district``; return the SSIDs created.

    Every demo student with a ``state_ssid`` exists statewide under it (spelled as ``state_name``,
    born ``state_birth_date``); retired SSIDs point at their replacement; near-namesakes and ten
    years of enrollment history are added. One transaction: on any error nothing changes.
    ``progress`` is called with the number of demo students done so far, chunk by chunk.
    """
    with open_sandbox(sandbox_url) as database, database.atomic():
        reset_sandbox()
        rows = _Rows()
        builder = _Builder(district, rows)
        for index, demo in enumerate(district.students()):
            builder.add(index, demo)
            if len(rows.students) >= _CHUNK:
                rows.flush()
                if progress is not None:
                    progress(index + 1)
        rows.flush()
        if progress is not None:
            progress(district.size)
        SandboxCounter.insert(name="ssid", value=FIRST_NEW_SSID).execute()
        SandboxPosting.insert(
            lea=district.lea, kind="population", file_name="", posted_at=utc_now(), records=rows.enrollment_count
        ).execute()
    return rows.student_count


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _derived_ssid(prefix: str, index: int, seed: int) -> str:
    return f"{prefix}{(index * _SCRAMBLE + seed * 40_503) % _MOD:09d}"


class _Builder:
    """Turns each demo student into statewide rows."""

    def __init__(self, district: DemoDistrict, rows: _Rows) -> None:
        self.district = district
        self.rows = rows
        self.year = district.year
        self.today = district.today
        self.first_year = ods_first_year(district.today)

    def add(self, index: int, demo: DemoStudent) -> None:
        rng = random.Random(f"{self.district.seed}:sandbox:{index}")
        student = demo.student
        current_grade = student.enrollments[-1].grade if student.enrollments else "KN"
        if demo.state_ssid is None or demo.state_name is None or demo.state_birth_date is None:
            if rng.random() < NAMESAKE_RATE_NEW:
                self._namesakes(rng, index, student.legal, student.birth_date, student.gender, current_grade)
            return
        if demo.case == "duplicate_record" and student.ssid is None:
            return  # a second local record of a child whose statewide record comes with the first
        ssid = demo.state_ssid
        created = demo.state_ssid_created or self.today
        self._student(ssid, demo.state_name, demo.state_birth_date, demo.state_gender or student.gender, created,
                      (demo.state_birth_city, demo.state_birth_state, demo.state_birth_country), suffix=student.suffix)
        if demo.state_language is not None and (demo.state_language.elas or demo.state_language.primary_language):
            lang = demo.state_language
            self.rows.languages.append((ssid, lang.elas or "", _iso(lang.elas_start), lang.primary_language or ""))
        if demo.state_swd is not None:
            self.rows.disabilities.append((ssid, demo.state_swd))
        for retired, retired_on in self._retirements(demo, created, index):
            self._student(retired, demo.state_name, demo.state_birth_date, demo.state_gender or student.gender,
                          min(created + dt.timedelta(days=400), retired_on),
                          (demo.state_birth_city, demo.state_birth_state, demo.state_birth_country),
                          suffix=student.suffix, replaced_by=ssid, retired_on=retired_on)
        if student.ssid is not None:
            self._held_history(rng, ssid, student.local_id, student.enrollments, student.active)
        else:
            lea = demo.prior_district or OTHER_DISTRICTS[index % len(OTHER_DISTRICTS)]
            local_start = student.enrollments[-1].start if student.enrollments else self.today
            self._transfer_history(ssid, lea, current_grade, created, local_start)
        if rng.random() < NAMESAKE_RATE_KNOWN:
            self._namesakes(rng, index, demo.state_name, demo.state_birth_date, demo.state_gender or student.gender, current_grade)

    def _retirements(self, demo: DemoStudent, created: dt.date, index: int) -> list[tuple[str, dt.date]]:
        found: list[tuple[str, dt.date]] = []
        if demo.retired_ssid is not None:  # merged this year: the Replacement SSIDs Extract lists it
            found.append((demo.retired_ssid, max(self.year.first_day, self.today - dt.timedelta(days=index % 45))))
        old = demo.student.old_state_id
        if old is not None:  # merged long ago: already replaced locally
            found.append((old, min(created + dt.timedelta(days=30), self.today)))
        return found

    def _student(
        self, ssid: str, name: PersonName, birth: dt.date, gender: str, created: dt.date,
        place: tuple[str, str, str], *, suffix: str = "", replaced_by: str | None = None, retired_on: dt.date | None = None,
    ) -> None:  # fmt: skip
        name_key, year_key = blocking_keys(name.last, name.first, birth)
        self.rows.students.append(
            (ssid, name.first, name.middle, name.last, suffix, birth.isoformat(), gender, *place,
             created.isoformat(), replaced_by, _iso(retired_on), name_key, year_key)
        )  # fmt: skip

    def _enroll(self, ssid: str, local_id: str, stints: list[Stint]) -> None:
        self.rows.enrollments.extend(enrollment_row(ssid, local_id, stint, self.today) for stint in stints)

    def _demo_picker(self, rng: random.Random) -> SchoolPicker:
        def pick(grade: str, later: str) -> str:
            school = _SCHOOLS.get(later)
            return later if school is not None and grade in school.grades else pick_school(rng, grade).code

        return pick

    def _held_history(
        self, rng: random.Random, ssid: str, local_id: str, enrollments: tuple[Enrollment, ...], active: bool
    ) -> None:
        """The district's own enrollments as CALPADS has them (with a few differences), and the years before."""
        lea = self.district.lea
        stints = [
            Stint(lea, e.school, AcademicYear.containing(e.start), e.grade, e.start, e.exit_date, e.exit_reason, e.completion_status, e.status)
            for e in enrollments
        ]  # fmt: skip
        if not stints:
            return
        earliest = stints[0]
        current = stints[-1]
        roll = rng.random()
        if current.year == self.year:
            if roll < 0.01:
                stints.pop()  # never posted: the ODS audit adds it
            elif roll < 0.02 and GRADES.index(current.grade) > 0:
                stints[-1] = replace(current, grade=GRADES[GRADES.index(current.grade) - 1])
            elif current.exit_date is not None and roll < 0.5:
                stints[-1] = replace(current, exit_date=None, exit_reason="", completion="")
            elif roll > 0.997:
                stray = pick_school(rng, current.grade, avoid=CdsCode(current.school))
                stints.append(replace(current, school=stray.code, exit_date=None, exit_reason=""))
        older = years_before(
            lea=lea, grade=earliest.grade, school=earliest.school, year=earliest.year,
            earliest=max(self.first_year, AcademicYear(self.year.start_year - max(0, grade_offset(current.grade)))),
            pick=self._demo_picker(rng),
        )  # fmt: skip
        self._enroll(ssid, local_id, [*stints, *older])

    def _transfer_history(self, ssid: str, lea: str, grade: str, created: dt.date, local_start: dt.date) -> None:
        """Enrollments in another LEA up to the move into the demo district."""
        local_id = ssid[-7:]
        school = other_lea_school(lea, grade)
        earliest = max(self.first_year, AcademicYear.containing(created))
        opening = first_school_day(self.year)
        stints: list[Stint] = []
        if local_start > opening and created < local_start:
            start = max(opening, created)
            stints.append(Stint(lea, school, self.year, grade, start, local_start - dt.timedelta(days=1), "T160"))
        elif created >= opening:
            stints.append(Stint(lea, school, self.year, grade, created, created, "N470"))
        leaving = None if stints else ("T160", "")
        older = years_before(
            lea=lea, grade=grade, school=school, year=self.year, earliest=earliest,
            pick=lambda g, _later: other_lea_school(lea, g), leaving=leaving,
        )  # fmt: skip
        self._enroll(ssid, local_id, [*stints, *older])

    def _namesakes(
        self, rng: random.Random, index: int, name: PersonName, birth: dt.date, gender: str, grade: str
    ) -> None:
        """One or two other children with nearly this name and birth date, enrolled in another LEA."""
        variants = ["same_name"] if rng.random() < 0.5 else ["spelling"]
        if rng.random() < 0.2:
            variants = ["same_name", "spelling"]
        for variant in variants:
            ssid = _derived_ssid("6" if variant == "same_name" else "7", index, self.district.seed)
            if variant == "same_name":
                day = (birth.day - 1 + rng.randint(3, 20)) % 28 + 1
                other_birth, other_name = birth.replace(day=day), name
            else:
                other_birth = dt.date(birth.year, rng.randint(1, 12), rng.randint(1, 28))
                other_name = state_spelling(rng, name)
            lea = rng.choice(OTHER_DISTRICTS)
            kinder = AcademicYear(self.year.start_year - max(0, grade_offset(grade)))
            created = max(first_school_day(kinder), other_birth)
            self._student(ssid, other_name, other_birth, gender, min(created, self.today),
                          ("" if rng.random() < 0.05 else rng.choice(CA_BIRTH_CITIES), "US-CA", "US"))  # fmt: skip
            self.rows.disabilities.append((ssid, "N"))
            school = other_lea_school(lea, grade)
            start = min(first_school_day(self.year), self.today)
            now = Stint(lea, school, self.year, grade, start)
            older = years_before(
                lea=lea, grade=grade, school=school, year=self.year, earliest=max(self.first_year, kinder),
                pick=lambda g, _later: other_lea_school(lea, g),
            )  # fmt: skip
            self._enroll(ssid, ssid[-7:], [now, *older])
