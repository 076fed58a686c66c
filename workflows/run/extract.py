"""Step 7: load the SSID Extract into a preview, apply it (``apply_extract``), undo it.

The file is read and checked before anything is written: its rows are staged in the database
(a temporary table) and the preview is computed from them set-based, by the rules of
domain.planning.extract, and kept as a batch of the run (a 600,000-line extract never becomes
600,000 objects). Applying moves the run to ``extract_loaded`` and the batch
to ``applied`` in one transaction with every field change journaled, retires the request file,
and then mails a summary of counts. Undo restores every changed field from the journal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from domain.planning.extract import ExtractCounts
from domain.readers import open_ssid_extract
from domain.records import ExtractRow
from domain.runs import Batch, BatchKind, BatchState, FileKind, Run, RunEvent, RunState
from workflows.batches.shared import ReadFile, apply_batch, lea_checked, note_batch_loaded, read_planned, undo_batch
from workflows.errors import StepRefused
from workflows.files import Progress
from workflows.run.guards import ExtractFacts
from workflows.mail import send_apply_summary
from workflows.ports import WorkflowStore
from workflows.run.stepping import Actor, Recorded, act, advance

__all__ = [
    "ExtractPreview",
    "AppliedExtract",
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


def extract_counts(counts: ExtractCounts, changes: int) -> dict[str, int]:
    """The plan's counts, plus ``changes`` (students changed), ``conflicts`` and ``unmatched``."""
    shown = asdict(counts)
    shown["changes"] = changes
    shown["conflicts"] = shown["conflict"] + shown["held_by_another"]
    shown["unmatched"] = shown["unmatched"] + shown["ambiguous"] + shown["repeated"]
    return shown


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
    staged: list[ReadFile] = []

    def prepare(run: Run) -> None:
        lea = store.district_settings().lea

        def stage(rows: Iterable[ExtractRow]) -> int:
            return store.stage_extract(lea_checked(rows, lea, name or path.name))

        read, _ = read_planned(path, name, open_ssid_extract, stage, progress, distinct=True)
        staged.append(read)

    def effects(run: Run) -> ExtractPreview:
        read = staged[0]
        batch = store.add_batch(
            BatchKind.EXTRACT, BatchState.LOADED.value, read.name, read.sha256, actor.now(), actor.name, run.id,
            overwrite, {}, (),
        )
        plan_counts, changes = store.preview_staged_extract(batch.id, overwrite)
        counts = extract_counts(plan_counts, changes)
        store.set_batch_counts(batch.id, counts)
        note_batch_loaded(store, BatchKind.EXTRACT, read.as_tuple, batch.id, counts, actor, run.id)
        return ExtractPreview(store.get_batch(batch.id) or batch, counts["changes"], counts["conflicts"], counts["unmatched"])

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
