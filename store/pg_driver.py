"""peewee without psycopg until a PostgreSQL database is opened.

peewee imports psycopg as it is itself imported, whichever database is used: about 0.2 s of
every ``ssid`` command's start (most of it loading libpq and its TLS libraries), though only a
PostgreSQL database needs the driver. So :mod:`store` imports peewee through this module first,
with psycopg kept out of that import, and :class:`PostgresqlDatabase` brings psycopg in when it
is constructed, through peewee's own seam for a driver (the database's adapter classes).

Where peewee was imported earlier with psycopg (a test importing it first), the adapter works
just the same.
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

__all__ = ["PooledPostgresqlDatabase", "PostgresqlDatabase"]


def _import_peewee_without_psycopg() -> None:
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` now raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


_import_peewee_without_psycopg()

import peewee  # noqa: E402  (imported above, without psycopg)


class _Psycopg3Adapter(peewee.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with psycopg imported when the adapter is made (peewee's reads
    its module's names, which stay ``None`` when peewee was imported without psycopg)."""

    def __init__(self) -> None:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb

        super().__init__()
        self._psycopg = psycopg
        self._in_transaction = TransactionStatus.INTRANS
        self.txn_idle = TransactionStatus.IDLE
        self.txn_inerror = TransactionStatus.INERROR
        self.txn_unknown = TransactionStatus.UNKNOWN
        self.json_type = Json
        self.jsonb_type = Jsonb

    def check_driver(self) -> None:
        pass  # imported above, or the adapter was not made

    def get_binary_type(self) -> Any:
        return self._psycopg.Binary

    def connect(self, db: Any, **params: Any) -> Any:
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        if db.database.startswith("postgresql://"):
            params.setdefault("conninfo", db.database)
        else:
            params.setdefault("dbname", db.database)
        return self._psycopg.connect(**params)

    def server_side_cursor(self, conn: Any) -> Any:
        # As peewee's: in a transaction a plain named cursor, otherwise the server requires withhold.
        in_transaction = self.txn_status(conn) == self._in_transaction
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_transaction)


class PostgresqlDatabase(peewee.PostgresqlDatabase):
    """peewee's PostgreSQL database on psycopg 3, imported when the database is made."""

    # peewee picks the psycopg2 adapter when its module holds no psycopg: both are this one.
    psycopg2_adapter = _Psycopg3Adapter
    psycopg3_adapter = _Psycopg3Adapter


from playhouse.pool import _PooledPostgresqlDatabase  # noqa: E402  (after peewee, above)


class PooledPostgresqlDatabase(_PooledPostgresqlDatabase, PostgresqlDatabase):  # type: ignore[misc]  # as playhouse.pool's own
    """The same database with peewee's connection pool (playhouse.pool's own pooled class is built
    on peewee's PostgresqlDatabase, whose adapter needs psycopg imported with peewee)."""
