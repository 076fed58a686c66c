"""The preview of a loaded file (SSID Extract, Replacement SSIDs, SELA import): the batch's lines
as the workflow kept them (``batch_preview_line``), listed page by page and by kind, so a
600,000-line file is reviewed without loading it all into one page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import request

from console.display import Person, people
from console.views.workflow_support import workflow_store
from domain.runs import Batch, BatchKind
from store.tables import PreviewLineRow, QuietLineRow
from store.workflow_batches import every_line, preview_columns

__all__ = ["PER_PAGE", "PreviewKinds", "EXTRACT_KINDS", "REPLACEMENT_KINDS", "SELA_KINDS", "PreviewPage", "preview_page",
           "page_argument", "chosen_batch"]

PER_PAGE = 100


@dataclass(frozen=True)
class PreviewKinds:
    """How a kind of batch is previewed: its filters (key → label and the line kinds shown) and
    what each line kind means. ``quiet`` kinds (lines that change nothing) are left out of the
    default view when they change no field either."""

    groups: Mapping[str, tuple[str, tuple[str, ...]]]
    labels: Mapping[str, str]
    quiet: tuple[str, ...] = ()


_NO_SINGLE_STUDENT = {
    "no_local_student": "no local student has this local id",
    "more_than_one_local": "more than one local student has this local id",
}

EXTRACT_KINDS = PreviewKinds(
    groups={
        "all": ("Every line", ()),
        "new": ("New SSID", ("new",)),
        "unchanged": ("Unchanged SSID", ("unchanged",)),
        "conflict": ("Conflict with a different SSID", ("conflict", "ssid_held_by_another")),
        "replace": ("Replaced (overwrite)", ("replace",)),
        "unmatched": ("No single local student", ("no_local_student", "more_than_one_local", "repeated_line")),
    },
    labels={
        "new": "new SSID",
        "unchanged": "unchanged",
        "conflict": "conflict: the student has a different SSID",
        "replace": "replaced; the old SSID moves to Old State ID",
        "ssid_held_by_another": "another local student already has this SSID",
        "repeated_line": "the local id appeared on an earlier line",
        **_NO_SINGLE_STUDENT,
    },
    quiet=("unchanged",),
)

REPLACEMENT_KINDS = PreviewKinds(
    groups={
        "all": ("Every line", ()),
        "replace": ("Replaced", ("replace",)),
        "already_applied": ("Already replaced", ("already_applied",)),
        "unmatched": ("Not applied", ("ssid_differs", "no_local_student", "more_than_one_local")),
    },
    labels={
        "replace": "the retired SSID moves to Old State ID; the replacement becomes the SSID",
        "already_applied": "the student already has the replacement SSID",
        "ssid_differs": "the student holds neither the retired nor the replacement SSID",
        **_NO_SINGLE_STUDENT,
    },
    quiet=("already_applied",),
)

SELA_KINDS = PreviewKinds(
    groups={
        "all": ("Every line", ()),
        "elas_update": ("ELAS set", ("elas_update",)),
        "unmatched": ("Not applied", ("no_local_student", "more_than_one_local", "ssid_differs", "invalid_start_date")),
    },
    labels={
        "elas_update": "ELAS set from the state's testing vendor (EL or IFEP)",
        "ssid_differs": "the student's SSID differs from the file's",
        "invalid_start_date": "the ELAS start date is not a usable date",
        **_NO_SINGLE_STUDENT,
    },
)


@dataclass(frozen=True)
class PreviewPage:
    """One page of a batch's preview, and what the template needs to show and page through it."""

    lines: list[PreviewLineRow]
    total: int
    group: str | None
    page: int
    kinds: PreviewKinds
    people: Mapping[str, Person]
    conflicts: int = 0

    @property
    def pages(self) -> int:
        return max((self.total + PER_PAGE - 1) // PER_PAGE, 1)


def preview_page(batch_id: int, kinds: PreviewKinds, group: str | None, page: int) -> PreviewPage:
    """One page of a batch's preview lines: of one group when given, else all but quiet lines."""
    p, q = PreviewLineRow, QuietLineRow
    lines, quiet = p.select(*preview_columns()), q.select()
    if group is None or group not in kinds.groups:
        group = None
        if kinds.quiet:
            changes_something = p.elas_new.is_null(False) | p.elas_start_new.is_null(False) | p.swd_new.is_null(False)
            lines = lines.where(p.kind.not_in(kinds.quiet) | changes_something)
            quiet = quiet.where(q.kind.not_in(kinds.quiet))
    elif kinds.groups[group][1]:
        lines = lines.where(p.kind.in_(kinds.groups[group][1]))
        quiet = quiet.where(q.kind.in_(kinds.groups[group][1]))
    query = every_line(batch_id, lines, quiet)
    total = query.count()
    shown = list(query.offset(page * PER_PAGE).limit(PER_PAGE))
    conflicts = int(PreviewLineRow.select().where((p.batch == batch_id) & (p.kind == "conflict")).count()) if "conflict" in kinds.labels else 0
    return PreviewPage(shown, total, group, page, kinds, people([str(line.local_id) for line in shown if line.local_id]), conflicts)


def page_argument() -> int:
    """The page asked for (``?page=N``, 0-based)."""
    return max(request.args.get("page", 0, type=int), 0)


def chosen_batch(kind: BatchKind, wanted: int | None, run_id: int | None = None) -> tuple[Batch | None, list[Batch]]:
    """The batch asked for (else the newest) of ``kind``, and every batch of that kind, newest first."""
    batches = workflow_store().batches_of(kind, run_id)
    chosen = next((b for b in batches if b.id == wanted), None) if wanted is not None else None
    return chosen or (batches[0] if batches else None), batches
