"""The matching assistant's tables on a real database: a database of version 1 upgrades to them
(the data-version triggers included), and the triggers count every write to what the check reads,
rolled back with the write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee
import pytest
from playhouse.migrations import Runner

import store
from seed.demo import generate_district
from seed.demo.load import load_demo
from store.database import open_database
from store.schema import ALL_TABLES, SCHEMA_VERSION, init_schema, schema_version
from store.tables import ASSISTANT_TABLES, GuardianRow, StudentDataVersionRow, StudentRow, one_data_change
from store.students import iter_students
from store.workflow_store import DatabaseWorkflowStore
from domain.duplicates import checked_student
from domain.values import LocalId

MIGRATIONS = Path(store.__file__).with_name("migrations")


def _student(local_id: str) -> StudentRow:
    return StudentRow.create(local_id=local_id, legal_first="Ana", legal_last="Ruiz", birth_date=dt.date(2012, 5, 1), gender="F")


def _version() -> int:
    return int(StudentDataVersionRow.get_by_id(1).version)


def test_a_version_1_database_upgrades_to_the_assistant_tables_and_triggers(database_url: str) -> None:
    db = open_database(database_url)
    old = [t for t in ALL_TABLES if t not in ASSISTANT_TABLES]
    db.create_tables(old)
    runner = Runner(db, str(MIGRATIONS), table_name="schema_version")  # type: ignore[no-untyped-call]
    runner.up(target="0001_initial", fake=True)  # type: ignore[no-untyped-call]
    _student("100001")
    assert schema_version(db) == 1 and "student_data_version" not in db.get_tables()
    assert init_schema(db) == SCHEMA_VERSION >= 2
    assert {t._meta.table_name for t in ASSISTANT_TABLES} <= set(db.get_tables())
    assert _version() == 0
    StudentRow.update(legal_first="Anabel").where(StudentRow.local_id == "100001").execute()
    assert _version() == 1


def test_every_write_to_a_compared_field_moves_the_version_and_a_rollback_moves_it_back(database: peewee.Database) -> None:
    assert _version() == 0
    student = _student("100001")
    assert _version() == 1
    GuardianRow.create(student=student, first="Rosa", last="Ruiz")
    StudentRow.update(tags="x").where(StudentRow.id == student.id).execute()  # not a compared field
    assert _version() == 2
    with pytest.raises(RuntimeError), database.atomic():
        StudentRow.update(ssid="2000000001").where(StudentRow.id == student.id).execute()
        raise RuntimeError("the apply failed half-way")
    assert _version() == 2
    GuardianRow.delete().execute()
    StudentRow.delete().execute()
    assert _version() >= 4


def test_the_check_reads_each_student_as_the_full_record_gives_them(database: peewee.Database) -> None:
    district = generate_district(300, 1, dt.date(2025, 10, 15))
    load_demo(district, fresh=True, with_users=False)
    store = DatabaseWorkflowStore(database)
    lean = list(store.check_students())
    assert lean == [checked_student(student) for student in iter_students()]
    assert len(lean) == 300 and any(s.facts.alias_first for s in lean) and any(not s.active for s in lean)
    assert all(s.facts.guardian_names for s in lean)


def test_the_check_reads_the_students_asked_for_alone(database: peewee.Database) -> None:
    # A same-child decision reads its two students, not the district (once per pair of 600,000).
    district = generate_district(300, 1, dt.date(2025, 10, 15))
    load_demo(district, fresh=True, with_users=False)
    store = DatabaseWorkflowStore(database)
    every = {s.local_id: s for s in store.check_students()}
    wanted = {LocalId("100004"), LocalId("100250"), LocalId("999999")}
    assert list(store.check_students(wanted)) == [every[LocalId("100004")], every[LocalId("100250")]]
    assert list(store.check_students(set())) == []


def _triggers(database: peewee.Database) -> int:
    """How many of the data-version triggers the database holds (SQLite: six; PostgreSQL: two)."""
    if isinstance(database, peewee.PostgresqlDatabase):
        # This test's own schema only: another schema on the server (a test run that was killed) has its own.
        sql = (
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname IN ('student_changed', 'guardian_changed')"
        )
    else:
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'student_changed_%' OR name LIKE 'guardian_changed_%')"
    return int(database.execute_sql(sql).fetchone()[0])  # type: ignore[no-untyped-call]


def test_a_bulk_save_moves_the_version_once_and_keeps_the_triggers(database: peewee.Database) -> None:
    district = generate_district(300, 1, dt.date(2025, 10, 15))
    triggers = _triggers(database)
    assert triggers == (2 if isinstance(database, peewee.PostgresqlDatabase) else 6)
    load_demo(district, fresh=True, with_users=False)  # 300 students with guardians, one save
    assert StudentRow.select().count() == 300
    after_save = _version()
    postgresql = isinstance(database, peewee.PostgresqlDatabase)
    # SQLite: once for the whole save (its row triggers would have moved it per row); PostgreSQL's
    # statement triggers: once per statement that wrote students or guardians (not per row).
    assert after_save == 1 if not postgresql else 1 <= after_save < 10
    assert _triggers(database) == triggers
    _student("999999")  # a plain write after the bulk one still counts
    assert _version() == after_save + 1


def test_a_bulk_save_that_fails_leaves_the_triggers_and_the_version(database: peewee.Database) -> None:
    triggers = _triggers(database)
    with pytest.raises(RuntimeError), database.atomic(), one_data_change():
        _student("100001")
        raise RuntimeError("the import failed half-way")
    assert _triggers(database) == triggers and _version() == 0 and StudentRow.select().count() == 0
    with database.atomic(), one_data_change(), one_data_change():  # nested: moved once
        _student("100001")
        _student("100002")
    postgresql = isinstance(database, peewee.PostgresqlDatabase)
    assert _version() == (2 if postgresql else 1) and _triggers(database) == triggers
