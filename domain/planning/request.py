"""Step 1: which students go into the SSID request file, why the others do not, and its records.

A student is requested when they are active, have no SSID, and have an enrollment of the current
academic year at a selected school that has already started; then a KEEP selection (only these)
and/or a SKIP selection (all but these) narrows the list. Every student without an SSID who is
left out is listed with the reason, in the order the checks are made (inactive, no current
enrollment, school not selected, future start, not kept, skipped). Students who already have an
SSID are not requested and not listed.

When a student has several qualifying enrollments, the one requested is the one still open
(no exit date, or an exit date not yet passed), then primary status (``10``), then the latest
start. KEEP/SKIP grades and schools are compared with that enrollment; grades in local codes.

A **summer** selection (Summer ELPAC testing) also takes students whose only enrollment at a
selected school starts in the future (pre-enrolled), in the current academic year or the next:
the earliest such enrollment is requested, with its own start date and academic year. An ordinary
selection keeps leaving them out ("future start").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from domain.duplicates import possible_duplicate_text
from domain.model import Enrollment, Student
from domain.planning.senr import senr_record
from domain.planning.translation import CodeTranslator
from domain.records import SenrRecord
from domain.values import AcademicYear, CdsCode, LocalId

__all__ = [
    "Selection",
    "ExclusionReason",
    "Exclusion",
    "RequestSelection",
    "select_request",
    "build_senr_records",
    "request_file_name",
    "updated_file_name",
]


@dataclass(frozen=True, slots=True)
class Selection:
    """A KEEP or SKIP selection: a student is in it when any one criterion matches.

    ``ids`` are local student ids, ``grades`` local grade codes, ``schools`` school codes,
    ``tags`` the SIS tags of the student. An empty selection matches nobody.
    """

    ids: frozenset[LocalId] = frozenset()
    grades: frozenset[str] = frozenset()
    schools: frozenset[CdsCode] = frozenset()
    tags: frozenset[str] = frozenset()

    @classmethod
    def of_ids(cls, ids: Iterable[str]) -> Selection:
        """A selection of local ids (a KEEP/SKIP file: one id a line; blank lines ignored)."""
        return cls(ids=frozenset(LocalId(i.strip()) for i in ids if i.strip()))

    def matches(self, student: Student, enrollment: Enrollment) -> bool:
        """Whether ``student`` (requested for ``enrollment``) is in this selection."""
        return (
            student.local_id in self.ids
            or enrollment.grade in self.grades
            or enrollment.school in self.schools
            or not self.tags.isdisjoint(student.tags)
        )


class ExclusionReason(Enum):
    """Why a student without an SSID is not in the request file."""

    INACTIVE = "inactive"
    NO_CURRENT_ENROLLMENT = "no_current_enrollment"
    SCHOOL_NOT_SELECTED = "school_not_selected"
    FUTURE_START = "future_start"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    NOT_KEPT = "not_kept"
    SKIPPED = "skipped"

    @property
    def text(self) -> str:
        """The reason as the console and the command line show it."""
        return _REASON_TEXT[self]


_REASON_TEXT = {
    ExclusionReason.INACTIVE: "inactive",
    ExclusionReason.NO_CURRENT_ENROLLMENT: "no current enrollment",
    ExclusionReason.SCHOOL_NOT_SELECTED: "school not selected",
    ExclusionReason.FUTURE_START: "future start",
    ExclusionReason.POSSIBLE_DUPLICATE: "possible duplicate",
    ExclusionReason.NOT_KEPT: "not in the KEEP selection",
    ExclusionReason.SKIPPED: "skipped",
}


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A student without an SSID left out of the request file, and why (a possible duplicate: of whom)."""

    local_id: LocalId
    reason: ExclusionReason
    duplicate_of: LocalId | None = None

    @property
    def text(self) -> str:
        """The reason as the console and the command line show it."""
        if self.reason is ExclusionReason.POSSIBLE_DUPLICATE and self.duplicate_of is not None:
            return possible_duplicate_text(self.duplicate_of)
        return self.reason.text


@dataclass(frozen=True)
class RequestSelection:
    """The outcome of Step 1's selection: requested students with their enrollment, and the others."""

    included: list[tuple[Student, Enrollment]] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)


def select_request(
    students: Iterable[Student],
    *,
    selected_schools: frozenset[CdsCode],
    year: AcademicYear,
    today: dt.date,
    keep: Selection | frozenset[LocalId] | None = None,
    skip: Selection | frozenset[LocalId] | None = None,
    summer: bool = False,
    held_back: Mapping[LocalId, LocalId] | None = None,
) -> RequestSelection:
    """Choose the students of an SSID request file (product.md Step 1), in the order given.

    ``keep`` and ``skip`` are selections, or plain sets of local ids. ``summer``: a Summer ELPAC
    run's selection, which also takes pre-enrolled students (see the module's docstring).
    ``held_back``: records a person decided are a second record of one child (→ the other record):
    never requested, whatever the selection ("possible duplicate of …: merge the two records in your SIS").
    """
    held_back = held_back or {}
    keep, skip = _as_selection(keep), _as_selection(skip)
    result = RequestSelection()
    for student in students:
        if student.ssid is not None:
            continue
        chosen = _requested_enrollment(student, selected_schools, year, today, summer)
        if isinstance(chosen, ExclusionReason):
            result.excluded.append(Exclusion(student.local_id, chosen))
        elif student.local_id in held_back:
            result.excluded.append(
                Exclusion(student.local_id, ExclusionReason.POSSIBLE_DUPLICATE, held_back[student.local_id])
            )
        elif keep is not None and not keep.matches(student, chosen):
            result.excluded.append(Exclusion(student.local_id, ExclusionReason.NOT_KEPT))
        elif skip is not None and skip.matches(student, chosen):
            result.excluded.append(Exclusion(student.local_id, ExclusionReason.SKIPPED))
        else:
            result.included.append((student, chosen))
    return result


def _as_selection(given: Selection | frozenset[LocalId] | None) -> Selection | None:
    return Selection(ids=given) if isinstance(given, frozenset) else given


def _requested_enrollment(
    student: Student, schools: frozenset[CdsCode], year: AcademicYear, today: dt.date, summer: bool
) -> Enrollment | ExclusionReason:
    if not student.active:
        return ExclusionReason.INACTIVE
    next_year = AcademicYear(year.start_year + 1)
    current = [
        e for e in student.enrollments
        if year.contains(e.start) or (summer and e.start > today and next_year.contains(e.start))
    ]
    if not current:
        return ExclusionReason.NO_CURRENT_ENROLLMENT
    at_selected = [e for e in current if e.school in schools]
    if not at_selected:
        return ExclusionReason.SCHOOL_NOT_SELECTED
    started = [e for e in at_selected if e.start <= today]
    if not started and summer:
        return min(at_selected, key=lambda e: e.start)  # pre-enrolled: the first enrollment to come
    if not started:
        return ExclusionReason.FUTURE_START
    return max(started, key=lambda e: (e.exit_date is None or e.exit_date >= today, e.status == "10", e.start))


def build_senr_records(
    included: Iterable[tuple[Student, Enrollment]],
    *,
    lea: CdsCode,
    year: AcademicYear,
    translate: CodeTranslator,
) -> list[SenrRecord]:
    """The SSID request records: blank SSID, blank exit fields, local codes translated; each with
    the academic year of its enrollment's start (``year`` for every one of an ordinary run; a
    summer run's pre-enrolled student may start in the next).

    Raises :class:`~domain.errors.TranslationMissing` naming the first student and field whose
    code has no CALPADS translation.
    """
    return [
        senr_record(s, e, lea=lea, year=year if year.contains(e.start) else AcademicYear.containing(e.start), translate=translate)
        for s, e in included
    ]


def request_file_name(now: dt.datetime) -> str:
    """``YYYY_MM_DD_HHMMSS_SENR_SSID.txt``, the name CALPADS users know the request file by."""
    return f"{now:%Y_%m_%d_%H%M%S}_SENR_SSID.txt"


def updated_file_name(now: dt.datetime) -> str:
    """``YYYY_MM_DD_HHMMSS_SENR_SSID_Updated.txt``, the Step 4 file."""
    return f"{now:%Y_%m_%d_%H%M%S}_SENR_SSID_Updated.txt"
