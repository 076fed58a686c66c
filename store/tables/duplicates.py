"""The matching assistant's tables: stored runs of the local duplicate check and what they found,
and the pairs a person marked "not a duplicate".

- one run of the check (when, by whom, over how many students, the fingerprint of the data it
  read): :class:`DuplicateCheckRow`; each issue it found, with the evidence of a look-alike pair as
  JSON: :class:`DuplicateCheckIssueRow`;
- two local records a person said are two different children: :class:`NotDuplicateMarkRow` (a later
  check leaves the pair out of its list);
- a counter of changes to what the check reads: :class:`StudentDataVersionRow`, moved by database
  triggers on ``student`` and ``guardian`` (so every way of changing a student counts: an import,
  an applied extract, an undo, an edit in the Tables page, plain SQL).

- local duplicates a person looked at and accepted: :class:`DuplicateAcknowledgementRow`.

The first four were created by migration ``0002_assistant`` on a database of version 1
(:data:`ASSISTANT_TABLES`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import peewee

from store.database import UtcDateTimeField, utc_now
from store.tables._base import Table
from store.tables.students import GuardianRow, StudentRow

__all__ = ["CHECKED_STUDENT_COLUMNS", "StudentDataVersionRow", "one_data_change", "DuplicateCheckRow", "DuplicateCheckIssueRow", "NotDuplicateMarkRow", "DuplicateAcknowledgementRow", "DuplicateResolutionRow", "ASSISTANT_TABLES"]


CHECKED_STUDENT_COLUMNS: tuple[str, ...] = (
    "local_id", "ssid", "active", "legal_first", "legal_middle", "legal_last", "alias_first", "alias_middle",
    "alias_last", "birth_date", "gender", "birth_city", "birth_state", "birth_country",
)
"""The ``student`` columns the local duplicate check reads: changing one moves the version."""


_WATCHED: tuple[tuple[str, str], ...] = (
    ("student", ", ".join(CHECKED_STUDENT_COLUMNS)),
    ("guardian", "student_id, position, first, last"),
)
"""Each watched table and the columns whose update counts as a change."""


_FUNCTION = "student_data_changed"


def _sqlite_triggers(table: str, version: str) -> list[str]:
    bump = f"UPDATE {version} SET version = version + 1 WHERE id = 1;"
    columns = dict(_WATCHED)[table]
    events = (("insert", "INSERT"), ("delete", "DELETE"), ("update", f"UPDATE OF {columns}"))
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_changed_{name} AFTER {event} ON {table} BEGIN {bump} END"
        for name, event in events
    ]


def _postgresql_triggers(table: str, version: str) -> list[str]:
    # Per statement, not per row: an extract applied to 600,000 students moves the counter once.
    columns = dict(_WATCHED)[table]
    return [
        f"CREATE OR REPLACE TRIGGER {table}_changed AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
    ]


class StudentDataVersionRow(Table):
    """One row (``id`` 1) whose ``version`` grows with every change to what the duplicate check reads.

    Database triggers move it (created with the table, on SQLite and PostgreSQL), so no write path
    can forget to: a stored check whose version is the current one read the students as they are.
    A change that leaves the values as they were still counts (the check is then run again).
    """

    id = peewee.IntegerField(primary_key=True)
    version = peewee.BigIntegerField(default=0)

    class Meta:
        table_name = "student_data_version"
        depends_on = (StudentRow, GuardianRow)  # created after them: the triggers sit on them

    @classmethod
    def create_table(cls, safe: bool = True, **options: Any) -> None:
        """The table, its one row, and the triggers on ``student`` and ``guardian`` that move it."""
        super().create_table(safe=safe, **options)
        database: Any = cls._meta.database
        cls.insert(id=1, version=0).on_conflict_ignore().execute()
        name = cls._meta.table_name
        if _is_postgresql(database):
            database.execute_sql(
                f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN UPDATE {name} SET version = version + 1 WHERE id = 1; RETURN NULL; END $$"
            )
            statements = [sql for table, _ in _WATCHED for sql in _postgresql_triggers(table, name)]
        else:
            statements = [sql for table, _ in _WATCHED for sql in _sqlite_triggers(table, name)]
        for sql in statements:
            database.execute_sql(sql)


def _is_postgresql(database: Any) -> bool:
    return isinstance(database.obj if isinstance(database, peewee.DatabaseProxy) else database, peewee.PostgresqlDatabase)


@contextmanager
def one_data_change() -> Iterator[None]:
    """Within the caller's transaction: the writes inside count as one change of the data version.

    SQLite has only row triggers: a roster import of 600,000 students would move the counter
    millions of times, and inside one long transaction those updates of its one row came to cost
    more than the import itself (60,000 students: 45 CPU seconds instead of 11). So on SQLite the
    triggers are dropped for the block and created again after it, with the counter moved once;
    DDL is transactional there, so a failure (or a killed process) rolls the triggers back with
    the writes, and no other connection can write meanwhile. PostgreSQL's triggers are per
    statement already: nothing to do.
    """
    database: Any = StudentDataVersionRow._meta.database
    if _is_postgresql(database) or _inside.get():
        yield  # (nested: the outer block moves the counter)
        return
    name = StudentDataVersionRow._meta.table_name
    for table, _ in _WATCHED:
        for event in ("insert", "delete", "update"):
            database.execute_sql(f"DROP TRIGGER IF EXISTS {table}_changed_{event}")
    token = _inside.set(True)
    try:
        yield
    finally:
        _inside.reset(token)
    database.execute_sql(f"UPDATE {name} SET version = version + 1 WHERE id = 1")
    for table, _ in _WATCHED:
        for sql in _sqlite_triggers(table, name):
            database.execute_sql(sql)


_inside: ContextVar[bool] = ContextVar("one_data_change", default=False)
"""Inside a :func:`one_data_change` block (of this thread): a nested one does nothing."""


class DuplicateCheckRow(Table):
    """One run of the local duplicate check (its issues are :class:`DuplicateCheckIssueRow` rows)."""

    id: int
    checked_at = UtcDateTimeField(default=utc_now, index=True)
    checked_by = peewee.CharField(max_length=80)
    students = peewee.IntegerField(default=0)
    compared = peewee.BigIntegerField(default=0)
    lookalike_percent = peewee.FloatField()
    fingerprint = peewee.CharField(max_length=100)
    seconds = peewee.FloatField(default=0.0)
    issues = peewee.IntegerField(default=0)

    class Meta:
        table_name = "duplicate_check"


class DuplicateCheckIssueRow(Table):
    """One issue a check found, in the check's order; ``local_ids`` comma-separated and sorted;
    ``evidence`` a JSON list of field results (look-alike pairs only, else ``""``)."""

    id: int
    check_id: int
    check = peewee.ForeignKeyField(DuplicateCheckRow, backref="found", on_delete="CASCADE", index=True)
    position = peewee.IntegerField()
    key = peewee.TextField()
    kind = peewee.CharField(max_length=20)
    local_ids = peewee.TextField()
    message = peewee.TextField()
    percent = peewee.FloatField(null=True)
    evidence = peewee.TextField(default="")

    class Meta:
        table_name = "duplicate_check_issue"
        indexes = ((("check", "position"), True),)


class NotDuplicateMarkRow(Table):
    """Two local records a person said are two different children (``first`` < ``second``)."""

    id: int
    first_local_id = peewee.CharField(max_length=15)
    second_local_id = peewee.CharField(max_length=15)
    marked_by = peewee.CharField(max_length=80)
    marked_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "not_duplicate_mark"
        indexes = ((("first_local_id", "second_local_id"), True),)


class DuplicateAcknowledgementRow(Table):
    """A local duplicate issue a person reviewed and accepted (e.g. twins who look alike).

    ``kind`` names the issue (shared SSID, look-alike, retired SSID); ``first``/``second`` are
    local ids (``second`` blank when the issue concerns one student), ``ssid`` the SSID concerned.
    """

    id: int
    kind = peewee.CharField(max_length=30)
    first_local_id = peewee.CharField(max_length=15)
    second_local_id = peewee.CharField(max_length=15, default="")
    ssid = peewee.CharField(max_length=10, null=True)
    acknowledged_by = peewee.CharField(max_length=80)
    acknowledged_at = UtcDateTimeField(default=utc_now)
    note = peewee.TextField(default="")

    class Meta:
        table_name = "duplicate_acknowledgement"
        indexes = ((("kind", "first_local_id", "second_local_id"), True),)


class DuplicateResolutionRow(Table):
    """A person's decision on a local issue (created by migration ``0007_summer_and_resolutions``).

    ``kind`` and the two local ids (``first`` < ``second``) name the issue; ``decision`` is
    ``same_child`` (``chosen_local_id`` is the record left out of SSID requests until the SIS
    merges the two) or ``keeps_ssid`` (``chosen_local_id`` is the record that keeps the SSID).
    """

    id: int
    kind = peewee.CharField(max_length=20)
    first_local_id = peewee.CharField(max_length=15)
    second_local_id = peewee.CharField(max_length=15)
    decision = peewee.CharField(max_length=20)
    chosen_local_id = peewee.CharField(max_length=15)
    decided_by = peewee.CharField(max_length=80)
    decided_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "duplicate_resolution"
        indexes = ((("kind", "first_local_id", "second_local_id"), True),)


ASSISTANT_TABLES: tuple[type[Table], ...] = (StudentDataVersionRow, DuplicateCheckRow, DuplicateCheckIssueRow, NotDuplicateMarkRow)
"""The matching assistant's tables, parents before children."""
