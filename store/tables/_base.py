"""The base of every table: bound to the shared database proxy, snake_case table names."""

from __future__ import annotations

import peewee

from store.database import database_proxy

__all__ = ["Table"]


class Table(peewee.Model):
    """Base of every table: bound to the shared proxy, snake_case table names."""

    class Meta:
        database = database_proxy
        legacy_table_names = False
