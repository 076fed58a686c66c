"""The demo district's schools, calendar, enrollments, language status and special education."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from domain.model import Enrollment, LanguageStatus, SpecialEducation
from domain.values import AcademicYear, CdsCode

__all__ = [
    "DemoSchool",
    "DEMO_SCHOOLS",
    "GRADES",
    "first_school_day",
    "last_school_day",
    "pick_grade",
    "pick_school",
    "enrollments_for",
    "language_for",
    "special_education_for",
]

GRADES: tuple[str, ...] = ("TK", "KN", *(f"{g:02d}" for g in range(1, 13)))
_GRADE_WEIGHTS = [0.55, *([1.0] * 13)]


@dataclass(frozen=True, slots=True)
class DemoSchool:
    """A school of the demo LEA; ``selected`` = selected for CALPADS in the settings."""

    code: CdsCode
    name: str
    kind: str
    selected: bool
    grades: tuple[str, ...] = ()


def _span(first: str, last: str) -> tuple[str, ...]:
    return GRADES[GRADES.index(first) : GRADES.index(last) + 1]


# School codes are fictional; 19xxxxx/60xxxxx mimic Los Angeles County's numbering.
DEMO_SCHOOLS: tuple[DemoSchool, ...] = (
    DemoSchool(CdsCode("6019715"), "Cortada Elementary", "elementary", True, _span("TK", "05")),
    DemoSchool(CdsCode("6019723"), "Potrero Heights Elementary", "elementary", True, _span("TK", "05")),
    DemoSchool(CdsCode("6105217"), "Cleminson TK-8 Academy", "tk8", True, _span("TK", "08")),
    DemoSchool(CdsCode("6019731"), "Madrid Middle", "middle", True, _span("06", "08")),
    DemoSchool(CdsCode("1936145"), "Arroyo High", "high", True, _span("09", "12")),
    DemoSchool(CdsCode("1996057"), "Valle Lindo Continuation High", "continuation", False, _span("10", "12")),
)
_BY_KIND = {s.kind: [x for x in DEMO_SCHOOLS if x.kind == s.kind] for s in DEMO_SCHOOLS}


def first_school_day(year: AcademicYear) -> dt.date:
    """The Wednesday on or after August 10 (a typical Southern California first day)."""
    day = dt.date(year.start_year, 8, 10)
    return day + dt.timedelta(days=(2 - day.weekday()) % 7)


def last_school_day(year: AcademicYear) -> dt.date:
    day = dt.date(year.start_year + 1, 6, 6)
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def pick_grade(rng: random.Random) -> str:
    return rng.choices(GRADES, _GRADE_WEIGHTS)[0]


def pick_school(rng: random.Random, grade: str, avoid: CdsCode | None = None) -> DemoSchool:
    """Elementary grades mostly go to the two elementaries, some to the TK-8; a few 10-12 to continuation."""
    n = GRADES.index(grade)
    if n <= GRADES.index("05"):
        options, weights = _BY_KIND["elementary"] + _BY_KIND["tk8"], [0.4, 0.4, 0.2]
    elif n <= GRADES.index("08"):
        options, weights = _BY_KIND["middle"] + _BY_KIND["tk8"], [0.75, 0.25]
    elif grade == "09":
        options, weights = _BY_KIND["high"], [1.0]
    else:
        options, weights = _BY_KIND["high"] + _BY_KIND["continuation"], [0.95, 0.05]
    if avoid is not None and len(options) > 1:
        keep = [k for k, s in enumerate(options) if s.code != avoid]
        options, weights = [options[k] for k in keep], [weights[k] for k in keep]
    return rng.choices(options, weights)[0]


def _prior_school(rng: random.Random, grade: str, school: DemoSchool) -> tuple[DemoSchool, bool]:
    """Where a continuing student was last year, and whether they were promoted out of it."""
    if grade == "06" and school.kind == "middle":
        return pick_school(rng, "05"), True
    if grade == "09":
        return pick_school(rng, "08"), True
    if school.kind == "continuation":
        return _BY_KIND["high"][0], False
    return school, False


def enrollments_for(
    rng: random.Random,
    grade: str,
    school: DemoSchool,
    year: AcademicYear,
    today: dt.date,
    *,
    continuing: bool,
    exited: bool = False,
    future: bool = False,
) -> tuple[Enrollment, ...]:
    """This year's enrollment (and last year's when ``continuing``), never starting after ``today`` unless ``future``."""
    opening = min(first_school_day(year), today)
    start = opening
    if future:
        start = today + dt.timedelta(days=rng.randint(7, 30))
    elif not continuing and today > opening and rng.random() < 0.3:
        start = opening + dt.timedelta(days=rng.randint(0, (today - opening).days))
    current = Enrollment(school=school.code, grade=grade, start=start)
    if exited:
        exit_day = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
        current = Enrollment(school.code, grade, start, exit_date=exit_day, exit_reason=rng.choice(("T160", "T200", "T240", "N470")))
        if current.exit_reason == "N470":
            current = Enrollment(school.code, grade, start, exit_date=start, exit_reason="N470")
    if not continuing or grade in ("TK",):
        return (current,)
    last_year = AcademicYear(year.start_year - 1)
    prior_grade = GRADES[GRADES.index(grade) - 1]
    where, promoted = _prior_school(rng, grade, school)
    prior = Enrollment(
        school=where.code,
        grade=prior_grade,
        start=first_school_day(last_year),
        exit_date=last_school_day(last_year),
        exit_reason="E230" if promoted else "E155",
        completion_status="480" if promoted else "",
    )
    return (prior, current)


def language_for(
    rng: random.Random, home_language: str, first_enrolled: dt.date, today: dt.date, *, new_student: bool
) -> LanguageStatus:
    """ELAS by home language: English homes are EO; others a mix of EL, RFEP, IFEP (TBD when new)."""
    if home_language == "00":
        return LanguageStatus("EO", None, "00")
    if new_student:
        return LanguageStatus("TBD", min(first_enrolled, today), home_language) if rng.random() < 0.7 else LanguageStatus(None, None, home_language)
    roll = rng.random()
    status = "EL" if roll < 0.38 else "RFEP" if roll < 0.68 else "IFEP" if roll < 0.9 else "EO"
    if status == "EO":
        return LanguageStatus("EO", None, home_language)
    start = first_enrolled
    span = (today - first_enrolled).days
    if status == "RFEP" and span < 400:  # reclassification takes years of instruction
        status = "EL"
    if status == "RFEP":
        start = first_enrolled + dt.timedelta(days=rng.randint(365, span))
    return LanguageStatus(status, start, home_language)


def special_education_for(rng: random.Random, *, known: bool) -> SpecialEducation:
    """About 12 % of students have disabilities; unknown (None) for students new to the district."""
    if not known:
        return SpecialEducation(None)
    return SpecialEducation("Y" if rng.random() < 0.12 else "N")
