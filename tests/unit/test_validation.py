"""SENR pre-validation: every rule of calpads-files.md §3 fails on a record that breaks it, and only then."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from domain.records import SenrRecord
from domain.validation import Severity, Violation, errors_of, validate_record, validate_senr, warnings_of
from domain.values import AcademicYear, CdsCode

LEA = CdsCode("1964212")
YEAR = AcademicYear(2025)
TODAY = dt.date(2025, 9, 1)

# The illustrative SSID request record of calpads-files.md §2.
REQUEST_LINE = (
    "SENR^^^1964212^6000001^^2025-2026^^100234^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
    "^20250814^10^05^^^^^^^^^^^"
)
BASE = SenrRecord(*REQUEST_LINE.split("^"))

EXITED = {"exit_date": "20260115", "exit_reason": "T160"}
GRADUATE = {"exit_date": "20260601", "exit_reason": "E230", "completion_status": "100", "met_uc_csu": "Y",
            "graduation_exemption": "N", "grade": "12", "birth_date": "20080101"}

# (rule, field number, changes to BASE that break exactly that rule)
FAILING: list[tuple[str, int, dict[str, Any]]] = [
    ("FRMT0001", 10, {"legal_first": "A" * 31}),
    ("FRMT0001", 9, {"local_student_id": "1234567890123456"}),
    ("FRMT0002", 17, {"birth_date": "20150230"}),
    ("FRMT0002", 22, {"enroll_start": "2025-08-"}),
    ("FRMT0002", 25, {**EXITED, "exit_date": "20261301"}),
    ("FRMT0004", 5, {"school": "600001"}),
    ("FRMT0004", 8, {"ssid": "12345ABCDE"}),
    ("GERR0001", 12, {"legal_last": ""}),
    ("GERR0001", 24, {"grade": ""}),
    ("GERR0001", 25, {"exit_reason": "T160"}),
    ("GERR0001", 26, {"exit_date": "20260115"}),
    ("GERR0001", 27, {"exit_date": "20260601", "exit_reason": "E230"}),
    ("GERR0001", 28, {"exit_date": "20260115", "exit_reason": "T165"}),
    ("GERR0001", 29, {**GRADUATE, "met_uc_csu": ""}),
    ("GERR0001", 31, {"transfer_code": "1"}),
    ("GERR0002", 18, {"gender": "Q"}),
    ("GERR0002", 24, {"grade": "13"}),
    ("GERR0002", 26, {**EXITED, "exit_reason": "T999"}),
    ("GERR0002", 1, {"record_type": "SELA"}),
    ("GERR0007", 24, {"grade": "TD"}),
    ("GERR0007", 24, {"grade": "TK", "academic_year": "2022-2023", "enroll_start": "20220815"}),
    ("GERR0007", 26, {**EXITED, "exit_reason": "T270"}),
    ("GERR0008", 2, {"transaction_type": "X"}),
    ("SENR0001", 4, {"reporting_lea": "1964213"}),
    ("SENR0003", 6, {"school_nps": "1234567"}),
    ("SENR0004", 6, {"school": "0000001"}),
    ("SENR0006", 7, {"academic_year": "2025-2027"}),
    ("SENR0006", 7, {"academic_year": "2027-2028", "enroll_start": "20270816"}),
    ("SENR0018", 25, {"exit_date": "20250813", "exit_reason": "T160"}),
    ("SENR0018", 25, {"exit_date": "20250812", "exit_reason": "N470"}),
    ("SENR0022", 27, {**EXITED, "completion_status": "360"}),
    ("SENR0032", 8, {"transaction_type": "D"}),
    ("SENR0032", 8, {"transaction_type": "R"}),
    ("SENR0036", 20, {"birth_state": "CA"}),
    ("SENR0036", 20, {"birth_state": "MX-BCN"}),
    ("SENR0036", 20, {"birth_state": "US-CA", "birth_country": "PH"}),
    ("SENR0167", 2, {"transaction_type": "R", "ssid": "1234567890", "academic_year": "2024-2025",
                     "enroll_start": "20240814"}),
    ("SENR0175", 26, {**GRADUATE, "exit_reason": "T160"}),
    ("SENR0302", 26, {**EXITED, "enroll_status": "20"}),
    ("SENR0315", 32, {"golden_state_seal": "Y"}),
    ("SENR0316", 33, {**EXITED, "exit_reason": "E230", "completion_status": "360", "seal_of_biliteracy": "Y"}),
    ("SENR0522", 26, {**EXITED, "enroll_status": "50"}),
    ("SENR0523", 23, {**EXITED, "exit_reason": "E170"}),
    ("SENR0630", 35, {"graduation_exemption": "N"}),
    ("SENR0632", 35, {**GRADUATE, "graduation_exemption": ""}),
    ("SENR0742", 7, {"academic_year": "2024-2025"}),
    ("IVR0668", 17, {"birth_date": "20250902"}),
    ("IVR0012", 17, {"birth_date": "19900101"}),
    ("IVR0012", 17, {"birth_date": "20250101", "grade": "KN"}),
    ("IVR0012", 17, {"birth_date": "20100101", "grade": "AD"}),
    ("IVR0012", 17, {"birth_date": "19450101", "grade": "AD"}),
]

# Records close to a failing one that break nothing.
PASSING: list[tuple[str, dict[str, Any]]] = [
    ("FRMT0001", {"legal_first": "A" * 30, "local_student_id": "123456789012345"}),
    ("FRMT0002", {"birth_date": "20160229"}),
    ("FRMT0004", {"ssid": "1234567890"}),
    ("GERR0001", {"legal_middle": "", "suffix": "", "birth_city": ""}),
    ("GERR0001", {"exit_date": "20260115", "exit_reason": "T165", "expected_receiver_school": "6000002"}),
    ("GERR0001", {"transfer_code": "1", "district_of_residence": "1964213"}),
    ("GERR0002", {"gender": "X", "suffix": "JR"}),
    ("GERR0007", {"grade": "TK"}),
    ("GERR0007", {"grade": "TD", "academic_year": "2022-2023", "enroll_start": "20220815"}),
    ("GERR0008", {"transaction_type": "A"}),
    ("GERR0008", {"transaction_type": " "}),
    ("SENR0001", {"reporting_lea": LEA}),
    ("SENR0004", {"school": "0000001", "school_nps": "1234567"}),
    ("SENR0006", {"academic_year": "2026-2027", "enroll_start": "20260817"}),
    ("SENR0018", {"exit_date": "20250814", "exit_reason": "T160"}),
    ("SENR0018", {"exit_date": "20250813", "exit_reason": "N470"}),
    ("SENR0018", {"exit_date": "20250814", "exit_reason": "N470"}),
    ("SENR0022", {**EXITED, "exit_reason": "E230", "completion_status": "360"}),
    ("SENR0032", {"transaction_type": "D", "ssid": "1234567890"}),
    ("SENR0036", {"birth_state": "CA-ON", "birth_country": "CA"}),
    ("SENR0036", {"birth_state": "", "birth_country": "PH"}),
    ("SENR0167", {"transaction_type": "R", "ssid": "1234567890"}),
    ("SENR0175", GRADUATE),
    ("SENR0302", {**EXITED, "enroll_status": "20", "exit_reason": "E170"}),
    ("SENR0315", {**GRADUATE, "golden_state_seal": "Y", "seal_of_biliteracy": "Y"}),
    ("SENR0522", {**EXITED, "enroll_status": "50", "exit_reason": "E150"}),
    ("SENR0522", {**EXITED, "enroll_status": "50", "exit_reason": "N470"}),
    ("SENR0523", {**EXITED, "enroll_status": "50", "exit_reason": "E170"}),
    ("SENR0630", {**GRADUATE, "graduation_exemption": "Y"}),
    ("SENR0632", {**GRADUATE, "exit_date": "20230601", "graduation_exemption": "", "academic_year": "2022-2023",
                  "enroll_start": "20220815", "birth_date": "20050101"}),
    ("SENR0742", {"academic_year": "2025-2026", "enroll_start": "20260630"}),
    ("IVR0668", {"birth_date": "20150901", "grade": "05"}),
    ("IVR0012", {"birth_date": "20030815", "grade": "12"}),
    ("IVR0012", {"birth_date": "19460101", "grade": "AD"}),
]

SECTION_3_RULES = {
    "FRMT0001", "FRMT0002", "GERR0001", "GERR0002", "GERR0007", "GERR0008", "SENR0001", "SENR0003",
    "SENR0004", "SENR0006", "SENR0018", "SENR0022", "SENR0032", "SENR0036", "SENR0167", "SENR0175",
    "SENR0302", "SENR0315", "SENR0316", "SENR0522", "SENR0523", "SENR0742", "IVR0668", "IVR0012", "SENR0178",
}


def _check(record: SenrRecord) -> list[Violation]:
    return validate_record(record, lea=LEA, current_year=YEAR, today=TODAY)


def test_the_illustrative_request_record_passes() -> None:
    assert _check(BASE) == []


@pytest.mark.parametrize(("rule", "field", "changes"), FAILING, ids=[f"{r}-{f}-{i}" for i, (r, f, _) in enumerate(FAILING)])
def test_a_record_breaking_a_rule_yields_exactly_that_rule(rule: str, field: int, changes: dict[str, Any]) -> None:
    found = _check(replace(BASE, **changes))
    assert [(v.rule, v.field_number) for v in found] == [(rule, field)]
    assert found[0].local_id == changes.get("local_student_id", "100234")
    assert found[0].severity is (Severity.WARNING if rule == "IVR0012" else Severity.ERROR)


@pytest.mark.parametrize(("rule", "changes"), PASSING, ids=[f"{r}-{i}" for i, (r, _) in enumerate(PASSING)])
def test_a_record_close_to_breaking_a_rule_passes(rule: str, changes: dict[str, Any]) -> None:
    assert _check(replace(BASE, **changes)) == []


def test_every_rule_of_section_3_has_a_failing_and_a_passing_example() -> None:
    failing = {rule for rule, _, _ in FAILING} | {"SENR0178"}  # SENR0178 spans records: tested below
    passing = {rule for rule, _ in PASSING} | {"SENR0178"}
    assert SECTION_3_RULES <= failing
    assert SECTION_3_RULES - {"SENR0003", "SENR0316"} <= passing  # their passing twins: SENR0004, SENR0315


def test_messages_name_field_and_student_but_not_the_value() -> None:
    (too_long,) = _check(replace(BASE, legal_first="MARIAMARIAMARIAMARIAMARIAMARIAM"))
    assert str(too_long) == (
        "student 100234, field 10 (Student Legal First Name): FRMT0001 error: "
        "value is 31 characters, longer than the field's 30"
    )
    (bad_date,) = _check(replace(BASE, birth_date="20150230"))
    assert "20150230" not in str(bad_date)
    assert bad_date.message == "date is not a real calendar date"


def test_code_messages_say_which_code_and_year() -> None:
    (retired,) = _check(replace(BASE, grade="TD"))
    assert retired.message == "Grade Level code 'TD' is not valid in 2025-2026"
    (state,) = _check(replace(BASE, birth_state="CA"))
    assert state.message == "birth state/province 'CA' is not valid for birth country 'US'"


def test_age_is_measured_at_enrollment_start() -> None:
    # 22 on the start date, 23 today: no warning (the record's own point in time counts).
    assert _check(replace(BASE, birth_date="20020815", grade="12")) == []
    (warning,) = _check(replace(BASE, birth_date="20020814", grade="12"))
    assert warning.message == "age 23 at enrollment start is outside 1-22"
    assert warnings_of([warning]) == [warning] and errors_of([warning]) == []


def test_a_malformed_date_is_reported_once_not_again_by_the_rules_reading_it() -> None:
    found = _check(replace(BASE, enroll_start="20251331", exit_date="20250101", exit_reason="T160"))
    assert [(v.rule, v.field_number) for v in found] == [("FRMT0002", 22)]


def test_one_record_can_break_several_rules() -> None:
    record = replace(BASE, reporting_lea="1111111", gender="", academic_year="2024-2025")
    assert [(v.rule, v.field_number) for v in _check(record)] == [
        ("GERR0001", 18),
        ("SENR0001", 4),
        ("SENR0742", 7),
    ]


def _validate(*records: SenrRecord) -> list[tuple[int | None, str, int]]:
    return [(v.record, v.rule, v.field_number) for v in validate_senr(records, lea=LEA, current_year=YEAR, today=TODAY)]


def test_validate_senr_numbers_records_and_orders_by_record_and_field() -> None:
    assert _validate(BASE, replace(BASE, local_student_id="2", gender="Q", legal_last=""), BASE) == [
        (2, "GERR0001", 12),
        (2, "GERR0002", 18),
        (3, "SENR0178", 22),
    ]


def test_senr0178_two_open_enrollments_at_one_school_overlap() -> None:
    second = replace(BASE, enroll_start="20250901")
    found = validate_senr([BASE, second], lea=LEA, current_year=YEAR, today=TODAY)
    assert [(v.record, v.rule) for v in found] == [(2, "SENR0178")]
    assert found[0].message == "overlaps the enrollment of record 1 at the same school"


def test_senr0178_exit_inside_the_next_enrollment_overlaps() -> None:
    first = replace(BASE, exit_date="20251001", exit_reason="E150")
    second = replace(BASE, enroll_start="20250915", grade="06")
    assert _validate(second, first) == [(1, "SENR0178", 22)]


@pytest.mark.parametrize(
    "second",
    [
        replace(BASE, enroll_start="20251001", grade="06"),  # starts the day the first exits
        replace(BASE, enroll_start="20251002", grade="06"),
        replace(BASE, school="6000002"),  # another school
        replace(BASE, local_student_id="100235"),  # another student
        replace(BASE, transaction_type="D", ssid="1234567890"),  # a delete is not an enrollment
    ],
)
def test_senr0178_enrollments_that_do_not_overlap(second: SenrRecord) -> None:
    first = replace(BASE, exit_date="20251001", exit_reason="E150")
    assert _validate(first, second) == []


def test_senr0178_a_no_show_does_not_overlap_the_real_enrollment() -> None:
    no_show = replace(BASE, exit_date="20250813", exit_reason="N470")
    assert _validate(no_show, BASE) == []


def test_senr0178_names_the_student_and_the_record_whose_enrollment_reaches_furthest() -> None:
    first = replace(BASE, exit_date="20251001", exit_reason="E150")
    same_end = replace(BASE, enroll_start="20250901", exit_date="20251001", exit_reason="E150", grade="06")
    third = replace(BASE, enroll_start="20250920", grade="06")
    found = validate_senr([first, same_end, third], lea=LEA, current_year=YEAR, today=TODAY)
    assert [(v.record, v.local_id, v.field_name, v.message) for v in found] == [
        (2, "100234", "Enrollment Start Date", "overlaps the enrollment of record 1 at the same school"),
        (3, "100234", "Enrollment Start Date", "overlaps the enrollment of record 1 at the same school"),
    ]


def test_senr0178_orders_enrollments_by_start_date_not_by_exit() -> None:
    longer = replace(BASE, exit_date="20251001", exit_reason="E150")
    inside = replace(BASE, enroll_start="20250901", exit_date="20250920", exit_reason="E150", grade="06")
    assert _validate(longer, inside) == [(2, "SENR0178", 22)]
    open_first = replace(BASE, local_student_id="100235")
    same_start_exits = replace(BASE, local_student_id="100235", exit_date="20251001", exit_reason="E150")
    assert _validate(open_first, same_start_exits) == [(2, "SENR0178", 22)]


def test_senr0178_checks_every_student_after_one_with_a_single_enrollment() -> None:
    alone = replace(BASE, local_student_id="100235")
    assert _validate(alone, BASE, replace(BASE, enroll_start="20250901")) == [(3, "SENR0178", 22)]


@pytest.mark.parametrize(
    "changes",
    [{"school": "600001"}, {"exit_date": "20260115", "exit_reason": "E999"}],
    ids=["malformed school", "unknown exit reason"],
)
def test_senr0178_leaves_a_record_with_a_malformed_school_or_exit_reason_to_its_field_check(
    changes: dict[str, Any],
) -> None:
    records = [replace(BASE, **changes), replace(BASE, **changes, enroll_start="20250901")]
    assert [rule for _, rule, _ in _validate(*records)] == [_check(records[0])[0].rule] * 2


def test_violations_are_ordered_by_record_before_field() -> None:
    assert _validate(replace(BASE, gender="Q"), replace(BASE, local_student_id="2", legal_last="")) == [
        (1, "GERR0002", 18),
        (2, "GERR0001", 12),
    ]


def test_senr0178_reports_each_later_overlapping_record() -> None:
    records = [BASE, replace(BASE, enroll_start="20250820"), replace(BASE, enroll_start="20250825")]
    assert _validate(*records) == [(2, "SENR0178", 22), (3, "SENR0178", 22)]


# Issue 18 item 8: one mistake, one message. Each record has one malformed field that a
# cross-field rule also reads; the rule must leave it to the field check, or a coordinator gets
# two messages (and two things to fix) for one mistake.
ONE_MISTAKE: list[tuple[str, dict[str, Any], tuple[str, int]]] = [
    ("5-digit Reporting LEA, not also another LEA", {"reporting_lea": "12345"}, ("FRMT0004", 4)),
    ("6-digit school with an NPS code, not also SENR0003", {"school": "600001", "school_nps": "1234567"}, ("FRMT0004", 5)),
    ("blank school with an NPS code, not also SENR0003", {"school": "", "school_nps": "1234567"}, ("GERR0001", 5)),
    ("5-digit NPS code at a public school", {"school_nps": "12345"}, ("FRMT0004", 6)),
    ("5-digit NPS code at the NPS school", {"school": "0000001", "school_nps": "12345"}, ("FRMT0004", 6)),
    ("blank academic year", {"academic_year": ""}, ("GERR0001", 7)),
    ("unknown exit reason without exit date", {"exit_reason": "T999"}, ("GERR0002", 26)),
    ("impossible exit date without exit reason", {"exit_date": "20261301"}, ("FRMT0002", 25)),
    ("impossible start date before an N470 exit", {"enroll_start": "20251301", "exit_date": "20250101", "exit_reason": "N470"},
     ("FRMT0002", 22)),
    ("unknown exit reason of a graduate, not also SENR0175", {**GRADUATE, "exit_reason": "E999"}, ("GERR0002", 26)),
    ("unknown completion status with E230", {**GRADUATE, "completion_status": "999"}, ("GERR0002", 27)),
    ("unknown completion status with T160, not also SENR0022", {**EXITED, "completion_status": "999"}, ("GERR0002", 27)),
    ("unknown transaction type without SSID, not also SENR0032", {"transaction_type": "X"}, ("GERR0008", 2)),
    ("unknown birth country with state US-CA, not also SENR0036", {"birth_country": "ZZ"}, ("GERR0002", 21)),
    ("unknown status with E170, not also SENR0523", {**EXITED, "exit_reason": "E170", "enroll_status": "99"}, ("GERR0002", 23)),
    ("unknown exit reason with status 20, not also SENR0302", {**EXITED, "exit_reason": "E999", "enroll_status": "20"},
     ("GERR0002", 26)),
    ("unknown exit reason with status 50, not also SENR0522", {**EXITED, "exit_reason": "E999", "enroll_status": "50"},
     ("GERR0002", 26)),
    ("unknown completion status with both seals, not also SENR0315/0316",
     {**EXITED, "completion_status": "999", "golden_state_seal": "Y", "seal_of_biliteracy": "Y"}, ("GERR0002", 27)),
    ("unknown exemption indicator, not also SENR0630", {"graduation_exemption": "Q"}, ("GERR0002", 35)),
    ("unknown exemption indicator of a graduate", {**GRADUATE, "graduation_exemption": "Q"}, ("GERR0002", 35)),
    ("unknown completion status with an exemption, not also SENR0630",
     {**EXITED, "completion_status": "999", "graduation_exemption": "N"}, ("GERR0002", 27)),
    ("grade 13 of a 35-year-old, not also IVR0012", {"grade": "13", "birth_date": "19900101"}, ("GERR0002", 24)),
    ("impossible birth date", {"birth_date": "20251301"}, ("FRMT0002", 17)),
    ("impossible start date of a replace", {"transaction_type": "R", "ssid": "1234567890", "enroll_start": "20251301"},
     ("FRMT0002", 22)),
    ("academic year too long, not also SENR0006", {"academic_year": "2025-20266"}, ("FRMT0001", 7)),
    ("birth state too long, not also SENR0036", {"birth_state": "US-CALIF"}, ("FRMT0001", 20)),
    ("transfer code too long, not also a missing district", {"transfer_code": "123"}, ("FRMT0001", 30)),
    ("unknown completion status of a no-show the day before, not also SENR0018",
     {"exit_date": "20250813", "exit_reason": "N470", "completion_status": "999"}, ("GERR0002", 27)),
]

# Two mistakes in two fields: each is told, a field check on one does not silence a rule on the other.
TWO_MISTAKES: list[tuple[str, dict[str, Any], list[tuple[str, int]]]] = [
    ("long local record id and a replace outside the year",
     {"local_record_id": "x" * 256, "transaction_type": "R", "ssid": "1234567890", "academic_year": "2024-2025",
      "enroll_start": "20240814"}, [("FRMT0001", 3), ("SENR0167", 2)]),
    ("long local record id and a delete without SSID", {"local_record_id": "x" * 256, "transaction_type": "D"},
     [("FRMT0001", 3), ("SENR0032", 8)]),
    ("long local student id and a delete without SSID", {"local_student_id": "x" * 16, "transaction_type": "D"},
     [("FRMT0001", 9), ("SENR0032", 8)]),
    ("unknown gender of a 35-year-old", {"gender": "Q", "birth_date": "19900101"}, [("GERR0002", 18), ("IVR0012", 17)]),
    ("unknown status, start outside the year", {"enroll_status": "99", "academic_year": "2024-2025"},
     [("GERR0002", 23), ("SENR0742", 7)]),
    ("unknown exit reason, exit before start", {"exit_reason": "E999", "exit_date": "20250813"},
     [("GERR0002", 26), ("SENR0018", 25)]),
    ("short SSID, years not consecutive", {"ssid": "123", "academic_year": "2025-2027"}, [("FRMT0004", 8), ("SENR0006", 7)]),
    ("long transfer code, graduate without UC/CSU indicator",
     {**GRADUATE, "met_uc_csu": "", "transfer_code": "123", "district_of_residence": "1964212"},
     [("FRMT0001", 30), ("GERR0001", 29)]),
    ("unknown completion status, T165 without receiver school",
     {"exit_date": "20260115", "exit_reason": "T165", "completion_status": "999"}, [("GERR0002", 27), ("GERR0001", 28)]),
    ("unknown UC/CSU indicator, T165 without receiver school",
     {"exit_date": "20260115", "exit_reason": "T165", "met_uc_csu": "Q"}, [("GERR0002", 29), ("GERR0001", 28)]),
    ("unknown seal indicator, transfer code without district", {"transfer_code": "1", "golden_state_seal": "Q"},
     [("GERR0002", 32), ("GERR0001", 31)]),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in TWO_MISTAKES], ids=[c[0] for c in TWO_MISTAKES])
def test_two_mistakes_give_two_messages(changes: dict[str, Any], expected: list[tuple[str, int]]) -> None:
    assert sorted((v.rule, v.field_number) for v in _check(replace(BASE, **changes))) == sorted(expected)


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in ONE_MISTAKE], ids=[c[0] for c in ONE_MISTAKE])
def test_one_mistake_gives_exactly_one_message(changes: dict[str, Any], expected: tuple[str, int]) -> None:
    assert [(v.rule, v.field_number) for v in _check(replace(BASE, **changes))] == [expected]


def _graduate_exiting(exit_date: str, academic_year: str, start: str) -> SenrRecord:
    return replace(BASE, **{**GRADUATE, "graduation_exemption": "", "exit_date": exit_date,
                            "academic_year": academic_year, "enroll_start": start, "birth_date": "20050101"})


def test_a_graduate_exiting_exactly_on_2023_07_01_without_the_exemption_indicator_gets_senr0632() -> None:
    """Issue 18 item 6: the indicator is required for exits after 2023-06-30, the first such day included."""
    (found,) = _check(_graduate_exiting("20230701", "2023-2024", "20230701"))
    assert (found.rule, found.field_number, found.message) == (
        "SENR0632", 35, "a graduate exiting after 2023-06-30 needs this indicator"
    )
    assert _check(_graduate_exiting("20230630", "2022-2023", "20220815")) == []


def _ages(**changes: str) -> list[tuple[str, int, Severity, str]]:
    return [(v.rule, v.field_number, v.severity, v.message) for v in _check(replace(BASE, **changes))]


def test_a_child_born_today_is_not_born_after_today_and_is_age_0() -> None:
    """Issue 18 item 7: IVR0668 is for a birth date *after* today; born today is age 0 (a warning)."""
    assert _ages(birth_date="20250901", enroll_start="20250901", grade="IN") == [
        ("IVR0012", 17, Severity.WARNING, "age 0 at enrollment start is outside 1-22")
    ]
    assert _ages(birth_date="20250902", enroll_start="20250901", grade="IN") == [
        ("IVR0668", 17, Severity.ERROR, "birth date is after today")
    ]


def test_a_16_year_old_in_grade_ad_gets_no_age_warning_and_a_15_year_old_does() -> None:
    """Issue 18 item 7: grade AD needs 16 <= age < 80 at enrollment start (2025-08-14)."""
    assert _ages(grade="AD", birth_date="20090814") == []
    assert _ages(grade="AD", birth_date="20090815") == [
        ("IVR0012", 17, Severity.WARNING, "age 15 at enrollment start is outside 16-79 for grade AD")
    ]
    assert _ages(grade="AD", birth_date="19450815") == []
    assert _ages(grade="AD", birth_date="19450814") == [
        ("IVR0012", 17, Severity.WARNING, "age 80 at enrollment start is outside 16-79 for grade AD")
    ]


def test_a_1_year_old_gets_no_age_warning_and_a_child_one_day_short_of_1_does() -> None:
    """Issue 18 item 7: outside grade AD the age must be 1-22 at enrollment start (2025-08-14)."""
    assert _ages(grade="IN", birth_date="20240814") == []
    assert _ages(grade="IN", birth_date="20240815") == [
        ("IVR0012", 17, Severity.WARNING, "age 0 at enrollment start is outside 1-22")
    ]
    assert _ages(grade="12", birth_date="20030814") == []


def test_without_a_start_date_the_age_is_measured_today() -> None:
    assert _ages(enroll_start="", birth_date="20240902") == [
        ("GERR0001", 22, Severity.ERROR, "required field is blank"),
        ("IVR0012", 17, Severity.WARNING, "age 0 today is outside 1-22"),
    ]


# What each FAILING record is told, in order: the words a coordinator reads beside the rule.
FAILING_MESSAGES = [
    "value is 31 characters, longer than the field's 30",
    "value is 16 characters, longer than the field's 15",
    'date is not a real calendar date',
    'date must be a CCYYMMDD date',
    'date is not a real calendar date',
    'must be exactly 7 digits',
    'must be exactly 10 digits',
    'required field is blank',
    'required field is blank',
    'an exit reason needs an exit date',
    'an exit date needs an exit reason',
    'exit reason E230 needs a completion status',
    'exit reason T165 needs the expected receiver school',
    'completion status 100 needs this indicator',
    'a transfer code needs the district of geographic residence',
    "'Q' is not a Student Gender Code code",
    "'13' is not a Grade Level code",
    "'T999' is not a Student Exit Reason code",
    "record type 'SELA' is not SENR",
    "Grade Level code 'TD' is not valid in 2025-2026",
    "Grade Level code 'TK' is not valid in 2022-2023",
    "Student Exit Reason code 'T270' is not valid in 2025-2026",
    "transaction type 'X' is not blank, A, D or R",
    'Reporting LEA is not the configured LEA 1964212',
    'an NPS code is only for School of Attendance 0000001',
    'School of Attendance 0000001 needs the NPS school code',
    'academic year must be CCYY-CCYY with consecutive years',
    'academic year 2027-2028 is more than one year after 2025-2026',
    'exit date is before the enrollment start date',
    'exit date is before the enrollment start date',
    'a completion status goes only with exit reason E230',
    'transaction D needs an SSID',
    'transaction R needs an SSID',
    "birth state/province 'CA' is not valid for birth country 'US'",
    "birth state/province 'MX-BCN' is not valid for birth country 'US'",
    "birth state/province 'US-CA' is not valid for birth country 'PH'",
    'replace (R) only for a start date in 2025-2026; send D then A instead',
    'completion status 100 needs exit reason E230',
    'status 20 exits only with E170 or none',
    'indicator Y needs completion status 100',
    'indicator Y needs completion status 100',
    'status 50 exits only with E170, N470, E150 or none',
    'exit reason E170 needs status 20 or 50',
    'indicator goes only with completion status 100',
    'a graduate exiting after 2023-06-30 needs this indicator',
    'academic year 2024-2025 does not contain the enrollment start date',
    'birth date is after today',
    'age 35 at enrollment start is outside 1-22',
    'age 0 at enrollment start is outside 1-22',
    'age 15 at enrollment start is outside 16-79 for grade AD',
    'age 80 at enrollment start is outside 16-79 for grade AD',
]


def test_every_rule_says_what_is_wrong_in_its_own_words() -> None:
    assert [_check(replace(BASE, **changes))[0].message for _, _, changes in FAILING] == FAILING_MESSAGES


def test_a_numbered_violation_keeps_everything_but_gains_its_record_number() -> None:
    records = [BASE, replace(BASE, birth_date="19900101", local_student_id="100235")]
    (found,) = validate_senr(records, lea=LEA, current_year=YEAR, today=TODAY)
    assert (found.record, found.rule, found.field_number, found.field_name, found.local_id, found.severity) == (
        2, "IVR0012", 17, "Student Birth Date", "100235", Severity.WARNING
    )
    assert str(found) == (
        "record 2, student 100235, field 17 (Student Birth Date): IVR0012 warning: age 35 at enrollment start is outside 1-22"
    )


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        (10, {"legal_first": "MARIA\x00"}),
        (12, {"legal_last": "LOPEZ\x1b[31m"}),
        (19, {"birth_city": "LOS\tANGELES"}),
        (11, {"legal_middle": "ELENA\x7f"}),
        (14, {"alias_first": "MARI\x85"}),
    ],
    ids=["NUL", "ESC", "tab", "DEL", "C1"],
)
def test_a_control_character_is_refused_before_upload_naming_the_field_not_the_value(
    field: int, changes: dict[str, Any]
) -> None:
    [found] = _check(replace(BASE, **changes))
    assert (found.rule, found.field_number, found.severity) == ("LOCAL0001", field, Severity.ERROR)
    assert found.message == "holds a control character, which a CALPADS file cannot carry"
    assert next(iter(changes.values())) not in str(found)  # the value itself is never quoted
