"""Opening the district database by URL, and the proxy every table is bound through.

URLs: ``sqlite:///relative/path.db`` (relative to the current directory),
``sqlite:////absolute/path.db``, ``sqlite:///:memory:``, and
``postgresql://user:password@host:port/dbname?options=...`` (psycopg 3; query parameters are
passed to the driver, e.g. ``options=-csearch_path%3Dmyschema``).

The app, the command line and the tests share one model layer: every table is bound to
:data:`database_proxy`, and :func:`open_database` points the proxy at a real database.

The console opens it with a connection pool (``pool=N``): a request takes a connection that an
earlier one gave back instead of opening a new PostgreSQL session (about 2.4 ms, and a server
process each) or a new SQLite connection (a cold page cache). A command runs one connection and
needs none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from playhouse.pool import PooledSqliteDatabase

from store.errors import StoreError
from store.pg_driver import PooledPostgresqlDatabase, PostgresqlDatabase
from store.private_files import private_file, private_folder
from store.query_log import hide_query_parameters

__all__ = [
    "database_proxy",
    "DEFAULT_URL",
    "open_database",
    "transaction",
    "utc_now",
    "UtcDateTimeField",
    "sqlite_path",
    "close_every_pool",
    "close_pooled",
    "POOL_WAIT_SECONDS",
    "POOL_RECYCLE_SECONDS",
]

DEFAULT_URL = "sqlite:///instance/ssid.db"

hide_query_parameters()  # before any query: student data never reaches a log through peewee

database_proxy = peewee.DatabaseProxy()
"""The database every table of :mod:`store` is bound to (see :func:`open_database`)."""

POOL_WAIT_SECONDS = 30
"""A request that finds every pooled connection in use waits this long for one, then fails."""

POOL_RECYCLE_SECONDS = 600
"""A pooled connection older than this is closed when given back (a server restarted, settings
changed): a new one replaces it."""

_SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -64_000,  # 64 MB
    "temp_store": "memory",
}


def sqlite_path(url: str) -> str | None:
    """The file path of a ``sqlite:///`` URL (``:memory:`` as is); ``None`` for other schemes."""
    if not url.startswith("sqlite:"):
        return None
    if not url.startswith("sqlite:///") or len(url) == len("sqlite:///"):
        raise StoreError("a SQLite URL looks like sqlite:///relative/path.db or sqlite:////absolute/path.db")
    return unquote(url[len("sqlite:///") :])


def _pool_options(pool: int | None) -> dict[str, Any]:
    return {"max_connections": pool, "stale_timeout": POOL_RECYCLE_SECONDS, "timeout": POOL_WAIT_SECONDS}


def _connect_sqlite(path: str, pool: int | None) -> peewee.Database:
    if path != ":memory:":
        # Owner-only from the start; SQLite gives -wal and -shm the database file's permissions.
        private_file(private_folder(Path(path).parent) / Path(path).name)
    # timeout = busy timeout in seconds: a second writer waits instead of failing at once.
    if pool is None or path == ":memory:":  # each in-memory connection would be another database
        return peewee.SqliteDatabase(path, pragmas=_SQLITE_PRAGMAS, timeout=15)
    # The pool's own wait is `timeout`: SQLite's busy timeout travels as a pragma then.
    pragmas = {**_SQLITE_PRAGMAS, "busy_timeout": 15_000}
    # A pooled connection serves one thread at a time, but not always the thread that opened it.
    database: peewee.Database = PooledSqliteDatabase(  # type: ignore[no-untyped-call]
        path, pragmas=pragmas, check_same_thread=False, **_pool_options(pool)
    )
    return database


def _connect_postgresql(url: str, pool: int | None) -> peewee.Database:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise StoreError("a PostgreSQL URL names its database: postgresql://user@host:port/dbname")
    params: dict[str, Any] = dict(parse_qsl(parts.query))
    if parts.username:
        params["user"] = unquote(parts.username)
    if parts.password:
        params["password"] = unquote(parts.password)
    if parts.hostname:
        params["host"] = parts.hostname
    if parts.port:
        params["port"] = parts.port
    # JIT compiling pays off for long analytic queries, not for ours: on a 600,000-line extract
    # preview it spent more time compiling than the query ran.
    params["options"] = " ".join(filter(None, [params.get("options", ""), "-c jit=off"]))
    if pool is None:
        return PostgresqlDatabase(name, **params)
    pooled: peewee.Database = PooledPostgresqlDatabase(name, **_pool_options(pool), **params)  # type: ignore[no-untyped-call]
    return pooled


def open_database(url: str, *, bind: bool = True, pool: int | None = None) -> peewee.Database:
    """Open the database at ``url`` and (by default) point :data:`database_proxy` at it.

    With ``pool``, at most that many connections are kept open and handed from one request (one
    thread) to the next: ``close()`` gives a connection back instead of closing it; a thread that
    finds every one in use waits up to :data:`POOL_WAIT_SECONDS`.
    Nothing is created here; :func:`store.schema.init_schema` creates or upgrades the tables.
    Raises :class:`StoreError` for a URL of another kind.
    """
    path = sqlite_path(url)
    if path is not None:
        database = _connect_sqlite(path, pool)
    elif url.startswith(("postgresql://", "postgres://")):
        database = _connect_postgresql(url, pool)
    else:
        raise StoreError("unsupported database URL: use sqlite:///path.db or postgresql://user@host:port/dbname")
    if pool is not None:
        _POOLS.append(database)
    if bind:
        database_proxy.initialize(database)
    return database


# Every pooled database this process opened and has not closed with close_every_pool: held here,
# so that a pool whose app is gone is still closed, not deleted with its connections open.
_POOLS: list[peewee.Database] = []


def close_every_pool() -> None:
    """Close every connection of every pool this process opened (a test's end, whichever app
    opened them)."""
    while _POOLS:
        close_pooled(_POOLS.pop())


def close_pooled(database: peewee.Database) -> None:
    """Close every connection of ``database``'s pool, in use or idle (a process that forks, or a
    test done with its app); a database without a pool is closed for this thread."""
    if isinstance(database, (PooledPostgresqlDatabase, PooledSqliteDatabase)):
        database.close_all()  # type: ignore[no-untyped-call]
    elif not database.is_closed():
        database.close()


@contextmanager
def transaction() -> Iterator[None]:
    """One atomic unit of work on the bound database (nested calls become savepoints)."""
    with database_proxy.atomic():
        yield


def utc_now() -> dt.datetime:
    """The current time, timezone-aware, in UTC (what every timestamp column stores)."""
    return dt.datetime.now(dt.UTC)


class UtcDateTimeField(peewee.DateTimeField):
    """A timestamp stored as naive UTC and read back as an aware UTC ``datetime``.

    PostgreSQL's ``TIMESTAMP`` and SQLite's text both drop the offset, so the column always holds
    UTC; a naive value given to it is refused rather than guessed.
    """

    def db_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime: store UTC-aware timestamps (store.utc_now())")
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)  # type: ignore[no-untyped-call]
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value
