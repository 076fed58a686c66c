"""The run's step services against the in-memory store (no database): what a coordinator sees of
each step — the run's state, its history rows with their reasons, the counts, the files written —
and that a refused step changes nothing but its own history row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from domain.errors import FileProblem
from domain.model import DecisionKind, Enrollment, PersonName, Student
from domain.runs import BatchState, FileKind, MailOutcome, RunAction, RunEvent, RunState
from domain.values import CdsCode, LocalId, Ssid
from tests.unit.memory_store import MemoryStore, Settings
from workflows.errors import NotFound, StepRefused
from workflows.ports import UnitOfWork
from workflows.run import bulk_accept, extract, lifecycle, request, results
from workflows.run.machine import allowed_actions
from workflows.run.stepping import CHANGED_MEANWHILE, Actor, attempt

NOW = dt.datetime(2025, 9, 1, 16, 30, tzinfo=dt.timezone.utc)
TODAY = dt.date(2025, 9, 1)
ACTOR = Actor("coordinator", lambda: NOW)
MARIA = Student(
    local_id=LocalId("100234"),
    legal=PersonName("MARIA", "LOPEZ", "ELENA"),
    birth_date=dt.date(2015, 3, 14),
    gender="F",
    birth_city="LOS ANGELES",
    birth_state="US-CA",
    birth_country="US",
    enrollments=(Enrollment(CdsCode("6000001"), "05", dt.date(2025, 8, 14)),),
)
RESULT_HEADER = (
    "Submitted_SENR_ReportingLEA,Submitted_SENR_SchoolofAttendance,Selection,Submitted_SENR_LocalID,"
    "Submitted_SENR_Student_LegalLastName,Submitted_SENR_Student_LegalFirstName,Submitted_SENR_Student_LegalMiddleName,"
    "Result_SENR_SSID,Result_SENR_SSIDCreateDate,Result_MatchCategory,Result_MatchPercentageScore,"
    "Submitted_SENR_Gender,Submitted_SENR_BirthDate"
)
RESULT_LINE = "1964212,6000001,,100234,LOPEZ,MARIA,ELENA,1234567890,20160102,Single Match,97%,F,20150314"
EXTRACT_LINE = "1964212^6000001^1234567890^100234^LOPEZ^MARIA^ELENA^F^20150314^20250814^05^EL^20200115^01^20150401^Y"


def _store() -> MemoryStore:
    return MemoryStore([MARIA], Settings(email="coordinator@district.example"))


def _uow(store: MemoryStore) -> UnitOfWork:
    return store  # the in-memory store is a whole unit of work (checked by mypy here)


def _events(store: MemoryStore, run_id: int = 1) -> list[tuple[str, str | None, str | None, bool, str | None]]:
    return [(h.event, h.source, h.dest, h.accepted, h.reason) for h in store.run_history(run_id)]


def _write(path: Path, *lines: str) -> Path:
    path.write_bytes("".join(f"{line}\r\n" for line in lines).encode())
    return path


def _to_results_loaded(store: MemoryStore, tmp_path: Path) -> int:
    run = lifecycle.start_run(store, ACTOR)
    lifecycle.resolve_mids(store, run.id, ACTOR, attested=True)
    request.create_request(store, run.id, ACTOR, tmp_path / "out", today=TODAY)
    results.load_results(store, run.id, _write(tmp_path / "results.csv", RESULT_HEADER, RESULT_LINE), ACTOR)
    return run.id


def _to_updated(store: MemoryStore, tmp_path: Path) -> int:
    run_id = _to_results_loaded(store, tmp_path)
    results.decide(store, run_id, LocalId("100234"), DecisionKind.SELECT, ACTOR, Ssid("1234567890"))
    results.confirm_all(store, run_id, ACTOR)
    results.create_updated(store, run_id, tmp_path / "out", ACTOR)
    return run_id


def test_start_resolve_and_cancel_are_recorded_with_their_reasons() -> None:
    store = _store()
    run = lifecycle.start_run(_uow(store), ACTOR)
    with pytest.raises(StepRefused, match="run 1 is open"):
        lifecycle.start_run(store, ACTOR)
    with pytest.raises(StepRefused, match="a person must attest"):
        lifecycle.resolve_mids(store, run.id, ACTOR, attested=False)
    assert lifecycle.resolve_mids(store, run.id, ACTOR, attested=True).state is RunState.MIDS_RESOLVED
    assert lifecycle.cancel_run(store, run.id, ACTOR).state is RunState.CANCELLED
    with pytest.raises(StepRefused, match="the run is cancelled; start a new run"):
        lifecycle.cancel_run(store, run.id, ACTOR)
    assert _events(store) == [
        ("start", None, "new", True, None),
        ("start", "new", None, False, "run 1 is open (state new); finish or cancel it first"),
        ("resolve_mids", "new", None, False, "a person must attest that the CALPADS MIDs are resolved"),
        ("resolve_mids", "new", "mids_resolved", True, None),
        ("cancel", "mids_resolved", "cancelled", True, None),
        ("cancel", "cancelled", None, False, "the run is cancelled; start a new run (ssid run start; Run tab)"),
    ]
    assert store.latest_duplicate_check() is not None  # resolving ran the local duplicate check and kept it


def test_a_run_that_does_not_exist_is_not_found_and_nothing_is_recorded() -> None:
    store = _store()
    with pytest.raises(NotFound, match="there is no run 7"):
        lifecycle.cancel_run(store, 7, ACTOR)
    assert store.state.history == []


def test_create_request_writes_the_file_keeps_it_and_records_its_sha256(tmp_path: Path) -> None:
    store = _store()
    run = lifecycle.start_run(store, ACTOR)
    with pytest.raises(StepRefused, match="create_senr needs a run in state mids_resolved; this run is in state new"):
        request.create_request(store, run.id, ACTOR, tmp_path, today=TODAY)
    lifecycle.resolve_mids(store, run.id, ACTOR, attested=True)
    made = request.create_request(store, run.id, ACTOR, tmp_path, today=TODAY)
    assert made.run.state is RunState.SENR_CREATED
    assert made.path.read_bytes() == (
        b"SENR^^^1964212^6000001^^2025-2026^^100234^MARIA^ELENA^LOPEZ^^^^^20150314^F^LOS ANGELES^US-CA^US^"
        b"20250814^10^05^^^^^^^^^^^\r\n"
    )
    assert made.path.name == made.file.name and made.file.name.endswith("_SENR_SSID.txt")
    assert made.file.kind is FileKind.REQUEST and made.file.records == 1
    last = store.run_history(run.id)[-1]
    assert (last.event, last.file_name, last.sha256, dict(last.counts)) == (
        "create_senr", made.file.name, made.file.sha256, {"records": 1, "excluded": 0},
    )
    assert store.requested_ids(run.id) == {"100234"}


def test_create_request_refused_for_incomplete_settings_changes_nothing(tmp_path: Path) -> None:
    store = MemoryStore([MARIA], Settings(lea=None))
    run = lifecycle.start_run(store, ACTOR)
    lifecycle.resolve_mids(store, run.id, ACTOR, attested=True)
    with pytest.raises(StepRefused, match="settings incomplete: set LEA code"):
        request.create_request(store, run.id, ACTOR, tmp_path, today=TODAY)
    assert store.get_run(run.id).state is RunState.MIDS_RESOLVED  # type: ignore[union-attr]
    assert store.generated_files() == [] and list(tmp_path.iterdir()) == []
    assert _events(store)[-1] == ("create_senr", "mids_resolved", None, False, "settings incomplete: set LEA code")


def test_load_results_decide_confirm_and_create_updated(tmp_path: Path) -> None:
    store = _store()
    run_id = _to_results_loaded(store, tmp_path)
    assert store.run_history(run_id)[-1].counts == {"students": 1, "candidates": 1}
    with pytest.raises(StepRefused, match="1 requested student\\(s\\) have no decision yet"):
        results.confirm_all(store, run_id, ACTOR)
    with pytest.raises(StepRefused, match="the SSID selected is not one of the student's candidates"):
        results.decide(store, run_id, LocalId("100234"), DecisionKind.SELECT, ACTOR, Ssid("9999999999"))
    decided = results.decide(store, run_id, LocalId("100234"), DecisionKind.SELECT, ACTOR, Ssid("1234567890"))
    assert decided.warnings == []
    assert store.decisions(run_id)[LocalId("100234")].ssid == "1234567890"
    assert results.confirm_all(store, run_id, ACTOR).state is RunState.ALL_CONFIRMED
    with pytest.raises(StepRefused, match="decide needs a run in state results_loaded; this run is in state all_confirmed"):
        results.decide(store, run_id, LocalId("100234"), DecisionKind.NEW_SSID, ACTOR)
    made = results.create_updated(store, run_id, tmp_path / "out", ACTOR)
    assert made.run.state is RunState.UPDATED
    assert b"^1234567890^100234^" in made.path.read_bytes()
    events = [(event, accepted) for event, _, _, accepted, _ in _events(store, run_id)]
    assert events[-6:] == [
        ("load_results", True), ("confirm_all", False), ("decide", False),  # an accepted decision has its own log
        ("confirm_all", True), ("decide", False), ("create_updated", True),
    ]


def test_a_broken_result_file_is_refused_with_its_file_line_and_field(tmp_path: Path) -> None:
    store = _store()
    run = lifecycle.start_run(store, ACTOR)
    lifecycle.resolve_mids(store, run.id, ACTOR, attested=True)
    request.create_request(store, run.id, ACTOR, tmp_path / "out", today=TODAY)
    broken = _write(tmp_path / "results.csv", RESULT_HEADER, RESULT_LINE.replace("20150314", "20151314"))
    with pytest.raises(StepRefused) as refused:
        results.load_results(store, run.id, broken, ACTOR)
    assert isinstance(refused.value.cause, FileProblem)
    assert (refused.value.cause.file, refused.value.cause.line) == ("results.csv", 2)
    assert refused.value.event == "load_results"
    assert store.get_run(run.id).state is RunState.SENR_CREATED  # type: ignore[union-attr]
    assert store.candidates(run.id) == {}
    assert _events(store)[-1][3:] == (False, refused.value.reason)


def test_load_apply_and_undo_the_extract(tmp_path: Path) -> None:
    store = _store()
    run_id = _to_updated(store, tmp_path)
    assert allowed_actions(RunState.UPDATED) == {RunAction.LOAD_EXTRACT}
    with pytest.raises(StepRefused, match="no SSID Extract has been loaded and previewed for this run"):
        extract.apply_extract(store, run_id, ACTOR)
    preview = extract.load_extract(store, run_id, _write(tmp_path / "extract.txt", EXTRACT_LINE), ACTOR)
    assert (preview.changes, preview.conflicts, preview.unmatched) == (1, 0, 0)
    assert preview.batch.state is BatchState.LOADED
    assert store.run_history(run_id)[-1].counts == {"changes": 1, "conflicts": 0, "unmatched": 0}
    assert next(store.iter_students()).ssid is None  # nothing about the student changes on load

    applied = extract.apply_extract(store, run_id, ACTOR)
    assert applied.run.state is RunState.EXTRACT_LOADED and applied.batch.state is BatchState.APPLIED
    assert applied.updated == 1 and next(store.iter_students()).ssid == "1234567890"
    assert [f.kind for f in store.generated_files(run_id)] == [FileKind.UPDATED]  # the request file retired
    [mail] = store.state.outbox
    assert mail.outcome is MailOutcome.NO_SERVER and mail.error == "no mail server configured"
    assert mail.subject == f"SSID Workbench: SSID Extract applied (run {run_id})"

    undone = extract.undo_extract(store, run_id, ACTOR)
    assert undone.restored >= 1 and next(store.iter_students()).ssid is None
    assert undone.run.state is RunState.UPDATED  # no dead end: the run is back where an extract is loaded
    assert store.get_batch(preview.batch.id).state is BatchState.UNDONE  # type: ignore[union-attr]
    assert {f.kind for f in store.generated_files(run_id)} == {FileKind.UPDATED, FileKind.REQUEST}  # back in File Download
    refusal = (
        "undo_extract needs a run in state extract_loaded; this run is in state updated; now you can "
        "load an SSID Extract for review (ssid run load-extract; Load SSID tab); or apply the reviewed SSID Extract "
        "(ssid run apply-extract; Load SSID tab); or cancel the run (ssid run cancel; Run tab)"
    )
    with pytest.raises(StepRefused) as refused:
        extract.undo_extract(store, run_id, ACTOR)
    assert refused.value.reason == refusal
    assert _events(store, run_id)[-3:] == [
        ("apply_extract", "updated", "extract_loaded", True, None),
        ("undo_extract", "extract_loaded", "updated", True, None),
        ("undo_extract", "updated", None, False, refusal),
    ]
    again = extract.load_extract(store, run_id, _write(tmp_path / "extract.txt", EXTRACT_LINE), ACTOR)
    assert extract.apply_extract(store, run_id, ACTOR).batch.id == again.batch.id


def test_an_extract_of_another_lea_is_refused_and_keeps_no_batch(tmp_path: Path) -> None:
    store = _store()
    run_id = _to_updated(store, tmp_path)
    other = _write(tmp_path / "extract.txt", EXTRACT_LINE.replace("1964212", "1964213", 1))
    with pytest.raises(StepRefused, match="extract.txt, line 1, field 1") as refused:
        extract.load_extract(store, run_id, other, ACTOR)
    assert isinstance(refused.value.cause, FileProblem) and refused.value.cause.field_number == 1
    assert store.state.batches == []


def test_a_run_changed_meanwhile_is_refused_and_rolled_back() -> None:
    store = _store()
    run = lifecycle.start_run(store, ACTOR)
    with pytest.raises(StepRefused, match=CHANGED_MEANWHILE):
        with attempt(store, run.id, RunEvent.CANCEL, ACTOR) as step:
            store.set_run_state(run.id, RunState.NEW, RunState.MIDS_RESOLVED)  # another person, meanwhile
            with step.commit():
                pytest.fail("the compare-and-set fails first")
    assert store.get_run(run.id).state is RunState.MIDS_RESOLVED  # type: ignore[union-attr]
    assert _events(store)[-1] == ("cancel", "new", None, False, CHANGED_MEANWHILE)


def test_allowed_actions_by_state() -> None:
    assert allowed_actions(RunState.RESULTS_LOADED) == {RunAction.DECIDE, RunAction.PARTIAL, RunAction.BULK_ACCEPT}
    assert allowed_actions(RunState.EXTRACT_LOADED) == frozenset()  # undo is an event: back to updated
    assert allowed_actions(RunState.NEW) == frozenset()


def test_partial_file_and_bulk_accept_inside_results_loaded(tmp_path: Path) -> None:
    store = _store()
    store.state.candidates.clear()
    run_id = _to_results_loaded(store, tmp_path)
    with pytest.raises(StepRefused, match="no student decided so far would be sent"):
        results.partial_file(store, run_id, tmp_path / "out", ACTOR)
    store.save_candidates(run_id, [])  # CALPADS proposed nobody at 100 %: nothing to accept in bulk
    with pytest.raises(StepRefused, match="no student qualifies for bulk acceptance"):
        bulk_accept.bulk_accept(store, run_id, ACTOR)
    results.decide(store, run_id, LocalId("100234"), DecisionKind.NEW_SSID, ACTOR)
    partial = results.partial_file(store, run_id, tmp_path / "out", ACTOR)
    assert partial.file.kind is FileKind.PARTIAL and partial.file.name.endswith("_SENR_SSID_Partial.txt")
    assert partial.path.read_bytes().count(b"\r\n") == 1
    assert _events(store, run_id)[-3:] == [
        ("partial", "results_loaded", None, False, "no student decided so far would be sent (no Select or New SSID decision yet)"),
        ("bulk_accept", "results_loaded", None, False, "no student qualifies for bulk acceptance"),
        ("partial", "results_loaded", "results_loaded", True, None),
    ]
