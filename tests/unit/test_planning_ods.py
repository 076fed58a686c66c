"""SENR ODS audit: the delete, replace and add records that bring CALPADS' current year in line."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from domain.model import Enrollment, PersonName, Student
from domain.planning import CodeTranslator, DeleteReason, OdsPlan, reference_ods_plan, senr_record
from domain.planning.ods import OdsOpenEnrollment, OdsReconciliation, open_enrollment, staged_record
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


def _plan(ods: list[OdsSenrRecord], students: list[Student], **options: object) -> OdsPlan:
    return reference_ods_plan(
        ods, students, year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator(), **options  # type: ignore[arg-type]
    )


def test_nothing_downloaded_and_nobody_local_plans_nothing() -> None:
    plan = _plan([], [])
    assert (plan.deletes, plan.replaces, plan.adds, plan.without_ssid, plan.prior_year_open) == ([], [], [], [], [])
    assert (plan.unchanged, plan.earlier_years, plan.other_lea, plan.not_selected, plan.not_started,
            plan.without_ssid_records) == (0, 0, 0, 0, 0, 0)


def test_an_enrollment_starting_today_is_added_and_one_starting_tomorrow_waits() -> None:
    plan = _plan([], [
        _student("1", "1000000001", Enrollment(SCHOOL, "05", TODAY)),
        _student("2", "2000000002", Enrollment(SCHOOL, "05", TODAY + dt.timedelta(days=1))),
        _student("5", "5000000005", Enrollment(SCHOOL, "05", YEAR.last_day)),
        _student("3", "3000000003", Enrollment(SCHOOL, "05", YEAR.first_day)),
        _student("4", "4000000004", Enrollment(SCHOOL, "05", YEAR.first_day - dt.timedelta(days=1))),
    ])
    assert [(r.local_student_id, r.enroll_start) for r in plan.adds] == [("1", "20250901"), ("3", "20250701")]
    assert (plan.not_started, plan.unchanged, plan.deletes) == (2, 0, [])


@pytest.mark.parametrize(
    ("field", "local", "calpads"),
    [
        ("grade", {"grade": "06"}, {}),
        ("enroll_status", {"status": "20"}, {}),
        ("exit_date", {"exit_date": dt.date(2025, 8, 29), "exit_reason": "T160"}, {"exit_reason": "T160"}),
        ("exit_reason", {"exit_date": dt.date(2025, 8, 29), "exit_reason": "T160"}, {"exit_date": "20250829"}),
        ("completion_status", {"exit_date": dt.date(2025, 8, 29), "exit_reason": "E230", "completion_status": "100"},
         {"exit_date": "20250829", "exit_reason": "E230", "completion_status": "480"}),
    ],
)
def test_each_compared_field_alone_makes_a_replace_with_the_local_value(
    field: str, local: dict[str, object], calpads: dict[str, str]
) -> None:
    enrollment = replace(Enrollment(SCHOOL, "05", AUG14), **local)  # type: ignore[arg-type]
    plan = _plan([_ods("1000000001", "1", **calpads)], [_student("1", "1000000001", enrollment)])
    ours = senr_record(STUDENTS[0], enrollment, lea=LEA, year=YEAR, translate=CodeTranslator(), ssid="1000000001",
                       transaction="R", with_exit=True)
    assert plan.replaces == [ours]
    assert getattr(plan.replaces[0], field) != getattr(_ods("1000000001", "1", **calpads).senr, field)
    assert (plan.unchanged, plan.adds, plan.deletes) == (0, [], [])


def test_a_difference_outside_the_compared_fields_leaves_the_record_unchanged() -> None:
    ods = [_ods("1000000001", "1", legal_first="MARIE", birth_city="FRESNO", local_record_id="77")]
    plan = _plan(ods, [_student("1", "1000000001", Enrollment(SCHOOL, "05", AUG14))])
    assert (plan.unchanged, plan.replaces, plan.adds, plan.deletes) == (1, [], [], [])


def test_a_key_change_of_school_deletes_and_adds() -> None:
    plan = _plan([_ods("1000000001", "1")], [_student("1", "1000000001", Enrollment(CdsCode("6000002"), "05", AUG14))])
    assert [(d.record.school, d.reason) for d in plan.deletes] == [("6000001", DeleteReason.ENROLLMENT_CHANGED)]
    assert [(r.transaction_type, r.school) for r in plan.adds] == [("A", "6000002")]


def test_every_record_calpads_holds_under_one_ssid_is_reconciled_in_download_order() -> None:
    ods = [
        _ods("1000000001", "1", enroll_start="20250801", exit_date="20250810", exit_reason="T160"),
        _ods("1000000001", "1"),
        _ods("1000000001", "1", school="6000002", enroll_start="20250820"),
        _ods("1000000001", "1", school="6000003", enroll_start="20250825"),
    ]
    plan = _plan(ods, [_student("1", "1000000001", Enrollment(SCHOOL, "05", AUG14))])
    assert plan.unchanged == 1
    assert [(d.record.school, d.record.enroll_start, d.reason) for d in plan.deletes] == [
        ("6000001", "20250801", DeleteReason.ENROLLMENT_CHANGED),
        ("6000002", "20250820", DeleteReason.ENROLLMENT_CHANGED),
        ("6000003", "20250825", DeleteReason.ENROLLMENT_CHANGED),
    ]


def test_only_the_selected_schools_are_reconciled() -> None:
    other = CdsCode("6000002")
    ods = [_ods("1000000001", "1", school=other), _ods("2000000002", "2"), _ods("9000000009", "9", school=other)]
    students = [
        _student("1", "1000000001", Enrollment(SCHOOL, "05", AUG14)),  # CALPADS' record is at the other school
        _student("2", "2000000002", Enrollment(SCHOOL, "06", AUG14)),
        _student("3", "3000000003", Enrollment(other, "05", AUG14)),  # never added
        _student("4", None, Enrollment(other, "05", AUG14)),  # not counted without SSID either
    ]
    plan = _plan(ods, students, schools=[SCHOOL])
    assert plan.not_selected == 2
    assert [(r.transaction_type, r.local_student_id) for r in plan.adds] == [("A", "1")]
    assert [(r.transaction_type, r.local_student_id) for r in plan.replaces] == [("R", "2")]
    assert (plan.deletes, plan.without_ssid) == ([], [])
    every = _plan(ods, students)
    assert every.not_selected == 0
    assert [r.local_student_id for r in every.adds] == ["1", "3"]
    assert [(d.record.local_student_id, d.reason) for d in every.deletes] == [
        ("1", DeleteReason.ENROLLMENT_CHANGED), ("9", DeleteReason.NOT_ENROLLED_LOCALLY)
    ]
    assert every.without_ssid == ["4"]


def test_a_current_year_calpads_record_without_ssid_or_of_another_lea_is_left_alone() -> None:
    plan = _plan([_ods("", "1"), _ods("2000000002", "2", reporting_lea="1111111")], [])
    assert (plan.other_lea, plan.deletes) == (2, [])


def test_the_previous_years_enrollments_still_open_at_our_lea_are_listed() -> None:
    ods = [
        _ods("1000000001", "1", academic_year="2024-2025", enroll_start="20240815"),
        _ods("2000000002", "2", academic_year="2024-2025", enroll_start="20240816", exit_date="20250612"),
        _ods("3000000003", "3", academic_year="2024-2025", enroll_start="20240817", reporting_lea="1111111"),
        _ods("4000000004", "4", academic_year="2023-2024", enroll_start="20230815"),
        _ods("5000000005", "5", academic_year="2026-2027", enroll_start="20260815"),
        _ods("6000000006", "6", academic_year="2024-2025", enroll_start="20240818", school="6000009"),
    ]
    plan = _plan(ods, [], schools=[SCHOOL])
    assert plan.prior_year_open == [
        OdsOpenEnrollment(LocalId("1"), SCHOOL, "20240815", "2024-2025"),
        OdsOpenEnrollment(LocalId("6"), CdsCode("6000009"), "20240818", "2024-2025"),
    ]
    assert (plan.earlier_years, plan.other_lea, plan.not_selected, plan.deletes) == (6, 0, 0, [])


def test_open_enrollment_reads_one_record_of_the_previous_year() -> None:
    values = _ods("1000000001", "1", academic_year="2024-2025", enroll_start="20240815").senr.values()
    assert open_enrollment(values, lea=LEA, previous=AcademicYear(2024)) == OdsOpenEnrollment(
        LocalId("1"), SCHOOL, "20240815", "2024-2025"
    )
    assert open_enrollment(values, lea=LEA, previous=AcademicYear(2023)) is None
    assert open_enrollment(values, lea=CdsCode("1111111"), previous=AcademicYear(2024)) is None


def test_deletes_and_replaces_are_pre_validated_in_their_own_files() -> None:
    completer = {"exit_date": "20250829", "exit_reason": "E230"}  # no completion status: GERR0001 on field 27
    ods = [_ods("1000000001", "1", **completer), _ods("2000000002", "2", **completer)]
    exited = Enrollment(SCHOOL, "05", AUG14, exit_date=dt.date(2025, 8, 29), exit_reason="E230")
    plan = _plan(ods, [_student("1", "1000000001", replace(exited, grade="06"))])
    assert [d.record.local_student_id for d in plan.deletes] == ["2"]
    assert [r.local_student_id for r in plan.replaces] == ["1"]
    assert [(v.record, v.rule, v.field_number) for v in plan.delete_violations] == [(1, "GERR0001", 27)]
    assert [(v.record, v.rule, v.field_number) for v in plan.replace_violations] == [(1, "GERR0001", 27)]
    assert plan.add_violations == []


def test_the_rules_fed_one_student_at_a_time_as_the_staged_audit_does() -> None:
    reconciliation = OdsReconciliation(year=YEAR, lea=LEA, today=TODAY, translate=CodeTranslator())
    held = _ods("1000000001", "1", grade="04").senr.values()
    staged = staged_record(held)
    assert staged == (
        "1000000001", "6000001", "20250814", "1", "04", "10", "", "", "", "^".join(held),
    )
    no_ssid = _student("6", None, Enrollment(SCHOOL, "05", AUG14))
    not_current = _student("4", "4000000004", Enrollment(SCHOOL, "04", dt.date(2024, 8, 15)))
    maria = _student("1", "1000000001", Enrollment(SCHOOL, "05", AUG14))
    assert [reconciliation.takes_records(s) for s in (no_ssid, not_current, maria)] == [False, False, True]
    reconciliation.student(maria, [staged[-1]])
    reconciliation.student(not_current, [])
    reconciliation.student(no_ssid, [])
    reconciliation.unchanged(3)
    reconciliation.unchanged(2)
    reconciliation.without_ssid(LocalId("8"))
    reconciliation.left_over(_text(_ods("6000000006", "6").senr), True)
    reconciliation.left_over(_text(_ods("6000000006", "6", school="6000002").senr), True)
    reconciliation.left_over(_text(_ods("7000000007", "7").senr), False)
    plan = reconciliation.finish()
    assert [r.grade for r in plan.replaces] == ["05"]
    assert (plan.unchanged, plan.without_ssid, plan.without_ssid_records) == (5, ["6", "8"], 2)
    assert [(d.record.local_student_id, d.record.transaction_type, d.reason) for d in plan.deletes] == [
        ("7", "D", DeleteReason.NOT_ENROLLED_LOCALLY)
    ]


def _text(record: SenrRecord) -> str:
    return "^".join(record.values())
