"""Summer ELPAC testing: the SELA records that let a summer run's new students be tested.

A summer run requests pre-enrolled students too (:func:`domain.planning.request.select_request`
with ``summer=True``). Beside its updated SENR file it writes a SELA file giving every student it
sends whose primary language is not English (``00``) and who has no ELAS yet the status ``TBD``
(to be determined), so the state's testing vendor can test them in summer.

Assumptions [A] (no public source shows them): the ``TBD`` start date is the start date of the
enrollment the run sends, and the record's school and academic year are that enrollment's. SELA's
SSID is required: a student sent for a **new** SSID gets their SELA record once CALPADS has
issued it (they are returned as waiting, not written with a blank SSID).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.model import Student
from domain.records import SelaRecord, SenrRecord
from domain.values import LocalId

__all__ = ["ENGLISH", "TBD", "SummerSela", "summer_sela"]

ENGLISH = "00"
"""CALPADS' primary language code for English."""

TBD = "TBD"
"""The ELAS code "to be determined": the student is to be tested."""


class SummerSela:
    """The SELA ``TBD`` records of a summer run's updated file, and the students waiting for an SSID."""

    def __init__(self, records: list[SelaRecord], waiting: list[LocalId]) -> None:
        self.records = records
        self.waiting = waiting


def summer_sela(sent: Iterable[SenrRecord], students: Mapping[LocalId, Student]) -> SummerSela:
    """The SELA ``TBD`` records for the students of an updated file ``sent`` (in file order) whose
    primary language is known and not English and who have no ELAS; those of them sent for a new
    SSID (a blank SSID) are returned as waiting instead."""
    records: list[SelaRecord] = []
    waiting: list[LocalId] = []
    for senr in sent:
        local_id = LocalId(senr.local_student_id)
        student = students.get(local_id)
        if student is None:
            continue
        language = student.language
        if language.elas is not None or not language.primary_language or language.primary_language == ENGLISH:
            continue
        if not senr.ssid:
            waiting.append(local_id)
            continue
        records.append(
            SelaRecord(  # record type SELA; transaction type, Local Record ID and correction reason blank
                reporting_lea=senr.reporting_lea, school=senr.school, academic_year=senr.academic_year, ssid=senr.ssid,
                legal_first=senr.legal_first, legal_last=senr.legal_last, birth_date=senr.birth_date, gender=senr.gender,
                local_student_id=senr.local_student_id, elas=TBD, elas_start=senr.enroll_start,
                primary_language=language.primary_language,
            )
        )
    return SummerSela(records, waiting)
