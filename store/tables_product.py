"""The workbench's own tables: settings, code translations, users, runs and what a run produces.

Every timestamp is a :class:`~store.database.UtcDateTimeField` (aware UTC in, aware UTC out).
Counts and other small structured values are JSON text (``"{}"`` when empty), so SQLite and
PostgreSQL store them alike.

Where the workflow's facts live:

- a run: :class:`Run` (``state`` as text, ``version`` for compare-and-set);
- every attempted step, accepted or refused: :class:`RunTransition`;
- files the workbench wrote (the File Download list): :class:`GeneratedFile`;
- the students of a run's request file: :class:`MatchRequest` (with the exact SENR line);
- CALPADS' candidates from a match result file: :class:`MatchCandidate`;
- the current decision per student: :class:`MatchDecisionRow`; every change: :class:`DecisionLog`.
"""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables_sis import Student, Table

__all__ = [
    "Setting",
    "CodeTranslation",
    "User",
    "Run",
    "RunTransition",
    "GeneratedFile",
    "MatchRequest",
    "MatchCandidate",
    "MatchDecisionRow",
    "DecisionLog",
    "PRODUCT_TABLES",
]


class Setting(Table):
    """One named setting ("other options"): see :data:`store.settings.SETTING_NAMES`."""

    name = peewee.CharField(max_length=40, primary_key=True)
    value = peewee.TextField(default="")


class CodeTranslation(Table):
    """A local code and the CALPADS code it stands for, per code set (``grade``, ``gender`` ...).

    A code without a row translates to itself.
    """

    id: int
    field = peewee.CharField(max_length=40)
    local_code = peewee.CharField(max_length=20)
    calpads_code = peewee.CharField(max_length=20)

    class Meta:
        indexes = ((("field", "local_code"), True),)


class User(Table):
    """A console user: ``role`` is ``admin`` or ``auditor``; the password is a werkzeug hash."""

    id: int
    name = peewee.CharField(max_length=80, unique=True)
    password_hash = peewee.CharField(max_length=255)
    role = peewee.CharField(max_length=10)
    active = peewee.BooleanField(default=True)
    created_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "console_user"  # "user" is reserved in PostgreSQL


class Run(Table):
    """An SSID run. ``version`` grows by one on every state change (compare-and-set)."""

    id: int
    state = peewee.CharField(max_length=20, index=True)
    opened_at = UtcDateTimeField(default=utc_now)
    opened_by = peewee.CharField(max_length=80)
    closed_at = UtcDateTimeField(null=True)
    version = peewee.IntegerField(default=0)
    counts = peewee.TextField(default="{}")


class RunTransition(Table):
    """One attempted step of a run: accepted (``dest`` set) or refused (``reason`` set)."""

    id: int
    run_id: int
    run = peewee.ForeignKeyField(Run, backref="transitions", on_delete="CASCADE", index=True)
    at = UtcDateTimeField(default=utc_now)
    actor = peewee.CharField(max_length=80)
    event = peewee.CharField(max_length=40)
    source = peewee.CharField(max_length=20)
    dest = peewee.CharField(max_length=20, null=True)
    accepted = peewee.BooleanField()
    reason = peewee.TextField(null=True)
    file_name = peewee.CharField(max_length=255, null=True)
    sha256 = peewee.CharField(max_length=64, null=True)
    counts = peewee.TextField(default="{}")

    class Meta:
        table_name = "run_history"


class GeneratedFile(Table):
    """A file the workbench wrote, with its bytes, for the File Download list; ``retired`` hides it."""

    id: int
    run_id: int | None
    run = peewee.ForeignKeyField(Run, null=True, backref="files", on_delete="CASCADE", index=True)
    kind = peewee.CharField(max_length=30)
    name = peewee.CharField(max_length=255)
    sha256 = peewee.CharField(max_length=64, index=True)
    records = peewee.IntegerField(default=0)
    size = peewee.IntegerField(default=0)
    content = peewee.BlobField()
    created_at = UtcDateTimeField(default=utc_now)
    created_by = peewee.CharField(max_length=80, default="")
    retired = peewee.BooleanField(default=False)
    retired_at = UtcDateTimeField(null=True)


class MatchRequest(Table):
    """A student of a run's request file, with the SENR line as written (reused for updated files)."""

    id: int
    run_id: int
    student_id: int | None
    run = peewee.ForeignKeyField(Run, backref="requests", on_delete="CASCADE")
    local_id = peewee.CharField(max_length=15)
    student = peewee.ForeignKeyField(Student, null=True, on_delete="SET NULL", index=True)
    line = peewee.IntegerField(default=0)
    senr_line = peewee.TextField()

    class Meta:
        # (run, line): the review's order, asked for on every review page (migration 0005).
        indexes = ((("run", "local_id"), True), (("run", "line"), False))


class MatchCandidate(Table):
    """One row of a CALPADS match result file: a candidate SSID for a requested student.

    A student without candidates has one row with ``ssid`` ``NULL`` and category ``No Match``.
    Score and category are kept exactly as the file gives them.
    """

    id: int
    run_id: int
    run = peewee.ForeignKeyField(Run, backref="candidates", on_delete="CASCADE")
    local_id = peewee.CharField(max_length=15)
    line = peewee.IntegerField(default=0)
    ssid = peewee.CharField(max_length=10, null=True)
    ssid_created = peewee.DateField(null=True)
    category = peewee.CharField(max_length=20, default="")
    score = peewee.CharField(max_length=10, default="")
    percent = peewee.IntegerField(null=True)
    legal_last = peewee.CharField(max_length=50, default="")
    legal_first = peewee.CharField(max_length=30, default="")
    legal_middle = peewee.CharField(max_length=30, default="")
    gender = peewee.CharField(max_length=1, default="")
    birth_date = peewee.DateField(null=True)
    reporting_lea = peewee.CharField(max_length=7, default="")
    school = peewee.CharField(max_length=7, default="")
    birth_city = peewee.CharField(max_length=30, default="")
    birth_state = peewee.CharField(max_length=6, default="")
    birth_country = peewee.CharField(max_length=2, default="")
    source_line = peewee.TextField(default="")

    class Meta:
        indexes = ((("run", "local_id"), False), (("run", "ssid"), False))


class MatchDecisionRow(Table):
    """The current decision for one requested student (``kind``: no_match, new_ssid, select)."""

    id: int
    run_id: int
    run = peewee.ForeignKeyField(Run, backref="decisions", on_delete="CASCADE")
    local_id = peewee.CharField(max_length=15)
    kind = peewee.CharField(max_length=10)
    ssid = peewee.CharField(max_length=10, null=True)
    actor = peewee.CharField(max_length=80)
    at = UtcDateTimeField(default=utc_now)
    warnings = peewee.TextField(default="")
    bulk = peewee.BooleanField(default=False)
    version = peewee.IntegerField(default=0)

    class Meta:
        table_name = "match_decision"
        indexes = ((("run", "local_id"), True), (("run", "ssid"), False))


class DecisionLog(Table):
    """Every decision ever recorded (a changed decision adds a row; nothing is overwritten)."""

    id: int
    run_id: int
    run = peewee.ForeignKeyField(Run, backref="decision_log", on_delete="CASCADE", index=True)
    local_id = peewee.CharField(max_length=15)
    kind = peewee.CharField(max_length=10)
    ssid = peewee.CharField(max_length=10, null=True)
    actor = peewee.CharField(max_length=80)
    at = UtcDateTimeField(default=utc_now)
    warnings = peewee.TextField(default="")
    bulk = peewee.BooleanField(default=False)


PRODUCT_TABLES: tuple[type[Table], ...] = (
    Setting,
    CodeTranslation,
    User,
    Run,
    RunTransition,
    GeneratedFile,
    MatchRequest,
    MatchCandidate,
    MatchDecisionRow,
    DecisionLog,
)
