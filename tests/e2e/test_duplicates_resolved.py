"""Issue 14, finding 4, as a coordinator meets it: the demo's look-alike pair 100004/100005 (100 %,
100005 without an SSID) decided *same child* is never requested (the command line and the Create
SENR tab say "possible duplicate of 100004: merge the two records in your SIS"), the ODS audit
does not advise requesting it, and once deactivation ends the pair it is requested again; decided
*different children*, it is requested, and the review page shows on CALPADS' candidate, before
any click, that 100004 holds its SSID, with Select no longer the primary button."""

from __future__ import annotations

import json
from pathlib import Path

import peewee
import pytest
from click.testing import CliRunner, Result

from console.cli import main
from domain.runs import RunState
from seed.demo import DemoDistrict
from store.database import database_proxy
from store.tables import StudentRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to, newest_file
from tests.e2e.console_html import elements

PAIR = "lookalike:100004,100005"
MERGE = "possible duplicate of 100004: merge the two records in your SIS"


@pytest.fixture(autouse=True)
def _bound(database: peewee.Database) -> None:
    global _DATABASE
    _DATABASE = database


_DATABASE: peewee.Database | None = None


def _ssid(url: str, *args: str) -> Result:
    """The command line on the test's database; the tables are bound to the test's connection again after it."""
    result = CliRunner().invoke(main, [*args, "--db", url, "--json", "--as", "ana"], catch_exceptions=False)
    used = database_proxy.obj
    if _DATABASE is not None and used is not _DATABASE:
        database_proxy.initialize(_DATABASE)
        used.close()
    return result


def _requested(kind: str = "request") -> set[str]:
    content = bytes(newest_file(kind).content).decode()
    return {line.split("^")[8] for line in content.split("\r\n") if line}


def test_same_child_is_never_requested_until_the_pair_ends(
    admin: Signed, sandbox: Sandbox, district: DemoDistrict, database_url: str, tmp_path: Path
) -> None:
    listed = json.loads(_ssid(database_url, "run", "issues").stdout)
    assert PAIR in {i["key"] for i in listed["issues"]}
    decided = json.loads(_ssid(database_url, "run", "issues", "--same-child", PAIR).stdout)
    [issue] = [i for i in decided["issues"] if i["key"] == PAIR]
    assert (issue["acknowledged"], issue["decision"]["resolution"], issue["decision"]["chosen"]) == (True, "same_child", "100005")

    assert json.loads(_ssid(database_url, "run", "start").stdout)["run"] == 1
    assert _ssid(database_url, "run", "resolve-mids", "1", "--attest").exit_code == 0
    made = json.loads(_ssid(database_url, "run", "create-senr", "1", "--out", str(tmp_path / "cli")).stdout)
    assert {"local_id": "100005", "reason": MERGE} in made["excluded"]
    assert "100005" not in _requested()
    senr_tab = admin.page("/admin/senr/")
    assert MERGE in senr_tab

    # The run goes on; the ODS audit lists 100005 as a possible duplicate, never as one to request.
    drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    download = sandbox.ods()
    page = admin.post("/admin/ods-audit/load", files={"file": (download.read_bytes(), download.name)}, follow=True)
    html = page.get_data(as_text=True)
    [listed_dup] = elements(html, "li", data_local_id="100005")
    assert MERGE in " ".join(listed_dup.text.split())
    advice = elements(html, "p", id="ods-without-ssid")
    assert not advice or "100005" not in advice[0].text

    # 100004 deactivated: the pair has ended, 100005 is requested again.
    StudentRow.update(active=False).where(StudentRow.local_id == "100004").execute()
    again = _ssid(database_url, "run", "start")
    run = str(json.loads(again.stdout)["run"])
    assert _ssid(database_url, "run", "resolve-mids", run, "--attest", "--acknowledge-all").exit_code == 0
    made = json.loads(_ssid(database_url, "run", "create-senr", run, "--out", str(tmp_path / "cli2")).stdout)
    assert "100005" not in {e["local_id"] for e in made["excluded"]}
    assert "100005" in _requested()


def test_different_children_review_shows_who_holds_the_candidates_ssid(
    admin: Signed, sandbox: Sandbox, district: DemoDistrict, database_url: str, tmp_path: Path
) -> None:
    assert _ssid(database_url, "run", "issues", "--not-duplicate", PAIR).exit_code == 0
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    assert "100005" in _requested()
    holder = StudentRow.get(StudentRow.local_id == "100004").ssid
    page = admin.page("/admin/review/?student=100005")
    [warning] = elements(page, "p", class_="held-by")
    assert warning.attrs["data-ssid"] == holder and "Local student 100004 already holds this SSID" in warning.text
    buttons = [b for b in elements(page, "button", name="decision", value="select") if holder in b.text]
    assert buttons and all("btn-success" not in b.attrs["class"] and "btn-outline-danger" in b.attrs["class"] for b in buttons)
    assert run.id
