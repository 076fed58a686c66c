"""Creating and upgrading the schema, and knowing its version.

Versions are the numbered migrations of :mod:`store.migrations`, applied by peewee's migration
runner and recorded in the ``schema_version`` table; the schema version is the number of the
last one applied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee

from store.database import database_proxy
from store.tables import ALL_TABLES, Table

__all__ = ["ALL_TABLES", "SCHEMA_VERSION", "init_schema", "schema_version", "drop_schema"]


_MIGRATIONS = Path(__file__).with_name("migrations")
_VERSION_TABLE = "schema_version"


def _runner(database: peewee.Database) -> Any:
    """playhouse's migration runner (untyped upstream; used through ``Any`` here only). Imported
    here: it imports psycopg (playhouse's PostgreSQL extensions), which a command on SQLite that
    only checks the schema version should not pay for at start (store.pg_driver)."""
    from playhouse.migrations import Runner

    return Runner(database, str(_MIGRATIONS), table_name=_VERSION_TABLE)  # type: ignore[no-untyped-call]


def _number(name: str) -> int:
    return int(name.split("_", 1)[0])


SCHEMA_VERSION: int = max(_number(p.stem) for p in _MIGRATIONS.glob("[0-9]*.py"))
"""The version this code expects: the number of the newest migration."""


def _bound() -> peewee.Database:
    database = database_proxy.obj
    if database is None:
        raise RuntimeError("no database is open: call store.open_database(url) first")
    assert isinstance(database, peewee.Database)
    return database


def schema_version(database: peewee.Database | None = None) -> int:
    """The version of the schema in ``database`` (the bound one by default); 0 when empty."""
    database = database or _bound()
    # The runner's history table read as it is (one row per migration applied, by file name).
    if not database.table_exists(_VERSION_TABLE):
        return 0
    applied = database.execute_sql(f"SELECT name FROM {_VERSION_TABLE}")  # type: ignore[no-untyped-call]
    return max((_number(name) for (name,) in applied), default=0)


def init_schema(database: peewee.Database | None = None) -> int:
    """Create (on an empty database) or upgrade the schema; returns the schema version.

    Idempotent: running it again on an up-to-date database changes nothing.
    """
    database = database or _bound()
    runner = _runner(database)
    with database.atomic():
        existing = set(database.get_tables())
        fresh = not runner.applied() and not any(t._meta.table_name in existing for t in ALL_TABLES)
        if fresh:
            database.create_tables(ALL_TABLES)
            runner.fake()
        else:
            runner.up()
    return schema_version(database)


def drop_schema(database: peewee.Database | None = None) -> None:
    """Drop every table (tests and ``ssid demo-setup --reset`` only)."""
    database = database or _bound()
    database.drop_tables(ALL_TABLES, safe=True, cascade=isinstance(database, peewee.PostgresqlDatabase))
    _runner(database).History.drop_table(safe=True)
