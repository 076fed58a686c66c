"""A coordinator's whole run in a real browser: Debian's chromium driven by Playwright through
`ssid serve`, Step 1 to Step 7, against the CALPADS sandbox run as `ssid sandbox ...`. Every file
goes through the page: downloaded from File Download, handed to the sandbox, uploaded back.
The SSID Extract is padded to 50,000 lines (students CALPADS lists and the district has not got), so
it loads as a background job: the progress bar is screenshotted while it shows percent and lines.

Screenshots of the review page (also at 1,024 px), the progress bar and the History page are saved in tests/artifacts/screenshots/
(ignored by git), or in the folder named by ``SSID_SCREENSHOTS``: README.md shows the copies in
docs/screenshots/, refreshed with ``SSID_SCREENSHOTS=docs/screenshots make test``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from domain.readers import open_ssid_extract
from domain.values import LocalId, Ssid
from domain.writers import write_ssid_extract
from store.database import open_database
from store.tables import StudentRow
from tests.e2e.browser_checks import WIDTHS, Watch, too_wide
from tests.e2e.console_server import serving, ssid_json

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / os.environ.get("SSID_SCREENSHOTS", "tests/artifacts/screenshots")
STUDENTS = 80
LONG_EXTRACT = 50_000
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("SSID_BROWSER_REQUIRED") == "1":
            pytest.fail("chromium is not installed (`make browser` installs it from Debian packages)")
        pytest.skip("chromium is not installed: `make browser` installs it (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _download(page: Page, file_name: str, folder: Path) -> Path:
    page.goto(page.url.split("/admin/")[0] + "/admin/files/")
    with page.expect_download() as download:
        page.locator(f'tr[data-file="{file_name}"] a:has-text("Download")').click()
    target = folder / download.value.suggested_filename
    download.value.save_as(target)
    return target


def _flashed(page: Page, text: str) -> None:
    """Wait until the page (after its navigation) shows a message containing ``text``."""
    expect(page.locator(".alert", has_text=text).first).to_be_visible()


def test_a_coordinator_takes_a_run_from_step_1_to_step_7_in_the_browser(
    browser: Browser, database_url: str, tmp_path: Path
) -> None:
    sandbox_url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    calpads = tmp_path / "calpads"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    ssid_json(tmp_path, "db", "init", "--db", database_url)
    # `ssid seed demo` also gives the CALPADS sandbox a statewide population consistent with the district.
    ssid_json(tmp_path, "seed", "demo", "--students", str(STUDENTS), "--db", database_url, "--sandbox-db", sandbox_url)
    before = _students_with_ssid(database_url)

    with serving(database_url, tmp_path, SSID_LONG_LOAD_LINES="40") as server:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "Confirm 9 decision(s): …?" and the like
        watch = Watch().attach(page)  # CSP violations and 4xx/5xx answers, over the whole run
        wide: list[str] = []  # every page looked at, at 1,366 and 1,024 px
        page.goto(server.url + "/admin/identifiers/")
        page.fill("#name", "admin")
        page.fill("#password", "admin-demo")
        page.click("button:has-text('Sign in')")
        expect(page).to_have_url(server.url + "/admin/identifiers/")

        page.click("button:has-text('Start a new run')")
        for box in page.locator("input[name=issue]").all():
            box.check()
        if page.locator("input[name=issue]").count():
            page.click("button:has-text('Acknowledge the ticked issues')")
        page.click("button[data-event=resolve_mids]")  # without the attestation: refused, and recorded
        _flashed(page, "a person must attest that the CALPADS MIDs are resolved")
        page.check("#attest")
        page.click("button[data-event=resolve_mids]")
        _flashed(page, "MIDs resolved.")

        wide += too_wide(page)
        # Step 1: the request file, created on the Create SENR tab and downloaded from File Download.
        page.click("a:has-text('Open Create SENR')")
        wide += too_wide(page)
        page.click("#create-senr-form button[data-event=create_senr]")
        _flashed(page, "_SENR_SSID.txt created with")
        request_name = page.locator("h5 .file-name").inner_text()
        request_file = _download(page, request_name, downloads)
        wide += too_wide(page)

        # Step 2 in the simulated CALPADS, Step 3 back in the console.
        result = Path(ssid_json(tmp_path, "sandbox", "match", str(request_file), "--out", str(calpads), "--sandbox-db", sandbox_url)["file"])
        page.click("a.nav-link:has-text('Run')")
        page.set_input_files("#results-file", str(result))
        page.click("button[data-event=load_results]")
        expect(page).to_have_url(server.url + "/admin/review/")
        page.goto(server.url + "/admin/identifiers/")
        page.screenshot(path=str(SCREENSHOTS / "run.png"), full_page=True)
        wide += too_wide(page)

        screenshot_taken = False
        while True:
            page.goto(server.url + "/admin/review/")  # resumes at the first student without a decision
            decided = int(page.locator("[data-count=decided]").first.inner_text())
            requested = int(page.locator("[data-count=requested]").first.inner_text())
            if decided == requested:
                break
            candidates = page.locator("#review-table thead th.candidate").count()
            wide += too_wide(page)
            if not screenshot_taken and candidates >= 2 and page.locator("#review-table td.diff").count():
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
                page.set_viewport_size({"width": WIDTHS[-1], "height": 768})  # the narrowest window looked at
                expect(page.locator("#review-table td.reasons").first).to_be_visible()
                page.screenshot(path=str(SCREENSHOTS / "review_1024.png"), full_page=True)
                page.set_viewport_size({"width": WIDTHS[0], "height": 768})
                screenshot_taken = True
            if candidates:
                page.locator("button[value=select]").first.click()  # the strongest: never a weak one here
            else:
                page.click("button[value=new_ssid]")
            _flashed(page, "recorded")  # "… recorded." or, for a MID warning, "… not recorded yet."
            if page.locator("#decide-anyway").count():  # the warning read, the person decides anyway
                expect(page.locator("#mid-confirm .pending-warning").first).to_be_visible()
                page.click("#decide-anyway")
                _flashed(page, "The decision is recorded")
        assert screenshot_taken, "no student with two candidates and a difference to show"

        # The decisions at a glance, then Confirm all there, naming the counts it confirms.
        page.goto(server.url + "/admin/decisions/")
        confirm = page.locator("#confirm-all button[data-event=confirm_all]")
        expect(confirm).to_have_text(f"Confirm all {requested} decisions")
        assert int(page.locator("[data-count=select] strong").inner_text()) + int(page.locator("[data-count=new_ssid] strong").inner_text()) \
            + int(page.locator("[data-count=no_match] strong").inner_text()) == requested
        page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)
        wide += too_wide(page)
        confirm.click()
        _flashed(page, "Every decision is confirmed")
        page.click("button[data-event=create_updated]")
        _flashed(page, "_SENR_SSID_Updated.txt created with")
        updated_name = page.locator("#step-apply-extract .file-name").first.inner_text()
        updated_file = _download(page, updated_name, downloads)

        # Steps 5 and 6 in the simulated CALPADS; Step 7 loads the extract as a background job.
        posted = ssid_json(tmp_path, "sandbox", "post", str(updated_file), "--sandbox-db", sandbox_url)
        assert posted["errors"] == 0 and posted["posted"] > 0
        extract = Path(ssid_json(tmp_path, "sandbox", "extract", "--out", str(calpads), "--sandbox-db", sandbox_url)["file"])
        extract = _padded(extract, LONG_EXTRACT, tmp_path / "long")
        page.goto(server.url + "/admin/load-ssid/")
        page.set_input_files("#extract-file", str(extract))
        page.click("#load-extract-form button[type=submit]")
        # The bar as the page's script fills it: a percent, and how many of the 50,000 lines are read.
        bar, lines = page.locator(".job-progress .progress-bar"), page.locator(".job-progress .job-lines")
        expect(bar).to_be_visible()
        expect(bar).to_have_text(re.compile(r"^\d{1,3}%$"))
        expect(lines).to_have_text(re.compile(r"^[1-9][\d,]* of 50,000 lines"), timeout=60_000)
        # The bar slides to its new width (a CSS transition): the picture shows where it ends.
        page.screenshot(path=str(SCREENSHOTS / "progress.png"), full_page=True, animations="disabled")
        expect(page.locator(".job-outcome")).to_contain_text("Done.", timeout=120_000)
        expect(page).to_have_url(server.url + "/admin/load-ssid/", timeout=30_000)
        expect(page.locator("#preview-table")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "load_ssid.png"), full_page=True)
        wide += too_wide(page)
        new_ssids = int(page.locator("[data-count=new] strong").inner_text())
        assert new_ssids > 0
        page.check("#confirm-preview")
        page.click("#apply-extract-form button[data-event=apply_extract]")
        _flashed(page, "SSID Extract applied")
        expect(page.locator("code[data-run-state]")).to_have_text("extract_loaded")
        wide += too_wide(page)

        # The ODS audit: the ten-year download loaded (in the background), its deletes reviewed by name.
        ods = Path(ssid_json(tmp_path, "sandbox", "ods", "--out", str(calpads), "--sandbox-db", sandbox_url)["file"])
        page.goto(server.url + "/admin/ods-audit/")
        page.set_input_files("#ods-file", str(ods))
        page.locator("form:has(#ods-file) button[type=submit]").click()
        expect(page).to_have_url(server.url + "/admin/ods-audit/", timeout=120_000)
        expect(page.locator("#ods-deletes")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "ods_audit.png"), full_page=True)
        wide += too_wide(page)
        for path in ("/admin/files/", "/admin/history/", "/admin/run_history/", "/admin/decision/", "/admin/settings/"):
            page.goto(server.url + path)
            wide += too_wide(page)

        # History, as the auditor sees it.
        page.click("button:has-text('Sign out')")
        page.fill("#name", "auditor")
        page.fill("#password", "auditor-demo")
        page.click("button:has-text('Sign in')")
        expect(page).to_have_url(server.url + "/admin/history/")
        expect(page.locator("section.run-history td code", has_text="apply_extract")).to_be_visible()
        wide += too_wide(page)
        page.screenshot(path=str(SCREENSHOTS / "history.png"), full_page=True)
        context.close()
    assert watch.problems == []  # no script or handler blocked, no 4xx/5xx (a favicon included)
    assert wide == []  # no page scrolls sideways at 1,366 or 1,024 px

    # Exactly the previewed new SSIDs reached the district database.
    assert _students_with_ssid(database_url) == before + new_ssids


def _padded(extract: Path, lines: int, folder: Path) -> Path:
    """The SSID Extract CALPADS gave, followed by students the district has not got (a made-up local
    id and SSID each, so every one is unmatched) up to ``lines`` lines; the same file name."""
    rows = list(open_ssid_extract(extract))
    more = (
        replace(rows[0], line=n, local_id=LocalId(f"9{n:08d}"), ssid=Ssid(f"{7_000_000_000 + n}"))
        for n in range(len(rows) + 1, lines + 1)
    )
    folder.mkdir()
    padded = folder / extract.name
    with padded.open("wb") as out:
        assert write_ssid_extract([*rows, *more], out) == lines
    return padded


def _students_with_ssid(database_url: str) -> int:
    database = open_database(database_url)
    try:
        return int(StudentRow.select().where(StudentRow.ssid.is_null(False)).count())
    finally:
        database.close()


def test_table_pages_run_their_scripts_under_the_content_security_policy(
    browser: Browser, database_url: str, tmp_path: Path
) -> None:
    ssid_json(tmp_path, "db", "init", "--db", database_url)
    ssid_json(tmp_path, "seed", "demo", "--students", "20", "--db", database_url, "--no-sandbox")
    with serving(database_url, tmp_path) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        refused_by_policy: list[str] = []
        page.on("console", lambda m: refused_by_policy.append(m.text) if "Content Security Policy" in m.text else None)
        questions: list[str] = []

        def answer(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", answer)
        page.goto(server.url + "/login")
        page.fill("#name", "admin")
        page.fill("#password", "admin-demo")
        page.click("button:has-text('Sign in')")
        page.goto(server.url + "/admin/student/")
        rows = page.locator("table.model-list tbody tr").count()
        assert rows == 20
        page.locator("table.model-list tbody tr").first.locator("button[title='Delete Record']").click()
        assert questions == ["Are you sure you want to delete this record?"]  # Flask-Admin's own confirm ran
        page.goto(server.url + "/admin/student/")
        assert page.locator("table.model-list tbody tr").count() == 20  # dismissed: nothing deleted
        context.close()
    assert refused_by_policy == []
