"""The SELA EL/IFEP import (product.md "SENR ODS audit", last paragraph): from a SELA ODS download,
the students the state's testing vendor newly identified as ``EL`` or ``IFEP`` whose local status
is missing or ``TBD`` get that ELAS code and its start date (domain.planning.sela).

The download is streamed through the planner before anything is written (only the updates are
kept); the preview is a batch of no run, applied in one transaction with every field journaled
(a missing language-status row is created, and removed again by undo), then mailed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.planning.identity import lookup_by_local_id
from domain.planning.sela import SelaPlan, plan_sela_import
from domain.readers import open_sela
from domain.records import SelaRecord
from domain.runs import Batch, BatchKind, PreviewItem
from workflows.batches.shared import (
    AppliedBatch,
    ReadFile,
    apply_file_batch,
    changed_students,
    load_file_batch,
    check_lea,
    read_planned,
    undo_file_batch,
)
from workflows.files import Progress
from workflows.ports import UnitOfWork
from workflows.run.stepping import Actor

__all__ = [
    "ELAS_UPDATE",
    "SelaPreview",
    "PlannedSela",
    "sela_items",
    "plan_sela",
    "keep_sela",
    "load_sela",
    "apply_sela",
    "undo_sela",
]

ELAS_UPDATE = "elas_update"
"""The preview kind of a line that sets a student's ELAS code and start date."""


@dataclass(frozen=True)
class SelaPreview:
    """A loaded SELA download: its batch, ``changes`` (students whose ELAS would be set),
    ``unmatched`` (EL/IFEP records listed and not applied: no or several local students, another
    SSID, a bad start date), and ``already_set`` (students whose ELAS is set already, left alone:
    changing it needs a correction reason)."""

    batch: Batch
    changes: int
    unmatched: int
    already_set: int


@dataclass(frozen=True)
class PlannedSela:
    """A SELA download read and planned, nothing stored yet (see :func:`keep_sela`)."""

    read: ReadFile
    plan: SelaPlan


def sela_items(plan: SelaPlan) -> list[PreviewItem]:
    """The preview lines of a SELA plan, in file order."""
    items = [
        PreviewItem(line=u.line, local_id=u.before.local_id, kind=ELAS_UPDATE, applied=True, changes=tuple(u.field_changes()))
        for u in plan.updates
    ]
    items.extend(
        PreviewItem(line=line, local_id=local_id, kind=skip.value, applied=False) for line, local_id, skip in plan.skipped
    )
    return sorted(items, key=lambda item: item.line)


def plan_sela(uow: UnitOfWork, path: Path, *, name: str | None = None, progress: Progress | None = None) -> PlannedSela:
    """Stream and plan a SELA ODS download; nothing is written.

    Refused when the file is broken, of another kind or of another LEA, or repeats a line,
    naming file, line and field.
    """

    shown = name or path.name
    lea = uow.settings.district_settings().lea

    def plan(records: Iterable[SelaRecord]) -> SelaPlan:
        listed = list(records)  # a SELA download is small: checked whole before it is planned
        check_lea(listed, lea, shown, 4, "Reporting LEA")
        return plan_sela_import(listed, lookup_by_local_id(uow.students.iter_identities()))

    read, planned = read_planned(path, shown, open_sela, plan, progress, distinct=True)
    return PlannedSela(read, planned)


def keep_sela(uow: UnitOfWork, planned: PlannedSela, actor: Actor) -> SelaPreview:
    """Keep a planned SELA import as a batch (``loaded``) and note the download in the CALPADS History."""
    items = sela_items(planned.plan)
    counts = {
        "updates": len(planned.plan.updates),
        "skipped": len(planned.plan.skipped),
        "already_set": planned.plan.already_set,
        "changes": changed_students(items),
        "unmatched": len(planned.plan.skipped),
    }
    batch = load_file_batch(uow, BatchKind.SELA_IMPORT, planned.read, items, counts, actor)
    return SelaPreview(batch, counts["changes"], counts["unmatched"], counts["already_set"])


def load_sela(
    uow: UnitOfWork, path: Path, actor: Actor, *, name: str | None = None, progress: Progress | None = None
) -> SelaPreview:
    """Read, plan and keep a SELA ODS download as a new batch, for review; no student changes yet."""
    return keep_sela(uow, plan_sela(uow, path, name=name, progress=progress), actor)


def apply_sela(uow: UnitOfWork, batch_id: int, actor: Actor) -> AppliedBatch:
    """Apply a loaded SELA import batch: one transaction, journaled, then mailed."""
    return apply_file_batch(uow, batch_id, BatchKind.SELA_IMPORT, actor)


def undo_sela(uow: UnitOfWork, batch_id: int, actor: Actor) -> int:
    """Undo an applied SELA import batch; returns how many fields were restored."""
    return undo_file_batch(uow, batch_id, BatchKind.SELA_IMPORT, actor)
