"""A run and what it produces.

Every timestamp is a :class:`~store.database.UtcDateTimeField` (aware UTC in, aware UTC out).
Counts and other small structured values are JSON text (``"{}"`` when empty), so SQLite and
PostgreSQL store them alike.

- a run: :class:`RunRow` (``state`` as text, ``version`` for compare-and-set);
- every attempted step, accepted or refused: :class:`RunTransitionRow`;
- files the workbench wrote (the File Download list): :class:`GeneratedFileRow`;
- the students of a run's request file: :class:`MatchRequestRow` (with the exact SENR line);
- CALPADS' candidates from a match result file: :class:`MatchCandidateRow`;
- the current decision per student: :class:`MatchDecisionRow`; every change: :class:`DecisionLogRow`.
"""

from __future__ import annotations

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table
from store.tables.students import StudentRow

__all__ = ["RunRow", "RunTransitionRow", "GeneratedFileRow", "MatchRequestRow", "MatchCandidateRow", "MatchDecisionRow", "DecisionLogRow"]


class RunRow(Table):
    """An SSID run. ``version`` grows by one on every state change (compare-and-set); ``summer``
    marks a Summer ELPAC run (added by migration ``0007_summer_and_resolutions``)."""

    id: int
    state = peewee.CharField(max_length=20, index=True)
    opened_at = UtcDateTimeField(default=utc_now)
    opened_by = peewee.CharField(max_length=80)
    closed_at = UtcDateTimeField(null=True)
    version = peewee.IntegerField(default=0)
    counts = peewee.TextField(default="{}")
    summer = peewee.BooleanField(default=False)

    class Meta:
        table_name = "run"


class RunTransitionRow(Table):
    """One attempted step of a run: accepted (``dest`` set) or refused (``reason`` set)."""

    id: int
    run_id: int
    run = peewee.ForeignKeyField(RunRow, backref="transitions", on_delete="CASCADE", index=True)
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


class GeneratedFileRow(Table):
    """A file the workbench wrote, with its bytes, for the File Download list; ``retired`` hides it."""

    id: int
    run_id: int | None
    run = peewee.ForeignKeyField(RunRow, null=True, backref="files", on_delete="CASCADE", index=True)
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

    class Meta:
        table_name = "generated_file"


class MatchRequestRow(Table):
    """A student of a run's request file, with the SENR line as written (reused for updated files)."""

    id: int
    run_id: int
    student_id: int | None
    run = peewee.ForeignKeyField(RunRow, backref="requests", on_delete="CASCADE")
    local_id = peewee.CharField(max_length=15)
    student = peewee.ForeignKeyField(StudentRow, null=True, on_delete="SET NULL", index=True)
    line = peewee.IntegerField(default=0)
    senr_line = peewee.TextField()

    class Meta:
        table_name = "match_request"
        # (run, line): the review's order, asked for on every review page (migration 0005).
        indexes = ((("run", "local_id"), True), (("run", "line"), False))


class MatchCandidateRow(Table):
    """One row of a CALPADS match result file: a candidate SSID for a requested student.

    A student without candidates has one row with ``ssid`` ``NULL`` and category ``No Match``.
    Score and category are kept exactly as the file gives them.
    """

    id: int
    run_id: int
    run = peewee.ForeignKeyField(RunRow, backref="candidates", on_delete="CASCADE")
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
        table_name = "match_candidate"
        indexes = ((("run", "local_id"), False), (("run", "ssid"), False))


class MatchDecisionRow(Table):
    """The current decision for one requested student (``kind``: no_match, new_ssid, select)."""

    id: int
    run_id: int
    run = peewee.ForeignKeyField(RunRow, backref="decisions", on_delete="CASCADE")
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


class DecisionLogRow(Table):
    """Every decision ever recorded (a changed decision adds a row; nothing is overwritten)."""

    id: int
    run_id: int
    run = peewee.ForeignKeyField(RunRow, backref="decision_log", on_delete="CASCADE", index=True)
    local_id = peewee.CharField(max_length=15)
    kind = peewee.CharField(max_length=10)
    ssid = peewee.CharField(max_length=10, null=True)
    actor = peewee.CharField(max_length=80)
    at = UtcDateTimeField(default=utc_now)
    warnings = peewee.TextField(default="")
    bulk = peewee.BooleanField(default=False)

    class Meta:
        table_name = "decision_log"
