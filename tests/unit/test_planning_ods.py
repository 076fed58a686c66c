"""SENR ODS audit: the delete, replace and add records that bring CALPADS' current year in line."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from domain.model import Enrollment, PersonName, Student
from domain.planning import CodeTranslator, DeleteReason, reference_ods_plan
from domain.records import OdsSenrRecord, SenrRecord
from domain.values import AcademicYear, CdsCode, LocalId, Ssid

LEA = CdsCode("1964212")
YEAR = AcademicYear(2025)
TODAY = dt.date(2025, 9, 1)
SCHOOL = CdsCode("6000001")
CALPADS = SenrRecord(
    *"SENR-R^^^1964212^6000001^^2025-2026^^^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US^20250814^10^05^^^^^^^^^^^".split("^")
)


def _ods(ssid: str, local_id: str, **changes: str) -> OdsSenrRecord:
    return OdsSenrRecord(replace(CALPADS, ssid=ssid, local_student_id=local_id, **changes), "20250815", "20250816")


def _student(local_id: str, ssid: str | None, *enrollments: Enrollment) -> Student:
    return Student(
        LocalId(local_id), PersonName("MARIA", "LOPEZ", "ELENA"), dt.date(2015, 3, 14), "F",
        birth_city="LOS ANGELES", birth_state="US-CA", birth_country="US",
        ssid=Ssid(ssid) if ssid else None, enrollments=enrollments,
    )


AUG14 = dt.date(2025, 8, 14)
ODS = [
    _ods("1000000001", "1"),  # same as local: unchanged
    _ods("2000000002", "2"),  # local grade is 06: replace
    _ods("4000000004", "4"),  # no local enrollment this year: delete
    _ods("4000000004", "4", academic_year="2024-2025", enroll_start="20240815", grade="04"),  # earlier year: never
    _ods("5000000005", "5"),  # local start moved to Aug 18: delete + add
    _ods("8000000008", "8", reporting_lea="1111111"),  # another LEA's record: ignored
]
STUDENTS = [
    _student("1", "1000000001", Enrollment(SCHOOL, "05", AUG14)),
    _student("2", "2000000002", Enrollment(SCHOOL, "06", AUG14)),
    _student("3", "3000000003", Enrollment(SCHOOL, "05", AUG14)),  # missing in CALPADS: add
    _student("4", "4000000004", Enrollment(SCHOOL, "04", dt.date(2024, 8, 15), exit_date=dt.date(2025, 6, 12), exit_reason="E155")),
    _student("5", "5000000005", Enrollment(SCHOOL, "05", dt.date(2025, 8, 18))),
    _student("6", None, Enrollment(SCHOOL, "05", AUG14)),  # no SSID: left to the SSID workflow
    _student("7", "7000000007", Enrollment(SCHOOL, "05", dt.date(2025, 9, 15))),  # not started yet
]


def _lines(records: list[SenrRecord]) -> list[str]:
    return ["^".join(r.values()) for r in records]


def test_deletes_replaces_and_adds_in_posting_order() -> None:
    plan = reference_ods_plan(ODS, STUDENTS, year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator())
    assert [(d.record.local_student_id, d.reason) for d in plan.deletes] == [
        ("5", DeleteReason.ENROLLMENT_CHANGED),
        ("4", DeleteReason.NOT_ENROLLED_LOCALLY),
    ]
    assert _lines(plan.delete_records) == [
        "SENR^D^^1964212^6000001^^2025-2026^5000000005^5^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
        "^20250814^10^05^^^^^^^^^^^",
        "SENR^D^^1964212^6000001^^2025-2026^4000000004^4^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
        "^20250814^10^05^^^^^^^^^^^",
    ]
    assert _lines(plan.replaces) == [
        "SENR^R^^1964212^6000001^^2025-2026^2000000002^2^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
        "^20250814^10^06^^^^^^^^^^^",
    ]
    assert _lines(plan.adds) == [
        "SENR^A^^1964212^6000001^^2025-2026^3000000003^3^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
        "^20250814^10^05^^^^^^^^^^^",
        "SENR^A^^1964212^6000001^^2025-2026^5000000005^5^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
        "^20250818^10^05^^^^^^^^^^^",
    ]
    assert plan.without_ssid == ["6"]
    assert (plan.unchanged, plan.earlier_years, plan.other_lea, plan.not_started) == (1, 1, 1, 1)
    assert [kind for kind, _, _ in plan.in_posting_order()] == ["delete", "replace", "add"]
    assert (plan.delete_violations, plan.replace_violations, plan.add_violations) == ([], [], [])


def test_an_exit_recorded_locally_replaces_the_open_calpads_record() -> None:
    exited = Enrollment(SCHOOL, "05", AUG14, exit_date=dt.date(2025, 8, 29), exit_reason="T160")
    plan = reference_ods_plan(
        [_ods("1000000001", "1")], [_student("1", "1000000001", exited)],
        year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator(),
    )
    assert [(r.transaction_type, r.exit_date, r.exit_reason) for r in plan.replaces] == [("R", "20250829", "T160")]


def test_local_codes_are_translated_before_comparing() -> None:
    plan = reference_ods_plan(
        [_ods("1000000001", "1")], [_student("1", "1000000001", Enrollment(SCHOOL, "5", AUG14))],
        year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator({("grade", "5"): "05"}),
    )
    assert (plan.unchanged, plan.replaces, plan.adds, plan.deletes) == (1, [], [], [])


def test_each_file_is_pre_validated() -> None:
    completer = Enrollment(SCHOOL, "05", AUG14, exit_date=dt.date(2025, 8, 29), exit_reason="E230")
    plan = reference_ods_plan(
        [], [_student("1", "1000000001", completer)], year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator()
    )
    assert [(v.record, v.rule, v.field_number) for v in plan.add_violations] == [(1, "GERR0001", 27)]


def test_a_student_with_two_current_enrollments_keeps_both() -> None:
    first = Enrollment(SCHOOL, "05", AUG14, exit_date=dt.date(2025, 8, 22), exit_reason="T160")
    second = Enrollment(CdsCode("6000002"), "05", dt.date(2025, 8, 25))
    ods = [
        _ods("1000000001", "1", exit_date="20250822", exit_reason="T160"),
        _ods("1000000001", "1", school="6000002", enroll_start="20250825"),
    ]
    plan = reference_ods_plan(
        ods, [_student("1", "1000000001", first, second)], year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator()
    )
    assert (plan.unchanged, plan.replaces, plan.adds, plan.deletes) == (2, [], [], [])


def test_a_calpads_record_of_a_local_student_without_ssid_is_not_deleted() -> None:
    # CALPADS enrolled student 6 under an SSID the district has not loaded yet: not a delete.
    ods = [_ods("6000000006", "6"), _ods("9000000009", "9")]
    plan = reference_ods_plan(
        ods, [_student("6", None, Enrollment(SCHOOL, "05", AUG14))],
        year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator(),
    )
    assert plan.without_ssid == ["6"]
    assert plan.without_ssid_records == 1
    assert [d.record.local_student_id for d in plan.deletes] == ["9"]
