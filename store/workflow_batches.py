"""Batches set-based: the preview kept line by line, apply with a journal, undo from the journal.

Part of the workflow's store (:mod:`store.workflow_store`). Every statement works on a whole
batch at once (``UPDATE ... FROM batch_preview_line``, ``INSERT ... SELECT``), the same SQL on
SQLite (3.39+) and PostgreSQL, so applying a 600,000-line extract is a handful of statements.

Conventions of :class:`store.tables.PreviewLineRow`: on a line with ``applied`` set, a
non-null ``*_new`` is a value to write and ``*_old`` the value the preview found; lines not
applied only show what the file says. The journal (:class:`store.tables.BatchChangeRow`)
holds one row per field changed (values as text) and a ``*row*`` row for a language-status or
special-education row the apply had to create, which undo deletes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import peewee

from domain.planning.identity import FieldChange, FieldValue, IdentityField, LocalIdentity
from domain.runs import PreviewItem
from domain.values import LocalId, Ssid
from store.bulk import insert_chunked, raw_rows
from store.tables import BatchChangeRow, LanguageStatusRow, PreviewLineRow, QuietLineRow, SpecialEducationRow, StudentRow

__all__ = ["BatchSql", "insert_preview", "iter_preview_items", "preview_items", "preview_columns", "every_line", "stored_lines"]

ROW_CREATED = "*row*"


@dataclass(frozen=True, slots=True)
class _Field:
    """A field a batch may change: where it lives and its preview columns (``<column>_old/_new``)."""

    field: IdentityField
    table: str
    key: str  # the table's column holding the student's id
    column: str
    is_date: bool = False


_FIELDS = (
    _Field(IdentityField.SSID, "student", "id", "ssid"),
    _Field(IdentityField.OLD_STATE_ID, "student", "id", "old_state_id"),
    _Field(IdentityField.ELAS, "language_status", "student_id", "elas"),
    _Field(IdentityField.ELAS_START, "language_status", "student_id", "elas_start", is_date=True),
    _Field(IdentityField.SWD, "special_education", "student_id", "swd"),
)
_BY_FIELD = {f.field: f for f in _FIELDS}
_CHILD_TABLES = ("language_status", "special_education")

assert StudentRow._meta.table_name == "student"
assert LanguageStatusRow._meta.table_name == "language_status"
assert SpecialEducationRow._meta.table_name == "special_education"
_P = PreviewLineRow._meta.table_name
_Q = QuietLineRow._meta.table_name
_J = BatchChangeRow._meta.table_name
_CHANGING = "batch_changing_line"


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def insert_preview(batch_id: int, items: Iterable[PreviewItem]) -> int:
    """Store a batch's preview lines (chunked inserts), then link them to students by local id."""
    p = PreviewLineRow
    columns = [p.batch, p.line, p.local_id, p.kind, p.applied, p.detail] + [
        getattr(p, f"{f.column}_{end}") for f in _FIELDS for end in ("old", "new")
    ]

    def row(item: PreviewItem) -> tuple[Any, ...]:
        values: dict[IdentityField, tuple[FieldValue, FieldValue]] = {c.field: (c.old, c.new) for c in item.changes}
        pairs = [v for f in _FIELDS for v in values.get(f.field, (None, None))]
        return (batch_id, item.line, item.local_id, item.kind, item.applied, item.detail, *pairs)

    count = insert_chunked(p, cast("list[peewee.Field[Any]]", columns), map(row, items))
    owner = StudentRow.select(StudentRow.id).where(StudentRow.local_id == p.local_id)
    p.update(student=owner).where(p.batch == batch_id).execute()
    return count


def preview_items(batch_id: int, limit: int | None = None) -> list[PreviewItem]:
    """A batch's preview lines in file order (the first ``limit`` when given)."""
    return list(iter_preview_items(batch_id, limit))


def iter_preview_items(batch_id: int, limit: int | None = None) -> Iterator[PreviewItem]:
    """:func:`preview_items` made one at a time as the rows are read (a district's audit lists tens
    of thousands: read whole, they would make its memory grow with the district)."""
    return _listed(every_line(batch_id, PreviewLineRow.select(*preview_columns()), QuietLineRow.select()), limit)


def _listed(query: peewee.SelectBase, limit: int | None) -> Iterator[PreviewItem]:
    """The preview items of ``query`` (of :func:`every_line`), the first ``limit`` when given."""
    if limit is not None:
        query = query.limit(limit)
    # The driver's rows, not model rows (only dates converted); the last column is the ordering id.
    return _items(row[:-1] for row in raw_rows(query))


def preview_columns() -> list[peewee.Field[Any]]:
    """The columns of a preview line as :func:`every_line` lists them: line, local id, kind,
    applied, detail, each field's old and new value, and its id (the order of lines of one number)."""
    p = PreviewLineRow
    pairs = [getattr(p, f"{f.column}_{end}") for f in _FIELDS for end in ("old", "new")]
    return [p.line, p.local_id, p.kind, p.applied, p.detail, *pairs, p.id]


def every_line(
    batch_id: int, lines: peewee.ModelSelect[PreviewLineRow], quiet: peewee.ModelSelect[QuietLineRow] | None
) -> peewee.SelectBase:
    """A batch's preview lines of ``lines`` (a select of :func:`preview_columns` of
    :class:`PreviewLineRow`) and its quiet lines of ``quiet`` (a select of :class:`QuietLineRow`,
    ``None``: none), in file order: one list, as if every line were a preview line (a quiet line
    is applied, changes nothing and has no detail). Lines of one number come in the order stored."""
    ordered = [peewee.SQL('"line"'), peewee.SQL('"id"')]
    lines = lines.where(PreviewLineRow.batch == batch_id)
    if quiet is None:
        return lines.order_by(*ordered)
    q = QuietLineRow
    nothing = [peewee.SQL("NULL")] * (2 * len(_FIELDS))
    quiet = quiet.select(q.line, q.local_id, q.kind, peewee.SQL("TRUE"), peewee.SQL("''"), *nothing, peewee.SQL("0"))
    return (lines + quiet.where(q.batch_id == batch_id)).order_by(*ordered)


def _items(rows: Iterable[tuple[Any, ...]]) -> Iterator[PreviewItem]:
    """Preview items of rows (line, local id, kind, applied, detail, then each field's old and new)."""
    for line, local_id, kind, applies, detail, *values in rows:
        changes = []
        for f, old, new in zip(_FIELDS, values[::2], values[1::2]):
            if old is not None or new is not None:
                if f.is_date:
                    old, new = _date(old), _date(new)
                changes.append(FieldChange(LocalId(local_id), f.field, old, new))
        yield PreviewItem(line=line, local_id=local_id, kind=kind, applied=bool(applies), changes=tuple(changes), detail=detail)


def stored_lines(postgres: bool) -> str:
    """A batch's preview lines ``p`` in the order they were stored: on SQLite through the batch
    index (its planner would take (batch, line): file order, which for an extract's lines, stored
    in local id order (store.extract_preview), jumps across the table: the apply of 560,000 lines
    took 12.9 s instead of 2.4 s, and a read picking a few of 112,000 lines 0.06 s instead of 0.01 s)."""
    return f"{_P} p" if postgres else f"{_P} p INDEXED BY {_P}_batch_id"


class BatchSql:
    """The set-based statements of apply and undo, in the database's dialect."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database
        self.param = database.param
        self.postgres = isinstance(database, peewee.PostgresqlDatabase)
        self._stored = stored_lines(self.postgres)
        self._pairs = [f"p.{f.column}_{end}" for f in _FIELDS for end in ("old", "new")]
        self._lines = f"{_CHANGING} p"

    def _one(self, sql: str, *params: Any) -> int:
        row = self.database.execute_sql(sql, params).fetchone()  # type: ignore[no-untyped-call]
        return int(row[0] or 0) if row else 0

    def _run(self, sql: str, *params: Any) -> int:
        return int(self.database.execute_sql(sql, params).rowcount)  # type: ignore[no-untyped-call]

    def _text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"

    def _from_text(self, f: _Field, expression: str) -> str:
        # SQLite keeps dates as ISO text already (CAST AS DATE would make it a number there).
        return f"CAST({expression} AS DATE)" if f.is_date and self.postgres else expression

    def _changing(self, f: _Field) -> str:
        q = self.param
        return f"p.batch_id = {q} AND p.applied AND p.student_id IS NOT NULL AND p.{f.column}_new IS NOT NULL"

    def identities(self) -> Iterator[LocalIdentity]:
        """Every student's identity fields, in one query."""
        query = (
            StudentRow.select(
                StudentRow.local_id, StudentRow.ssid, StudentRow.old_state_id,
                LanguageStatusRow.elas, LanguageStatusRow.elas_start, SpecialEducationRow.swd,
            )
            .join(LanguageStatusRow, peewee.JOIN.LEFT_OUTER, on=(LanguageStatusRow.student == StudentRow.id))
            .switch(StudentRow)
            .join(SpecialEducationRow, peewee.JOIN.LEFT_OUTER, on=(SpecialEducationRow.student == StudentRow.id))
        )
        # Dates come as text from SQLite, hence _date.
        for local_id, ssid, old, elas, start, swd in raw_rows(query):
            yield LocalIdentity(
                LocalId(local_id), Ssid(ssid) if ssid else None, Ssid(old) if old else None, elas, _date(start), swd
            )

    def _current(self, f: _Field) -> tuple[str, str]:
        """(join clause, current-value expression) of ``f`` for preview lines ``p``."""
        if f.table == "student":
            return "JOIN student t ON t.id = p.student_id", f"t.{f.column}"
        return f"LEFT JOIN {f.table} t ON t.student_id = p.student_id", f"t.{f.column}"

    def _rows(self, sql: str, *params: Any) -> Iterator[tuple[Any, ...]]:
        return iter(self.database.execute_sql(sql, params))  # type: ignore[no-untyped-call]

    def iter_changes(self, batch_id: int) -> Iterator[PreviewItem]:
        """The applied preview lines that change a field, in file order (picked by the database:
        an extract's unchanged lines never reach Python)."""
        changing = " OR ".join(f"{pair} IS NOT NULL" for pair in self._pairs)
        return self._picked(batch_id, f"p.applied AND ({changing})")

    def iter_applied(self, batch_id: int, applied: bool, limit: int | None = None) -> Iterator[PreviewItem]:
        """The preview lines applied, the quiet lines among them (or only those listed: not
        applied), in file order."""
        p = PreviewLineRow
        lines = p.select(*preview_columns()).where(p.applied == applied)
        return _listed(every_line(batch_id, lines, QuietLineRow.select() if applied else None), limit)

    def _picked(self, batch_id: int, where: str) -> Iterator[PreviewItem]:
        q = self.param
        return _items(self._rows(
            f"SELECT p.line, p.local_id, p.kind, p.applied, p.detail, {', '.join(self._pairs)} FROM {self._stored} "
            f"WHERE p.batch_id = {q} AND {where} ORDER BY p.line, p.id",
            batch_id,
        ))

    def local_ids_among(self, batch_id: int, among: Sequence[str]) -> set[str]:
        """The local ids of ``among`` (at most :data:`store.bulk.MAX_PARAMETERS`) on a line of the batch."""
        q = self.param
        marks = ", ".join([q] * len(among))
        found = self._rows(
            f"SELECT p.local_id FROM {self._stored} WHERE p.batch_id = {q} AND p.local_id IN ({marks}) "
            f"UNION SELECT q.local_id FROM {_Q} q WHERE q.batch_id = {q} AND q.local_id IN ({marks})",
            batch_id, *among, batch_id, *among,
        )
        return {local_id for (local_id,) in found}

    def elas_changes(self, batch_id: int) -> list[tuple[str, str | None, str | None]]:
        """(local id, ELAS before, ELAS after) of the applied lines that change ELAS, in file order."""
        q = self.param
        return [(local_id, old, new) for local_id, old, new in self._rows(
            f"SELECT p.local_id, p.elas_old, p.elas_new FROM {self._stored} WHERE p.batch_id = {q} AND p.applied "
            "AND p.elas_new IS NOT NULL AND COALESCE(p.elas_old, '') <> p.elas_new ORDER BY p.line",
            batch_id,
        )]

    def _keep_changing(self, batch_id: int) -> None:
        """Copy the batch's lines that change something (applied, of a student, with a new value)
        to a temporary table, in the order they were stored, for the statements of :meth:`stale`
        and :meth:`apply`: each of them then reads those few lines, not every line of the batch
        (an extract's lines are mostly unchanged; 21 scans of 112,000 lines took 0.3 s)."""
        q = self.param
        columns = ", ".join(f"p.{f.column}_{end}" for f in _FIELDS for end in ("old", "new"))
        wanted = " OR ".join(f"p.{f.column}_new IS NOT NULL" for f in _FIELDS)
        self._run(f"DROP TABLE IF EXISTS {_CHANGING}")
        self._run(
            f"CREATE TEMPORARY TABLE {_CHANGING} AS SELECT p.batch_id, p.student_id, p.local_id, p.applied, {columns} "
            f"FROM {self._stored} WHERE p.batch_id = {q} AND p.applied AND p.student_id IS NOT NULL AND ({wanted}) "
            "ORDER BY p.id",
            batch_id,
        )
        if self.postgres:  # its planner would otherwise guess the table's size
            self._run(f"ANALYZE {_CHANGING}")

    def stale(self, batch_id: int) -> int:
        """Previewed changes whose starting value is no longer the student's current value."""
        self._keep_changing(batch_id)
        total = 0
        for f in _FIELDS:
            join, current = self._current(f)
            total += self._one(
                f"SELECT COUNT(*) FROM {self._lines} {join} WHERE {self._changing(f)} "
                f"AND {current} IS DISTINCT FROM p.{f.column}_old",
                batch_id,
            )
        return total

    def apply(self, batch_id: int) -> dict[str, int]:
        """Write every change of the batch; journal first. Counts per ``table.field`` and ``students``."""
        q = self.param
        self._keep_changing(batch_id)
        counts: dict[str, int] = {}
        for table in _CHILD_TABLES:
            wanted = " OR ".join(f"p.{f.column}_new IS NOT NULL" for f in _FIELDS if f.table == table)
            missing = (
                f"FROM {self._lines} WHERE p.batch_id = {q} AND p.applied AND p.student_id IS NOT NULL AND ({wanted}) "
                f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.student_id = p.student_id)"
            )
            self._run(
                f"INSERT INTO {_J} (batch_id, student_id, local_id, table_name, field_name, old_value, new_value) "
                f"SELECT p.batch_id, p.student_id, p.local_id, '{table}', '{ROW_CREATED}', NULL, NULL {missing}",
                batch_id,
            )
            created = self._run(f"INSERT INTO {table} (student_id) SELECT DISTINCT p.student_id {missing}", batch_id)
            if created:
                counts[f"{table}.rows_created"] = created
        for f in _FIELDS:
            join, current = self._current(f)
            self._run(
                f"INSERT INTO {_J} (batch_id, student_id, local_id, table_name, field_name, old_value, new_value) "
                f"SELECT p.batch_id, p.student_id, p.local_id, '{f.table}', '{f.column}', "
                f"{self._text(current)}, {self._text(f'p.{f.column}_new')} FROM {self._lines} {join} "
                f"WHERE {self._changing(f)} AND {current} IS DISTINCT FROM p.{f.column}_new",
                batch_id,
            )
            changed = self._run(
                f"UPDATE {f.table} SET {f.column} = p.{f.column}_new FROM {self._lines} "
                f"WHERE p.student_id = {f.table}.{f.key} AND {self._changing(f)} "
                f"AND {f.table}.{f.column} IS DISTINCT FROM p.{f.column}_new",
                batch_id,
            )
            if changed:
                counts[f"{f.table}.{f.column}"] = changed
        counts["students"] = self._one(
            f"SELECT COUNT(DISTINCT student_id) FROM {_J} WHERE batch_id = {q} AND field_name <> '{ROW_CREATED}'",
            batch_id,
        )
        return counts

    def changed_since(self, batch_id: int) -> int:
        """Journaled fields whose current value is no longer the one the apply wrote."""
        q = self.param
        total = 0
        for f in _FIELDS:
            key = "id" if f.table == "student" else "student_id"
            total += self._one(
                f"SELECT COUNT(*) FROM {_J} c LEFT JOIN {f.table} t ON t.{key} = c.student_id "
                f"WHERE c.batch_id = {q} AND c.table_name = '{f.table}' AND c.field_name = '{f.column}' "
                f"AND {self._text(f't.{f.column}')} IS DISTINCT FROM c.new_value",
                batch_id,
            )
        return total

    def undo(self, batch_id: int) -> int:
        """Write every journaled old value back and delete the rows the apply created."""
        q = self.param
        restored = 0
        for f in _FIELDS:
            restored += self._run(
                f"UPDATE {f.table} SET {f.column} = {self._from_text(f, 'c.old_value')} FROM {_J} c "
                f"WHERE c.student_id = {f.table}.{f.key} AND c.batch_id = {q} "
                f"AND c.table_name = '{f.table}' AND c.field_name = '{f.column}'",
                batch_id,
            )
        for table in _CHILD_TABLES:
            self._run(
                f"DELETE FROM {table} WHERE student_id IN (SELECT c.student_id FROM {_J} c WHERE c.batch_id = {q} "
                f"AND c.table_name = '{table}' AND c.field_name = '{ROW_CREATED}')",
                batch_id,
            )
        return restored
