"""Persistence of the district's data: peewee tables, database opening, schema, bulk reads/writes.

Start with :func:`open_database` (binds the shared proxy) and :func:`store.schema.init_schema`.
"""

import store.pg_driver  # first: peewee imported without psycopg, which only PostgreSQL needs
from store.database import DEFAULT_URL, database_proxy, open_database, transaction, utc_now
from store.errors import NotFound, StaleWrite, StoreError, UnknownSetting

__all__ = [
    "DEFAULT_URL",
    "database_proxy",
    "open_database",
    "transaction",
    "utc_now",
    "StoreError",
    "NotFound",
    "StaleWrite",
    "UnknownSetting",
]
