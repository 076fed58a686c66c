"""Running a run: start it, resolve MIDs, cancel it, and look at it (status, history, guards)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from domain.runs import HistoryEntry, Run, RunEvent
from workflows.errors import StepRefused
from workflows.run.guards import MidsFacts, NoFacts
from workflows.run.duplicate_check import shown_issues
from workflows.run.local_check import LocalIssue, local_issues
from workflows.ports import DistrictSettings, WorkflowStore
from workflows.run.machine import order_reason
from workflows.run.stepping import Actor, advance, load_run, record_refusal

__all__ = [
    "RunStatus",
    "start_run",
    "resolve_mids",
    "acknowledge_issues",
    "cancel_run",
    "run_status",
    "run_history",
    "settings_problem",
]


@dataclass(frozen=True, slots=True)
class RunStatus:
    """A run's state and counts: students requested, decided, and candidates CALPADS proposed."""

    run: Run
    requested: int
    decided: int
    candidates: int


def start_run(store: WorkflowStore, actor: Actor) -> Run:
    """Open a new run; refused (and recorded in the open run's history) while another is open."""
    with store.atomic():
        run, created = store.start_run(actor.now(), actor.name)
        if created:
            store.add_history(HistoryEntry(run.id, actor.now(), actor.name, "start", None, run.state.value, True))
    if not created:
        reason = f"run {run.id} is open (state {run.state.value}); finish or cancel it first"
        record_refusal(store, run, "start", reason, actor)
        raise StepRefused(reason, "start")
    return run


def acknowledge_issues(store: WorkflowStore, keys: Collection[str], actor: Actor) -> list[LocalIssue]:
    """Acknowledge local issues by key (``"all"`` acknowledges every open one); returns the issues.

    The keys are those of the stored check a person was shown (current or not).
    """
    issues = shown_issues(store, actor)
    known = {issue.key for issue in issues}
    wanted = known if "all" in keys else set(keys)
    unknown = sorted(wanted - known)
    if unknown:
        raise StepRefused(f"no open local issue {unknown[0]}")
    with store.atomic():
        for key in sorted(wanted):
            store.acknowledge_issue(key, actor.name, actor.now())
    return issues


def resolve_mids(store: WorkflowStore, run_id: int, actor: Actor, *, attested: bool, recheck: bool = True) -> Run:
    """The MIDs-resolved step: a person's attestation and no unacknowledged local issue.

    The local duplicate check is the stored one while it is current; else it runs again now, or
    with ``recheck=False`` (a large district's console) the step is refused saying so.
    """

    def facts(run: Run) -> MidsFacts:
        if not attested or order_reason(RunEvent.RESOLVE_MIDS, run.state) is not None:
            return MidsFacts(attested, 0)  # the cheap refusal first: no duplicate check needed
        issues = local_issues(store, actor, recheck=recheck)
        return MidsFacts(True, sum(1 for issue in issues if not issue.acknowledged))

    run, _ = advance(store, run_id, RunEvent.RESOLVE_MIDS, facts, actor, lambda run: None)
    return run


def cancel_run(store: WorkflowStore, run_id: int, actor: Actor) -> Run:
    """Cancel the run (from any state but ``extract_loaded``; a cancelled run stays cancelled)."""
    run, _ = advance(store, run_id, RunEvent.CANCEL, NoFacts(), actor, lambda run: None)
    return run


def run_status(store: WorkflowStore, run_id: int) -> RunStatus:
    """The run's state and its counts."""
    run = load_run(store, run_id)
    counts = store.run_counts(run_id)
    return RunStatus(run, counts.get("requested", 0), counts.get("decided", 0), counts.get("candidates", 0))


def run_history(store: WorkflowStore, run_id: int) -> list[HistoryEntry]:
    """Every attempted step of the run, accepted and refused, in order."""
    load_run(store, run_id)
    return store.run_history(run_id)


def settings_problem(settings: DistrictSettings) -> str | None:
    """What is missing from the settings for a request file (``None`` when complete)."""
    if not settings.missing:
        return None
    return "settings incomplete: set " + ", ".join(settings.missing)
