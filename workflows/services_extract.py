"""Step 7: load the SSID Extract into a preview, apply it (``apply_extract``), undo it.

The file is read whole and planned (domain.planning.extract) before anything is written; the
preview is kept as a batch of the run. Applying moves the run to ``extract_loaded`` and the batch
to ``applied`` in one transaction with every field change journaled, retires the request file,
and then mails a summary of counts. Undo restores every changed field from the journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from domain.planning.extract import ExtractChange, ExtractPlan, plan_extract
from domain.planning.identity import FieldChange, IdentityField, lookup_by_local_id, lookup_by_ssid
from domain.readers import open_ssid_extract
from domain.runs import Batch, BatchKind, BatchState, FileKind, PreviewItem, Run, RunEvent, RunState
from workflows.batches import apply_batch, changed_students, check_lea, load_batch, read_whole, undo_batch
from workflows.errors import StepRefused
from workflows.files import Progress
from workflows.guards import ExtractFacts
from workflows.mail import send_apply_summary
from workflows.ports import WorkflowStore
from workflows.stepping import Actor, Recorded, act, advance

__all__ = [
    "ExtractPreview",
    "AppliedExtract",
    "extract_items",
    "extract_counts",
    "pending_extract",
    "load_extract",
    "apply_extract",
    "undo_extract",
]


@dataclass(frozen=True)
class ExtractPreview:
    """A loaded extract: its batch and the counts the person reviews before applying."""

    batch: Batch
    changes: int
    conflicts: int
    unmatched: int


@dataclass(frozen=True)
class AppliedExtract:
    run: Run
    batch: Batch
    updated: int
    counts: Mapping[str, int]


def _item(change: ExtractChange) -> PreviewItem:
    if change.outcome.applied:
        changes = tuple(change.field_changes())
    else:
        old = change.before.ssid if change.before is not None else None
        changes = (FieldChange(change.local_id, IdentityField.SSID, old, change.ssid),)
    return PreviewItem(change.line, change.local_id, change.outcome.value, change.outcome.applied, changes)


def extract_items(plan: ExtractPlan) -> list[PreviewItem]:
    """The preview lines of an extract plan, in file order."""
    return [_item(change) for change in plan.lines]


def extract_counts(plan: ExtractPlan, items: list[PreviewItem]) -> dict[str, int]:
    """The plan's counts, plus ``changes`` (students changed), ``conflicts`` and ``unmatched``."""
    counts = asdict(plan.counts)
    counts["changes"] = changed_students(items)
    counts["conflicts"] = counts["conflict"] + counts["held_by_another"]
    counts["unmatched"] = counts["unmatched"] + counts["ambiguous"] + counts["repeated"]
    return counts


def pending_extract(store: WorkflowStore, run_id: int) -> Batch | None:
    """The run's newest extract batch if it is loaded and not yet applied."""
    batches = store.batches(BatchKind.EXTRACT, run_id)
    return batches[0] if batches and batches[0].state == BatchState.LOADED.value else None


def load_extract(
    store: WorkflowStore,
    run_id: int,
    path: Path,
    actor: Actor,
    *,
    overwrite: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
) -> ExtractPreview:
    """Read and plan the SSID Extract, keep its preview; nothing about students changes yet."""
    planned: list[tuple[tuple[str, str, int], list[PreviewItem], dict[str, int]]] = []

    def prepare(run: Run) -> None:
        shown, sha256, rows = read_whole(path, name, open_ssid_extract, progress)
        check_lea(rows, store.district_settings().lea, shown)
        identities = list(store.iter_identities())
        plan = plan_extract(rows, lookup_by_local_id(identities), overwrite=overwrite, ssid_holders=lookup_by_ssid(identities))
        items = extract_items(plan)
        planned.append(((shown, sha256, len(rows)), items, extract_counts(plan, items)))

    def effects(run: Run) -> ExtractPreview:
        file, items, counts = planned[0]
        batch = load_batch(store, BatchKind.EXTRACT, file, items, counts, actor, run.id, overwrite)
        return ExtractPreview(batch, counts["changes"], counts["conflicts"], counts["unmatched"])

    return act(
        store, run_id, "load_extract", (RunState.UPDATED,), actor, effects,
        lambda done: Recorded(
            done.batch.file_name, done.batch.sha256,
            {"changes": done.changes, "conflicts": done.conflicts, "unmatched": done.unmatched},
        ),
        prepare=prepare,
    )


def apply_extract(store: WorkflowStore, run_id: int, actor: Actor, *, confirmed: bool = True) -> AppliedExtract:
    """Apply the previewed extract (``apply_extract``): one transaction, journaled, then mailed."""
    pending: list[Batch] = []

    def facts(run: Run) -> ExtractFacts:
        batch = pending_extract(store, run.id) if run.state is RunState.UPDATED else None
        if batch is not None:
            pending.append(batch)
        return ExtractFacts(batch is not None, confirmed)

    def effects(run: Run) -> Mapping[str, int]:
        counts = apply_batch(store, pending[0], actor)
        store.retire_files(run.id, FileKind.REQUEST)
        return counts

    run, counts = advance(
        store, run_id, RunEvent.APPLY_EXTRACT, facts, actor, effects,
        lambda done: Recorded(pending[0].file_name, pending[0].sha256, dict(done)),
    )
    batch = store.get_batch(pending[0].id) or pending[0]
    send_apply_summary(store, f"SSID Extract applied (run {run.id})", counts, actor)
    return AppliedExtract(run, batch, counts.get("students", 0), counts)


def undo_extract(store: WorkflowStore, run_id: int, actor: Actor) -> int:
    """Undo the run's applied extract: every changed field restored from the journal."""

    def effects(run: Run) -> int:
        applied = [b for b in store.batches(BatchKind.EXTRACT, run.id) if b.state == BatchState.APPLIED.value]
        if not applied:
            raise StepRefused(f"run {run.id} has no applied SSID Extract to undo", "undo_extract")
        return undo_batch(store, applied[0], actor)

    return act(
        store, run_id, "undo_extract", (RunState.EXTRACT_LOADED,), actor, effects,
        lambda restored: Recorded(counts={"restored": restored}),
    )
