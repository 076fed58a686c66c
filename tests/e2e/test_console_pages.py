"""Every page of the console answers, for the admin, at every state of a run: the Identifiers
tabs, History, Settings, every table (list, details, create, edit). Signed-out visitors are sent
to the sign-in page; the menus and each role's home are what a person expects."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Flask

from domain.runs import RunState
from seed.demo import DemoDistrict
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import ORDER, drive_to
from tests.e2e.console_html import elements, links, text_of

IDENTIFIER_TABS = (
    "/admin/identifiers/", "/admin/duplicates/", "/admin/senr/", "/admin/review/", "/admin/decisions/", "/admin/load-ssid/", "/admin/replacement/",
    "/admin/ods-audit/", "/admin/sela/", "/admin/files/",
)
REDIRECTING = {"admin.index", "auth.root", "auth.login", "jobs.index"}


# Pages that need a query argument (a row id, an ajax query) are visited through their links.
_NEEDS_ARGUMENTS = (".details_view", ".edit_view", ".ajax_lookup")


def plain_pages(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET page that takes no argument (static files aside)."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and not rule.arguments and not rule.endpoint.endswith(("static", *_NEEDS_ARGUMENTS)):
            found.append((rule.endpoint, rule.rule))
    return sorted(found)


def expected_status(app: Flask, endpoint: str) -> int:
    """200, or 302 for the pages that send the person elsewhere (a read-only table's "create")."""
    if endpoint in REDIRECTING:
        return 302
    if endpoint.endswith(".create_view"):
        view = next(v for admin in app.extensions["admin"] for v in admin._views if v.endpoint == endpoint.split(".")[0])
        return 200 if view.allow_create else 302
    return 200


def table_views(app: Flask) -> list[str]:
    """The endpoint names of the table views (each has an ``index_view``)."""
    return sorted(e.removesuffix(".index_view") for e, _ in plain_pages(app) if e.endswith(".index_view"))


def test_every_page_answers_the_admin_at_every_state_of_a_run(
    app: Flask, admin: Signed, auditor: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    pages = plain_pages(app)
    assert len(pages) > 40
    for state in ORDER:
        drive_to(admin, sandbox, tmp_path, state)
        for endpoint, path in pages:
            answer = admin.get(path)
            assert answer.status_code == expected_status(app, endpoint), (state.value, path, answer.status_code)
        for path in IDENTIFIER_TABS:
            page = auditor.page(path)
            assert f'data-run-state="{state.value}"' in page
            assert "You are signed in as an auditor" in page


def test_every_table_lists_shows_and_edits_its_rows(app: Flask, admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    drive_to(admin, sandbox, tmp_path, RunState.EXTRACT_LOADED)
    views = table_views(app)
    assert {"school", "student", "enrollment", "language_status", "special_education", "guardian", "code_translation",
            "user", "run", "run_history", "decision", "calpads_history", "outbox"} <= set(views)
    for view in views:
        listing = admin.page(f"/admin/{view}/")
        shown = [href for href in links(listing) if f"/admin/{view}/details/?id=" in href]
        if view in ("code_translation", "duplicate_ack", "job"):
            continue  # no row there after a short run
        assert shown, f"{view}: no row listed"
        assert admin.get(shown[0]).status_code == 200
        edits = [href for href in links(listing) if f"/admin/{view}/edit/?id=" in href]
        for href in edits[:1]:
            form = admin.page(href)
            assert elements(form, "input", name="csrf_token"), f"{view}: edit form without CSRF token"


def test_tables_search_and_filter(admin: Signed) -> None:
    students = admin.page("/admin/student/?search=100003")
    rows = [e for e in elements(students, "td", class_="col-local_id")]
    assert [" ".join(r.text.split()) for r in rows] == ["100003"]
    active = admin.page("/admin/student/?flt0_0=0")  # filter 0: Active equals No
    assert "100007" in active  # the demo's inactive student
    assert "100003" not in active


def test_the_students_search_takes_an_identifier_or_the_start_of_a_last_name(admin: Signed, district: DemoDistrict) -> None:
    students = [demo.student for demo in district.students()]

    def listed(text: str) -> list[str]:
        page = admin.page(f"/admin/student/?search={quote(text)}")
        return sorted(" ".join(e.text.split()) for e in elements(page, "td", class_="col-local_id"))

    form = admin.page("/admin/student/")
    assert f"List ({len(students)})" in form  # the count of the whole table
    assert [e.attrs["placeholder"] for e in elements(form, "input", name="search")] == [
        "Local ID, SSID, Old State ID or the start of a last name"
    ]
    held = next(s for s in students if s.ssid)
    assert listed(str(held.ssid)) == [held.local_id]
    surname = students[0].legal.last
    typed = surname[:3].lower()
    starting = sorted(s.local_id for s in students if s.legal.last.lower().startswith(typed))
    assert listed(typed) == starting and listed(typed.upper()) == starting
    assert f"List ({len(starting)})" in admin.page(f"/admin/student/?search={typed}")
    assert listed(surname[1:]) == []  # the middle of a name is not the start of one


def test_signed_out_visitors_go_to_the_sign_in_page(app: Flask) -> None:
    client = app.test_client()
    for path in ("/admin/identifiers/", "/admin/history/", "/admin/student/", "/admin/files/"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/login?next=")
    page = client.get("/login").get_data(as_text=True)
    assert text_of(page, "h1") == "SSID Workbench"


def test_each_role_lands_on_its_home_and_sees_its_menu(admin: Signed, auditor: Signed) -> None:
    assert admin.get("/admin/").headers["Location"] == "/admin/identifiers/"
    assert auditor.get("/admin/").headers["Location"] == "/admin/history/"
    menu = [" ".join(a.text.split()) for a in elements(admin.page("/admin/history/"), "a", class_="nav-link")]
    assert menu[:3] == ["Identifiers", "History", "Settings"]
    assert text_of(auditor.page("/admin/history/"), "span", data_role="auditor") == "Signed in as auditor"  # not "auditor · auditor"


def test_a_wrong_password_is_refused_and_repeated_failures_wait(app: Flask) -> None:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    for _ in range(5):
        answer = client.post("/login", data={"name": "admin", "password": "wrong-one", "csrf_token": token})
        assert answer.status_code == 401
        assert "Unknown name or wrong password." in answer.get_data(as_text=True)
    blocked = client.post("/login", data={"name": "admin", "password": "admin-demo", "csrf_token": token})
    assert blocked.status_code == 429


def test_sign_in_never_redirects_to_another_site(app: Flask) -> None:
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    answer = client.post(
        "/login?next=//evil.example/x", data={"name": "admin", "password": "admin-demo", "csrf_token": token}
    )
    assert answer.headers["Location"] == "/admin/"
