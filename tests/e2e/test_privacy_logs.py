"""No student data in any log: every logger at DEBUG (the root, peewee's query log, werkzeug's
request log) through a whole run in the console and the command line, and the request log of a
real `ssid serve`. Student data here: legal names, birth dates (as stored and as CALPADS writes
them), SSIDs and Old State IDs."""

from __future__ import annotations

import logging
import re
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from console.cli import main
from domain.runs import RunState
from seed.demo import DemoDistrict
from store.database import database_proxy
from store.tables import StudentRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to
from tests.e2e.console_server import SSID, environment, in_process_server, serving


def _student_data() -> list[str]:
    """Every value a log must never hold, as text (names whole and each surname alone)."""
    found: set[str] = set()
    for row in StudentRow.select():
        found.add(f"{row.legal_first} {row.legal_last}")
        found.add(row.legal_last)
        found.update({row.birth_date.isoformat(), row.birth_date.strftime("%Y%m%d")})
        found.update(v for v in (row.ssid, row.old_state_id) if v)
    return sorted(v for v in found if len(v) >= 4)  # a two-letter surname would match SQL keywords


def _leaks(text: str, values: list[str]) -> list[str]:
    """The values found in ``text``, also when a URL in it carries them encoded."""
    decoded = urllib.parse.unquote_plus(urllib.parse.unquote(text))
    return [v for v in values if re.search(rf"(?<![\w]){re.escape(v)}(?![\w])", decoded)]


def test_a_whole_run_logs_no_student_data(
    app: Flask, admin: Signed, sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("peewee", "werkzeug", "console", "flask_admin"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    run = drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    student = StudentRow.select().where(StudentRow.ssid.is_null(False)).order_by(StudentRow.local_id).first()
    # Pages and commands that show and search student data.
    for page in (
        f"/admin/student/?search={urllib.parse.quote(student.legal_last)}",
        f"/admin/review/?student={student.local_id}",
        "/admin/history/",
        "/admin/files/",
    ):
        assert admin.get(page).status_code == 200, page
    url = app.config["DATABASE_URL"]
    bound = database_proxy.obj
    for command in (["student", "show", student.local_id], ["run", "history", str(run.id)]):
        assert CliRunner().invoke(main, [*command, "--db", url, "--json"]).exit_code == 0
    database_proxy.initialize(bound)  # each command closed its own connection
    for name in ("peewee", "werkzeug", "console", "flask_admin"):
        logging.getLogger(name).setLevel(logging.NOTSET)

    queries = [r for r in caplog.records if r.name == "peewee"]
    assert len(queries) > 500  # the query log was on: every statement is there, without its values
    assert all("parameter(s) not logged" in r.getMessage() for r in queries if isinstance(r.msg, str) and "SELECT" in r.msg)
    assert _leaks(caplog.text, _student_data()) == []


def test_the_request_log_of_ssid_serve_shows_no_query_string(
    district: DemoDistrict, database_url: str, tmp_path: Path
) -> None:
    student = next(s.student for s in district.students() if s.student.ssid)
    search = urllib.parse.quote(f"{student.legal.last} {student.ssid}")
    with serving(database_url, tmp_path) as server:
        for path in (f"/login?next=/admin/student/%3Fsearch%3D{search}", f"/admin/student/?search={search}"):
            with urllib.request.urlopen(server.url + path, timeout=10) as answer:
                assert answer.status == 200
    requests = [line for line in server.printed if '"GET ' in line]
    assert len(requests) >= 2, server.printed
    assert any('"GET /login?… HTTP/1.1" 200' in line for line in requests), requests
    assert _leaks("\n".join(server.printed), [student.legal.last, str(student.ssid)]) == []


@pytest.mark.parametrize(
    "query",
    ["?search=%22Ortiz%22", "?search=%C2%A0Ortiz", "?page_size=20%22&search=2654435761", "?search=Ortiz%20HTTP/1.1%20x"],
)
def test_the_request_log_drops_the_whole_query_string_whatever_it_holds(
    app: Flask, caplog: pytest.LogCaptureFixture, query: str
) -> None:
    caplog.set_level(logging.INFO, logger="werkzeug")
    with in_process_server(app) as url:
        with urllib.request.urlopen(f"{url}/login{query}", timeout=30) as answer:
            assert answer.status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug" and "GET /login" in r.getMessage()]
    assert len(lines) == 1 and '"GET /login?… HTTP/1.1" 200' in lines[0], lines
    assert "Ortiz" not in caplog.text and "2654435761" not in caplog.text
