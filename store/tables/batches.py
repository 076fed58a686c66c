"""Loaded files and their consequences: batches, their preview, the undo journal, CALPADS history.

- an SSID Extract, a Replacement SSIDs Extract or an SENR ODS audit loaded: :class:`BatchRow`
  (``state``: loaded / applied / undone, or the ODS audit's states; ``version`` for compare-and-set);
- what the preview shows, line by line: :class:`PreviewLineRow`, and the lines that change
  nothing, kept narrow: :class:`QuietLineRow`;
- every field an apply changed, so undo restores exactly: :class:`BatchChangeRow`;
- files produced or loaded, as the CALPADS History page lists them: :class:`CalpadsHistoryRow`.
"""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table
from store.tables.runs import RunRow
from store.tables.students import StudentRow

__all__ = ["BatchRow", "PreviewLineRow", "QuietLineRow", "BatchChangeRow", "CalpadsHistoryRow"]


class BatchRow(Table):
    """A loaded file awaiting or past application (``kind``: extract, replacement, ods_audit)."""

    id: int
    run_id: int | None
    kind = peewee.CharField(max_length=20, index=True)
    run = peewee.ForeignKeyField(RunRow, null=True, backref="batches", on_delete="SET NULL", index=True)
    state = peewee.CharField(max_length=20)
    file_name = peewee.CharField(max_length=255)
    sha256 = peewee.CharField(max_length=64)
    overwrite = peewee.BooleanField(default=False)
    counts = peewee.TextField(default="{}")
    loaded_at = UtcDateTimeField(default=utc_now)
    loaded_by = peewee.CharField(max_length=80)
    applied_at = UtcDateTimeField(null=True)
    applied_by = peewee.CharField(max_length=80, null=True)
    undone_at = UtcDateTimeField(null=True)
    undone_by = peewee.CharField(max_length=80, null=True)
    version = peewee.IntegerField(default=0)

    class Meta:
        table_name = "batch"


class PreviewLineRow(Table):
    """One line of a loaded file as the preview shows it.

    ``kind`` says what applying would do (e.g. ``new``, ``unchanged``, ``conflict``,
    ``unmatched``, ``ambiguous``; ``add``/``replace``/``delete`` for an ODS audit). The common
    fields have old/new columns; anything else goes in ``detail`` (JSON text).
    """

    id: int
    batch_id: int
    student_id: int | None
    batch = peewee.ForeignKeyField(BatchRow, backref="preview", on_delete="CASCADE")
    line = peewee.IntegerField(default=0)
    local_id = peewee.CharField(max_length=16, default="")
    student = peewee.ForeignKeyField(StudentRow, null=True, on_delete="SET NULL", index=True)
    kind = peewee.CharField(max_length=20)
    ssid_old = peewee.CharField(max_length=10, null=True)
    ssid_new = peewee.CharField(max_length=10, null=True)
    elas_old = peewee.CharField(max_length=4, null=True)
    elas_new = peewee.CharField(max_length=4, null=True)
    elas_start_old = peewee.DateField(null=True)
    elas_start_new = peewee.DateField(null=True)
    swd_old = peewee.CharField(max_length=1, null=True)
    swd_new = peewee.CharField(max_length=1, null=True)
    detail = peewee.TextField(default="")
    # Added by the workflow adapter (store/workflow_store.py): whether applying the batch writes
    # this line's *_new values, and the Old State ID an SSID replacement moves (old/new).
    applied = peewee.BooleanField(default=False)
    old_state_id_old = peewee.CharField(max_length=10, null=True)
    old_state_id_new = peewee.CharField(max_length=10, null=True)

    class Meta:
        table_name = "batch_preview_line"
        indexes = ((("batch", "kind"), False), (("batch", "line"), False))


class QuietLineRow(Table):
    """A line of a loaded file that is applied and changes nothing: an SSID Extract's line whose
    SSID the student already has, with no new ELAS or SWD (``kind`` ``unchanged``).

    The preview lists it among the batch's :class:`PreviewLineRow` lines, in line order, as one
    with no old or new value and no detail (store.workflow_batches). Nearly every line of a
    district's extract is such a line (560,000 of 560,027 for 600,000 students): kept one narrow
    row each, with one index (batch and line), they cost a fraction of a full preview line with its four
    indexes and its link to the student, which nothing reads for a line that changes nothing.

    The lines go with their batch (a foreign key, deleted with it): SQLite gives a new batch the id
    of a deleted one, which would otherwise find the old batch's lines under its own. The lines are
    written by the preview itself, in the transaction that adds their batch.
    """

    id: int
    batch_id: int
    batch = peewee.ForeignKeyField(BatchRow, on_delete="CASCADE", index=False)  # (the unique index below leads with it)
    line = peewee.IntegerField()
    local_id = peewee.CharField(max_length=16)
    kind = peewee.CharField(max_length=20)

    class Meta:
        table_name = "batch_quiet_line"
        indexes = ((("batch", "line"), True),)


class BatchChangeRow(Table):
    """One field an apply changed: undo writes ``old_value`` back (values as text, ``NULL`` = none)."""

    id: int
    batch_id: int
    student_id: int
    batch = peewee.ForeignKeyField(BatchRow, backref="changes", on_delete="CASCADE", index=True)
    student = peewee.ForeignKeyField(StudentRow, on_delete="CASCADE", index=True)
    local_id = peewee.CharField(max_length=15, default="")
    table_name = peewee.CharField(max_length=40)
    field_name = peewee.CharField(max_length=40)
    old_value = peewee.TextField(null=True)
    new_value = peewee.TextField(null=True)

    class Meta:
        table_name = "batch_change"


class CalpadsHistoryRow(Table):
    """A file exchanged with CALPADS: produced for upload, or loaded from a download."""

    id: int
    run_id: int | None
    batch_id: int | None
    at = UtcDateTimeField(default=utc_now, index=True)
    actor = peewee.CharField(max_length=80)
    what = peewee.CharField(max_length=20)
    file_kind = peewee.CharField(max_length=30)
    file_name = peewee.CharField(max_length=255)
    sha256 = peewee.CharField(max_length=64)
    records = peewee.IntegerField(default=0)
    counts = peewee.TextField(default="{}")
    run = peewee.ForeignKeyField(RunRow, null=True, on_delete="SET NULL", index=True)
    batch = peewee.ForeignKeyField(BatchRow, null=True, on_delete="SET NULL", index=True)

    class Meta:
        table_name = "calpads_history"
