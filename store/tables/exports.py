"""What went back to the district's SIS: the applied lines of an SSID Extract, and the exports.

- :class:`AppliedExtractLineRow`: each line of a loaded SSID Extract whose preview changes a
  student (kept when the extract is previewed, from the file's checked values), so the lines an
  apply wrote can be handed to the SIS in CALPADS' own layout after the file itself is gone;
- :class:`ExportRow`: each export of changes (who, when, which batch or since which day, the
  files written and how many changes), as the History page lists them.
"""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table
from store.tables.batches import BatchRow

__all__ = ["AppliedExtractLineRow", "ExportRow", "EXPORT_TABLES"]


class AppliedExtractLineRow(Table):
    """A line of an SSID Extract that changes a student, with the file's values (``legal_middle``
    is ``NULL`` for the 14-column 2019 layout, which has no such column, and ``''`` when blank)."""

    id: int
    batch_id: int
    batch = peewee.ForeignKeyField(BatchRow, on_delete="CASCADE")
    line = peewee.IntegerField()
    reporting_lea = peewee.CharField(max_length=7)
    school = peewee.CharField(max_length=7)
    ssid = peewee.CharField(max_length=10)
    local_id = peewee.CharField(max_length=16)
    legal_last = peewee.CharField(max_length=50)
    legal_first = peewee.CharField(max_length=30)
    legal_middle = peewee.CharField(max_length=30, null=True)
    gender = peewee.CharField(max_length=1)
    birth_date = peewee.DateField(null=True)
    enroll_start = peewee.DateField(null=True)
    grade = peewee.CharField(max_length=2)
    elas = peewee.CharField(max_length=4, null=True)
    elas_start = peewee.DateField(null=True)
    primary_language = peewee.CharField(max_length=2, null=True)
    ssid_created = peewee.DateField(null=True)
    swd = peewee.CharField(max_length=1, null=True)

    class Meta:
        table_name = "applied_extract_line"
        indexes = ((("batch", "line"), True),)


class ExportRow(Table):
    """An export of changes for the SIS: by batch (``batch``) or since a day (``since``)."""

    id: int
    batch_id: int | None
    at = UtcDateTimeField(default=utc_now, index=True)
    actor = peewee.CharField(max_length=80)
    batch = peewee.ForeignKeyField(BatchRow, null=True, on_delete="SET NULL", index=True)
    since = peewee.DateField(null=True)
    files = peewee.TextField(default="")  # the file names written, one a line
    sha256 = peewee.TextField(default="")  # their SHA-256, one a line, in the same order
    changes = peewee.IntegerField(default=0)
    extract_lines = peewee.IntegerField(default=0)

    class Meta:
        table_name = "export_journal"


EXPORT_TABLES: tuple[type[Table], ...] = (AppliedExtractLineRow, ExportRow)
