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


def _refuse_decisions(admin: Signed, run_id: int, times: int) -> None:
    for _ in range(times):
        refused = admin.post(f"/admin/review/{run_id}/decide", {"local_id": "NOT-IN-RUN", "decision": "no_match"})
        assert refused.status_code == 302


def test_refused_attempts_in_a_row_are_one_line_with_a_way_to_see_each(auditor: Signed, admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    _refuse_decisions(admin, run.id, 130)
    refused = list(
        RunTransitionRow.select().where((RunTransitionRow.run == run.id) & ~RunTransitionRow.accepted)
        .order_by(RunTransitionRow.at, RunTransitionRow.id)
    )
    assert len(refused) == 130

    page = auditor.page("/admin/history/")
    section = elements(page, "section", id=f"run-{run.id}")[0]
    assert "is not in run" not in section.text  # no reason repeated 130 times
    [summary] = elements(page, "tr", class_="refused-attempts")
    first, last = refused[0].at.strftime("%Y-%m-%d %H:%M:%S"), refused[-1].at.strftime("%H:%M:%S")
    assert " ".join(summary.text.split()).startswith(f"130 refused attempts between {first} and {last} decide: 130")
    accepted = [r for r in elements(page, "tr") if "accepted" in r.text and "load_results" in r.text]
    assert accepted, "the accepted steps are still listed one by one"

    [more] = [a for a in elements(page, "a") if a.attrs.get("class") == "refused-attempts-link"]
    first_page = auditor.page(more.attrs["href"])
    rows = [" ".join(r.text.split()) for r in elements(first_page, "tr", class_="table-danger")]
    assert len(rows) == 100 and all("student NOT-IN-RUN is not in run" in r for r in rows[-90:])
    [next_page] = [a for a in elements(first_page, "a") if a.text.strip() == "Later steps"]
    rest = [" ".join(r.text.split()) for r in elements(auditor.page(next_page.attrs["href"]), "tr", class_="table-danger")]
    assert len(rows) + len(rest) == 130 and rest[-1].startswith(refused[-1].at.strftime("%Y-%m-%d %H:%M:%S"))


def test_a_single_refused_attempt_keeps_its_own_line(auditor: Signed, admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    _refuse_decisions(admin, run.id, 2)
    page = auditor.page("/admin/history/")
    assert elements(page, "tr", class_="refused-attempts") == []
    assert len([r for r in elements(page, "tr", class_="table-danger") if "student NOT-IN-RUN is not in run" in r.text]) == 2
