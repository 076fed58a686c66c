"""Students through the store: domain → rows → domain, upserts, bulk reads (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import peewee

from domain.model import Address, Enrollment, Guardian, LanguageStatus, PersonName, SpecialEducation, Student
from domain.values import CdsCode, LocalId, Ssid
from store.students import iter_students, local_identities, student_by_local_id, students_by_local_id, students_without_ssid
from store.students_write import ensure_schools, save_students
from store.tables import EnrollmentRow, SchoolRow, StudentRow

ELEMENTARY = CdsCode("6019715")
HIGH = CdsCode("1936145")


def _jose(local_id: str = "100234", ssid: str | None = None) -> Student:
    return Student(
        local_id=LocalId(local_id),
        legal=PersonName("José", "Ramírez Núñez", "Ángel"),
        birth_date=dt.date(2015, 3, 14),
        gender="M",
        suffix="JR",
        alias=PersonName("Pepe", "Ramírez"),
        birth_city="Guadalajara",
        birth_state="MX-JAL",
        birth_country="MX",
        ssid=Ssid(ssid) if ssid else None,
        old_state_id=None,
        active=True,
        tags=frozenset({"newcomer", "foster"}),
        enrollments=(
            Enrollment(ELEMENTARY, "04", dt.date(2024, 8, 14), "10", dt.date(2025, 6, 6), "E155"),
            Enrollment(ELEMENTARY, "05", dt.date(2025, 8, 13)),
        ),
        language=LanguageStatus("EL", dt.date(2023, 1, 9), "01"),
        special_education=SpecialEducation("Y"),
        guardians=(Guardian("Rosa", "Núñez"), Guardian("Luis", "Ramírez")),
        addresses=(Address("5276 Flair Dr Apt 3", "El Monte", "CA", "91731"),),
    )


def _schools() -> None:
    ensure_schools([ELEMENTARY, HIGH])


def test_a_student_with_everything_comes_back_equal(database: peewee.Database) -> None:
    _schools()
    student = _jose()
    counts = save_students([student])
    assert (counts.students, counts.enrollments) == (1, 2)
    assert student_by_local_id("100234") == student


def test_missing_values_come_back_missing(database: peewee.Database) -> None:
    _schools()
    bare = Student(LocalId("7"), PersonName("Mai", "Hồ"), dt.date(2016, 7, 27), "X")
    save_students([bare])
    assert student_by_local_id("7") == bare
    assert local_identities(["7"])[LocalId("7")].elas is None


def test_saving_again_replaces_enrollments_and_keeps_calpads_values(database: peewee.Database) -> None:
    _schools()
    save_students([_jose(ssid="2000000001")])
    moved = replace(
        _jose(),  # the SIS export has no SSID, ELAS or SWD yet
        enrollments=(Enrollment(HIGH, "09", dt.date(2025, 9, 2)),),
        language=LanguageStatus(None, None, "01"),
        special_education=SpecialEducation(None),
        legal=PersonName("José", "Ramírez", "Ángel"),
    )
    save_students([moved])
    stored = student_by_local_id("100234")
    assert stored is not None
    assert stored.legal.last == "Ramírez"
    assert stored.enrollments == (Enrollment(HIGH, "09", dt.date(2025, 9, 2)),)
    assert stored.ssid == "2000000001"
    assert stored.language == LanguageStatus("EL", dt.date(2023, 1, 9), "01")
    assert stored.special_education.swd == "Y"
    assert EnrollmentRow.select().count() == 1


def test_a_source_that_owns_the_values_may_clear_them(database: peewee.Database) -> None:
    _schools()
    save_students([_jose(ssid="2000000001")])
    save_students([replace(_jose(), special_education=SpecialEducation(None))], keep_calpads_values=False)
    stored = student_by_local_id("100234")
    assert stored is not None and stored.ssid is None and stored.special_education.swd is None


def test_bulk_reads_stream_every_student_in_order(database: peewee.Database) -> None:
    _schools()
    students = [replace(_jose(str(1000 + n), ssid=None if n % 3 else f"20000{n:05d}")) for n in range(25)]
    save_students(students, chunk=7)
    assert list(iter_students(chunk=4)) == students
    assert [s.local_id for s in students_without_ssid()] == [s.local_id for s in students if s.ssid is None]
    found = students_by_local_id(["1003", "1004", "nope"])
    assert sorted(found) == ["1003", "1004"]
    identities = local_identities()
    assert len(identities) == 25
    assert identities[LocalId("1003")].ssid == "2000000003"
    assert identities[LocalId("1003")].elas_start == dt.date(2023, 1, 9)


def test_a_failed_save_writes_nothing(database: peewee.Database) -> None:
    _schools()
    unknown_school = replace(_jose("2"), enrollments=(Enrollment(CdsCode("9999999"), "05", dt.date(2025, 8, 13)),))
    try:
        save_students([_jose("1"), unknown_school])
    except peewee.IntegrityError:
        pass
    else:  # pragma: no cover - SQLite and PostgreSQL both enforce the foreign key
        raise AssertionError("a missing school must be refused")
    assert StudentRow.select().count() == 0
    assert SchoolRow.select().count() == 2
