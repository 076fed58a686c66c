"""Sign-in attempts counted in the database, so every console process (and a restarted one) sees
the same count: a rate limit kept in memory is reset by a restart and multiplied by workers.

An attempt is recorded, and counted, before its password is checked, in one transaction that
no other attempt interleaves with (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a lock on the
table): N simultaneous attempts count N, whatever the number of server threads or processes.
A successful sign-in removes its own record and the name's failures; a failed one stays counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import peewee

from store.database import database_proxy
from store.tables import SignInFailureRow

__all__ = ["SignInAttempt", "count_attempt", "failures_since", "forget_attempt", "forget_failures"]


@dataclass(frozen=True, slots=True)
class SignInAttempt:
    """One recorded attempt: its rows (one per key) and the most attempts any key had in the window."""

    rows: tuple[int, ...]
    count: int


def failures_since(keys: Sequence[str], since: dt.datetime) -> int:
    """The most attempts any of ``keys`` had after ``since``."""
    f = SignInFailureRow
    query: Any = f.select(f.key, peewee.fn.COUNT(f.id)).where(f.key.in_(list(keys)) & (f.at > since)).group_by(f.key)
    return max((int(row[1]) for row in query.tuples()), default=0)


@contextmanager
def _one_at_a_time() -> Iterator[None]:
    database = database_proxy.obj
    if isinstance(database, peewee.SqliteDatabase):
        with database.atomic(lock_type="IMMEDIATE"):  # the write lock first: no stale count
            yield
        return
    with database_proxy.atomic():
        # Conflicts with itself and with inserts: attempts are counted one after another (for the
        # milliseconds of an insert and a count, never while a password is checked).
        database_proxy.execute_sql(f'LOCK TABLE "{SignInFailureRow._meta.table_name}" IN SHARE ROW EXCLUSIVE MODE')
        yield


def count_attempt(keys: Sequence[str], at: dt.datetime, since: dt.datetime) -> SignInAttempt:
    """Record an attempt for each key and count, this one included, the attempts after ``since``
    (older ones are removed)."""
    with _one_at_a_time():
        SignInFailureRow.delete().where(SignInFailureRow.at <= since).execute()
        rows = tuple(int(SignInFailureRow.insert(key=key, at=at).execute()) for key in keys)
        return SignInAttempt(rows=rows, count=failures_since(keys, since))


def forget_attempt(attempt: SignInAttempt) -> None:
    """A successful sign-in is not a failure: its own records go."""
    row_id: Any = SignInFailureRow._meta.primary_key
    SignInFailureRow.delete().where(row_id.in_(list(attempt.rows))).execute()


def forget_failures(keys: Sequence[str]) -> None:
    """A successful sign-in clears the name's count (not the address's)."""
    SignInFailureRow.delete().where(SignInFailureRow.key.in_(list(keys))).execute()
