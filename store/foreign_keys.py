"""Foreign keys checked once at the end of a bulk load into tables nothing else is using yet.

PostgreSQL checks a foreign key with a trigger per inserted row (a lookup of the referenced row
and a lock on it). A district's first roster writes well over three million such rows — its
enrollments, guardians, addresses, language status and special education — and the checks took
more than half of the import (52 of 91 s at 600,000 students). Loading first and adding the keys
after is how ``pg_restore`` loads a database: each key is then checked by one join over its table.

:func:`foreign_keys_checked_at_end` drops the foreign keys of the tables named, runs the block,
and adds the very same keys back (their definitions as the database printed them), all inside the
caller's transaction: if the block or a key's check fails, the transaction rolls back and the keys
are as they were. Dropping a key locks its table and the table it references against every reader
until the transaction ends, so it is only for loads into an empty district (no one can be
reviewing students that do not exist yet). On SQLite, whose checks cost little, it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import peewee

from store.database import database_proxy

__all__ = ["foreign_keys_checked_at_end"]


@contextmanager
def foreign_keys_checked_at_end(tables: Sequence[type[peewee.Model]]) -> Iterator[None]:
    """Inside the caller's transaction: on PostgreSQL, the foreign keys of ``tables`` are dropped
    for the block and added back at its end, each checked then over the whole table (a row
    naming a missing row raises ``peewee.IntegrityError`` there). On SQLite: just the block."""
    if not isinstance(database_proxy.obj, peewee.PostgresqlDatabase):
        yield
        return
    assert database_proxy.in_transaction(), "foreign keys are only dropped inside a transaction that can roll them back"
    keys = _foreign_keys([table._meta.table_name for table in tables])
    for table, name, _ in keys:
        database_proxy.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    yield
    by_table: dict[str, list[str]] = {}
    for table, name, definition in keys:
        by_table.setdefault(table, []).append(f'ADD CONSTRAINT "{name}" {definition}')
    for table, additions in by_table.items():  # one ALTER a table: its keys checked in one pass
        database_proxy.execute_sql(f'ALTER TABLE "{table}" {", ".join(additions)}')


def _foreign_keys(tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """(table, key name, definition) of every foreign key of ``tables`` (found on the connection's
    search path), as PostgreSQL prints them."""
    keys: list[tuple[str, str, str]] = []
    for table in tables:
        cursor: Any = database_proxy.execute_sql(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname",
            (f'"{table}"',),
        )
        keys.extend((table, name, definition) for name, definition in cursor.fetchall())
    return keys
