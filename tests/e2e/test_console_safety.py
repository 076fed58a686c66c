"""Issue 14 in the console, as a coordinator clicks: another run's match result uploaded, an SSID
Extract downloaded before the updated file was posted, undo and what comes after it, a KEEP list
with typos, the Replacement SSIDs' age on the Run tab.

The real app on the demo district's database (SQLite, or PostgreSQL with ``SSID_TEST_DATABASE_URL``)
and the CALPADS sandbox. Each test failed on the code before issue 14 (commit 4da84e4).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from werkzeug.test import TestResponse

from domain.runs import RunState
from store.tables import GeneratedFileRow, RunRow, StudentRow
from tests.e2e.conftest import Sandbox, Signed, snapshot
from tests.e2e.console_drive import download, drive_to, latest_run, newest_file
from tests.e2e.console_html import elements, forms


def _shown(admin: Signed, response: TestResponse) -> str:
    """The page a POST leads to (its redirect followed)."""
    if response.status_code == 302:
        return admin.page(response.headers["Location"])
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _refusals(html: str) -> list[str]:
    return [" ".join(e.text.split()).removeprefix("× ") for e in elements(html, "div", class_="alert-danger")]


def test_another_runs_match_result_is_refused_naming_that_run(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    first = drive_to(admin, sandbox, tmp_path, RunState.SENR_CREATED)
    stale = sandbox.match(download(admin, newest_file("request"), tmp_path))
    _shown(admin, admin.post(f"/admin/identifiers/{first.id}/load-results", files={"file": (stale.read_bytes(), stale.name)}))
    assert latest_run().state == RunState.RESULTS_LOADED.value
    _shown(admin, admin.post(f"/admin/identifiers/{first.id}/cancel"))

    (tmp_path / "second").mkdir()
    time.sleep(1.1)  # file names are stamped to the second: run 2's request is another second's, as in life
    second = drive_to(admin, sandbox, tmp_path / "second", RunState.SENR_CREATED)
    assert second.id != first.id
    before = snapshot()
    renamed = shutil.copy(stale, tmp_path / "results.csv")  # the same file, renamed in the downloads folder
    for upload in (stale, Path(renamed)):
        page = _shown(admin, admin.post(f"/admin/identifiers/{second.id}/load-results", files={"file": (upload.read_bytes(), upload.name)}))
        [refusal] = _refusals(page)
        assert f"run {first.id}'s match result, not run {second.id}'s" in refusal, refusal
        assert f"load the match result of run {second.id}'s own request file instead" in refusal
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "run_history"} == {k: v for k, v in before.items() if k != "run_history"}
    own = sandbox.match(download(admin, newest_file("request"), tmp_path / "second"))
    assert own.read_bytes() == stale.read_bytes()  # CALPADS answers the same request alike: named after run 2's, it loads
    assert not _refusals(_shown(admin, admin.post(f"/admin/identifiers/{second.id}/load-results", files={"file": (own.read_bytes(), own.name)})))
    assert RunRow.get_by_id(second.id).state == RunState.RESULTS_LOADED.value


def test_an_early_extract_needs_a_second_confirmation_and_undo_leads_somewhere(
    admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.UPDATED)
    early = sandbox.extract()  # downloaded before the updated file was posted
    page = _shown(admin, admin.post(f"/admin/load-ssid/{run.id}/load", files={"file": (early.read_bytes(), early.name)}))
    [warning] = elements(page, "li", data_none_back="yes")
    assert "downloaded before the updated file was posted?" in warning.text
    assert [i.attrs["name"] for i in elements(page, "input", id="apply-anyway")] == ["anyway"]
    before = snapshot()
    refused = _shown(admin, admin.post(f"/admin/load-ssid/{run.id}/apply", {"confirm": "yes"}))
    assert any("downloaded before the updated file was posted?" in r for r in _refusals(refused))
    assert {k: v for k, v in snapshot().items() if k != "run_history"} == {k: v for k, v in before.items() if k != "run_history"}
    applied = _shown(admin, admin.post(f"/admin/load-ssid/{run.id}/apply", {"confirm": "yes", "anyway": "yes"}))
    assert not _refusals(applied) and latest_run().state == RunState.EXTRACT_LOADED.value
    assert GeneratedFileRow.get((GeneratedFileRow.run == run.id) & (GeneratedFileRow.kind == "request")).retired

    # Undo: the run is back in `updated`, the request file back in File Download, the load form back.
    undone = _shown(admin, admin.post(f"/admin/load-ssid/{run.id}/undo"))
    assert "back in “updated”" in undone and "load a new SSID Extract below, or cancel the run" in undone
    assert latest_run().state == RunState.UPDATED.value
    assert not GeneratedFileRow.get((GeneratedFileRow.run == run.id) & (GeneratedFileRow.kind == "request")).retired
    assert [f for f in forms(undone) if f.action.endswith(f"/{run.id}/load")]
    # The Run tab says what can be done now, and the run can be cancelled.
    tab = admin.page("/admin/identifiers/")
    [now] = elements(tab, "p", id="what-now")
    assert "load an SSID Extract for review" in now.text and "cancel the run" in now.text
    assert not _refusals(_shown(admin, admin.post(f"/admin/identifiers/{run.id}/cancel")))
    assert latest_run().state == RunState.CANCELLED.value


def test_a_keep_list_with_unknown_ids_is_refused_and_a_good_one_shown_before_writing(
    admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.MIDS_RESOLVED)
    typed = _shown(admin, admin.post(f"/admin/senr/{run.id}/create", {"mode": "keep", "keep_ids": "100005, 999999, abc"}))
    assert _refusals(typed) == [
        "the KEEP list names 2 local id(s) that match no student: 999999, abc; nothing was written: correct the list and try again"
    ]
    assert GeneratedFileRow.select().count() == 0 and latest_run().state == RunState.MIDS_RESOLVED.value
    wanted = [s.local_id for s in StudentRow.select().where(StudentRow.ssid.is_null() & StudentRow.active).order_by(StudentRow.local_id)]
    shown = _shown(admin, admin.post(f"/admin/senr/{run.id}/create", {"mode": "keep", "keep_ids": ", ".join(wanted[:3])}))
    included = [e.attrs["data-included"] for e in elements(shown, "tr", data_included="")]
    [count] = elements(shown, "strong", data_count="included")
    assert int(count.text) == len(included) and set(included) <= set(wanted[:3])
    assert GeneratedFileRow.select().count() == 0  # nothing written yet
    [confirm] = [f for f in forms(shown) if ("confirmed", "yes") in f.fields]
    made = _shown(admin, admin.post(confirm.action, confirm.data()))
    assert not _refusals(made) and latest_run().state == RunState.SENR_CREATED.value
    assert newest_file("request").records == len(included)


def test_the_run_tab_says_when_replacement_ssids_were_last_loaded(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    start = [f for f in forms(admin.page("/admin/identifiers/")) if f.action.endswith("/start")]
    _shown(admin, admin.post(start[0].action))
    tab = admin.page("/admin/identifiers/")
    assert [e.text for e in elements(tab, "span", id="replacements-loaded")] == ["never"]
    [due] = elements(tab, "p", id="replacements-due")
    assert "the Replacement SSIDs have never been loaded" in due.text
    replacements = sandbox.replacements()
    _shown(admin, admin.post("/admin/replacement/load", files={"file": (replacements.read_bytes(), replacements.name)}))
    tab = admin.page("/admin/identifiers/")
    assert [e.text for e in elements(tab, "span", id="replacements-loaded")] != ["never"]
    assert not elements(tab, "p", id="replacements-due")
