"""What the applies changed, read back for the district's SIS, and the journal of those exports.

Every change an apply made is in the batch journal (:class:`store.tables.BatchChangeRow`: the old
and the new value of each field), and its undo writes those values back: an undone batch lists
its changes twice, as applied (old → new, when and by whom it was applied) and as undone (new →
old, when and by whom it was undone). Changes made outside a batch (the Tables page, a roster
import) are in :class:`store.tables.IdentityChangeRow`; :func:`changes_since` gathers both.
Rows are streamed: an export of a district-wide extract never holds its changes at once.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from domain.records import ExtractRow
from domain.runs import BatchKind, BatchState
from domain.values import CdsCode, LocalId, Ssid
from store.bulk import tuples
from store.errors import NotFound, StoreError
from store.tables import AppliedExtractLineRow, BatchChangeRow, BatchRow, ExportRow, IdentityChangeRow, StudentRow

__all__ = [
    "CHANGED_FIELDS", "ChangeLine", "ExportRefused", "ExportedBatch", "exported_batch", "batch_changes",
    "changes_since", "applied_extract_rows", "journal_export", "recent_exports",
]

CHANGED_FIELDS: dict[str, str] = {
    "ssid": "SSID",
    "old_state_id": "Old State ID",
    "elas": "English Language Acquisition Status",
    "elas_start": "ELAS start date (YYYY-MM-DD)",
    "swd": "Student with Disabilities indicator (Y/N)",
}
"""The fields an apply changes, as the changes CSV names them (column of the ``field`` cell → meaning)."""

_KIND_NAMES = {
    BatchKind.EXTRACT.value: "SSID Extract",
    BatchKind.REPLACEMENT.value: "Replacement SSIDs",
    BatchKind.SELA_IMPORT.value: "SELA import",
}
_EXPORTABLE = frozenset(_KIND_NAMES)
_RANK = {name: rank for rank, name in enumerate(CHANGED_FIELDS)}


class ExportRefused(StoreError):
    """The batch asked for has nothing to export (not applied yet, or a kind that changes nobody)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeLine:
    """One change of one field of one student, as the changes CSV lists it.

    ``action`` is ``applied`` or ``undone`` for a batch's change, else the journal's source of the
    change (``tables page``, ``roster import``); ``at``/``by`` say when and by whom it was made.
    """

    local_id: str
    legal_last: str
    legal_first: str
    field: str
    old: str | None
    new: str | None
    action: str
    batch: int | None
    batch_kind: str
    run: int | None
    at: dt.datetime
    by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedBatch:
    """The batch an export is of: its kind, state, file and run."""

    id: int
    kind: BatchKind
    state: BatchState
    file_name: str
    run: int | None

    @property
    def kind_name(self) -> str:
        return _KIND_NAMES[self.kind.value]


def exported_batch(batch_id: int) -> ExportedBatch:
    """The batch ``batch_id`` if its changes can be exported (applied, or applied and undone)."""
    row = BatchRow.get_or_none(BatchRow.id == batch_id)
    if row is None:
        raise NotFound("batch", str(batch_id))
    if row.kind not in _EXPORTABLE:
        raise ExportRefused(f"batch {batch_id} is an {row.kind.replace('_', ' ')}: it changes no student, there is nothing to export")
    if row.state not in (BatchState.APPLIED.value, BatchState.UNDONE.value):
        raise ExportRefused(f"batch {batch_id} is {row.state}, not applied: it has changed nothing yet")
    return ExportedBatch(id=row.id, kind=BatchKind(row.kind), state=BatchState(row.state), file_name=row.file_name, run=row.run_id)


def _aware(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _batch_query(when: peewee.Field, who: peewee.Field) -> "peewee.ModelSelect[BatchChangeRow]":
    c, b, s = BatchChangeRow, BatchRow, StudentRow
    return (
        c.select(c.local_id, s.legal_last, s.legal_first, c.field_name, c.old_value, c.new_value, b.id, b.kind, b.run, when, who)
        .join(b, on=(c.batch == b.id))
        .switch(c)
        .join(s, peewee.JOIN.LEFT_OUTER, on=(c.student == s.id))
        .where(c.field_name.in_(list(CHANGED_FIELDS)))
    )


def _batch_lines(query: peewee.SelectBase, undone: bool) -> Iterator[ChangeLine]:
    for local_id, last, first, field, old, new, batch, kind, run, at, by in tuples(query):
        yield ChangeLine(
            local_id=local_id, legal_last=last or "", legal_first=first or "", field=field,
            old=new if undone else old, new=old if undone else new, action="undone" if undone else "applied",
            batch=batch, batch_kind=_KIND_NAMES.get(kind, kind), run=run, at=_aware(at), by=by or "",
        )


def _ordered(query: "peewee.ModelSelect[BatchChangeRow]", when: peewee.Field) -> "peewee.ModelSelect[BatchChangeRow]":
    c = BatchChangeRow
    rank = peewee.Case(c.field_name, [(name, rank) for name, rank in _RANK.items()], len(_RANK))
    return query.order_by(when, BatchRow.id, c.local_id, rank)


def batch_changes(batch: ExportedBatch) -> Iterator[ChangeLine]:
    """Every field the batch's apply changed (by local id, then field), then, when it was undone,
    every field its undo wrote back."""
    b = BatchRow
    yield from _batch_lines(_ordered(_batch_query(b.applied_at, b.applied_by).where(b.id == batch.id), b.applied_at), False)
    if batch.state is BatchState.UNDONE:
        yield from _batch_lines(_ordered(_batch_query(b.undone_at, b.undone_by).where(b.id == batch.id), b.undone_at), True)


def _identity_lines(since: dt.datetime) -> Iterator[ChangeLine]:
    i, s = IdentityChangeRow, StudentRow
    query = (
        i.select(i.local_id, s.legal_last, s.legal_first, i.field_name, i.old_value, i.new_value, i.source, i.at, i.actor)
        .join(s, peewee.JOIN.LEFT_OUTER, on=(i.local_id == s.local_id))
        .where((i.at >= since) & i.field_name.in_(list(CHANGED_FIELDS)))
        .order_by(i.at, i.id)
    )
    for local_id, last, first, field, old, new, source, at, by in tuples(query):
        yield ChangeLine(
            local_id=local_id, legal_last=last or "", legal_first=first or "", field=field, old=old, new=new,
            action=source, batch=None, batch_kind="", run=None, at=_aware(at), by=by or "",
        )


def changes_since(since: dt.datetime) -> Iterator[ChangeLine]:
    """Every change of an identity field from ``since`` on, oldest first: applies and undos of
    every batch, and the changes made outside a batch."""
    b = BatchRow
    applied = _ordered(_batch_query(b.applied_at, b.applied_by).where(b.applied_at >= since), b.applied_at)
    undone = _ordered(_batch_query(b.undone_at, b.undone_by).where(b.undone_at >= since), b.undone_at)
    yield from heapq.merge(
        _batch_lines(applied, False), _batch_lines(undone, True), _identity_lines(since), key=lambda line: line.at
    )


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def applied_extract_rows(batch_id: int) -> tuple[str, int, Iterator[ExtractRow]]:
    """The SSID Extract lines the batch's apply took, in file order: the layout version
    (``current`` or ``2019``), how many, and the rows as the file had them."""
    a = AppliedExtractLineRow
    count = a.select().where(a.batch == batch_id).count()
    old_layout = a.select().where((a.batch == batch_id) & a.legal_middle.is_null()).exists()
    query = a.select(
        a.line, a.reporting_lea, a.school, a.ssid, a.local_id, a.legal_last, a.legal_first, a.legal_middle, a.gender,
        a.birth_date, a.enroll_start, a.grade, a.elas, a.elas_start, a.primary_language, a.ssid_created, a.swd,
    ).where(a.batch == batch_id).order_by(a.line)

    def rows() -> Iterator[ExtractRow]:
        for (line, lea, school, ssid, local_id, last, first, middle, gender, birth, start, grade, elas, elas_start, language,
             created, swd) in tuples(query):
            yield ExtractRow(
                line, CdsCode(lea), CdsCode(school), Ssid(ssid), LocalId(local_id), last, first, middle, gender,
                _date(birth), _date(start), grade, elas, _date(elas_start), language, _date(created), swd,
            )

    return ("2019" if old_layout else "current"), count, rows()


def journal_export(
    *, actor: str, at: dt.datetime, batch_id: int | None, since: dt.date | None, files: Sequence[tuple[str, str]],
    changes: int, extract_lines: int,
) -> int:
    """Journal one export: who, when, which batch (or since which day), its files (name, SHA-256)."""
    row = ExportRow.create(
        at=at, actor=actor, batch=batch_id, since=since, files="\n".join(name for name, _ in files),
        sha256="\n".join(digest for _, digest in files), changes=changes, extract_lines=extract_lines,
    )
    return int(row.id)


def recent_exports(limit: int = 50) -> list[ExportRow]:
    """The latest exports, newest first (the History page)."""
    e: Any = ExportRow
    return list(e.select().order_by(e.at.desc(), e.id.desc()).limit(limit))
