"""The workflow's store: ``workflows.ports.UnitOfWork`` on the peewee tables.

One object serves every small repository of the seam (``uow.runs``, ``uow.batches`` … are this
store itself, seen through the narrow ``Protocol`` a service asks for): they share one database
connection and its transactions, and nothing is gained by splitting the rows' conversions apart.

Runs move by compare-and-set (``UPDATE run SET state=new WHERE id=? AND state=old``); on SQLite
every workflow transaction starts ``BEGIN IMMEDIATE`` so two writers queue instead of failing
half-way, on PostgreSQL the row lock of the compare-and-set does the same (reviewers' decisions
hold the run's row with a share lock instead, and lock only their student and SSID, so they go
on side by side). Batches are applied and undone set-based (:mod:`store.workflow_batches`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, cast

import peewee

from domain import model as dm
from domain.planning.extract import ExtractCounts
from domain.planning.identity import LocalIdentity
from domain.layouts import Layout
from domain.readers import LineBlock
from domain.records import MatchCandidate, MatchCategory, MatchResultRow, SenrRecord
from domain.runs import (
    CLOSED_RUN_STATES,
    Batch,
    BatchKind,
    BatchState,
    CalpadsHistoryEntry,
    FileKind,
    GeneratedFile,
    HistoryEntry,
    MailOutcome,
    NewBatch,
    OdsAuditState,
    OutboxMessage,
    PreviewItem,
    Run,
    RunState,
)
from domain.duplicates import IssueKey
from domain.values import LocalId, Ssid
from domain.writers import senr_line
from store.tables import (
    BatchRow,
    CalpadsHistoryRow,
    DecisionLogRow,
    DuplicateAcknowledgementRow,
    GeneratedFileRow,
    MatchCandidateRow,
    MatchDecisionRow,
    MatchRequestRow,
    OutboxRow,
    PreviewLineRow,
    RunRow,
    RunTransitionRow,
    StudentRow,
)
from store.assistant_store import AssistantTables, acknowledged_key
from store.bulk import chunked, insert_chunked, questions, tuples
from store.codes import translations
from store.extract_preview import ExtractSql
from store.fixed_sql import FixedQuery
from store.ods_audit_sql import OdsSql
from store.settings import DistrictSettings, read_settings
from store.students import iter_students, students_without_ssid
from store.workflow_batches import BatchSql, insert_preview, iter_preview_items, preview_items

__all__ = ["DatabaseWorkflowStore"]

_CLOSED = [s.value for s in CLOSED_RUN_STATES]


def _newest(table: type[peewee.Model]) -> Any:
    key: Any = table._meta.primary_key
    return key.desc()


def _run(row: RunRow) -> Run:
    return Run(id=row.id, state=RunState(row.state), opened_at=row.opened_at, opened_by=row.opened_by, summer=bool(row.summer))


def _count() -> Any:
    return peewee.fn.COUNT(peewee.SQL("*"))


# The statements of every review page and decision, their SQL built once (store.fixed_sql).
_RUN: FixedQuery[RunRow] = FixedQuery(lambda run_id: RunRow.select().where(RunRow.id == run_id).limit(1))
_LATEST_RUN: FixedQuery[RunRow] = FixedQuery(lambda: RunRow.select().order_by(_newest(RunRow)).limit(1))


def _holding(run_id: int, state: str) -> peewee.ModelSelect[RunRow]:
    return RunRow.select(RunRow.id).where((RunRow.id == run_id) & (RunRow.state == state))


_HOLD_RUN: FixedQuery[RunRow] = FixedQuery(_holding)
# A share lock: a transition's UPDATE waits for it (and it for the transition, then reads the state
# that transition left), other holders do not. SQLite's IMMEDIATE transaction already keeps every
# other writer out.
_HOLD_RUN_SHARED: FixedQuery[RunRow] = FixedQuery(
    lambda run_id, state: _holding(run_id, state).for_update("FOR SHARE")  # type: ignore[arg-type]  # peewee takes the clause; its stub says bool
)
_RUN_COUNTS: FixedQuery[tuple[Any, ...]] = FixedQuery(
    lambda run_id: questions(  # every Identifiers page asks: one statement
        MatchRequestRow.select(_count()).where(MatchRequestRow.run == run_id),
        MatchDecisionRow.select(_count()).where(MatchDecisionRow.run == run_id),
        MatchCandidateRow.select(_count()).where((MatchCandidateRow.run == run_id) & MatchCandidateRow.ssid.is_null(False)),
    )
)


def _candidates(run_id: int, local_id: str | None) -> peewee.ModelSelect[MatchCandidateRow]:
    c = MatchCandidateRow
    query = c.select().where(c.run == run_id)
    if local_id is not None:
        # One student's few lines by the (run, local id) index; "has an SSID" is checked by the
        # caller, since as a condition it made SQLite read the whole run by its (run, SSID) index.
        query = query.where(c.local_id == local_id)
    else:
        query = query.where(c.ssid.is_null(False))
    return query.order_by(c.local_id, c.percent.desc(nulls="LAST"), c.line)


_STUDENT_CANDIDATES: FixedQuery[MatchCandidateRow] = FixedQuery(_candidates)
_DECISION_VERSION: FixedQuery[tuple[Any, ...]] = FixedQuery(
    lambda run_id, local_id: MatchDecisionRow.select(MatchDecisionRow.version, MatchDecisionRow.actor)
    .where((MatchDecisionRow.run == run_id) & (MatchDecisionRow.local_id == local_id)).limit(1).tuples()
)


def _files(run_id: int | None, include_retired: bool) -> peewee.ModelSelect[GeneratedFileRow]:
    f = GeneratedFileRow
    query = f.select(*(x for x in f._meta.sorted_fields if x is not f.content))
    if run_id is not None:
        query = query.where(f.run == run_id)
    if not include_retired:
        query = query.where(f.retired == False)  # noqa: E712
    return query.order_by(_newest(f))


_SELECTED_FOR: FixedQuery[tuple[Any, ...]] = FixedQuery(
    lambda run_id, ssid: MatchDecisionRow.select(MatchDecisionRow.local_id)
    .where((MatchDecisionRow.run == run_id) & (MatchDecisionRow.ssid == ssid)).order_by(MatchDecisionRow.local_id).tuples()  # (run, ssid) index
)
_RUN_FILES: FixedQuery[GeneratedFileRow] = FixedQuery(lambda run_id: _files(run_id, include_retired=True))


def _batches(kind: str, run_id: int | None) -> peewee.ModelSelect[BatchRow]:
    query = BatchRow.select().where(BatchRow.kind == kind)
    if run_id is not None:
        query = query.where(BatchRow.run == run_id)
    return query.order_by(_newest(BatchRow))


_BATCHES: FixedQuery[BatchRow] = FixedQuery(lambda kind: _batches(kind, None))
_RUN_BATCHES: FixedQuery[BatchRow] = FixedQuery(_batches)


def _counts(text: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in json.loads(text or "{}").items()}


def _file(row: GeneratedFileRow) -> GeneratedFile:
    return GeneratedFile(
        id=row.id, kind=FileKind(row.kind), name=row.name, sha256=row.sha256, records=row.records,
        created_at=row.created_at, created_by=row.created_by, run=row.run_id, retired=bool(row.retired),
    )


def _batch(row: BatchRow) -> Batch:
    kind = BatchKind(row.kind)
    return Batch(
        id=row.id, kind=kind, state=OdsAuditState(row.state) if kind is BatchKind.ODS_AUDIT else BatchState(row.state),
        file_name=row.file_name, sha256=row.sha256, loaded_at=row.loaded_at, loaded_by=row.loaded_by, run=row.run_id,
        overwrite=bool(row.overwrite), counts=_counts(row.counts),
    )


def _senr_text(record: SenrRecord) -> str:
    return senr_line(record).decode("utf-8").removesuffix("\r\n")


class DatabaseWorkflowStore(AssistantTables):
    """The workflow's persistence on an open database (the one bound to ``store.database_proxy``)."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database
        self._sql = BatchSql(database)
        self._extract = ExtractSql(database)
        self._ods = OdsSql(database)

    def atomic(self) -> AbstractContextManager[object]:
        if isinstance(self.database, peewee.SqliteDatabase):
            return self.database.atomic("IMMEDIATE")
        return self.database.atomic()

    # -- the repositories of the unit of work: this store, each seen through its own Protocol ----
    @property
    def settings(self) -> DatabaseWorkflowStore:
        return self

    @property
    def students(self) -> DatabaseWorkflowStore:
        return self

    @property
    def runs(self) -> DatabaseWorkflowStore:
        return self

    @property
    def history(self) -> DatabaseWorkflowStore:
        return self

    @property
    def requests(self) -> DatabaseWorkflowStore:
        return self

    @property
    def matches(self) -> DatabaseWorkflowStore:
        return self

    @property
    def files(self) -> DatabaseWorkflowStore:
        return self

    @property
    def batches(self) -> DatabaseWorkflowStore:
        return self

    @property
    def changes(self) -> DatabaseWorkflowStore:
        return self

    @property
    def extract_staging(self) -> DatabaseWorkflowStore:
        return self

    @property
    def ods_staging(self) -> OdsSql:
        return self._ods

    @property
    def outbox(self) -> DatabaseWorkflowStore:
        return self

    @property
    def duplicates(self) -> DatabaseWorkflowStore:
        return self

    @property
    def marks(self) -> DatabaseWorkflowStore:
        return self

    # -- the district's data ------------------------------------------------------------------
    def district_settings(self) -> DistrictSettings:
        return read_settings()

    def code_translations(self) -> Mapping[tuple[str, str], str]:
        return {(name, local): calpads for name, codes in translations().items() for local, calpads in codes.items()}

    def iter_students(self, *, without_ssid: bool = False) -> Iterator[dm.Student]:
        return students_without_ssid() if without_ssid else iter_students()

    def unknown_local_ids(self, local_ids: Collection[LocalId]) -> list[LocalId]:
        wanted = sorted(set(local_ids))
        known: set[str] = set()
        for chunk in chunked(wanted, 5000):
            query = StudentRow.select(StudentRow.local_id).where(StudentRow.local_id.in_(chunk))
            known.update(local_id for (local_id,) in tuples(query))
        return [local_id for local_id in wanted if local_id not in known]

    def local_ids_with_ssid(self, ssid: Ssid) -> list[LocalId]:
        query = StudentRow.select(StudentRow.local_id).where(StudentRow.ssid == ssid).order_by(StudentRow.local_id)
        return [LocalId(local_id) for (local_id,) in tuples(query)]

    # -- runs and their history -------------------------------------------------------------
    def start_run(self, at: dt.datetime, actor: str, *, summer: bool = False) -> tuple[Run, bool]:
        with self.atomic():
            if isinstance(self.database, peewee.PostgresqlDatabase):
                # Two starts at once must not both find "no open run": they queue on this lock.
                self.database.execute_sql(  # type: ignore[no-untyped-call]
                    f'LOCK TABLE "{RunRow._meta.table_name}" IN SHARE ROW EXCLUSIVE MODE'
                )
            found = RunRow.select().where(RunRow.state.not_in(_CLOSED)).order_by(RunRow.id).first()
            if found is not None:
                return _run(found), False
            return _run(RunRow.create(state=RunState.NEW.value, opened_at=at, opened_by=actor, summer=summer)), True

    def get_run(self, run_id: int) -> Run | None:
        row = _RUN.first(run_id)
        return _run(row) if row is not None else None

    def latest_run(self) -> Run | None:
        row = _LATEST_RUN.first()
        return _run(row) if row is not None else None

    def open_run(self) -> Run | None:
        row = RunRow.select().where(RunRow.state.not_in(_CLOSED)).order_by(RunRow.id).first()
        return _run(row) if row is not None else None

    def set_run_state(self, run_id: int, old: RunState, new: RunState) -> bool:
        changes: dict[Any, Any] = {RunRow.state: new.value}
        if new is not old:
            changes[RunRow.version] = RunRow.version + 1
            if new in CLOSED_RUN_STATES:
                changes[RunRow.closed_at] = dt.datetime.now(dt.UTC)
            elif old in CLOSED_RUN_STATES:  # an undone extract reopens the run
                changes[RunRow.closed_at] = None
        updated = RunRow.update(changes).where((RunRow.id == run_id) & (RunRow.state == old.value)).execute()
        return int(updated) == 1

    def hold_run_state(self, run_id: int, state: RunState) -> bool:
        query = _HOLD_RUN_SHARED if isinstance(self.database, peewee.PostgresqlDatabase) else _HOLD_RUN
        return query.scalar(run_id, state.value) is not None

    def add_history(self, entry: HistoryEntry) -> None:
        RunTransitionRow.create(
            run=entry.run, at=entry.at, actor=entry.actor, event=entry.event, source=entry.source or "",
            dest=entry.dest, accepted=entry.accepted, reason=entry.reason, file_name=entry.file_name,
            sha256=entry.sha256, counts=json.dumps(dict(entry.counts)),
        )

    def run_history(self, run_id: int) -> list[HistoryEntry]:
        rows = RunTransitionRow.select().where(RunTransitionRow.run == run_id).order_by(RunTransitionRow.id)
        return [
            HistoryEntry(
                run=run_id, at=r.at, actor=r.actor, event=r.event, source=r.source or None, dest=r.dest,
                accepted=bool(r.accepted), reason=r.reason, file_name=r.file_name, sha256=r.sha256,
                counts=_counts(r.counts),
            )
            for r in rows
        ]

    def run_counts(self, run_id: int) -> Mapping[str, int]:
        found = _RUN_COUNTS.first(run_id)
        assert found is not None  # a select of counts answers one row
        requested, decided, candidates = found
        return {"requested": int(requested), "decided": int(decided), "candidates": int(candidates)}

    # -- the local duplicate check ------------------------------------------------------------
    def retired_ssids(self) -> set[Ssid]:
        query = (
            PreviewLineRow.select(PreviewLineRow.ssid_old)
            .join(BatchRow)
            .where((BatchRow.kind == BatchKind.REPLACEMENT.value) & PreviewLineRow.ssid_old.is_null(False))
            .distinct()
        )
        return {Ssid(str(ssid)) for (ssid,) in tuples(query)}

    def acknowledged_issues(self) -> set[IssueKey]:
        acks = DuplicateAcknowledgementRow
        query = acks.select(acks.kind, acks.first_local_id, acks.second_local_id)
        return {acknowledged_key(kind, first, second) for kind, first, second in tuples(query)}

    def acknowledge_issue(self, key: IssueKey, actor: str, at: dt.datetime) -> None:
        first, second = key.local_ids[0], ",".join(key.local_ids[1:])
        DuplicateAcknowledgementRow.insert(
            kind=key.kind.value, first_local_id=first, second_local_id=second, acknowledged_by=actor, acknowledged_at=at
        ).on_conflict_ignore().execute()

    # -- the request file and the match results -----------------------------------------------
    def save_request(self, run_id: int, records: Sequence[SenrRecord]) -> None:
        request = MatchRequestRow
        insert_chunked(
            request,
            [request.run, request.local_id, request.line, request.senr_line],
            ((run_id, r.local_student_id, n, _senr_text(r)) for n, r in enumerate(records, start=1)),
        )
        owner = StudentRow.select(StudentRow.id).where(StudentRow.local_id == request.local_id)
        request.update(student=owner).where(request.run == run_id).execute()

    def request_records(self, run_id: int) -> list[SenrRecord]:
        query = MatchRequestRow.select(MatchRequestRow.senr_line).where(MatchRequestRow.run == run_id)
        return [SenrRecord(*line.split("^")) for (line,) in tuples(query.order_by(MatchRequestRow.line))]

    def requested_ids(self, run_id: int) -> set[LocalId]:
        query = MatchRequestRow.select(MatchRequestRow.local_id).where(MatchRequestRow.run == run_id)
        return {LocalId(local_id) for (local_id,) in tuples(query)}

    def runs_requesting(self, local_ids: Collection[LocalId]) -> list[int]:
        found: dict[int, int] = {}
        request = MatchRequestRow
        for chunk in chunked(sorted(set(local_ids)), 5000):
            query = request.select(request.run, peewee.fn.COUNT(request.id)).where(request.local_id.in_(chunk))
            for run_id, count in tuples(query.group_by(request.run)):
                found[run_id] = found.get(run_id, 0) + count
        return sorted((r for r, n in found.items() if n == len(set(local_ids))), reverse=True)

    def save_candidates(self, run_id: int, rows: Iterable[MatchResultRow]) -> int:
        c = MatchCandidateRow
        fields = [
            c.run, c.local_id, c.line, c.ssid, c.ssid_created, c.category, c.score, c.percent, c.legal_last,
            c.legal_first, c.legal_middle, c.gender, c.birth_date, c.reporting_lea, c.school, c.birth_city,
            c.birth_state, c.birth_country, c.source_line,
        ]
        stored = 0

        def values(row: MatchResultRow) -> tuple[Any, ...]:
            nonlocal stored
            k = row.candidate
            if k is None:
                return (run_id, row.local_id, row.line, None, None, row.category.value, "", None, *[""] * 4, None, *[""] * 6)
            stored += 1
            return (
                run_id, row.local_id, row.line, k.ssid, k.ssid_created, k.category.value, k.score_text,
                round(k.percent) if k.percent is not None else None, k.legal_last or "", k.legal_first or "",
                k.legal_middle or "", k.gender or "", k.birth_date, k.reporting_lea or "", k.school or "",
                k.birth_city or "", k.birth_state or "", k.birth_country or "", "",
            )

        insert_chunked(c, cast("list[peewee.Field[Any]]", fields), map(values, rows))
        return stored

    def candidates(self, run_id: int, local_id: LocalId | None = None) -> dict[LocalId, list[MatchCandidate]]:
        rows = _STUDENT_CANDIDATES.rows(run_id, local_id) if local_id is not None else _candidates(run_id, None)
        found: dict[LocalId, list[MatchCandidate]] = {}
        for r in rows:
            if r.ssid is None:
                continue  # a line saying "no candidate"
            found.setdefault(LocalId(r.local_id), []).append(
                MatchCandidate(
                    Ssid(r.ssid or ""), r.ssid_created, MatchCategory(r.category), r.score,
                    float(r.percent) if r.percent is not None else None, r.legal_last or None, r.legal_first or None,
                    r.legal_middle or None, r.gender or None, r.birth_date, r.reporting_lea or None, r.school or None,
                    r.birth_city or None, r.birth_state or None, r.birth_country or None,
                )
            )
        return found

    def decisions(self, run_id: int) -> dict[LocalId, dm.MatchDecision]:
        d = MatchDecisionRow
        query = d.select(d.local_id, d.kind, d.ssid).where(d.run == run_id)
        return {
            LocalId(local_id): dm.MatchDecision(LocalId(local_id), dm.DecisionKind(kind), Ssid(ssid) if ssid else None)
            for local_id, kind, ssid in tuples(query)
        }

    def selected_for(self, run_id: int, ssid: Ssid) -> list[LocalId]:
        return [LocalId(local_id) for (local_id,) in _SELECTED_FOR.rows(run_id, ssid)]

    def decision_version(self, run_id: int, local_id: LocalId) -> tuple[int, str] | None:
        row = _DECISION_VERSION.first(run_id, local_id)
        return (int(row[0]), str(row[1])) if row is not None else None

    def lock_decision(self, run_id: int, local_id: LocalId, ssid: Ssid | None) -> None:
        if not isinstance(self.database, peewee.PostgresqlDatabase):
            return  # SQLite's IMMEDIATE transaction already keeps every other writer out
        # Transaction-scoped advisory locks on the student and on the SSID selected, the student's
        # taken first by every decision (no two decisions wait for each other in a circle).
        keys = [f"decision:{run_id}:{local_id}", *([f"selection:{run_id}:{ssid}"] if ssid is not None else [])]
        locks = ", ".join("pg_advisory_xact_lock(hashtextextended(%s, 0))" for _ in keys)
        self.database.execute_sql(f"SELECT {locks}", keys)  # type: ignore[no-untyped-call]

    def save_decision(
        self, run_id: int, decision: dm.MatchDecision, *, warnings: Sequence[str], actor: str, at: dt.datetime
    ) -> None:
        d = MatchDecisionRow
        values = {
            "run": run_id, "local_id": decision.local_id, "kind": decision.kind.value, "ssid": decision.ssid,
            "actor": actor, "at": at, "warnings": "\n".join(warnings),
        }
        d.insert(**values).on_conflict(
            conflict_target=[d.run, d.local_id],
            update={d.kind: decision.kind.value, d.ssid: decision.ssid, d.actor: actor, d.at: at,
                    d.warnings: values["warnings"], d.version: d.version + 1},
        ).execute()
        DecisionLogRow.create(**values)

    # -- files and CALPADS history --------------------------------------------------------------
    def add_generated_file(
        self, kind: FileKind, name: str, content: bytes, *, records: int, at: dt.datetime, actor: str, run_id: int | None
    ) -> GeneratedFile:
        import hashlib

        row = GeneratedFileRow.create(
            run=run_id, kind=kind.value, name=name, sha256=hashlib.sha256(content).hexdigest(), records=records,
            size=len(content), content=content, created_at=at, created_by=actor,
        )
        return _file(row)

    def generated_files(self, run_id: int | None = None, include_retired: bool = False) -> list[GeneratedFile]:
        rows = _RUN_FILES.rows(run_id) if run_id is not None and include_retired else _files(run_id, include_retired)
        return [_file(row) for row in rows]

    def retire_files(self, run_id: int, kind: FileKind) -> int:
        f = GeneratedFileRow
        query = f.update(retired=True, retired_at=dt.datetime.now(dt.UTC))
        return int(query.where((f.run == run_id) & (f.kind == kind.value) & (f.retired == False)).execute())  # noqa: E712

    def restore_files(self, run_id: int, kind: FileKind) -> int:
        f = GeneratedFileRow
        query = f.update(retired=False, retired_at=None)
        return int(query.where((f.run == run_id) & (f.kind == kind.value) & (f.retired == True)).execute())  # noqa: E712

    def runs_that_loaded(self, kind: FileKind, sha256: str) -> list[int]:
        h = CalpadsHistoryRow
        query = (
            h.select(h.run).where((h.file_kind == kind.value) & (h.sha256 == sha256) & h.run.is_null(False))
            .distinct()
        )
        return sorted((int(run_id) for (run_id,) in tuples(query)), reverse=True)

    def add_calpads_history(self, entry: CalpadsHistoryEntry) -> None:
        CalpadsHistoryRow.create(
            at=entry.at, actor=entry.actor, what=entry.action.value, file_kind=entry.kind.value,
            file_name=entry.file_name, sha256=entry.sha256, records=entry.records, run=entry.run,
            batch=entry.batch, counts=json.dumps(dict(entry.counts)),
        )

    # -- batches ----------------------------------------------------------------------------------
    def iter_identities(self) -> Iterator[LocalIdentity]:
        return self._sql.identities()

    def add_batch(self, batch: NewBatch, items: Iterable[PreviewItem] = ()) -> Batch:
        row = BatchRow.create(
            kind=batch.kind.value, run=batch.run_id, state=batch.state.value, file_name=batch.file_name,
            sha256=batch.sha256, overwrite=batch.overwrite, counts=json.dumps(dict(batch.counts)), loaded_at=batch.at,
            loaded_by=batch.actor,
        )
        insert_preview(row.id, items)
        return _batch(row)

    @property
    def binds_fields(self) -> bool:
        return not self._extract.postgres  # PostgreSQL copies the lines' text

    def stage_extract(self, layout: Layout, blocks: Iterable[LineBlock]) -> int:
        return self._extract.stage(layout, blocks)

    def first_repeated_line(self, before: int | None = None) -> tuple[int, int] | None:
        return self._extract.first_repeat(before)

    def preview_staged_extract(self, batch_id: int, overwrite: bool) -> tuple[ExtractCounts, int]:
        return self._extract.preview(batch_id, overwrite)

    def set_batch_counts(self, batch_id: int, counts: Mapping[str, int]) -> None:
        BatchRow.update(counts=json.dumps(dict(counts))).where(BatchRow.id == batch_id).execute()

    def get_batch(self, batch_id: int) -> Batch | None:
        row = BatchRow.get_or_none(BatchRow.id == batch_id)
        return _batch(row) if row is not None else None

    def batches_of(self, kind: BatchKind, run_id: int | None = None) -> list[Batch]:
        rows = _BATCHES.rows(kind.value) if run_id is None else _RUN_BATCHES.rows(kind.value, run_id)
        return [_batch(row) for row in rows]

    def preview(self, batch_id: int, applied: bool | None = None, limit: int | None = None) -> list[PreviewItem]:
        if applied is not None:  # a few lines of many, typically (the lines listed as not applied)
            return list(self._sql.iter_applied(batch_id, applied, limit))
        return preview_items(batch_id, limit)

    def iter_preview(self, batch_id: int) -> Iterator[PreviewItem]:
        return iter_preview_items(batch_id)

    def iter_preview_changes(self, batch_id: int) -> Iterator[PreviewItem]:
        """The applied preview lines that change a field, in file order."""
        return self._sql.iter_changes(batch_id)

    def preview_local_ids(self, batch_id: int, among: Collection[LocalId]) -> set[LocalId]:
        found: set[LocalId] = set()
        for chunk in chunked(sorted(set(among)), 5000):
            found.update(map(LocalId, self._sql.local_ids_among(batch_id, chunk)))
        return found

    def elas_changes(self, batch_id: int) -> list[tuple[LocalId, str | None, str | None]]:
        return [(LocalId(local_id), old, new) for local_id, old, new in self._sql.elas_changes(batch_id)]

    def set_batch_state(
        self, batch_id: int, old: BatchState | OdsAuditState, new: BatchState | OdsAuditState, *, at: dt.datetime,
        actor: str,
    ) -> bool:
        b = BatchRow
        changes: dict[Any, Any] = {b.state: new.value, b.version: b.version + 1}
        if new in (BatchState.APPLIED, OdsAuditState.FILES_CREATED):  # an ODS audit's files are its "apply"
            changes.update({b.applied_at: at, b.applied_by: actor})
        elif new is BatchState.UNDONE:
            changes.update({b.undone_at: at, b.undone_by: actor})
        return int(b.update(changes).where((b.id == batch_id) & (b.state == old.value)).execute()) == 1

    def stale_changes(self, batch_id: int) -> int:
        return self._sql.stale(batch_id)

    def apply_changes(self, batch_id: int) -> Mapping[str, int]:
        return self._sql.apply(batch_id)

    def changed_since_apply(self, batch_id: int) -> int:
        return self._sql.changed_since(batch_id)

    def undo_changes(self, batch_id: int) -> int:
        return self._sql.undo(batch_id)

    # -- mail ---------------------------------------------------------------------------------------
    def add_outbox(self, message: OutboxMessage) -> None:
        sent = message.outcome is MailOutcome.SENT
        OutboxRow.create(
            created_at=message.at, recipient=message.to, subject=message.subject, body=message.body,
            sent_at=message.at if sent else None, attempts=0 if message.outcome is MailOutcome.NO_SERVER else 1,
            error=None if sent else message.error,
        )

