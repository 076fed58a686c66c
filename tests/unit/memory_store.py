"""The store seam in memory: every small repository of :class:`workflows.ports.UnitOfWork` on plain
Python lists and dicts, so that the run's step services are unit-tested without a database.

One object serves every repository (as the database store does). ``atomic`` is a real
transaction: a block left by an exception restores everything as it was (a deep copy taken on
entry), which is what lets a test see that a refused step changed nothing. The SSID Extract's
set-based preview is played by the reference planner :func:`domain.planning.extract.reference_extract_plan`.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from domain.duplicates import (
    IssueDecision,
    CheckedStudent,
    DuplicateCheckSummary,
    IssueKey,
    LocalIssue,
    NotDuplicateMark,
    checked_student,
    person_facts,
)
from domain.matching import PersonFacts
from domain.model import MatchDecision, Student
from domain.planning.extract import ExtractCounts, reference_extract_plan
from domain.planning.identity import IdentityField, LocalIdentity
from domain.layouts import Layout
from domain.readers import CheckedLines, LineBlock, extract_rows
from domain.records import ExtractRow, MatchCandidate, MatchResultRow, SenrRecord
from domain.runs import (
    CLOSED_RUN_STATES,
    Batch,
    BatchKind,
    BatchState,
    CalpadsHistoryEntry,
    FileKind,
    GeneratedFile,
    HistoryEntry,
    NewBatch,
    OdsAuditState,
    OutboxMessage,
    PreviewItem,
    Run,
    RunState,
)
from domain.values import AcademicYear, CdsCode, LocalId, Ssid
from workflows.files import sha256_bytes
from workflows.ports.ods import OdsStaging


@dataclass
class Settings:
    """The district's settings (``workflows.ports.DistrictSettings``)."""

    lea: CdsCode | None = CdsCode("1964212")
    year: AcademicYear | None = AcademicYear(2025)
    schools: tuple[CdsCode, ...] = (CdsCode("6000001"),)
    email: str = ""
    smtp_host: str = ""
    smtp_port: int | None = None
    smtp_user: str = ""
    smtp_sender: str = ""

    @property
    def missing(self) -> tuple[str, ...]:
        gaps = [name for name, value in (("LEA code", self.lea), ("academic year", self.year)) if value is None]
        return (*gaps, *(() if self.schools else ("schools",)))


def _with(identity: LocalIdentity, name: str, value: object) -> LocalIdentity:
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(identity, **changes)


@dataclass
class _State:
    runs: list[Run] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    requests: dict[int, list[SenrRecord]] = field(default_factory=dict)
    candidates: dict[int, list[MatchResultRow]] = field(default_factory=dict)
    decisions: dict[tuple[int, LocalId], tuple[MatchDecision, int, str, tuple[str, ...]]] = field(default_factory=dict)
    files: list[tuple[GeneratedFile, bytes]] = field(default_factory=list)
    calpads: list[CalpadsHistoryEntry] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    previews: dict[int, list[PreviewItem]] = field(default_factory=dict)
    journal: dict[int, list[tuple[LocalId, str, object]]] = field(default_factory=dict)
    identities: dict[LocalId, LocalIdentity] = field(default_factory=dict)
    outbox: list[OutboxMessage] = field(default_factory=list)
    acknowledged: dict[IssueKey, tuple[str, dt.datetime]] = field(default_factory=dict)
    checks: list[tuple[DuplicateCheckSummary, list[LocalIssue]]] = field(default_factory=list)
    marks: list[NotDuplicateMark] = field(default_factory=list)
    issue_decisions: dict[IssueKey, IssueDecision] = field(default_factory=dict)
    data_version: int = 0


class MemoryStore:
    """Every repository of the unit of work, in memory."""

    def __init__(self, students: Sequence[Student] = (), settings: Settings | None = None) -> None:
        self.config = settings or Settings()
        self.students_list = list(students)
        self.state = _State()
        for student in students:
            self.state.identities[student.local_id] = LocalIdentity(student.local_id, student.ssid)
        self._staged: list[ExtractRow] = []

    # -- the unit of work ----------------------------------------------------------------------
    @contextmanager
    def atomic(self) -> Iterator[object]:
        saved = copy.deepcopy(self.state)
        try:
            yield self
        except BaseException:
            self.state = saved
            raise

    @property
    def settings(self) -> MemoryStore:
        return self

    @property
    def students(self) -> MemoryStore:
        return self

    @property
    def runs(self) -> MemoryStore:
        return self

    @property
    def history(self) -> MemoryStore:
        return self

    @property
    def requests(self) -> MemoryStore:
        return self

    @property
    def matches(self) -> MemoryStore:
        return self

    @property
    def files(self) -> MemoryStore:
        return self

    @property
    def batches(self) -> MemoryStore:
        return self

    @property
    def changes(self) -> MemoryStore:
        return self

    @property
    def extract_staging(self) -> MemoryStore:
        return self

    @property
    def ods_staging(self) -> OdsStaging:
        raise NotImplementedError("the ODS audit's set-based staging is tested against a database")

    @property
    def outbox(self) -> MemoryStore:
        return self

    @property
    def duplicates(self) -> MemoryStore:
        return self

    @property
    def marks(self) -> MemoryStore:
        return self

    # -- settings and students ---------------------------------------------------------------------
    def district_settings(self) -> Settings:
        return self.config

    def code_translations(self) -> Mapping[tuple[str, str], str]:
        return {}

    def iter_students(self, *, without_ssid: bool = False) -> Iterator[Student]:
        for student in self.students_list:
            ssid = self.state.identities[student.local_id].ssid
            if not (without_ssid and ssid):
                yield dataclasses.replace(student, ssid=ssid)

    def iter_identities(self) -> Iterator[LocalIdentity]:
        return iter(list(self.state.identities.values()))

    def unknown_local_ids(self, local_ids: Collection[LocalId]) -> list[LocalId]:
        known = {student.local_id for student in self.students_list}
        return sorted(set(local_ids) - known)

    def local_ids_with_ssid(self, ssid: Ssid) -> list[LocalId]:
        return sorted(i.local_id for i in self.state.identities.values() if i.ssid == ssid)

    def ssid_holders(self, ssids: Collection[Ssid]) -> dict[Ssid, list[LocalId]]:
        held: dict[Ssid, list[LocalId]] = {}
        for identity in self.state.identities.values():
            if identity.ssid is not None and identity.ssid in ssids:
                held.setdefault(identity.ssid, []).append(identity.local_id)
        return held

    def people_born_on(self, dates: Collection[dt.date]) -> Iterator[tuple[LocalId, PersonFacts]]:
        return iter([(s.local_id, person_facts(s)) for s in self.students_list if s.birth_date in dates])

    # -- runs and history --------------------------------------------------------------------------
    def start_run(self, at: dt.datetime, actor: str, *, summer: bool = False) -> tuple[Run, bool]:
        open_run = next((r for r in self.state.runs if r.state not in CLOSED_RUN_STATES), None)
        if open_run is not None:
            return open_run, False
        run = Run(id=len(self.state.runs) + 1, state=RunState.NEW, opened_at=at, opened_by=actor, summer=summer)
        self.state.runs.append(run)
        return run, True

    def open_run(self) -> Run | None:
        return next((r for r in self.state.runs if r.state not in CLOSED_RUN_STATES), None)

    def get_run(self, run_id: int) -> Run | None:
        return next((r for r in self.state.runs if r.id == run_id), None)

    def latest_run(self) -> Run | None:
        return self.state.runs[-1] if self.state.runs else None

    def set_run_state(self, run_id: int, old: RunState, new: RunState) -> bool:
        for n, run in enumerate(self.state.runs):
            if run.id == run_id and run.state is old:
                self.state.runs[n] = dataclasses.replace(run, state=new)
                return True
        return False

    def hold_run_state(self, run_id: int, state: RunState) -> bool:
        return any(run.id == run_id and run.state is state for run in self.state.runs)

    def run_counts(self, run_id: int) -> Mapping[str, int]:
        return {
            "requested": len(self.state.requests.get(run_id, [])),
            "decided": sum(1 for (run, _) in self.state.decisions if run == run_id),
            "candidates": sum(1 for row in self.state.candidates.get(run_id, []) if row.candidate is not None),
        }

    def add_history(self, entry: HistoryEntry) -> None:
        self.state.history.append(entry)

    def run_history(self, run_id: int) -> list[HistoryEntry]:
        return [entry for entry in self.state.history if entry.run == run_id]

    # -- requests and matches ------------------------------------------------------------------------
    def save_request(self, run_id: int, records: Sequence[SenrRecord]) -> None:
        self.state.requests[run_id] = list(records)

    def request_records(self, run_id: int) -> list[SenrRecord]:
        return list(self.state.requests.get(run_id, []))

    def request_record(self, run_id: int, local_id: LocalId) -> SenrRecord | None:
        return next((r for r in self.state.requests.get(run_id, []) if r.local_student_id == local_id), None)

    def requested_ids(self, run_id: int) -> set[LocalId]:
        return {LocalId(r.local_student_id) for r in self.state.requests.get(run_id, [])}

    def runs_requesting(self, local_ids: Collection[LocalId]) -> list[int]:
        return sorted((run for run in self.state.requests if set(local_ids) <= self.requested_ids(run)), reverse=True)

    def save_candidates(self, run_id: int, rows: Iterable[MatchResultRow]) -> int:
        kept = list(rows)
        self.state.candidates[run_id] = kept
        return sum(1 for row in kept if row.candidate is not None)

    def candidates(self, run_id: int, local_id: LocalId | None = None) -> dict[LocalId, list[MatchCandidate]]:
        found: dict[LocalId, list[MatchCandidate]] = {}
        for row in self.state.candidates.get(run_id, []):
            if row.candidate is not None and local_id in (None, row.local_id):
                found.setdefault(LocalId(row.local_id), []).append(row.candidate)
        for listed in found.values():
            listed.sort(key=lambda c: -(c.percent or 0.0))
        return found

    def decisions(self, run_id: int) -> dict[LocalId, MatchDecision]:
        return {local_id: kept[0] for (run, local_id), kept in self.state.decisions.items() if run == run_id}

    def selected_for(self, run_id: int, ssid: Ssid) -> list[LocalId]:
        return sorted(local_id for (run, local_id), kept in self.state.decisions.items() if run == run_id and kept[0].ssid == ssid)

    def decision_version(self, run_id: int, local_id: LocalId) -> tuple[int, str] | None:
        kept = self.state.decisions.get((run_id, local_id))
        return (kept[1], kept[2]) if kept is not None else None

    def lock_decision(self, run_id: int, local_id: LocalId, ssid: Ssid | None) -> None:
        pass  # one thread

    def save_decision(
        self, run_id: int, decision: MatchDecision, *, warnings: Sequence[str], actor: str, at: dt.datetime
    ) -> None:
        before = self.state.decisions.get((run_id, decision.local_id))
        version = before[1] + 1 if before is not None else 1
        self.state.decisions[(run_id, decision.local_id)] = (decision, version, actor, tuple(warnings))

    def save_bulk_decisions(self, run_id: int, decisions: Sequence[MatchDecision], actor: str, at: dt.datetime) -> None:
        for decision in decisions:
            self.save_decision(run_id, decision, warnings=("bulk",), actor=actor, at=at)

    # -- files ---------------------------------------------------------------------------------------
    def add_generated_file(
        self, kind: FileKind, name: str, content: bytes, *, records: int, at: dt.datetime, actor: str, run_id: int | None
    ) -> GeneratedFile:
        kept = GeneratedFile(
            id=len(self.state.files) + 1, kind=kind, name=name, sha256=sha256_bytes(content), records=records,
            created_at=at, created_by=actor, run=run_id,
        )
        self.state.files.append((kept, content))
        return kept

    def generated_files(self, run_id: int | None = None, include_retired: bool = False) -> list[GeneratedFile]:
        return [
            f for f, _ in reversed(self.state.files)
            if run_id in (None, f.run) and (include_retired or not f.retired)
        ]

    def retire_files(self, run_id: int, kind: FileKind) -> int:
        retired = 0
        for n, (f, content) in enumerate(self.state.files):
            if f.run == run_id and f.kind is kind and not f.retired:
                self.state.files[n] = (dataclasses.replace(f, retired=True), content)
                retired += 1
        return retired

    def restore_files(self, run_id: int, kind: FileKind) -> int:
        restored = 0
        for n, (f, content) in enumerate(self.state.files):
            if f.run == run_id and f.kind is kind and f.retired:
                self.state.files[n] = (dataclasses.replace(f, retired=False), content)
                restored += 1
        return restored

    def runs_that_loaded(self, kind: FileKind, sha256: str) -> list[int]:
        return sorted(
            {e.run for e in self.state.calpads if e.kind is kind and e.sha256 == sha256 and e.run is not None}, reverse=True
        )

    def add_calpads_history(self, entry: CalpadsHistoryEntry) -> None:
        self.state.calpads.append(entry)

    # -- batches -------------------------------------------------------------------------------------
    def add_batch(self, batch: NewBatch, items: Iterable[PreviewItem] = ()) -> Batch:
        kept = Batch(
            id=len(self.state.batches) + 1, kind=batch.kind, state=batch.state, file_name=batch.file_name,
            sha256=batch.sha256, loaded_at=batch.at, loaded_by=batch.actor, run=batch.run_id,
            overwrite=batch.overwrite, counts=dict(batch.counts),
        )
        self.state.batches.append(kept)
        self.state.previews[kept.id] = list(items)
        return kept

    def get_batch(self, batch_id: int) -> Batch | None:
        return next((b for b in self.state.batches if b.id == batch_id), None)

    def batches_of(self, kind: BatchKind, run_id: int | None = None) -> list[Batch]:
        return [b for b in reversed(self.state.batches) if b.kind is kind and run_id in (None, b.run)]

    def _replace_batch(self, batch_id: int, **changes: Any) -> None:
        self.state.batches = [dataclasses.replace(b, **changes) if b.id == batch_id else b for b in self.state.batches]

    def set_batch_counts(self, batch_id: int, counts: Mapping[str, int]) -> None:
        self._replace_batch(batch_id, counts=dict(counts))

    def set_batch_state(
        self, batch_id: int, old: BatchState | OdsAuditState, new: BatchState | OdsAuditState, *, at: dt.datetime,
        actor: str,
    ) -> bool:
        batch = self.get_batch(batch_id)
        if batch is None or batch.state != old:
            return False
        self._replace_batch(batch_id, state=new)
        return True

    def preview(self, batch_id: int, applied: bool | None = None, limit: int | None = None) -> list[PreviewItem]:
        items = [i for i in self.state.previews.get(batch_id, []) if applied in (None, i.applied)]
        return items[:limit] if limit is not None else items

    def iter_preview(self, batch_id: int) -> Iterator[PreviewItem]:
        return iter(self.preview(batch_id))

    def preview_local_ids(self, batch_id: int, among: Collection[LocalId]) -> set[LocalId]:
        return {LocalId(i.local_id) for i in self.preview(batch_id)} & set(among)

    def elas_changes(self, batch_id: int) -> list[tuple[LocalId, str | None, str | None]]:
        return [
            (LocalId(c.local_id), c.old if isinstance(c.old, str) else None, c.new if isinstance(c.new, str) else None)
            for item in self.preview(batch_id, applied=True) for c in item.changes
            if c.field is IdentityField.ELAS and c.old != c.new
        ]

    # -- applying a batch ------------------------------------------------------------------------------
    def stale_changes(self, batch_id: int) -> int:
        return sum(
            1 for item in self.preview(batch_id, applied=True) for change in item.changes
            if getattr(self.state.identities[LocalId(change.local_id)], change.field.value) != change.old
        )

    def apply_changes(self, batch_id: int) -> Mapping[str, int]:
        counts: dict[str, int] = {}
        journal = self.state.journal.setdefault(batch_id, [])
        students: set[str] = set()
        for item in self.preview(batch_id, applied=True):
            for change in item.changes:
                local_id = LocalId(change.local_id)
                identity = self.state.identities[local_id]
                journal.append((local_id, change.field.value, getattr(identity, change.field.value)))
                self.state.identities[local_id] = _with(identity, change.field.value, change.new)
                key = f"student.{change.field.value}"
                counts[key] = counts.get(key, 0) + 1
                students.add(change.local_id)
        counts["students"] = len(students)
        return counts

    def changed_since_apply(self, batch_id: int) -> int:
        return 0

    def undo_changes(self, batch_id: int) -> int:
        journal = self.state.journal.pop(batch_id, [])
        for local_id, name, old in reversed(journal):
            self.state.identities[local_id] = _with(self.state.identities[local_id], name, old)
        return len(journal)

    # -- the SSID Extract's staging, by the reference planner -------------------------------------------
    @property
    def binds_fields(self) -> bool:
        return True

    def stage_extract(self, layout: Layout, blocks: Iterable[LineBlock]) -> int:
        self._staged = []
        for block in blocks:
            assert isinstance(block, CheckedLines), "binds_fields: the workflow hands CheckedLines"
            self._staged += extract_rows(layout, block)
        return len(self._staged)

    def first_repeated_line(self, before: int | None = None) -> tuple[int, int] | None:
        seen: dict[tuple[object, ...], int] = {}
        for row in self._staged:
            if before is not None and row.line >= before:
                break
            values = dataclasses.astuple(dataclasses.replace(row, line=0))
            first = seen.setdefault(values, row.line)
            if first != row.line:
                return row.line, first
        return None

    def preview_staged_extract(self, batch_id: int, overwrite: bool) -> tuple[ExtractCounts, int]:
        plan = reference_extract_plan(self._staged, dict(self.state.identities), overwrite=overwrite)
        items = [
            PreviewItem(
                line=line.line, local_id=line.local_id, kind=line.outcome.value, applied=line.outcome.applied,
                changes=tuple(line.field_changes()),
            )
            for line in plan.lines
        ]
        self.state.previews[batch_id] = items
        return plan.counts, sum(1 for item in items if item.applied and item.changes)

    # -- mail --------------------------------------------------------------------------------------------
    def add_outbox(self, message: OutboxMessage) -> None:
        self.state.outbox.append(message)

    # -- the local duplicate check ----------------------------------------------------------------------
    def check_students(self, local_ids: Collection[LocalId] | None = None) -> Iterator[CheckedStudent]:
        return (checked_student(s) for s in self.iter_students() if local_ids is None or s.local_id in local_ids)

    def student_data_version(self) -> int:
        return self.state.data_version

    def retired_ssids(self) -> set[Ssid]:
        return set()

    def save_duplicate_check(
        self, *, checked_at: dt.datetime, checked_by: str, students: int, compared: int, lookalike_percent: float,
        fingerprint: str, seconds: float, issues: Sequence[LocalIssue],
    ) -> DuplicateCheckSummary:
        summary = DuplicateCheckSummary(
            len(self.state.checks) + 1, checked_at, checked_by, students, compared, lookalike_percent, fingerprint,
            seconds, len(issues),
        )
        self.state.checks.append((summary, list(issues)))
        return summary

    def latest_duplicate_check(self) -> DuplicateCheckSummary | None:
        return self.state.checks[-1][0] if self.state.checks else None

    def duplicate_check_issues(self, check_id: int) -> list[LocalIssue]:
        return next((list(issues) for summary, issues in self.state.checks if summary.id == check_id), [])

    def acknowledged_issues(self) -> set[IssueKey]:
        return set(self.state.acknowledged)

    def issue_acknowledgements(self) -> dict[IssueKey, tuple[str, dt.datetime]]:
        return dict(self.state.acknowledged)

    def acknowledge_issue(self, key: IssueKey, actor: str, at: dt.datetime) -> None:
        self.state.acknowledged.setdefault(key, (actor, at))

    def not_duplicate_marks(self) -> list[NotDuplicateMark]:
        return list(self.state.marks)

    def mark_not_duplicate(self, first: LocalId, second: LocalId, actor: str, at: dt.datetime) -> None:
        self.state.marks.append(NotDuplicateMark(first, second, actor, at))

    def unmark_not_duplicate(self, first: LocalId, second: LocalId) -> bool:
        kept = [m for m in self.state.marks if (m.first, m.second) != (first, second)]
        found = len(kept) != len(self.state.marks)
        self.state.marks = kept
        return found

    def issue_decisions(self) -> list[IssueDecision]:
        return list(self.state.issue_decisions.values())

    def decide_issue(self, decision: IssueDecision) -> None:
        self.state.issue_decisions[decision.key] = decision
