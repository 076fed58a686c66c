"""Reading students: rows ↔ :class:`domain.model.Student`, loaded in bulk with few queries.

A student and everything recorded about them (enrollments, language status, special education,
guardians, addresses) are read a chunk of students at a time: one query for the students, one
per related table with ``student_id IN (...)``. Six queries per 2,000 students, whatever the size
of the district, and memory bounded by one chunk when streaming.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import peewee

from domain import model as dm
from domain.values import LocalId, Ssid
from store.bulk import chunked, in_list, raw_rows, tuples
from store.tables import AddressRow, EnrollmentRow, GuardianRow, LanguageStatusRow, SpecialEducationRow, StudentRow

__all__ = [
    "StudentIdentity",
    "student_from_row",
    "student_columns",
    "split_tags",
    "join_tags",
    "iter_students",
    "students_by_local_id",
    "students_without_ssid",
    "student_by_local_id",
    "local_identities",
    "count_students",
]

_CHUNK = 2000


def split_tags(text: str) -> frozenset[str]:
    """``"foster,newcomer"`` → ``{"foster", "newcomer"}``."""
    return frozenset(t for t in text.split(",") if t)


def join_tags(tags: Iterable[str]) -> str:
    """Tags as stored: sorted, comma-separated."""
    return ",".join(sorted(set(tags)))


def student_columns(student: dm.Student) -> dict[str, Any]:
    """The ``student`` table's columns for a domain student (without ``id``)."""
    alias = student.alias or dm.PersonName("", "", "")
    return {
        "local_id": student.local_id,
        "ssid": student.ssid,
        "old_state_id": student.old_state_id,
        "legal_first": student.legal.first,
        "legal_middle": student.legal.middle,
        "legal_last": student.legal.last,
        "suffix": student.suffix,
        "alias_first": alias.first,
        "alias_middle": alias.middle,
        "alias_last": alias.last,
        "birth_date": student.birth_date,
        "gender": student.gender,
        "birth_city": student.birth_city,
        "birth_state": student.birth_state,
        "birth_country": student.birth_country,
        "active": student.active,
        "tags": join_tags(student.tags),
    }


def _date(value: Any) -> dt.date | None:
    # Rows read with .tuples() skip the field's conversion; SQLite then gives text.
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class _StudentRow(NamedTuple):
    """A ``student`` row as read raw (:data:`_STUDENT_COLUMNS` in this order)."""

    id: int
    local_id: str
    ssid: str | None
    old_state_id: str | None
    legal_first: str
    legal_middle: str
    legal_last: str
    suffix: str
    alias_first: str
    alias_middle: str
    alias_last: str
    birth_date: Any
    gender: str
    birth_city: str
    birth_state: str
    birth_country: str
    active: Any
    tags: str


_STUDENT_COLUMNS = [getattr(StudentRow, name) for name in _StudentRow._fields]


def _student_rows(query: peewee.SelectBase) -> list[_StudentRow]:
    return [_StudentRow(*values) for values in raw_rows(query)]


def student_from_row(
    row: StudentRow | _StudentRow,
    enrollments: Sequence[dm.Enrollment] = (),
    language: dm.LanguageStatus | None = None,
    special_education: dm.SpecialEducation | None = None,
    guardians: Sequence[dm.Guardian] = (),
    addresses: Sequence[dm.Address] = (),
) -> dm.Student:
    """The domain student of a ``student`` row, with the related records given."""
    alias = None
    if row.alias_first or row.alias_middle or row.alias_last:
        alias = dm.PersonName(row.alias_first, row.alias_last, row.alias_middle)
    birth_date = _date(row.birth_date)
    assert birth_date is not None
    return dm.Student(
        local_id=LocalId(row.local_id),
        legal=dm.PersonName(row.legal_first, row.legal_last, row.legal_middle),
        birth_date=birth_date,
        gender=row.gender,
        suffix=row.suffix,
        alias=alias,
        birth_city=row.birth_city,
        birth_state=row.birth_state,
        birth_country=row.birth_country,
        ssid=Ssid(row.ssid) if row.ssid else None,
        old_state_id=Ssid(row.old_state_id) if row.old_state_id else None,
        active=bool(row.active),
        tags=split_tags(row.tags),
        enrollments=tuple(enrollments),
        language=language or dm.LanguageStatus(),
        special_education=special_education or dm.SpecialEducation(),
        guardians=tuple(guardians),
        addresses=tuple(addresses),
    )


def _related(rows: list[_StudentRow]) -> Iterator[dm.Student]:
    """Domain students for ``rows``, reading each related table once for the whole chunk."""
    if not rows:  # (a chunk of students the district does not hold yet: nothing to read)
        return
    ids = [r.id for r in rows]
    enrollments: dict[int, list[dm.Enrollment]] = defaultdict(list)
    query = raw_rows(
        EnrollmentRow.select(
            EnrollmentRow.student, EnrollmentRow.school, EnrollmentRow.grade, EnrollmentRow.start_date, EnrollmentRow.status,
            EnrollmentRow.exit_date, EnrollmentRow.exit_reason, EnrollmentRow.completion_status,
        )
        .where(in_list(EnrollmentRow.student, ids))
        .order_by(EnrollmentRow.student, EnrollmentRow.start_date, EnrollmentRow.id)
    )
    for sid, school, grade, start, status, exit_date, exit_reason, completion in query:
        start_date = _date(start)
        assert start_date is not None
        enrollments[sid].append(dm.Enrollment(school, grade, start_date, status, _date(exit_date), exit_reason, completion))
    languages = {
        sid: dm.LanguageStatus(elas, _date(start), language)
        for sid, elas, start, language in raw_rows(
            LanguageStatusRow.select(
                LanguageStatusRow.student, LanguageStatusRow.elas, LanguageStatusRow.elas_start, LanguageStatusRow.primary_language
            ).where(in_list(LanguageStatusRow.student, ids))
        )
    }
    special = {
        sid: dm.SpecialEducation(swd)
        for sid, swd in raw_rows(
            SpecialEducationRow.select(SpecialEducationRow.student, SpecialEducationRow.swd).where(in_list(SpecialEducationRow.student, ids))
        )
    }
    guardians: dict[int, list[dm.Guardian]] = defaultdict(list)
    for sid, first, last in raw_rows(
        GuardianRow.select(GuardianRow.student, GuardianRow.first, GuardianRow.last)
        .where(in_list(GuardianRow.student, ids))
        .order_by(GuardianRow.student, GuardianRow.position, GuardianRow.id)
    ):
        guardians[sid].append(dm.Guardian(first, last))
    addresses: dict[int, list[dm.Address]] = defaultdict(list)
    for sid, street, city, state, zip_code in raw_rows(
        AddressRow.select(AddressRow.student, AddressRow.street, AddressRow.city, AddressRow.state, AddressRow.zip)
        .where(in_list(AddressRow.student, ids))
        .order_by(AddressRow.student, AddressRow.position, AddressRow.id)
    ):
        addresses[sid].append(dm.Address(street, city, state, zip_code))
    for row in rows:
        yield student_from_row(
            row, enrollments[row.id], languages.get(row.id), special.get(row.id), guardians[row.id], addresses[row.id]
        )


def iter_students(where: peewee.Expression | None = None, *, chunk: int = _CHUNK) -> Iterator[dm.Student]:
    """Every student matching ``where`` (all by default), in ``id`` order, streamed chunk by chunk."""
    last_id = 0
    while True:
        query = StudentRow.select(*_STUDENT_COLUMNS).where(StudentRow.id > last_id)
        if where is not None:
            query = query.where(where)
        rows = _student_rows(query.order_by(StudentRow.id).limit(chunk))
        if not rows:
            return
        yield from _related(rows)
        last_id = rows[-1].id


def students_without_ssid() -> Iterator[dm.Student]:
    """Every student without an SSID (active or not): the candidates of an SSID request."""
    return iter_students(StudentRow.ssid.is_null())


def students_by_local_id(local_ids: Iterable[str]) -> dict[LocalId, dm.Student]:
    """The students with these local ids (unknown ids are simply absent)."""
    found: dict[LocalId, dm.Student] = {}
    for chunk in chunked(dict.fromkeys(local_ids), _CHUNK):
        rows = _student_rows(StudentRow.select(*_STUDENT_COLUMNS).where(in_list(StudentRow.local_id, chunk)).order_by(StudentRow.id))
        found.update((s.local_id, s) for s in _related(rows))
    return found


def student_by_local_id(local_id: str) -> dm.Student | None:
    """One student by local id, or ``None``."""
    return students_by_local_id([local_id]).get(LocalId(local_id))


@dataclass(frozen=True, slots=True)
class StudentIdentity:
    """What loading an extract needs to know of a local student, without the rest of the record."""

    student_id: int
    local_id: LocalId
    ssid: Ssid | None
    old_state_id: Ssid | None
    active: bool
    elas: str | None
    elas_start: dt.date | None
    swd: str | None


def local_identities(local_ids: Iterable[str] | None = None) -> dict[LocalId, StudentIdentity]:
    """Identity fields by local id — of the given students, or of everyone when ``None``."""
    base = (
        StudentRow.select(
            StudentRow.id, StudentRow.local_id, StudentRow.ssid, StudentRow.old_state_id, StudentRow.active,
            LanguageStatusRow.elas, LanguageStatusRow.elas_start, SpecialEducationRow.swd,
        )
        .join(LanguageStatusRow, peewee.JOIN.LEFT_OUTER, on=(LanguageStatusRow.student == StudentRow.id))
        .switch(StudentRow)
        .join(SpecialEducationRow, peewee.JOIN.LEFT_OUTER, on=(SpecialEducationRow.student == StudentRow.id))
    )
    queries: Iterable[peewee.SelectBase]
    if local_ids is None:
        queries = [base]
    else:
        queries = (base.where(in_list(StudentRow.local_id, chunk)) for chunk in chunked(dict.fromkeys(local_ids), _CHUNK))
    found: dict[LocalId, StudentIdentity] = {}
    for query in queries:
        for sid, local_id, ssid, old, active, elas, elas_start, swd in tuples(query):
            found[LocalId(local_id)] = StudentIdentity(
                sid, LocalId(local_id), Ssid(ssid) if ssid else None, Ssid(old) if old else None,
                bool(active), elas, _date(elas_start), swd,
            )
    return found


def count_students() -> int:
    """How many students the district has."""
    return int(StudentRow.select().count())
