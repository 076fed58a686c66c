"""Redirect targets taken from a request (``?next=`` of the sign-in page, ``?done=`` of a job's
page) lead only to paths of this site, read as the browser reads them (tab, CR and LF removed)."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from console.redirects import safe_return_path
from store.database import utc_now
from store.tables import JobRow
from tests.e2e.conftest import ADMIN, Signed

_ELSEWHERE = [
    "//evil.example/",
    "/\t/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "\x00//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https://evil.example/",
    "http:/evil.example/",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "evil.example/",
]


@pytest.mark.parametrize("target", _ELSEWHERE)
def test_a_target_of_another_site_or_scheme_is_refused(target: str) -> None:
    assert safe_return_path(target) is None


def test_a_path_of_this_site_is_kept_as_the_browser_reads_it() -> None:
    assert safe_return_path("/admin/student/?page=2&search=x") == "/admin/student/?page=2&search=x"
    assert safe_return_path("/admin/\tduplicates/") == "/admin/duplicates/"


def _done_job() -> int:
    return int(JobRow.insert(kind="load", state="done", result=json.dumps({}), finished_at=utc_now()).execute())


def test_the_job_page_never_sends_the_browser_to_another_site(admin: Signed) -> None:
    job = _done_job()
    page = admin.page(f"/admin/jobs/{job}?done=/%09/evil.example/")
    assert "evil.example" not in page and "data-done-url" not in page
    kept = admin.page(f"/admin/jobs/{job}?done=/admin/duplicates/")
    assert 'data-done-url="/admin/duplicates/"' in kept


def test_the_bad_target_survives_no_sign_in(app: Flask) -> None:
    job = _done_job()
    client = app.test_client()
    to_login = client.get(f"/admin/jobs/{job}?done=/%09/evil.example/")
    assert to_login.status_code == 302
    login = to_login.headers["Location"]
    client.get(login)
    with client.session_transaction() as session:
        token = session["_csrf"]
    signed = client.post(login, data={"name": ADMIN[0], "password": ADMIN[1], "csrf_token": token})
    assert signed.status_code == 302 and signed.headers["Location"].startswith(f"/admin/jobs/{job}?")
    page = client.get(signed.headers["Location"]).get_data(as_text=True)
    assert "evil.example" not in page


def test_sign_in_never_continues_to_another_site(app: Flask) -> None:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    signed = client.post(
        "/login?next=/%09/evil.example/", data={"name": ADMIN[0], "password": ADMIN[1], "csrf_token": token}
    )
    assert signed.status_code == 302 and signed.headers["Location"] == "/admin/"
