"""Loading first, then the foreign keys and indexes: a bulk load into tables nothing else uses yet.

PostgreSQL checks a foreign key with a trigger per inserted row (a lookup of the referenced row and
a lock on it), and updates every index of a table row by row. A district's first roster writes
well over four million rows — its students, their enrollments, guardians, addresses, language
status and special education, and the journal of their identity fields — and the key checks alone
took more than half of the import (52 of 91 s at 600,000 students). Loading first and adding keys
and indexes after is how ``pg_restore`` loads a database: each key is then checked by one join over
its table, each index built by one sort.

:func:`keys_and_indexes_at_end` drops the foreign keys and the plain indexes (not the unique ones:
an upsert needs them) of the tables named, runs the block, and creates the very same keys and
indexes again (their definitions as the database printed them), all inside the caller's
transaction: if the block or a key's check fails, the transaction rolls back and the keys and
indexes are as they were. Only a role owning the tables may drop them: for any other, the block
runs with its keys and indexes kept row by row. Dropping them locks each table, and the tables its
keys reference, against every reader until the transaction ends, so it is only for loads into an
empty district (no one can be reviewing students that do not exist yet). On SQLite, whose checks
cost little, it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import peewee

from store.database import database_proxy

__all__ = ["keys_and_indexes_at_end"]

_KEYS = "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname"
_INDEXES = (
    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid "
    "WHERE i.indrelid = to_regclass(%s) AND NOT i.indisunique AND NOT i.indisprimary ORDER BY c.relname"
)


@contextmanager
def keys_and_indexes_at_end(tables: Sequence[type[peewee.Model]]) -> Iterator[None]:
    """Inside the caller's transaction: on PostgreSQL, the foreign keys and plain indexes of
    ``tables`` are dropped for the block and created again at its end, each key checked then over
    the whole table (a row naming a missing row raises ``peewee.IntegrityError`` there). On SQLite:
    just the block."""
    names = [table._meta.table_name for table in tables]
    if not isinstance(database_proxy.obj, peewee.PostgresqlDatabase) or not _owned(names):
        yield
        return
    assert database_proxy.in_transaction(), "keys and indexes are only dropped inside a transaction that can roll them back"
    keys = {table: _rows(_KEYS, table) for table in names}
    indexes = [index for table in names for index in _rows(_INDEXES, table)]
    for table, table_keys in keys.items():
        for name, _ in table_keys:
            database_proxy.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        database_proxy.execute_sql(f'DROP INDEX "{name}"')
    yield
    for _, definition in indexes:
        database_proxy.execute_sql(definition)
    for table, table_keys in keys.items():  # one ALTER a table: its keys checked in one pass
        if table_keys:
            added = ", ".join(f'ADD CONSTRAINT "{name}" {definition}' for name, definition in table_keys)
            database_proxy.execute_sql(f'ALTER TABLE "{table}" {added}')


def _owned(tables: Sequence[str]) -> bool:
    """Whether the connection's role may drop and create the keys and indexes of ``tables``: it
    owns them (or acts as their owner). A role that only reads and writes them (a district may run
    the workbench so) gets the row-by-row checks instead of an error."""
    cursor: Any = database_proxy.execute_sql(
        "SELECT bool_and(pg_has_role(c.relowner, 'USAGE')) FROM pg_class AS c WHERE c.oid = ANY(%s::regclass[])",
        ([f'"{table}"' for table in tables],),
    )
    return bool(cursor.fetchone()[0])


def _rows(sql: str, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the keys or indexes of ``table`` (found on the connection's search path)."""
    cursor: Any = database_proxy.execute_sql(sql, (f'"{table}"',))
    return list(cursor.fetchall())
