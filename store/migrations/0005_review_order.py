"""Version 5 (the review page at district scale): a run's requested students in request order.

The review page asks for a student's place in the run on every page (the one before and after,
the position, the first without a decision); an index on (run, line) answers from the index
instead of reading the run's rows (20,000 SENR lines in a large run). Adds only this index, so it
applies beside any other migration.
"""

from __future__ import annotations

from typing import Any


def up(migrator: Any, db: Any) -> None:
    db.execute_sql('CREATE INDEX IF NOT EXISTS "match_request_run_id_line" ON "match_request" ("run_id", "line")')
