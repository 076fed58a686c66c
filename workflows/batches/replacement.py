"""Replacement SSIDs (product.md "Replacement SSIDs"): load the extract into a preview, apply it,
undo it.

Each retired SSID a local student still holds moves to Old State ID and the replacement becomes
the SSID (domain.planning.replacement). The file is read and planned before anything is written;
the preview is kept as a batch of no run (``loaded → applied → undone``). Applying is one
transaction with every changed field journaled and noted in the CALPADS History, then a summary
of counts is mailed; undo restores every field from the journal. The same shared batch steps
serve the SSID Extract (:mod:`workflows.batches.shared`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.planning.identity import FieldChange, IdentityField, lookup_by_local_id, lookup_by_ssid
from domain.planning.replacement import ReplacementOutcome, ReplacementPlan, plan_replacements
from domain.readers import open_replacements
from domain.records import ReplacementRow
from domain.runs import Batch, BatchKind, BatchState, PreviewItem
from domain.values import LocalId
from workflows.batches.shared import (
    AppliedBatch,
    apply_file_batch,
    changed_students,
    check_lea,
    load_file_batch,
    read_planned,
    undo_file_batch,
)
from workflows.files import Progress
from workflows.ports import UnitOfWork
from workflows.run.stepping import Actor

__all__ = [
    "ReplacementPreview",
    "replacement_items",
    "replacement_counts",
    "pending_replacements",
    "load_replacements",
    "apply_replacements",
    "undo_replacements",
]


@dataclass(frozen=True)
class ReplacementPreview:
    """A loaded Replacement SSIDs Extract: its batch and what the person reviews before applying.

    ``changes``: students whose SSID would be replaced; ``unmatched``: lines listed and not
    applied (no local student, several, or a student holding neither SSID); ``already_applied``:
    students who already hold the replacement.
    """

    batch: Batch
    changes: int
    unmatched: int
    already_applied: int


def replacement_items(plan: ReplacementPlan) -> list[PreviewItem]:
    """The preview lines of a replacement plan, in file order.

    A chain (A retired for B, then B for C, for one student) is applied as one change from the
    student's values before the file to the last replacement, on the chain's first line; the
    later lines are listed with it. Lines not applied show the retired and replacement SSIDs
    (so the local duplicate check knows which SSIDs CALPADS retired).
    """
    items: list[PreviewItem] = []
    applying: dict[LocalId, int] = {}  # student → index of the line that applies their chain
    for change in plan.lines:
        kind = change.outcome.value
        if change.outcome is not ReplacementOutcome.REPLACE:
            shown = (FieldChange(change.local_id, IdentityField.SSID, change.retired_ssid, change.replacement_ssid),)
            items.append(PreviewItem(line=change.line, local_id=change.local_id, kind=kind, applied=False, changes=shown))
            continue
        fields = tuple(change.field_changes())
        first = applying.get(change.local_id)
        if first is None:
            applying[change.local_id] = len(items)
            items.append(PreviewItem(line=change.line, local_id=change.local_id, kind=kind, applied=True, changes=fields))
            continue
        head = items[first]
        merged = tuple(dataclasses.replace(f, old=h.old) for f, h in zip(fields, head.changes, strict=True))
        items[first] = dataclasses.replace(head, changes=merged, detail=f"a chain of replacements, up to line {change.line}")
        items.append(
            PreviewItem(
                line=change.line, local_id=change.local_id, kind=kind, applied=False, changes=fields,
                detail=f"applied with line {head.line}",
            )
        )
    return items


def replacement_counts(plan: ReplacementPlan, items: list[PreviewItem]) -> dict[str, int]:
    """Lines per outcome, plus ``changes`` (students changed) and ``unmatched`` (listed, not applied)."""
    counts = {outcome.value: plan.count(outcome) for outcome in ReplacementOutcome}
    counts["changes"] = changed_students(items)
    counts["unmatched"] = len(plan.not_applied())
    return counts


def pending_replacements(uow: UnitOfWork) -> Batch | None:
    """The newest Replacement SSIDs batch if it is loaded and not yet applied."""
    batches = uow.batches.batches_of(BatchKind.REPLACEMENT)
    return batches[0] if batches and batches[0].state == BatchState.LOADED.value else None


def load_replacements(
    uow: UnitOfWork, path: Path, actor: Actor, *, name: str | None = None, progress: Progress | None = None
) -> ReplacementPreview:
    """Read and plan a Replacement SSIDs Extract and keep its preview; no student changes yet.

    Refused (nothing stored) when the file is broken, of another kind, or of another LEA; the
    reason names the file, line and field. ``name`` is the file name to show (an upload's).
    """
    shown = name or path.name
    lea = uow.settings.district_settings().lea

    def plan(rows: Iterable[ReplacementRow]) -> ReplacementPlan:
        listed = list(rows)
        check_lea(listed, lea, shown)
        identities = list(uow.students.iter_identities())
        return plan_replacements(listed, lookup_by_local_id(identities), lookup_by_ssid(identities))

    read, planned = read_planned(path, shown, open_replacements, plan, progress, distinct=True)
    items = replacement_items(planned)
    counts = replacement_counts(planned, items)
    batch = load_file_batch(uow, BatchKind.REPLACEMENT, read, items, counts, actor)
    return ReplacementPreview(batch, counts["changes"], counts["unmatched"], counts["already_applied"])


def apply_replacements(uow: UnitOfWork, batch_id: int, actor: Actor) -> AppliedBatch:
    """Apply a loaded Replacement SSIDs batch: one transaction, journaled, then mailed.

    Refused when the batch is not loaded (already applied, undone) or a student's SSID or Old
    State ID changed since the preview (load the file again).
    """
    return apply_file_batch(uow, batch_id, BatchKind.REPLACEMENT, actor)


def undo_replacements(uow: UnitOfWork, batch_id: int, actor: Actor) -> int:
    """Undo an applied Replacement SSIDs batch; returns how many fields were restored."""
    return undo_file_batch(uow, batch_id, BatchKind.REPLACEMENT, actor)
