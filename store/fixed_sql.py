"""Statements whose SQL is built once: the hot queries of the review page and of a decision.

peewee builds a query's SQL text anew every time it runs: a quarter of a millisecond for a small
select, a millisecond for the review page's one statement of neighbours and counts — about a
quarter of the server's CPU for a reviewer's page and decision. A :class:`FixedQuery` is written
as peewee (the same query, the same SQL) by a function of its parameters; the first run on a
kind of database builds it with placeholders for the parameters and keeps the text; every run
binds its values to that text and reads the rows as peewee would (model rows or tuples).

The values are bound as given, without the conversion a field would apply: a parameter is a text
or a whole number, which every column here takes as it is. Anything else (a date, a time, a
boolean) is refused when the statement runs, and a parameter that peewee does not hand to the
driver as it is (a boolean column converts it) is refused when the statement is first built, both
with :class:`FixedSqlError`: a mistake shows in the first test, not as a wrong answer.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import peewee

from store.database import database_proxy
from store.errors import StoreError

__all__ = ["FixedQuery", "FixedSqlError"]

R = TypeVar("R")


_AS_GIVEN = (str, int)
"""The types of the values a fixed query binds as given (``bool`` is not one: a field converts it)."""


class FixedSqlError(StoreError):
    """A fixed query's parameter is not bound as given (a field would convert it)."""


class _Slot(str):
    """The placeholder of parameter ``index`` while the SQL is built: a text no field converts
    (peewee hands text to the driver as it is; a whole-number field keeps what ``int()`` refuses)."""

    number: int

    def __new__(cls, number: int) -> _Slot:
        slot = super().__new__(cls, f"\x00fixed-sql-parameter-{number}\x00")
        slot.number = number
        return slot


@dataclass(frozen=True)
class _Built:
    query: peewee.BaseQuery
    sql: str
    slots: tuple[int | None, ...]  # per bound value: the parameter it takes, or None for a constant
    constants: tuple[Any, ...]


class FixedQuery(Generic[R]):
    """A query built once per kind of database by ``build`` (a function of the parameters, each a
    text or a whole number; ``parameters`` says how many a ``build(*values)`` takes), run with new
    values: ``rows(...)``, ``first(...)``, ``scalar(...)``.
    ``R`` is what a row is: the query's model, or ``tuple[Any, ...]`` for ``.tuples()`` queries."""

    def __init__(self, build: Callable[..., peewee.BaseQuery], parameters: int | None = None) -> None:
        self._build = build
        # ``parameters`` for a ``build(*values)``; else its parameters without a default (one given
        # a default is fixed when the query is built).
        self._parameters = parameters if parameters is not None else sum(
            1 for p in inspect.signature(build).parameters.values() if p.default is inspect.Parameter.empty
        )
        self._built: dict[type[peewee.Database], _Built] = {}
        self._lock = threading.Lock()

    def _on(self, database: peewee.Database) -> _Built:
        built = self._built.get(type(database))
        if built is None:
            with self._lock:
                built = self._built.get(type(database)) or self._compile(database)
                self._built[type(database)] = built
        return built

    def _compile(self, database: peewee.Database) -> _Built:
        query = self._build(*(_Slot(n) for n in range(self._parameters)))
        sql, values = database.get_sql_context().sql(query).query()  # type: ignore[no-untyped-call]
        slots = tuple(value.number if isinstance(value, _Slot) else None for value in values)
        missing = set(range(self._parameters)) - set(slots)
        leaked = [value for value in values if isinstance(value, str) and "\x00fixed-sql-parameter-" in value and not isinstance(value, _Slot)]
        if missing or leaked or "\x00fixed-sql-parameter-" in sql:
            raise FixedSqlError(f"{self._build.__qualname__}: parameter(s) {sorted(missing)} are not bound values as given")
        constants = tuple(None if isinstance(value, _Slot) else value for value in values)
        return _Built(query, sql, slots, constants)

    def _cursor(self, args: tuple[Any, ...]) -> tuple[_Built, Any]:
        if len(args) != self._parameters:
            raise TypeError(f"{self._build.__qualname__} takes {self._parameters} parameter(s), not {len(args)}")
        if not all(type(arg) in _AS_GIVEN for arg in args):
            raise FixedSqlError(f"{self._build.__qualname__}: a parameter is not a text or a whole number: {[type(a).__name__ for a in args]}")
        database = database_proxy.obj
        assert isinstance(database, peewee.Database), "no database opened"
        built = self._on(database)
        values = [args[slot] if slot is not None else constant for slot, constant in zip(built.slots, built.constants)]
        return built, database.execute_sql(built.sql, values)  # type: ignore[no-untyped-call]

    def rows(self, *args: Any) -> Iterator[R]:
        """The rows, as the query built by peewee would give them."""
        built, cursor = self._cursor(args)
        wrapper: Any = getattr(built.query, "_get_cursor_wrapper")(cursor)
        return iter(cast(Iterator[R], wrapper))

    def first(self, *args: Any) -> R | None:
        """The first row (``None`` when there is none)."""
        return next(self.rows(*args), None)

    def scalar(self, *args: Any) -> Any:
        """The first value of the first row, as the driver gives it (``None`` when no row)."""
        _, cursor = self._cursor(args)
        row = cursor.fetchone()
        return row[0] if row else None
