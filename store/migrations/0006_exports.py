"""Version 6 (exports for the SIS, issue 17): the applied lines of SSID Extracts, and the export journal.

Creates only this migration's own tables, declared here as they were (frozen copies, not the live
models), so it applies beside any other migration. An extract previewed before this version has
no kept lines: its export writes the changes CSV and says that the applied lines were not kept.
"""

from __future__ import annotations

from typing import Any

import peewee


def up(migrator: Any, db: Any) -> None:
    class BatchRef(peewee.Model):
        class Meta:
            table_name = "batch"

    class AppliedExtractLine(peewee.Model):
        batch = peewee.ForeignKeyField(BatchRef, on_delete="CASCADE")
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

    class ExportJournal(peewee.Model):
        at = peewee.DateTimeField(index=True)
        actor = peewee.CharField(max_length=80)
        batch = peewee.ForeignKeyField(BatchRef, null=True, on_delete="SET NULL", index=True)
        since = peewee.DateField(null=True)
        files = peewee.TextField(default="")
        sha256 = peewee.TextField(default="")
        changes = peewee.IntegerField(default=0)
        extract_lines = peewee.IntegerField(default=0)

        class Meta:
            table_name = "export_journal"

    models = (AppliedExtractLine, ExportJournal)
    with db.bind_ctx(models + (BatchRef,)):
        db.create_tables(models, safe=True)
