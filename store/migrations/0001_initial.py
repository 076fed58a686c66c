"""Version 1: the tables as first released.

A database that has no tables at all is created from the live models by init_schema and this
migration is only recorded; it runs for real only on a database whose tables predate the
schema_version table (none exist in the field), so it creates whatever is missing.
"""

from __future__ import annotations

from typing import Any


def up(migrator: Any, db: Any) -> None:
    from store.schema import ALL_TABLES

    db.create_tables(ALL_TABLES, safe=True)
