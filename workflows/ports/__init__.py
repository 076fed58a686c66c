"""The seam between the workflow services and persistence: small repositories behind a unit of work.

``workflows`` never imports the database layer; it is handed a :class:`UnitOfWork` whose
attributes are small repositories (``uow.runs``, ``uow.history``, ``uow.batches`` …), each a
``Protocol`` of a handful of methods, so that a service (and its test) needs only the few it uses
and an in-memory fake can stand in for the database (``tests/unit/memory_store.py``). The concrete
one is ``store.workflow_store``. Every value crossing the seam is a domain type (``domain.model``,
``domain.records``, ``domain.runs``) or a builtin, so the store needs nothing from ``workflows``.

Transactions: :meth:`UnitOfWork.atomic` opens one (nested calls are savepoints). A service
changes a run's state only inside one, together with its history row and the step's data, by a
compare-and-set on the old state (:meth:`Runs.set_run_state`; see :mod:`workflows.run.stepping`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from domain.model import MatchDecision, Student
from domain.planning.extract import ExtractCounts
from domain.planning.identity import LocalIdentity
from domain.layouts import Layout
from domain.readers import LineBlock
from domain.records import MatchCandidate, MatchResultRow, SenrRecord
from domain.runs import (
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
from workflows.ports.assistant import DuplicateChecks, IssueMarks
from workflows.ports.ods import OdsStaging

if TYPE_CHECKING:  # for annotations only: the matching assistant is not imported by every step
    from domain.matching import PersonFacts

__all__ = [
    "DistrictSettings",
    "Settings",
    "Students",
    "Runs",
    "History",
    "Requests",
    "Matches",
    "Files",
    "Batches",
    "BatchChanges",
    "ExtractStaging",
    "OdsStaging",
    "Outbox",
    "DuplicateChecks",
    "IssueMarks",
    "UnitOfWork",
]


class DistrictSettings(Protocol):
    """The settings a run needs (any object with these attributes will do)."""

    @property
    def lea(self) -> CdsCode | None: ...
    @property
    def year(self) -> AcademicYear | None: ...
    @property
    def schools(self) -> Collection[CdsCode]: ...
    @property
    def missing(self) -> Sequence[str]:
        """What keeps the settings from being complete for a request file, in words."""
        ...
    @property
    def email(self) -> str: ...
    @property
    def smtp_host(self) -> str: ...
    @property
    def smtp_port(self) -> int | None: ...
    @property
    def smtp_user(self) -> str: ...
    @property
    def smtp_sender(self) -> str: ...


class Settings(Protocol):
    """The district's settings and code translations."""

    def district_settings(self) -> DistrictSettings: ...

    def code_translations(self) -> Mapping[tuple[str, str], str]:
        """(code field, local code) → CALPADS code (fields as ``domain.planning.translation``)."""
        ...


class Students(Protocol):
    """The district's students, as the steps read them."""

    def iter_students(self, *, without_ssid: bool = False) -> Iterator[Student]:
        """Every student (only those without an SSID when asked), with everything recorded about them."""
        ...

    def iter_identities(self) -> Iterator[LocalIdentity]:
        """Every student's identity fields (SSID, Old State ID, ELAS and start, SWD)."""
        ...

    def local_ids_with_ssid(self, ssid: Ssid) -> list[LocalId]: ...

    def unknown_local_ids(self, local_ids: Collection[LocalId]) -> list[LocalId]:
        """Those of ``local_ids`` that are no student's local id, sorted."""
        ...

    def ssid_holders(self, ssids: Collection[Ssid]) -> dict[Ssid, list[LocalId]]:
        """The local students holding each SSID (SSIDs nobody holds are absent)."""
        ...

    def people_born_on(self, dates: Collection[dt.date]) -> Iterator[tuple[LocalId, PersonFacts]]:
        """Every student born on one of ``dates``: local id, names and birth date."""
        ...


class Runs(Protocol):
    """Runs and their state."""

    def start_run(self, at: dt.datetime, actor: str, *, summer: bool = False) -> tuple[Run, bool]:
        """Open a run (a summer run when asked) unless one is open: (the new run, True), or (the open run, False)."""
        ...

    def get_run(self, run_id: int) -> Run | None: ...

    def latest_run(self) -> Run | None: ...

    def open_run(self) -> Run | None:
        """The run that is open (not ``extract_loaded`` nor ``cancelled``), if any."""
        ...

    def set_run_state(self, run_id: int, old: RunState, new: RunState) -> bool:
        """``UPDATE run SET state=new WHERE id=run_id AND state=old``; whether one row changed."""
        ...

    def hold_run_state(self, run_id: int, state: RunState) -> bool:
        """Whether the run is in ``state``; if so it stays there until the transaction ends (a
        transition waits for it), while other transactions holding it go on beside this one."""
        ...

    def run_counts(self, run_id: int) -> Mapping[str, int]:
        """``requested``, ``decided`` and ``candidates`` (candidate SSIDs proposed) of the run."""
        ...


class History(Protocol):
    """Every attempted step of every run."""

    def add_history(self, entry: HistoryEntry) -> None: ...

    def run_history(self, run_id: int) -> list[HistoryEntry]:
        """Every attempted step of the run, in the order they happened."""
        ...


class Requests(Protocol):
    """A run's request file, student by student."""

    def save_request(self, run_id: int, records: Sequence[SenrRecord]) -> None: ...

    def request_records(self, run_id: int) -> list[SenrRecord]:
        """The run's request records, in file order."""
        ...

    def request_record(self, run_id: int, local_id: LocalId) -> SenrRecord | None:
        """One student's record in the run's request file (``None`` when not requested)."""
        ...

    def requested_ids(self, run_id: int) -> set[LocalId]: ...

    def runs_requesting(self, local_ids: Collection[LocalId]) -> list[int]:
        """Runs whose request file holds every one of ``local_ids``."""
        ...


class Matches(Protocol):
    """CALPADS' candidates for a run's students, and the decisions taken on them."""

    def save_candidates(self, run_id: int, rows: Iterable[MatchResultRow]) -> int:
        """Store the rows of a match result file; returns how many candidates were stored."""
        ...

    def candidates(self, run_id: int, local_id: LocalId | None = None) -> dict[LocalId, list[MatchCandidate]]:
        """Each requested student's candidates, highest percentage first (one student when named)."""
        ...

    def decisions(self, run_id: int) -> dict[LocalId, MatchDecision]: ...

    def selected_for(self, run_id: int, ssid: Ssid) -> list[LocalId]:
        """The run's students whose decision selects ``ssid``, by local id (read by the index, not the run)."""
        ...

    def decision_version(self, run_id: int, local_id: LocalId) -> tuple[int, str] | None:
        """The version of a student's current decision and who made it (``None`` when undecided)."""
        ...

    def lock_decision(self, run_id: int, local_id: LocalId, ssid: Ssid | None) -> None:
        """Until the transaction ends, another transaction deciding this student, or selecting
        ``ssid`` in this run, waits for this one (and then sees what it saved)."""
        ...

    def save_decision(
        self, run_id: int, decision: MatchDecision, *, warnings: Sequence[str], actor: str, at: dt.datetime
    ) -> None:
        """Set (or change) a student's decision and log the change."""
        ...

    def save_bulk_decisions(self, run_id: int, decisions: Sequence[MatchDecision], actor: str, at: dt.datetime) -> None:
        """Set many decisions at once, each logged as bulk."""
        ...


class Files(Protocol):
    """Files produced for CALPADS (File Download list) and the CALPADS History."""

    def add_generated_file(
        self, kind: FileKind, name: str, content: bytes, *, records: int, at: dt.datetime, actor: str, run_id: int | None
    ) -> GeneratedFile: ...

    def generated_files(self, run_id: int | None = None, include_retired: bool = False) -> list[GeneratedFile]: ...

    def retire_files(self, run_id: int, kind: FileKind) -> int: ...

    def restore_files(self, run_id: int, kind: FileKind) -> int:
        """Put the run's retired files of ``kind`` back in the File Download list; how many."""
        ...

    def runs_that_loaded(self, kind: FileKind, sha256: str) -> list[int]:
        """The runs that loaded a file of ``kind`` with this SHA-256 (CALPADS History), newest first."""
        ...

    def add_calpads_history(self, entry: CalpadsHistoryEntry) -> None: ...


class Batches(Protocol):
    """Loaded files kept as batches with their preview lines (extract, replacement, SELA, ODS audit)."""

    def add_batch(self, batch: NewBatch, items: Iterable[PreviewItem] = ()) -> Batch:
        """Store a loaded file's preview as a new batch (bulk insert)."""
        ...

    def get_batch(self, batch_id: int) -> Batch | None: ...

    def batches_of(self, kind: BatchKind, run_id: int | None = None) -> list[Batch]:
        """Batches of ``kind`` (of one run when given), newest first."""
        ...

    def set_batch_counts(self, batch_id: int, counts: Mapping[str, int]) -> None: ...

    def set_batch_state(
        self, batch_id: int, old: BatchState | OdsAuditState, new: BatchState | OdsAuditState, *, at: dt.datetime,
        actor: str,
    ) -> bool:
        """Compare-and-set on the batch's state (stamping applied/undone by and at); whether it moved."""
        ...

    def preview(self, batch_id: int, applied: bool | None = None, limit: int | None = None) -> list[PreviewItem]:
        """The batch's preview lines in file order (only applied, or only listed, when asked)."""
        ...

    def iter_preview(self, batch_id: int) -> Iterator[PreviewItem]:
        """The batch's preview lines in file order, read as they are iterated (keep no other query
        of this store open meanwhile)."""
        ...

    def preview_local_ids(self, batch_id: int, among: Collection[LocalId]) -> set[LocalId]:
        """Those of ``among`` that a line of the batch names (for an extract: that have an SSID in it)."""
        ...

    def elas_changes(self, batch_id: int) -> list[tuple[LocalId, str | None, str | None]]:
        """(local id, ELAS now, ELAS in the file) of every applied line changing a student's ELAS, in file order."""
        ...


class BatchChanges(Protocol):
    """Applying a batch's previewed changes to the students, journaled, and undoing them."""

    def stale_changes(self, batch_id: int) -> int:
        """How many previewed changes no longer start from the student's current value."""
        ...

    def apply_changes(self, batch_id: int) -> Mapping[str, int]:
        """Apply the batch's changes set-based, journaling every changed field.

        Returns the number of changed values per ``table.field``.
        """
        ...

    def changed_since_apply(self, batch_id: int) -> int:
        """How many fields the batch set hold another value now (undo would overwrite them)."""
        ...

    def undo_changes(self, batch_id: int) -> int:
        """Restore every field the batch's apply changed, from the journal; returns how many."""
        ...


class ExtractStaging(Protocol):
    """An SSID Extract's rows kept in the database and previewed there, set-based."""

    @property
    def binds_fields(self) -> bool:
        """Whether :meth:`stage_extract` binds each line's fields one by one (it is then best
        handed :class:`~domain.readers.CheckedLines`, split once) or loads the lines' text in bulk."""
        ...

    def stage_extract(self, layout: Layout, blocks: Iterable[LineBlock]) -> int:
        """Keep an SSID Extract's lines (of ``layout``; :class:`~domain.readers.CheckedLines`, or
        lines whose whole check runs elsewhere) for :meth:`preview_staged_extract` (this connection
        only, replacing lines staged before); returns how many."""
        ...

    def first_repeated_line(self, before: int | None = None) -> tuple[int, int] | None:
        """The first staged line (before line ``before``, when given) that repeats an earlier one
        exactly, with the line it repeats; ``None`` when none does."""
        ...

    def preview_staged_extract(self, batch_id: int, overwrite: bool) -> tuple[ExtractCounts, int]:
        """Write the batch's preview lines from the staged extract rows, set-based, by the rules of
        :func:`domain.planning.extract.reference_extract_plan`; the counts and how many students it changes."""
        ...


class Outbox(Protocol):
    """Mail kept for the record (sent) or for later (waiting)."""

    def add_outbox(self, message: OutboxMessage) -> None: ...


class UnitOfWork(Protocol):
    """Every repository a workflow service may use, and the transaction they share."""

    def atomic(self) -> AbstractContextManager[object]:
        """A transaction (a savepoint when nested); leaving by an exception rolls it back."""
        ...

    @property
    def settings(self) -> Settings: ...
    @property
    def students(self) -> Students: ...
    @property
    def runs(self) -> Runs: ...
    @property
    def history(self) -> History: ...
    @property
    def requests(self) -> Requests: ...
    @property
    def matches(self) -> Matches: ...
    @property
    def files(self) -> Files: ...
    @property
    def batches(self) -> Batches: ...
    @property
    def changes(self) -> BatchChanges: ...
    @property
    def extract_staging(self) -> ExtractStaging: ...
    @property
    def ods_staging(self) -> OdsStaging: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def duplicates(self) -> DuplicateChecks: ...
    @property
    def marks(self) -> IssueMarks: ...

