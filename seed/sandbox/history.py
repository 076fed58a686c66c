"""Invented school histories of the CALPADS sandbox's statewide students (a SIMULATOR, demo data).

A history is a list of :class:`Stint` (one enrollment a year), built backwards from the latest
year down the grade ladder to kindergarten, or to the first year of the SENR ODS window (ten
years back), whichever comes first. Rows go to :class:`seed.sandbox.models.StateEnrollment` in
:data:`seed.sandbox.models.ENROLLMENT_COLUMNS` order, dates as ISO text (both SQLite and
PostgreSQL take that for a date column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from domain.values import AcademicYear
from seed.demo.schooling import GRADES, first_school_day, last_school_day

__all__ = [
    "Stint",
    "SchoolPicker",
    "ods_first_year",
    "years_before",
    "enrollment_row",
    "other_lea_school",
]

SchoolPicker = Callable[[str, str], str]
"""``(grade, school attended the year after) -> school code`` for a year of a history."""

_KINDERGARTEN = GRADES.index("KN")


@dataclass(frozen=True, slots=True)
class Stint:
    """One enrollment of a history: a school, a grade, a year's start and exit."""

    lea: str
    school: str
    year: AcademicYear
    grade: str
    start: dt.date
    exit_date: dt.date | None = None
    exit_reason: str = ""
    completion: str = ""
    status: str = "10"


def ods_first_year(today: dt.date) -> AcademicYear:
    """The first academic year of the ten-year SENR ODS window (July 1 ten years back)."""
    return AcademicYear.containing(dt.date(today.year - 10, today.month, 1))


def other_lea_school(lea: str, grade: str) -> str:
    """An invented school code of another LEA: one elementary, one middle, one high school each."""
    index = GRADES.index(grade)
    band = 1 if index <= GRADES.index("05") else 2 if index <= GRADES.index("08") else 3
    return f"6{lea[2:]}{band}"


def years_before(
    *,
    lea: str,
    grade: str,
    school: str,
    year: AcademicYear,
    earliest: AcademicYear,
    pick: SchoolPicker,
    leaving: tuple[str, str] | None = None,
) -> list[Stint]:
    """The years before ``year`` (where the student is in ``grade`` at ``school``), most recent first.

    Each year runs from its first to its last school day. A year followed by the same school
    exits ``E155`` (returning); by another school ``E230`` with completion ``480`` (promoted).
    ``leaving`` overrides the exit reason and completion of the most recent year (``T160`` when
    the student then moved to another LEA). Stops at kindergarten and at ``earliest``.
    """
    stints: list[Stint] = []
    later_school = school
    index = GRADES.index(grade)
    for back in range(1, year.start_year - earliest.start_year + 1):
        if index - back < _KINDERGARTEN:
            break
        this_grade = GRADES[index - back]
        this_year = AcademicYear(year.start_year - back)
        this_school = pick(this_grade, later_school)
        reason, completion = ("E155", "") if this_school == later_school else ("E230", "480")
        if back == 1 and leaving is not None:
            reason, completion = leaving
        stints.append(
            Stint(lea, this_school, this_year, this_grade, first_school_day(this_year), last_school_day(this_year), reason, completion)
        )
        later_school = this_school
    return stints


@lru_cache(maxsize=4096)
def _dates(start: dt.date, exit_date: dt.date | None, today: dt.date) -> tuple[str, str | None, str, str]:
    """Start, exit, uploaded and updated as ISO text; cached, as most stints share their year's dates."""
    uploaded = min(start + dt.timedelta(days=9), today)
    updated = uploaded if exit_date is None else max(uploaded, min(exit_date + dt.timedelta(days=4), today))
    return start.isoformat(), None if exit_date is None else exit_date.isoformat(), uploaded.isoformat(), updated.isoformat()


def enrollment_row(ssid: str, local_id: str, stint: Stint, today: dt.date) -> tuple[str | None, ...]:
    """A :class:`StateEnrollment` row for ``stint``: uploaded a few days after the start, updated at the exit."""
    start, exit_date, uploaded, updated = _dates(stint.start, stint.exit_date, today)
    return (
        ssid, stint.lea, stint.school, "", stint.year.code, "", local_id, stint.grade, stint.status,
        start, exit_date, stint.exit_reason, stint.completion,
        "", "", "", "", "", "", "", "",
        uploaded, updated,
    )  # fmt: skip
