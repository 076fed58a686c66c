"""Hypothesis strategies of valid field values, drawn from the layout tables themselves."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from domain.codes import CODE_SETS
from domain.layouts import FieldKind, FieldSpec, Layout, Required

__all__ = ["field_values", "line_values", "caret_line"]

_TEXT = st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="^")  # no control character: refused by design
_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


def field_values(spec: FieldSpec, typed: bool, record_type: str | None, strip: bool = False) -> st.SearchStrategy[str]:
    """Text a reader of ``spec`` accepts; ``typed`` values also pass digits/date/code checks.

    ``strip``: no surrounding white space (the match-result reader trims values).
    """
    if spec.number == 1 and record_type is not None:
        return st.just(record_type)
    required = typed and spec.required is Required.YES
    kind = spec.kind
    values: st.SearchStrategy[str]
    if not typed or kind is FieldKind.TEXT or (kind is FieldKind.CODE and spec.code_set is None):
        values = st.text(_TEXT, min_size=1 if required else 0, max_size=spec.max_length)
        if strip:
            values = values.map(str.strip)
        if required:
            values = values.filter(bool)
        return values
    if kind is FieldKind.DIGITS:
        values = st.from_regex(f"[0-9]{{{spec.max_length}}}", fullmatch=True)
    elif kind is FieldKind.DATE:
        values = _DATES.map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}")
    elif kind is FieldKind.YES_NO:
        values = st.sampled_from(["Y", "N"])
    elif kind is FieldKind.YEAR:
        values = st.integers(1990, 2098).map(lambda y: f"{y}-{y + 1}")
    elif kind is FieldKind.SCORE:
        values = st.sampled_from(["97%", "100%", "0.97", "97", "1", "55.5%"])
    else:
        assert spec.code_set is not None
        values = st.sampled_from(sorted(c for c in CODE_SETS[spec.code_set] if c.strip()))
    return values if required else st.one_of(st.just(""), values)


def line_values(layout: Layout, typed: bool) -> st.SearchStrategy[list[str]]:
    """The values of one valid line of ``layout``."""
    return st.tuples(*(field_values(f, typed, layout.record_type) for f in layout.fields)).map(list)


def caret_line(layout: Layout, typed: bool) -> st.SearchStrategy[str]:
    """One valid line of ``layout``, without its line end."""
    return line_values(layout, typed).map(layout.delimiter.join)
