"""The query planner's statistics, refreshed after a bulk load of students.

SQLite keeps no statistics until ``ANALYZE`` runs. Without them it takes every index for a
selective one: the Students table filtered to active students, in local id order, read the
``active`` index (half the district) and sorted 300,000 rows for each page of 50, about half a
second at 600,000 students, instead of walking the local id index (10 ms). PostgreSQL's
autovacuum analyzes on its own, but only some time after the load. ``ANALYZE`` of the SIS
tables takes about a second at that size.
"""

from __future__ import annotations

import peewee

from store.database import database_proxy
from store.tables import STUDENT_TABLES

__all__ = ["refresh_planner_statistics"]


def refresh_planner_statistics(database: peewee.Database | peewee.DatabaseProxy = database_proxy) -> None:
    """Let the database measure the student tables again (after many rows were written at once)."""
    for table in STUDENT_TABLES:
        database.execute_sql(f'ANALYZE "{table._meta.table_name}"')
