"""Version 2 (matching assistant): the stored local duplicate check and "not a duplicate" marks.

Creates only this migration's own tables (whatever else a database holds is left alone), so it
applies beside any other migration of the same number.
"""

from __future__ import annotations

from typing import Any


def up(migrator: Any, db: Any) -> None:
    from store.tables import ASSISTANT_TABLES

    db.create_tables(ASSISTANT_TABLES, safe=True)
