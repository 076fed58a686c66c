"""The sign-in limit holds under simultaneous guesses (counted in the database before the
password is checked), every sign-in costs one password hash whether the name is unknown,
inactive or real, and an over-long name or password is refused without being stored or echoed."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

import store.users
from store.tables import SignInFailureRow, UserRow
from tests.e2e.conftest import ADMIN
from tests.e2e.console_server import in_process_server

GUESSES = 40
LIMIT = 5


class _HashChecks:
    """Wraps werkzeug's password check, counting the calls (thread-safe)."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()
        self._check = check_password_hash

    def __call__(self, pwhash: str, password: str) -> bool:
        with self._lock:
            self.calls += 1
        return self._check(pwhash, password)


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> _HashChecks:
    checks = _HashChecks()
    monkeypatch.setattr(store.users, "check_password_hash", checks)
    return checks


@dataclass
class _Browser:
    cookie: str
    token: str


def _open_sign_in_page(url: str) -> _Browser:
    with urllib.request.urlopen(f"{url}/login", timeout=60) as answer:
        cookie = answer.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', answer.read().decode())
    assert token is not None
    return _Browser(cookie, token.group(1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _sign_in(url: str, browser: _Browser, name: str, password: str) -> int:
    data = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": browser.token}).encode()
    request = urllib.request.Request(f"{url}/login", data=data, headers={"Cookie": browser.cookie})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=120) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return int(answer.code)


def test_simultaneous_guesses_check_at_most_the_limit_of_passwords(app: Flask, hash_checks: _HashChecks) -> None:
    with in_process_server(app) as url:
        browsers = [_open_sign_in_page(url) for _ in range(GUESSES)]
        start = threading.Barrier(GUESSES)
        statuses: list[int] = []

        def guess(browser: _Browser, n: int) -> None:
            start.wait()
            statuses.append(_sign_in(url, browser, "admin", f"guess-{n}"))

        threads = [threading.Thread(target=guess, args=(browser, n)) for n, browser in enumerate(browsers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert Counter(statuses) == {401: LIMIT, 429: GUESSES - LIMIT}
        assert hash_checks.calls == LIMIT
        # The right password right after the guesses is refused too, unchecked.
        assert _sign_in(url, _open_sign_in_page(url), *ADMIN) == 429
        assert hash_checks.calls == LIMIT


@pytest.mark.parametrize("name", ["admin", "nobody-by-this-name", "auditor-inactive"])
def test_every_sign_in_checks_one_password_hash_whatever_the_name(app: Flask, hash_checks: _HashChecks, name: str) -> None:
    if name == "auditor-inactive":
        UserRow.update(active=False).where(UserRow.name == "auditor").execute()
        name = "auditor"
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    answer = client.post("/login", data={"name": name, "password": "a wrong password", "csrf_token": token})
    assert answer.status_code == 401
    assert hash_checks.calls == 1


def test_an_over_long_name_or_password_is_refused_unstored_and_unechoed(app: Flask, hash_checks: _HashChecks) -> None:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    long_name = "n" * 100_000
    for name, password in ((long_name, "x"), ("admin", "p" * 10_000)):
        answer = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
        assert answer.status_code == 400
        assert "too long" in answer.get_data(as_text=True) and long_name[:200] not in answer.get_data(as_text=True)
    assert hash_checks.calls == 0
    assert SignInFailureRow.select().count() == 0
