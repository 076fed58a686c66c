"""SSID Match review as a coordinator uses it (product.md Step 3): the local student first, CALPADS'
candidates beside it by percentage, differences marked per field (birth date by year, month and
day), the toggles, previous/next, the three decisions with the workflow's warnings shown, the
partial file with the advice to start over, and resuming where the review stopped."""

from __future__ import annotations

import datetime as dt
from typing import Any
from pathlib import Path

import pytest

from console.views.review_compare import CellState, compare_with_candidates
from domain.records import MatchCandidate, MatchCategory, SenrRecord
from domain.runs import RunState
from domain.values import Ssid
from store.tables import (
    DecisionLogRow,
    GeneratedFileRow,
    GuardianRow,
    MatchCandidateRow,
    MatchDecisionRow,
    MatchRequestRow,
    StudentRow,
)
from tests.e2e.conftest import Sandbox, Signed
from tests.e2e.console_drive import drive_to
from tests.e2e.console_html import elements, forms, text_of


def _candidate(**values: object) -> MatchCandidate:
    base: dict[str, object] = {
        "ssid": Ssid("2000000001"), "ssid_created": None, "category": MatchCategory.MULTIPLE, "score_text": "90%",
        "percent": 90.0, "legal_first": "JOSÉ", "legal_middle": None, "legal_last": "García", "gender": "M",
        "birth_date": dt.date(2012, 7, 17), "birth_city": "Los  Angeles", "birth_state": "US-CA", "birth_country": "US",
    }
    base.update(values)
    return MatchCandidate(**base)  # type: ignore[arg-type]


def test_each_field_is_compared_as_a_reviewer_reads_it() -> None:
    local = SenrRecord(
        legal_first="Jose", legal_middle="Luis", legal_last="GARCIA", birth_date="20120717", gender="M",
        birth_city="Los Angeles", birth_state="US-CA", birth_country="US",
    )
    same = _candidate()
    other = _candidate(legal_first="Josue", legal_middle="Luis", birth_date=dt.date(2012, 8, 9), gender="F", birth_country="MX", birth_state="MX-JAL")
    rows = {row.name: row for row in compare_with_candidates(local, [same, other])}
    assert [row for row in rows] == [
        "legal_first", "legal_middle", "legal_last", "birth_date", "gender", "birth_city", "birth_state", "birth_country",
    ]
    states = {name: [cell.state for cell in row.cells] for name, row in rows.items()}
    assert states == {
        "legal_first": [CellState.SAME, CellState.DIFFERENT],  # accents and case do not count
        "legal_middle": [CellState.BLANK, CellState.SAME],  # a blank is neither
        "legal_last": [CellState.SAME, CellState.SAME],
        "birth_date": [CellState.SAME, CellState.DIFFERENT],
        "gender": [CellState.SAME, CellState.DIFFERENT],
        "birth_city": [CellState.SAME, CellState.SAME],  # spacing does not count
        "birth_state": [CellState.SAME, CellState.DIFFERENT],
        "birth_country": [CellState.SAME, CellState.DIFFERENT],
    }
    parts = [(p.name, p.text, p.differs) for p in rows["birth_date"].cells[1].parts]
    assert parts == [("year", "2012", False), ("month", "08", True), ("day", "09", True)]
    assert rows["birth_date"].local == "2012-07-17"


def _reviewed_student(run_id: int) -> str:
    """A requested student with at least two candidates, one of whose first names differs."""
    for request in list(MatchRequestRow.select().where(MatchRequestRow.run == run_id).order_by(MatchRequestRow.line)):
        local_first = request.senr_line.split("^")[9]
        firsts = [c.legal_first for c in MatchCandidateRow.select().where((MatchCandidateRow.run == run_id) & (MatchCandidateRow.local_id == request.local_id) & MatchCandidateRow.ssid.is_null(False))]
        if len(firsts) >= 2 and any(f.casefold() != local_first.casefold() for f in firsts):
            return str(request.local_id)
    pytest.fail("the demo has no student with two candidates and a different first name")


def test_the_local_student_is_first_and_candidates_follow_by_percentage(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    local_id = _reviewed_student(run.id)
    page = admin.page(f"/admin/review/?student={local_id}")
    headers = [" ".join(th.text.split()) for th in elements(page, "th", scope="col")]
    assert headers[0] == "Field" and headers[1].startswith("Local student") and headers[1].endswith(f"Local ID {local_id}")
    scores = [float(e.text.strip().rstrip("%")) for e in elements(page, "span", class_="score")]
    assert len(scores) == len(headers) - 2
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
    first_names = [row for row in elements(page, "tr", data_field="legal_first")]
    cells = [e for e in elements(page, "td") if e.attrs.get("data-state")]
    # A cell's colour and its badge come from the same verdict: a red cell carries a badge against the match.
    assert any(c.attrs["class"] == "diff" and c.attrs["data-state"] == "against" for c in cells)
    colour = {"against": "diff", "for": "same", "neutral": "blank"}
    assert all(c.attrs["class"] == colour[c.attrs["data-state"]] for c in cells)
    badges = [b.attrs["data-evidence"] for b in elements(page, "span", class_="match-badge") if "data-evidence" in b.attrs]
    assert badges[-len(cells):] == [c.attrs["data-state"] for c in cells]  # the same verdict, cell by cell
    local_first = MatchRequestRow.get(MatchRequestRow.local_id == local_id).senr_line.split("^")[9]
    assert local_first in first_names[0].text
    assert elements(page, "span", class_="date-part", data_part="day")


def test_decisions_move_on_warn_about_mids_and_resume_where_the_review_stopped(
    admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    # 100004/100005 said to be two children: 100005, whose 100 % candidate is 100004's SSID, is requested.
    admin.post("/admin/duplicates/decide", {"issue": ["lookalike:100004,100005"], "action": "not_duplicate"})
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    order = [r.local_id for r in MatchRequestRow.select().where(MatchRequestRow.run == run.id).order_by(MatchRequestRow.line)]
    first, second = order[0], order[1]
    assert text_of(admin.page("/admin/review/"), "th", class_="local").endswith(first)  # resumes at the first undecided

    top = MatchCandidateRow.select().where((MatchCandidateRow.run == run.id) & (MatchCandidateRow.local_id == first) & MatchCandidateRow.ssid.is_null(False)).order_by(MatchCandidateRow.percent.desc()).first()
    decision = {"local_id": first, "decision": "select" if top else "new_ssid", "ssid": top.ssid if top else ""}
    answer = admin.post(f"/admin/review/{run.id}/decide", decision)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"student={second}")
    assert MatchDecisionRow.get(MatchDecisionRow.local_id == first).kind == decision["decision"]
    assert text_of(admin.page("/admin/review/"), "th", class_="local").endswith(second)

    unmatched = admin.page(f"/admin/review/?student={second}&undecided=1")
    assert not elements(unmatched, "a", id="review-previous")  # the only earlier student is decided
    assert elements(admin.page(f"/admin/review/?student={second}"), "a", id="review-previous")
    position = " ".join(text_of(unmatched, "span", id="review-position").split())
    assert position == f"Student 1 of {len(order) - 1} without a decision · 1 of {len(order)} decided"
    everyone = admin.page(f"/admin/review/?student={second}")
    assert " ".join(text_of(everyone, "span", id="review-position").split()) == f"Student 2 of {len(order)} · 1 of {len(order)} decided"
    assert [a.attrs["href"] for a in elements(everyone, "a", id="review-next")] == [f"/admin/review/?student={order[2]}"]  # the next undecided
    decided_one = " ".join(text_of(admin.page(f"/admin/review/?student={first}&undecided=1"), "span", id="review-position").split())
    assert decided_one == f"This student is decided · 1 of {len(order)} decided"

    # A strong candidate makes "New SSID" a warning shown first: nothing is recorded until the person
    # decides anyway; then the decision is recorded and the warning logged with it.
    strong = MatchCandidateRow.select().where((MatchCandidateRow.run == run.id) & (MatchCandidateRow.percent >= 90)).first()
    assert strong is not None
    html, log = _decide_anyway(admin, run.id, {"local_id": strong.local_id, "decision": "new_ssid"}, "new_ssid")
    warning = log.warnings
    assert warning.startswith(f"student {strong.local_id} has a strong candidate (candidate 1: CALPADS {strong.score}, our comparison ")
    assert warning.endswith("New SSID may create a MID")
    assert (log.kind, log.actor, log.bulk) == ("new_ssid", "admin", False)
    assert f"Warning: {warning}." in html
    assert text_of(html, "th", class_="local").endswith(strong.local_id)
    assert "strong candidate" in text_of(html, "div", class_="decision-warning")

    # Selecting an SSID a local student already holds: the same, with that warning.
    held = {s.ssid: s.local_id for s in StudentRow.select().where(StudentRow.ssid.is_null(False))}
    mid = MatchCandidateRow.select().where((MatchCandidateRow.run == run.id) & MatchCandidateRow.ssid.in_(list(held))).first()
    assert mid is not None, "the demo's request has no candidate another local student holds"
    html, log = _decide_anyway(admin, run.id, {"local_id": mid.local_id, "decision": "select", "ssid": mid.ssid}, "select")
    assert log.warnings.splitlines()[0] == f"the SSID selected is already held by local student {held[mid.ssid]}"
    assert (log.kind, log.ssid) == ("select", mid.ssid)

    # An SSID that is not one of the student's candidates is refused: no decision is recorded.
    undecided = next(i for i in order if MatchDecisionRow.get_or_none(MatchDecisionRow.local_id == i) is None)
    refused = admin.post(f"/admin/review/{run.id}/decide", {"local_id": undecided, "decision": "select", "ssid": "1234567890"}, follow=True)
    assert text_of(refused.get_data(as_text=True), "div", class_="alert-danger").endswith(
        f"student {undecided}: the SSID selected is not one of the student's candidates"
    )
    assert MatchDecisionRow.get_or_none(MatchDecisionRow.local_id == undecided) is None


def _decide_anyway(admin: Signed, run_id: int, decision: dict[str, str], kind: str) -> tuple[str, DecisionLogRow]:
    """Post a decision that warns: nothing recorded, the warnings shown with "Decide anyway"; then
    decide anyway. The page after, and the decision's log row."""
    local_id = decision["local_id"]
    logged = DecisionLogRow.select().where(DecisionLogRow.local_id == local_id).count()
    held_back = admin.post(f"/admin/review/{run_id}/decide", decision)
    assert held_back.status_code == 302 and f"confirm={kind}" in held_back.headers["Location"]
    assert DecisionLogRow.select().where(DecisionLogRow.local_id == local_id).count() == logged  # nothing recorded
    page = admin.page(held_back.headers["Location"])
    shown = [" ".join(e.text.split()) for e in elements(page, "li", class_="pending-warning")]
    assert shown and f"Student {local_id}: not recorded yet" in page
    [anyway] = [f for f in forms(page) if dict(f.fields).get("anyway") == "yes"]
    assert dict(anyway.fields)["csrf_token"] and dict(anyway.fields)["local_id"] == local_id
    after = admin.post(anyway.action, anyway.data(), follow=True).get_data(as_text=True)
    newest: Any = DecisionLogRow.id  # declared `id: int` for mypy; the column is a field
    log = DecisionLogRow.select().where(DecisionLogRow.local_id == local_id).order_by(newest.desc()).first()
    assert log is not None and log.warnings.splitlines() == shown
    return after, log


def test_toggles_show_guardians_addresses_and_language(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    local_id = MatchRequestRow.select().where(MatchRequestRow.run == run.id).order_by(MatchRequestRow.line).first().local_id
    plain = admin.page(f"/admin/review/?student={local_id}")
    assert not elements(plain, "tr", data_field="guardians")
    shown = admin.page(f"/admin/review/?student={local_id}&guardians=1&addresses=1&language=1")
    guardian = GuardianRow.select().join(StudentRow).where(StudentRow.local_id == local_id).first()
    assert guardian is not None
    assert f"{guardian.first} {guardian.last}" in text_of(shown, "tr", data_field="guardians")
    assert elements(shown, "tr", data_field="addresses") and elements(shown, "tr", data_field="elas")
    # The toggles ride along with every decision form.
    decide = [f for f in forms(shown) if f.action.endswith("/decide")]
    assert decide and all(dict(f.fields).get("guardians") == "1" for f in decide)


def test_a_partial_file_holds_the_students_decided_so_far_and_the_page_advises_starting_over(
    admin: Signed, sandbox: Sandbox, tmp_path: Path
) -> None:
    run = drive_to(admin, sandbox, tmp_path, RunState.RESULTS_LOADED)
    first = MatchRequestRow.select().where(MatchRequestRow.run == run.id).order_by(MatchRequestRow.line).first().local_id
    refused = admin.post(f"/admin/review/{run.id}/partial", follow=True).get_data(as_text=True)
    assert "no student decided so far would be sent" in refused
    admin.post(f"/admin/review/{run.id}/decide", {"local_id": first, "decision": "new_ssid", "anyway": "yes"})
    downloaded = admin.post(f"/admin/review/{run.id}/partial", {"local_id": first})
    partial = GeneratedFileRow.get(GeneratedFileRow.kind == "partial")
    # The button downloads the file itself; the review page then says what to do with it.
    assert downloaded.status_code == 200 and downloaded.get_data() == bytes(partial.content)
    assert downloaded.headers["Content-Disposition"] == f'attachment; filename="{partial.name}"'
    page = admin.page(f"/admin/review/?student={first}")
    assert partial.name.endswith("_SENR_SSID_Partial.txt") and partial.records == 1
    lines = bytes(partial.content).decode().split("\r\n")
    assert lines[1:] == [""] and lines[0].split("^")[8] == first and lines[0].split("^")[7] == ""
    steps = text_of(page, "section", class_="calpads-step")
    assert partial.name in steps and "start over: cancel this run" in steps
    # The advice applies only while the run is in review: after Confirm all it is gone.
    admin.post(f"/admin/review/{run.id}/decide", {"local_id": first, "decision": "new_ssid", "anyway": "yes"})
    for request in list(MatchRequestRow.select().where(MatchRequestRow.run == run.id)):
        admin.post(f"/admin/review/{run.id}/decide", {"local_id": request.local_id, "decision": "no_match", "anyway": "yes"})
    admin.post(f"/admin/identifiers/{run.id}/confirm")
    assert "start over" not in admin.page(f"/admin/review/?student={first}")


def test_confirmed_decisions_are_shown_but_no_longer_offered(admin: Signed, sandbox: Sandbox, tmp_path: Path) -> None:
    drive_to(admin, sandbox, tmp_path, RunState.ALL_CONFIRMED)
    page = admin.page("/admin/review/")
    assert not [f for f in forms(page) if f.action.endswith("/decide")]
    assert "can no longer change" in page
    assert text_of(page, "span", id="current-decision")
