"""The whole SSID run through the console's pages, Step 1 to Step 7, against the CALPADS sandbox:
the files downloaded are the files the sandbox reads, the files uploaded are the sandbox's, and
the students' SSIDs change only when the previewed extract is applied (and change back on undo)."""

from __future__ import annotations

from pathlib import Path

from domain.runs import RunState
from store.tables import (
    CalpadsHistoryRow,
    GeneratedFileRow,
    MatchDecisionRow,
    MatchRequestRow,
    OutboxRow,
    RunTransitionRow,
    StudentRow,
)
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import download, drive_to, latest_run, newest_file
from tests.e2e.console_html import elements, forms, text_of


def _ssids(local_ids: list[str]) -> dict[str, str | None]:
    return {s.local_id: s.ssid for s in StudentRow.select().where(StudentRow.local_id.in_(local_ids))}


def test_a_run_from_request_file_to_ssid_extract(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.SENR_CREATED)
    request_file = newest_file("request")
    downloaded = download(admin, request_file, tmp_path)
    assert downloaded.read_bytes() == bytes(request_file.content)
    assert downloaded.read_bytes().endswith(b"\r\n") and downloaded.read_bytes().startswith(b"SENR^")
    requested = [r.local_id for r in MatchRequestRow.select().where(MatchRequestRow.run == run.id)]
    assert len(requested) == request_file.records > 0
    assert all(ssid is None for ssid in _ssids(requested).values())

    run_tab = admin.page("/admin/identifiers/")
    assert request_file.name in text_of(run_tab, "section", id="step-load-results")
    assert "Online Maintenance → SSID Matching Tool" in run_tab

    drive_to(admin, sandbox, tmp_path, RunState.UPDATED)
    decided = {d.local_id: d for d in MatchDecisionRow.select().where(MatchDecisionRow.run == run.id)}
    assert set(decided) == set(requested)
    updated = newest_file("updated")
    assert updated.name.endswith("_SENR_SSID_Updated.txt")
    assert updated.name in admin.page("/admin/load-ssid/")

    held = {s.ssid for s in StudentRow.select(StudentRow.ssid).where(StudentRow.ssid.is_null(False))}
    drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    after = _ssids(requested)
    for local_id, decision in decided.items():
        if decision.ssid in held:
            assert after[local_id] is None  # listed, not applied: it would give one SSID to two students
        elif decision.kind == "select":
            assert after[local_id] == decision.ssid
        else:
            assert (after[local_id] or "").startswith("5")  # issued by the sandbox
    # The request file left the File Download list; the CALPADS History and the outbox have the apply.
    files_tab = admin.page("/admin/files/")
    assert request_file.name not in files_tab and updated.name in files_tab
    assert CalpadsHistoryRow.select().where((CalpadsHistoryRow.what == "applied") & (CalpadsHistoryRow.run == run.id)).count() == 1
    mail = OutboxRow.select().order_by(OutboxRow.created_at.desc()).first()
    assert mail is not None and f"(run {run.id})" in mail.subject
    events = [t.event for t in RunTransitionRow.select().where(RunTransitionRow.run == run.id).order_by(RunTransitionRow.id)]
    assert events == [
        "start", "resolve_mids", "create_senr", "load_results", "confirm_all", "create_updated", "load_extract",
        "apply_extract",
    ]

    page = admin.page("/admin/load-ssid/")
    assert text_of(page, "h5").startswith("Applied")
    undo = admin.post(f"/admin/load-ssid/{run.id}/undo", follow=True)
    assert "SSID Extract undone" in undo.get_data(as_text=True)
    assert all(ssid is None for ssid in _ssids(requested).values())


def test_a_skip_selection_leaves_students_out_and_says_why(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.MIDS_RESOLVED)
    preview = admin.page("/admin/senr/")
    eligible = [row.attrs["data-included"] for row in elements(preview, "tr", data_included="")]
    assert len(eligible) >= 2
    skipped = eligible[0]
    shown = admin.post(f"/admin/senr/{run.id}/create", {"mode": "skip", "skip_ids": skipped}).get_data(as_text=True)
    assert [r.attrs["data-included"] for r in elements(shown, "tr", data_included="")] == eligible[1:]  # shown first
    assert MatchRequestRow.select().where(MatchRequestRow.run == run.id).count() == 0  # nothing written yet
    [confirm] = [f for f in forms(shown) if ("confirmed", "yes") in f.fields]
    response = admin.post(confirm.action, confirm.data(), follow=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert text_of(page, "div", class_="alert-danger") == ""
    assert f"created with {len(eligible) - 1} student(s)" in page
    left_out = {e.attrs["data-local-id"]: " ".join(e.text.split()) for e in elements(page, "tr", data_local_id="")}
    assert left_out[skipped].endswith("left out by the KEEP or SKIP selection")
    requested = {r.local_id for r in MatchRequestRow.select().where(MatchRequestRow.run == run.id)}
    assert skipped not in requested and len(requested) == len(eligible) - 1
    # Every student without an SSID who is not requested is listed with a reason.
    without_ssid = {s.local_id for s in StudentRow.select().where(StudentRow.ssid.is_null())}
    assert set(left_out) == without_ssid - requested


def test_an_empty_keep_selection_is_refused_and_creates_nothing(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.MIDS_RESOLVED)
    response = admin.post(f"/admin/senr/{run.id}/create", {"mode": "keep"}, follow=True)
    assert "The KEEP selection is empty" in response.get_data(as_text=True)
    assert GeneratedFileRow.select().count() == 0
    assert latest_run().state == "mids_resolved"
