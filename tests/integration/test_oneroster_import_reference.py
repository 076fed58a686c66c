"""The OneRoster import (block reading, new students written as table rows) stores exactly what the
reference import stores: the export read record by record, every student built as a domain
student, merged with the stored one and saved by ``save_students`` — the same students (in the
same order of ids), enrollments, guardians, addresses, language status, special education,
schools and identity journal; into an empty database and over a district already holding some of
the students (their CALPADS values, addresses and enrollment codes kept, their changes journaled)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import peewee
import pytest

import domain.oneroster._table as table
from domain.errors import FileProblem
from domain.model import Address, LanguageStatus, SpecialEducation, Student
from domain.oneroster import OneRosterMapping, OneRosterVersion, merged_with_stored, read_oneroster
from domain.values import Ssid
from seed.demo import generate_district
from store.bulk import chunked, tuples
from store.database import database_proxy
from store.oneroster_import import import_oneroster
from store.roster_import import import_roster
from store.students import students_by_local_id
from store.students_write import ensure_schools, save_students
from store.tables import (
    AddressRow,
    EnrollmentRow,
    GuardianRow,
    IdentityChangeRow,
    LanguageStatusRow,
    SchoolRow,
    SpecialEducationRow,
    StudentRow,
    one_data_change,
)
from tests.integration.oneroster_export import demo_students, edit_csv, write_oneroster, write_roster_csv

TODAY = dt.date(2025, 10, 15)
DISTRICT = generate_district(90, seed=5, today=TODAY)
V11, V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2
MAPPING = {V11: OneRosterMapping(ssid="userIds:SSID"), V12: OneRosterMapping(ssid="userMasterIdentifier")}


def _reference_import(path: Path, mapping: OneRosterMapping, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The import as it was before the block reading: every record checked as read, every student
    a domain student merged with the stored one, saved chunk by chunk."""
    with monkeypatch.context() as reference:
        reference.setattr(table.Block, "clean", lambda self, *names: False)  # no block passes in bulk
        export = read_oneroster(path, mapping, today=TODAY)
    with database_proxy.atomic(), one_data_change():
        for part in chunked(export.students, chunk):
            stored = students_by_local_id(given.student.local_id for given in part)
            merged = [merged_with_stored(given, stored.get(given.student.local_id), export) for given in part]
            ensure_schools(e.school for s in merged for e in s.enrollments)
            save_students(merged, keep_calpads_values=True, journal=(f"OneRoster import {path.name}", "rosa"))


def _stored_rows() -> dict[str, Any]:
    """Every row the import writes, a student's id replaced by their local id (ids are not
    compared, their order is); each student's child rows in the order of their ids."""
    local = dict(tuples(StudentRow.select(StudentRow.id, StudentRow.local_id)))
    students = [row[1:] for row in tuples(StudentRow.select().order_by(StudentRow.id))]

    def children(model: Any, key: Any) -> list[tuple[Any, ...]]:
        names = [f.name for f in model._meta.sorted_fields]
        rows = [(local[row[names.index("student")]], *(v for n, v in zip(names, row) if n not in ("id", "student")))
                for row in tuples(model.select().order_by(key))]  # fmt: skip
        return sorted(rows, key=lambda row: row[0])  # by student; each student's rows in the order of their ids

    journal = [row[2:] for row in tuples(IdentityChangeRow.select().order_by(IdentityChangeRow.id))]  # without id and time
    return {
        "students": students,
        "enrollments": children(EnrollmentRow, EnrollmentRow.id),
        "guardians": children(GuardianRow, GuardianRow.id),
        "addresses": children(AddressRow, AddressRow.id),
        "language": children(LanguageStatusRow, LanguageStatusRow.student),
        "special_education": children(SpecialEducationRow, SpecialEducationRow.student),
        "schools": sorted(tuples(SchoolRow.select())),
        "journal": journal,
    }


def _both(path: Path, mapping: OneRosterMapping, monkeypatch: pytest.MonkeyPatch, database: peewee.Database) -> tuple[Any, Any]:
    """What the reference import stores (then rolled back), and what the import stores."""
    with database.atomic() as transaction:
        try:
            _reference_import(path, mapping, monkeypatch, chunk=7)
            expected: Any = _stored_rows()
        except FileProblem as problem:
            expected = f"refused: {problem}"
        transaction.rollback()
    try:
        import_oneroster(path, today=TODAY, actor="rosa", mapping=mapping, chunk=7)
        return expected, _stored_rows()
    except FileProblem as problem:
        return expected, f"refused: {problem}"


@pytest.mark.parametrize("version", [V12, V11], ids=["1.2", "1.1"])
def test_an_export_into_an_empty_database_stores_what_the_reference_import_stores(
    database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: OneRosterVersion
) -> None:
    # 1.1 has no token for a nonbinary student: a new one would be refused (as the last test shows)
    students = [s for s in demo_students(DISTRICT) if version is V12 or s.gender != "X"]
    export = write_oneroster(DISTRICT, students, tmp_path / "export", version)
    expected, stored = _both(export, MAPPING[version], monkeypatch, database)
    assert not isinstance(expected, str) and len(expected["students"]) == len(students)
    assert stored == expected


@pytest.mark.parametrize("version", [V12, V11], ids=["1.2", "1.1"])
def test_an_export_over_a_district_holding_some_of_its_students_stores_what_the_reference_import_stores(
    database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: OneRosterVersion
) -> None:
    students = demo_students(DISTRICT)
    held = [
        replace(
            s, ssid=s.ssid or Ssid(f"{9000000000 + n}"), language=LanguageStatus("EL", dt.date(2024, 8, 1), "01"),
            special_education=SpecialEducation("Y"), addresses=(Address(f"{n} Main St", "El Monte", "CA", "91731"),),
            gender="X" if n % 5 == 0 else s.gender, enrollments=tuple(replace(e, status="20") for e in s.enrollments),
        )
        for n, s in enumerate(students[::2])
    ]  # fmt: skip
    import_roster(write_roster_csv(held, tmp_path / "roster.csv"))
    export = write_oneroster(DISTRICT, students, tmp_path / "export", version)
    edit_csv(export / "users.csv", 3, "givenName", "Renamed")
    expected, stored = _both(export, MAPPING[version], monkeypatch, database)
    assert not isinstance(expected, str) and expected["journal"]
    assert stored == expected


def test_a_new_student_without_a_gender_is_refused_as_the_reference_import_refuses(
    database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    students: list[Student] = demo_students(DISTRICT)
    export = write_oneroster(DISTRICT, students, tmp_path / "export", V12)
    edit_csv(export / "demographics.csv", 40, "sex", "")
    expected, stored = _both(export, MAPPING[V12], monkeypatch, database)
    assert isinstance(expected, str) and expected.startswith("refused: demographics.csv, line 40")
    assert stored == expected
    assert StudentRow.select().count() == 0
