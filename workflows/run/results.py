"""Steps 3 and 4: load CALPADS' match results, record decisions, confirm, and write the updated file.

A result file is bound to a run by its content, not its name: its LEA must be ours and every
local id in it must be a student of this run's request file (a renamed file is fine; another
run's file is refused, naming that run). It is read whole before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from domain.model import DecisionKind, MatchDecision
from domain.planning.request import updated_file_name
from domain.planning.updated import build_updated_records
from domain.readers import open_match_result
from domain.records import MatchResultRow
from domain.runs import FileKind, GeneratedFile, Run, RunEvent, RunState
from domain.validation import errors_of, validate_senr
from domain.values import LocalId, Ssid
from workflows.errors import StepRefused
from workflows.batches.shared import collection_paused, read_whole
from workflows.files import Progress, check_out_dir, keep_file, local_stamp, note_loaded, senr_bytes, write_output
from workflows.run.guards import ConfirmFacts, NoFacts, ResultsFacts
from workflows.run.mid_warnings import STRONG_MATCH_PERCENT, decision_warnings
from workflows.ports import WorkflowStore
from workflows.run.machine import order_reason
from workflows.run.lifecycle import settings_problem
from workflows.run.stepping import Actor, Recorded, act, advance, load_run

__all__ = [
    "STRONG_MATCH_PERCENT",
    "LoadedResults",
    "Decided",
    "SeenDecision",
    "ProducedFile",
    "load_results",
    "decide",
    "partial_file",
    "confirm_all",
    "create_updated",
]

@dataclass(frozen=True)
class LoadedResults:
    run: Run
    students: int
    candidates: int


@dataclass(frozen=True)
class Decided:
    """A recorded decision and the warnings a person should see (the decision stands)."""

    decision: MatchDecision
    warnings: list[str]


@dataclass(frozen=True)
class SeenDecision:
    """The decision a reviewer's page showed for the student: its ``version``, ``None`` for none.

    Given to :func:`decide`, it makes the save a compare-and-set: when another reviewer decided
    the student after the page was opened, the save is refused instead of overwriting theirs.
    """

    version: int | None


@dataclass(frozen=True)
class ProducedFile:
    run: Run
    file: GeneratedFile
    path: Path


def _binding_problem(store: WorkflowStore, run: Run, rows: list[MatchResultRow], name: str) -> str | None:
    """Why the result rows do not belong to this run's request (``None`` when they do)."""
    if not rows:
        return f"{name}: the match result file has no rows"
    lea = store.district_settings().lea
    for row in rows:
        if row.reporting_lea != lea:
            return f"{name}, line {row.line}, field 1 (Submitted_SENR_ReportingLEA): LEA {row.reporting_lea} is not ours ({lea})"
    requested = store.requested_ids(run.id)
    stray = next((row for row in rows if row.local_id not in requested), None)
    if stray is None:
        return None
    others = [r for r in store.runs_requesting({row.local_id for row in rows}) if r != run.id]
    if others:
        return f"{name} is the match result of run {others[0]}'s request file, not of run {run.id}'s"
    return (
        f"{name}, line {stray.line}, field 4 (Submitted_SENR_LocalID): student {stray.local_id} "
        f"is not in run {run.id}'s request file"
    )


def load_results(
    store: WorkflowStore,
    run_id: int,
    path: Path,
    actor: Actor,
    name: str | None = None,
    progress: Progress | None = None,
) -> LoadedResults:
    """Load CALPADS' match result file for the run (``load_results``)."""
    shown = name or path.name
    read: list[tuple[str, list[MatchResultRow]]] = []

    def facts(run: Run) -> ResultsFacts:
        if order_reason(RunEvent.LOAD_RESULTS, run.state) is not None:
            return ResultsFacts(None)
        try:
            _, sha256, rows = read_whole(path, shown, open_match_result, progress)
        except StepRefused as refused:
            return ResultsFacts(refused.reason)
        read.append((sha256, rows))
        return ResultsFacts(_binding_problem(store, run, rows, shown))

    def effects(run: Run) -> tuple[int, int, str]:
        sha256, rows = read[0]
        candidates = store.save_candidates(run.id, rows)
        note_loaded(store, FileKind.MATCH_RESULT, shown, sha256, len(rows), actor, run.id)
        return len({row.local_id for row in rows}), candidates, sha256

    with collection_paused():
        run, (students, candidates, sha256) = advance(
            store,
            run_id,
            RunEvent.LOAD_RESULTS,
            facts,
            actor,
            effects,
            lambda done: Recorded(shown, done[2], {"students": done[0], "candidates": done[1]}),
        )
        read.clear()  # the rows go while the collector still looks away
    return LoadedResults(run, students, candidates)


def _decided_meanwhile(store: WorkflowStore, run_id: int, local_id: LocalId, seen: SeenDecision) -> str | None:
    current = store.decision_version(run_id, local_id)
    if (current[0] if current is not None else None) == seen.version:
        return None
    by = f" by {current[1]}" if current is not None else ""
    return (
        f"student {local_id}: not recorded, the decision changed{by} after this page was opened; "
        "look at the decision now shown and decide again"
    )


def decide(
    store: WorkflowStore,
    run_id: int,
    local_id: LocalId,
    kind: DecisionKind,
    actor: Actor,
    ssid: Ssid | None = None,
    seen: SeenDecision | None = None,
) -> Decided:
    """Record (or change) one student's decision; only among that student's candidates.

    Refused outside ``results_loaded`` (decisions are final once confirmed). Warns, without
    refusing, when New SSID is chosen despite a strong candidate (CALPADS' or our comparison's),
    or the SSID selected is already held by another local student, selected for another student
    of the run, or a candidate with the twin pattern (:mod:`workflows.run.mid_warnings`); the warnings
    are logged with the decision. With ``seen`` (what the reviewer's page showed), a decision
    changed meanwhile by someone else is refused rather than overwritten.
    """
    try:
        decision = MatchDecision(local_id, kind, ssid)
    except ValueError as error:
        raise StepRefused(f"student {local_id}: {error}", "decide") from None

    def effects(run: Run) -> Decided:
        if local_id not in store.requested_ids(run.id):
            raise StepRefused(f"student {local_id} is not in run {run.id}'s request file", "decide")
        # Inside the transaction, after the run's compare-and-set: concurrent saves are serialized.
        stale = _decided_meanwhile(store, run.id, local_id, seen) if seen is not None else None
        if stale is not None:
            raise StepRefused(stale, "decide")
        candidates = store.candidates(run.id, local_id).get(local_id, [])
        if kind is DecisionKind.SELECT and ssid not in {c.ssid for c in candidates}:
            raise StepRefused(f"student {local_id}: the SSID selected is not one of the student's candidates", "decide")
        warnings = decision_warnings(store, run.id, local_id, kind, ssid, candidates)
        store.save_decision(run.id, decision, warnings, actor.name, actor.now())
        return Decided(decision, warnings)

    return act(store, run_id, "decide", (RunState.RESULTS_LOADED,), actor, effects, log=False)


def _updated_content(store: WorkflowStore, run: Run, actor: Actor, partial: bool) -> tuple[bytes, int]:
    records = build_updated_records(store.request_records(run.id), store.decisions(run.id), partial=partial)
    settings = store.district_settings()
    if settings.lea is None or settings.year is None:
        raise StepRefused(settings_problem(settings) or "settings incomplete")
    today = local_stamp(actor.now()).date()
    errors = errors_of(validate_senr(records, lea=settings.lea, current_year=settings.year, today=today))
    if errors:
        raise StepRefused(f"pre-validation failed: {errors[0]}")
    return senr_bytes(records)


def partial_file(store: WorkflowStore, run_id: int, out_dir: Path, actor: Actor) -> ProducedFile:
    """The updated SENR file of the students decided so far ("Download Partial Extract")."""
    check_out_dir(out_dir)

    def effects(run: Run) -> tuple[GeneratedFile, bytes]:
        content, count = _updated_content(store, run, actor, partial=True)
        if count == 0:
            raise StepRefused("no student decided so far would be sent (no Select or New SSID decision yet)", "partial")
        name = updated_file_name(local_stamp(actor.now())).replace("_Updated", "_Partial")
        return keep_file(store, FileKind.PARTIAL, name, content, count, actor, run.id), content

    kept, content = act(
        store, run_id, "partial", (RunState.RESULTS_LOADED,), actor, effects,
        lambda done: Recorded(done[0].name, done[0].sha256, {"records": done[0].records}),
    )
    return ProducedFile(load_run(store, run_id), kept, write_output(out_dir, kept.name, content))


def confirm_all(store: WorkflowStore, run_id: int, actor: Actor) -> Run:
    """Every requested student has a decision: the decisions become final (``confirm_all``)."""

    def facts(run: Run) -> ConfirmFacts:
        counts = store.run_counts(run.id)
        return ConfirmFacts(counts.get("requested", 0) - counts.get("decided", 0))

    run, _ = advance(store, run_id, RunEvent.CONFIRM_ALL, facts, actor, lambda run: None)
    return run


def create_updated(store: WorkflowStore, run_id: int, out_dir: Path, actor: Actor) -> ProducedFile:
    """Step 4: the updated SENR file (``create_updated``), kept and written to ``out_dir``."""
    check_out_dir(out_dir)

    def effects(run: Run) -> tuple[GeneratedFile, bytes]:
        content, count = _updated_content(store, run, actor, partial=False)
        name = updated_file_name(local_stamp(actor.now()))
        return keep_file(store, FileKind.UPDATED, name, content, count, actor, run.id), content

    run, (kept, content) = advance(
        store, run_id, RunEvent.CREATE_UPDATED, NoFacts(), actor, effects,
        lambda done: Recorded(done[0].name, done[0].sha256, {"records": done[0].records}),
    )
    return ProducedFile(run, kept, write_output(out_dir, kept.name, content))
