"""Long loads run as background jobs: the upload answers at once with a progress page, the page's
status (percent and lines) comes from the job table, and a failed job says why — naming the file
and line — while the run stays where it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask

from domain.runs import RunState
from seed.demo import DemoDistrict
from store.tables import RunTransitionRow
from tests.e2e.conftest import ADMIN, Sandbox, Signed, make_app, sign_in
from tests.e2e.console_drive import download, drive_to, latest_run, newest_file
from tests.e2e.console_html import elements, text_of


@pytest.fixture
def long_app(district: DemoDistrict, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The console with a low threshold: every load over 5 lines is a background job."""
    console = make_app(database_url, tmp_path, LONG_LOAD_LINES=5)
    yield console
    console.extensions["ssid_jobs"].shutdown()


def _job_of(answer_location: str) -> int:
    path = urlsplit(answer_location).path
    assert path.startswith("/admin/jobs/")
    return int(path.rsplit("/", 1)[1])


def _upload_results(admin: Signed, content: bytes, name: str) -> int:
    run = latest_run()
    answer = admin.post(f"/admin/identifiers/{run.id}/load-results", files={"file": (content, name)})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("?done=/admin/review/")
    return _job_of(answer.headers["Location"])


def test_a_long_match_result_loads_in_the_background_with_progress(long_app: Flask, sandbox: Sandbox, tmp_path: Path) -> None:
    admin = sign_in(long_app, *ADMIN)
    drive_to(admin, sandbox, tmp_path, RunState.SENR_CREATED)
    result = sandbox.match(download(admin, newest_file("request"), tmp_path))
    lines = result.read_bytes().count(b"\n")
    assert lines > 5
    job = _upload_results(admin, result.read_bytes(), result.name)
    page = admin.page(f"/admin/jobs/{job}?done=/admin/review/")
    box = elements(page, "section", class_="job-progress")[0]
    assert box.attrs["data-job-url"] == f"/admin/jobs/{job}.json" and box.attrs["data-done-url"] == "/admin/review/"
    assert elements(page, "div", role="progressbar")

    long_app.extensions["ssid_jobs"].wait(job, timeout=60)
    status = admin.get(f"/admin/jobs/{job}.json").get_json()
    assert status["state"] == "done" and status["finished"] is True
    assert (status["percent"], status["lines"], status["total"]) == (100, lines, lines)
    assert status["result"]["students"] > 0
    assert "Done." in text_of(admin.page(f"/admin/jobs/{job}"), "div", class_="job-outcome")
    assert latest_run().state == RunState.RESULTS_LOADED.value


def test_a_failed_job_says_why_and_changes_nothing(long_app: Flask, sandbox: Sandbox, tmp_path: Path) -> None:
    admin = sign_in(long_app, *ADMIN)
    run = drive_to(admin, sandbox, tmp_path, RunState.SENR_CREATED)
    result = sandbox.match(download(admin, newest_file("request"), tmp_path))
    broken = result.read_bytes().replace(b"Single Match", b"Perfect Match", 1).replace(b"Multiple Match", b"Perfect Match", 1)
    job = _upload_results(admin, broken, "renamed_results.csv")
    long_app.extensions["ssid_jobs"].wait(job, timeout=60)
    status = admin.get(f"/admin/jobs/{job}.json").get_json()
    assert status["state"] == "failed"
    assert status["error"].startswith("renamed_results.csv, line ")
    assert "The job failed: renamed_results.csv, line " in text_of(admin.page(f"/admin/jobs/{job}"), "div", class_="job-outcome")
    assert latest_run().state == RunState.SENR_CREATED.value
    refusal = RunTransitionRow.select().where((RunTransitionRow.run == run.id) & (RunTransitionRow.accepted == False)).get()  # noqa: E712
    assert refusal.event == "load_results" and refusal.reason == status["error"]


def test_the_job_page_never_sends_the_person_to_another_site(long_app: Flask, sandbox: Sandbox, tmp_path: Path) -> None:
    admin = sign_in(long_app, *ADMIN)
    drive_to(admin, sandbox, tmp_path, RunState.SENR_CREATED)
    result = sandbox.match(download(admin, newest_file("request"), tmp_path))
    job = _upload_results(admin, result.read_bytes(), result.name)
    long_app.extensions["ssid_jobs"].wait(job, timeout=60)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        page = admin.page(f"/admin/jobs/{job}?done={target}")
        assert "data-done-url" not in page


def test_a_long_ods_download_is_compared_in_the_background(long_app: Flask, sandbox: Sandbox, tmp_path: Path) -> None:
    admin = sign_in(long_app, *ADMIN)
    drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    download = sandbox.ods()
    answer = admin.post("/admin/ods-audit/load", files={"file": (download.read_bytes(), download.name)})
    assert answer.headers["Location"].endswith("?done=/admin/ods-audit/")
    job = _job_of(answer.headers["Location"])
    long_app.extensions["ssid_jobs"].wait(job, timeout=120)
    status = admin.get(f"/admin/jobs/{job}.json").get_json()
    lines = download.read_bytes().count(b"\n")
    assert (status["state"], status["lines"], status["total"]) == ("done", lines, lines)
    assert status["result"]["deletes"] == int(text_of(admin.page("/admin/ods-audit/"), "strong", data_count="deletes"))
