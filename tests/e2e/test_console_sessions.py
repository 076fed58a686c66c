"""Sessions that end: a copy of the session cookie saved before sign-out, a password change, a
deactivation or a role change is worth nothing afterwards (a GET goes to the sign-in page, a POST
answers 401), and a session ends after its idle time and its lifetime."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from store.tables import StudentRow, UserRow
from tests.e2e.conftest import ADMIN, AUDITOR, Signed, make_app, sign_in

_PAGE = "/admin/student/"


def _cookie(signed: Signed) -> str:
    cookie = signed.client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str) -> FlaskClient:
    """A browser of the attacker's: the saved cookie and nothing else."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def _assert_ended(app: Flask, cookie: str, token: str) -> None:
    client = _replay(app, cookie)
    page = client.get(_PAGE)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login"), page.status_code
    student = StudentRow.select().first()
    post = _replay(app, cookie).post("/admin/student/delete/", data={"id": str(student.id), "csrf_token": token})
    assert post.status_code == 401
    assert StudentRow.get_or_none(StudentRow.id == student.id) is not None


def _edit_user(admin: Signed, user_name: str, **fields: str) -> None:
    """Save the user's form on the Users page with ``fields`` changed (``"<off>"``: a box unticked)."""
    user = UserRow.get(UserRow.name == user_name)
    form = {"name": user_name, "role": user.role, "password": ""}
    if user.active:
        form["active"] = "y"
    form.update(fields)
    form = {k: v for k, v in form.items() if v != "<off>"}
    answer = admin.post(f"/admin/user/edit/?id={user.id}", form)
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_a_cookie_saved_before_sign_out_is_refused_afterwards(admin: Signed, app: Flask) -> None:
    cookie, token = _cookie(admin), admin.token
    assert _replay(app, cookie).get(_PAGE).status_code == 200  # the copy works while the session lives
    assert admin.post("/logout").status_code == 302
    _assert_ended(app, cookie, token)


def test_sign_out_ends_the_users_sessions_in_every_browser(app: Flask) -> None:
    first, second = sign_in(app, *ADMIN), sign_in(app, *ADMIN)
    assert first.post("/logout").status_code == 302
    assert second.get(_PAGE).status_code == 302


def test_a_password_change_ends_the_users_sessions(admin: Signed, auditor: Signed, app: Flask) -> None:
    cookie, token = _cookie(auditor), auditor.token
    _edit_user(admin, "auditor", password="a-new-password-1")
    _assert_ended(app, cookie, token)
    assert admin.get(_PAGE).status_code == 200  # the admin's own session goes on
    sign_in(app, "auditor", "a-new-password-1")


def test_deactivation_ends_the_users_sessions(admin: Signed, auditor: Signed, app: Flask) -> None:
    cookie, token = _cookie(auditor), auditor.token
    _edit_user(admin, "auditor", active="<off>")
    _assert_ended(app, cookie, token)


def test_a_role_change_ends_the_users_sessions(admin: Signed, auditor: Signed, app: Flask) -> None:
    cookie, token = _cookie(auditor), auditor.token
    _edit_user(admin, "auditor", role="admin")
    _assert_ended(app, cookie, token)


def test_a_rename_alone_keeps_the_session(admin: Signed, auditor: Signed) -> None:
    _edit_user(admin, "auditor", name="auditor2")
    assert auditor.get(_PAGE).status_code == 200


@pytest.mark.parametrize("key", ["_session_seen", "_session_begun"])
def test_a_session_ends_after_its_idle_time_and_its_lifetime(admin: Signed, app: Flask, key: str) -> None:
    limit = 8 * 3600 if key == "_session_seen" else 24 * 3600
    with admin.client.session_transaction() as session:
        session[key] = time.time() - limit + 120
    assert admin.get(_PAGE).status_code == 200
    with admin.client.session_transaction() as session:
        session[key] = time.time() - limit - 1
    answer = admin.get(_PAGE)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_the_idle_time_and_lifetime_are_configurable(app: Flask, database_url: str, tmp_path: Path) -> None:
    short = make_app(database_url, tmp_path / "short", SESSION_IDLE_MINUTES=1, SESSION_LIFETIME_HOURS=2)
    assert short.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 2 * 3600
    signed = sign_in(short, *AUDITOR)
    with signed.client.session_transaction() as session:
        session["_session_seen"] = time.time() - 61
    assert signed.get(_PAGE).status_code == 302
    short.extensions["ssid_jobs"].shutdown()
