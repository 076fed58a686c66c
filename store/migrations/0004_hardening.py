"""Version 4 (hardening): failed sign-ins in the database, the identity-change journal, and the
owner and heartbeat of a background job (so a job whose process died is shown as failed).

Frozen copies of the tables as this version created them; only this migration's own tables and
columns are touched, so it applies beside any other migration.
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

    class SignInFailure(_Base):
        key = peewee.CharField(max_length=200, index=True)
        at = UtcDateTimeField(default=utc_now, index=True)

        class Meta:
            table_name = "sign_in_failure"

    class IdentityChange(_Base):
        at = UtcDateTimeField(default=utc_now, index=True)
        actor = peewee.CharField(max_length=80)
        source = peewee.CharField(max_length=255)
        local_id = peewee.CharField(max_length=15, index=True)
        field_name = peewee.CharField(max_length=40)
        old_value = peewee.TextField(null=True)
        new_value = peewee.TextField(null=True)

        class Meta:
            table_name = "identity_change"

    db.create_tables([SignInFailure, IdentityChange], safe=True)
    existing = {column.name for column in db.get_columns("job")}
    operations = []
    if "owner" not in existing:
        operations.append(migrator.add_column("job", "owner", peewee.CharField(max_length=120, default="")))
    if "heartbeat_at" not in existing:
        operations.append(migrator.add_column("job", "heartbeat_at", UtcDateTimeField(null=True)))
    migrate(*operations)  # type: ignore[no-untyped-call]
