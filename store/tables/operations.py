"""What the console does after or beside a step: emails to send (and sent), and long work it
runs in the background (with its owner process and heartbeat, so a job whose process died is
shown as failed)."""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table

__all__ = ["OutboxRow", "JobRow"]


class OutboxRow(Table):
    """An email to send; ``sent_at`` is set once the mail server accepted it."""

    id: int
    created_at = UtcDateTimeField(default=utc_now)
    recipient = peewee.CharField(max_length=255)
    subject = peewee.CharField(max_length=255)
    body = peewee.TextField()
    sent_at = UtcDateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)
    error = peewee.TextField(null=True)

    class Meta:
        table_name = "outbox"


class JobRow(Table):
    """Background work (``state``: queued, running, done, failed) with its progress."""

    id: int
    kind = peewee.CharField(max_length=30)
    state = peewee.CharField(max_length=10, default="queued", index=True)
    actor = peewee.CharField(max_length=80, default="")
    created_at = UtcDateTimeField(default=utc_now)
    started_at = UtcDateTimeField(null=True)
    finished_at = UtcDateTimeField(null=True)
    progress = peewee.BigIntegerField(default=0)
    total = peewee.BigIntegerField(null=True)
    message = peewee.TextField(default="")
    error = peewee.TextField(null=True)
    result = peewee.TextField(default="{}")
    # Added by migration 0004: the process running the job (``host:pid``) and its last sign of
    # life, so a job whose process died is shown as failed (abandoned) rather than running forever.
    owner = peewee.CharField(max_length=120, default="")
    heartbeat_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "job"
