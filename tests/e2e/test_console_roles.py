"""Roles and CSRF, measured on the forms themselves: every POST form an admin sees on any page, at
every state of a run, is collected from the HTML and replayed

- by an auditor (with the auditor's own valid CSRF token): 403, and no row of any table changes;
- by the admin without the CSRF token: 400, and no row changes.

Every export of student data an admin sees (table exports, file downloads) answers 403 to the
auditor, who sees no POST form but "Sign out" and no download link."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from domain.runs import RunState
from tests.e2e.conftest import Sandbox, Signed, snapshot
from tests.e2e.console_drive import ORDER, drive_to, latest_run, load_extract_for_review
from store.tables import MatchCandidateRow
from tests.e2e.console_html import Form, elements, forms, inline_edits, links
from tests.integration.workflow_builder import calpads_is_sure
from tests.e2e.test_console_pages import IDENTIFIER_TABS, table_views

OTHER_PAGES = (
    "/admin/history/", "/admin/settings/", "/admin/review/?guardians=1&addresses=1&language=1", "/admin/bulk-accept/",
)

EXPECTED_ACTIONS = {
    "/admin/identifiers/start", "/admin/identifiers/N/acknowledge", "/admin/identifiers/N/resolve-mids",
    "/admin/senr/N/create", "/admin/identifiers/N/load-results", "/admin/review/N/decide", "/admin/review/N/partial",
    "/admin/identifiers/N/confirm", "/admin/identifiers/N/updated", "/admin/load-ssid/N/load",
    "/admin/load-ssid/N/apply", "/admin/load-ssid/N/undo", "/admin/identifiers/N/cancel",
    "/admin/replacement/load", "/admin/replacement/N/apply", "/admin/replacement/N/undo",
    "/admin/ods-audit/load", "/admin/ods-audit/N/files", "/admin/sela/load",
    "/admin/settings/options", "/admin/settings/schools", "/admin/settings/translations",
    "/admin/student/new/", "/admin/student/edit/", "/admin/student/delete/", "/admin/student/action/",
    "/admin/user/new/", "/admin/school/ajax/update/", "/logout",
    "/admin/duplicates/check", "/admin/duplicates/decide", "/admin/duplicates/unmark", "/admin/bulk-accept/N/accept",
}
"""Every kind of form the admin must meet along the way (run and row ids shown as N)."""


def _pattern(action: str) -> str:
    return "/".join("N" if part.isdigit() else part for part in urlsplit(action).path.split("/"))


def _admin_pages(app: Flask, admin: Signed) -> list[str]:
    """Every page whose forms the admin may use: tabs, history, settings, each table's list,
    create page and the edit page of its first row."""
    pages = [*IDENTIFIER_TABS, *OTHER_PAGES]
    for view in table_views(app):
        listing = f"/admin/{view}/"
        pages.append(listing)
        html = admin.page(listing)
        pages += [href for href in links(html) if href.startswith(f"/admin/{view}/new/")][:1]
        pages += [href for href in links(html) if href.startswith(f"/admin/{view}/edit/?id=")][:1]
    return pages


def _collect(app: Flask, admin: Signed, found: dict[tuple[str, tuple[str, ...]], Form], *extra: str) -> None:
    _collect_pages(admin, [*_admin_pages(app, admin), *extra], found)


def _collect_pages(admin: Signed, pages: list[str], found: dict[tuple[str, tuple[str, ...]], Form]) -> None:
    for page in pages:
        html = admin.page(page)
        for form in [*forms(html, page=page), *inline_edits(html, page)]:
            key = (_pattern(form.action), tuple(sorted({name for name, _ in form.fields} | set(form.files))))
            found.setdefault(key, form)


def _warned_decision_page(run_id: int) -> str:
    """The review page of a decision held back for its MID warning (New SSID despite a strong candidate)."""
    strong = MatchCandidateRow.select().where((MatchCandidateRow.run == run_id) & (MatchCandidateRow.percent >= 90)).first()
    assert strong is not None
    return f"/admin/review/?student={strong.local_id}&confirm=new_ssid"


def _replay(signed: Signed, form: Form, *, token: bool) -> int:
    data = {k: v for k, v in form.data().items() if k != "csrf_token"}
    files = {name: (b"SENR^^^1964212\r\n", "upload.txt") for name in form.files}
    return signed.post(form.action, data, files, token=token).status_code


def _walk(app: Flask, admin: Signed, sandbox: Sandbox, tmp_path: Path) -> dict[tuple[str, tuple[str, ...]], Form]:
    """Every form the admin sees, at every state of a run (and with an extract awaiting apply)."""
    found: dict[tuple[str, tuple[str, ...]], Form] = {}
    _collect(app, admin, found)  # no run yet: Start a new run
    for state in (RunState.NEW, RunState.MIDS_RESOLVED, RunState.SENR_CREATED, RunState.RESULTS_LOADED,
                  RunState.ALL_CONFIRMED, RunState.UPDATED):
        drive_to(admin, sandbox, tmp_path, state)
        extra: list[str] = []
        if state is RunState.NEW:  # then a pair marked not a duplicate: its Undo form
            _collect(app, admin, found)
            pair = [e.attrs["value"] for e in elements(admin.page("/admin/duplicates/"), "input", name="issue")][:1]
            assert admin.post("/admin/duplicates/decide", {"issue": pair, "action": "not_duplicate"}).status_code == 302
            _collect_pages(admin, ["/admin/duplicates/"], found)
            continue
        if state is RunState.RESULTS_LOADED:
            admin.post(f"/admin/review/{latest_run().id}/partial")  # the partial file's page too
            extra.append(_warned_decision_page(latest_run().id))  # and "Decide anyway"
            calpads_is_sure(latest_run().id, "100009")  # a student bulk acceptance lists: its confirmation
        _collect(app, admin, found, *extra)
    load_extract_for_review(admin, sandbox, tmp_path)
    _collect(app, admin, found)
    assert admin.post(f"/admin/load-ssid/{latest_run().id}/apply", {"confirm": "yes"}).status_code == 302
    assert latest_run().state == RunState.EXTRACT_LOADED.value
    _collect(app, admin, found)
    # The files of no run: a Replacement extract awaiting apply, then applied; an ODS audit to review.
    for path, file in (("/admin/replacement/load", sandbox.replacements()), ("/admin/ods-audit/load", sandbox.ods())):
        assert admin.post(path, files={"file": (file.read_bytes(), file.name)}).status_code == 302
    _collect(app, admin, found)
    [apply] = [f for f in forms(admin.page("/admin/replacement/")) if f.action.endswith("/apply")]
    assert admin.post(apply.action, {"confirm": "yes"}).status_code == 302
    _collect(app, admin, found)
    return found


def test_every_admin_form_is_refused_to_the_auditor_and_without_a_token(
    app: Flask, admin: Signed, auditor: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    found = _walk(app, admin, sandbox, tmp_path)
    seen = {pattern for pattern, _ in found}
    assert EXPECTED_ACTIONS <= seen, sorted(EXPECTED_ACTIONS - seen)
    assert ("/admin/review/N/decide", ("anyway", "csrf_token", "local_id", "seen")) in found  # "Decide anyway"
    assert len(found) > 40
    auditor.page("/admin/history/")  # the auditor's session has its own token
    before = snapshot()
    for (pattern, _), form in sorted(found.items()):
        if pattern != "/logout":  # an auditor may sign out
            assert _replay(auditor, form, token=True) == 403, form.action
        assert _replay(admin, form, token=False) == 400, form.action
        assert snapshot() == before, form.action


def test_the_auditor_sees_no_form_but_sign_out_and_cannot_download_student_data(
    app: Flask, admin: Signed, auditor: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    for state in ORDER:  # the workflow pages change with the run's state
        drive_to(admin, sandbox, tmp_path, state)
        for page in (*IDENTIFIER_TABS, *OTHER_PAGES):
            assert [f.action for f in forms(auditor.page(page))] == ["/logout"], (state.value, page)
    pages = _admin_pages(app, admin)
    exports = sorted(
        {href for page in pages for href in links(admin.page(page)) if "/export/" in href or href.endswith("/download")}
    )
    assert any("/admin/student/export/csv/" in href for href in exports)
    assert any(href.startswith("/admin/files/") for href in exports)
    for href in exports:
        assert admin.get(href).status_code == 200, href
        assert auditor.get(href).status_code == 403, href
    for page in pages:
        answer = auditor.get(page)
        if "/new/" in page or "/edit/" in page:
            assert answer.status_code == 403, page
            continue
        html = answer.get_data(as_text=True)
        assert answer.status_code == 200, page
        assert [f.action for f in forms(html)] == ["/logout"], page
        assert not [href for href in links(html) if "/export/" in href or href.endswith("/download")], page
    # History is the auditors' own: its CSV is metadata (no names, birth dates or SSIDs).
    history = auditor.get("/admin/history/history.csv")
    assert history.status_code == 200 and history.mimetype == "text/csv"
