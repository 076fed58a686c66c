"""Identifiers, ODS audit tab, SELA import: from a SELA ODS download, the students the state's
testing vendor newly identified as EL or IFEP whose local status is missing or TBD get that ELAS
code and start date — previewed first, applied in one transaction, undone on request."""

from __future__ import annotations

from console.views.batch_preview import SELA_KINDS
from console.views.calpads_steps import sela_steps
from console.views.file_batches import FileBatchView
from domain.runs import BatchKind
from workflows.batches.sela import apply_sela, load_sela, undo_sela

__all__ = ["SelaView"]


class SelaView(FileBatchView):
    """``/admin/sela/`` (reached from the ODS audit tab)."""

    kind = BatchKind.SELA_IMPORT
    kinds = SELA_KINDS
    title = "SELA EL/IFEP import"
    file_label = "SELA ODS Download"
    applied_words = "their ELAS code and start date are set."
    tab = "ods_audit.index"
    steps = staticmethod(sela_steps)

    load_service = staticmethod(load_sela)
    apply_service = staticmethod(apply_sela)
    undo_service = staticmethod(undo_sela)
