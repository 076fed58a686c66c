"""Checks of field values against a layout, shared by readers and writers.

A whole line is checked with one compiled regular expression built from the layout table (one
C-level call per line, which keeps multi-million-line files fast); only a line that fails is
taken apart field by field to say which field is wrong and why. Messages never quote the value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

from domain.codes import CODE_SETS
from domain.layouts._spec import FieldKind, FieldSpec, Layout, Required
from domain.values import has_control_character

__all__ = ["line_pattern", "field_pattern", "field_problem", "first_problem", "count_problem"]

_ANY = r"[^\^\x00-\x1f\x7f-\x9f]"  # no delimiter, no control character (line breaks among them)
_SHAPED = (FieldKind.DIGITS, FieldKind.DATE, FieldKind.YEAR, FieldKind.YES_NO)  # typed: shape says more than length


def _field_regex(spec: FieldSpec, typed: bool, record_type: str | None) -> str:
    if spec.number == 1 and record_type is not None:
        return re.escape(record_type)
    if not typed:
        return f"{_ANY}{{0,{spec.max_length}}}"
    kind = spec.kind
    optional = spec.required is not Required.YES
    if kind is FieldKind.DIGITS:
        body = f"[0-9]{{{spec.max_length}}}"
    elif kind is FieldKind.DATE:
        body = "[0-9]{8}"
    elif kind is FieldKind.YEAR:
        body = "[0-9]{4}-[0-9]{4}"
    elif kind is FieldKind.YES_NO:
        body = "[YN]"
    elif kind is FieldKind.CODE and spec.code_set is not None:
        # Longest first: a line is matched whole, so any order finds a code; this one finds it soonest.
        codes = sorted((c for c in CODE_SETS[spec.code_set] if c.strip()), key=len, reverse=True)
        optional = optional or len(codes) < len(CODE_SETS[spec.code_set])
        body = "(?:" + "|".join(map(re.escape, codes)) + ")"
    else:
        body = f"{_ANY}{{1,{spec.max_length}}}"
    return f"(?:{body})?" if optional else body


def _line_pattern(layout: Layout, typed: bool, capture: tuple[str, ...] = ()) -> re.Pattern[str]:
    """A regular expression a whole line (without line end) of ``layout`` fully matches when it is good.

    ``typed=False`` checks only the field count, the record type and the lengths (text records:
    content rules belong to validation); ``typed=True`` also checks digits, dates, codes and
    required fields. The fields named in ``capture`` (attributes) are groups 1, 2 ... in the
    layout's order, so a reader needing a value or two of every line need not split it.
    """
    delimiter = re.escape(layout.delimiter)
    parts = [_field_regex(f, typed, layout.record_type) for f in layout.fields]
    parts = [f"({part})" if f.attr in capture else part for f, part in zip(layout.fields, parts)]
    return re.compile(delimiter.join(parts))


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
line_pattern = lru_cache(maxsize=None)(_line_pattern)


def _field_pattern(spec: FieldSpec) -> re.Pattern[str]:
    """A regular expression a good typed value of ``spec`` fully matches (dates: the shape only,
    not the calendar); a value that fails it is taken to :func:`field_problem` for the reason."""
    return re.compile(_field_regex(spec, True, None))


field_pattern = lru_cache(maxsize=None)(_field_pattern)


def _date_problem(value: str) -> str | None:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        return "must be a CCYYMMDD date"
    try:
        dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return "is not a real calendar date"
    return None


def field_problem(
    spec: FieldSpec, value: str, typed: bool, record_type: str | None = None, delimiter: str = "^"
) -> str | None:
    """What is wrong with ``value`` in field ``spec`` (``None`` when nothing is); never quotes the value.

    ``delimiter`` is the character a value may not contain (``""`` for CSV, which quotes).
    """
    if "\r" in value or "\n" in value:
        return "contains a line break"
    if has_control_character(value):
        return "contains a control character"
    if spec.number == 1 and record_type is not None:
        return None if value == record_type else f"must be {record_type}"
    shaped = typed and value != "" and spec.kind in _SHAPED
    if not shaped and len(value) > spec.max_length and spec.kind is not FieldKind.SCORE:
        return f"is {len(value)} characters long, more than the {spec.max_length} allowed"
    if delimiter and delimiter in value:
        return f"contains {delimiter}, which a CALPADS file cannot represent"
    if not typed:
        return None
    if value == "":
        return "is required but blank" if spec.required is Required.YES else None
    kind = spec.kind
    if kind is FieldKind.DIGITS and not (len(value) == spec.max_length and value.isascii() and value.isdigit()):
        return f"must be exactly {spec.max_length} digits"
    if kind is FieldKind.DATE:
        return _date_problem(value)
    if kind is FieldKind.YEAR and not re.fullmatch("[0-9]{4}-[0-9]{4}", value):
        return "must be an academic year CCYY-CCYY"
    if kind is FieldKind.YES_NO and value not in ("Y", "N"):
        return "must be Y or N"
    if kind is FieldKind.CODE and spec.code_set is not None and value not in CODE_SETS[spec.code_set]:
        return f"is not a {CODE_SETS[spec.code_set].name} code"
    return None


def count_problem(layout: Layout, count: int) -> str | None:
    """The message for a line of ``count`` fields, or ``None`` when the count is right."""
    if count == layout.width:
        return None
    return f"has {count} fields; {layout.title} has {layout.width}"


def first_problem(layout: Layout, values: Sequence[str], typed: bool) -> tuple[FieldSpec | None, str] | None:
    """The first problem of a line's values: (field or ``None`` for the count, message)."""
    wrong_count = count_problem(layout, len(values))
    if wrong_count:
        return None, wrong_count
    for spec, value in zip(layout.fields, values):
        problem = field_problem(spec, value, typed, layout.record_type, layout.delimiter)
        if problem:
            return spec, problem
    return None
