"""Fixtures of the console's end-to-end tests: the demo district in a fresh database, the CALPADS
sandbox beside it, the console app on that database, and signed-in test clients.

Everything is real: the database (SQLite, or PostgreSQL with ``SSID_TEST_DATABASE_URL``), the
sandbox (its own SQLite file), the app factory, sign-in with the demo accounts' passwords, the
CSRF token of the session.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from console import create_app
from seed.demo import DemoDistrict, generate_district
from seed.demo.load import load_demo
from seed.sandbox import (
    init_population,
    match_file,
    post_file,
    write_extract,
    write_ods_download,
    write_replacement_extract,
)
from store.tables import ALL_TABLES

DEMO_STUDENTS = 60
ADMIN = ("admin", "admin-demo")
AUDITOR = ("auditor", "auditor-demo")


@dataclass(frozen=True)
class Sandbox:
    """The simulated CALPADS of these tests (its own database, files in ``folder``)."""

    url: str
    folder: Path

    def match(self, request_file: Path) -> Path:
        return match_file(self.url, request_file, self.folder).file

    def post(self, senr_file: Path) -> int:
        return post_file(self.url, senr_file, today=dt.date.today()).posted

    def extract(self) -> Path:
        return write_extract(self.url, self.folder, today=dt.date.today(), now=_now()).file

    def replacements(self) -> Path:
        return write_replacement_extract(self.url, self.folder, today=dt.date.today(), now=_now()).file

    def ods(self) -> Path:
        return write_ods_download(self.url, self.folder, today=dt.date.today(), now=_now()).file


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@pytest.fixture
def district(database: peewee.Database) -> DemoDistrict:
    """The demo district (schools, settings, demo users, students) loaded into the test database."""
    demo = generate_district(DEMO_STUDENTS, 1, dt.date.today())
    load_demo(demo, fresh=True)
    return demo


@pytest.fixture
def sandbox(district: DemoDistrict, tmp_path: Path) -> Sandbox:
    """A CALPADS sandbox whose statewide population matches the demo district."""
    url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    init_population(url, district)
    folder = tmp_path / "calpads"
    folder.mkdir()
    return Sandbox(url, folder)


def make_app(database_url: str, tmp_path: Path, **config: Any) -> Flask:
    """The console on ``database_url``, its instance folder under ``tmp_path``."""
    settings: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "SECRET_KEY": "console-tests",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "LONG_LOAD_LINES": 10_000,
    }
    settings.update(config)
    return create_app(settings)


@pytest.fixture
def app(district: DemoDistrict, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The console on the demo district's database."""
    console = make_app(database_url, tmp_path)
    yield console
    console.extensions["ssid_jobs"].shutdown()


class Signed:
    """A test client signed in as one person; ``post`` adds the session's CSRF token."""

    def __init__(self, client: FlaskClient, name: str) -> None:
        self.client = client
        self.name = name

    @property
    def token(self) -> str:
        with self.client.session_transaction() as session:
            token = session.get("_csrf")
        assert isinstance(token, str), "no CSRF token yet: load a page first"
        return token

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def page(self, path: str) -> str:
        """The page's HTML; fails unless it answers 200."""
        response = self.client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        return response.get_data(as_text=True)

    def post(
        self,
        path: str,
        data: Mapping[str, str | Sequence[str]] | None = None,
        files: Mapping[str, tuple[bytes, str]] | None = None,
        *,
        token: bool = True,
        follow: bool = False,
    ) -> TestResponse:
        sent: dict[str, Any] = {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in (data or {}).items()}
        if token:
            sent["csrf_token"] = self.token
        for name, (content, filename) in (files or {}).items():
            sent[name] = (io.BytesIO(content), filename)
        return self.client.post(path, data=sent, content_type="multipart/form-data", follow_redirects=follow)


def sign_in(app: Flask, name: str, password: str) -> Signed:
    """A fresh client signed in through the sign-in page (its form, its token)."""
    client = app.test_client()
    client.get("/login")
    signed = Signed(client, name)
    response = signed.post("/login", {"name": name, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.get(response.headers["Location"], follow_redirects=True)  # the home page: the new session's token
    return signed


@pytest.fixture
def admin(app: Flask) -> Signed:
    return sign_in(app, *ADMIN)


@pytest.fixture
def auditor(app: Flask) -> Signed:
    return sign_in(app, *AUDITOR)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the district database, for "nothing changed" comparisons."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in ALL_TABLES:
        rows = [tuple(repr(v) for v in row) for row in model.select().tuples().execute()]
        tables[model._meta.table_name] = sorted(rows)
    return tables
