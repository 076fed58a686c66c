"""The SSID Match review's repeated cells as HTML, made in Python: a candidate's value (a birth date
part by part), its verdict badge, and the cell coloured by the same verdict.

A review page has some forty such cells (eight fields for each of five candidates); as template
macros, three deep in each cell, they took about a third of the page's rendering. The markup is
the macros' own, byte for byte; every value is escaped as a template escapes it. The templates
reach these as globals (``evidence_badge``, ``date_value``, ``verdict_cell``), and the
Local duplicates page shows the same badge.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from markupsafe import Markup, escape

from console.views.review_compare import DatePart
from domain.matching import FieldResult

__all__ = ["evidence_badge", "date_value", "verdict_cell", "init_review_cells"]

_BADGE_CSS = {"for": "badge-success", "neutral": "badge-light", "against": "badge-danger"}
_CELL_CSS = {"for": "same", "against": "diff", "neutral": "blank"}


def evidence_badge(result: FieldResult) -> Markup:
    """One field's result as a badge: ``"nickname"``, green when it counts for the match, red
    against, grey neutral; its note after it."""
    evidence = result.evidence.value
    agreement, label, note = escape(result.agreement.value), escape(result.label), result.note
    noted = f" ({escape(note)})" if note else ""
    after = f'<span class="match-note">{escape(note)}</span>' if note else ""
    return Markup(
        f'<span class="badge match-badge {_BADGE_CSS[evidence]}" data-agreement="{agreement}" data-evidence="{evidence}"\n'
        f'        title="{escape(result.field.label)}: {label}{noted}">{label}</span>{after}'
    )


def date_value(text: str, parts: Sequence[DatePart]) -> Markup:
    """A value as the review shows it: a date part by part (each part marked when it differs),
    anything else as it is (a dash when blank)."""
    if not parts:
        return escape(text or "—")
    return Markup("-".join(
        f'<span class="date-part {"diff" if p.differs else ""}" data-part="{escape(p.name)}">{escape(p.text)}</span>' for p in parts
    ))


def verdict_cell(result: FieldResult, value: str) -> Markup:
    """A candidate's value in a cell coloured by the same verdict as its badge."""
    evidence = result.evidence.value
    return Markup(
        f'<td class="{_CELL_CSS[evidence]}" data-state="{evidence}" data-agreement="{escape(result.agreement.value)}">{escape(value)}\n'
        f"  {evidence_badge(result)}</td>"
    )


def init_review_cells(app: Flask) -> None:
    """Give every template the review's cells."""
    app.jinja_env.globals.update(evidence_badge=evidence_badge, date_value=date_value, verdict_cell=verdict_cell)
