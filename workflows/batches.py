"""What every loaded batch shares (SSID Extract, Replacement SSIDs, SELA import): reading the
file whole before anything is written, keeping its preview, applying it, undoing it.

Apply and undo run inside the caller's transaction: the batch moves by compare-and-set on its
state, a preview that no longer matches the students' current values is refused (load the file
again), every changed field is journaled, and undo restores each from the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from domain.errors import FileProblem
from domain.runs import Batch, BatchKind, BatchState, CalpadsAction, CalpadsHistoryEntry, FileKind, PreviewItem
from workflows.batch_machines import BatchEvent, batch_machine
from workflows.errors import NotFound, StepRefused
from workflows.files import Progress, counted, sha256_file
from workflows.ports import WorkflowStore
from workflows.stepping import Actor

__all__ = [
    "read_whole",
    "load_batch",
    "apply_batch",
    "undo_batch",
    "get_batch",
    "changed_students",
    "BATCH_FILE_KINDS",
]

R = TypeVar("R")

BATCH_FILE_KINDS: Mapping[BatchKind, FileKind] = {
    BatchKind.EXTRACT: FileKind.SSID_EXTRACT,
    BatchKind.REPLACEMENT: FileKind.REPLACEMENT_EXTRACT,
    BatchKind.SELA_IMPORT: FileKind.SELA_DOWNLOAD,
    BatchKind.ODS_AUDIT: FileKind.ODS_DOWNLOAD,
}

_WHAT = {
    BatchKind.EXTRACT: "SSID Extract batch",
    BatchKind.REPLACEMENT: "Replacement SSIDs batch",
    BatchKind.SELA_IMPORT: "SELA import batch",
    BatchKind.ODS_AUDIT: "ODS audit",
}


def read_whole(
    path: Path, name: str | None, reader: Callable[[Path, str], Iterable[R]], progress: Progress | None = None
) -> tuple[str, str, list[R]]:
    """Read every row of a file before anything is written; a broken file is a refusal naming
    the file, line and field. Returns the name shown, the SHA-256 and the rows.
    """
    shown = name or path.name
    try:
        rows = list(counted(reader(path, shown), progress))
    except FileProblem as problem:
        raise StepRefused(str(problem)) from None
    return shown, sha256_file(path), rows


def changed_students(items: Iterable[PreviewItem]) -> int:
    """How many applied preview lines change at least one field."""
    return sum(1 for item in items if item.applied and item.changes)


def load_batch(
    store: WorkflowStore,
    kind: BatchKind,
    file: tuple[str, str, int],
    items: list[PreviewItem],
    counts: Mapping[str, int],
    actor: Actor,
    run_id: int | None = None,
    overwrite: bool = False,
) -> Batch:
    """Keep a loaded file's preview as a new batch and note the file in the CALPADS History
    (call inside a transaction). ``file`` is (name, SHA-256, lines read).
    """
    name, sha256, lines = file
    batch = store.add_batch(
        kind, BatchState.LOADED.value, name, sha256, actor.now(), actor.name, run_id, overwrite, counts, items
    )
    store.add_calpads_history(
        CalpadsHistoryEntry(
            actor.now(), actor.name, CalpadsAction.LOADED, BATCH_FILE_KINDS[kind], name, sha256, lines, run_id, batch.id,
            dict(counts),
        )
    )
    return batch


def get_batch(store: WorkflowStore, batch_id: int, kind: BatchKind) -> Batch:
    """The batch numbered ``batch_id`` of ``kind``, or :class:`NotFound`."""
    batch = store.get_batch(batch_id)
    if batch is None or batch.kind is not kind:
        raise NotFound(f"there is no {_WHAT[kind]} {batch_id}")
    return batch


def _move(store: WorkflowStore, batch: Batch, event: BatchEvent, actor: Actor) -> BatchState:
    dest = batch_machine(BatchState(batch.state), f"{_WHAT[batch.kind]} {batch.id}").fire(event)
    if not store.set_batch_state(batch.id, batch.state, dest.value, actor.now(), actor.name):
        raise StepRefused(f"the {_WHAT[batch.kind]} {batch.id} changed meanwhile; look at it again", event.value)
    return dest


def apply_batch(store: WorkflowStore, batch: Batch, actor: Actor) -> Mapping[str, int]:
    """Apply a loaded batch (inside the caller's transaction): every previewed change, journaled.

    Returns the counts of changed values per ``table.field`` and ``students``.
    """
    _move(store, batch, BatchEvent.APPLY, actor)
    stale = store.stale_changes(batch.id)
    if stale:
        raise StepRefused(
            f"{stale} student field(s) changed since the {_WHAT[batch.kind]} {batch.id} was previewed; "
            "load the file again",
            BatchEvent.APPLY.value,
        )
    counts = store.apply_changes(batch.id)
    store.add_calpads_history(
        CalpadsHistoryEntry(
            actor.now(), actor.name, CalpadsAction.APPLIED, BATCH_FILE_KINDS[batch.kind], batch.file_name,
            batch.sha256, counts.get("students", 0), batch.run, batch.id, dict(counts),
        )
    )
    return counts


def undo_batch(store: WorkflowStore, batch: Batch, actor: Actor) -> int:
    """Undo an applied batch (inside the caller's transaction): every journaled field restored."""
    _move(store, batch, BatchEvent.UNDO, actor)
    changed = store.changed_since_apply(batch.id)
    if changed:
        raise StepRefused(
            f"{changed} field(s) the {_WHAT[batch.kind]} {batch.id} set were changed since; "
            "undo the later change first",
            BatchEvent.UNDO.value,
        )
    restored = store.undo_changes(batch.id)
    store.add_calpads_history(
        CalpadsHistoryEntry(
            actor.now(), actor.name, CalpadsAction.UNDONE, BATCH_FILE_KINDS[batch.kind], batch.file_name,
            batch.sha256, restored, batch.run, batch.id, {"restored": restored},
        )
    )
    return restored

