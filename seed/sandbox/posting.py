"""Posting an SENR file to the CALPADS sandbox — a SIMULATOR for demos and tests, not CALPADS.

As CALPADS has done since 2022, one bad record refuses the whole file: the file is first
pre-validated (:func:`domain.validation.validate_senr`; warnings are posted), then applied in one
transaction that is rolled back when any record cannot be applied (an unknown or retired SSID, a
delete or replace of an enrollment CALPADS does not hold).

Applying a record:

- an SSID given: the enrollment is recorded under it;
- SSID blank: a new SSID is issued (one per local student id of the file, from the sandbox's
  sequence) with the record's demographics — which is how MIDs are born;
- transaction ``A`` or blank adds the enrollment keyed by SSID, school and start date (or
  overwrites the one with that key); ``R`` replaces an existing one; ``D`` deletes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.readers import open_senr
from domain.records import SenrRecord
from domain.validation import errors_of, warnings_of
from domain.values import parse_calpads_date
from seed.sandbox.errors import PostingRefused
from seed.sandbox.files import chunks
from seed.sandbox.models import (
    ENROLLMENT_COLUMNS,
    FIRST_NEW_SSID,
    STUDENT_COLUMNS,
    SandboxCounter,
    SandboxPosting,
    StateEnrollment,
    StateStudent,
    bulk_insert,
    open_sandbox,
    tuples,
)
from seed.sandbox.prevalidation import prevalidate, submitting_lea
from seed.sandbox.scoring import blocking_keys
from store.database import utc_now

__all__ = ["PostSummary", "post_file"]

_CHUNK = 1000

_Key = tuple[str, str, dt.date]  # SSID, school, start date: how CALPADS tells enrollments apart


@dataclass(frozen=True, slots=True)
class PostSummary:
    """What ``sandbox post`` reports: records posted, SSIDs issued, errors (0), warnings accepted."""

    posted: int
    new_ssids: int
    errors: int = 0
    warnings: int = 0


def post_file(sandbox_url: str, senr_file: Path, *, today: dt.date) -> PostSummary:
    """Validate and post the SENR file ``senr_file`` as of ``today``; all of it or, on any error, none.

    Raises :class:`PostingRefused` listing every error (nothing changed), or
    :class:`domain.errors.FileProblem` for a file that is not SENR.
    """
    parsed = open_senr(senr_file)
    first = next(iter(parsed), None)
    if first is None:
        raise PostingRefused(parsed.name, ["the file holds no records"])
    with open_sandbox(sandbox_url):
        violations = prevalidate(parsed, lea=submitting_lea(first), today=today)
    errors = errors_of(violations)
    if errors:
        raise PostingRefused(parsed.name, [str(v) for v in errors])
    with open_sandbox(sandbox_url) as database, database.atomic():
        poster = _Poster(today)
        for chunk in chunks(enumerate(parsed, start=1), _CHUNK):
            poster.post(chunk)
        if poster.problems:
            raise PostingRefused(parsed.name, poster.problems)
        poster.finish(first.reporting_lea, parsed.name)
    return PostSummary(poster.posted, poster.issued, 0, len(warnings_of(violations)))


def _problem(number: int, record: SenrRecord, field_number: int, field_name: str, message: str) -> str:
    return f"record {number}, student {record.local_student_id}, field {field_number} ({field_name}): {message}"


def _enrollment_row(record: SenrRecord, ssid: str, uploaded: str, today: str) -> tuple[Any, ...]:
    start = parse_calpads_date(record.enroll_start)
    exit_date = parse_calpads_date(record.exit_date)
    return (
        ssid, record.reporting_lea, record.school, record.school_nps, record.academic_year, record.local_record_id,
        record.local_student_id, record.grade, record.enroll_status, start.isoformat() if start else None,
        exit_date.isoformat() if exit_date else None, record.exit_reason, record.completion_status,
        record.expected_receiver_school, record.met_uc_csu, record.transfer_code, record.district_of_residence,
        record.golden_state_seal, record.seal_of_biliteracy, record.adult_swd_transition, record.graduation_exemption,
        uploaded, today,
    )  # fmt: skip


@dataclass
class _Poster:
    """Applies the records of one file chunk by chunk, collecting every problem."""

    today: dt.date
    problems: list[str] = field(default_factory=list)
    posted: int = 0
    issued: int = 0
    new_ssid_of: dict[str, str] = field(default_factory=dict)  # local student id -> SSID issued by this file
    next_ssid: int = field(init=False)

    def __post_init__(self) -> None:
        counter = SandboxCounter.get_or_none(SandboxCounter.name == "ssid")
        self.next_ssid = int(counter.value) if counter is not None else FIRST_NEW_SSID

    def post(self, chunk: list[tuple[int, SenrRecord]]) -> None:
        resolved = self._resolve_ssids(chunk)
        live: dict[_Key, tuple[int | None, str]] = {}  # key -> (row id, or None when pending; uploaded date)
        query = StateEnrollment.select(StateEnrollment.id, StateEnrollment.ssid, StateEnrollment.school,
                                       StateEnrollment.start, StateEnrollment.uploaded)  # fmt: skip
        for ssids in chunks(sorted({ssid for _, _, ssid in resolved}), _CHUNK):
            for row_id, ssid, school, start, uploaded in tuples(query.where(StateEnrollment.ssid.in_(ssids))):
                live[(ssid, school, start)] = (row_id, uploaded.isoformat())
        deleted: list[int] = []
        pending: dict[_Key, tuple[Any, ...]] = {}
        today = self.today.isoformat()
        for number, record, ssid in resolved:
            start = parse_calpads_date(record.enroll_start)
            assert start is not None  # validation requires it
            key = (ssid, record.school, start)
            kind = record.transaction_type.strip() or "A"
            held = live.get(key)
            if kind in ("D", "R") and held is None:
                what = "delete" if kind == "D" else "replace"
                self.problems.append(_problem(number, record, 22, "Enrollment Start Date", f"no enrollment at this school with this start date to {what}"))
                continue
            if held is not None and held[0] is not None:
                deleted.append(held[0])
            if kind == "D":
                del live[key]
                pending.pop(key, None)
            else:
                uploaded = held[1] if held is not None else today
                live[key] = (None, uploaded)
                pending[key] = _enrollment_row(record, ssid, uploaded, today)
            self.posted += 1
        for ids in chunks(deleted, _CHUNK):
            StateEnrollment.delete().where(StateEnrollment.id.in_(ids)).execute()
        bulk_insert(StateEnrollment, ENROLLMENT_COLUMNS, pending.values())

    def _resolve_ssids(self, chunk: list[tuple[int, SenrRecord]]) -> list[tuple[int, SenrRecord, str]]:
        """Each record with the SSID it posts under; problems for unknown and retired SSIDs; new SSIDs issued."""
        given = sorted({record.ssid for _, record in chunk if record.ssid})
        status: dict[str, str | None] = dict(
            tuples(StateStudent.select(StateStudent.ssid, StateStudent.replaced_by).where(StateStudent.ssid.in_(given)))
        ) if given else {}  # fmt: skip
        resolved: list[tuple[int, SenrRecord, str]] = []
        new_students: list[tuple[Any, ...]] = []
        for number, record in chunk:
            ssid = record.ssid
            if ssid and ssid not in status:
                self.problems.append(_problem(number, record, 8, "SSID", "is not an SSID CALPADS holds"))
                continue
            if ssid and status[ssid] is not None:
                self.problems.append(_problem(number, record, 8, "SSID", "was retired in a MID merge; send its replacement SSID"))
                continue
            if not ssid:
                ssid = self.new_ssid_of.get(record.local_student_id, "")
                if not ssid:
                    ssid = self._issue(record)
                    new_students.append(self._new_student(record, ssid))
            resolved.append((number, record, ssid))
        bulk_insert(StateStudent, STUDENT_COLUMNS, new_students)
        return resolved

    def _issue(self, record: SenrRecord) -> str:
        ssid = f"{self.next_ssid:010d}"
        self.next_ssid += 1
        self.issued += 1
        self.new_ssid_of[record.local_student_id] = ssid
        return ssid

    def _new_student(self, record: SenrRecord, ssid: str) -> tuple[Any, ...]:
        birth = parse_calpads_date(record.birth_date)
        assert birth is not None  # validation requires it
        name_key, year_key = blocking_keys(record.legal_last, record.legal_first, birth)
        return (
            ssid, record.legal_first, record.legal_middle, record.legal_last, record.suffix, birth.isoformat(),
            record.gender, record.birth_city, record.birth_state, record.birth_country, self.today.isoformat(),
            None, None, name_key, year_key,
        )  # fmt: skip

    def finish(self, lea: str, file_name: str) -> None:
        """Advance the SSID sequence and record the posting."""
        counter = SandboxCounter.get_or_none(SandboxCounter.name == "ssid")
        if counter is None:
            SandboxCounter.insert(name="ssid", value=self.next_ssid).execute()
        else:
            SandboxCounter.update(value=self.next_ssid).where(SandboxCounter.name == "ssid").execute()
        SandboxPosting.insert(
            lea=lea, kind="senr", file_name=file_name, posted_at=utc_now(), records=self.posted, new_ssids=self.issued
        ).execute()
