"""Failed sign-ins counted in the database, so every console process (and a restarted one) sees
the same count: a rate limit kept in memory is reset by a restart and multiplied by workers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import peewee

from store.tables import SignInFailureRow

__all__ = ["failures_since", "record_failure", "forget_failures"]


def failures_since(keys: Sequence[str], since: dt.datetime) -> int:
    """The most failures any of ``keys`` had after ``since``."""
    f = SignInFailureRow
    query: Any = f.select(f.key, peewee.fn.COUNT(f.id)).where(f.key.in_(list(keys)) & (f.at > since)).group_by(f.key)
    return max((int(row[1]) for row in query.tuples()), default=0)


def record_failure(keys: Sequence[str], at: dt.datetime, forget_before: dt.datetime) -> None:
    """Count a failed sign-in for each key; failures older than ``forget_before`` are removed."""
    with SignInFailureRow._meta.database.atomic():
        SignInFailureRow.delete().where(SignInFailureRow.at <= forget_before).execute()
        SignInFailureRow.insert_many([{"key": key, "at": at} for key in keys]).execute()


def forget_failures(keys: Sequence[str]) -> None:
    """A successful sign-in clears the name's count (not the address's)."""
    SignInFailureRow.delete().where(SignInFailureRow.key.in_(list(keys))).execute()
