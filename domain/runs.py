"""What the district keeps about its SSID workflow: a run's states and events, its history, the
files it produced, and the batches (extract, replacement, ODS audit) it loaded.

Plain data shared by the workflow services and the store that persists them; the state machines
themselves live in ``workflows``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from domain.planning.identity import FieldChange

__all__ = [
    "RunState",
    "RunEvent",
    "RunAction",
    "CLOSED_RUN_STATES",
    "Run",
    "HistoryEntry",
    "FileKind",
    "GeneratedFile",
    "BatchKind",
    "BatchState",
    "OdsAuditState",
    "Batch",
    "NewBatch",
    "PreviewItem",
    "CalpadsAction",
    "CalpadsHistoryEntry",
    "MailOutcome",
    "OutboxMessage",
]


class RunState(Enum):
    """The states of an SSID run, in workflow order (product.md "The SSID workflow")."""

    NEW = "new"
    MIDS_RESOLVED = "mids_resolved"
    SENR_CREATED = "senr_created"
    RESULTS_LOADED = "results_loaded"
    ALL_CONFIRMED = "all_confirmed"
    UPDATED = "updated"
    EXTRACT_LOADED = "extract_loaded"
    CANCELLED = "cancelled"


class RunEvent(Enum):
    """The events that move a run from one state to the next."""

    RESOLVE_MIDS = "resolve_mids"
    CREATE_SENR = "create_senr"
    LOAD_RESULTS = "load_results"
    CONFIRM_ALL = "confirm_all"
    CREATE_UPDATED = "create_updated"
    APPLY_EXTRACT = "apply_extract"
    UNDO_EXTRACT = "undo_extract"
    CANCEL = "cancel"


class RunAction(Enum):
    """What a person may do inside a state without moving the run (internal transitions of the
    same machine): the decisions of the review, its partial file, bulk acceptance, and loading the
    SSID Extract for review."""

    DECIDE = "decide"
    PARTIAL = "partial"
    BULK_ACCEPT = "bulk_accept"
    LOAD_EXTRACT = "load_extract"


CLOSED_RUN_STATES = frozenset({RunState.EXTRACT_LOADED, RunState.CANCELLED})
"""A run in any other state is open: only one run may be open at a time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One SSID run: its number, state, who opened it when (UTC), and whether it is a summer
    (Summer ELPAC testing) run, which also requests pre-enrolled students."""

    id: int
    state: RunState
    opened_at: dt.datetime
    opened_by: str
    summer: bool = False

    @property
    def label(self) -> str:
        """``run 3``, or ``summer run 3``: how pages and messages name it."""
        return f"{'summer run' if self.summer else 'run'} {self.id}"

    @property
    def is_open(self) -> bool:
        """Whether the run still blocks a new one from starting."""
        return self.state not in CLOSED_RUN_STATES


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One attempted step of a run, accepted or refused.

    ``event`` is a machine event (``create_senr``, a :class:`RunEvent` value) or an action inside a state
    (a :class:`RunAction` value) (``decide``,
    ``partial``, ``load_extract``); ``source`` is ``None`` for the start of a
    run, ``dest`` is ``None`` when refused, and equal to ``source`` for an action that does not
    change the state.
    """

    run: int
    at: dt.datetime
    actor: str
    event: str
    source: str | None
    dest: str | None
    accepted: bool
    reason: str | None = None
    file_name: str | None = None
    sha256: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


class FileKind(Enum):
    """Kinds of files produced or loaded (CALPADS History, File Download list)."""

    REQUEST = "request"
    PARTIAL = "partial"
    UPDATED = "updated"
    MATCH_RESULT = "match_result"
    SSID_EXTRACT = "ssid_extract"
    REPLACEMENT_EXTRACT = "replacement_extract"
    ODS_DOWNLOAD = "ods_download"
    SELA_DOWNLOAD = "sela_download"
    ODS_DELETES = "ods_deletes"
    ODS_REPLACES = "ods_replaces"
    ODS_ADDS = "ods_adds"
    SUMMER_SELA = "summer_sela"


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedFile:
    """A file the workbench wrote, kept (with its SHA-256) for the File Download list."""

    id: int
    kind: FileKind
    name: str
    sha256: str
    records: int
    created_at: dt.datetime
    created_by: str
    run: int | None = None
    retired: bool = False


class BatchKind(Enum):
    """What a loaded batch holds."""

    EXTRACT = "extract"
    REPLACEMENT = "replacement"
    SELA_IMPORT = "sela_import"
    ODS_AUDIT = "ods_audit"


class BatchState(StrEnum):
    """An extract or replacement batch: loaded (previewed), applied, undone (a ``str`` so that
    pages and JSON show the stored word)."""

    LOADED = "loaded"
    APPLIED = "applied"
    UNDONE = "undone"


class OdsAuditState(StrEnum):
    """An SENR ODS audit: loaded, evaluated (reviewed), files created."""

    LOADED = "loaded"
    EVALUATED = "evaluated"
    FILES_CREATED = "files_created"


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """A loaded file awaiting or past application; an ODS audit moves through its own states."""

    id: int
    kind: BatchKind
    state: BatchState | OdsAuditState
    file_name: str
    sha256: str
    loaded_at: dt.datetime
    loaded_by: str
    run: int | None = None
    overwrite: bool = False
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewBatch:
    """A loaded file's batch as it is first kept: what was loaded, by whom, when, for which run."""

    kind: BatchKind
    file_name: str
    sha256: str
    at: dt.datetime
    actor: str
    run_id: int | None = None
    overwrite: bool = False
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def state(self) -> BatchState | OdsAuditState:
        """Every batch starts loaded (an ODS audit in its own ``loaded``)."""
        return OdsAuditState.LOADED if self.kind is BatchKind.ODS_AUDIT else BatchState.LOADED


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewItem:
    """One line of a loaded file as its preview shows it, before anything is written.

    ``kind`` is what the line does (``new``, ``unchanged``, ``conflict``, ``no_local_student`` ...);
    ``applied`` whether applying the batch writes its ``changes``. For a line that is not applied,
    ``changes`` show what the file says against the local value, for the person to review.
    """

    line: int
    local_id: str
    kind: str
    applied: bool
    changes: tuple[FieldChange, ...] = ()
    detail: str = ""


class CalpadsAction(Enum):
    """What happened to a file exchanged with CALPADS."""

    PRODUCED = "produced"
    LOADED = "loaded"
    APPLIED = "applied"
    UNDONE = "undone"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalpadsHistoryEntry:
    """A file exchanged with CALPADS: produced for upload, loaded from a download, applied, undone."""

    at: dt.datetime
    actor: str
    action: CalpadsAction
    kind: FileKind
    file_name: str
    sha256: str
    records: int
    run: int | None = None
    batch: int | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


class MailOutcome(Enum):
    """What became of a summary mail: sent now, waiting because no server is configured, or
    waiting because the server failed (the error kept with it)."""

    SENT = "sent"
    NO_SERVER = "no_server"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxMessage:
    """A message kept in the outbox, with what became of it (``error`` says why it waits)."""

    at: dt.datetime
    to: str
    subject: str
    body: str
    outcome: MailOutcome
    error: str | None = None
