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
from domain.runs import Batch, BatchKind, BatchState, FileKind, NewBatch, Run, RunAction, RunEvent
from workflows.batches.shared import apply_batch, lea_checked, note_batch_loaded, read_planned, undo_batch
from workflows.files import Progress
from workflows.run.guards import ExtractFacts
from workflows.mail import send_apply_summary
from workflows.ports import Batches, UnitOfWork
from workflows.run.stepping import Actor, attempt

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


def pending_extract(batches: Batches, run_id: int) -> Batch | None:
    """The run's newest extract batch if it is loaded and not yet applied."""
    found = batches.batches_of(BatchKind.EXTRACT, run_id)
    return found[0] if found and found[0].state is BatchState.LOADED else None


def load_extract(
    uow: UnitOfWork,
    run_id: int,
    path: Path,
    actor: Actor,
    *,
    overwrite: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
) -> ExtractPreview:
    """Read and plan the SSID Extract, keep its preview; nothing about students changes yet."""
    with attempt(uow, run_id, RunAction.LOAD_EXTRACT, actor) as step:
        lea = uow.settings.district_settings().lea
        shown = name or path.name

        def stage(rows: Iterable[ExtractRow]) -> int:
            return uow.extract_staging.stage_extract(lea_checked(rows, lea, shown))

        # Read and staged before the transaction: a 600,000-line file keeps no lock meanwhile.
        read, _ = read_planned(path, name, open_ssid_extract, stage, progress, distinct=True)
        with step.commit():
            batch = uow.batches.add_batch(
                NewBatch(
                    kind=BatchKind.EXTRACT, file_name=read.name, sha256=read.sha256, at=actor.now(), actor=actor.name,
                    run_id=step.run.id, overwrite=overwrite,
                )
            )
            plan_counts, changes = uow.extract_staging.preview_staged_extract(batch.id, overwrite)
            counts = extract_counts(plan_counts, changes)
            uow.batches.set_batch_counts(batch.id, counts)
            note_batch_loaded(uow.files, BatchKind.EXTRACT, read, batch_id=batch.id, counts=counts, actor=actor, run_id=step.run.id)
            shown_counts = {key: counts[key] for key in ("changes", "conflicts", "unmatched")}
            step.record(file_name=read.name, sha256=read.sha256, counts=shown_counts)
    kept = uow.batches.get_batch(batch.id) or batch
    return ExtractPreview(kept, counts["changes"], counts["conflicts"], counts["unmatched"])


def apply_extract(uow: UnitOfWork, run_id: int, actor: Actor, *, confirmed: bool = True) -> AppliedExtract:
    """Apply the previewed extract (``apply_extract``): one transaction, journaled, then mailed."""
    with attempt(uow, run_id, RunEvent.APPLY_EXTRACT, actor) as step:
        batch = pending_extract(uow.batches, step.run.id)
        step.check(ExtractFacts(batch is not None, confirmed))
        assert batch is not None
        with step.commit():
            counts = apply_batch(uow, batch, actor)
            uow.files.retire_files(step.run.id, FileKind.REQUEST)
            step.record(file_name=batch.file_name, sha256=batch.sha256, counts=counts)
    applied = uow.batches.get_batch(batch.id) or batch
    send_apply_summary(uow, f"SSID Extract applied (run {step.run.id})", counts, actor)
    return AppliedExtract(step.run, applied, counts.get("students", 0), counts)


def undo_extract(uow: UnitOfWork, run_id: int, actor: Actor) -> int:
    """Undo the run's applied extract: every changed field restored from the journal."""
    with attempt(uow, run_id, RunAction.UNDO_EXTRACT, actor) as step, step.commit():
        extracts = uow.batches.batches_of(BatchKind.EXTRACT, step.run.id)
        applied = [b for b in extracts if b.state is BatchState.APPLIED]
        if not applied:
            step.refuse(f"run {step.run.id} has no applied SSID Extract to undo")
        restored = undo_batch(uow, applied[0], actor)
        step.record(counts={"restored": restored})
    return restored
