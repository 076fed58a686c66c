"""Creating and upgrading the schema on a real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee
import pytest

from store.database import open_database, utc_now
from store.schema import ALL_TABLES, SCHEMA_VERSION, init_schema, schema_version
from store.tables import BatchRow, RunRow


def test_init_schema_creates_every_table_and_records_the_version(database_url: str) -> None:
    db = open_database(database_url)
    assert schema_version(db) == 0
    assert init_schema(db) == SCHEMA_VERSION
    tables = set(db.get_tables())
    assert {t._meta.table_name for t in ALL_TABLES} | {"schema_version"} <= tables
    assert schema_version(db) == SCHEMA_VERSION


def test_init_schema_twice_changes_nothing(database: peewee.Database) -> None:
    RunRow.create(state="new", opened_by="registrar")
    assert init_schema(database) == SCHEMA_VERSION
    assert RunRow.select().count() == 1


def test_timestamps_round_trip_as_aware_utc(database: peewee.Database) -> None:
    pacific = dt.timezone(dt.timedelta(hours=-8))
    opened = dt.datetime(2025, 8, 14, 7, 30, 15, 250000, tzinfo=pacific)
    run = RunRow.create(state="new", opened_by="registrar", opened_at=opened)
    stored = RunRow.get_by_id(run.id).opened_at
    assert stored == opened
    assert stored.tzinfo == dt.UTC
    assert stored.hour == 15


def test_a_naive_timestamp_is_refused(database: peewee.Database) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        RunRow.create(state="new", opened_by="registrar", opened_at=dt.datetime(2025, 8, 14, 7, 30))
    assert utc_now().tzinfo == dt.UTC


def test_an_earlier_database_gets_the_review_order_index(database_url: str) -> None:
    db = open_database(database_url)
    init_schema(db)
    db.execute_sql('DROP INDEX "match_request_run_id_line"')  # type: ignore[no-untyped-call]  # as before version 5
    db.execute_sql("DELETE FROM schema_version WHERE name = '0005_review_order'")  # type: ignore[no-untyped-call]
    assert "match_request_run_id_line" not in {i.name for i in db.get_indexes("match_request")}
    assert init_schema(db) == SCHEMA_VERSION >= 5
    review_order = [i for i in db.get_indexes("match_request") if i.name == "match_request_run_id_line"]
    assert [(i.columns, i.unique) for i in review_order] == [(["run_id", "line"], False)]
    db.close()


def test_an_earlier_database_gets_the_table_of_quiet_lines(database_url: str) -> None:
    db = open_database(database_url)
    init_schema(db)
    db.execute_sql('DROP TABLE "batch_quiet_line"')  # type: ignore[no-untyped-call]  # as before version 9
    db.execute_sql("DELETE FROM schema_version WHERE name = '0009_quiet_lines'")  # type: ignore[no-untyped-call]
    assert init_schema(db) == SCHEMA_VERSION >= 9
    assert [c.name for c in db.get_columns("batch_quiet_line")] == ["id", "batch_id", "line", "local_id", "kind"]
    by_line = [i for i in db.get_indexes("batch_quiet_line") if i.name == "batch_quiet_line_batch_id_line"]
    assert [(i.columns, i.unique) for i in by_line] == [(["batch_id", "line"], True)]
    assert [(k.column, k.dest_table, k.dest_column) for k in db.get_foreign_keys("batch_quiet_line")] == [("batch_id", "batch", "id")]
    db.close()


def test_a_deleted_batch_takes_its_quiet_lines_with_it(database: peewee.Database) -> None:
    """A batch deleted by hand (as the crash-recovery test starts over) left its unchanged lines
    behind, and SQLite gave the next batch the same id: its load was refused with "UNIQUE constraint
    failed: batch_quiet_line.batch_id, batch_quiet_line.line". The lines go with their batch."""
    run: Any = database.execute_sql
    batch = BatchRow.create(kind="ssid_extract", state="previewed", file_name="extract.txt", sha256="", loaded_by="ana")
    run(f"INSERT INTO batch_quiet_line (batch_id, line, local_id, kind) VALUES ({batch.id}, 1, '100001', 'unchanged')")
    BatchRow.delete().where(BatchRow.id == batch.id).execute()
    assert run("SELECT COUNT(*) FROM batch_quiet_line").fetchone() == (0,)
