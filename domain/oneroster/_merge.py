"""What a OneRoster export lacks keeps the value the workbench holds.

OneRoster carries no suffix (and 1.1 no nonbinary sex: a blank ``sex`` keeps the gender), ELAS, primary language, SWD, addresses, tags or Old State ID, and
no enrollment status, exit reason or completion status; 1.1 carries no preferred (alias) name;
an export without parents carries no guardians; a student without enrollments in the export
keeps their enrollments. Those come from the stored student (or the roster CSV).
"""

from __future__ import annotations

from dataclasses import replace

from domain.model import Enrollment, Student
from domain.oneroster._read import OneRosterExport, OneRosterStudent

__all__ = ["merged_with_stored"]


def _with_stored_codes(enrollment: Enrollment, stored: tuple[Enrollment, ...]) -> Enrollment:
    """The stored enrollment at the same school from the same day lends its status (and, when
    the export also says it ended, its exit reason and completion status)."""
    same = next((e for e in stored if (e.school, e.start) == (enrollment.school, enrollment.start)), None)
    if same is None:
        return enrollment
    if enrollment.exit_date is None:
        return replace(enrollment, status=same.status)
    return replace(enrollment, status=same.status, exit_reason=same.exit_reason, completion_status=same.completion_status)


def merged_with_stored(given: OneRosterStudent, stored: Student | None, export: OneRosterExport) -> Student:
    """``given`` completed with what the export lacks, from ``stored`` (``None``: a new student)."""
    student = given.student
    if stored is None:
        if given.gender_missing is not None:
            raise given.gender_missing
        return student
    enrollments = stored.enrollments
    if given.enrolled:
        enrollments = tuple(_with_stored_codes(e, stored.enrollments) for e in student.enrollments)
    return replace(
        student,
        gender=student.gender or stored.gender,
        suffix=stored.suffix,
        alias=student.alias if export.carries_alias else stored.alias,
        ssid=student.ssid or stored.ssid,
        old_state_id=stored.old_state_id,
        tags=stored.tags,
        enrollments=enrollments,
        language=stored.language,
        special_education=stored.special_education,
        guardians=student.guardians if export.carries_guardians else stored.guardians,
        addresses=stored.addresses,
    )
