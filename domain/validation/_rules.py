"""Cross-field SENR rules of calpads-files.md §3 and the conditional fields of §2, one record at a time.

A rule stays silent when a field it reads was already reported by a field check (see
:mod:`domain.validation._fields`): one mistake, one message.

Decisions taken here (where the public documentation leaves room):

- Conditional fields that must be present: the blank field is reported as GERR0001 (exit date
  without exit reason and the reverse, completion status with ``E230``, expected receiver school
  with ``T165``, UC/CSU indicator with completion ``100``, district of residence with a transfer
  code). Where CALPADS publishes a rule for the condition, its code is used instead (SENR0003/0004
  for NPS, SENR0630/0632 for the graduation exemption indicator).
- IVR0012 measures the age in whole years on the enrollment start date (the record's own point in
  time, so an old enrollment does not start warning years later); with no usable start date, on
  ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from domain.codes import birth_state_valid_for_country
from domain.records import SenrRecord
from domain.validation._fields import make_violation, read_date
from domain.validation._result import Severity, Violation
from domain.values import NPS_SCHOOL, AcademicYear, CdsCode

__all__ = ["RecordView", "RULES", "check_rules", "age_on", "academic_year_or_none"]

_GRADUATED = "100"
_COMPLETER_EXIT = "E230"
_NON_PRIMARY_EXIT = "E170"
_NO_SHOW_OTHER = "N470"
_DISCIPLINARY_TRANSFER = "T165"
_SECONDARY_EXITS = frozenset({"", _NON_PRIMARY_EXIT})
_NON_ADA_EXITS = frozenset({"", _NON_PRIMARY_EXIT, _NO_SHOW_OTHER, "E150"})
_GRADUATION_EXEMPTION_FROM = dt.date(2023, 7, 1)


@dataclass(frozen=True, slots=True)
class RecordView:
    """A record with its well-formed dates parsed and the fields already reported."""

    record: SenrRecord
    bad: frozenset[int]
    lea: CdsCode
    current_year: AcademicYear
    today: dt.date
    year: AcademicYear | None
    birth: dt.date | None
    start: dt.date | None
    exit: dt.date | None

    @classmethod
    def of(
        cls,
        record: SenrRecord,
        bad: frozenset[int],
        *,
        year: AcademicYear | None,
        lea: CdsCode,
        current_year: AcademicYear,
        today: dt.date,
    ) -> RecordView:
        """The view of ``record`` whose own academic year is ``year`` (``None`` when malformed)."""
        return cls(
            record,
            bad,
            lea,
            current_year,
            today,
            year,
            _date(record.birth_date, 17, bad),
            _date(record.enroll_start, 22, bad),
            _date(record.exit_date, 25, bad),
        )

    def ok(self, *numbers: int) -> bool:
        """Whether none of the fields ``numbers`` was already reported."""
        return not self.bad or self.bad.isdisjoint(numbers)


def _date(text: str, number: int, bad: frozenset[int]) -> dt.date | None:
    read = read_date(text)
    return None if number in bad or isinstance(read, str) else read


def _academic_year_or_none(text: str) -> AcademicYear | None:
    """``CCYY-CCYY`` parsed, or ``None`` when it is not a well-formed academic year."""
    try:
        return AcademicYear.parse(text)
    except ValueError:
        return None


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
academic_year_or_none = lru_cache(maxsize=64)(_academic_year_or_none)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (negative when ``day`` is before ``birth``)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


Rule = Callable[[RecordView], Iterator[Violation]]


def _v(view: RecordView, rule: str, number: int, message: str, severity: Severity = Severity.ERROR) -> Violation:
    return make_violation(rule, number, view.record.local_student_id, message, severity)


def _reporting_lea(view: RecordView) -> Iterator[Violation]:
    if view.ok(4) and view.record.reporting_lea and view.record.reporting_lea != view.lea:
        yield _v(view, "SENR0001", 4, f"Reporting LEA is not the configured LEA {view.lea}")


def _nps(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if not view.ok(5, 6) or r.school == "":
        return
    if r.school_nps and r.school != NPS_SCHOOL:
        yield _v(view, "SENR0003", 6, f"an NPS code is only for School of Attendance {NPS_SCHOOL}")
    if r.school == NPS_SCHOOL and r.school_nps == "":
        yield _v(view, "SENR0004", 6, f"School of Attendance {NPS_SCHOOL} needs the NPS school code")


def _academic_year(view: RecordView) -> Iterator[Violation]:
    text = view.record.academic_year
    if not view.ok(7) or text == "":
        return
    if view.year is None:
        yield _v(view, "SENR0006", 7, "academic year must be CCYY-CCYY with consecutive years")
    elif view.year.start_year > view.current_year.start_year + 1:
        yield _v(view, "SENR0006", 7, f"academic year {text} is more than one year after {view.current_year.code}")
    elif view.start is not None and not view.year.contains(view.start):
        yield _v(view, "SENR0742", 7, f"academic year {text} does not contain the enrollment start date")


def _exit_pair(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if not view.ok(25, 26):
        return
    if r.exit_reason and r.exit_date == "":
        yield _v(view, "GERR0001", 25, "an exit reason needs an exit date")
    if r.exit_date and r.exit_reason == "":
        yield _v(view, "GERR0001", 26, "an exit date needs an exit reason")


def _exit_before_start(view: RecordView) -> Iterator[Violation]:
    start, exit_ = view.start, view.exit
    if start is None or exit_ is None or exit_ >= start:
        return
    if view.record.exit_reason == _NO_SHOW_OTHER and view.ok(26) and exit_ == start - dt.timedelta(days=1):
        return
    yield _v(view, "SENR0018", 25, "exit date is before the enrollment start date")


def _completion(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if not view.ok(26, 27):
        return
    if r.exit_reason == _COMPLETER_EXIT and r.completion_status == "":
        yield _v(view, "GERR0001", 27, f"exit reason {_COMPLETER_EXIT} needs a completion status")
    elif r.completion_status and r.exit_reason != _COMPLETER_EXIT:
        if r.completion_status == _GRADUATED:
            yield _v(view, "SENR0175", 26, f"completion status {_GRADUATED} needs exit reason {_COMPLETER_EXIT}")
        else:
            yield _v(view, "SENR0022", 27, f"a completion status goes only with exit reason {_COMPLETER_EXIT}")


def _ssid_for_change(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if view.ok(2, 8) and r.transaction_type in ("D", "R") and r.ssid == "":
        yield _v(view, "SENR0032", 8, f"transaction {r.transaction_type} needs an SSID")


def _birth_place(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if view.ok(20, 21) and r.birth_state and not birth_state_valid_for_country(r.birth_state, r.birth_country):
        yield _v(
            view,
            "SENR0036",
            20,
            f"birth state/province {r.birth_state!r} is not valid for birth country {r.birth_country!r}",
        )


def _replace_outside_year(view: RecordView) -> Iterator[Violation]:
    if view.ok(2) and view.record.transaction_type == "R" and view.start is not None:
        if not view.current_year.contains(view.start):
            yield _v(
                view,
                "SENR0167",
                2,
                f"replace (R) only for a start date in {view.current_year.code}; send D then A instead",
            )


def _status_exit(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if not view.ok(23, 26):
        return
    if r.enroll_status == "20" and r.exit_reason not in _SECONDARY_EXITS:
        yield _v(view, "SENR0302", 26, f"status 20 exits only with {_NON_PRIMARY_EXIT} or none")
    if r.enroll_status == "50" and r.exit_reason not in _NON_ADA_EXITS:
        yield _v(view, "SENR0522", 26, "status 50 exits only with E170, N470, E150 or none")
    if r.exit_reason == _NON_PRIMARY_EXIT and r.enroll_status not in ("20", "50"):
        yield _v(view, "SENR0523", 23, f"exit reason {_NON_PRIMARY_EXIT} needs status 20 or 50")


def _seals(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if not view.ok(27):
        return
    for number, value, rule in ((32, r.golden_state_seal, "SENR0315"), (33, r.seal_of_biliteracy, "SENR0316")):
        if view.ok(number) and value == "Y" and r.completion_status != _GRADUATED:
            yield _v(view, rule, number, f"indicator Y needs completion status {_GRADUATED}")


def _graduation_fields(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if not view.ok(27):
        return
    graduated = r.completion_status == _GRADUATED
    if view.ok(35):
        if r.graduation_exemption and not graduated:
            yield _v(view, "SENR0630", 35, f"indicator goes only with completion status {_GRADUATED}")
        if graduated and r.graduation_exemption == "" and view.exit is not None:
            if view.exit >= _GRADUATION_EXEMPTION_FROM:
                yield _v(view, "SENR0632", 35, "a graduate exiting after 2023-06-30 needs this indicator")
    if view.ok(29) and graduated and r.met_uc_csu == "":
        yield _v(view, "GERR0001", 29, f"completion status {_GRADUATED} needs this indicator")


def _transfer_fields(view: RecordView) -> Iterator[Violation]:
    r = view.record
    if view.ok(26, 28) and r.exit_reason == _DISCIPLINARY_TRANSFER and r.expected_receiver_school == "":
        yield _v(view, "GERR0001", 28, f"exit reason {_DISCIPLINARY_TRANSFER} needs the expected receiver school")
    if view.ok(30, 31) and r.transfer_code and r.district_of_residence == "":
        yield _v(view, "GERR0001", 31, "a transfer code needs the district of geographic residence")


def _birth_and_age(view: RecordView) -> Iterator[Violation]:
    birth = view.birth
    if birth is None:
        return
    if birth > view.today:
        yield _v(view, "IVR0668", 17, "birth date is after today")
        return
    if not view.ok(24):
        return
    when = "at enrollment start" if view.start is not None else "today"
    age = age_on(birth, view.start or view.today)
    if view.record.grade == "AD":
        if not 16 <= age < 80:
            yield _v(view, "IVR0012", 17, f"age {age} {when} is outside 16-79 for grade AD", Severity.WARNING)
    elif not 0 < age <= 22:
        yield _v(view, "IVR0012", 17, f"age {age} {when} is outside 1-22", Severity.WARNING)


RULES: tuple[Rule, ...] = (
    _reporting_lea,
    _nps,
    _academic_year,
    _ssid_for_change,
    _replace_outside_year,
    _birth_and_age,
    _birth_place,
    _status_exit,
    _exit_pair,
    _exit_before_start,
    _completion,
    _transfer_fields,
    _graduation_fields,
    _seals,
)
"""Every single-record cross-field rule, in field order of the first field each reports."""


def check_rules(view: RecordView) -> list[Violation]:
    """Cross-field violations of one record."""
    return [violation for rule in RULES for violation in rule(view)]
