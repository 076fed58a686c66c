"""Roster CSV import: what loads, and what a bad file is refused with (nothing loaded then)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

import peewee
import pytest

from domain.errors import FileProblem
from domain.model import Enrollment
from domain.values import CdsCode
from store.roster_import import ROSTER_COLUMNS, RosterCounts, import_roster
from store.bulk import tuples
from store.schema import ALL_TABLES
from store.students import student_by_local_id
from store.tables import EnrollmentRow, StudentRow

BASE = {
    "local_id": "100234", "legal_first": "María", "legal_middle": "Elena", "legal_last": "López",
    "suffix": "", "alias_first": "", "alias_middle": "", "alias_last": "", "birth_date": "2015-03-14",
    "gender": "F", "birth_city": "Los Angeles", "birth_state": "US-CA", "birth_country": "US", "ssid": "",
    "school": "6019715", "grade": "05", "enroll_start": "2025-08-13", "enroll_exit": "", "exit_reason": "",
    "enroll_status": "10", "elas": "EL", "elas_date": "2019-08-14", "primary_language": "01", "swd": "N",
    "guardian1_first": "Rosa", "guardian1_last": "López", "guardian2_first": "", "guardian2_last": "",
    "address": "5276 Flair Dr", "city": "El Monte", "state": "CA", "zip": "91731", "active": "Y",
}  # fmt: skip


def _roster(path: Path, rows: list[dict[str, str]], *, bom: bool = False) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8")
    return path


def _student(n: int, **changes: str) -> dict[str, str]:
    return {**BASE, "local_id": str(100000 + n), "legal_first": f"Student{n}", **changes}


def _contents() -> dict[str, list[str]]:
    """Every row of every table, comparable before and after."""
    return {t._meta.table_name: sorted(repr(row) for row in tuples(t.select())) for t in ALL_TABLES}


def test_a_roster_loads_students_and_their_enrollments(database: peewee.Database, tmp_path: Path) -> None:
    rows = [
        _student(1),
        _student(2, ssid="2000000002", swd="Y", active="N", enroll_exit="2025-09-30", exit_reason="T160"),
        _student(1, school="1936145", grade="05", enroll_start="2025-06-01", enroll_status="20"),
    ]
    counts = import_roster(_roster(tmp_path / "roster.csv", rows, bom=True))
    assert (counts.students, counts.enrollments) == (2, 3)
    first = student_by_local_id("100001")
    assert first is not None
    assert first.legal.first == "Student1" and first.legal.last == "López"
    assert first.enrollments == (
        Enrollment(CdsCode("1936145"), "05", dt.date(2025, 6, 1), "20"),
        Enrollment(CdsCode("6019715"), "05", dt.date(2025, 8, 13), "10"),
    )
    assert first.language.elas == "EL" and first.special_education.swd == "N"
    second = student_by_local_id("100002")
    assert second is not None and second.ssid == "2000000002" and not second.active


def test_a_later_roster_updates_by_local_id_and_keeps_the_ssid(database: peewee.Database, tmp_path: Path) -> None:
    import_roster(_roster(tmp_path / "first.csv", [_student(1, ssid="2000000001")]))
    import_roster(_roster(tmp_path / "second.csv", [_student(1, legal_last="López Ruiz", grade="06", elas="", elas_date="")]))
    student = student_by_local_id("100001")
    assert student is not None
    assert student.legal.last == "López Ruiz"
    assert [e.grade for e in student.enrollments] == ["06"]
    assert student.ssid == "2000000001"
    assert student.language.elas == "EL"
    assert StudentRow.select().count() == 1


def test_an_impossible_date_on_line_7_loads_nothing(database: peewee.Database, tmp_path: Path) -> None:
    import_roster(_roster(tmp_path / "before.csv", [_student(90)]))
    before = _contents()
    rows = [_student(n) for n in range(1, 6)] + [_student(6, birth_date="2015-02-30")] + [_student(7)]
    with pytest.raises(FileProblem) as refused:
        import_roster(_roster(tmp_path / "roster.csv", rows), chunk=2)  # earlier chunks were written
    assert str(refused.value) == "roster.csv, line 7, field 9 (birth_date): is not a real calendar date"
    assert (refused.value.line, refused.value.field_name) == (7, "birth_date")
    assert _contents() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"local_id": ""}, "line 2, field 1 (local_id): is required"),
        ({"ssid": "12345"}, "line 2, field 14 (ssid): must be exactly 10 digits"),
        ({"school": "60197"}, "line 2, field 15 (school): must be exactly 7 digits"),
        ({"enroll_start": "08/13/2025"}, "line 2, field 17 (enroll_start): must be a YYYY-MM-DD date"),
        ({"enroll_exit": "2025-01-01"}, "line 2, field 18 (enroll_exit): is before enroll_start"),
        ({"swd": "maybe"}, "line 2, field 24 (swd): must be Y or N or blank"),
        ({"active": ""}, "line 2, field 33 (active): is required"),
        ({"legal_first": "X" * 31}, "line 2, field 2 (legal_first): longer than 30 characters"),
        # Columns without a width of their own are held to 255 characters, and said so (was a KeyError).
        ({"local_id": "1" * 256}, "line 2, field 1 (local_id): longer than 255 characters"),
        ({"ssid": "1" * 300}, "line 2, field 14 (ssid): longer than 255 characters"),
        ({"enroll_start": "2" * 256}, "line 2, field 17 (enroll_start): longer than 255 characters"),
        ({"elas": "", "elas_date": "2019-08-14"}, "line 2, field 22 (elas_date): given without elas"),
    ],
)
def test_each_bad_value_is_named_by_line_and_column(
    database: peewee.Database, tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(FileProblem) as refused:
        import_roster(_roster(tmp_path / "roster.csv", [_student(1, **changes)]))
    assert str(refused.value) == f"roster.csv, {message}"
    assert StudentRow.select().count() == 0


def test_repeated_rows_of_one_student_must_agree(database: peewee.Database, tmp_path: Path) -> None:
    rows = [_student(1), _student(2), _student(1, birth_date="2015-03-15", school="1936145")]
    with pytest.raises(FileProblem) as refused:
        import_roster(_roster(tmp_path / "roster.csv", rows))
    assert str(refused.value) == "roster.csv, line 4, field 1 (local_id): student columns differ from line 2 for the same local_id"
    assert StudentRow.select().count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"school": "60197"}, "line 3, field 15 (school): must be exactly 7 digits"),
        ({"enroll_start": "2025-02-30"}, "line 3, field 17 (enroll_start): is not a real calendar date"),
        ({"enroll_exit": "2025-01-01"}, "line 3, field 18 (enroll_exit): is before enroll_start"),
        ({"grade": "\x1b05"}, "line 3, field 16 (grade): holds a control character"),
        ({"exit_reason": "T1600"}, "line 3, field 19 (exit_reason): longer than 4 characters"),
        # A bad student column on the later row is named as such, before the rows' disagreement.
        ({"birth_date": "2015-02-30"}, "line 3, field 9 (birth_date): is not a real calendar date"),
        ({"gender": ""}, "line 3, field 10 (gender): is required"),
    ],
)
def test_a_bad_value_on_a_students_later_row_is_named(
    database: peewee.Database, tmp_path: Path, changes: dict[str, str], message: str
) -> None:
    rows = [_student(1), _student(1, **{"enroll_start": "2025-06-01", **changes})]
    with pytest.raises(FileProblem) as refused:
        import_roster(_roster(tmp_path / "roster.csv", rows))
    assert str(refused.value) == f"roster.csv, {message}"
    assert StudentRow.select().count() == 0


def test_a_students_later_rows_add_their_enrollments_across_chunks(database: peewee.Database, tmp_path: Path) -> None:
    # chunk=1: the later rows of student 1 come after its first row was written.
    rows = [_student(1), _student(1, school="1936145", enroll_start="2025-06-01", enroll_status="20", grade="04"),
            _student(2), _student(1, enroll_start="2024-08-14", enroll_exit="2025-05-30", exit_reason="E230")]  # fmt: skip
    counts = import_roster(_roster(tmp_path / "roster.csv", rows), chunk=1)
    assert (counts.students, counts.enrollments) == (2, 4)
    first = student_by_local_id("100001")
    assert first is not None
    assert first.enrollments == (
        Enrollment(CdsCode("6019715"), "05", dt.date(2024, 8, 14), "10", dt.date(2025, 5, 30), "E230"),
        Enrollment(CdsCode("1936145"), "04", dt.date(2025, 6, 1), "20"),
        Enrollment(CdsCode("6019715"), "05", dt.date(2025, 8, 13), "10"),
    )


def test_a_students_later_row_thousands_of_records_on_adds_its_enrollment(database: peewee.Database, tmp_path: Path) -> None:
    # Records are read a few thousand at a time: student 1 is written before its last row is read.
    rows = [_student(n) for n in range(1, 5001)] + [_student(1, school="1936145", enroll_start="2025-06-01", grade="04")]
    counts = import_roster(_roster(tmp_path / "roster.csv", rows))
    assert (counts.students, counts.enrollments) == (5000, 5001)
    first = student_by_local_id("100001")
    assert first is not None
    assert first.enrollments == (
        Enrollment(CdsCode("1936145"), "04", dt.date(2025, 6, 1), "10"),
        Enrollment(CdsCode("6019715"), "05", dt.date(2025, 8, 13), "10"),
    )
    assert EnrollmentRow.select().count() == 5001


def test_a_header_without_the_roster_columns_is_refused(database: peewee.Database, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("local_id,first,last\r\n1,Ana,Ruiz\r\n", encoding="utf-8")
    with pytest.raises(FileProblem) as refused:
        import_roster(path)
    assert str(refused.value).startswith("export.csv, line 1: header row: missing column(s): legal_first, legal_middle")
    assert str(refused.value).endswith("unknown column(s): first, last")


def test_a_file_in_another_encoding_is_refused_with_its_line(database: peewee.Database, tmp_path: Path) -> None:
    path = _roster(tmp_path / "roster.csv", [_student(1), _student(2)])
    path.write_bytes(path.read_bytes().replace("López".encode(), "López".encode("cp1252")))
    with pytest.raises(FileProblem) as refused:
        import_roster(path)
    assert str(refused.value) == "roster.csv, line 2: is not UTF-8 text"
    assert StudentRow.select().count() == 0


def test_after_an_import_the_database_knows_how_many_students_it_holds(database: peewee.Database, tmp_path: Path) -> None:
    # Without planner statistics SQLite pages "active students by local id" by sorting them all.
    import_roster(_roster(tmp_path / "roster.csv", [_student(n) for n in range(1, 31)]))
    if isinstance(database, peewee.PostgresqlDatabase):
        measured = database.execute_sql("SELECT reltuples FROM pg_class WHERE oid = 'student'::regclass").fetchone()  # type: ignore[no-untyped-call]
    else:
        measured = database.execute_sql("SELECT stat FROM sqlite_stat1 WHERE idx = 'student_local_id'").fetchone()  # type: ignore[no-untyped-call]
    assert measured is not None and str(measured[0]).split()[0] in ("30", "30.0")


def test_on_postgresql_each_chunks_identity_fields_are_read_by_index(database: peewee.Database) -> None:
    """A 600,000-student roster took 258 s on PostgreSQL (75 s on SQLite), over nine times a
    100,000-student one: for the SSID/ELAS/SWD journal, each chunk of 1,000 students read their ELAS
    and SWD by scanning the whole language_status and special_education tables (PostgreSQL preferred
    that to a thousand index lookups), so each chunk cost more than the one before. Planned on 20,000
    students with fresh statistics, a chunk's identity fields are read by index."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL's query plan")
    from store.identity_journal import identity_sql

    run: Any = database.execute_sql
    run(
        "INSERT INTO student (local_id, legal_first, legal_middle, legal_last, suffix, alias_first, alias_middle, "
        "alias_last, birth_date, gender, birth_city, birth_state, birth_country, active, tags) "
        "SELECT 'S' || g, 'A', '', 'B', '', '', '', '', DATE '2015-01-01', 'F', '', '', '', TRUE, '' FROM generate_series(1, 20000) g"
    )
    run("INSERT INTO language_status (student_id, elas) SELECT id, 'EO' FROM student")
    run("INSERT INTO special_education (student_id, swd) SELECT id, 'N' FROM student")
    for table in ("student", "language_status", "special_education"):
        run(f"ANALYZE {table}")
    ids = [f"S{n}" for n in range(5001, 6001)]
    plan = "\n".join(row[0] for row in run(f"EXPLAIN {identity_sql(len(ids))}", ids))
    assert "Seq Scan on language_status" not in plan and "Seq Scan on special_education" not in plan, plan[:600]
    found = sorted(run(identity_sql(len(ids)), ids))
    assert found[:2] == [("S5001", None, None, "EO", "N"), ("S5002", None, None, "EO", "N")] and len(found) == 1000


def test_a_first_roster_deletes_nothing_and_a_second_replaces_the_enrollments(
    database: peewee.Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 600,000-student roster spent 76 of its 242 s on PostgreSQL deleting the enrollments,
    guardians and addresses of the students it had just created (there were none): only students
    the database held before are cleared, and a later roster still replaces theirs."""
    roster = _roster(tmp_path / "roster.csv", [_student(1), _student(2), _student(1, school="1936145", enroll_start="2025-06-01")])

    def deletes() -> list[str]:
        sent = [record.getMessage() for record in caplog.records if record.name == "peewee"]
        caplog.clear()
        return [sql.split(" WHERE")[0] for sql in sent if sql.startswith("DELETE FROM") and "identity_before" not in sql]

    with caplog.at_level(logging.DEBUG, logger="peewee"):
        assert import_roster(roster) == RosterCounts(2, 3)
        assert deletes() == []
        assert import_roster(roster) == RosterCounts(2, 3)
        assert deletes() == ['DELETE FROM "enrollment"', 'DELETE FROM "guardian"', 'DELETE FROM "address"']
    assert database.execute_sql("SELECT COUNT(*) FROM enrollment").fetchone() == (3,)  # type: ignore[no-untyped-call]
    assert database.execute_sql("SELECT COUNT(*) FROM guardian").fetchone() == (2,)  # type: ignore[no-untyped-call]


def test_a_first_roster_journals_what_a_roster_of_new_students_journals_beside_others(
    database: peewee.Database, tmp_path: Path
) -> None:
    """Into an empty district the journal is made from the rows written, without reading them back:
    it holds what the same students get journaled when the district already holds others."""
    from store.tables import IdentityChangeRow

    rows = [_student(1, ssid="1234567897"), _student(2, elas="", elas_date="", swd=""), _student(3, ssid="2000000002", swd="Y"),
            _student(1, ssid="1234567897", school="1936145", enroll_start="2025-06-01")]  # fmt: skip
    roster = _roster(tmp_path / "roster.csv", rows)

    def journal() -> list[tuple[Any, ...]]:
        i = IdentityChangeRow
        fields = (i.actor, i.source, i.local_id, i.field_name, i.old_value, i.new_value)
        return list(tuples(i.select(*fields).order_by(i.id)))

    import_roster(roster, actor="rosa")
    fresh = journal()
    assert fresh[:3] == [("rosa", "roster import roster.csv", "100001", "ssid", None, "1234567897"),
                         ("rosa", "roster import roster.csv", "100001", "elas", None, "EL"),
                         ("rosa", "roster import roster.csv", "100001", "swd", None, "N")]  # fmt: skip
    StudentRow.delete().execute()  # their enrollments and the rest go with them (ON DELETE CASCADE)
    IdentityChangeRow.delete().execute()
    import_roster(_roster(tmp_path / "other.csv", [_student(99)]), actor="rosa")
    IdentityChangeRow.delete().execute()
    import_roster(roster, actor="rosa")
    assert journal() == fresh and len(fresh) == 3 + 0 + 3
