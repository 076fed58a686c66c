"""What every loaded batch shares (SSID Extract, Replacement SSIDs, SELA import, ODS audit):
reading the file whole before anything is written, keeping its preview, applying it, undoing it.

Apply and undo run inside the caller's transaction: the batch moves by compare-and-set on its
state, a preview that no longer matches the students' current values is refused (load the file
again), every changed field is journaled, and undo restores each from the journal. Batches that
belong to no run (Replacement SSIDs, SELA import) are loaded, applied and undone whole by
:func:`load_file_batch`, :func:`apply_file_batch` and :func:`undo_file_batch`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from domain.errors import FileProblem
from domain.runs import (
    Batch,
    BatchKind,
    BatchState,
    CalpadsAction,
    CalpadsHistoryEntry,
    FileKind,
    NewBatch,
    OdsAuditState,
    PreviewItem,
)
from domain.values import CdsCode
from workflows.batches.machines import BatchEvent, OdsAuditEvent, batch_machine, ods_audit_machine
from workflows.errors import NotFound, StepRefused
from workflows.files import FileDigest, Progress, counted
from workflows.mail import send_apply_summary
from workflows.ports import Batches, Files, UnitOfWork
from workflows.run.stepping import Actor

__all__ = [
    "ReadFile",
    "AppliedBatch",
    "LoadedPreview",
    "read_planned",
    "check_line_end",
    "read_whole",
    "check_lea",
    "lea_checked",
    "other_lea_problem",
    "load_batch",
    "note_batch_loaded",
    "load_file_batch",
    "move_batch",
    "apply_batch",
    "apply_file_batch",
    "undo_batch",
    "undo_file_batch",
    "get_batch",
    "changed_students",
    "BATCH_FILE_KINDS",
    "BATCH_TITLES",
]

R = TypeVar("R")
P = TypeVar("P")

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

BATCH_TITLES: Mapping[BatchKind, str] = {
    BatchKind.EXTRACT: "SSID Extract",
    BatchKind.REPLACEMENT: "Replacement SSIDs",
    BatchKind.SELA_IMPORT: "SELA EL/IFEP import",
    BatchKind.ODS_AUDIT: "SENR ODS audit",
}
"""What each kind of batch is called in messages and mail subjects."""


@dataclass(frozen=True)
class ReadFile:
    """A file read whole: the name shown, its SHA-256 and how many lines it had."""

    name: str
    sha256: str
    lines: int



@dataclass(frozen=True)
class AppliedBatch:
    """An applied batch, how many students it changed, and its counts per ``table.field``."""

    batch: Batch
    updated: int
    counts: Mapping[str, int]


class LoadedPreview(Protocol):
    """What a load service returns: the batch kept, students it would change, lines not applied."""

    @property
    def batch(self) -> Batch: ...
    @property
    def changes(self) -> int: ...
    @property
    def unmatched(self) -> int: ...


class _LeaRow(Protocol):
    @property
    def reporting_lea(self) -> str: ...


def _line_of(row: object, position: int) -> int:
    """The file line of a row: its own ``line``, else its position (caret files have no header)."""
    line = getattr(row, "line", None)
    return line if isinstance(line, int) else position


def _values_of(row: object) -> Callable[[Any], tuple[Any, ...]]:
    """How to take a row's values (all but its line number) as one tuple: worked out once per file."""
    if hasattr(row, "values"):
        return lambda r: tuple(r.values())
    names = [f.name for f in fields(row) if f.name != "line"]  # type: ignore[arg-type]
    take = attrgetter(*names)
    return (lambda r: (take(r),)) if len(names) == 1 else take


def _repeats_refused(rows: Iterable[R], name: str) -> Iterator[R]:
    """The rows, refusing the first that repeats an earlier one exactly (a file pasted or saved twice).

    Only each row's hash is kept (a 600,000-line extract stays streamed: about 60 MB, not the rows);
    two different lines with one 64-bit hash are too unlikely to matter here.
    """
    seen: dict[int, int] = {}
    values: Callable[[Any], tuple[Any, ...]] | None = None
    for position, row in enumerate(rows, start=1):
        line = _line_of(row, position)
        if values is None:
            values = _values_of(row)
        first = seen.setdefault(hash(values(row)), line)
        if first != line:
            raise FileProblem(name, line, f"repeats line {first} exactly (was the file pasted or saved twice?); download it again")
        yield row


def check_line_end(path: Path, name: str, lines: int) -> None:
    """Refuse a file whose last line has no line end: CALPADS files end with one, so the
    download (or a copy) was cut off, whatever the last line still looks like."""
    with open(path, "rb") as stream:
        if stream.seek(0, 2) == 0:
            return
        stream.seek(-1, 2)
        ended = stream.read(1) == b"\n"
    if not ended:
        problem = FileProblem(name, max(lines, 1), "ends without a line end: the file was cut off; download it again")
        raise StepRefused.of(problem)


L = TypeVar("L", bound=_LeaRow)


def read_planned(
    path: Path,
    name: str | None,
    reader: Callable[[Path, str], Iterable[R]],
    plan: Callable[[Iterable[R]], P],
    progress: Progress | None = None,
    *,
    distinct: bool = False,
    lines_of: Callable[[R], int] | None = None,
) -> tuple[ReadFile, P]:
    """Stream a file's rows through ``plan`` before anything is written; a broken file (or a
    :class:`FileProblem` the plan raises) is a refusal naming the file, line and field. A file
    cut off in its last line is refused too, and with ``distinct`` one that repeats a line exactly.
    A reader whose rows are blocks of lines says how many lines each holds with ``lines_of``.
    """
    shown = name or path.name
    lines = 0

    def rows() -> Iterable[R]:
        nonlocal lines
        if lines_of is not None:
            for block in reader(path, shown):
                yield block
                lines += (held := lines_of(block))
                if progress is not None:
                    progress(held)
            return
        read = counted(reader(path, shown), progress)
        for lines, row in enumerate(_repeats_refused(read, shown) if distinct else read, start=1):
            yield row

    digest = FileDigest(path)
    try:
        planned = plan(rows())
        check_line_end(path, shown, lines)
    except FileProblem as problem:
        digest.cancel()
        raise StepRefused.of(problem) from None
    except BaseException:
        digest.cancel()
        raise
    return ReadFile(shown, digest.result(), lines), planned


def read_whole(
    path: Path, name: str | None, reader: Callable[[Path, str], Iterable[R]], progress: Progress | None = None
) -> tuple[str, str, list[R]]:
    """Read every row of a file before anything is written; a broken file, one cut off or one
    repeating a line is a refusal naming the file, line and field. Returns the name shown, the
    SHA-256 and the rows.
    """
    read, rows = read_planned(path, name, reader, list, progress, distinct=True)
    return read.name, read.sha256, rows


def other_lea_problem(
    name: str, line: int, found: str, lea: CdsCode, field_number: int = 1, field_name: str = "Reporting LEA"
) -> FileProblem:
    """The problem of a download line of another LEA than the district's."""
    return FileProblem(name, line, f"LEA {found} is not ours ({lea})", field_number, field_name)


def lea_checked(
    rows: Iterable[L], lea: CdsCode | None, name: str, field_number: int = 1, field_name: str = "Reporting LEA"
) -> Iterator[L]:
    """``rows`` as they stream, refusing a CALPADS download of another LEA (by default field 1,
    Reporting LEA) at the first such line."""
    for position, row in enumerate(rows, start=1):
        if lea is not None and row.reporting_lea != lea:
            line = _line_of(row, position)
            raise StepRefused.of(other_lea_problem(name, line, row.reporting_lea, lea, field_number, field_name))
        yield row


def check_lea(
    rows: Iterable[_LeaRow], lea: CdsCode | None, name: str, field_number: int = 1, field_name: str = "Reporting LEA"
) -> None:
    """Refuse a CALPADS download of another LEA, naming the first such line."""
    for _ in lea_checked(rows, lea, name, field_number, field_name):
        pass


def changed_students(items: Iterable[PreviewItem]) -> int:
    """How many applied preview lines change at least one field."""
    return sum(1 for item in items if item.applied and item.changes)


def load_batch(
    uow: UnitOfWork,
    kind: BatchKind,
    read: ReadFile,
    items: Iterable[PreviewItem],
    counts: Mapping[str, int],
    actor: Actor,
) -> Batch:
    """Keep a loaded file of no run's preview as a new batch and note the file in the CALPADS
    History (call inside a transaction)."""
    batch = uow.batches.add_batch(
        NewBatch(kind=kind, file_name=read.name, sha256=read.sha256, at=actor.now(), actor=actor.name, counts=counts),
        items,
    )
    note_batch_loaded(uow.files, kind, read, batch_id=batch.id, counts=counts, actor=actor)
    return batch


def note_batch_loaded(
    files: Files,
    kind: BatchKind,
    read: ReadFile,
    *,
    batch_id: int,
    counts: Mapping[str, int],
    actor: Actor,
    run_id: int | None = None,
) -> None:
    """Note a batch's file as loaded in the CALPADS History (its lines read as the records)."""
    files.add_calpads_history(
        CalpadsHistoryEntry(
            at=actor.now(), actor=actor.name, action=CalpadsAction.LOADED, kind=BATCH_FILE_KINDS[kind],
            file_name=read.name, sha256=read.sha256, records=read.lines, run=run_id, batch=batch_id,
            counts=dict(counts),
        )
    )


def get_batch(uow: UnitOfWork, batch_id: int, kind: BatchKind) -> Batch:
    """The batch numbered ``batch_id`` of ``kind``, or :class:`NotFound`."""
    batch = uow.batches.get_batch(batch_id)
    if batch is None or batch.kind is not kind:
        raise NotFound(f"there is no {_WHAT[kind]} {batch_id}")
    return batch


def move_batch(
    batches: Batches, batch: Batch, event: BatchEvent | OdsAuditEvent, actor: Actor
) -> BatchState | OdsAuditState:
    """Fire ``event`` on the batch's machine and move it by compare-and-set; returns the new state.

    Refused when the machine does not allow the event from the batch's state, or when the batch
    moved meanwhile (of two people applying it at once, exactly one succeeds).
    """
    what = f"{_WHAT[batch.kind]} {batch.id}"
    dest: BatchState | OdsAuditState
    if isinstance(event, OdsAuditEvent):
        dest = ods_audit_machine(OdsAuditState(batch.state), what).fire(event)
    else:
        dest = batch_machine(BatchState(batch.state), what).fire(event)
    if not batches.set_batch_state(batch.id, batch.state, dest, at=actor.now(), actor=actor.name):
        raise StepRefused(f"the {what} changed meanwhile; look at it again", event.value)
    return dest


def apply_batch(uow: UnitOfWork, batch: Batch, actor: Actor) -> Mapping[str, int]:
    """Apply a loaded batch (inside the caller's transaction): every previewed change, journaled.

    Returns the counts of changed values per ``table.field`` and ``students``.
    """
    move_batch(uow.batches, batch, BatchEvent.APPLY, actor)
    stale = uow.changes.stale_changes(batch.id)
    if stale:
        raise StepRefused(
            f"{stale} student field(s) changed since the {_WHAT[batch.kind]} {batch.id} was previewed; "
            "load the file again",
            BatchEvent.APPLY.value,
        )
    counts = uow.changes.apply_changes(batch.id)
    uow.files.add_calpads_history(
        CalpadsHistoryEntry(
            at=actor.now(), actor=actor.name, action=CalpadsAction.APPLIED, kind=BATCH_FILE_KINDS[batch.kind],
            file_name=batch.file_name, sha256=batch.sha256, records=counts.get("students", 0), run=batch.run,
            batch=batch.id, counts=dict(counts),
        )
    )
    return counts


def undo_batch(uow: UnitOfWork, batch: Batch, actor: Actor) -> int:
    """Undo an applied batch (inside the caller's transaction): every journaled field restored."""
    move_batch(uow.batches, batch, BatchEvent.UNDO, actor)
    changed = uow.changes.changed_since_apply(batch.id)
    if changed:
        raise StepRefused(
            f"{changed} field(s) the {_WHAT[batch.kind]} {batch.id} set were changed since; "
            "undo the later change first",
            BatchEvent.UNDO.value,
        )
    restored = uow.changes.undo_changes(batch.id)
    uow.files.add_calpads_history(
        CalpadsHistoryEntry(
            at=actor.now(), actor=actor.name, action=CalpadsAction.UNDONE, kind=BATCH_FILE_KINDS[batch.kind],
            file_name=batch.file_name, sha256=batch.sha256, records=restored, run=batch.run, batch=batch.id,
            counts={"restored": restored},
        )
    )
    return restored



def load_file_batch(
    uow: UnitOfWork, kind: BatchKind, read: ReadFile, items: list[PreviewItem], counts: Mapping[str, int], actor: Actor
) -> Batch:
    """Keep a planned file of no run (Replacement SSIDs, SELA) as a batch, in one transaction."""
    with uow.atomic():
        return load_batch(uow, kind, read, items, counts, actor)


def apply_file_batch(uow: UnitOfWork, batch_id: int, kind: BatchKind, actor: Actor) -> AppliedBatch:
    """Apply a loaded batch of no run in one transaction, then mail the summary of counts."""
    batch = get_batch(uow, batch_id, kind)
    with uow.atomic():
        counts = apply_batch(uow, batch, actor)
    send_apply_summary(uow, f"{BATCH_TITLES[kind]} applied (batch {batch.id})", counts, actor)
    return AppliedBatch(uow.batches.get_batch(batch.id) or batch, counts.get("students", 0), counts)


def undo_file_batch(uow: UnitOfWork, batch_id: int, kind: BatchKind, actor: Actor) -> int:
    """Undo an applied batch of no run in one transaction; returns how many fields were restored."""
    batch = get_batch(uow, batch_id, kind)
    with uow.atomic():
        return undo_batch(uow, batch, actor)
