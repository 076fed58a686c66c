"""One SENR record from a local student and one of their enrollments (shared by Step 1 and the ODS audit).

Names are written as the SIS stores them (case and accents kept): CALPADS matches names
case-insensitively, and changing them here would send something a person never saw. The
writer refuses what it cannot represent (a caret, a value too long), pre-validation reports the
rest.
"""

from __future__ import annotations

from domain.model import Enrollment, Student
from domain.planning.translation import CodeTranslator
from domain.records import SenrRecord
from domain.values import AcademicYear, CdsCode, format_calpads_date

__all__ = ["senr_record"]


def senr_record(
    student: Student,
    enrollment: Enrollment,
    *,
    lea: CdsCode,
    year: AcademicYear,
    translate: CodeTranslator,
    ssid: str = "",
    transaction: str = "",
    with_exit: bool = False,
) -> SenrRecord:
    """The SENR record of ``student``'s ``enrollment``, local codes translated to CALPADS codes.

    ``ssid`` goes in field 8 (blank asks CALPADS for a new one); ``transaction`` in field 2.
    Exit date, exit reason and completion status are written only ``with_exit`` (an SSID request
    leaves them blank). Local Record ID and the other conditional fields stay blank.
    Raises :class:`~domain.errors.TranslationMissing` for a code with no CALPADS translation.
    """
    local_id = student.local_id
    alias = student.alias
    return SenrRecord(
        transaction_type=transaction,
        reporting_lea=lea,
        school=enrollment.school,
        academic_year=year.code,
        ssid=ssid,
        local_student_id=local_id,
        legal_first=student.legal.first,
        legal_middle=student.legal.middle,
        legal_last=student.legal.last,
        suffix=translate("suffix", student.suffix, local_id),
        alias_first=alias.first if alias else "",
        alias_middle=alias.middle if alias else "",
        alias_last=alias.last if alias else "",
        birth_date=format_calpads_date(student.birth_date),
        gender=translate("gender", student.gender, local_id),
        birth_city=student.birth_city,
        birth_state=translate("birth_state", student.birth_state, local_id),
        birth_country=translate("birth_country", student.birth_country, local_id),
        enroll_start=format_calpads_date(enrollment.start),
        enroll_status=translate("enroll_status", enrollment.status, local_id),
        grade=translate("grade", enrollment.grade, local_id),
        exit_date=format_calpads_date(enrollment.exit_date) if with_exit else "",
        exit_reason=translate("exit_reason", enrollment.exit_reason, local_id) if with_exit else "",
        completion_status=(
            translate("completion_status", enrollment.completion_status, local_id) if with_exit else ""
        ),
    )
