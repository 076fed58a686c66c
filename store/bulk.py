"""Set-based helpers for large writes: bulk inserts and chunked ``IN`` lists.

:func:`insert_chunked` bypasses peewee's per-value SQL building (it dominated a 600,000-line
load): on SQLite prepared multi-row ``INSERT ... VALUES (...), (...)`` statements of as many
rows as the parameter limit allows, on PostgreSQL psycopg 3's ``COPY ... FROM STDIN``. Values go through the field's ``db_value`` unless the column is of a
kind both drivers take as is (text, numbers, booleans, dates, integer keys).

For statements with bound lists: SQLite allows 32,766 bound parameters per statement and
PostgreSQL 65,535; chunks stay well under both so one code path serves the two.

:func:`questions` asks several small questions in one statement: a page that needs a few counts and
neighbours makes one round trip for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from itertools import chain, islice
from typing import Any, TypeVar, cast

import peewee

from store.database import database_proxy

__all__ = ["MAX_PARAMETERS", "chunked", "insert_chunked", "insert_rows", "upsert_chunked", "raw_rows", "in_list", "in_marks", "rows_per_statement", "tuples", "questions"]

MAX_PARAMETERS = 30_000
"""Bound parameters per statement: below SQLite's and PostgreSQL's limits."""

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items (streams; never holds more than one chunk)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rows_per_statement(columns: int) -> int:
    """How many rows of ``columns`` values fit in one statement."""
    return max(1, MAX_PARAMETERS // max(1, columns))


_AS_IS = (
    peewee.CharField, peewee.TextField, peewee.IntegerField, peewee.FloatField, peewee.BooleanField,
)
_DRIVER_ERRORS: AbstractContextManager[None] = getattr(peewee, "__exception_wrapper__")
"""Re-raises driver errors as peewee's (``IntegrityError`` ...), as ``execute_sql`` does (not in the stubs)."""
_BLOCK = 10_000  # rows handed to the driver at a time (streams; bounded memory)


def _converter(field: peewee.Field[Any]) -> Callable[[Any], Any] | None:
    """``field.db_value``, or ``None`` when the drivers take the column's Python values as is."""
    kind = type(field)
    if kind in (peewee.DateField,) or (kind.db_value is peewee.Field.db_value and issubclass(kind, _AS_IS)):
        return None
    if isinstance(field, peewee.ForeignKeyField) and _converter(field.rel_field) is None:
        return None
    return field.db_value


def _converted(fields: Sequence[peewee.Field[Any]], rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    converters = [(i, c) for i, c in enumerate(map(_converter, fields)) if c is not None]
    if not converters:
        return rows

    def convert(row: Sequence[Any]) -> Sequence[Any]:
        values = list(row)
        for i, convert_value in converters:
            values[i] = convert_value(values[i])
        return values

    return map(convert, rows)


def _with_defaults(rows: Iterable[Sequence[Any]], defaults: Sequence[peewee.Field[Any]]) -> Iterator[Sequence[Any]]:
    makers = [(f.default, callable(f.default)) for f in defaults]
    for row in rows:
        yield (*row, *(default() if call else default for default, call in makers))


def insert_chunked(model: type[peewee.Model], fields: Sequence[peewee.Field[Any]], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in ``fields`` order) in bulk, inside the caller's transaction.

    Returns how many rows were inserted.
    """
    database = _unwrapped(model._meta.database)
    table = model._meta.table_name
    given = {f.name for f in fields}
    # Like insert_many: a column left out takes its field's default (peewee's, not the table's).
    defaults = [f for f in model._meta.sorted_fields if f.name not in given and f.default is not None]
    if defaults:
        rows = _with_defaults(rows, defaults)
        fields = [*fields, *defaults]
    return insert_rows(database, table, [f.column_name for f in fields], _converted(fields, rows))


def insert_rows(database: peewee.Database, table: str, columns: Sequence[str], values: Iterable[Sequence[Any]]) -> int:
    """Insert plain ``values`` (tuples in ``columns`` order, as the driver takes them) into ``table``."""
    with _DRIVER_ERRORS:
        return _insert(database, table, ", ".join(f'"{c}"' for c in columns), len(columns), values)


def _insert(database: peewee.Database, table: str, columns: str, width: int, values: Iterable[Sequence[Any]]) -> int:
    count = 0
    if isinstance(database, peewee.PostgresqlDatabase):
        # One COPY per block, the block read before the COPY starts: reading the rows may use the
        # connection (a background job's progress and heartbeat), which a running COPY holds.
        cursor = database.cursor()  # type: ignore[no-untyped-call]
        for block in chunked(values, _BLOCK):
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in block:
                    copy.write_row(row)
            count += len(block)
        return count
    # Many rows per statement: about a sixth less time than executemany's one row per statement
    # step. The driver keeps the last 128 statements prepared, each the size of its text: a block
    # short of a full statement goes in statements of powers of two rows, a dozen texts in all, each
    # used again, where one text per length held over 100 MB by the end of a roster.
    row = f'({", ".join("?" * width)})'
    per = rows_per_statement(width)
    cursor = database.cursor()  # type: ignore[no-untyped-call]
    for block in chunked(values, per):
        for start, size in _statements(len(block), per):
            rows = block[start : start + size]
            cursor.execute(f'INSERT INTO "{table}" ({columns}) VALUES {", ".join([row] * size)}', [*chain.from_iterable(rows)])
        count += len(block)
    return count


def _statements(rows: int, per: int) -> Iterator[tuple[int, int]]:
    """(first row, rows) of each statement for ``rows`` rows: one when they are a full statement's
    ``per``, else a power of two each (the bits of ``rows``, largest first)."""
    if rows == per:
        yield 0, rows
        return
    start = 0
    for bit in reversed(range(rows.bit_length())):
        if rows >> bit & 1:
            yield start, 1 << bit
            start += 1 << bit


def upsert_chunked(
    model: type[peewee.Model],
    fields: Sequence[peewee.Field[Any]],
    rows: Iterable[Sequence[Any]],
    conflict: peewee.Field[Any],
    update: dict[str, str],
    *,
    ids: bool = False,
) -> dict[Any, int] | None:
    """``INSERT ... ON CONFLICT (conflict) DO UPDATE SET column = expression`` for every row, in bulk.

    ``update`` maps a column to its SQL expression (``excluded.<column>`` is the new value, the
    table's name the current one), the same text on SQLite and PostgreSQL. With ``ids``, on
    PostgreSQL, returns the id of every row written by its ``conflict`` value (the statement returns
    them); otherwise, and on SQLite (``executemany`` returns no rows: read them after), ``None``.
    """
    database = _unwrapped(model._meta.database)
    table = model._meta.table_name
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sets = ", ".join(f'"{column}" = {expression}' for column, expression in update.items())
    insert = f'INSERT INTO "{table}" ({columns})'
    on_conflict = f'ON CONFLICT ("{conflict.column_name}") DO UPDATE SET {sets}'
    with _DRIVER_ERRORS:
        if isinstance(database, peewee.PostgresqlDatabase):
            if ids:
                on_conflict += f' RETURNING "{conflict.column_name}", "id"'
            return _upsert_copied(database, table, _converted(fields, rows), (columns, len(fields)), insert, on_conflict, ids)
        sql = f"{insert} VALUES ({marks}) {on_conflict}"
        cursor = database.cursor()  # type: ignore[no-untyped-call]
        for block in chunked(_converted(fields, rows), _BLOCK):
            cursor.executemany(sql, block)
    return None


def _upsert_copied(
    database: peewee.Database, table: str, values: Iterable[Sequence[Any]], columns: tuple[str, int], insert: str,
    on_conflict: str, returns: bool,
) -> dict[Any, int] | None:
    """PostgreSQL: the rows COPYed into a temporary table, then one ``INSERT ... SELECT ... ON CONFLICT``
    (``returns``: with the key and id of each row written, by key).

    One statement, not one per row: statement-level triggers (the student data version) then
    fire once, where ``executemany`` would run them once per row.
    """
    staged, (names, width) = f"{table}_upserted", columns
    cursor = database.cursor()  # type: ignore[no-untyped-call]
    cursor.execute(f'CREATE TEMPORARY TABLE "{staged}" AS SELECT {names} FROM "{table}" WITH NO DATA')
    try:
        _insert(database, staged, names, width, values)
        cursor.execute(f'{insert} SELECT {names} FROM "{staged}" {on_conflict}')
        return dict(cursor.fetchall()) if returns else None
    finally:
        cursor.execute(f'DROP TABLE "{staged}"')


def _unwrapped(database: peewee.Database | peewee.DatabaseProxy) -> peewee.Database:
    return database.obj if isinstance(database, peewee.DatabaseProxy) else database


def in_list(field: peewee.Field[Any], values: Sequence[Any]) -> peewee.ColumnBase:
    """``field IN (values)`` with the values bound as one list (peewee's ``.in_`` builds a node per
    value, which dominated reading 600,000 students). At most :data:`MAX_PARAMETERS` values."""
    if not values:
        return cast(peewee.ColumnBase, peewee.SQL("1 = 0"))
    return cast(peewee.ColumnBase, peewee.NodeList((field, peewee.SQL(f"IN ({in_marks(len(values))})", list(values)))))


def in_marks(count: int) -> str:
    """``count`` parameter marks of the database's style, comma-separated: the ``IN (...)`` list of
    SQL written out (:func:`in_list` builds a peewee node per value)."""
    return ", ".join([_unwrapped(database_proxy).param] * count)


def raw_rows(query: peewee.SelectBase) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as the driver gives them: no per-value conversion (SQLite gives dates
    and timestamps as text, booleans as 0/1), for reads of every student."""
    return iter(database_proxy.execute(query))


def tuples(query: peewee.SelectBase) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as plain tuples, streamed (the stubs type ``.tuples()`` as models)."""
    return iter(cast(Iterable[tuple[Any, ...]], query.tuples().iterator()))


def questions(*asked: peewee.Node) -> peewee.Select:
    """Several small questions (each a subquery of one value: a count, the first of something)
    asked in one statement, whose one row (a tuple) answers them in order: one round trip, not one
    each. Run it as a :class:`store.fixed_sql.FixedQuery` (its SQL built once)."""
    return peewee.Select(columns=asked).tuples()
