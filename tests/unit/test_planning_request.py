"""Step 1: who is requested, why others are not, and the exact request records and file names."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from domain.errors import TranslationMissing
from domain.model import Enrollment, PersonName, Student
from domain.planning import (
    CodeTranslator,
    Exclusion,
    ExclusionReason,
    Selection,
    build_senr_records,
    request_file_name,
    select_request,
    senr_record,
    updated_file_name,
)
from domain.values import AcademicYear, CdsCode, LocalId, Ssid

LEA = CdsCode("1964212")
YEAR = AcademicYear(2025)
TODAY = dt.date(2025, 9, 1)
SCHOOL = CdsCode("6000001")
OTHER_SCHOOL = CdsCode("6000009")
SELECTED = frozenset({SCHOOL, CdsCode("6000002")})

MARIA = Student(
    local_id=LocalId("100234"),
    legal=PersonName("MARIA", "LOPEZ", "ELENA"),
    birth_date=dt.date(2015, 3, 14),
    gender="F",
    birth_city="LOS ANGELES",
    birth_state="US-CA",
    birth_country="US",
    enrollments=(Enrollment(SCHOOL, "05", dt.date(2025, 8, 14)),),
)


def _student(local_id: str, *enrollments: Enrollment, **changes: object) -> Student:
    return replace(MARIA, local_id=LocalId(local_id), enrollments=enrollments, **changes)  # type: ignore[arg-type]


def _select(
    students: list[Student], *, keep: Selection | None = None, skip: Selection | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    selection = select_request(students, selected_schools=SELECTED, year=YEAR, today=TODAY, keep=keep, skip=skip)
    return (
        [s.local_id for s, _ in selection.included],
        [(e.local_id, e.reason.text) for e in selection.excluded],
    )


CURRENT = Enrollment(SCHOOL, "05", dt.date(2025, 8, 14))
STUDENTS = [
    _student("1", CURRENT),
    _student("2", CURRENT, ssid=Ssid("1234567890")),
    _student("3", CURRENT, active=False),
    _student("4", Enrollment(SCHOOL, "04", dt.date(2024, 8, 15), exit_date=dt.date(2025, 6, 12), exit_reason="E155")),
    _student("5", Enrollment(OTHER_SCHOOL, "05", dt.date(2025, 8, 14))),
    _student("6", Enrollment(SCHOOL, "05", dt.date(2025, 9, 15))),
    _student("7"),
    _student("8", Enrollment(CdsCode("6000002"), "KN", dt.date(2025, 8, 14)), tags=frozenset({"newcomer"})),
]


def test_students_selected_and_every_excluded_student_without_ssid_with_its_reason() -> None:
    assert _select(STUDENTS) == (
        ["1", "8"],
        [
            ("3", "inactive"),
            ("4", "no current enrollment"),
            ("5", "school not selected"),
            ("6", "future start"),
            ("7", "no current enrollment"),
        ],
    )


def test_a_start_date_of_today_is_not_in_the_future() -> None:
    assert _select([_student("9", Enrollment(SCHOOL, "05", TODAY))]) == (["9"], [])


@pytest.mark.parametrize(
    ("selection", "kept"),
    [
        (Selection.of_ids(["8", " ", "1 "]), ["1", "8"]),
        (Selection(grades=frozenset({"KN"})), ["8"]),
        (Selection(schools=frozenset({SCHOOL})), ["1"]),
        (Selection(tags=frozenset({"newcomer"})), ["8"]),
        (Selection(), []),
    ],
)
def test_keep_requests_only_the_selection(selection: Selection, kept: list[str]) -> None:
    included, excluded = _select(STUDENTS, keep=selection)
    assert included == kept
    assert [e for e in excluded if e[1] == "not in the KEEP selection"] == [
        (i, "not in the KEEP selection") for i in ("1", "8") if i not in kept
    ]


def test_skip_requests_all_but_the_selection() -> None:
    included, excluded = _select(STUDENTS, skip=Selection(tags=frozenset({"newcomer"})))
    assert included == ["1"]
    assert ("8", "skipped") in excluded


def test_keep_and_skip_accept_plain_id_sets() -> None:
    selection = select_request(
        STUDENTS, selected_schools=SELECTED, year=YEAR, today=TODAY, skip=frozenset({LocalId("1")})
    )
    assert [s.local_id for s, _ in selection.included] == ["8"]
    assert Exclusion(LocalId("1"), ExclusionReason.SKIPPED) in selection.excluded


def test_the_open_primary_enrollment_is_the_one_requested() -> None:
    exited = Enrollment(SCHOOL, "05", dt.date(2025, 8, 20), exit_date=dt.date(2025, 8, 25), exit_reason="T160")
    secondary = Enrollment(CdsCode("6000002"), "05", dt.date(2025, 8, 26), status="20")
    primary = Enrollment(SCHOOL, "05", dt.date(2025, 8, 14))
    selection = select_request(
        [_student("1", exited, secondary, primary)], selected_schools=SELECTED, year=YEAR, today=TODAY
    )
    assert selection.included[0][1] == primary


def test_the_request_record_is_the_illustrative_record_of_the_spec() -> None:
    (record,) = build_senr_records([(MARIA, MARIA.enrollments[0])], lea=LEA, year=YEAR, translate=CodeTranslator())
    assert "^".join(record.values()) + "\r\n" == (
        "SENR^^^1964212^6000001^^2025-2026^^100234^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US"
        "^20250814^10^05^^^^^^^^^^^\r\n"
    )


def test_request_records_leave_exit_fields_blank_and_keep_names_as_stored() -> None:
    student = replace(
        MARIA,
        legal=PersonName("José", "Núñez", ""),
        suffix="Jr",
        alias=PersonName("Pepe", "Nunez"),
        enrollments=(Enrollment(SCHOOL, "5", dt.date(2025, 8, 14), exit_date=dt.date(2025, 8, 30), exit_reason="E230",
                                completion_status="100"),),
    )
    translate = CodeTranslator({("grade", "5"): "05", ("suffix", "Jr"): "JR"})
    (record,) = build_senr_records([(student, student.enrollments[0])], lea=LEA, year=YEAR, translate=translate)
    assert record.values()[9:16] == ("José", "", "Núñez", "JR", "Pepe", "", "Nunez")
    assert (record.grade, record.exit_date, record.exit_reason, record.completion_status, record.ssid) == ("05", "", "", "", "")


def test_an_untranslatable_code_names_the_student_and_field() -> None:
    student = replace(MARIA, enrollments=(Enrollment(SCHOOL, "K", dt.date(2025, 8, 14)),))
    with pytest.raises(TranslationMissing) as caught:
        build_senr_records([(student, student.enrollments[0])], lea=LEA, year=YEAR, translate=CodeTranslator())
    assert str(caught.value) == "student 100234: Grade Level code 'K' has no CALPADS translation"
    assert (caught.value.local_id, caught.value.code) == ("100234", "K")


def test_a_table_entry_overrides_the_identity_and_must_land_in_the_code_set() -> None:
    translate = CodeTranslator({("gender", "F"): "M", ("grade", "05"): "5th"})
    assert translate("gender", "F", "1") == "M"
    assert translate("gender", "X", "1") == "X"
    assert translate("suffix", "", "1") == ""
    with pytest.raises(TranslationMissing, match="student 1: Grade Level code '05'"):
        translate("grade", "05", "1")


def test_a_table_for_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fields: colour"):
        CodeTranslator({("colour", "red"): "R"})
    with pytest.raises(ValueError) as caught:
        CodeTranslator({("size", "L"): "L", ("grade", "5"): "05", ("colour", "red"): "R", ("colour", "blue"): "B"})
    assert str(caught.value) == "code translations for unknown fields: colour, size"


def test_a_translation_table_is_kept_as_given_and_read_only() -> None:
    given = {("grade", "5"): "05"}
    translate = CodeTranslator(given)
    given[("grade", "6")] = "06"
    assert dict(translate.table) == {("grade", "5"): "05"}
    with pytest.raises(TypeError):
        translate.table[("grade", "7")] = "07"  # type: ignore[index]
    assert (translate("grade", "5", "1"), translate("grade", "06", "1")) == ("05", "06")


def test_file_names() -> None:
    now = dt.datetime(2025, 9, 1, 14, 5, 9)
    assert request_file_name(now) == "2025_09_01_140509_SENR_SSID.txt"
    assert updated_file_name(now) == "2025_09_01_140509_SENR_SSID_Updated.txt"


def test_an_enrollment_exiting_today_is_still_current_and_the_primary_one_is_requested() -> None:
    """Issue 18 item 9: exiting today is not yet exited; the open secondary enrollment does not win."""
    exits_today = Enrollment(SCHOOL, "05", dt.date(2025, 8, 14), exit_date=TODAY, exit_reason="T160")
    secondary = Enrollment(CdsCode("6000002"), "05", dt.date(2025, 8, 26), status="20")
    selection = select_request([_student("1", exits_today, secondary)], selected_schools=SELECTED, year=YEAR, today=TODAY)
    assert [e for _, e in selection.included] == [exits_today]
    exited_yesterday = replace(exits_today, exit_date=TODAY - dt.timedelta(days=1))
    selection = select_request([_student("1", exited_yesterday, secondary)], selected_schools=SELECTED, year=YEAR, today=TODAY)
    assert [e for _, e in selection.included] == [secondary]


_UNTRANSLATABLE = [
    ("suffix", {"suffix": "Jr"}, {}, "Student Legal Name Suffix"),
    ("gender", {"gender": "W"}, {}, "Student Gender Code"),
    ("birth_state", {"birth_state": "CAL"}, {}, "Student Birth State Province Code"),
    ("birth_country", {"birth_country": "USA"}, {}, "Student Birth Country Code"),
    ("enroll_status", {}, {"status": "P"}, "Enrollment Status"),
    ("exit_reason", {}, {"exit_date": dt.date(2025, 8, 30), "exit_reason": "moved"}, "Student Exit Reason"),
    ("completion_status", {}, {"exit_date": dt.date(2025, 8, 30), "exit_reason": "E230", "completion_status": "grad"},
     "Student School Completion Status"),
]


@pytest.mark.parametrize(("student_changes", "enrollment_changes", "code_set"), [c[1:] for c in _UNTRANSLATABLE],
                         ids=[c[0] for c in _UNTRANSLATABLE])
def test_every_translated_field_names_the_student_whose_code_has_no_translation(
    student_changes: dict[str, object], enrollment_changes: dict[str, object], code_set: str
) -> None:
    enrollment = replace(MARIA.enrollments[0], **enrollment_changes)  # type: ignore[arg-type]
    student = replace(MARIA, **student_changes)  # type: ignore[arg-type]
    with pytest.raises(TranslationMissing) as caught:
        senr_record(student, enrollment, lea=LEA, year=YEAR, translate=CodeTranslator(), with_exit=True)
    assert (caught.value.local_id, caught.value.field) == ("100234", code_set)


def test_a_record_with_its_exit_and_transaction_as_the_ods_audit_writes_it() -> None:
    student = replace(MARIA, alias=PersonName("MARI", "LOPES", "E"))
    enrollment = Enrollment(SCHOOL, "12", dt.date(2025, 8, 14), exit_date=dt.date(2026, 6, 5), exit_reason="E230",
                            completion_status="100")
    record = senr_record(student, enrollment, lea=LEA, year=YEAR, translate=CodeTranslator(), ssid="1234567890",
                         transaction="R", with_exit=True)
    assert "^".join(record.values()) == (
        "SENR^R^^1964212^6000001^^2025-2026^1234567890^100234^MARIA^ELENA^LOPEZ^^MARI^E^LOPES^20150314^F"
        "^LOS ANGELES^US-CA^US^20250814^10^12^20260605^E230^100^^^^^^^^"
    )


def test_a_summer_selection_takes_pre_enrolled_students_with_their_own_start_and_year() -> None:
    august = _student("7", Enrollment(SCHOOL, "KN", dt.date(2026, 8, 12)))  # next academic year
    october = _student("8", Enrollment(SCHOOL, "01", dt.date(2025, 10, 1)))  # later this year
    ordinary = select_request([august, october], selected_schools=SELECTED, year=YEAR, today=TODAY)
    assert [(e.local_id, e.reason.text) for e in ordinary.excluded] == [("7", "no current enrollment"), ("8", "future start")]
    summer = select_request([august, october], selected_schools=SELECTED, year=YEAR, today=TODAY, summer=True)
    assert [(s.local_id, e.start) for s, e in summer.included] == [("7", dt.date(2026, 8, 12)), ("8", dt.date(2025, 10, 1))]
    records = build_senr_records(summer.included, lea=CdsCode("1964212"), year=YEAR, translate=CodeTranslator())
    assert [(r.enroll_start, r.academic_year) for r in records] == [("20260812", "2026-2027"), ("20251001", "2025-2026")]


def test_a_possible_duplicate_is_never_requested_even_when_kept() -> None:
    second = _student("100005", Enrollment(SCHOOL, "05", dt.date(2025, 8, 14)))
    chosen = select_request(
        [second], selected_schools=SELECTED, year=YEAR, today=TODAY, keep=frozenset({LocalId("100005")}),
        held_back={LocalId("100005"): LocalId("100004")},
    )
    assert chosen.included == []
    assert [e.text for e in chosen.excluded] == ["possible duplicate of 100004: merge the two records in your SIS"]


def _summer(*enrollments: Enrollment, today: dt.date = TODAY) -> tuple[list[dt.date], list[str]]:
    chosen = select_request([_student("1", *enrollments)], selected_schools=SELECTED, year=YEAR, today=today, summer=True)
    return [e.start for _, e in chosen.included], [e.reason.text for e in chosen.excluded]


@pytest.mark.parametrize(
    ("enrollments", "today", "outcome"),
    [
        # pre-enrolled twice: the first enrollment to come
        ((Enrollment(SCHOOL, "KN", dt.date(2026, 8, 20)), Enrollment(SCHOOL, "KN", dt.date(2026, 8, 12))), TODAY,
         ([dt.date(2026, 8, 12)], [])),
        # one started, one to come: the started one
        ((Enrollment(SCHOOL, "05", dt.date(2025, 8, 14)), Enrollment(SCHOOL, "06", dt.date(2026, 8, 12))), TODAY,
         ([dt.date(2025, 8, 14)], [])),
        # the year after next is not requested
        ((Enrollment(SCHOOL, "KN", dt.date(2027, 8, 12)),), TODAY, ([], ["no current enrollment"])),
        # the last day of the next year still is
        ((Enrollment(SCHOOL, "KN", dt.date(2027, 6, 30)),), TODAY, ([dt.date(2027, 6, 30)], [])),
        # pre-enrolled at a school not selected
        ((Enrollment(OTHER_SCHOOL, "KN", dt.date(2026, 8, 12)),), TODAY, ([], ["school not selected"])),
        # next year's enrollment starting today (a run of 2025-2026 on July 1, 2026) is not ahead any more
        ((Enrollment(SCHOOL, "KN", dt.date(2026, 7, 1)),), dt.date(2026, 7, 1), ([], ["no current enrollment"])),
        ((Enrollment(SCHOOL, "KN", dt.date(2026, 7, 2)),), dt.date(2026, 7, 1), ([dt.date(2026, 7, 2)], [])),
    ],
)
def test_a_summer_selection_at_its_boundaries(
    enrollments: tuple[Enrollment, ...], today: dt.date, outcome: tuple[list[dt.date], list[str]]
) -> None:
    assert _summer(*enrollments, today=today) == outcome


def test_a_later_start_wins_among_open_primary_enrollments_and_primary_wins_over_a_later_secondary() -> None:
    early = Enrollment(SCHOOL, "05", dt.date(2025, 8, 14))
    late = Enrollment(CdsCode("6000002"), "05", dt.date(2025, 8, 20))
    late_secondary = replace(late, status="20", start=dt.date(2025, 8, 25))
    for enrollments, chosen in (((early, late), late), ((late, early), late), ((early, late_secondary), early)):
        selection = select_request([_student("1", *enrollments)], selected_schools=SELECTED, year=YEAR, today=TODAY)
        assert [e for _, e in selection.included] == [chosen]


def test_an_enrollment_of_another_school_does_not_hide_one_at_a_selected_school() -> None:
    other = Enrollment(OTHER_SCHOOL, "05", dt.date(2025, 8, 20))
    ours = Enrollment(SCHOOL, "05", dt.date(2025, 8, 14))
    selection = select_request([_student("1", other, ours)], selected_schools=SELECTED, year=YEAR, today=TODAY)
    assert [e for _, e in selection.included] == [ours]


def test_keep_and_skip_are_checked_on_the_enrollment_requested_in_that_order() -> None:
    student = _student("1", Enrollment(SCHOOL, "05", dt.date(2025, 8, 14)), tags=frozenset({"newcomer", "ell"}))
    both = Selection(ids=frozenset({LocalId("1")}))
    for keep, skip, reason in (
        (both, both, "skipped"),
        (Selection(grades=frozenset({"06"})), both, "not in the KEEP selection"),
        (Selection(tags=frozenset({"ell"})), Selection(schools=frozenset({CdsCode("6000002")})), None),
        (None, Selection(grades=frozenset({"05"})), "skipped"),
        (None, Selection(tags=frozenset({"sped"})), None),
    ):
        selection = select_request([student], selected_schools=SELECTED, year=YEAR, today=TODAY, keep=keep, skip=skip)
        assert [e.reason.text for e in selection.excluded] == ([reason] if reason else [])
        assert len(selection.included) == (0 if reason else 1)


def test_a_possible_duplicate_of_a_student_whose_enrollment_does_not_qualify_keeps_that_reason() -> None:
    inactive = _student("2", CURRENT, active=False)
    chosen = select_request([inactive], selected_schools=SELECTED, year=YEAR, today=TODAY,
                            held_back={LocalId("2"): LocalId("1")})
    assert [(e.reason, e.duplicate_of, e.text) for e in chosen.excluded] == [(ExclusionReason.INACTIVE, None, "inactive")]
    held = select_request([_student("2", CURRENT)], selected_schools=SELECTED, year=YEAR, today=TODAY,
                          held_back={LocalId("2"): LocalId("1")})
    assert held.excluded == [Exclusion(LocalId("2"), ExclusionReason.POSSIBLE_DUPLICATE, LocalId("1"))]


def test_no_students_and_no_selected_schools() -> None:
    assert select_request([], selected_schools=SELECTED, year=YEAR, today=TODAY).included == []
    chosen = select_request([_student("1", CURRENT)], selected_schools=frozenset(), year=YEAR, today=TODAY)
    assert [e.reason.text for e in chosen.excluded] == ["school not selected"]


def test_file_names_pad_every_part_to_its_width() -> None:
    now = dt.datetime(2026, 1, 2, 3, 4, 5)
    assert (request_file_name(now), updated_file_name(now)) == (
        "2026_01_02_030405_SENR_SSID.txt", "2026_01_02_030405_SENR_SSID_Updated.txt"
    )


def test_a_keep_or_skip_file_is_one_local_id_a_line_blank_lines_ignored() -> None:
    assert Selection.of_ids(["100234", " 100235 ", "", "  ", "100234"]) == Selection(
        ids=frozenset({LocalId("100234"), LocalId("100235")})
    )
    assert Selection.of_ids([]) == Selection()


def test_the_planning_family_finds_each_name_in_its_module() -> None:
    import domain.planning as planning
    from domain.planning.ods import reference_ods_plan
    from domain.planning.senr import senr_record as home

    assert planning.__getattr__("senr_record") is home
    assert planning.__getattr__("plan_ods_reconciliation") is reference_ods_plan
    with pytest.raises(AttributeError) as caught:
        planning.__getattr__("plan_everything")
    assert str(caught.value) == "module 'domain.planning' has no attribute 'plan_everything'"
