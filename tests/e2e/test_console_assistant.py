"""The matching assistant in the console, as a coordinator and an auditor see it: our comparison
beside CALPADS' percentage with a badge per field and the twin pattern called out; the Local
duplicates tab (evidence, acknowledge, not a duplicate, undo) fed by a check that runs once, not
on every page view, in the background for a large district; bulk acceptance listed, then
confirmed, each decision logged as bulk. Auditors get 403 on every new POST."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import astuple, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import peewee
import pytest
from flask import Flask

from console.views.review_reasons import reasons
from domain.matching import compare_candidates
from domain.records import SenrRecord
from domain.runs import RunState
from domain.values import LocalId
from seed.demo import DemoDistrict
from store.workflow_store import DatabaseWorkflowStore
from store.tables import (
    DecisionLogRow,
    DuplicateAcknowledgementRow,
    DuplicateCheckRow,
    MatchCandidateRow,
    MatchDecisionRow,
    MatchRequestRow,
    NotDuplicateMarkRow,
    StudentRow,
)
from tests.e2e.conftest import ADMIN, Sandbox, Signed, make_app, sign_in, snapshot
from tests.e2e.console_drive import drive_to, latest_run
from tests.e2e.console_html import elements, forms, text_of
from tests.integration.workflow_builder import calpads_is_sure

PAIR = "lookalike:100004,100005"  # the demo's two records of one child


def _checks() -> int:
    return int(DuplicateCheckRow.select().count())


def test_each_candidate_shows_calpads_percentage_as_given_and_our_comparison_field_by_field(
    admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    page = admin.page("/admin/review/?student=100002")  # the younger twin: CALPADS lists her sister too
    rows = list(MatchCandidateRow.select().where((MatchCandidateRow.run == run.id) & (MatchCandidateRow.local_id == "100002")
                                              & MatchCandidateRow.ssid.is_null(False)).order_by(MatchCandidateRow.line))
    shown = [e.text.strip() for e in elements(page, "span", class_="score")]
    assert shown == sorted((r.score for r in rows), key=lambda s: -float(s.rstrip("%")))  # as given, by CALPADS' order
    ours = [e.attrs["data-ours"] for e in elements(page, "span", class_="ours")]
    assert len(ours) == len(rows) and all(0 <= float(o) <= 100 for o in ours)
    headers = [" ".join(th.text.split()) for th in elements(page, "th", class_="candidate")]
    twin_column = [h for h, th in zip(headers, elements(page, "th", class_="candidate")) if "Twin pattern" in h]
    assert len(twin_column) == 1 and "likely a sibling" in twin_column[0]
    # Per field a badge in the coordinator's words, coloured by the evidence.
    first = elements(page, "tr", data_field="legal_first")[0].text
    badges = elements(page, "span", class_="match-badge", data_evidence="")
    assert len(badges) >= 8 * len(rows)
    assert {b.attrs["data-evidence"] for b in badges} <= {"for", "neutral", "against"}
    assert any(b.attrs["data-agreement"] == "different" and b.attrs["data-evidence"] == "against" for b in badges)
    assert "same birth date and surname: twins?" in first  # the note on the sister's first name
    born = [b for b in elements(page, "tr", data_field="birth_date")]
    assert "same" in born[0].text


def test_each_candidate_shows_our_estimate_and_the_strongest_reasons_for_and_against_in_calpads_order(
    admin: Signed, sandbox: Sandbox, tmp_path: Path, database: peewee.Database
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    c = MatchCandidateRow
    student = "100002"  # CALPADS lists two candidates or more for her; they are made a known pair below
    request = MatchRequestRow.get((MatchRequestRow.run == run.id) & (MatchRequestRow.local_id == student))
    local = replace(SenrRecord(*request.senr_line.split("^")), legal_first="José", legal_middle="", legal_last="GARCIA",
                    birth_date="20140305", gender="M", birth_city="Fresno", birth_state="US-CA", birth_country="US")
    MatchRequestRow.update(senr_line="^".join(astuple(local))).where(MatchRequestRow.id == request.id).execute()
    mine = list(c.select().where((c.run == run.id) & (c.local_id == student) & c.ssid.is_null(False)).order_by(c.line))
    c.delete().where((c.run == run.id) & (c.local_id == student) & (c.id != mine[0].id) & (c.id != mine[1].id)).execute()
    born = dt.date(2014, 3, 5)
    # CALPADS is surer of the child with another surname (listed first) than of the nickname.
    c.update(score="96%", percent=96, legal_first="JOSE", legal_middle="", legal_last="NGUYEN", birth_date=born, gender="M",
             birth_city="", birth_state="", birth_country="").where(c.id == mine[0].id).execute()
    c.update(score="71%", percent=71, legal_first="Pepe", legal_middle="", legal_last="GARCIA", birth_date=born, gender="F",
             birth_city="Oakland", birth_state="", birth_country="").where(c.id == mine[1].id).execute()
    other_surname, nickname = DatabaseWorkflowStore(database).candidates(run.id, LocalId(student))[LocalId(student)]

    page = admin.page(f"/admin/review/?student={student}")
    assert [th.attrs["data-candidate"] for th in elements(page, "th", class_="candidate")] == [other_surname.ssid, nickname.ssid]
    assert [e.text.strip() for e in elements(page, "span", class_="score")] == ["96%", "71%"]
    ours = compare_candidates(local, [other_surname, nickname])
    assert ours[0].percent < ours[1].percent  # ours would rank them the other way: CALPADS' order stays
    estimates = [" ".join(e.text.split()) for e in elements(page, "span", class_="ours")]
    assert estimates == [f"Our estimate: {o.percent:g} % likely the same child" for o in ours]

    def shown(ssid: str, way: str) -> list[str]:
        return [" ".join(li.text.split()) for li in elements(page, "li", data_reason=way, data_candidate=ssid)]

    assert sorted(shown(nickname.ssid, "for")) == ["Birth date: same", "First name: nickname (Pepe for José)", "Last name: same"]
    assert sorted(shown(nickname.ssid, "against")) == ["Birth city: different", "Gender: different"]
    assert sorted(shown(other_surname.ssid, "for")) == ["Birth date: same", "First name: same", "Gender: same"]
    assert shown(other_surname.ssid, "against") == ["Last name: different"]
    for candidate, comparison in zip((other_surname, nickname), ours):  # strongest first, as our comparison weighs them
        why = reasons(comparison)
        assert (shown(candidate.ssid, "for"), shown(candidate.ssid, "against")) == (list(why.for_match), list(why.against))


def test_looking_at_the_run_tab_and_the_duplicates_tab_never_runs_the_check(admin: Signed, auditor: Signed) -> None:
    assert admin.post("/admin/identifiers/start").status_code == 302  # starting a run runs it: the first step needs it
    assert _checks() == 1
    for _ in range(3):
        run_tab = admin.page("/admin/identifiers/")
        auditor.page("/admin/identifiers/")
        admin.page("/admin/duplicates/")
        auditor.page("/admin/duplicates/")
    assert _checks() == 1
    assert elements(run_tab, "p", id="run-check")[0].attrs["data-current"] == "yes"
    assert [e.attrs["value"] for e in elements(run_tab, "input", name="issue")] == [PAIR]

    StudentRow.update(legal_first="Renata").where(StudentRow.local_id == "100020").execute()
    run_tab = admin.page("/admin/identifiers/")
    assert elements(run_tab, "p", id="run-check")[0].attrs["data-current"] == "no"
    assert "out of date" in text_of(run_tab, "p", id="run-check") and _checks() == 1
    page = admin.page("/admin/duplicates/")
    assert elements(page, "p", id="check-when")[0].attrs["data-current"] == "no"
    again = admin.post("/admin/duplicates/check", follow=True).get_data(as_text=True)
    assert "Local duplicate check done: 1 issue(s), 1 open." in again and _checks() == 2
    assert elements(again, "p", id="check-when")[0].attrs["data-current"] == "yes"


def test_the_duplicates_tab_shows_the_evidence_and_takes_acknowledge_and_not_a_duplicate(admin: Signed) -> None:
    admin.post("/admin/identifiers/start")
    page = admin.page("/admin/duplicates/")
    [issue] = elements(page, "div", class_="local-issue")
    assert issue.attrs["data-issue"] == PAIR and "look like one child" in issue.text
    born = elements(page, "tr", data_field="birth_date")[0]
    first, second = StudentRow.get(StudentRow.local_id == "100004"), StudentRow.get(StudentRow.local_id == "100005")
    assert first.birth_date.isoformat() in born.text and second.birth_date.isoformat() in born.text
    assert [b.attrs["data-evidence"] for b in elements(page, "span", class_="match-badge", data_evidence="") if b.attrs["data-agreement"] == "exact"]
    [decide] = [f for f in forms(page) if f.action == "/admin/duplicates/decide"]
    assert dict(decide.fields)["csrf_token"] and ("action", "not_duplicate") in decide.buttons

    done = admin.post("/admin/duplicates/decide", {"issue": [PAIR], "action": "acknowledge"}, follow=True).get_data(as_text=True)
    assert "1 local issue(s) acknowledged." in done
    assert text_of(done, "span", data_status="acknowledged").startswith("acknowledged by admin")
    assert DuplicateAcknowledgementRow.get().acknowledged_by == "admin"

    done = admin.post("/admin/duplicates/decide", {"issue": [PAIR], "action": "not_duplicate"}, follow=True).get_data(as_text=True)
    assert "1 pair(s) marked not a duplicate: they are not listed again." in done
    assert not elements(done, "div", class_="local-issue")
    marked = text_of(done, "tr", data_mark=PAIR)  # cells: the two students by name, by, when
    assert "Local ID 100004" in marked and " and " in marked and "Local ID 100005" in marked and "admin" in marked
    assert NotDuplicateMarkRow.select().count() == 1
    refused = admin.post("/admin/duplicates/decide", {"issue": ["shared_ssid:1,2"], "action": "not_duplicate"}, follow=True)
    assert "only those can be marked not a duplicate" in text_of(refused.get_data(as_text=True), "div", class_="alert-danger")

    undone = admin.post("/admin/duplicates/unmark", {"key": PAIR}, follow=True).get_data(as_text=True)
    assert "The mark is undone" in undone and [e.attrs["data-issue"] for e in elements(undone, "div", class_="local-issue")] == [PAIR]
    assert NotDuplicateMarkRow.select().count() == 0


@pytest.fixture
def large_app(district: DemoDistrict, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The console treating the demo as a large district: the check runs in the background."""
    console = make_app(database_url, tmp_path, LONG_CHECK_STUDENTS=10)
    yield console
    console.extensions["ssid_jobs"].shutdown()


def test_a_large_district_checks_in_the_background_and_resolve_mids_waits_for_a_current_check(large_app: Flask) -> None:
    admin = sign_in(large_app, *ADMIN)
    started = admin.post("/admin/identifiers/start")
    location = urlsplit(started.headers["Location"])
    assert location.path.startswith("/admin/jobs/") and parse_qs(location.query)["done"] == ["/admin/identifiers/"]
    job = int(location.path.rsplit("/", 1)[1])
    assert "compares every student of a large district" in admin.page(f"/admin/jobs/{job}")
    large_app.extensions["ssid_jobs"].wait(job, timeout=60)
    status = admin.get(f"/admin/jobs/{job}.json").get_json()
    assert (status["state"], status["kind"], status["result"]["issues"]) == ("done", "duplicate_check", 1)
    assert _checks() == 1 and DuplicateCheckRow.get().checked_by == "admin"

    run = latest_run()
    admin.post(f"/admin/identifiers/{run.id}/acknowledge", {"issue": [PAIR]})
    StudentRow.update(legal_first="Renata").where(StudentRow.local_id == "100020").execute()
    refused = admin.post(f"/admin/identifiers/{run.id}/resolve-mids", {"attest": "yes"}, follow=True).get_data(as_text=True)
    assert "is out of date (student records changed since): run it again" in text_of(refused, "div", class_="alert-danger")
    assert latest_run().state == "new" and _checks() == 1  # not run inside the request
    rerun = admin.post("/admin/duplicates/check")
    large_app.extensions["ssid_jobs"].wait(int(urlsplit(rerun.headers["Location"]).path.rsplit("/", 1)[1]), timeout=60)
    done = admin.post(f"/admin/identifiers/{run.id}/resolve-mids", {"attest": "yes"}, follow=True).get_data(as_text=True)
    assert "MIDs resolved." in done and latest_run().state == "mids_resolved"


def test_bulk_acceptance_lists_the_students_then_records_each_as_bulk(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    review = admin.page("/admin/review/")
    assert elements(review, "a", id="bulk-accept-link")[0].attrs["href"] == "/admin/bulk-accept/"
    assert text_of(admin.page("/admin/bulk-accept/"), "p", id="bulk-none") == "No student qualifies now."
    ssid = calpads_is_sure(run.id, "100009")
    calpads_is_sure(run.id, "100001")  # a twin CALPADS is sure of: still not listed
    page = admin.page("/admin/bulk-accept/")
    assert [e.attrs["data-student"] for e in elements(page, "tr") if "data-student" in e.attrs] == ["100009"]
    assert ssid in text_of(page, "tr", data_student="100009") and "100% Single Match" in text_of(page, "tr", data_student="100009")
    assert "a twin in the district (same birth date and last name): 1" in text_of(page, "span", data_left_out="local_twin")
    [confirm] = [f for f in forms(page) if f.action == f"/admin/bulk-accept/{run.id}/accept"]

    before = snapshot()
    stale = admin.post(confirm.action, {"list": "0000000000000000"}, follow=True).get_data(as_text=True)
    assert "changed since it was shown; look at it again" in text_of(stale, "div", class_="alert-danger")
    assert snapshot()["match_decision"] == before["match_decision"]

    done = admin.post(confirm.action, confirm.data(), follow=True).get_data(as_text=True)
    assert "1 Single Match(es) accepted in bulk" in done
    row = MatchDecisionRow.get(MatchDecisionRow.local_id == "100009")
    log = DecisionLogRow.get(DecisionLogRow.local_id == "100009")
    assert (row.kind, row.ssid, row.bulk, log.kind, log.ssid, log.actor, log.bulk) == ("select", ssid, True, "select", ssid, "admin", True)
    assert MatchDecisionRow.get_or_none(MatchDecisionRow.local_id == "100001") is None


def test_auditors_get_403_on_every_new_post_and_see_the_pages_without_forms(
    admin: Signed, auditor: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    calpads_is_sure(run.id, "100009")
    auditor.page("/admin/history/")
    before = snapshot()
    for path, data in (
        ("/admin/duplicates/check", {}),
        ("/admin/duplicates/decide", {"issue": [PAIR], "action": "not_duplicate"}),
        ("/admin/duplicates/unmark", {"key": PAIR}),
        (f"/admin/bulk-accept/{run.id}/accept", {"list": "x"}),
        (f"/admin/review/{run.id}/decide", {"local_id": "100009", "decision": "new_ssid", "anyway": "yes"}),
    ):
        assert auditor.post(path, data).status_code == 403, path
        assert admin.post(path, data, token=False).status_code == 400, path
    assert snapshot() == before
    for page in ("/admin/duplicates/", "/admin/bulk-accept/", "/admin/review/?student=100002&confirm=new_ssid"):
        html = auditor.page(page)
        assert [f.action for f in forms(html)] == ["/logout"], page
    assert "100009" in auditor.page("/admin/bulk-accept/")


def test_the_duplicates_tab_names_each_student_with_grade_and_school(admin: Signed) -> None:
    """Issue 16, finding 1: the pair reads as two people, not two local ids."""
    admin.post("/admin/identifiers/start")
    page = admin.page("/admin/duplicates/")
    [issue] = elements(page, "div", class_="local-issue")
    shown = [p for p in elements(page, "span", class_="person") if p.attrs.get("data-local-id") in ("100004", "100005")]
    assert sorted(p.attrs["data-local-id"] for p in shown) == ["100004", "100005"]
    for person in shown:
        row = StudentRow.get(StudentRow.local_id == person.attrs["data-local-id"])
        assert f"{row.legal_last}, {row.legal_first}" in person.text and f"Local ID {row.local_id}" in person.text
        assert "·" in person.text  # grade and school follow the name
    head = " ".join(h.text for h in elements(page, "th", scope="col"))
    first = StudentRow.get(StudentRow.local_id == "100004")
    assert f"{first.legal_last}, {first.legal_first}" in head
