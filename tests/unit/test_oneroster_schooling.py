"""OneRoster schools, school years, classes and enrollments read into each student's enrollments
(orgs.csv, academicSessions.csv, classes.csv, enrollments.csv, with users.csv's grades), and the
export as a whole: what it says it carries, each refusal pinned as the user reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sized
from pathlib import Path

import pytest

from domain.model import Enrollment
from domain.oneroster import OneRosterVersion, read_oneroster
from domain.values import CdsCode
from tests.unit.oneroster_files import TODAY, SmallExport, small_export

V11, V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2
SCHOOL, OTHER = CdsCode("6019715"), CdsCode("6019723")
AUG13 = dt.date(2025, 8, 13)


def _enroll(export: SmallExport, sourced_id: str, begin: str, end: str = "", *, school: str = "org1", klass: str = "c1") -> None:
    export.add("enrollments.csv", sourcedId=sourced_id, classSourcedId=klass, schoolSourcedId=school, userSourcedId="s1",
               role="student", beginDate=begin, endDate=end)  # fmt: skip


def _enrollments(export: SmallExport, folder: Path) -> tuple[Enrollment, ...]:
    (read,) = export.students(folder)
    return read.student.enrollments


def test_the_export_says_its_version_and_what_it_carries(tmp_path: Path) -> None:
    v11 = read_oneroster(small_export(V11).write(tmp_path / "a"), today=TODAY)
    assert (v11.version, v11.carries_alias, v11.carries_guardians) == (V11, False, True)
    export = small_export(V12)
    export.row("users.csv", "s1")["agentSourcedIds"] = ""
    export.tables["users.csv"].pop()
    export.tables["roles.csv"].pop()
    v12 = read_oneroster(export.write(tmp_path / "b"), today=TODAY)
    assert (v12.version, v12.carries_alias, v12.carries_guardians) == (V12, True, False)


def test_the_students_are_counted_and_built_again_each_time_they_are_iterated(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="s2", enabledUser="true", role="student", givenName="Ana", familyName="Ruiz", identifier="100235")
    export.add("demographics.csv", sourcedId="s2", birthDate="2014-01-02", sex="male")
    students = read_oneroster(export.write(tmp_path), today=TODAY).students
    assert isinstance(students, Sized) and len(students) == 2
    assert [r.student.local_id for r in students] == ["100234", "100235"]
    assert [(r.enrolled, r.student.enrollments) for r in students] == [(True, (Enrollment(SCHOOL, "05", AUG13),)), (False, ())]


def test_an_open_enrollment_has_no_exit(tmp_path: Path) -> None:
    assert _enrollments(small_export(V11), tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


@pytest.mark.parametrize(("end", "exit_date"), [("2026-01-15", dt.date(2026, 1, 15)), ("2026-01-16", None), ("2025-08-12", dt.date(2025, 8, 12))])
def test_an_end_up_to_today_is_the_exit_a_later_one_the_end_of_term(tmp_path: Path, end: str, exit_date: dt.date | None) -> None:
    export = small_export(V11)
    export.row("enrollments.csv", "e1")["endDate"] = end
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13, exit_date=exit_date),)


def test_class_enrollments_at_one_school_in_one_year_are_one_enrollment(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("enrollments.csv", "e1")["endDate"] = "2025-10-01"
    _enroll(export, "e2", "2025-08-12", "2025-12-19")
    _enroll(export, "e3", "2025-09-01", "2025-11-01")
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", dt.date(2025, 8, 12), exit_date=dt.date(2025, 12, 19)),)


@pytest.mark.parametrize("open_first", [True, False])
def test_an_open_class_enrollment_keeps_the_enrollment_open(tmp_path: Path, open_first: bool) -> None:
    export = small_export(V11)
    _enroll(export, "e2", "2025-08-20", "2025-12-19")
    if not open_first:
        export.tables["enrollments.csv"].reverse()
    _enroll(export, "e3", "2025-09-01", "2025-11-01")
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


def test_enrollments_in_two_school_years_stay_two(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("academicSessions.csv", sourcedId="y24", type="schoolYear", startDate="2024-07-01", endDate="2025-06-30")
    export.add("academicSessions.csv", sourcedId="t1", type="term", startDate="2024-07-01", endDate="2026-06-30")
    _enroll(export, "e0", "2024-08-14", "2025-06-30")
    _enroll(export, "e2", "2025-07-01", "2026-06-30")
    assert _enrollments(export, tmp_path) == (
        Enrollment(SCHOOL, "05", dt.date(2024, 8, 14), exit_date=dt.date(2025, 6, 30)),
        Enrollment(SCHOOL, "05", dt.date(2025, 7, 1)),
    )


def test_without_school_years_in_bulk_the_sessions_are_not_read(tmp_path: Path) -> None:
    export = small_export(V11)
    export.manifest["file.academicSessions"] = "absent"
    export.row("academicSessions.csv", "y25")["startDate"] = "never"
    export.add("academicSessions.csv", sourcedId="y24", type="schoolYear", startDate="2024-07-01", endDate="2025-06-30")
    _enroll(export, "e0", "2024-08-14", "2025-06-30")
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", dt.date(2024, 8, 14)),)


def test_enrollments_at_two_schools_are_sorted_by_start_then_school(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("orgs.csv", sourcedId="org2", type="school", identifier="6019723")
    export.add("orgs.csv", sourcedId="org0", type="school", identifier="6019707")
    _enroll(export, "e2", "2025-08-13", school="org2")
    _enroll(export, "e3", "2025-08-12", school="org0")
    export.tables["enrollments.csv"].reverse()
    assert [(e.school, e.start) for e in _enrollments(export, tmp_path)] == [
        ("6019707", dt.date(2025, 8, 12)), (SCHOOL, AUG13), (OTHER, AUG13)]  # fmt: skip


@pytest.mark.parametrize(("class_grades", "user_grades", "grade"), [("KG", "01", "KN"), ("", "PK", "PS"), ("04,05", "PK", "PS")])
def test_a_grade_comes_from_the_class_when_it_names_one_else_from_the_student(
    tmp_path: Path, class_grades: str, user_grades: str, grade: str
) -> None:
    export = small_export(V11).edited("classes.csv", "c1", {"grades": class_grades})
    assert _enrollments(export.edited("users.csv", "s1", {"grades": user_grades}), tmp_path)[0].grade == grade


def test_a_later_class_enrollment_gives_the_grade_the_first_lacks(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("classes.csv", sourcedId="c2", grades="06")
    export.row("users.csv", "s1")["grades"] = ""
    export.row("enrollments.csv", "e1")["classSourcedId"] = "unknown"
    _enroll(export, "e2", "2025-08-20", klass="c2")
    _enroll(export, "e3", "2025-08-21", klass="c1")
    assert _enrollments(export, tmp_path)[0].grade == "06"


def test_without_classes_in_bulk_the_grade_is_the_students(tmp_path: Path) -> None:
    export = small_export(V11)
    export.manifest["file.classes"] = "absent"
    export.row("classes.csv", "c1")["grades"] = "bogus"
    export.row("users.csv", "s1")["grades"] = "TK"
    assert _enrollments(export, tmp_path)[0].grade == "TK"


@pytest.mark.parametrize("grades", ["", "04,05"])
def test_no_grade_of_class_or_student_is_refused(tmp_path: Path, grades: str) -> None:
    export = small_export(V11)
    export.row("classes.csv", "c1")["grades"] = ""
    export.row("users.csv", "s1")["grades"] = grades
    expected = "users.csv, line 2, field 17 (grades): must give the student's grade (one value) when the enrollment's class gives none"
    assert export.refusal(tmp_path) == expected


@pytest.mark.parametrize(("version", "grade", "read"), [(V11, "13", "13"), (V12, "ext:Adult", "ext:Adult"), (V11, "Other", "Other")])
def test_a_grade_without_a_calpads_equal_is_kept(tmp_path: Path, version: OneRosterVersion, grade: str, read: str) -> None:
    export = small_export(version)
    export.row("classes.csv", "c1")["grades"] = grade
    assert _enrollments(export, tmp_path)[0].grade == read


@pytest.mark.parametrize(("file", "sourced_id", "field"), [("classes.csv", "c1", 5), ("users.csv", "s1", 17)])
def test_a_grade_that_is_no_ceds_grade_is_refused(tmp_path: Path, file: str, sourced_id: str, field: int) -> None:
    export = small_export(V11)
    export.row(file, sourced_id)["grades"] = "05,ext:Adult"
    expected = f"{file}, line 2, field {field} (grades): lists a value that is not a CEDS grade level (IT, PR, PK, TK, KG, 01-13, PS, UG, Other)"
    assert export.refusal(tmp_path) == expected


def test_an_enrollment_of_a_teacher_is_not_read(tmp_path: Path) -> None:
    export = small_export(V11)
    export.tables["enrollments.csv"].insert(0, {"sourcedId": "e9", "classSourcedId": "c1", "schoolSourcedId": "nowhere",
                                                "userSourcedId": "t9", "role": "teacher", "beginDate": "never"})  # fmt: skip
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


E, O, Y = "enrollments.csv", "orgs.csv", "academicSessions.csv"


@pytest.mark.parametrize(
    ("file", "sourced_id", "values", "expected"),
    [
        (E, "e1", {"role": ""}, "enrollments.csv, line 2, field 7 (role): is required"),
        (E, "e1", {"userSourcedId": ""}, "enrollments.csv, line 2, field 6 (userSourcedId): is required"),
        (E, "e1", {"userSourcedId": "g1"}, "enrollments.csv, line 2, field 6 (userSourcedId): names a user who is not a student"),
        (E, "e1", {"userSourcedId": "x9"}, "enrollments.csv, line 2, field 6 (userSourcedId): names no user of users.csv"),
        (E, "e1", {"schoolSourcedId": ""}, "enrollments.csv, line 2, field 5 (schoolSourcedId): is required"),
        (E, "e1", {"schoolSourcedId": "x9"}, "enrollments.csv, line 2, field 5 (schoolSourcedId): names no org of orgs.csv"),
        (E, "e1", {"schoolSourcedId": "d1"}, "enrollments.csv, line 2, field 5 (schoolSourcedId): names an org that is not a school"),
        (E, "e1", {"beginDate": ""}, "enrollments.csv, line 2, field 9 (beginDate): is required"),
        (E, "e1", {"beginDate": "2025-8-13"}, "enrollments.csv, line 2, field 9 (beginDate): must be a YYYY-MM-DD date"),
        (E, "e1", {"endDate": "2025-13-01"}, "enrollments.csv, line 2, field 10 (endDate): is not a real calendar date"),
        (E, "e1", {"endDate": "2025-08-11"}, "enrollments.csv, line 2, field 10 (endDate): is before beginDate"),
        (O, "org1", {"sourcedId": ""}, "orgs.csv, line 3, field 1 (sourcedId): is required"),
        (O, "org1", {"sourcedId": "d1"}, "orgs.csv, line 3, field 1 (sourcedId): given twice (line 2 too)"),
        (O, "org1", {"type": ""}, "orgs.csv, line 3, field 5 (type): is required"),
        (O, "org1", {"type": "campus"}, "orgs.csv, line 3, field 5 (type): is not a OneRoster 1.1 type value"),
        (O, "org1", {"identifier": "601971"}, "orgs.csv, line 3, field 6 (identifier): must be the school's 7-digit CDS code"),
        (Y, "y25", {"type": ""}, "academicSessions.csv, line 2, field 5 (type): is required"),
        (Y, "y25", {"type": "quarter"}, "academicSessions.csv, line 2, field 5 (type): is not a OneRoster 1.1 type value"),
        (Y, "y25", {"startDate": ""}, "academicSessions.csv, line 2, field 6 (startDate): is required"),
        (Y, "y25", {"endDate": ""}, "academicSessions.csv, line 2, field 7 (endDate): is required"),
        (Y, "y25", {"endDate": "2025-06-30"}, "academicSessions.csv, line 2, field 7 (endDate): is before startDate"),
        ("classes.csv", "c1", {"sourcedId": ""}, "classes.csv, line 2, field 1 (sourcedId): is required"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused(tmp_path: Path, file: str, sourced_id: str, values: dict[str, str], expected: str) -> None:
    assert small_export(V11).edited(file, sourced_id, values).refusal(tmp_path) == expected


def test_a_school_no_student_attends_needs_no_cds_code(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("orgs.csv", sourcedId="org2", type="school", identifier="")
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


def test_an_org_of_a_12_extension_type_is_read(tmp_path: Path) -> None:
    export = small_export(V12)
    export.row("orgs.csv", "d1")["type"] = "ext:network"
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


def test_a_one_day_session_is_read(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("academicSessions.csv", sourcedId="d", type="gradingPeriod", startDate="2025-08-13", endDate="2025-08-13")
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


def test_only_school_year_sessions_group_enrollments(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("academicSessions.csv", "y25")["type"] = "semester"
    export.add("academicSessions.csv", sourcedId="y26", type="schoolYear", startDate="2026-07-01", endDate="2027-06-30")
    _enroll(export, "e2", "2026-01-05")
    export.row("enrollments.csv", "e1")["endDate"] = "2025-12-19"
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13),)


def test_the_day_before_the_begin_is_a_no_show_end(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("enrollments.csv", "e1")["endDate"] = "2025-08-12"
    _enroll(export, "e2", "2025-08-14", "2025-08-13")
    assert _enrollments(export, tmp_path) == (Enrollment(SCHOOL, "05", AUG13, exit_date=AUG13),)


def test_an_enrollment_beginning_on_the_last_day_of_a_school_year_is_in_that_year(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("academicSessions.csv", sourcedId="y24", type="schoolYear", startDate="2024-07-01", endDate="2025-06-30")
    _enroll(export, "e0", "2024-07-01", "2025-06-01")
    _enroll(export, "e2", "2025-06-30", "2025-06-30")
    export.row("enrollments.csv", "e1")["beginDate"] = "2025-07-01"
    assert _enrollments(export, tmp_path) == (
        Enrollment(SCHOOL, "05", dt.date(2024, 7, 1), exit_date=dt.date(2025, 6, 30)),
        Enrollment(SCHOOL, "05", dt.date(2025, 7, 1)),
    )
