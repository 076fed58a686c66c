"""Every event and action fired from every state of a real run: what product.md's order allows is
accepted and moves the run where the table says; everything else is refused, recorded in the
run's history with its reason, and leaves the run's state and every table as they were."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from domain.model import DecisionKind
from domain.runs import RunEvent, RunState
from domain.values import LocalId
from seed.sandbox import match_file, write_extract
from store.tables import RunTransitionRow
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor, history_rows, last_history, snapshot
from workflows.run import extract, lifecycle, request, results
from workflows.errors import StepRefused
from workflows.run.machine import TRANSITIONS

ACTIONS = ("start", "decide", "partial", "load_extract")
"""Actions inside a state (or, for start, on the district), fired besides the machine's events."""

ACTION_STATES = {
    "decide": {RunState.RESULTS_LOADED},
    "partial": {RunState.RESULTS_LOADED},
    "load_extract": {RunState.UPDATED},
    "start": {RunState.EXTRACT_LOADED, RunState.CANCELLED},  # a new run may start once this one is closed
}

_OPEN = tuple(s for s in RunState if s not in (RunState.EXTRACT_LOADED, RunState.CANCELLED))
PRODUCT_MD: dict[RunEvent, tuple[tuple[RunState, ...], RunState]] = {
    RunEvent.RESOLVE_MIDS: ((RunState.NEW,), RunState.MIDS_RESOLVED),
    RunEvent.CREATE_SENR: ((RunState.MIDS_RESOLVED,), RunState.SENR_CREATED),
    RunEvent.LOAD_RESULTS: ((RunState.SENR_CREATED,), RunState.RESULTS_LOADED),
    RunEvent.CONFIRM_ALL: ((RunState.RESULTS_LOADED,), RunState.ALL_CONFIRMED),
    RunEvent.CREATE_UPDATED: ((RunState.ALL_CONFIRMED,), RunState.UPDATED),
    RunEvent.APPLY_EXTRACT: ((RunState.UPDATED,), RunState.EXTRACT_LOADED),
    RunEvent.UNDO_EXTRACT: ((RunState.EXTRACT_LOADED,), RunState.UPDATED),  # "another extract can be loaded"
    RunEvent.CANCEL: (_OPEN, RunState.CANCELLED),  # "from any state but extract_loaded"
}
"""product.md's table, written out here on its own so the test does not trust the machine's."""

EVENTS = tuple(e.value for e in RunEvent) + ACTIONS

RESULT_HEADER = (
    "Submitted_SENR_ReportingLEA,Submitted_SENR_SchoolofAttendance,Selection,Submitted_SENR_LocalID,"
    "Submitted_SENR_Student_LegalLastName,Submitted_SENR_Student_LegalFirstName,Submitted_SENR_Student_LegalMiddleName,"
    "Result_SENR_SSID,Result_SENR_SSIDCreateDate,Result_MatchCategory,Result_MatchPercentageScore,"
    "Submitted_SENR_Gender,Submitted_SENR_BirthDate"
)


def _allowed(state: RunState, event: str) -> bool:
    if event in ACTION_STATES:
        return state in ACTION_STATES[event]
    sources, _ = PRODUCT_MD[RunEvent(event)]
    return state in sources


def _expected(state: RunState, event: str) -> RunState:
    return state if event in ACTION_STATES else PRODUCT_MD[RunEvent(event)][1]


def _results_file(builder: RunBuilder) -> Path:
    """This run's match results (asked of the sandbox once there is a request); before that a
    well-formed result file of the district."""
    if "results" in builder.files:
        return builder.files["results"]
    if "request" in builder.files:
        return match_file(builder.sandbox_url, builder.files["request"], builder.out("results")).file
    path = builder.out("results.csv")
    path.write_bytes(f"{RESULT_HEADER}\r\n1964212,6019715,,100008,Ruiz,Ana,,,,No Match,,F,20170501\r\n".encode())
    return path


def _extract_file(builder: RunBuilder) -> Path:
    if "extract" in builder.files:
        return builder.files["extract"]
    return write_extract(builder.sandbox_url, builder.out("early"), today=TODAY, now=NOW).file


def _firing(builder: RunBuilder, event: str, state: RunState) -> Callable[[], object]:
    """The service call that fires ``event``, with inputs that would satisfy its guard."""
    store, run, who = builder.store, builder.run_id, actor("ana")
    requested = sorted(store.requested_ids(run)) or [LocalId("100008")]
    if event == "partial" and state is RunState.RESULTS_LOADED:
        results.decide(store, run, requested[0], DecisionKind.NEW_SSID, who)
    if event == RunEvent.CONFIRM_ALL.value and state is RunState.RESULTS_LOADED:
        builder.decide_all()
    if event == RunEvent.APPLY_EXTRACT.value and state is RunState.UPDATED:
        extract.load_extract(store, run, _extract_file(builder), who)
    results_file, extract_file = _results_file(builder), _extract_file(builder)
    calls: dict[str, Callable[[], object]] = {
        "start": lambda: lifecycle.start_run(store, who),
        "resolve_mids": lambda: lifecycle.resolve_mids(store, run, who, attested=True),
        "create_senr": lambda: request.create_request(store, run, who, builder.out("fired")),
        "load_results": lambda: results.load_results(store, run, results_file, who),
        "decide": lambda: results.decide(store, run, requested[0], DecisionKind.NEW_SSID, who),
        "partial": lambda: results.partial_file(store, run, builder.out("fired"), who),
        "confirm_all": lambda: results.confirm_all(store, run, who),
        "create_updated": lambda: results.create_updated(store, run, builder.out("fired"), who),
        "load_extract": lambda: extract.load_extract(store, run, extract_file, who),
        "apply_extract": lambda: extract.apply_extract(store, run, who),
        "undo_extract": lambda: extract.undo_extract(store, run, who),
        "cancel": lambda: lifecycle.cancel_run(store, run, who),
    }
    return calls[event]


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("state", list(RunState), ids=lambda s: s.value)
def test_every_event_from_every_state(database: peewee.Database, tmp_path: Path, state: RunState, event: str) -> None:
    builder = RunBuilder(database, tmp_path, students=30)
    lifecycle.acknowledge_issues(builder.store, ["all"], actor())
    run = builder.to(state)
    fire = _firing(builder, event, state)
    before = snapshot(skip=(RunTransitionRow,))
    history = history_rows()

    if _allowed(state, event):
        fire()
        assert builder.store.get_run(run).state is _expected(state, event)  # type: ignore[union-attr]
        if event != "decide":  # decisions have their own log, not the run's history
            last = last_history()
            assert (last.event, last.accepted, last.actor) == (event, True, "ana")
        return

    with pytest.raises(StepRefused) as refused:
        fire()
    reason = refused.value.reason
    assert reason
    assert builder.store.get_run(run).state is state  # type: ignore[union-attr]
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert history_rows() == [*history, (event, state.value, None, False, reason)]
    last = last_history()
    assert (last.run_id, last.actor) == (run, "ana")


def test_the_machine_runs_on_exactly_the_table_of_product_md() -> None:
    assert {event: (set(sources), dest) for event, (sources, dest) in TRANSITIONS.items()} == {
        event: (set(sources), dest) for event, (sources, dest) in PRODUCT_MD.items()
    }
