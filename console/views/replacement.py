"""Identifiers, Replacement tab: load the Replacement SSIDs Extract, review the preview (each retired
SSID moves to Old State ID, the replacement becomes the SSID), apply it in one transaction, undo it.

A Replacement batch belongs to no run: it can be loaded whatever state the current run is in.
"""

from __future__ import annotations

from console.views.batch_preview import REPLACEMENT_KINDS
from console.views.calpads_steps import replacement_steps
from console.views.file_batches import FileBatchView
from domain.runs import BatchKind
from workflows.batches.replacement import apply_replacements, load_replacements, undo_replacements

__all__ = ["ReplacementView"]


class ReplacementView(FileBatchView):
    """``/admin/replacement/``."""

    kind = BatchKind.REPLACEMENT
    kinds = REPLACEMENT_KINDS
    title = "Replacement SSIDs"
    file_label = "Replacement SSIDs Extract"
    applied_words = "each retired SSID moved to Old State ID."
    tab = "replacement.index"
    steps = staticmethod(replacement_steps)

    load_service = staticmethod(load_replacements)
    apply_service = staticmethod(apply_replacements)
    undo_service = staticmethod(undo_replacements)
