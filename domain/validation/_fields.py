"""Field-by-field SENR checks: length, date and digit formats, required fields, code sets.

LOCAL0001 (a control character: the project's own rule), FRMT0001 (too long), FRMT0002 (not a real CCYYMMDD date), FRMT0004 (not the digits the field
type needs), GERR0001 (required field blank), GERR0002 (code not in its code set), GERR0007 (code
outside its valid years), GERR0008 (bad transaction type).

Each field yields at most one violation, the first that applies in that order: a value that does
not fit its field is reported once, not again as an unknown code. The returned set of "bad"
field numbers lets the cross-field rules stay silent about fields already reported.

Names, lengths, kinds and code sets come from the layout registry (:mod:`domain.layouts`), so a
new CFS version is a table edit there, not a change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from domain.codes import CODE_SETS
from domain.errors import InvalidValue
from domain.layouts import FieldKind, FieldSpec, Layout, Required, layout
from domain.records import SenrRecord
from domain.validation._result import Severity, Violation
from domain.values import AcademicYear, has_control_character, parse_calpads_date

__all__ = ["SENR_LAYOUT", "CONTROL_CHARACTER", "check_fields", "make_violation", "read_date"]

SENR_LAYOUT: Layout = layout("SENR")
"""The current SENR layout (names, lengths, kinds, required, code sets) the checks are driven by."""

# Checked elsewhere rather than against their code set: the transaction type by GERR0008 (below),
# the birth state/province by SENR0036 (a code valid alone may not fit the birth country).
CONTROL_CHARACTER = "LOCAL0001"
"""The project's own rule, not a CALPADS one: a value holding a control character (NUL, ESC, tab,
DEL, C1 …), which CALPADS' text files cannot carry and which no SIS field should hold (a name
pasted from a terminal or a broken export). Refused before upload, naming the field."""

_NOT_BY_CODE_SET = frozenset({"transaction_type", "birth_state"})
_TRANSACTION_TYPES = frozenset({"", " ", "A", "D", "R"})
_NAMES: Mapping[int, str] = MappingProxyType({f.number: f.name for f in SENR_LAYOUT.fields})


# A blank optional field needs no check at all: most of a record's 35 fields, on a hot path.
_SKIP_WHEN_BLANK = tuple(spec.required is not Required.YES for spec in SENR_LAYOUT.fields)
_NOTHING_BAD: frozenset[int] = frozenset()


def make_violation(
    rule: str,
    number: int,
    local_id: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Violation:
    """A violation of ``rule`` on SENR field ``number`` of student ``local_id``, named after the field."""
    return Violation(rule, number, _NAMES[number], local_id, message, severity)


def check_fields(record: SenrRecord, year: AcademicYear) -> tuple[list[Violation], frozenset[int]]:
    """Field-level violations of ``record``, and the numbers of the fields they concern.

    ``year`` is the academic year whose code validity applies (GERR0007).
    """
    found: list[Violation] = []
    for spec, skip_blank, value in zip(SENR_LAYOUT.fields, _SKIP_WHEN_BLANK, record.values(), strict=True):
        if skip_blank and value == "":
            continue
        problem = _field_problem(spec, value, year)
        if problem is not None:
            found.append(make_violation(problem[0], spec.number, record.local_student_id, problem[1]))
    if not found:
        return found, _NOTHING_BAD
    return found, frozenset(v.field_number for v in found)


def _field_problem(spec: FieldSpec, value: str, year: AcademicYear) -> tuple[str, str] | None:
    if has_control_character(value):
        return CONTROL_CHARACTER, "holds a control character, which a CALPADS file cannot carry"
    if len(value) > spec.max_length:
        return "FRMT0001", f"value is {len(value)} characters, longer than the field's {spec.max_length}"
    if spec.attr == "transaction_type":
        if value not in _TRANSACTION_TYPES:
            return "GERR0008", f"transaction type {value!r} is not blank, A, D or R"
        return None
    if value == "":
        return ("GERR0001", "required field is blank") if spec.required is Required.YES else None
    if spec.attr == "record_type" and value != SENR_LAYOUT.record_type:
        return "GERR0002", f"record type {value!r} is not {SENR_LAYOUT.record_type}"
    if spec.kind is FieldKind.DATE:
        read = read_date(value)
        if isinstance(read, str):
            return "FRMT0002", f"date {read}"
    elif spec.kind is FieldKind.DIGITS and (len(value) != spec.max_length or not (value.isascii() and value.isdigit())):
        return "FRMT0004", f"must be exactly {spec.max_length} digits"
    if spec.code_set is not None and spec.attr not in _NOT_BY_CODE_SET:
        if value in _valid_codes(spec.code_set, year):
            return None
        codes = CODE_SETS[spec.code_set]
        if value not in codes:
            return "GERR0002", f"{value!r} is not a {codes.name} code"
        return "GERR0007", f"{codes.name} code {value!r} is not valid in {year.code}"
    return None


def _codes_valid_in(code_set: str, year: AcademicYear) -> frozenset[str]:
    codes = CODE_SETS[code_set]
    return frozenset(code for code in codes if codes.valid_in(code, year))


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
_valid_codes = lru_cache(maxsize=256)(_codes_valid_in)


def _read_date(text: str) -> dt.date | None | str:
    """A CCYYMMDD date (``None`` when blank), or the reason it is not one (cached: dates repeat a lot)."""
    try:
        return parse_calpads_date(text)
    except InvalidValue as exc:
        return exc.reason


read_date = lru_cache(maxsize=65536)(_read_date)
