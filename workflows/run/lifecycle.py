"""Running a run: start it, resolve MIDs, cancel it, and look at it (status, history, guards)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from domain.runs import BatchKind, HistoryEntry, Run, RunEvent
from workflows.errors import StepRefused
from workflows.run.guards import MidsFacts, NoFacts
from workflows.run.duplicate_check import parse_issue_key, shown_issues
from workflows.run.duplicate_decisions import record_same_child
from workflows.run.local_check import LocalIssue, local_issues
from workflows.ports import DistrictSettings, UnitOfWork
from workflows.run.stepping import Actor, attempt, load_run, record_refusal

__all__ = [
    "RunStatus",
    "REPLACEMENTS_DUE_DAYS",
    "replacements_loaded_at",
    "replacements_warning",
    "start_run",
    "resolve_mids",
    "acknowledge_issues",
    "cancel_run",
    "run_status",
    "status_of",
    "run_history",
    "settings_problem",
]


REPLACEMENTS_DUE_DAYS = 30
"""Replacement SSIDs loaded longer ago than this are worth loading again before resolving MIDs."""


@dataclass(frozen=True, slots=True)
class RunStatus:
    """A run's state and counts: students requested, decided, and candidates CALPADS proposed; and
    when the Replacement SSIDs Extract was last loaded (``None``: never)."""

    run: Run
    requested: int
    decided: int
    candidates: int
    replacements_loaded: dt.datetime | None = None


def replacements_loaded_at(uow: UnitOfWork) -> dt.datetime | None:
    """When a Replacement SSIDs Extract was last loaded (UTC), ``None`` when never."""
    batches = uow.batches.batches_of(BatchKind.REPLACEMENT)
    return max((b.loaded_at for b in batches), default=None)


def replacements_warning(uow: UnitOfWork, now: dt.datetime) -> str | None:
    """What the MIDs step should say about the Replacement SSIDs: never loaded, or more than
    :data:`REPLACEMENTS_DUE_DAYS` ago (``None`` when recent). CALPADS retires SSIDs as MIDs are
    resolved; a local SSID it retired is only caught once its Replacement extract is loaded."""
    loaded = replacements_loaded_at(uow)
    advice = "download the Replacement SSIDs Extract from CALPADS and load it (ssid replacement load; Replacement tab)"
    if loaded is None:
        return f"the Replacement SSIDs have never been loaded: {advice} before resolving MIDs"
    if loaded.tzinfo is None:
        loaded = loaded.replace(tzinfo=dt.timezone.utc)
    days = (now - loaded).days
    if days > REPLACEMENTS_DUE_DAYS:
        return f"the Replacement SSIDs were last loaded {days} days ago ({loaded:%Y-%m-%d}): {advice} again"
    return None


def start_run(uow: UnitOfWork, actor: Actor, *, summer: bool = False) -> Run:
    """Open a new run (a Summer ELPAC run with ``summer``: it also requests pre-enrolled students);
    refused (and recorded in the open run's history) while another is open."""
    with uow.atomic():
        run, created = uow.runs.start_run(actor.now(), actor.name, summer=summer)
        if created:
            uow.history.add_history(
                HistoryEntry(
                    run=run.id, at=actor.now(), actor=actor.name, event="start", source=None, dest=run.state.value,
                    accepted=True, counts={"summer": 1} if summer else {},
                )
            )
    if not created:
        reason = f"run {run.id} is open (state {run.state.value}); finish or cancel it first"
        record_refusal(uow, run, "start", reason, actor)
        raise StepRefused(reason, "start")
    return run


def acknowledge_issues(uow: UnitOfWork, keys: Collection[str], actor: Actor) -> list[LocalIssue]:
    """Acknowledge local issues by key (``"all"`` acknowledges every open one); returns the issues.

    The keys are those of the stored check a person was shown (current or not). Acknowledging a
    look-alike pair decides it is one child (:func:`workflows.run.duplicate_decisions.record_same_child`):
    the record without an SSID, or the newer, is then left out of SSID requests until the SIS
    merges them; to say they are two children, mark the pair "not a duplicate" instead.
    """
    issues = shown_issues(uow, actor)
    known = {issue.key for issue in issues}
    wanted = known if "all" in keys else {parse_issue_key(key) for key in keys}
    unknown = sorted(str(key) for key in wanted - known)
    if unknown:
        raise StepRefused(f"no open local issue {unknown[0]}")
    with uow.atomic():
        for key in sorted(wanted, key=str):
            uow.marks.acknowledge_issue(key, actor.name, actor.now())
            if key.pair is not None and key in known:
                record_same_child(uow, key, actor)
    return issues


def resolve_mids(uow: UnitOfWork, run_id: int, actor: Actor, *, attested: bool, recheck: bool = True) -> Run:
    """The MIDs-resolved step: a person's attestation and no unacknowledged local issue.

    The local duplicate check is the stored one while it is current; else it runs again now, or
    with ``recheck=False`` (a large district's console) the step is refused saying so.
    """
    with attempt(uow, run_id, RunEvent.RESOLVE_MIDS, actor) as step:
        # The cheap refusal first: without an attestation no duplicate check is needed.
        issues = local_issues(uow, actor, recheck=recheck) if attested else []
        step.check(MidsFacts(attested, sum(1 for issue in issues if not issue.acknowledged)))
        step.accept()
    return step.run


def cancel_run(uow: UnitOfWork, run_id: int, actor: Actor) -> Run:
    """Cancel the run (from any state but ``extract_loaded``; a cancelled run stays cancelled)."""
    with attempt(uow, run_id, RunEvent.CANCEL, actor) as step:
        step.check(NoFacts())
        step.accept()
    return step.run


def run_status(uow: UnitOfWork, run_id: int) -> RunStatus:
    """The run's state and its counts."""
    return status_of(uow, load_run(uow.runs, run_id))


def status_of(uow: UnitOfWork, run: Run) -> RunStatus:
    """The counts of a run just loaded, beside it (a page that has read the run reads it once)."""
    counts = uow.runs.run_counts(run.id)
    return RunStatus(
        run, counts.get("requested", 0), counts.get("decided", 0), counts.get("candidates", 0), replacements_loaded_at(uow)
    )


def run_history(uow: UnitOfWork, run_id: int) -> list[HistoryEntry]:
    """Every attempted step of the run, accepted and refused, in order."""
    load_run(uow.runs, run_id)
    return uow.history.run_history(run_id)


def settings_problem(settings: DistrictSettings) -> str | None:
    """What is missing from the settings for a request file (``None`` when complete)."""
    if not settings.missing:
        return None
    return "settings incomplete: set " + ", ".join(settings.missing)
