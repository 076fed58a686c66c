"""Every change to a student's SSID, Old State ID, ELAS or SWD is traceable to a batch (and its run)
or a page, and a person: an applied and an undone SSID Extract, an edit on the Tables page, a
roster import — listed by `ssid student changes LOCAL_ID`, oldest first."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from flask import Flask

from console.cli import main
from domain.runs import RunState
from store.database import database_proxy
from store.tables import BatchChangeRow, SpecialEducationRow, StudentRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to
from tests.e2e.console_html import forms
from tests.integration.test_roster_import import _roster, _student


def _ssid(*args: str) -> Result:
    """Run `ssid ARGS` in this process; the console's database stays bound afterwards."""
    bound = database_proxy.obj
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        database_proxy.initialize(bound)  # the command closed its own connection


def _changes(app: Flask, local_id: str) -> list[dict[str, Any]]:
    done = _ssid("student", "changes", local_id, "--db", app.config["DATABASE_URL"], "--json")
    assert done.exit_code == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)["changes"]
    return [{k: e[k] for k in ("actor", "field", "old", "new", "source", "batch", "run")} for e in found]


def test_every_identity_change_names_its_batch_or_page_and_its_person(
    app: Flask, admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    change = BatchChangeRow.select().where(BatchChangeRow.field_name == "ssid").order_by(BatchChangeRow.local_id).first()
    local_id, ssid = change.local_id, change.new_value
    extract = {"actor": "admin", "field": "SSID", "old": change.old_value, "new": ssid,
               "source": f"applied SSID Extract batch {change.batch_id} (run {run.id})", "batch": change.batch_id, "run": run.id}
    assert extract in _changes(app, local_id)
    assert admin.post(f"/admin/load-ssid/{run.id}/undo").status_code == 302
    undone = {**extract, "old": ssid, "new": change.old_value, "source": f"undid SSID Extract batch {change.batch_id} (run {run.id})"}
    assert _changes(app, local_id)[-1] == undone

    # The Tables page: the admin corrects the SSID by hand (the edit form, as the page has it).
    student = StudentRow.get(StudentRow.local_id == local_id)
    page = f"/admin/student/edit/?id={student.id}"
    [form] = [f for f in forms(admin.page(page)) if "ssid" in dict(f.fields)]
    data = {k: v for k, v in form.data().items() if k != "csrf_token"}
    data["ssid"] = ["1234567897"]
    assert admin.post(form.action or page, data).status_code == 302
    assert StudentRow.get_by_id(student.id).ssid == "1234567897"
    edited = {"actor": "admin", "field": "SSID", "old": change.old_value, "new": "1234567897", "source": "Tables page", "batch": None, "run": None}

    # A roster import that gives the student another SWD.
    swd = SpecialEducationRow.get_or_none(SpecialEducationRow.student == student.id)
    new_swd = "N" if swd is not None and swd.swd == "Y" else "Y"
    roster = _roster(tmp_path / "roster.csv", [_student(0, local_id=local_id, ssid="1234567897", swd=new_swd)])
    imported = _ssid("roster", "import", str(roster), "--db", app.config["DATABASE_URL"], "--as", "rosa")
    assert imported.exit_code == 0, imported.stderr
    listed = _changes(app, local_id)
    assert listed[:3] == [extract, undone, edited]
    assert {"actor": "rosa", "field": "SWD", "old": swd.swd if swd else None, "new": new_swd,
            "source": "roster import roster.csv", "batch": None, "run": None} in listed[3:]
    assert all(e["actor"] and e["source"] for e in listed)
    # The student's page in the console lists the same changes.
    rows = [[" ".join(td.split()) for td in re.findall(r"<td>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr><td>.*?</tr>", admin.page(f"/admin/student/details/?id={student.id}"), re.S)]
    assert [(r[1], r[2], r[5]) for r in rows] == [(e["actor"], e["field"], e["source"]) for e in listed]
