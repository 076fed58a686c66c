"""Set-based helpers for large writes: chunked ``insert_many`` and chunked ``IN`` lists.

SQLite allows 32,766 bound parameters per statement and PostgreSQL 65,535; chunks stay well
under both so one code path serves the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar, cast

import peewee

__all__ = ["MAX_PARAMETERS", "chunked", "insert_chunked", "rows_per_statement", "tuples"]

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


def insert_chunked(model: type[peewee.Model], fields: Sequence[peewee.Field[Any]], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in ``fields`` order) with as few statements as the limits allow."""
    count = 0
    for chunk in chunked(rows, rows_per_statement(len(fields))):
        model.insert_many(chunk, fields=list(fields)).execute()
        count += len(chunk)
    return count


def tuples(query: peewee.SelectBase) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as plain tuples, streamed (the stubs type ``.tuples()`` as models)."""
    return iter(cast(Iterable[tuple[Any, ...]], query.tuples().iterator()))
