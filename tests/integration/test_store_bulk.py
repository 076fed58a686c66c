"""The bulk writer on a real database: every row stored once, in order, whatever the block sizes
(SQLite: full blocks of many rows per statement, the rest one row per step; PostgreSQL: COPY)."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from store.bulk import insert_chunked, rows_per_statement, tuples
from store.database import utc_now
from store.tables_hardening import IdentityChange

_FIELDS = [IdentityChange.at, IdentityChange.actor, IdentityChange.source, IdentityChange.local_id, IdentityChange.field_name,
           IdentityChange.old_value, IdentityChange.new_value]  # fmt: skip


@pytest.mark.parametrize("blocks", [0.5, 1, 2.5])
def test_every_row_is_stored_once_in_order(database: peewee.Database, blocks: float) -> None:
    per = rows_per_statement(len(_FIELDS))
    count = int(per * blocks)
    at = utc_now().replace(microsecond=0)
    rows = ((at, "bench", "roster import r.csv", f"{n:06d}", "ssid", None, f"{n:010d}") for n in range(count))
    assert insert_chunked(IdentityChange, _FIELDS, rows) == count
    stored = list(tuples(IdentityChange.select().order_by(IdentityChange.id)))
    assert len(stored) == count
    assert [r[4] for r in stored] == [f"{n:06d}" for n in range(count)]
    assert stored[-1][1:] == (at, "bench", "roster import r.csv", f"{count - 1:06d}", "ssid", None, f"{count - 1:010d}")
    assert stored[0][1].tzinfo == dt.UTC
