"""OneRoster 1.1/1.2 import: the demo district exported as OneRoster imports to the same students,
enrollments and guardians as its roster CSV; what OneRoster lacks keeps its stored values; a
broken export is refused naming file, line and field, and changes nothing."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee
import pytest

from domain.errors import FileProblem
from domain.model import Student
from domain.oneroster import ExportLimits, OneRosterMapping, OneRosterVersion
from seed.demo import generate_district
from store.identity_journal import identity_history
from store.oneroster_import import import_oneroster
from store.roster_import import import_roster
from store.settings import read_settings, write_settings
from store.students import iter_students
from store.tables import IdentityChangeRow
from tests.integration.oneroster_export import demo_students, edit_csv, write_oneroster, write_roster_csv, zip_folder
from tests.integration.test_roster_import import _contents

TODAY = dt.date(2025, 10, 15)
DISTRICT = generate_district(160, seed=3, today=TODAY)
V11, V12 = OneRosterVersion.V1_1, OneRosterVersion.V1_2
SSID_FIELD = {V11: "userIds:SSID", V12: "userMasterIdentifier"}


@pytest.fixture(scope="module")
def students() -> list[Student]:
    return demo_students(DISTRICT)


def _carried(student: Student, *, alias: bool) -> tuple[Any, ...]:
    """What a OneRoster export says of a student (1.1 has no preferred name: ``alias=False``)."""
    return (
        student.local_id, student.legal, student.birth_date, student.gender, student.birth_city, student.birth_state,
        student.birth_country, student.ssid, student.active, student.alias if alias else None, student.guardians,
        tuple((e.school, e.grade, e.start, e.exit_date, e.status) for e in student.enrollments),
    )  # fmt: skip


def _stored() -> dict[str, Student]:
    return {s.local_id: s for s in iter_students()}


@pytest.mark.parametrize(("version", "packed"), [(V12, True), (V11, False)], ids=["1.2-zip", "1.1-folder"])
def test_the_export_imports_the_students_enrollments_and_guardians_of_the_roster_csv(
    database: peewee.Database, tmp_path: Path, students: list[Student], version: OneRosterVersion, packed: bool
) -> None:
    export = write_oneroster(DISTRICT, students, tmp_path / "export", version)
    path = zip_folder(export, tmp_path / "export.zip") if packed else export
    write_settings(oneroster_ssid=SSID_FIELD[version])
    alias = version is V12
    # 1.1 cannot say nonbinary: a student new to the workbench without a sex is refused …
    expressible = [s for s in students if alias or s.gender != "X"]
    fresh = path
    if len(expressible) < len(students):
        with pytest.raises(FileProblem) as refused:
            import_oneroster(path, today=TODAY)
        assert str(refused.value).endswith(", field 5 (sex): is required for a student the workbench does not hold yet: CALPADS needs a gender")
        fresh = write_oneroster(DISTRICT, expressible, tmp_path / "expressible", version)

    # On an empty database: the OneRoster import alone.
    from_oneroster = import_oneroster(fresh, today=TODAY, actor="rosa")
    by_oneroster = _stored()
    # The roster CSV of the same students over it (it carries every field, so this is its own import).
    from_roster = import_roster(write_roster_csv(students, tmp_path / "roster.csv"))
    by_roster = _stored()
    assert (from_roster.students, from_roster.enrollments) == (160, sum(len(s.enrollments) for s in students))
    assert (from_oneroster.students, from_oneroster.enrollments) == (len(expressible), sum(len(s.enrollments) for s in expressible))
    assert sorted(by_oneroster) == sorted(s.local_id for s in expressible)
    differing = [k for k in by_oneroster if _carried(by_oneroster[k], alias=alias) != _carried(by_roster[k], alias=alias)]
    assert differing == []
    assert sum(len(s.guardians) for s in by_oneroster.values()) > 150 and any(s.ssid for s in by_oneroster.values())
    assert any(e.exit_date for s in by_oneroster.values() for e in s.enrollments)
    assert alias == any(s.alias for s in by_oneroster.values())

    # The export again, over the roster: everything OneRoster lacks (ELAS, SWD, addresses, suffix,
    # exit reasons, 1.1's alias and nonbinary gender …) keeps the roster's value, and no identity
    # change is journaled.
    journaled = IdentityChangeRow.select().count()
    import_oneroster(path, today=TODAY, actor="rosa")
    assert _stored() == by_roster
    assert IdentityChangeRow.select().count() == journaled


def test_an_ssid_the_export_changes_is_journaled_with_the_person_and_the_export(
    database: peewee.Database, tmp_path: Path, students: list[Student]
) -> None:
    import_roster(write_roster_csv(students, tmp_path / "roster.csv"))
    held = next(s for s in students if s.ssid)
    line = 2 + next(n for n, u in enumerate(_users(students)) if u == held.local_id)
    export = write_oneroster(DISTRICT, students, tmp_path / "export", V12)
    edit_csv(export / "users.csv", line, "userMasterIdentifier", "5999999999")
    import_oneroster(zip_folder(export, tmp_path / "district.zip"), today=TODAY, actor="rosa", mapping=OneRosterMapping(ssid="userMasterIdentifier"))
    *_, event = [e for e in identity_history(held.local_id) if e.field == "SSID"]
    assert (event.actor, event.old, event.new, event.source) == ("rosa", held.ssid, "5999999999", "OneRoster import district.zip")


def _users(students: list[Student]) -> list[str]:
    """users.csv's data rows in order: each student, then their parents (as the generator writes them)."""
    return [u for s in students for u in (s.local_id, *(f"parent of {s.local_id}" for _ in s.guardians))]


def _drop_birth_date(export: Path) -> None:
    edit_csv(export / "demographics.csv", 1, "birthDate", None)


def _bad_date_on_line_7(export: Path) -> None:
    edit_csv(export / "demographics.csv", 7, "birthDate", "2015-02-30")


def _unknown_school(export: Path) -> None:
    edit_csv(export / "enrollments.csv", 7, "schoolSourcedId", "org-9999999")


def _school_without_cds_code(export: Path) -> None:
    edit_csv(export / "orgs.csv", 3, "identifier", "60197")


def _unspecified_sex(export: Path) -> None:
    edit_csv(export / "demographics.csv", 5, "sex", "unspecified")


def _unknown_parent(export: Path) -> None:
    edit_csv(export / "users.csv", 2, "agentSourcedIds", "par-nobody")


def _bad_grade(export: Path) -> None:
    edit_csv(export / "classes.csv", 2, "grades", "5")


def _no_demographics_row(export: Path) -> None:
    lines = (export / "demographics.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (export / "demographics.csv").write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")  # the second student's


def _no_grade_anywhere(export: Path) -> None:
    for name in ("classes.csv", "users.csv"):  # no class gives a grade, nor any student
        lines = len((export / name).read_text(encoding="utf-8").splitlines())
        for line in range(2, lines + 1):
            edit_csv(export / name, line, "grades", "")


def _delta(export: Path) -> None:
    text = (export / "manifest.csv").read_text(encoding="utf-8")
    (export / "manifest.csv").write_text(text.replace("file.users,bulk", "file.users,delta"), encoding="utf-8")


@pytest.mark.parametrize(
    ("breaks", "message", "value"),
    [
        (_drop_birth_date, "demographics.csv, line 1, (birthDate): header row lacks the column(s) birthDate", None),
        (_bad_date_on_line_7, "demographics.csv, line 7, field 4 (birthDate): is not a real calendar date", "2015-02-30"),
        (_unknown_school, "enrollments.csv, line 7, field 5 (schoolSourcedId): names no org of orgs.csv", "org-9999999"),
        (_school_without_cds_code, "orgs.csv, line 3, field 6 (identifier): must be the school's 7-digit CDS code", "60197"),
        (_unspecified_sex, "demographics.csv, line 5, field 5 (sex): must be male, female or other: CALPADS needs a gender", None),
        (_unknown_parent, "users.csv, line 2, field 14 (agentSourcedIds): names a user that is not in users.csv", "par-nobody"),
        (_bad_grade, "classes.csv, line 2, field 5 (grades): lists a value that is not a CEDS grade level (IT, PR, PK, TK, KG, 01-13, PS, UG, Other)", None),
        (_delta, "manifest.csv, line 16, field 2 (value): file.users is delta: the import reads a bulk export", None),
        (_no_demographics_row, "users.csv, line 5, field 1 (sourcedId): has no row in demographics.csv (the birth date and sex are there)", None),
        (_no_grade_anywhere, "users.csv, line 2, field 15 (grades): must give the student's grade (one value) when the enrollment's class gives none", None),
    ],
    ids=["missing-column", "bad-date-line-7", "unknown-school", "school-without-cds", "unspecified-sex", "unknown-parent", "bad-grade", "delta",
         "no-demographics-row", "no-grade"],
)
def test_a_broken_export_is_refused_naming_file_line_and_field_and_changes_nothing(
    database: peewee.Database, tmp_path: Path, students: list[Student],
    breaks: Callable[[Path], None], message: str, value: str | None,
) -> None:  # fmt: skip
    import_roster(write_roster_csv(students, tmp_path / "roster.csv"))
    before = _contents()
    export = write_oneroster(DISTRICT, students, tmp_path / "export", V12)
    breaks(export)
    with pytest.raises(FileProblem) as refused:
        import_oneroster(zip_folder(export, tmp_path / "export.zip"), today=TODAY, chunk=20)
    assert str(refused.value) == message
    assert value is None or value not in str(refused.value)
    assert _contents() == before


def test_a_11_export_cannot_be_read_through_a_12_column(database: peewee.Database, tmp_path: Path, students: list[Student]) -> None:
    export = write_oneroster(DISTRICT, students[:5], tmp_path / "export", V11)
    with pytest.raises(FileProblem) as refused:
        import_oneroster(export, today=TODAY, mapping=OneRosterMapping(local_id="userMasterIdentifier"))
    assert str(refused.value) == "users.csv, line 1, (userMasterIdentifier): the settings read userMasterIdentifier, a OneRoster 1.2 column; this export is 1.1"


def test_the_local_id_can_come_from_a_typed_user_id(database: peewee.Database, tmp_path: Path, students: list[Student]) -> None:
    export = write_oneroster(DISTRICT, students[:3], tmp_path / "export", V11)
    for line, student in ((2, students[0]),):
        edit_csv(export / "users.csv", line, "userIds", f"{{SSID:{student.ssid or ''}}},{{District:D{student.local_id}}}")
    write_settings(oneroster_local_id="userIds:District")
    assert read_settings().oneroster == OneRosterMapping(local_id="userIds:District")
    with pytest.raises(FileProblem) as refused:  # the second student has no District id
        import_oneroster(export, today=TODAY)
    assert str(refused.value).startswith("users.csv, line ")
    assert str(refused.value).endswith("field 8 (userIds): is required: it holds the local id (userIds:District)")


def _zip_with(tmp_path: Path, name: str, data: bytes) -> Path:
    target = tmp_path / "odd.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return target


def test_a_zip_whose_names_leave_its_folder_is_refused(database: peewee.Database, tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as refused:
        import_oneroster(_zip_with(tmp_path, "../../etc/users.csv", b"x"), today=TODAY)
    assert str(refused.value) == "odd.zip, line 1: holds a file whose name leaves the archive's folder (refused)"


def test_a_zip_that_unpacks_to_an_absurd_size_is_refused(database: peewee.Database, tmp_path: Path) -> None:
    bomb = _zip_with(tmp_path, "users.csv", b"\0" * (8 * 1024**2))
    with pytest.raises(FileProblem) as refused:
        import_oneroster(bomb, today=TODAY)
    assert str(refused.value) == "odd.zip, line 1: users.csv unpacks to over 200 times its packed size (refused)"
    with pytest.raises(FileProblem) as refused:
        import_oneroster(bomb, today=TODAY, limits=ExportLimits(file_bytes=1024**2))
    assert str(refused.value) == "odd.zip, line 1: users.csv is over 1 MB (refused)"
