"""Does a match result row answer the request record it names? (product.md, ``load_results``)

CALPADS' SSID Matching Tool echoes what it was sent in the ``Submitted_…`` columns. A row whose
echo differs from the run's own request record (another run's file, a file edited by hand, a
student renamed since) is no answer to this request: comparing the echo field by field, case and
surrounding spaces aside, binds the file to the request by content, whatever its name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter

from domain.records import MatchResultRow, SenrRecord
from domain.values import LocalId

__all__ = ["EchoField", "ECHOED_FIELDS", "echo_difference", "first_unanswered"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EchoField:
    """A ``Submitted_…`` column of the result file (its number and name) and how to read both sides."""

    number: int
    column: str
    echoed: Callable[[MatchResultRow], str]
    sent: Callable[[SenrRecord], str]


ECHOED_FIELDS: tuple[EchoField, ...] = (
    EchoField(number=1, column="Submitted_SENR_ReportingLEA", echoed=lambda r: r.reporting_lea, sent=lambda s: s.reporting_lea),
    EchoField(number=2, column="Submitted_SENR_SchoolofAttendance", echoed=lambda r: r.school, sent=lambda s: s.school),
    EchoField(number=4, column="Submitted_SENR_LocalID", echoed=lambda r: r.local_id, sent=lambda s: s.local_student_id),
    EchoField(number=5, column="Submitted_SENR_Student_LegalLastName", echoed=lambda r: r.legal_last, sent=lambda s: s.legal_last),
    EchoField(number=6, column="Submitted_SENR_Student_LegalFirstName", echoed=lambda r: r.legal_first, sent=lambda s: s.legal_first),
    EchoField(
        number=7, column="Submitted_SENR_Student_LegalMiddleName", echoed=lambda r: r.legal_middle, sent=lambda s: s.legal_middle
    ),
    EchoField(number=12, column="Submitted_SENR_Gender", echoed=lambda r: r.gender, sent=lambda s: s.gender),
    EchoField(
        number=13, column="Submitted_SENR_BirthDate",
        echoed=lambda r: r.birth_date.strftime("%Y%m%d") if r.birth_date else "", sent=lambda s: s.birth_date,
    ),
)
"""The submitted values a result row echoes, in column order."""


def _same(echoed: str, sent: str) -> bool:
    return echoed.strip().casefold() == sent.strip().casefold()


def echo_difference(row: MatchResultRow, sent: SenrRecord) -> EchoField | None:
    """The first submitted column in which ``row`` does not echo ``sent`` (``None``: it echoes it)."""
    return next((f for f in ECHOED_FIELDS if not _same(f.echoed(row), f.sent(sent))), None)


_ECHOED = attrgetter("reporting_lea", "school", "local_id", "legal_last", "legal_first", "legal_middle", "gender", "birth_date")
"""What a row echoes, as read: the values :data:`ECHOED_FIELDS` compare."""


def first_unanswered(
    rows: Iterable[MatchResultRow], sent: Mapping[LocalId, SenrRecord]
) -> tuple[MatchResultRow, EchoField | None] | None:
    """The first of ``rows`` that is no answer to ``sent`` (the request records by local id), with
    the first column it echoes differently (``None``: its student was not sent); ``None`` when
    every row answers.

    A student's candidate rows usually echo the same values: those are compared once.
    """
    answering: set[tuple[object, ...]] = set()
    for row in rows:
        record = sent.get(row.local_id)
        if record is None:
            return row, None
        echoed = _ECHOED(row)
        if echoed in answering:
            continue
        differs = echo_difference(row, record)
        if differs is not None:
            return row, differs
        answering.add(echoed)
    return None
