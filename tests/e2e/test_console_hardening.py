"""The console under attack and at fault: uploads over the limit, an unexpected error, sign-ins
guessed from two console processes, the Secure cookie, and two reviewers deciding one student."""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from domain.runs import RunState
from seed.demo import DemoDistrict
from store.tables import (
    DecisionLogRow,
    GeneratedFileRow,
    MatchCandidateRow,
    MatchDecisionRow,
    MatchRequestRow,
    StudentRow,
)
from tests.e2e.conftest import ADMIN, Sandbox, Signed, make_app, sign_in, snapshot
from tests.e2e.console_drive import drive_to
from tests.e2e.console_html import elements, forms


def _alerts(html: str) -> list[str]:
    return [" ".join(e.text.split()).removeprefix("× ") for e in elements(html, "div", class_="alert-danger")]


class _LazyZeros(io.RawIOBase):
    """A 300 MB request body that is never there: reading it would fail the test."""

    size = 300 * 1024**2

    def __init__(self) -> None:
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._at = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self.size}[whence] + offset
        return self._at

    def tell(self) -> int:
        return self._at

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the console read an upload over the limit")


@pytest.fixture
def small_limit(district: DemoDistrict, database_url: str, tmp_path: Path) -> Flask:
    app = make_app(database_url, tmp_path, MAX_UPLOAD_MB=1)
    return app


def test_an_upload_over_the_limit_is_refused_with_400_and_changes_nothing(
    small_limit: Flask, sandbox: Sandbox, tmp_path: Path
) -> None:
    admin = sign_in(small_limit, *ADMIN)
    run = drive_to(admin, sandbox, tmp_path, RunState.SENR_CREATED)
    before = snapshot()
    uploads = Path(small_limit.config["UPLOAD_FOLDER"])
    # Over the request limit (refused before it is read), and just over the file limit (measured once saved).
    for size in (3 * 1024**2, 1024**2 + 1):
        # Encoded in memory (the test client would spool a large body to a file it never closes).
        boundary, body = encode_multipart(
            {"csrf_token": admin.token, "file": FileStorage(io.BytesIO(b"0" * size), "results.txt")}
        )
        answer = admin.client.post(
            f"/admin/identifiers/{run.id}/load-results", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert answer.status_code == 400, size
        page = answer.get_data(as_text=True)
        assert "The file is larger than the upload limit of 1 MB (SSID_MAX_UPLOAD_MB); nothing was loaded or changed." in page
        assert "Traceback" not in page
    assert snapshot() == before
    assert list(uploads.iterdir()) == []


def test_a_300_mb_upload_is_refused_by_the_default_limit_without_being_read(admin: Signed) -> None:
    app = admin.client.application
    assert app.config["MAX_UPLOAD_MB"] == 200
    admin.page("/admin/identifiers/")
    before = snapshot()
    answer = admin.client.post(
        "/admin/ods-audit/load",
        input_stream=_LazyZeros(),
        content_length=_LazyZeros.size,
        content_type="multipart/form-data; boundary=x",
        headers={"X-CSRF-Token": admin.token},
    )
    assert answer.status_code == 400
    assert "larger than the upload limit of 200 MB" in answer.get_data(as_text=True)
    assert snapshot() == before


def test_an_unexpected_error_shows_a_plain_page_and_logs_no_student_data(
    district: DemoDistrict, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(database_url, tmp_path, TESTING=False)
    student = next(s.student for s in district.students() if s.student.ssid)
    secret = f"duplicate key (ssid)=({student.ssid}) for {student.legal.first} {student.legal.last}"

    @app.route("/admin/broken")
    def broken() -> str:
        raise RuntimeError(secret)

    admin = sign_in(app, *ADMIN)
    with caplog.at_level(logging.DEBUG):
        answer = admin.get("/admin/broken")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "Something went wrong on the server. Nothing was changed by this request" in page
    assert "Traceback" not in page and secret not in page
    logged = caplog.text  # messages and any traceback attached to them
    assert "unexpected error RuntimeError" in logged and "in broken" in logged
    assert secret not in logged and student.legal.last not in logged
    app.extensions["ssid_jobs"].shutdown()


def _fail(app: Flask, name: str, password: str) -> int:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token}).status_code


def test_sign_in_guesses_are_counted_across_console_processes_and_restarts(
    district: DemoDistrict, database_url: str, tmp_path: Path
) -> None:
    first = make_app(database_url, tmp_path / "first")
    assert [_fail(first, "admin", f"guess-{n}") for n in range(5)] == [401] * 5
    # Another console process on the same database (or this one restarted) knows the five failures.
    second = make_app(database_url, tmp_path / "second")
    assert _fail(second, "admin", "admin-demo") == 429
    assert _fail(second, "auditor", "auditor-demo") == 429  # the address too
    for app in (first, second):
        app.extensions["ssid_jobs"].shutdown()


def test_the_session_cookie_is_secure_when_configured(district: DemoDistrict, database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, SECURE_COOKIES=True)
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = make_app(database_url, tmp_path / "plain").test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" not in plain


def _decision_forms(html: str) -> dict[str, dict[str, list[str]]]:
    """The review page's decision forms by button value (no_match, new_ssid, select …)."""
    found: dict[str, dict[str, list[str]]] = {}
    for form in forms(html):
        for button in form.buttons:
            if form.action.endswith("/decide"):
                found.setdefault(button[1], form.data(button))
    return found


def _post(signed: Signed, path: str, data: dict[str, list[str]]) -> str:
    sent = {k: v for k, v in data.items() if k != "csrf_token"}
    answer = signed.post(path, sent)
    assert answer.status_code == 302
    return signed.page(answer.headers["Location"])


def test_a_decision_from_a_stale_page_is_refused_not_saved_over_the_other_reviewers(
    app: Flask, sandbox: Sandbox, tmp_path: Path
) -> None:
    ana = sign_in(app, *ADMIN)
    run = drive_to(ana, sandbox, tmp_path, RunState.RESULTS_LOADED)
    ben = sign_in(app, *ADMIN)
    student = MatchRequestRow.select().where(MatchRequestRow.run == run.id).order_by(MatchRequestRow.line).first().local_id
    page = f"/admin/review/?student={student}"
    ana_forms, ben_forms = _decision_forms(ana.page(page)), _decision_forms(ben.page(page))
    assert ana_forms["no_match"]["seen"] == ["none"]

    _post(ana, f"/admin/review/{run.id}/decide", ana_forms["no_match"])
    logged = DecisionLogRow.select().count()
    stale = dict(ben_forms["no_match"], decision=["new_ssid"], anyway=["yes"])
    html = _post(ben, f"/admin/review/{run.id}/decide", stale)
    assert _alerts(html) == [
        f"student {student}: not recorded, the decision changed by admin after this page was opened; "
        "look at the decision now shown and decide again"
    ]
    row = MatchDecisionRow.get((MatchDecisionRow.run == run.id) & (MatchDecisionRow.local_id == student))
    assert row.kind == "no_match" and DecisionLogRow.select().count() == logged
    # Looking again shows Ana's decision; deciding from that page is recorded.
    fresh = _decision_forms(ben.page(page))
    assert fresh["new_ssid"]["seen"] == [str(row.version)]
    _post(ben, f"/admin/review/{run.id}/decide", dict(fresh["new_ssid"], anyway=["yes"]))
    assert MatchDecisionRow.get_by_id(row.id).kind == "new_ssid"


def test_decide_anyway_carries_the_page_it_came_from(app: Flask, sandbox: Sandbox, tmp_path: Path) -> None:
    ana = sign_in(app, *ADMIN)
    run = drive_to(ana, sandbox, tmp_path, RunState.RESULTS_LOADED)
    ben = sign_in(app, *ADMIN)
    strong = MatchCandidateRow.select().where((MatchCandidateRow.run == run.id) & (MatchCandidateRow.percent >= 90)).first()
    page = f"/admin/review/?student={strong.local_id}"
    ben_forms = _decision_forms(ben.page(page))
    # Ben asks for New SSID despite a strong candidate: held back, the warning page asks again.
    held = _post(ben, f"/admin/review/{run.id}/decide", ben_forms["new_ssid"])
    [anyway] = [f for f in forms(held) if any(name == "anyway" for name, _ in f.fields)]
    assert dict(anyway.fields)["seen"] == "none"
    # Meanwhile Ana selects the candidate; Ben's "Decide anyway" is then refused.
    _post(ana, f"/admin/review/{run.id}/decide", dict(_decision_forms(ana.page(page))["select"], anyway=["yes"]))
    html = _post(ben, f"/admin/review/{run.id}/decide", anyway.data(anyway.buttons[0]))
    assert "not recorded, the decision changed by admin after this page was opened" in " ".join(_alerts(html))
    assert MatchDecisionRow.get((MatchDecisionRow.run == run.id) & (MatchDecisionRow.local_id == strong.local_id)).kind == "select"


def test_a_decision_after_the_run_was_confirmed_is_refused(app: Flask, sandbox: Sandbox, tmp_path: Path) -> None:
    ana = sign_in(app, *ADMIN)
    run = drive_to(ana, sandbox, tmp_path, RunState.RESULTS_LOADED)
    ben = sign_in(app, *ADMIN)
    student = MatchRequestRow.select().where(MatchRequestRow.run == run.id).order_by(MatchRequestRow.line).first().local_id
    ben_forms = _decision_forms(ben.page(f"/admin/review/?student={student}"))
    drive_to(ana, sandbox, tmp_path, RunState.ALL_CONFIRMED)  # every decision, then Confirm all
    decided = MatchDecisionRow.get((MatchDecisionRow.run == run.id) & (MatchDecisionRow.local_id == student))
    html = _post(ben, f"/admin/review/{run.id}/decide", dict(ben_forms["no_match"], anyway=["yes"]))
    assert _alerts(html) == [
        "decide needs a run in state results_loaded; this run is in state all_confirmed; now you can create the "
        "updated SENR file (ssid run create-updated; Run tab); or cancel the run (ssid run cancel; Run tab)"
    ]
    after = MatchDecisionRow.get_by_id(decided.id)
    assert (after.kind, after.version) == (decided.kind, decided.version)


def test_a_refused_table_save_logs_the_error_without_the_databases_words(
    admin: Signed, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = list(StudentRow.select().order_by(StudentRow.local_id).limit(2))
    page = f"/admin/student/edit/?id={second.id}"
    [form] = [f for f in forms(admin.page(page)) if "local_id" in dict(f.fields)]
    data = {k: v for k, v in form.data().items() if k != "csrf_token"}
    data["local_id"] = [first.local_id]  # taken: the database refuses the save
    with caplog.at_level(logging.DEBUG):
        answer = admin.post(form.action or page, data, follow=True)
    assert answer.status_code == 200
    assert StudentRow.get_by_id(second.id).local_id == second.local_id
    logged = caplog.text
    assert "IntegrityError" in logged
    assert "UNIQUE constraint failed" not in logged and "already exists" not in logged and first.local_id not in logged


def test_a_download_goes_out_under_a_safe_file_name(admin: Signed) -> None:
    content = b"SENR^^^1964212\r\n"
    kept = GeneratedFileRow.create(
        kind="request", name='../../etc/"passwd"\r\nSet-Cookie: x=1.txt', sha256=hashlib.sha256(content).hexdigest(),
        records=1, size=len(content), content=content, created_by="admin",
    )
    answer = admin.get(f"/admin/files/{kept.id}/download")
    assert answer.status_code == 200 and answer.get_data() == content
    assert answer.headers["Content-Disposition"] == 'attachment; filename="etc_passwd_Set-Cookie_x1.txt"'
    assert "Set-Cookie" not in answer.headers or "x=1" not in answer.headers.get("Set-Cookie", "")
