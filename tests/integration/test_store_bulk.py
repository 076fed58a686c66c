"""The bulk writer on a real database: every row stored once, in order, whatever the block sizes
(SQLite: full blocks of many rows per statement, the rest one row per step; PostgreSQL: COPY)."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from store.bulk import insert_chunked, rows_per_statement, tuples
from store.database import utc_now
from store.tables import IdentityChangeRow

_FIELDS = [IdentityChangeRow.at, IdentityChangeRow.actor, IdentityChangeRow.source, IdentityChangeRow.local_id, IdentityChangeRow.field_name,
           IdentityChangeRow.old_value, IdentityChangeRow.new_value]  # fmt: skip


@pytest.mark.parametrize("blocks", [0.0003, 0.5, 1, 2.5])
def test_every_row_is_stored_once_in_order(database: peewee.Database, blocks: float) -> None:
    per = rows_per_statement(len(_FIELDS))
    count = int(per * blocks)
    at = utc_now().replace(microsecond=0)
    rows = ((at, "bench", "roster import r.csv", f"{n:06d}", "ssid", None, f"{n:010d}") for n in range(count))
    assert insert_chunked(IdentityChangeRow, _FIELDS, rows) == count
    stored = list(tuples(IdentityChangeRow.select().order_by(IdentityChangeRow.id)))
    assert len(stored) == count
    assert [r[4] for r in stored] == [f"{n:06d}" for n in range(count)]
    assert stored[-1][1:] == (at, "bench", "roster import r.csv", f"{count - 1:06d}", "ssid", None, f"{count - 1:010d}")
    assert stored[0][1].tzinfo == dt.UTC
