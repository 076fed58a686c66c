"""Taking a run from step to step through the console, as an admin would: the pages' own forms,
files downloaded from the File Download list and handed to the CALPADS sandbox, its files
uploaded back. Each helper asserts the step was accepted."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from domain.runs import RunState
from store.tables import GeneratedFileRow, MatchCandidateRow, MatchRequestRow, RunRow
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_html import elements, forms

__all__ = ["latest_run", "drive_to", "download", "newest_file", "load_extract_for_review", "ORDER"]

ORDER = (
    RunState.NEW,
    RunState.MIDS_RESOLVED,
    RunState.SENR_CREATED,
    RunState.RESULTS_LOADED,
    RunState.ALL_CONFIRMED,
    RunState.UPDATED,
    RunState.EXTRACT_LOADED,
)


def latest_run() -> RunRow:
    run: RunRow | None = RunRow.select().order_by(RunRow.opened_at.desc()).first()
    assert run is not None
    return run


def _state() -> RunState:
    return RunState(latest_run().state)


def _accepted(admin: Signed, path: str, data: Mapping[str, str | list[str]] | None = None, **files: tuple[bytes, str]) -> str:
    response = admin.post(path, data, files or None)
    location = urlsplit(response.headers.get("Location", ""))
    if location.path.startswith("/admin/jobs/"):  # a long load: wait for its job, as the page would
        job = int(location.path.rsplit("/", 1)[1])
        admin.client.application.extensions["ssid_jobs"].wait(job, timeout=120)
        status = admin.get(f"/admin/jobs/{job}.json").get_json()
        assert status["state"] == "done", status["error"]
        response = admin.get(parse_qs(location.query)["done"][0], follow_redirects=True)
    elif response.status_code == 302:
        response = admin.get(response.headers["Location"], follow_redirects=True)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    errors = [e.text.strip() for e in elements(html, "div", class_="alert-danger")]
    assert not errors, errors
    return html


def newest_file(kind: str) -> GeneratedFileRow:
    newest: Any = GeneratedFileRow.id  # declared `id: int` for mypy; the column is a field
    row: GeneratedFileRow | None = GeneratedFileRow.select().where(GeneratedFileRow.kind == kind).order_by(newest.desc()).first()
    assert row is not None, f"no {kind} file"
    return row


def download(admin: Signed, file: GeneratedFileRow, folder: Path) -> Path:
    """Download ``file`` from the File Download list into ``folder`` (under its own name)."""
    response = admin.get(f"/admin/files/{file.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{file.name}"'
    path = folder / file.name
    path.write_bytes(response.get_data())
    return path


def _top_candidate(run_id: int, local_id: str) -> str | None:
    c = MatchCandidateRow
    row = (
        c.select(c.ssid)
        .where((c.run == run_id) & (c.local_id == local_id) & c.ssid.is_null(False))
        .order_by(c.percent.desc())
        .first()
    )
    return row.ssid if row is not None else None


def load_extract_for_review(admin: Signed, sandbox: Sandbox, folder: Path) -> None:
    """Post the run's updated file in the sandbox and load the SSID Extract it gives (not applied)."""
    run = latest_run()
    assert run.state == RunState.UPDATED.value
    updated = download(admin, newest_file("updated"), folder)
    if sandbox.post(updated) == 0:
        raise AssertionError("the sandbox posted nothing")
    extract = sandbox.extract()
    _accepted(admin, f"/admin/load-ssid/{run.id}/load", file=(extract.read_bytes(), extract.name))


def _step(admin: Signed, sandbox: Sandbox, folder: Path) -> None:
    """Take the next step of the newest run."""
    run = latest_run()
    state = RunState(run.state)
    base = f"/admin/identifiers/{run.id}"
    if state is RunState.NEW:
        page = admin.page("/admin/identifiers/")
        issues = [e.attrs["value"] for e in elements(page, "input", name="issue")]
        if issues:
            _accepted(admin, f"{base}/acknowledge", {"issue": issues})
        _accepted(admin, f"{base}/resolve-mids", {"attest": "yes"})
    elif state is RunState.MIDS_RESOLVED:
        _accepted(admin, f"/admin/senr/{run.id}/create", {"mode": "all"})
    elif state is RunState.SENR_CREATED:
        request_file = download(admin, newest_file("request"), folder)
        result = sandbox.match(request_file)
        _accepted(admin, f"{base}/load-results", file=(result.read_bytes(), result.name))
    elif state is RunState.RESULTS_LOADED:
        # A list first: each request closes the connection a lazy query would still read from.
        for request in list(MatchRequestRow.select().where(MatchRequestRow.run == run.id).order_by(MatchRequestRow.line)):
            ssid = _top_candidate(run.id, request.local_id)
            decision = {"local_id": request.local_id, "decision": "select" if ssid else "new_ssid", "ssid": ssid or ""}
            decision["anyway"] = "yes"  # the drive takes every step; the MID warnings are the review tests' part
            _accepted(admin, f"/admin/review/{run.id}/decide", decision)
        _accepted(admin, f"{base}/confirm")
    elif state is RunState.ALL_CONFIRMED:
        _accepted(admin, f"{base}/updated")
    elif state is RunState.UPDATED:
        load_extract_for_review(admin, sandbox, folder)
        _accepted(admin, f"/admin/load-ssid/{run.id}/apply", {"confirm": "yes"})
    else:
        raise AssertionError(f"no step after {state.value}")


def drive_to(admin: Signed, sandbox: Sandbox, folder: Path, state: RunState) -> RunRow:
    """Start a run (unless one is open) and take it through the console up to ``state``."""
    if RunRow.select().where(RunRow.state.not_in(["extract_loaded", "cancelled"])).count() == 0:
        start = [f for f in forms(admin.page("/admin/identifiers/")) if f.action.endswith("/start")]
        assert start, "no Start a new run button"
        _accepted(admin, start[0].action)
    while _state() is not state:
        _step(admin, sandbox, folder)
    return latest_run()
