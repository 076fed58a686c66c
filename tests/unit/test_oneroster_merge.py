"""OneRoster's field mapping and what an import keeps of a stored student (pure: no files, no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from domain.errors import InvalidValue
from domain.model import Address, Enrollment, Guardian, LanguageStatus, PersonName, SpecialEducation, Student
from domain.oneroster import OneRosterExport, OneRosterMapping, OneRosterStudent, OneRosterVersion, merged_with_stored
from domain.values import CdsCode, LocalId, Ssid

SCHOOL, OTHER_SCHOOL = CdsCode("6019715"), CdsCode("6019723")


def test_a_typed_user_id_is_found_among_the_others() -> None:
    values = {"userIds": "{SSID:2000000001},{District:D100234}", "identifier": "100234"}
    assert OneRosterMapping.value("userIds:District", values) == "D100234"
    assert OneRosterMapping.value("userIds:SSID", values) == "2000000001"
    assert OneRosterMapping.value("userIds:Other", values) == ""
    assert OneRosterMapping.value("identifier", values) == "100234"
    assert OneRosterMapping.column("userIds:SSID") == "userIds"


@pytest.mark.parametrize("field", ["studentNumber", "userIds:", "userIds:A B", "email"])
def test_a_setting_that_names_no_users_field_is_refused(field: str) -> None:
    with pytest.raises(InvalidValue):
        OneRosterMapping(local_id=field)


def _export(version: OneRosterVersion = OneRosterVersion.V1_1, guardians: bool = True) -> OneRosterExport:
    return OneRosterExport(version=version, students=(), carries_alias=version is OneRosterVersion.V1_2, carries_guardians=guardians)


STORED = Student(
    local_id=LocalId("100234"), legal=PersonName("María", "López"), birth_date=dt.date(2015, 3, 14), gender="X",
    suffix="JR", alias=PersonName("Mary", "López"), ssid=Ssid("2000000001"), old_state_id=Ssid("4000000001"),
    tags=frozenset({"foster"}),
    enrollments=(Enrollment(SCHOOL, "05", dt.date(2025, 8, 13), "20", dt.date(2025, 9, 30), "T160"),),
    language=LanguageStatus("EL", dt.date(2019, 8, 14), "01"), special_education=SpecialEducation("Y"),
    guardians=(Guardian("Rosa", "López"),), addresses=(Address("5276 Flair Dr", "El Monte", "CA", "91731"),),
)  # fmt: skip


def test_what_the_export_lacks_keeps_the_stored_value() -> None:
    given = Student(
        local_id=LocalId("100234"), legal=PersonName("María", "López Ruiz"), birth_date=dt.date(2015, 3, 14), gender="",
        enrollments=(Enrollment(SCHOOL, "06", dt.date(2025, 8, 13), exit_date=dt.date(2025, 10, 1)),),
    )  # fmt: skip
    merged = merged_with_stored(OneRosterStudent(given, enrolled=True), STORED, _export(guardians=False))
    assert merged.legal.last == "López Ruiz" and merged.gender == "X" and merged.alias == STORED.alias
    assert (merged.suffix, merged.ssid, merged.old_state_id, merged.tags) == ("JR", STORED.ssid, STORED.old_state_id, STORED.tags)
    assert (merged.language, merged.special_education, merged.addresses, merged.guardians) == (
        STORED.language, STORED.special_education, STORED.addresses, STORED.guardians)  # fmt: skip
    assert merged.enrollments == (Enrollment(SCHOOL, "06", dt.date(2025, 8, 13), "20", dt.date(2025, 10, 1), "T160"),)


def test_what_a_12_export_with_parents_says_replaces_the_stored_value() -> None:
    given = Student(local_id=LocalId("100234"), legal=STORED.legal, birth_date=STORED.birth_date, gender="F",
                    enrollments=(Enrollment(SCHOOL, "05", dt.date(2025, 8, 13)),))  # fmt: skip
    merged = merged_with_stored(OneRosterStudent(given, enrolled=True), STORED, _export(OneRosterVersion.V1_2))
    assert (merged.gender, merged.alias, merged.guardians) == ("F", None, ())
    assert merged.enrollments == (Enrollment(SCHOOL, "05", dt.date(2025, 8, 13), "20"),)  # reopened: no exit reason


def test_a_student_the_export_lists_no_enrollment_for_keeps_theirs() -> None:
    given = Student(local_id=LocalId("100234"), legal=STORED.legal, birth_date=STORED.birth_date, gender="X")
    assert merged_with_stored(OneRosterStudent(given, enrolled=False), STORED, _export()).enrollments == STORED.enrollments
    assert merged_with_stored(OneRosterStudent(given, enrolled=False), None, _export()) is given


def test_an_ended_enrollment_takes_every_stored_code_and_a_new_one_none() -> None:
    start, end = dt.date(2025, 8, 13), dt.date(2026, 6, 5)
    stored = replace(STORED, enrollments=(Enrollment(SCHOOL, "12", start, "20", end, "E230", "108"),))
    given = Student(local_id=LocalId("100234"), legal=STORED.legal, birth_date=STORED.birth_date, gender="X",
                    enrollments=(Enrollment(SCHOOL, "12", start, exit_date=end), Enrollment(OTHER_SCHOOL, "12", start)))  # fmt: skip
    merged = merged_with_stored(OneRosterStudent(given, enrolled=True), stored, _export())
    assert merged.enrollments == (Enrollment(SCHOOL, "12", start, "20", end, "E230", "108"), Enrollment(OTHER_SCHOOL, "12", start))


def test_a_setting_that_names_no_users_field_is_refused_naming_the_setting() -> None:
    fields = "must be one of identifier, sourcedId, username, userMasterIdentifier or userIds:TYPE"
    with pytest.raises(InvalidValue) as local:
        OneRosterMapping(local_id="email")
    assert (str(local.value), local.value.value) == (f"OneRoster local id field: {fields}", "email")
    with pytest.raises(InvalidValue) as ssid:
        OneRosterMapping(ssid="userIds:")
    assert (str(ssid.value), ssid.value.value) == (f"OneRoster SSID field: {fields}", "userIds:")


def test_a_field_the_record_lacks_is_blank() -> None:
    assert OneRosterMapping.value("username", {}) == "" and OneRosterMapping.value("userIds:SSID", {}) == ""
