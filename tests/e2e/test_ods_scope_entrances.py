"""Issue 14, finding 5, as a coordinator meets it: `ssid ods audit` and the console's ODS audit tab
refuse a past academic year and a download without earlier years, and write no file while CALPADS
still holds last year's enrollments open, until they are reviewed (`--prior-year-reviewed`, the
checkbox)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import peewee
import pytest
from click.testing import CliRunner, Result

from console.cli import main
from domain.runs import RunState
from domain.values import AcademicYear
from seed.sandbox import write_ods_download
from store.database import database_proxy
from store.settings import set_setting
from store.tables import GeneratedFileRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to
from tests.e2e.console_html import elements, forms, text_of
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, edited_ods

YEAR = AcademicYear.containing(TODAY)


def _ssid(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--db", url, "--json", "--as", "ana"], catch_exceptions=False)


@pytest.fixture
def audited(database: peewee.Database, tmp_path: Path, cli_on_the_builders_day: None) -> RunBuilder:
    """A district after a whole run; the command line's clock reads the builder's day."""
    builder = RunBuilder(database, tmp_path, students=120)
    builder.to(RunState.EXTRACT_LOADED)
    return builder


def test_the_command_line_refuses_an_audit_out_of_scope(audited: RunBuilder, database: peewee.Database, database_url: str, tmp_path: Path) -> None:
    download = write_ods_download(audited.sandbox_url, tmp_path / "ods", today=TODAY, now=NOW).file
    files = tmp_path / "files"

    active_only = _ssid(database_url, "ods", "audit", str(edited_ods(download, YEAR.code, only_current=True)), "--out", str(files))
    assert active_only.exit_code == 2
    assert "it holds no record of an academic year before" in active_only.stderr and "by Date Range" in active_only.stderr

    reopened = edited_ods(download, YEAR.code, reopen=1)
    held = _ssid(database_url, "ods", "audit", str(reopened), "--out", str(files))
    assert held.exit_code == 2
    assert held.stderr.splitlines()[-1].startswith("ssid: previous year not closed out: CALPADS still holds 1 enrollment(s)")
    assert "ssid: ODS audit 2: previous year not closed out: student " in held.stderr
    assert not files.exists() or not list(files.iterdir())
    shown = json.loads(_ssid(database_url, "ods", "show", "2").stdout)
    assert len(shown["prior_year_open"]) == 1 and shown["not_selected"] >= 0
    reviewed = _ssid(database_url, "ods", "create-files", "2", "--out", str(files), "--deletes-reviewed", "--prior-year-reviewed")
    assert reviewed.exit_code == 0, reviewed.stderr
    assert json.loads(reviewed.stdout)["files"]

    database_proxy.initialize(database)
    set_setting("academic_year", f"{YEAR.start_year - 1}-{YEAR.start_year}")
    past = _ssid(database_url, "ods", "audit", str(download), "--out", str(files), "--prior-year-reviewed")
    assert (past.exit_code, past.stderr) == (
        2,
        f"ssid: the ODS audit reconciles the current academic year only: Settings say {YEAR.start_year - 1}-{YEAR.start_year}, "
        f"today is in {YEAR} (the year starts July 1); set the academic year to {YEAR} first\n",
    )
    database_proxy.initialize(database)


def _danger(html: str) -> str:
    return text_of(html, "div", class_="alert-danger").removeprefix("×").strip()


def test_the_console_refuses_and_holds_files_back_until_the_previous_year_is_reviewed(
    admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    year = AcademicYear.containing(dt.date.today())
    download = sandbox.ods()

    only_current = edited_ods(download, year.code, only_current=True)
    page = admin.post("/admin/ods-audit/load", files={"file": (only_current.read_bytes(), only_current.name)}, follow=True)
    assert "by Date Range, from July 1 ten years back" in _danger(page.get_data(as_text=True))

    reopened = edited_ods(download, year.code, reopen=1)
    page = admin.post("/admin/ods-audit/load", files={"file": (reopened.read_bytes(), reopened.name)}, follow=True)
    html = page.get_data(as_text=True)
    assert len(elements(html, "table", id="ods-prior-year-open")) == 1
    assert "record(s) left alone: school not selected" in html
    [write] = [f for f in forms(html) if f.action.endswith("/files")]
    files_before = GeneratedFileRow.select().count()
    refused = admin.post(write.action, {"deletes_reviewed": "yes"}, follow=True).get_data(as_text=True)
    assert _danger(refused).startswith("previous year not closed out")
    assert GeneratedFileRow.select().count() == files_before
    written = admin.post(write.action, {"deletes_reviewed": "yes", "prior_year_reviewed": "yes"}, follow=True)
    assert "SENR file(s) written" in written.get_data(as_text=True)

    set_setting("academic_year", f"{year.start_year - 1}-{year.start_year}")
    tab = admin.page("/admin/ods-audit/")
    assert "Not now: the ODS audit reconciles the current academic year only" in text_of(tab, "p", id="ods-scope-problem")
    page = admin.post("/admin/ods-audit/load", files={"file": (download.read_bytes(), download.name)}, follow=True)
    assert "reconciles the current academic year only" in _danger(page.get_data(as_text=True))
