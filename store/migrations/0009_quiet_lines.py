"""Version 9 (the SSID Extract at district scale, issue 20): the lines of a batch that change nothing.

An extract's lines whose SSID the student already has, with no new ELAS or SWD, are kept one
narrow row each (``batch_quiet_line``) instead of a full preview line. Creates only this table,
declared here as it was (a frozen copy, not the live model), so it applies beside any other
migration. A batch loaded before this version keeps every line in ``batch_preview_line``; the
preview reads both tables, so it shows the same.
"""

from __future__ import annotations

from typing import Any

import peewee


def up(migrator: Any, db: Any) -> None:
    class Batch(peewee.Model):  # only named, for the foreign key (the table exists)
        class Meta:
            table_name = "batch"

    class QuietLine(peewee.Model):
        batch = peewee.ForeignKeyField(Batch, on_delete="CASCADE", index=False)
        line = peewee.IntegerField()
        local_id = peewee.CharField(max_length=16)
        kind = peewee.CharField(max_length=20)

        class Meta:
            table_name = "batch_quiet_line"

    with db.bind_ctx((Batch, QuietLine)):
        db.create_tables([QuietLine], safe=True)
    # Named as the live model names it.
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "batch_quiet_line_batch_id_line" ON "batch_quiet_line" ("batch_id", "line")'
    )
