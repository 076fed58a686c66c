"""What keeps the console answering many reviewers at once: requests reuse database connections
(a pool, not a new PostgreSQL session per request), and the stylesheets and scripts every page
references are named by their content, so a browser keeps them instead of asking again.

A page itself stays uncacheable (``no-store``: it shows student data) and keeps its CSP."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import peewee
import pytest
from flask import Flask

from tests.e2e.conftest import Signed
from tests.e2e.console_html import elements

PAGES = ("/admin/identifiers/", "/admin/review/", "/admin/history/", "/admin/student/", "/admin/decisions/")
IMMUTABLE = "public, max-age=31536000, immutable"


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


def _assets(page: str) -> list[str]:
    found = [e.attrs["href"] for e in elements(page, "link") if e.attrs.get("rel") in ("stylesheet", "icon")]
    found += [e.attrs["src"] for e in elements(page, "script") if e.attrs.get("src")]
    return found


def test_every_stylesheet_and_script_is_named_by_its_content_and_kept_by_the_browser(app: Flask, admin: Signed) -> None:
    page = admin.get("/admin/review/")
    assert page.headers["Cache-Control"] == "no-store" and "default-src 'self'" in page.headers["Content-Security-Policy"]
    assets = _assets(page.get_data(as_text=True))
    assert len(assets) >= 10
    for url in assets:
        name = re.fullmatch(r"/(?:admin/)?static/(?P<path>.+)\.(?P<hash>[0-9a-f]{12})\.(?P<ext>css|js|svg)", url)
        assert name is not None, url  # e.g. /static/console.1f2e3d4c5b6a.css: no query string, the hash in the name
        answer = admin.get(url)
        assert answer.status_code == 200, url
        assert hashlib.sha256(answer.data).hexdigest()[:12] == name["hash"], url
        assert answer.headers["Cache-Control"] == IMMUTABLE, url
        assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
        answer.close()


def test_a_file_asked_for_by_its_plain_name_is_still_served_but_checked_again(admin: Signed) -> None:
    answer = admin.get("/static/console.css")
    assert answer.status_code == 200 and b"{" in answer.data
    assert answer.headers["Cache-Control"] == "no-cache"  # revalidated: its content may change with the next version
    answer.close()


def test_a_name_whose_content_changed_is_not_found(admin: Signed) -> None:
    answer = admin.get("/static/console.000000000000.css")
    assert answer.status_code == 404
    answer.close()


def test_the_sign_in_page_references_fingerprinted_files_too(app: Flask) -> None:
    page = app.test_client().get("/login").get_data(as_text=True)
    assets = _assets(page)
    assert assets and all(re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", url) for url in assets), assets

