"""Who changed a student's identity fields (SSID, Old State ID, ELAS, SWD), when, and through what.

Two sources, one listing: a loaded file's apply and undo (SSID Extract, Replacement SSIDs, SELA
import) journal every field in :class:`~store.tables.BatchChangeRow`, with the batch, its run
and who applied or undid it; every other way the console and command line offer (the Tables page,
a roster import) writes :class:`~store.tables.IdentityChangeRow`. :func:`identity_history`
lists both for one student, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from store.bulk import MAX_PARAMETERS, chunked, in_list, in_marks, insert_rows, tuples
from store.database import database_proxy, utc_now
from store.tables import (
    BatchChangeRow,
    BatchRow,
    IdentityChangeRow,
    LanguageStatusRow,
    SpecialEducationRow,
    StudentRow,
)

__all__ = [
    "IDENTITY_FIELDS", "IdentityEvent", "Values", "identity_values", "journal_differences", "identity_history", "snapshot_identity",
    "journal_since_snapshot",
]

IDENTITY_FIELDS: Mapping[str, str] = {"ssid": "SSID", "old_state_id": "Old State ID", "elas": "ELAS", "swd": "SWD"}
"""The identity fields (column → the name a coordinator uses)."""

_BATCH_NAMES = {"extract": "SSID Extract", "replacement": "Replacement SSIDs", "sela_import": "SELA import"}

Values = dict[str, dict[str, str | None]]


@dataclass(frozen=True, slots=True)
class IdentityEvent:
    """One change of one identity field of a student."""

    at: dt.datetime
    actor: str
    field: str
    old: str | None
    new: str | None
    source: str
    batch_id: int | None = None
    run_id: int | None = None


def _identity_query(local_ids: Sequence[str]) -> peewee.SelectBase:
    """local id, SSID, Old State ID, ELAS, SWD of these students (at most MAX_PARAMETERS ids)."""
    return (
        StudentRow.select(StudentRow.local_id, StudentRow.ssid, StudentRow.old_state_id, LanguageStatusRow.elas, SpecialEducationRow.swd)
        .join(LanguageStatusRow, on=(LanguageStatusRow.student == StudentRow.id), join_type=peewee.JOIN.LEFT_OUTER)
        .switch(StudentRow)
        .join(SpecialEducationRow, on=(SpecialEducationRow.student == StudentRow.id), join_type=peewee.JOIN.LEFT_OUTER)
        .where(in_list(StudentRow.local_id, local_ids))
    )


def identity_sql(count: int) -> str:
    """:func:`_identity_query`'s rows for ``count`` local ids, as SQL written out: the bulk paths bind
    a thousand ids per statement, which peewee would build a node for one by one.

    ELAS and SWD are looked up student by student (each table holds at most one row per student),
    not joined: PostgreSQL joined a thousand students by scanning all of language_status and
    special_education, so each chunk of a 600,000-student roster cost more than the one before."""
    s, language, special = StudentRow._meta.table_name, LanguageStatusRow._meta.table_name, SpecialEducationRow._meta.table_name
    return (
        f'SELECT s.local_id, s.ssid, s.old_state_id, '
        f'(SELECT l.elas FROM "{language}" AS l WHERE l.student_id = s.id), '
        f'(SELECT e.swd FROM "{special}" AS e WHERE e.student_id = s.id) '
        f'FROM "{s}" AS s WHERE s.local_id IN ({in_marks(count)})'
    )


def identity_values(local_ids: Collection[str]) -> Values:
    """local id → the identity fields as they are now (``None`` when blank or absent)."""
    if not local_ids:
        return {}
    found: Values = {}
    for ids in chunked(local_ids, MAX_PARAMETERS):
        found.update(
            (local_id, {"ssid": ssid, "old_state_id": old, "elas": elas, "swd": swd})
            for local_id, ssid, old, elas, swd in tuples(_identity_query(ids))
        )
    return found


_SNAPSHOT = "identity_before"
_COLUMNS = ("local_id", *IDENTITY_FIELDS)


def snapshot_identity(local_ids: Sequence[str]) -> None:
    """Remember the identity fields of these students as they are now, for
    :func:`journal_since_snapshot` (a temporary table of the connection; replaces the last one).

    The bulk path of a save (a roster import journals up to four fields of each of 600,000
    students): the comparison and the journal rows are made in SQL, not in Python.
    """
    database = database_proxy
    database.execute_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{_SNAPSHOT}" (local_id TEXT PRIMARY KEY, '
        + ", ".join(f"{c} TEXT" for c in IDENTITY_FIELDS) + ")"
    )
    database.execute_sql(f'DELETE FROM "{_SNAPSHOT}"')
    for ids in chunked(local_ids, MAX_PARAMETERS):
        database.execute_sql(f'INSERT INTO "{_SNAPSHOT}" ({", ".join(_COLUMNS)}) {identity_sql(len(ids))}', ids)


def journal_since_snapshot(local_ids: Sequence[str], source: str, actor: str, at: dt.datetime | None = None) -> int:
    """Journal every identity field of these students that differs from the last
    :func:`snapshot_identity` (a blank value is no value), as :func:`journal_differences` does;
    returns how many rows were journaled."""
    i = IdentityChangeRow
    when = i.at.db_value(at or utc_now())
    # One row per student and field, ordered by local id and then field, as journal_differences.
    fields = " UNION ALL ".join(
        f"SELECT n.local_id, {rank} AS rank, '{name}' AS field_name, NULLIF(b.{name}, '') AS old_value, "
        f"NULLIF(n.{name}, '') AS new_value FROM n LEFT JOIN \"{_SNAPSHOT}\" b ON b.local_id = n.local_id"
        for rank, name in enumerate(IDENTITY_FIELDS)
    )
    journaled = 0
    for ids in chunked(local_ids, MAX_PARAMETERS):
        cursor = database_proxy.execute_sql(
            f"WITH n ({', '.join(_COLUMNS)}) AS ({identity_sql(len(ids))}) "
            f'INSERT INTO "{i._meta.table_name}" (at, actor, source, local_id, field_name, old_value, new_value) '
            f"SELECT {database_proxy.param}, {database_proxy.param}, {database_proxy.param}, local_id, field_name, "
            f"old_value, new_value FROM ({fields}) AS changes WHERE old_value IS DISTINCT FROM new_value "
            "ORDER BY local_id, rank",
            [*ids, when, actor, source],
        )
        journaled += cursor.rowcount
    return journaled


def journal_differences(before: Values, after: Values, source: str, actor: str, at: dt.datetime | None = None) -> int:
    """Journal every identity field that differs between ``before`` and ``after``; returns how many."""
    i = IdentityChangeRow
    when = i.at.db_value(at or utc_now())  # as the database stores it, once for every row
    rows: list[tuple[Any, ...]] = []
    if not before:  # new students (a first roster journals up to four fields of each): every value given
        for local_id in sorted(after):
            new = after[local_id]
            rows += [(when, actor, source, local_id, name, None, new[name]) for name in IDENTITY_FIELDS if new.get(name)]
    else:
        for local_id in sorted(set(before) | set(after)):
            old, new = before.get(local_id, {}), after.get(local_id, {})
            for name in IDENTITY_FIELDS:
                if (old.get(name) or None) != (new.get(name) or None):
                    rows.append((when, actor, source, local_id, name, old.get(name) or None, new.get(name) or None))
    # The bulk writer (multi-row INSERT / COPY), the values as they are (text, and the time converted above).
    columns = [f.column_name for f in (i.at, i.actor, i.source, i.local_id, i.field_name, i.old_value, i.new_value)]
    return insert_rows(database_proxy.obj, i._meta.table_name, columns, rows) if rows else 0


def _batch_events(local_id: str) -> list[IdentityEvent]:
    c, b = BatchChangeRow, BatchRow
    query = (
        c.select(c.field_name, c.old_value, c.new_value, b.id, b.kind, b.run, b.applied_at, b.applied_by, b.undone_at, b.undone_by)
        .join(b, on=(c.batch == b.id))
        .where((c.local_id == local_id) & c.field_name.in_(list(IDENTITY_FIELDS)))
    )
    events: list[IdentityEvent] = []
    for name, old, new, batch_id, kind, run_id, applied_at, applied_by, undone_at, undone_by in tuples(query):
        what = f"{_BATCH_NAMES.get(kind, kind)} batch {batch_id}" + (f" (run {run_id})" if run_id else "")
        label = IDENTITY_FIELDS[name]
        if applied_at is not None:
            events.append(IdentityEvent(_aware(applied_at), applied_by or "", label, old, new, f"applied {what}", batch_id, run_id))
        if undone_at is not None:
            events.append(IdentityEvent(_aware(undone_at), undone_by or "", label, new, old, f"undid {what}", batch_id, run_id))
    return events


def _aware(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def identity_history(local_id: str) -> list[IdentityEvent]:
    """Every journaled change of the student's identity fields, oldest first."""
    i = IdentityChangeRow
    others = [
        IdentityEvent(row.at, row.actor, IDENTITY_FIELDS.get(row.field_name, row.field_name), row.old_value, row.new_value, row.source)
        for row in i.select().where(i.local_id == local_id)
    ]
    return sorted([*_batch_events(local_id), *others], key=lambda event: event.at)
