"""Issue 16's findings, one browser test each, on one run of the demo district taken step by step
(the tests run in file order and share the run): a coordinator's view in Debian's chromium.

The run is moved between tests with the `ssid` command (the browser flow test walks every step
through the pages); each test then looks at what the finding was about, in the page.
"""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser_checks import WIDTHS, Watch, too_wide
from tests.e2e.console_server import SSID, Server, environment, serving, ssid_json
from tests.e2e.test_browser_flow import SCREENSHOTS, browser  # noqa: F401  (the module's chromium)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STUDENTS = 80


@dataclass
class Coordinator:
    """The shared run: the console, a signed-in page, the folders, and the `ssid` command's database."""

    server: Server
    page: Page
    watch: Watch
    db: str
    sandbox: str
    folder: Path
    run: int

    def ssid(self, *args: str) -> dict[str, object]:
        found: dict[str, object] = ssid_json(self.folder, *args, "--db", self.db)
        return found

    def sandbox_json(self, *args: str) -> dict[str, object]:
        found: dict[str, object] = ssid_json(self.folder, "sandbox", *args, "--sandbox-db", self.sandbox)
        return found

    def go(self, path: str) -> Page:
        self.page.goto(self.server.url + path)
        return self.page


@pytest.fixture(scope="module")
def coordinator(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coordinator]:  # noqa: F811
    folder = tmp_path_factory.mktemp("findings")
    db, sandbox = f"sqlite:///{folder / 'district.db'}", f"sqlite:///{folder / 'sandbox.db'}"
    ssid_json(folder, "db", "init", "--db", db)
    ssid_json(folder, "seed", "demo", "--students", str(STUDENTS), "--db", db, "--sandbox-db", sandbox)
    run = int(ssid_json(folder, "run", "start", "--db", db)["run"])
    issues = ssid_json(folder, "run", "issues", "--db", db)["issues"]
    for issue in issues:
        ssid_json(folder, "run", "issues", "--acknowledge", issue["key"], "--db", db)
    ssid_json(folder, "run", "resolve-mids", str(run), "--attest", "--db", db)
    ssid_json(folder, "run", "create-senr", str(run), "--out", str(folder / "out"), "--db", db)
    with serving(db, folder) as server:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # the questions are the tests' to read in data-confirm
        watch = Watch().attach(page)
        page.goto(server.url + "/login")
        page.fill("#name", "admin")
        page.fill("#password", "admin-demo")
        page.click("button:has-text('Sign in')")
        yield Coordinator(server, page, watch, db, sandbox, folder, run)
        context.close()


def _request_file(c: Coordinator) -> Path:
    return sorted((c.folder / "out").glob("*_SENR_SSID.txt"))[0]


def test_finding_6_a_wrong_file_at_load_match_results_shows_its_error_on_the_run_tab(coordinator: Coordinator) -> None:
    c = coordinator
    page = c.go("/admin/identifiers/")
    page.set_input_files("#results-file", str(_request_file(c)))  # the request file, not CALPADS' answer
    page.click("button[data-event=load_results]")
    expect(page.locator(".alert-danger").first).to_be_visible()
    assert page.url.split("#")[0] == c.server.url + "/admin/identifiers/"
    expect(page.locator("#load-results-form")).to_be_visible()  # the upload is right there to try again

    # The right file, with one more candidate CALPADS might give: another sex, birth date and city.
    result = Path(str(c.sandbox_json("match", str(_request_file(c)), "--out", str(c.folder / "calpads"))["file"]))
    with result.open(newline="") as source:
        rows = list(csv.reader(source))
    weak = list(rows[1])
    weak[7], weak[9], weak[10] = "3999999991", "Multiple Match", "40%"
    weak[13], weak[14], weak[15], weak[16], weak[17] = "Nakamura", "Kenji", "", "M" if rows[1][11] == "F" else "F", "20010203"
    weak[20], weak[21], weak[22] = "Osaka", "", "JP"
    with result.open("w", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows([*rows, weak])
    page.set_input_files("#results-file", str(result))
    page.click("button[data-event=load_results]")
    expect(page).to_have_url(c.server.url + "/admin/review/")


def test_finding_4_the_stepper_and_run_tab_follow_the_seven_steps(coordinator: Coordinator) -> None:
    page = coordinator.go("/admin/identifiers/")
    boxes = page.locator("ol.stepper li")
    expect(boxes).to_have_count(8)
    names = [" ".join(t.split()) for t in boxes.locator(".step-name").all_inner_texts()]
    expected = [
        "MIDs resolved", "Create the SSID request file", "Match in CALPADS", "Review candidates",
        "Create the updated SENR file", "Post the updated file in CALPADS", "Request the SSID Extract", "Load the SSID Extract",
    ]
    assert [name.endswith(want) for name, want in zip(names, expected)] == [True] * 8, names
    assert [b.get_attribute("data-step") for b in boxes.all()] == [str(n) for n in range(8)]
    statuses = [b.get_attribute("data-status") for b in boxes.all()]
    assert statuses == ["done", "done", "done", "next", "later", "later", "later", "later"]
    assert "administrator" in boxes.nth(3).inner_text()  # who takes the next step
    stepper = page.locator("ol.stepper").inner_text()
    assert "mids_resolved" not in stepper and "results_loaded" not in stepper  # no state names
    titles = [" ".join(t.split()) for t in page.locator("#step-create-senr, #step-load-results, #step-confirm-all").all_inner_texts()]
    assert titles[0].startswith("done") and "Step 1: Create the SSID request file" in titles[0], titles
    assert titles[1].startswith("done") and "Step 2: Match in CALPADS" in titles[1]
    assert titles[2].startswith("Step 3: Review candidates")  # the next one, open


def test_finding_3_words_and_colours_agree_and_a_weak_candidate_asks_first(coordinator: Coordinator) -> None:
    c = coordinator
    page = c.go("/admin/review/")  # the first student: CALPADS' candidate and the weak one added
    expect(page.locator(".review-legend")).to_have_count(1)  # one legend
    cells = page.locator("#review-table td[data-state]")
    colour = {"for": "same", "against": "diff", "neutral": "blank"}
    for cell in cells.all():
        state = cell.get_attribute("data-state") or ""
        assert cell.get_attribute("class") == colour[state]
        assert cell.locator(".match-badge").get_attribute("data-evidence") == state  # badge and cell: one verdict
    assert page.locator("td.diff .match-badge.badge-success").count() == 0  # no green badge in a red cell
    assert page.locator(".match-badge[data-agreement=nickname] + .match-note", has_text="shortened").count() == 0
    weak = page.locator("th.candidate[data-candidate='3999999991']")
    assert weak.get_attribute("data-weak") == "yes" and "weak" in (weak.get_attribute("class") or "")
    strong = page.locator("th.candidate").first
    assert strong.get_attribute("data-weak") == "no"
    select = page.locator("button[value=select]", has_text="3999999991")
    assert "anyway" in (select.get_attribute("data-confirm") or "")  # Select asks first
    assert "btn-success" not in (select.get_attribute("class") or "")  # not the same green button as a strong one
    assert "btn-success" in (page.locator("button[value=select]").first.get_attribute("class") or "")
    page.screenshot(path=str(c.folder / "weak.png"), full_page=True)


def test_finding_7_next_goes_to_the_next_undecided_student(coordinator: Coordinator) -> None:
    c = coordinator
    order = [str(r["local_id"]) for r in _requested(c)]
    c.ssid("run", "decide", str(c.run), order[1], "--no-match")  # decided elsewhere (as in bulk)
    page = c.go(f"/admin/review/?student={order[0]}")
    expect(page.locator("label[for=toggle-undecided]")).to_have_text("Undecided only")
    expect(page.locator(".review-toggles button:visible")).to_have_count(0)  # no Show button that does nothing
    assert page.locator("#review-next").get_attribute("href", timeout=1000) == f"/admin/review/?student={order[2]}"
    page.click("button[value=no_match]")  # a decision without a MID warning (a warned one stays to be read)
    expect(page.locator("th.local")).to_contain_text(order[2])  # student 2 was decided: skipped


def test_finding_1_students_and_schools_by_name_codes_with_their_meaning(coordinator: Coordinator) -> None:
    c = coordinator
    page = c.go("/admin/review/?language=1")
    school = page.locator("tr[data-field=school] td.local").inner_text()
    assert "school " not in school and "(" in school  # "Arroyo High (1936145)"
    language = page.locator("tr[data-field=primary_language] td.local").inner_text()
    assert language == "—" or "(" in language  # "Vietnamese (02)"
    expect(page.locator("th.local .person-name")).not_to_be_empty()
    page = c.go("/admin/decisions/")
    first = page.locator("#decisions-table tbody tr").first
    assert "," in first.locator(".person-name").inner_text()  # "Last, First"
    assert "Local ID" in first.locator(".person .person-meta").inner_text()
    page = c.go("/admin/decision/")
    listed = page.locator("table.model-list tbody").inner_text()
    assert "new_ssid" not in listed and "no_match" not in listed and ("New SSID" in listed or "No Match" in listed)
    assert "Local ID" in listed


def test_finding_2_the_decisions_overview_before_confirm_all(coordinator: Coordinator) -> None:
    c = coordinator
    for row in _requested(c):
        c.ssid("run", "decide", str(c.run), str(row["local_id"]), "--new", "--anyway") if not row["decided"] else None
    page = c.go("/admin/identifiers/")
    page.click("a:has-text('See the decisions and confirm all')")
    expect(page).to_have_url(c.server.url + "/admin/decisions/")
    requested = len(_requested(c))
    counts = {k: int(page.locator(f".decision-count[data-count={k}] strong").inner_text()) for k in ("select", "new_ssid", "no_match", "undecided")}
    assert sum(counts.values()) == requested and counts["undecided"] == 0
    assert int(page.locator("[data-count=one_by_one] strong").inner_text()) == requested
    page.click("#decision-filters a:has-text('No Match')")
    expect(page.locator("#decisions-table tbody tr")).to_have_count(counts["no_match"])
    link = page.locator("#decisions-table tbody tr a.person-name").first
    href = link.get_attribute("href") or ""
    assert href.startswith("/admin/review/?student=")
    page = c.go("/admin/decisions/")
    button = page.locator("#confirm-all button[data-event=confirm_all]")
    expect(button).to_have_text(f"Confirm all {requested} decisions")
    asked = button.get_attribute("data-confirm") or ""
    assert f"{counts['new_ssid']} New SSID" in asked and f"{counts['no_match']} No Match" in asked


def test_finding_5_download_partial_extract_downloads_and_its_advice_ends_with_the_review(coordinator: Coordinator) -> None:
    c = coordinator
    page = c.go("/admin/review/")
    with page.expect_download() as download:
        page.click("#partial-form button[type=submit]")
    assert download.value.suggested_filename.endswith("_SENR_SSID_Partial.txt")
    page = c.go("/admin/review/")
    expect(page.locator("#partial-advice")).to_contain_text("start over")
    page = c.go("/admin/decisions/")
    page.click("#confirm-all button[data-event=confirm_all]")
    expect(page.locator(".alert", has_text="Every decision is confirmed").first).to_be_visible()
    page = c.go("/admin/review/")
    expect(page.locator("#partial-advice")).to_have_count(0)
    assert "cancel this run" not in page.content()


def test_finding_10_file_download_hides_files_that_must_not_be_posted(coordinator: Coordinator) -> None:
    page = coordinator.go("/admin/files/")
    names = page.locator("#file-list tbody tr[data-file]").evaluate_all("rows => rows.map(r => r.dataset.file)")
    assert not [n for n in names if n.endswith("_Partial.txt")]  # the run went on: its partial file is not to be posted
    page.click("a:has-text('not to be posted')")
    expect(page.locator("tr[data-file$='_Partial.txt']")).to_contain_text("do not post")
    expect(page.locator("tr[data-file$='_Partial.txt'] a:has-text('Download')")).to_have_count(0)


def test_finding_4_after_the_updated_file_load_ssid_is_open(coordinator: Coordinator) -> None:
    page = coordinator.go("/admin/identifiers/")
    page.click("button[data-event=create_updated]")
    expect(page.locator(".alert", has_text="_SENR_SSID_Updated.txt created").first).to_be_visible()
    load = page.locator("#open-load-ssid")
    assert "btn-primary" in (load.get_attribute("class") or "")
    assert "no SSID Extract has been loaded" not in page.locator("#step-apply-extract").inner_text()
    assert [b.get_attribute("data-status") for b in page.locator("ol.stepper li").all()][5] == "next"


def test_finding_9_load_ssid_says_what_became_of_each_load(coordinator: Coordinator) -> None:
    c = coordinator
    page = c.go("/admin/files/")
    with page.expect_download() as download:
        page.locator("tr[data-file$='_Updated.txt'] a:has-text('Download')").click()
    updated = c.folder / download.value.suggested_filename
    download.value.save_as(updated)
    c.sandbox_json("post", str(updated))
    extract = str(c.sandbox_json("extract", "--out", str(c.folder / "calpads"))["file"])
    first = c.ssid("run", "load-extract", str(c.run), extract)
    c.ssid("run", "load-extract", str(c.run), extract)  # loaded again: the first load can no longer be applied
    page = c.go("/admin/load-ssid/")
    expect(page.locator("#preview-table thead")).to_contain_text("Will be applied")
    pills = page.locator("#extract-preview .preview-counts .count-pill").evaluate_all("ps => ps.map(p => p.dataset.count)")
    assert not [k for k in pills if k.endswith("s") and k[:-1] in pills]  # "conflict" and "conflicts" not both
    assert page.locator("#preview-table .person-name").count() > 0  # students by name
    older = page.locator("a[href*='batch=']").first
    older.click()
    assert "loaded" != page.locator("[data-batch-state]").inner_text()
    expect(page.locator("[data-batch-state]")).to_contain_text("not applied")
    expect(page.locator("#preview-table thead")).to_contain_text("Would have been applied")
    assert first["run"] == c.run


def test_finding_8_history_fits_the_window_with_short_sha256(coordinator: Coordinator) -> None:
    page = coordinator.go("/admin/history/")
    assert too_wide(page) == []
    sha = page.locator(".run-history .long-value").first
    full = sha.get_attribute("title") or ""
    assert len(full) == 64 and sha.inner_text() == full  # the whole value is there to copy …
    box = sha.bounding_box()
    assert box is not None and box["width"] < 120  # … shown short
    heights = page.locator(".run-history tbody tr").evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert max(heights) < 80
    counts = page.locator(".run-history").first.inner_text()
    assert "student.ssid" not in counts and "language_status.elas" not in counts


def test_history_summarises_refused_attempts_and_still_fits_the_window(coordinator: Coordinator) -> None:
    c = coordinator
    for _ in range(12):  # a decision before the results are loaded: refused, and recorded
        done = subprocess.run(
            [SSID, "run", "decide", str(c.run), "NOT-IN-RUN", "--no-match", "--db", c.db], cwd=c.folder, env=environment(),
            capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 2, done.stderr
    page = c.go("/admin/history/")
    summary = page.locator("tr.refused-attempts")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("12 refused attempts between")
    assert too_wide(page) == []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"history_refused_{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 768})
    summary.locator("a.refused-attempts-link").click()
    expect(page.locator("tr.table-danger")).to_have_count(12)
    assert too_wide(page) == []


def test_finding_11_polish(coordinator: Coordinator) -> None:
    c = coordinator
    page = c.go("/admin/history/")
    icon = page.locator("link[rel=icon]").get_attribute("href") or ""
    assert c.page.request.get(c.server.url + icon).status == 200
    for menu in ("Tables", "Workflow records"):
        page.click(f"a.dropdown-toggle:has-text('{menu}')")
        expect(page.locator(".dropdown-menu.show")).to_be_visible()
        assert (page.locator(f"a.dropdown-toggle:has-text('{menu}')").get_attribute("href") or "").startswith("#")
        page.keyboard.press("Escape")
    assert page.locator("span[data-role]").inner_text() == "Signed in as admin"
    page = c.go("/admin/decision/")
    placeholder = page.locator("input[name=search]").get_attribute("placeholder") or ""
    assert placeholder != "None" and placeholder.startswith("Search")
    page = c.go("/admin/settings/")
    assert "7 digits" in (page.locator("#lea").get_attribute("title") or "")
    expect(page.locator("#lea-help")).to_be_visible()
    assert c.watch.problems == []  # over every test of this module: no CSP violation, no 4xx/5xx


def _requested(c: Coordinator) -> list[dict[str, object]]:
    """The run's requested students in request order, each with whether it is decided (from the overview's list)."""
    page = c.go("/admin/decisions/")
    rows = page.locator("#decisions-table tbody tr[data-local-id]")
    found: list[dict[str, object]] = [
        {"local_id": r.get_attribute("data-local-id"), "decided": r.get_attribute("data-decision") != "undecided"}
        for r in rows.all()
    ]
    return found

