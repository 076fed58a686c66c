"""Local pre-validation of SELA records (calpads-files.md §5.4, §6.5) before they are uploaded.

Field by field through the SELA layout table (length, required, codes, dates, digits), then across
fields: the Reporting LEA is ours; a start date is required for every status but ``EO``; the
academic year contains the status's start date. The rule names are this project's (no public
source lists CALPADS' SELA rule ids): ``SELA-FIELD``, ``SELA-LEA``, ``SELA-START``, ``SELA-YEAR``.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import InvalidValue
from domain.layouts import first_problem, layout
from domain.records import SelaRecord
from domain.validation._result import Violation
from domain.values import AcademicYear, CdsCode, parse_calpads_date

__all__ = ["validate_sela"]

_ELAS_FIELD, _START_FIELD, _YEAR_FIELD, _LEA_FIELD = 13, 14, 6, 4


def validate_sela(records: Iterable[SelaRecord], *, lea: CdsCode) -> list[Violation]:
    """Every violation of a sequence of SELA records (a file's content), ordered by record."""
    where = layout("SELA")
    found: list[Violation] = []
    for number, record in enumerate(records, start=1):
        local_id = record.local_student_id
        problem = first_problem(where, record.values(), True)
        if problem is not None:
            spec, message = problem
            found.append(_v("SELA-FIELD", spec.number if spec is not None else 0, local_id, message, number))
            continue
        if record.reporting_lea != lea:
            found.append(_v("SELA-LEA", _LEA_FIELD, local_id, f"Reporting LEA is not the configured LEA {lea}", number))
        if record.elas != "EO" and not record.elas_start:
            found.append(_v("SELA-START", _START_FIELD, local_id, f"status {record.elas} needs a start date", number))
        elif record.elas_start:
            try:
                year = AcademicYear.parse(record.academic_year)
                start = parse_calpads_date(record.elas_start)
            except InvalidValue:
                continue
            if start is not None and not year.contains(start):
                found.append(_v("SELA-YEAR", _YEAR_FIELD, local_id, f"the status start date is not in {year}", number))
    return found


def _v(rule: str, number: int, local_id: str, message: str, record: int) -> Violation:
    name = layout("SELA").fields[number - 1].name if number else "record"
    return Violation(rule, number, name, local_id, message, record=record)
