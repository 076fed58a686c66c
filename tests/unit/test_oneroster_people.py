"""OneRoster students and parents: users.csv (1.2 with roles.csv) and demographics.csv, read from a
small export in a temporary folder; each refusal pinned as the user reads it (file, line, field)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from domain.model import Guardian, PersonName
from domain.oneroster import OneRosterMapping, OneRosterVersion, read_oneroster
from domain.values import Ssid
from tests.unit.oneroster_files import TODAY, small_export

V11, V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2


def test_a_11_student_is_read_with_names_parent_birth_and_grade(tmp_path: Path) -> None:
    (read,) = small_export(V11).students(tmp_path)
    s = read.student
    assert (s.local_id, s.legal, s.alias, s.ssid, s.active) == ("100234", PersonName("María", "López", "Ana"), None, None, True)
    assert (s.birth_date, s.gender, s.birth_city, s.birth_state, s.birth_country) == (dt.date(2015, 3, 14), "F", "El Monte", "US-CA", "US")
    assert s.guardians == (Guardian("Rosa", "López"),)
    assert read.gender_missing is None


def test_a_disabled_user_is_an_inactive_student(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("users.csv", "s1")["enabledUser"] = "false"
    assert export.students(tmp_path)[0].student.active is False


U, D, R = "users.csv", "demographics.csv", "roles.csv"
CALPADS_GENDER = "must be male, female or other: CALPADS needs a gender"


@pytest.mark.parametrize(
    ("version", "file", "sourced_id", "values", "expected"),
    [
        (V11, U, "s1", {"enabledUser": ""}, "users.csv, line 2, field 4 (enabledUser): is required"),
        (V11, U, "s1", {"enabledUser": "yes"}, "users.csv, line 2, field 4 (enabledUser): must be true or false"),
        (V11, U, "s1", {"givenName": ""}, "users.csv, line 2, field 9 (givenName): is required"),
        (V11, U, "s1", {"familyName": ""}, "users.csv, line 2, field 10 (familyName): is required"),
        (V11, U, "s1", {"givenName": "A" * 31}, "users.csv, line 2, field 9 (givenName): longer than 30 characters"),
        (V11, U, "s1", {"familyName": "A" * 51}, "users.csv, line 2, field 10 (familyName): longer than 50 characters"),
        (V11, U, "s1", {"middleName": "A" * 31}, "users.csv, line 2, field 11 (middleName): longer than 30 characters"),
        (V11, U, "s1", {"agentSourcedIds": "g1, g9"}, "users.csv, line 2, field 16 (agentSourcedIds): names a user that is not in users.csv"),
        (V11, U, "g1", {"sourcedId": ""}, "users.csv, line 3, field 1 (sourcedId): is required"),
        (V11, U, "g1", {"role": ""}, "users.csv, line 3, field 6 (role): is required"),
        (V11, U, "g1", {"role": "counselor"}, "users.csv, line 3, field 6 (role): is not a OneRoster 1.1 role value"),
        (V11, U, "g1", {"givenName": "R" * 31}, "users.csv, line 3, field 9 (givenName): longer than 30 characters"),
        (V11, U, "g1", {"familyName": "L" * 51}, "users.csv, line 3, field 10 (familyName): longer than 50 characters"),
        (V12, U, "s1", {"preferredGivenName": "A" * 31}, "users.csv, line 2, field 19 (preferredGivenName): longer than 30 characters"),
        (V12, U, "s1", {"preferredFamilyName": "A" * 51}, "users.csv, line 2, field 21 (preferredFamilyName): longer than 50 characters"),
        (V12, U, "s1", {"preferredMiddleName": "A" * 31}, "users.csv, line 2, field 20 (preferredMiddleName): longer than 30 characters"),
        (V12, R, "r2", {"roleType": ""}, "roles.csv, line 3, field 5 (roleType): is required"),
        (V12, R, "r2", {"roleType": "tertiary"}, "roles.csv, line 3, field 5 (roleType): is not a OneRoster 1.2 roleType value"),
        (V12, R, "r2", {"role": ""}, "roles.csv, line 3, field 6 (role): is required"),
        (V12, R, "r2", {"role": "administrator"}, "roles.csv, line 3, field 6 (role): is not a OneRoster 1.2 role value"),
        (V12, R, "r2", {"userSourcedId": ""}, "roles.csv, line 3, field 4 (userSourcedId): is required"),
        (V11, D, "s1", {"stateOfBirthAbbreviation": "CALIF"},
         "demographics.csv, line 2, field 14 (stateOfBirthAbbreviation): is not a state or province abbreviation"),
        (V11, D, "s1", {"stateOfBirthAbbreviation": "US-CALI"},
         "demographics.csv, line 2, field 14 (stateOfBirthAbbreviation): is not a state or province abbreviation"),
        (V11, D, "s1", {"stateOfBirthAbbreviation": "C\tA"},
         "demographics.csv, line 2, field 14 (stateOfBirthAbbreviation): holds a control character"),
        (V11, D, "s1", {"countryOfBirthCode": "USA"}, "demographics.csv, line 2, field 13 (countryOfBirthCode): longer than 2 characters"),
        (V11, D, "s1", {"cityOfBirth": "C" * 31}, "demographics.csv, line 2, field 15 (cityOfBirth): longer than 30 characters"),
        (V11, D, "s1", {"birthDate": ""}, "demographics.csv, line 2, field 4 (birthDate): is required"),
        (V11, D, "s1", {"birthDate": "2015-02-30"}, "demographics.csv, line 2, field 4 (birthDate): is not a real calendar date"),
        (V11, D, "s1", {"sex": "other"}, "demographics.csv, line 2, field 5 (sex): is not a OneRoster 1.1 sex value"),
        (V12, D, "s1", {"sex": "unspecified"}, f"demographics.csv, line 2, field 5 (sex): {CALPADS_GENDER}"),
        (V12, D, "s1", {"sex": "ext:x"}, f"demographics.csv, line 2, field 5 (sex): {CALPADS_GENDER}"),
        (V11, D, "s1", {"sourcedId": ""}, "demographics.csv, line 2, field 1 (sourcedId): is required"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused(
    tmp_path: Path, version: OneRosterVersion, file: str, sourced_id: str, values: dict[str, str], expected: str
) -> None:
    assert small_export(version).edited(file, sourced_id, values).refusal(tmp_path) == expected


def test_the_local_id_and_ssid_come_from_the_fields_the_settings_name(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("users.csv", "s1").update(identifier="", username="D-77", userIds="{SSID: 2000000001 },{LocalId:x}")
    (read,) = export.students(tmp_path, OneRosterMapping(local_id="username", ssid="userIds:SSID"))
    assert (read.student.local_id, read.student.ssid) == ("D-77", Ssid("2000000001"))


def test_a_blank_ssid_field_is_no_ssid(tmp_path: Path) -> None:
    (read,) = small_export(V11).students(tmp_path, OneRosterMapping(ssid="username"))
    assert read.student.ssid is None


@pytest.mark.parametrize(
    ("mapping", "values", "expected"),
    [
        (OneRosterMapping(), {"identifier": ""}, "field 12 (identifier): is required: it holds the local id (identifier)"),
        (OneRosterMapping(local_id="userIds:LocalId"), {"userIds": "{SSID:1}"},
         "field 8 (userIds): is required: it holds the local id (userIds:LocalId)"),
        (OneRosterMapping(), {"identifier": "1234567890123456"}, "field 12 (identifier): longer than 15 characters"),
        (OneRosterMapping(), {"identifier": "12^4"}, "field 12 (identifier): must not contain ^"),
        (OneRosterMapping(), {"identifier": "9" * 256}, "field 12 (identifier): longer than 255 characters"),
        (OneRosterMapping(local_id="userIds:LocalId"), {"userIds": "{LocalId:" + "9" * 256 + "}"},
         "field 8 (userIds): longer than 255 characters"),
        (OneRosterMapping(ssid="username"), {"username": "200000000"},
         "field 7 (username): must be exactly 10 digits (the SSID, username)"),
        (OneRosterMapping(ssid="userIds:SSID"), {"userIds": "{SSID:20000000011}"},
         "field 8 (userIds): must be exactly 10 digits (the SSID, userIds:SSID)"),
        (OneRosterMapping(ssid="username"), {"username": "9" * 256}, "field 7 (username): longer than 255 characters"),
    ],
)  # fmt: skip
def test_a_bad_local_id_or_ssid_is_refused_naming_the_field_read(
    tmp_path: Path, mapping: OneRosterMapping, values: dict[str, str], expected: str
) -> None:
    assert small_export(V11).edited("users.csv", "s1", values).refusal(tmp_path, mapping) == f"users.csv, line 2, {expected}"


def test_a_255_character_id_field_is_read_up_to_its_own_check(tmp_path: Path) -> None:
    refusal = small_export(V11).edited("users.csv", "s1", {"identifier": "9" * 255}).refusal(tmp_path)
    assert refusal == "users.csv, line 2, field 12 (identifier): longer than 15 characters"


def test_names_of_the_longest_length_are_read(tmp_path: Path) -> None:
    export = small_export(V12)
    export.row("users.csv", "s1").update(givenName="G" * 30, familyName="F" * 50, middleName="M" * 30,
                                         preferredGivenName="g" * 30, preferredFamilyName="f" * 50, preferredMiddleName="m" * 30)  # fmt: skip
    export.row("users.csv", "g1").update(givenName="R" * 30, familyName="L" * 50)
    (read,) = export.students(tmp_path)
    assert read.student.legal == PersonName("G" * 30, "F" * 50, "M" * 30)
    assert read.student.alias == PersonName("g" * 30, "f" * 50, "m" * 30)
    assert read.student.guardians == (Guardian("R" * 30, "L" * 50),)


def test_equal_names_of_different_students_are_one_string(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="s2", enabledUser="true", role="student", givenName="María", familyName="López",
               middleName="Ana", identifier="100235")  # fmt: skip
    export.add("demographics.csv", sourcedId="s2", birthDate="2015-03-14", cityOfBirth="El Monte")
    first, second = (r.student for r in export.students(tmp_path))
    assert first.legal.first is second.legal.first and first.legal.last is second.legal.last
    assert first.legal.middle is second.legal.middle and first.birth_city is second.birth_city


@pytest.mark.parametrize(
    ("preferred", "alias"),
    [
        (("Mary", "", ""), PersonName("Mary", "")),
        (("", "", "Ann"), PersonName("", "", "Ann")),
        (("", "", ""), None),
        (("María", "López", "Ana"), None),
    ],
)
def test_a_12_preferred_name_is_the_alias_unless_blank_or_the_legal_name(
    tmp_path: Path, preferred: tuple[str, str, str], alias: PersonName | None
) -> None:
    export = small_export(V12)
    first, last, middle = preferred
    export.row("users.csv", "s1").update(preferredGivenName=first, preferredFamilyName=last, preferredMiddleName=middle)
    assert export.students(tmp_path)[0].student.alias == alias


def test_a_11_export_has_no_alias_even_with_preferred_columns(tmp_path: Path) -> None:
    export = small_export(V11)
    folder = export.write(tmp_path / "export")
    users = folder / "users.csv"
    lines = users.read_text(encoding="utf-8").splitlines()
    users.write_text(f"{lines[0]},preferredGivenName\r\n{lines[1]},Mary\r\n{lines[2]},\r\n", encoding="utf-8")
    (read,) = read_oneroster(folder, today=TODAY).students
    assert read.student.alias is None


def test_userMasterIdentifier_is_refused_for_a_11_export(tmp_path: Path) -> None:
    expected = "users.csv, line 1, (userMasterIdentifier): the settings read userMasterIdentifier, a OneRoster 1.2 column; this export is 1.1"
    assert small_export(V11).refusal(tmp_path / "a", OneRosterMapping(local_id="userMasterIdentifier")) == expected
    assert small_export(V11).refusal(tmp_path / "b", OneRosterMapping(ssid="userMasterIdentifier")) == expected


def test_userMasterIdentifier_is_read_from_a_12_export(tmp_path: Path) -> None:
    export = small_export(V12)
    export.row("users.csv", "s1")["userMasterIdentifier"] = "2000000001"
    (read,) = export.students(tmp_path, OneRosterMapping(ssid="userMasterIdentifier"))
    assert read.student.ssid == "2000000001"


def test_a_user_given_twice_is_refused(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="g1", enabledUser="true", role="parent", givenName="Luis", familyName="López")
    assert export.refusal(tmp_path) == "users.csv, line 4, field 1 (sourcedId): given twice in users.csv"


def test_a_local_id_given_twice_is_refused_naming_the_first_line(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="s2", enabledUser="true", role="student", givenName="Ana", familyName="Ruiz", identifier="100234")
    assert export.refusal(tmp_path) == "users.csv, line 4, field 12 (identifier): the same local id as line 2"


@pytest.mark.parametrize(("role", "guardians"), [("guardian", (Guardian("Rosa", "López"),)), ("relative", ()), ("teacher", ())])
def test_only_parents_and_guardians_are_the_students_guardians(tmp_path: Path, role: str, guardians: tuple[Guardian, ...]) -> None:
    export = small_export(V11)
    export.row("users.csv", "g1")["role"] = role
    (read,) = export.students(tmp_path)
    assert read.student.guardians == guardians


def test_a_parent_may_leave_names_blank(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("users.csv", "g1").update(givenName="", familyName="")
    assert export.students(tmp_path)[0].student.guardians == (Guardian("", ""),)


def test_12_roles_decide_who_is_a_student(tmp_path: Path) -> None:
    export = small_export(V12)
    export.add("roles.csv", sourcedId="r3", userSourcedId="g1", roleType="secondary", role="teacher")
    export.add("roles.csv", sourcedId="r4", userSourcedId="g1", roleType="secondary", role="ext:coach")
    export.add("users.csv", sourcedId="t1", enabledUser="true", givenName="", familyName="")
    export.add("roles.csv", sourcedId="r5", userSourcedId="s1", roleType="secondary", role="teacher")
    (read,) = export.students(tmp_path)
    assert read.student.local_id == "100234" and read.student.guardians == (Guardian("Rosa", "López"),)


def test_a_12_user_holding_a_second_role_besides_student_is_a_student(tmp_path: Path) -> None:
    export = small_export(V12)
    export.row("roles.csv", "r1")["role"] = "aide"
    export.add("roles.csv", sourcedId="r3", userSourcedId="s1", roleType="secondary", role="student")
    assert [r.student.local_id for r in export.students(tmp_path)] == ["100234"]


def test_a_birth_place_is_read_as_calpads_codes(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("demographics.csv", "s1").update(countryOfBirthCode="mx", stateOfBirthAbbreviation="jal", cityOfBirth="C" * 30)
    s = export.students(tmp_path)[0].student
    assert (s.birth_country, s.birth_state, s.birth_city) == ("MX", "MX-JAL", "C" * 30)


@pytest.mark.parametrize(
    ("country", "state", "expected"),
    [("", "ca", ("", "US-CA")), ("US", "us-ny", ("US", "US-NY")), ("", "", ("", "")), ("CA", "MX-ROO", ("CA", "MX-ROO"))],
)
def test_a_birth_state_without_a_country_is_in_the_us(tmp_path: Path, country: str, state: str, expected: tuple[str, str]) -> None:
    export = small_export(V11)
    export.row("demographics.csv", "s1").update(countryOfBirthCode=country, stateOfBirthAbbreviation=state)
    s = export.students(tmp_path)[0].student
    assert (s.birth_country, s.birth_state) == expected


def test_equal_birth_states_and_countries_are_one_string(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="s2", enabledUser="true", role="student", givenName="Ana", familyName="Ruiz", identifier="100235")
    export.add("demographics.csv", sourcedId="s2", birthDate="2014-01-02", countryOfBirthCode="us", stateOfBirthAbbreviation="ca")
    first, second = (r.student for r in export.students(tmp_path))
    assert first.birth_state is second.birth_state is sys.intern("US-CA")
    assert first.birth_country is second.birth_country is sys.intern("US")


def test_a_six_character_state_is_read(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("demographics.csv", "s1").update(countryOfBirthCode="", stateOfBirthAbbreviation="XYZ")
    assert export.students(tmp_path)[0].student.birth_state == "US-XYZ"


@pytest.mark.parametrize(("version", "sex", "gender"), [(V11, "male", "M"), (V12, "other", "X")])
def test_sex_is_read_as_the_calpads_gender(tmp_path: Path, version: OneRosterVersion, sex: str, gender: str) -> None:
    export = small_export(version)
    export.row("demographics.csv", "s1")["sex"] = sex
    assert export.students(tmp_path)[0].student.gender == gender


def test_a_blank_sex_is_read_with_the_problem_to_raise_for_a_new_student(tmp_path: Path) -> None:
    export = small_export(V11)
    export.row("demographics.csv", "s1")["sex"] = ""
    (read,) = export.students(tmp_path)
    assert read.student.gender == ""
    assert str(read.gender_missing) == (
        "demographics.csv, line 2, field 5 (sex): is required for a student the workbench does not hold yet: CALPADS needs a gender"
    )


def test_demographics_of_other_users_are_not_read(tmp_path: Path) -> None:
    export = small_export(V11)
    export.tables["demographics.csv"].insert(0, {"sourcedId": "g1", "birthDate": "yesterday", "sex": "none"})
    export.add("demographics.csv", sourcedId="g1", birthDate="")
    export.add("demographics.csv", sourcedId="nobody", birthDate="")
    assert export.students(tmp_path)[0].student.birth_date == dt.date(2015, 3, 14)


def test_a_students_demographics_given_twice_are_refused(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("demographics.csv", sourcedId="s1", birthDate="2015-03-14")
    assert export.refusal(tmp_path) == "demographics.csv, line 3, field 1 (sourcedId): given twice in demographics.csv"


def test_a_student_without_demographics_is_refused(tmp_path: Path) -> None:
    export = small_export(V11)
    export.tables["demographics.csv"].clear()
    expected = "users.csv, line 2, field 1 (sourcedId): has no row in demographics.csv (the birth date and sex are there)"
    assert export.refusal(tmp_path) == expected


def test_guardians_are_the_agents_that_are_parents_in_the_order_given(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="g2", enabledUser="true", role="guardian", givenName="Luis", familyName="Ruiz")
    export.add("users.csv", sourcedId="t1", enabledUser="true", role="teacher", givenName="Ted", familyName="Hu")
    export.row("users.csv", "s1")["agentSourcedIds"] = " g2 ,t1,, g1"
    (read,) = export.students(tmp_path)
    assert read.student.guardians == (Guardian("Luis", "Ruiz"), Guardian("Rosa", "López"))


def test_equal_names_of_different_parents_are_one_string(tmp_path: Path) -> None:
    export = small_export(V11)
    export.add("users.csv", sourcedId="g2", enabledUser="true", role="guardian", givenName="Rosa", familyName="López")
    export.row("users.csv", "s1")["agentSourcedIds"] = "g1,g2"
    first, second = export.students(tmp_path)[0].student.guardians
    assert first.first is second.first and first.last is second.last


def test_a_12_students_own_grade_may_be_an_extension(tmp_path: Path) -> None:
    export = small_export(V12).edited("classes.csv", "c1", {"grades": ""})
    (read,) = export.edited("users.csv", "s1", {"grades": "ext:Adult"}).students(tmp_path)
    assert read.student.enrollments[0].grade == "ext:Adult"
