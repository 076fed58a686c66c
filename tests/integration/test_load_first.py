"""A first roster into an empty district has its foreign keys checked and its plain indexes built
once, at the end, on PostgreSQL (store.load_first): the keys and indexes the database holds
afterwards are the ones it held before, a refused roster leaves them and the district as they were,
and a row naming a missing row is still refused."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import peewee
import pytest

from domain.errors import FileProblem
from store.database import database_proxy
from store.load_first import keys_and_indexes_at_end
from store.roster_import import RosterCounts, import_roster
from store.schema import ALL_TABLES
from store.tables import EnrollmentRow, SchoolRow, StudentRow
from tests.integration.test_roster_import import _roster, _student


def _keys(database: peewee.Database) -> list[tuple[str, ...]]:
    """Every foreign key and index of every table: on PostgreSQL as the database prints them (ON
    DELETE included); on SQLite the keys' columns and the indexes' SQL."""
    if isinstance(database, peewee.PostgresqlDatabase):
        cursor = database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace "
            "UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        )
        return sorted(cursor.fetchall())
    found: list[tuple[str, ...]] = list(database.execute_sql("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'"))  # type: ignore[no-untyped-call]
    for table in ALL_TABLES:
        name = table._meta.table_name
        found += [(name, key.column, key.dest_table, key.dest_column) for key in database.get_foreign_keys(name)]
    return sorted(found, key=repr)


def _altered(caplog: pytest.LogCaptureFixture) -> list[str]:
    sent = [record.getMessage() for record in caplog.records if record.name == "peewee"]
    caplog.clear()
    return [" ".join(sql.split()[:6]) for sql in sent if sql.startswith(("ALTER TABLE", "DROP INDEX", "CREATE INDEX"))]


def test_a_first_roster_makes_its_keys_and_indexes_once_and_a_second_row_by_row(
    database: peewee.Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = _keys(database)
    assert len(before) >= 20
    roster = _roster(tmp_path / "roster.csv", [_student(1), _student(2), _student(1, school="1936145", enroll_start="2025-06-01")])
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        assert import_roster(roster) == RosterCounts(2, 3)
        first = _altered(caplog)
        assert import_roster(roster) == RosterCounts(2, 3)
        second = _altered(caplog)
    if isinstance(database, peewee.PostgresqlDatabase):
        # The keys and plain indexes dropped; the indexes made again, then the keys added back a
        # table at a time (enrollment's two keys in one statement).
        assert first[:2] == ['ALTER TABLE "enrollment" DROP CONSTRAINT "enrollment_school_fkey"', 'ALTER TABLE "enrollment" DROP CONSTRAINT "enrollment_student_id_fkey"']
        drops = [sql.split('"')[1] for sql in first if sql.startswith("DROP INDEX")]
        assert {"student_ssid", "student_legal_last_legal_first", "enrollment_student_id", "identity_change_local_id"} <= set(drops)
        assert "student_local_id" not in drops  # unique: the upsert by local id needs it
        made = [sql.split()[2] for sql in first if sql.startswith("CREATE INDEX")]
        assert made == drops
        assert first[-5].startswith('ALTER TABLE "enrollment" ADD CONSTRAINT') and len(first) == 6 + 2 * len(drops) + 5
    else:
        assert first == []
    assert second == []  # students are held now: their keys and indexes stay, kept row by row
    assert _keys(database) == before
    assert EnrollmentRow.select().count() == 3


def test_a_first_roster_refused_late_leaves_the_keys_indexes_and_an_empty_district(database: peewee.Database, tmp_path: Path) -> None:
    before = _keys(database)
    # Records are read a few thousand at a time: the first blocks are written before line 6,002 is read.
    rows = [_student(n) for n in range(1, 6001)] + [_student(6001, birth_date="2015-02-30")]
    with pytest.raises(FileProblem) as refused:
        import_roster(_roster(tmp_path / "roster.csv", rows), apart=False)
    assert str(refused.value) == "roster.csv, line 6002, field 9 (birth_date): is not a real calendar date"
    assert _keys(database) == before
    assert (StudentRow.select().count(), EnrollmentRow.select().count(), SchoolRow.select().count()) == (0, 0, 0)


def test_a_row_naming_a_missing_student_is_refused_when_the_keys_are_checked(database: peewee.Database) -> None:
    before = _keys(database)
    SchoolRow.create(code="6019715", name="")
    with pytest.raises(peewee.IntegrityError) as refused, database_proxy.atomic():
        with keys_and_indexes_at_end([EnrollmentRow]):
            database_proxy.execute_sql(
                "INSERT INTO enrollment (student_id, school, grade, start_date, status, exit_reason, completion_status) "
                "VALUES (999, '6019715', '05', '2025-08-13', '10', '', '')"
            )
    assert "FOREIGN KEY" in str(refused.value).upper()
    assert _keys(database) == before
    assert EnrollmentRow.select().count() == 0


def test_a_role_that_does_not_own_the_tables_loads_a_first_roster_row_by_row(
    database: peewee.Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A district may run the workbench as a role that reads and writes the tables but does not own
    them: it may not drop keys or indexes, so its first roster keeps them rather than failing."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL's roles")
    run: Any = database.execute_sql
    run("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ssid_test_clerk') THEN CREATE ROLE ssid_test_clerk NOLOGIN; END IF; END $$")
    schema = run("SELECT current_schema()").fetchone()[0]
    run(f'GRANT USAGE ON SCHEMA "{schema}" TO ssid_test_clerk')
    run(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO ssid_test_clerk')
    run(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO ssid_test_clerk')
    before = _keys(database)
    roster = _roster(tmp_path / "roster.csv", [_student(1), _student(2), _student(1, school="1936145", enroll_start="2025-06-01")])
    run("SET ROLE ssid_test_clerk")
    try:
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            assert import_roster(roster) == RosterCounts(2, 3)
            assert _altered(caplog) == []
    finally:
        run("RESET ROLE")
    assert _keys(database) == before
    assert EnrollmentRow.select().count() == 3
