"""The CALPADS sandbox's own tables: a SIMULATOR of the state's side, for demos and tests only.

The sandbox plays CALPADS so the SSID round trip can be shown and tested offline. Its state lives
in its own database (never the district's), bound through :data:`sandbox_db`. Nothing here is
real CALPADS data or real CALPADS behaviour; it is plausible enough to exercise the district side.

Tables: statewide students (one row per SSID ever issued, retired ones pointing at their
replacement), SENR enrollments (every year, the ODS history), language status, disability
indicator, postings (who posted what, when) and counters (the SSID sequence).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any, cast

import peewee

from store.database import UtcDateTimeField, open_database

__all__ = [
    "sandbox_db",
    "StateStudent",
    "StateEnrollment",
    "StateLanguage",
    "StateDisability",
    "SandboxPosting",
    "SandboxCounter",
    "SANDBOX_TABLES",
    "FIRST_NEW_SSID",
    "STUDENT_COLUMNS",
    "ENROLLMENT_COLUMNS",
    "open_sandbox",
    "reset_sandbox",
    "bulk_insert",
    "tuples",
]

FIRST_NEW_SSID = 5_000_000_000
"""New SSIDs are issued from here up (the demo's SSIDs start with 2, 3 and 4; namesakes' with 6 and 7)."""

sandbox_db = peewee.DatabaseProxy()
"""The sandbox database; bound by :func:`open_sandbox`."""


class _SandboxModel(peewee.Model):
    class Meta:
        database = sandbox_db
        legacy_table_names = False


class StateStudent(_SandboxModel):
    """A statewide student: one row per SSID; a retired SSID names its replacement."""

    ssid = peewee.CharField(max_length=10, primary_key=True)
    legal_first = peewee.CharField(max_length=30)
    legal_middle = peewee.CharField(max_length=30, default="")
    legal_last = peewee.CharField(max_length=50)
    suffix = peewee.CharField(max_length=3, default="")
    birth_date = peewee.DateField(index=True)
    gender = peewee.CharField(max_length=1)
    birth_city = peewee.CharField(max_length=30, default="")
    birth_state = peewee.CharField(max_length=6, default="")
    birth_country = peewee.CharField(max_length=2, default="")
    created = peewee.DateField()
    replaced_by = peewee.CharField(max_length=10, null=True, index=True)
    retired_on = peewee.DateField(null=True)
    # Blocking keys of the matcher (seed.sandbox.scoring.blocking_keys).
    name_key = peewee.CharField(max_length=8, index=True)
    year_key = peewee.CharField(max_length=9, index=True)

    class Meta:
        table_name = "sandbox_student"


class StateEnrollment(_SandboxModel):
    """One SENR enrollment as CALPADS holds it (all years: the SENR ODS history)."""

    id = peewee.AutoField()
    ssid = peewee.CharField(max_length=10, index=True)
    lea = peewee.CharField(max_length=7)
    school = peewee.CharField(max_length=7)
    school_nps = peewee.CharField(max_length=7, default="")
    academic_year = peewee.CharField(max_length=9)
    local_record_id = peewee.CharField(max_length=255, default="")
    local_id = peewee.CharField(max_length=15)
    grade = peewee.CharField(max_length=2)
    status = peewee.CharField(max_length=2)
    start = peewee.DateField()
    exit_date = peewee.DateField(null=True)
    exit_reason = peewee.CharField(max_length=4, default="")
    completion_status = peewee.CharField(max_length=3, default="")
    expected_receiver_school = peewee.CharField(max_length=7, default="")
    met_uc_csu = peewee.CharField(max_length=1, default="")
    transfer_code = peewee.CharField(max_length=1, default="")
    district_of_residence = peewee.CharField(max_length=7, default="")
    golden_state_seal = peewee.CharField(max_length=1, default="")
    seal_of_biliteracy = peewee.CharField(max_length=1, default="")
    adult_swd_transition = peewee.CharField(max_length=1, default="")
    graduation_exemption = peewee.CharField(max_length=1, default="")
    uploaded = peewee.DateField()
    updated = peewee.DateField()

    class Meta:
        table_name = "sandbox_enrollment"
        indexes = (
            (("lea", "start"), False),
            (("lea", "ssid"), False),
            (("ssid", "school", "start"), False),
        )


class StateLanguage(_SandboxModel):
    """English Language Acquisition Status and primary language of a statewide student."""

    ssid = peewee.CharField(max_length=10, primary_key=True)
    elas = peewee.CharField(max_length=4, default="")
    elas_start = peewee.DateField(null=True)
    primary_language = peewee.CharField(max_length=2, default="")

    class Meta:
        table_name = "sandbox_language"


class StateDisability(_SandboxModel):
    """The Student with Disabilities indicator (``Y``/``N``) of a statewide student."""

    ssid = peewee.CharField(max_length=10, primary_key=True)
    swd = peewee.CharField(max_length=1)

    class Meta:
        table_name = "sandbox_disability"


class SandboxPosting(_SandboxModel):
    """A file posted to the sandbox (or the population load): which LEA, when, how much."""

    id = peewee.AutoField()
    lea = peewee.CharField(max_length=7)
    kind = peewee.CharField(max_length=16)
    file_name = peewee.CharField(max_length=255, default="")
    posted_at = UtcDateTimeField()
    records = peewee.IntegerField(default=0)
    new_ssids = peewee.IntegerField(default=0)

    class Meta:
        table_name = "sandbox_posting"


class SandboxCounter(_SandboxModel):
    """Named counters; ``ssid`` is the sequence new SSIDs are issued from."""

    name = peewee.CharField(max_length=32, primary_key=True)
    value = peewee.BigIntegerField()

    class Meta:
        table_name = "sandbox_counter"


SANDBOX_TABLES: tuple[type[peewee.Model], ...] = (
    StateStudent,
    StateEnrollment,
    StateLanguage,
    StateDisability,
    SandboxPosting,
    SandboxCounter,
)


def _columns(model: type[peewee.Model]) -> tuple[str, ...]:
    return tuple(f.column_name for f in model._meta.sorted_fields if not isinstance(f, peewee.AutoField))


STUDENT_COLUMNS = _columns(StateStudent)
"""Column order of rows handed to :func:`bulk_insert` for :class:`StateStudent`."""

ENROLLMENT_COLUMNS = _columns(StateEnrollment)
"""Column order of rows handed to :func:`bulk_insert` for :class:`StateEnrollment` (no ``id``)."""


@contextmanager
def open_sandbox(url: str) -> Iterator[peewee.Database]:
    """Bind :data:`sandbox_db` to ``url`` for the duration, creating the tables if needed.

    URLs as for the district database (:func:`store.database.open_database`); a bad URL raises
    :class:`store.errors.StoreError`.
    """
    database = open_database(url, bind=False)
    sandbox_db.initialize(database)
    database.connect(reuse_if_open=True)
    try:
        database.create_tables(SANDBOX_TABLES, safe=True)
        yield database
    finally:
        database.close()


def reset_sandbox() -> None:
    """Drop and recreate every sandbox table (a new population replaces the old one)."""
    sandbox_db.drop_tables(SANDBOX_TABLES, safe=True)
    sandbox_db.create_tables(SANDBOX_TABLES, safe=True)


def _quoted(database: peewee.Database, name: str) -> str:
    quote = database.quote  # two characters: opening and closing quote
    return f"{quote[0]}{name}{quote[1]}"


def bulk_insert(model: type[peewee.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], chunk: int = 5000) -> int:
    """Insert ``rows`` (values in ``columns`` order) with one prepared statement, chunk by chunk.

    Far faster than building an ``INSERT ... VALUES`` string per chunk at the scale of a
    600,000-student population; dates are passed as :class:`datetime.date` values.
    """
    database = sandbox_db.obj
    if database is None:
        raise RuntimeError("the sandbox database is not open")
    table = model._meta.table_name
    placeholders = ", ".join([database.param] * len(columns))
    quoted = ", ".join(_quoted(database, column) for column in columns)
    sql = f"INSERT INTO {_quoted(database, table)} ({quoted}) VALUES ({placeholders})"
    count = 0
    iterator = iter(rows)
    cursor = database.cursor()
    while batch := list(islice(iterator, chunk)):
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


def tuples(query: "peewee.ModelSelect[Any]") -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as plain tuples (field converters applied), typed for mypy."""
    return iter(cast(Iterable[tuple[Any, ...]], query.tuples()))
