"""The CALPADS sandbox's extracts — a SIMULATOR for demos and tests, not CALPADS.

Each file is ordinary CALPADS format, written by :mod:`domain.writers`:

- SSID Extract (16 columns): students currently enrolled in the LEA (an open enrollment that
  has started), one line each (primary enrollment first, then the latest start), with ELAS and
  SWD; a retired SSID never appears, its enrollments live under the active SSID.
- Replacement SSIDs Extract (5 columns): SSIDs retired since a date (default: the start of the
  academic year) whose replacement has an enrollment in the LEA, with the last school and local id.
- SENR ODS download (37 columns, ``SENR-R``): every enrollment in the LEA starting from July 1
  ten years back through today.

Rows are read page by page (keyset pagination) and dates converted by hand, so a 600,000-student
extract or a multi-million-line ODS file streams in flat memory on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

import peewee

from domain.records import ExtractRow, OdsSenrRecord, ReplacementRow, SenrRecord
from domain.values import AcademicYear, CdsCode, LocalId, Ssid
from domain.writers import write_ods_senr, write_replacements, write_ssid_extract
from seed.sandbox.errors import SandboxError
from seed.sandbox.files import replace_atomically, timestamped_name
from seed.sandbox.history import ods_first_year
from seed.sandbox.models import (
    SandboxPosting,
    StateDisability,
    StateEnrollment,
    StateLanguage,
    StateStudent,
    open_sandbox,
    sandbox_db,
)

__all__ = [
    "ExtractSummary",
    "current_rows",
    "write_extract",
    "write_replacement_extract",
    "write_ods_download",
    "reporting_lea",
]

_PAGE = 20_000
E, S, L, D = StateEnrollment, StateStudent, StateLanguage, StateDisability


@dataclass(frozen=True, slots=True)
class ExtractSummary:
    """A file the sandbox wrote and how many records it holds."""

    file: Path
    records: int


def reporting_lea(lea: str | None) -> str:
    """``lea`` if given, else the LEA that posted to the sandbox most recently (the demo LEA after seeding)."""
    if lea:
        return lea
    latest = SandboxPosting.select(SandboxPosting.lea).order_by(SandboxPosting.id.desc()).first()
    if latest is None:
        raise SandboxError("the sandbox holds no LEA yet: load the demo (ssid seed demo) or post an SENR file first")
    return str(latest.lea)


def _date(value: Any) -> dt.date | None:
    """A date as the driver returns it: ISO text from SQLite, a ``date`` from PostgreSQL."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))


def _calpads(value: Any) -> str:
    """A date column as ``CCYYMMDD`` text, straight from the driver's value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:4] + value[5:7] + value[8:10]
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _preference(row: tuple[Any, ...]) -> tuple[bool, int, int]:
    """Sort key among one student's open enrollments (columns ssid, status, start, id): primary, latest, first posted."""
    start = _date(row[2])
    return row[1] != "10", -(start.toordinal() if start else 0), row[3]


def _paged(query: Callable[[Any], peewee.ModelSelect[Any]], first_key: Any) -> Iterator[tuple[Any, ...]]:
    """Raw rows of ``query(after)`` page by page; column 0 is the ordering key (rows of one key stay together)."""
    after = first_key
    while True:
        rows = list(sandbox_db.execute(query(after).limit(_PAGE)))
        if len(rows) < _PAGE:
            yield from rows
            return
        last = rows[-1][0]
        complete = [row for row in rows if row[0] != last] or rows
        yield from complete
        after = complete[-1][0]


def current_rows(code: str, today: dt.date) -> Iterator[ExtractRow]:
    """The SSID Extract's rows of LEA ``code`` as of ``today``: one per student currently enrolled
    (the primary enrollment if open, else the latest start), in SSID order (inside an open sandbox)."""

    def page(after: str) -> peewee.ModelSelect[StateEnrollment]:
        return (
            E.select(
                E.ssid, E.status, E.start, E.id, E.school, E.local_id, E.grade, S.legal_last, S.legal_first,
                S.legal_middle, S.gender, S.birth_date, S.created, L.elas, L.elas_start, L.primary_language, D.swd,
            )
            .join(S, on=(S.ssid == E.ssid))
            .switch(E).join(L, peewee.JOIN.LEFT_OUTER, on=(L.ssid == E.ssid))
            .switch(E).join(D, peewee.JOIN.LEFT_OUTER, on=(D.ssid == E.ssid))
            .where((E.lea == code) & (E.ssid > after) & (E.start <= today) & (E.exit_date.is_null() | (E.exit_date >= today)))
            .order_by(E.ssid)
        )  # fmt: skip

    for line, (ssid, group) in enumerate(groupby(_paged(page, ""), key=itemgetter(0)), start=1):
        best = min(group, key=_preference)
        (_, _, start, _, school, local_id, grade, last, first, middle, gender, birth, created,
         elas, elas_start, language, swd) = best  # fmt: skip
        yield ExtractRow(
            line, CdsCode(code), CdsCode(school), Ssid(ssid), LocalId(local_id), last, first, middle, gender,
            _date(birth), _date(start), grade, elas or None, _date(elas_start), language or None,
            _date(created), swd or None,
        )  # fmt: skip


def write_extract(sandbox_url: str, out_dir: Path, *, today: dt.date, now: dt.datetime, lea: str | None = None) -> ExtractSummary:
    """Write the SSID Extract of ``lea`` (default :func:`reporting_lea`) as of ``today`` into ``out_dir``."""
    with open_sandbox(sandbox_url):
        code = reporting_lea(lea)
        target = out_dir.resolve() / timestamped_name("SSIDExtract", code, now)
        with replace_atomically(target) as out:
            count = write_ssid_extract(current_rows(code, today), out)
    return ExtractSummary(target, count)


def write_replacement_extract(
    sandbox_url: str, out_dir: Path, *, today: dt.date, now: dt.datetime, lea: str | None = None, since: dt.date | None = None
) -> ExtractSummary:
    """Write the Replacement SSIDs Extract of ``lea``: SSIDs retired on or after ``since`` (default: this academic year's July 1)."""
    first_day = since or AcademicYear.containing(today).first_day
    with open_sandbox(sandbox_url):
        code = reporting_lea(lea)
        retired = S.alias("retired")
        query = (
            retired.select(retired.ssid, retired.replaced_by, E.school, E.local_id)
            .join(E, on=(E.ssid == retired.replaced_by))
            .where(retired.replaced_by.is_null(False) & (retired.retired_on >= first_day) & (E.lea == code))
            .order_by(retired.ssid, E.start.desc())
        )

        def rows() -> Iterator[ReplacementRow]:
            line, previous = 0, None
            for old, new, school, local_id in sandbox_db.execute(query):
                if old == previous:
                    continue  # the last known school and local id only
                previous, line = old, line + 1
                yield ReplacementRow(line, CdsCode(code), CdsCode(school), LocalId(local_id), Ssid(old), Ssid(new))

        target = out_dir.resolve() / timestamped_name("ReplacementSSIDExtract", code, now)
        with replace_atomically(target) as out:
            count = write_replacements(rows(), out)
    return ExtractSummary(target, count)


def _unindexed(field: peewee.Field[Any]) -> Any:
    """``field`` as SQLite's planner may not use an index for (``+field``): a page ordered by id
    must walk the ids, not sort the whole download for every page (quadratic at 600,000 students)."""
    database = sandbox_db.obj if isinstance(sandbox_db, peewee.DatabaseProxy) else sandbox_db
    return peewee.NodeList((peewee.SQL("+"), field), glue="") if isinstance(database, peewee.SqliteDatabase) else field


def write_ods_download(
    sandbox_url: str, out_dir: Path, *, today: dt.date, now: dt.datetime, lea: str | None = None
) -> ExtractSummary:
    """Write the SENR ODS download of ``lea``: every enrollment starting July 1 ten years back through ``today``."""
    window = ods_first_year(today).first_day
    with open_sandbox(sandbox_url):
        code = reporting_lea(lea)

        def page(after: int) -> peewee.ModelSelect[StateEnrollment]:
            return (
                E.select(
                    E.id, E.local_record_id, E.school, E.school_nps, E.academic_year, E.ssid, E.local_id,
                    S.legal_first, S.legal_middle, S.legal_last, S.suffix, S.birth_date, S.gender, S.birth_city,
                    S.birth_state, S.birth_country, E.start, E.status, E.grade, E.exit_date, E.exit_reason,
                    E.completion_status, E.expected_receiver_school, E.met_uc_csu, E.transfer_code,
                    E.district_of_residence, E.golden_state_seal, E.seal_of_biliteracy, E.adult_swd_transition,
                    E.graduation_exemption, E.uploaded, E.updated,
                )
                .join(S, on=(S.ssid == E.ssid))
                .where((_unindexed(E.lea) == code) & (_unindexed(E.start) >= window) & (_unindexed(E.start) <= today)
                       & (E.id > after))
                .order_by(E.id)
            )  # fmt: skip

        def records() -> Iterator[OdsSenrRecord]:
            for (_, record_id, school, nps, year, ssid, local_id, first, middle, last, suffix, birth, gender, city,
                 state, country, start, status, grade, exit_date, reason, completion, receiver, uc_csu, transfer,
                 residence, golden, biliteracy, adult, exemption, uploaded, updated) in _paged(page, 0):  # fmt: skip
                yield OdsSenrRecord(
                    SenrRecord(
                        "SENR-R", "", record_id, code, school, nps, year, ssid, local_id, first, middle, last, suffix,
                        "", "", "", _calpads(birth), gender, city, state, country, _calpads(start), status, grade,
                        _calpads(exit_date), reason, completion, receiver, uc_csu, transfer, residence, golden,
                        biliteracy, adult, exemption,
                    ),
                    _calpads(uploaded),
                    _calpads(updated),
                )  # fmt: skip

        target = out_dir.resolve() / timestamped_name("SENR_ODS", code, now)
        with replace_atomically(target) as out:
            count = write_ods_senr(records(), out)
    return ExtractSummary(target, count)
