"""Steps 3 and 4: load CALPADS' match results, record decisions, confirm, and write the updated file.

A result file is bound to a run (:mod:`workflows.run.result_binding`): another run's file is
refused naming that run, a row that does not echo this run's request is refused naming line and
field, a file missing requested students is refused; a renamed file whose content answers the
request is fine. It is read whole before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from domain.model import DecisionKind, MatchDecision
from domain.planning.request import updated_file_name
from domain.planning.updated import build_updated_records
from domain.readers import open_match_result
from domain.runs import FileKind, GeneratedFile, Run, RunAction, RunEvent
from domain.validation import errors_of, validate_senr
from domain.values import LocalId, Ssid
from workflows.errors import StepRefused
from domain.memory import collection_paused
from workflows.batches.shared import read_whole
from workflows.files import Progress, check_out_dir, keep_file, local_stamp, note_loaded, senr_bytes, write_output
from workflows.run.guards import ConfirmFacts, NoFacts, ResultsFacts
from workflows.run.mid_warnings import STRONG_MATCH_PERCENT, mid_warnings
from workflows.ports import Matches, UnitOfWork
from workflows.run.lifecycle import settings_problem
from workflows.run.result_binding import binding_problem
from workflows.run.stepping import Actor, attempt
from workflows.run.summer import SummerSelaFile, keep_summer_sela

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
    """A decision and the warnings a person should see: recorded with them, or (asked to decide
    only without warnings) not recorded because of them (``recorded`` false)."""

    decision: MatchDecision
    warnings: list[str]
    recorded: bool = True


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
    summer_sela: SummerSelaFile | None = None
    summer_sela_path: Path | None = None


def load_results(
    uow: UnitOfWork,
    run_id: int,
    path: Path,
    actor: Actor,
    name: str | None = None,
    progress: Progress | None = None,
) -> LoadedResults:
    """Load CALPADS' match result file for the run (``load_results``)."""
    shown = name or path.name
    with collection_paused(), attempt(uow, run_id, RunEvent.LOAD_RESULTS, actor) as step:
        try:
            _, sha256, rows = read_whole(path, shown, open_match_result, progress)
        except StepRefused as broken:
            step.refuse(broken.reason, cause=broken.cause)
        bound = binding_problem(uow, step.run, rows, shown, sha256)
        if bound is not None and bound.cause is not None:
            step.refuse(bound.reason, cause=bound.cause)
        step.check(ResultsFacts(bound.reason if bound is not None else None))
        with step.commit():
            candidates = uow.matches.save_candidates(step.run.id, rows)
            note_loaded(uow.files, FileKind.MATCH_RESULT, shown, sha256, records=len(rows), actor=actor, run_id=step.run.id)
            students = len({row.local_id for row in rows})
            step.record(file_name=shown, sha256=sha256, counts={"students": students, "candidates": candidates})
        del rows  # the rows go while the collector still looks away
    return LoadedResults(step.run, students, candidates)


def _decided_meanwhile(matches: Matches, run_id: int, local_id: LocalId, seen: SeenDecision) -> str | None:
    current = matches.decision_version(run_id, local_id)
    if (current[0] if current is not None else None) == seen.version:
        return None
    by = f" by {current[1]}" if current is not None else ""
    return (
        f"student {local_id}: not recorded, the decision changed{by} after this page was opened; "
        "look at the decision now shown and decide again"
    )


def decide(
    uow: UnitOfWork,
    run_id: int,
    local_id: LocalId,
    kind: DecisionKind,
    actor: Actor,
    ssid: Ssid | None = None,
    seen: SeenDecision | None = None,
    *,
    unless_warned: bool = False,
) -> Decided:
    """Record (or change) one student's decision; only among that student's candidates.

    Refused outside ``results_loaded`` (decisions are final once confirmed). Warns, without
    refusing, when New SSID is chosen despite a strong candidate (CALPADS' or our comparison's),
    or the SSID selected is already held by another local student, selected for another student
    of the run, or a candidate with the twin pattern (:mod:`workflows.run.mid_warnings`); the warnings
    are logged with the decision. With ``seen`` (what the reviewer's page showed), a decision
    changed meanwhile by someone else is refused rather than overwritten. With ``unless_warned``
    a decision that would give warnings is not recorded: they come back (``recorded`` false) for
    the person to look at first, found in the same transaction as a save would be.
    """
    try:
        decision = MatchDecision(local_id, kind, ssid)
    except ValueError as error:
        raise StepRefused(f"student {local_id}: {error}", RunAction.DECIDE.value) from None
    with attempt(uow, run_id, RunAction.DECIDE, actor) as step:
        run = step.run
        # Read before the transaction: the student's request line and candidates, and who holds the
        # SSID, do not change while a run is in review.
        record = uow.requests.request_record(run.id, local_id)
        if record is None:
            raise StepRefused(f"student {local_id} is not in run {run.id}'s request file", RunAction.DECIDE.value)
        candidates = uow.matches.candidates(run.id, local_id).get(local_id, [])
        if kind is DecisionKind.SELECT and ssid not in {c.ssid for c in candidates}:
            raise StepRefused(
                f"student {local_id}: the SSID selected is not one of the student's candidates", RunAction.DECIDE.value
            )
        holders = [h for h in uow.students.local_ids_with_ssid(ssid) if h != local_id] if ssid is not None else []
        # Reviewers deciding other students go on beside this decision (a transition such as Confirm
        # all waits for it); one deciding this student, or selecting this SSID, waits for it and
        # then sees what it saved.
        with step.commit(log=False, beside_others=True):  # decisions have their own log
            uow.matches.lock_decision(run.id, local_id, ssid)
            stale = _decided_meanwhile(uow.matches, run.id, local_id, seen) if seen is not None else None
            if stale is not None:
                raise StepRefused(stale, RunAction.DECIDE.value)
            selected_for = [s for s in uow.matches.selected_for(run.id, ssid) if s != local_id] if ssid is not None else []
            warnings = mid_warnings(decision, record, candidates, holders, selected_for)
            if unless_warned and warnings:
                return Decided(decision, warnings, recorded=False)
            uow.matches.save_decision(run.id, decision, warnings=warnings, actor=actor.name, at=actor.now())
    return Decided(decision, warnings)


def _updated_content(uow: UnitOfWork, run: Run, actor: Actor, partial: bool) -> tuple[bytes, int]:
    records = build_updated_records(
        uow.requests.request_records(run.id), uow.matches.decisions(run.id), partial=partial
    )
    settings = uow.settings.district_settings()
    if settings.lea is None or settings.year is None:
        raise StepRefused(settings_problem(settings) or "settings incomplete")
    today = local_stamp(actor.now()).date()
    errors = errors_of(validate_senr(records, lea=settings.lea, current_year=settings.year, today=today))
    if errors:
        raise StepRefused(f"pre-validation failed: {errors[0]}")
    return senr_bytes(records)


def partial_file(uow: UnitOfWork, run_id: int, out_dir: Path, actor: Actor) -> ProducedFile:
    """The updated SENR file of the students decided so far ("Download Partial Extract")."""
    check_out_dir(out_dir)
    with attempt(uow, run_id, RunAction.PARTIAL, actor) as step, step.commit():
        content, count = _updated_content(uow, step.run, actor, partial=True)
        if count == 0:
            raise StepRefused(
                "no student decided so far would be sent (no Select or New SSID decision yet)", RunAction.PARTIAL.value
            )
        name = updated_file_name(local_stamp(actor.now())).replace("_Updated", "_Partial")
        kept = keep_file(uow.files, FileKind.PARTIAL, name, content, records=count, actor=actor, run_id=step.run.id)
        step.record(file_name=kept.name, sha256=kept.sha256, counts={"records": kept.records})
    return ProducedFile(step.run, kept, write_output(out_dir, kept.name, content))


def confirm_all(uow: UnitOfWork, run_id: int, actor: Actor) -> Run:
    """Every requested student has a decision: the decisions become final (``confirm_all``)."""
    with attempt(uow, run_id, RunEvent.CONFIRM_ALL, actor) as step:
        counts = uow.runs.run_counts(step.run.id)
        step.check(ConfirmFacts(counts.get("requested", 0) - counts.get("decided", 0)))
        step.accept()
    return step.run


def create_updated(uow: UnitOfWork, run_id: int, out_dir: Path, actor: Actor) -> ProducedFile:
    """Step 4: the updated SENR file (``create_updated``), kept and written to ``out_dir``."""
    check_out_dir(out_dir)
    with attempt(uow, run_id, RunEvent.CREATE_UPDATED, actor) as step:
        step.check(NoFacts())
        with step.commit():
            content, count = _updated_content(uow, step.run, actor, partial=False)
            name = updated_file_name(local_stamp(actor.now()))
            kept = keep_file(uow.files, FileKind.UPDATED, name, content, records=count, actor=actor, run_id=step.run.id)
            sela = None
            counts = {"records": kept.records}
            if step.run.summer:  # Summer ELPAC: the TBD statuses go beside the updated file
                lea = uow.settings.district_settings().lea
                assert lea is not None  # _updated_content refused incomplete settings
                sela = keep_summer_sela(uow, step.run, lea, kept.name, actor)
                counts |= {"summer": 1, "sela_tbd": sela.file.records if sela.file else 0, "sela_waiting": len(sela.waiting)}
            step.record(file_name=kept.name, sha256=kept.sha256, counts=counts)
    path = write_output(out_dir, kept.name, content)
    if sela is None or sela.file is None:
        return ProducedFile(step.run, kept, path, sela)
    return ProducedFile(step.run, kept, path, sela, write_output(out_dir, sela.file.name, sela.content))
