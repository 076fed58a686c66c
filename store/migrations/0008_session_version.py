"""Version 6 (sessions that end): a console user's session version.

Every signed-in session carries the version its user had when it began; signing out, a new
password, deactivation and a new role raise it, so every earlier session of that user ends at
once. Adds only this column, so it applies beside any other migration.
"""

from __future__ import annotations

from typing import Any

import peewee


def up(migrator: Any, db: Any) -> None:
    from playhouse.migrate import migrate

    if "session_version" not in {column.name for column in db.get_columns("console_user")}:
        migrate(migrator.add_column("console_user", "session_version", peewee.IntegerField(default=0)))  # type: ignore[no-untyped-call]
