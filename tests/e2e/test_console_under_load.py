"""What keeps the console answering many reviewers at once: requests reuse database connections
(a pool, not a new PostgreSQL session per request)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import peewee
import pytest

from tests.e2e.conftest import Signed

PAGES = ("/admin/identifiers/", "/admin/review/", "/admin/history/", "/admin/student/", "/admin/decisions/")


@pytest.fixture
def raw_connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every connection the database driver opens from here on (SQLite or PostgreSQL)."""
    opened: list[str] = []
    engines: tuple[Any, ...] = (peewee.SqliteDatabase, peewee.PostgresqlDatabase)
    for engine in engines:
        original = engine._connect

        def counting(self: peewee.Database, _original: Any = original) -> Any:
            opened.append(type(self).__name__)
            return _original(self)

        monkeypatch.setattr(engine, "_connect", counting)
    yield opened


def test_a_reviewers_pages_are_answered_on_one_database_connection(admin: Signed, raw_connections: list[str]) -> None:
    for _ in range(6):
        for path in PAGES:
            admin.page(path)
    assert len(raw_connections) <= 1, raw_connections  # 30 pages; before the pool, 30 connections

