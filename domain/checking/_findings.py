"""What the checker reports: one :class:`Finding` per problem, with its line, field and rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from domain.layouts import FieldKind, FieldSpec
from domain.validation import Severity
from domain.values import AcademicYear, CdsCode

__all__ = ["Finding", "CheckOptions", "CheckOutcome", "Rule", "field_rule"]


class Rule(str, Enum):
    """The checker's own rule names, for problems CALPADS gives no rule id of its own (a file it
    cannot parse at all is rejected whole). Field problems carry CALPADS' ids (FRMT…, GERR…, SENR…)."""

    READ = "READ"  # the file cannot be read: empty, binary, UTF-16, not a CALPADS file, not text
    LAYOUT = "LAYOUT"  # wrong field count, wrong record type, a value holding the delimiter
    DUPLICATE = "DUPLICATE"  # a line repeating an earlier line exactly
    LEA = "LEA"  # a Reporting LEA other than the district's (files without SENR's own SENR0001)
    MATCH = "MATCH"  # the match result's own consistency (blank SSID with a match category)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem of a checked file.

    ``line`` is the file's line (1-based); ``field_number``/``field_name`` the field of the
    layout (``None``/``""`` for the whole line); ``rule`` a CALPADS rule id (``SENR0742``,
    ``FRMT0002``) or one of :class:`Rule`. The message never quotes a name, birth date or SSID.
    """

    line: int
    field_number: int | None
    field_name: str
    rule: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.field_number is not None:
            where += f", field {self.field_number} ({self.field_name})"
        kind = "warning" if self.severity is Severity.WARNING else "error"
        return f"{where}: {self.rule} {kind}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOptions:
    """What the check is judged against, handed in (the domain reads no clock and no settings).

    ``today``: birth dates must not be after it, and the current academic year contains it unless
    ``year`` is given. ``lea``: the district's CDS code; when ``None`` the first line's Reporting
    LEA stands for it, so a file mixing districts is still found out.
    """

    today: dt.date
    lea: CdsCode | None = None
    year: AcademicYear | None = None

    @property
    def current_year(self) -> AcademicYear:
        return self.year or AcademicYear.containing(self.today)


class CheckOutcome(Enum):
    """The verdict on a file, and the command line's exit code."""

    CLEAN = 0
    PROBLEMS = 1
    UNREADABLE = 2


_SHAPED = (FieldKind.DIGITS, FieldKind.DATE, FieldKind.YEAR, FieldKind.YES_NO)


def field_rule(spec: FieldSpec, value: str, delimiter: str) -> str:
    """The CALPADS rule a value that failed its layout field breaks (the check that failed is the
    first of :func:`domain.layouts.field_problem`'s order that applies)."""
    if "\r" in value or "\n" in value or (delimiter and delimiter in value):
        return Rule.LAYOUT.value
    if value == "":
        return "GERR0001"
    if spec.kind not in _SHAPED and len(value) > spec.max_length:
        return "FRMT0001"
    if spec.kind is FieldKind.DIGITS:
        return "FRMT0004"
    if spec.kind in (FieldKind.DATE, FieldKind.YEAR):
        return "FRMT0002"
    if spec.kind in (FieldKind.CODE, FieldKind.YES_NO, FieldKind.SCORE):
        return "GERR0002"
    return Rule.LAYOUT.value
