"""Version 7 (issue 14): Summer ELPAC runs and local duplicates resolved by a decision.

- ``run.summer``: a run that also requests pre-enrolled students (future start dates);
- ``duplicate_resolution``: a person's decision on a local issue of the duplicate check (two
  records of one child: which is left out of SSID requests until the SIS merges them; an SSID
  held twice: which record keeps it).

Frozen copies of what this version adds; only this migration's own table and column are touched,
so it applies beside any other migration.
"""

from __future__ import annotations

from typing import Any

import peewee

from store.database import UtcDateTimeField, utc_now


def up(migrator: Any, db: Any) -> None:
    from playhouse.migrate import migrate

    class _Base(peewee.Model):
        class Meta:
            database = db

    class DuplicateResolution(_Base):
        kind = peewee.CharField(max_length=20)
        first_local_id = peewee.CharField(max_length=15)
        second_local_id = peewee.CharField(max_length=15)
        decision = peewee.CharField(max_length=20)
        chosen_local_id = peewee.CharField(max_length=15)
        decided_by = peewee.CharField(max_length=80)
        decided_at = UtcDateTimeField(default=utc_now)

        class Meta:
            table_name = "duplicate_resolution"
            indexes = ((("kind", "first_local_id", "second_local_id"), True),)

    db.create_tables([DuplicateResolution], safe=True)
    if "summer" not in {column.name for column in db.get_columns("run")}:
        migrate(migrator.add_column("run", "summer", peewee.BooleanField(default=False)))  # type: ignore[no-untyped-call]
