"""Local pre-validation of SENR records before any upload (calpads-files.md §3).

Since 2022 one bad record makes CALPADS reject the whole file, so every SENR record the project
writes is checked here first. Each broken rule is one :class:`Violation` naming the rule code,
the field and the student's local id; IVR0012 (age out of range) is the only warning.

Checks come in three layers: field by field (:mod:`domain.validation._fields`), across the fields
of one record (:mod:`domain.validation._rules`), and across records (SENR0178, below).

SENR0178 ("two enrollments of one student at one school overlap") groups records by student
(local student id, else SSID) and school; a delete (``D``) is not an enrollment and is left out.
An enrollment runs from its start date up to its exit date (open when blank); one that starts on
the day another exits does not overlap it, as CALPADS' mid-year update (E150) closes a record and
opens the next one that way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from domain.records import SenrRecord
from domain.validation._fields import check_fields, make_violation
from domain.validation._result import Severity, Violation
from domain.validation._rules import RecordView, academic_year_or_none, check_rules
from domain.validation._sela import validate_sela
from domain.values import AcademicYear, CdsCode

__all__ = ["Severity", "Violation", "validate_record", "validate_senr", "validate_sela", "errors_of", "warnings_of"]

_OPEN = dt.date.max

_Period = tuple[dt.date, dt.date, int, str]
"""An enrollment for SENR0178: start, exit (or open), record number, local student id."""


def validate_record(
    record: SenrRecord, *, lea: CdsCode, current_year: AcademicYear, today: dt.date
) -> list[Violation]:
    """Every violation of one SENR record, field checks first, then cross-field rules.

    ``lea`` is the configured LEA (SENR0001); ``current_year`` the academic year in progress
    (SENR0006, SENR0167, and the year code validity is judged in when the record's own year is
    unusable); ``today`` the day birth dates must not be after (IVR0668). Records are numbered
    ``None``; :func:`validate_senr` numbers them.
    """
    return _check(record, lea=lea, current_year=current_year, today=today)[0]


def validate_senr(
    records: Iterable[SenrRecord], *, lea: CdsCode, current_year: AcademicYear, today: dt.date
) -> list[Violation]:
    """Every violation of a sequence of SENR records (a file's content), ordered by record and field.

    Each violation carries the record's 1-based position. The records are read once; only the
    enrollment periods needed for SENR0178 are kept.
    """
    found: list[Violation] = []
    periods: defaultdict[tuple[str, str], list[_Period]] = defaultdict(list)
    for number, record in enumerate(records, start=1):
        violations, view = _check(record, lea=lea, current_year=current_year, today=today)
        found.extend(_numbered(v, number) for v in violations)
        student = record.local_student_id or record.ssid
        if view.start is not None and student and record.transaction_type != "D" and view.ok(5, 26):
            periods[(student, record.school)].append((view.start, view.exit or _OPEN, number, record.local_student_id))
    found.extend(_overlaps(periods.values()))
    found.sort(key=lambda v: (v.record or 0, v.field_number))
    return found


def errors_of(violations: Iterable[Violation]) -> list[Violation]:
    """The violations that make CALPADS reject a file."""
    return [v for v in violations if v.severity is Severity.ERROR]


def warnings_of(violations: Iterable[Violation]) -> list[Violation]:
    """The violations a person may accept (IVR0012)."""
    return [v for v in violations if v.severity is Severity.WARNING]


def _check(
    record: SenrRecord, *, lea: CdsCode, current_year: AcademicYear, today: dt.date
) -> tuple[list[Violation], RecordView]:
    own_year = academic_year_or_none(record.academic_year)
    violations, bad = check_fields(record, own_year or current_year)
    view = RecordView.of(record, bad, year=own_year, lea=lea, current_year=current_year, today=today)
    violations.extend(check_rules(view))
    return violations, view


def _numbered(violation: Violation, number: int) -> Violation:
    return Violation(
        violation.rule,
        violation.field_number,
        violation.field_name,
        violation.local_id,
        violation.message,
        violation.severity,
        number,
    )


def _overlaps(groups: Iterable[list[_Period]]) -> list[Violation]:
    found: list[Violation] = []
    for periods in groups:
        if len(periods) < 2:
            continue
        periods.sort(key=lambda p: (p[0], p[2]))
        latest_end, latest_number = periods[0][1], periods[0][2]
        for start, end, number, local_id in periods[1:]:
            if start < latest_end:
                message = f"overlaps the enrollment of record {latest_number} at the same school"
                found.append(_numbered(make_violation("SENR0178", 22, local_id, message), number))
            if end > latest_end:
                latest_end, latest_number = end, number
    return found
