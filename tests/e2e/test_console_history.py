"""History, the auditors' home: a completed run's every step, accepted and refused, with actor,
time, file names and SHA-256 and counts; the same as CSV; the state diagram drawn by the server,
with nothing fetched from another site."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from console.display import count_label
from domain.runs import RunState
from store.tables import RunTransitionRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to
from tests.e2e.console_html import elements


def test_an_auditor_sees_a_completed_runs_full_history(admin: Signed, auditor: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    refused = admin.post(f"/admin/identifiers/{run.id}/cancel", follow=True)
    assert "an applied run cannot be cancelled" in refused.get_data(as_text=True)
    steps = list(RunTransitionRow.select().where(RunTransitionRow.run == run.id).order_by(RunTransitionRow.at, RunTransitionRow.id))
    assert [s.accepted for s in steps].count(False) == 1 and len(steps) == 9

    page = auditor.page("/admin/history/")
    section = elements(page, "section", id=f"run-{run.id}")[0]
    rows = [" ".join(r.text.split()) for r in elements(page, "tr")]
    for step in steps:
        shown = [r for r in rows if step.at.strftime("%Y-%m-%d %H:%M:%S") in r and step.event in r]
        assert shown, step.event
        assert step.actor in shown[0]
        assert ("accepted" if step.accepted else f"refused {step.reason}") in shown[0]
        if step.file_name:
            assert step.file_name in shown[0] and str(step.sha256) in shown[0]
        for key, value in json.loads(step.counts).items():
            assert f"{count_label(key)}: {value}" in shown[0]  # "SSIDs set: 85", not "student.ssid: 85"
    assert "Files exchanged with CALPADS" in section.text

    export = auditor.get(f"/admin/history/history.csv?run={run.id}")
    assert export.headers["Content-Disposition"] == f'attachment; filename="ssid_history_run_{run.id}.csv"'
    table = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert table[0] == ["run", "at", "actor", "event", "source", "dest", "accepted", "reason", "file_name", "sha256", "counts"]
    assert [(r[3], r[6], r[7], r[9]) for r in table[1:]] == [
        (s.event, "yes" if s.accepted else "no", s.reason or "", s.sha256 or "") for s in steps
    ]


def test_the_state_diagram_is_drawn_by_the_console_itself(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    page = admin.page("/admin/history/")
    svg = elements(page, "svg")
    assert svg and svg[0].attrs["aria-label"] == "State diagram of an SSID run"
    current = [g for g in elements(page, "g", class_="current")]
    assert [" ".join(g.text.split()) for g in current] == ["results_loaded"]
    for state in RunState:
        assert state.value in svg[0].text
    assert "stateDiagram-v2" in page  # the Mermaid text, for those who want it
    for element in elements(page):
        for attribute in ("src", "href"):
            target = element.attrs.get(attribute, "")
            assert not target.startswith(("http:", "https:", "//")), target
