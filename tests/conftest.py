"""Shared fixtures: a real, fresh database per test, on SQLite and (when configured) PostgreSQL.

Set ``SSID_TEST_DATABASE_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``) to run every
database test on PostgreSQL too. Each PostgreSQL test gets its own schema (created for the test,
put first on the connection's ``search_path``, dropped afterwards), so tests never see each
other's rows even when run in parallel.

- ``database_url``: the URL of an empty database (no tables) — for CLI tests that run ``ssid db init``;
- ``database``: the same database opened, bound to the store's proxy, schema created.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import peewee
import pytest

from store.database import close_every_pool, close_pooled, database_proxy, open_database
from store.schema import init_schema

_PG_ENV = "SSID_TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(_PG_ENV) else ["sqlite"]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(os.environ[_PG_ENV], autocommit=True) as connection:
        connection.execute(sql)


def _with_search_path(url: str, schema: str) -> str:
    option = "options=" + quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}{option}"


def _close_bound() -> None:
    bound = database_proxy.obj
    if isinstance(bound, peewee.Database):
        close_pooled(bound)
    # Every app's pool too, bound or not (a test may have bound the tables to another database):
    # idle connections would outlive the test and be deleted open.
    close_every_pool()


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database (SQLite file under tmp_path, or a PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ssid.db'}"
        _close_bound()
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    _pg_admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_search_path(os.environ[_PG_ENV], schema)
    finally:
        _close_bound()
        _pg_admin(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def database(database_url: str) -> Iterator[peewee.Database]:
    """The database at ``database_url``, bound to ``store.database.database_proxy``, schema created."""
    db = open_database(database_url)
    init_schema(db)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def cli_on_the_builders_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line (run in this process) takes the day of ``tests.integration.workflow_builder``
    as today, so that its district's academic year is the current one (the ODS audit refuses
    another year)."""
    import console.cli.ods_commands
    from tests.integration.workflow_builder import NOW
    from workflows.run.stepping import Actor

    monkeypatch.setattr(console.cli.ods_commands, "actor_of", lambda ctx: Actor(ctx.actor, clock=lambda: NOW))
