"""Who may sign in to the console, and failed sign-ins (counted in the database, so two console
processes, or a restart, do not reset the limit)."""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table

__all__ = ["UserRow", "SignInFailureRow"]


class UserRow(Table):
    """A console user: ``role`` is ``admin`` or ``auditor``; the password is a werkzeug hash."""

    id: int
    name = peewee.CharField(max_length=80, unique=True)
    password_hash = peewee.CharField(max_length=255)
    role = peewee.CharField(max_length=10)
    active = peewee.BooleanField(default=True)
    # Raised by sign-out, a new password, deactivation or a new role: every older session ends.
    session_version = peewee.IntegerField(default=0)
    created_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "console_user"  # "user" is reserved in PostgreSQL


class SignInFailureRow(Table):
    """One failed sign-in: ``key`` is ``user:NAME`` or ``ip:ADDRESS`` (one row per key)."""

    id: int
    key = peewee.CharField(max_length=200, index=True)
    at = UtcDateTimeField(default=utc_now, index=True)

    class Meta:
        table_name = "sign_in_failure"
