"""Identifiers, Decisions tab: the run's decisions at a glance before the irreversible Confirm all.

Counts by decision (Select, New SSID, No Match, none yet) and by how each was made (one by one in
the review, or in bulk), then the list — name, grade and school from the request file, the
decision, the SSID chosen, the warnings that were overridden — filtered and paged, each student a
link back into the review. Confirm all lives here and names the counts it confirms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import peewee
from flask import request
from flask_admin import expose

from console.views.base import GuardedView
from console.views.review import DECISION_LABELS
from console.views.tabs import render_tab
from console.views.workflow_support import current_run
from domain.model import DecisionKind
from domain.records import SenrRecord
from domain.runs import Run, RunState
from store.bulk import tuples
from store.tables import MatchDecisionRow, MatchRequestRow

__all__ = ["DecisionsView", "DecisionCounts", "DecisionLine", "decision_counts", "PER_PAGE", "FILTERS"]

PER_PAGE = 100

FILTERS: tuple[tuple[str, str], ...] = (
    ("", "Every student"),
    ("select", "Select"),
    ("new_ssid", "New SSID"),
    ("no_match", "No Match"),
    ("undecided", "Undecided"),
    ("bulk", "Accepted in bulk"),
    ("warnings", "Warnings overridden"),
)
"""The list's filters (``?show=KEY``), in the order the page offers them."""

_LISTED_STATES = frozenset({RunState.RESULTS_LOADED, RunState.ALL_CONFIRMED, RunState.UPDATED, RunState.EXTRACT_LOADED})


@dataclass(frozen=True)
class DecisionCounts:
    """How many of the run's requested students have each decision, and how the decisions were made."""

    requested: int
    by_kind: dict[DecisionKind, int]
    bulk: int
    one_by_one: int
    with_warnings: int

    @property
    def decided(self) -> int:
        return sum(self.by_kind.values())

    @property
    def undecided(self) -> int:
        return self.requested - self.decided

    def sentence(self) -> str:
        """"80 decisions: 60 Select, 15 New SSID, 5 No Match" (what Confirm all confirms)."""
        parts = ", ".join(f"{self.by_kind.get(kind, 0)} {DECISION_LABELS[kind]}" for kind in DecisionKind)
        return f"{self.decided} decision(s): {parts}"


@dataclass(frozen=True)
class DecisionLine:
    """One requested student as the overview lists them."""

    line: int
    local_id: str
    name: str
    grade: str
    school: str
    kind: DecisionKind | None
    ssid: str | None
    bulk: bool
    actor: str
    warnings: tuple[str, ...]


def decision_counts(run_id: int) -> DecisionCounts:
    """The run's counts (three small grouped queries; no student is read)."""
    d = MatchDecisionRow
    by_kind: Counter[DecisionKind] = Counter()
    bulk = with_warnings = 0
    # Grouped by columns only, the warnings counted by a sum: PostgreSQL takes a grouped expression
    # with a bound parameter as another expression than the same one selected.
    warned = peewee.fn.SUM(peewee.Case(None, [(d.warnings != "", 1)], 0))
    rows = d.select(d.kind, d.bulk, peewee.fn.COUNT(d.id), warned).where(d.run == run_id).group_by(d.kind, d.bulk)
    for kind, in_bulk, count, warned_count in tuples(rows):
        by_kind[DecisionKind(kind)] += int(count)
        bulk += int(count) if in_bulk else 0
        with_warnings += int(warned_count or 0)
    requested = int(MatchRequestRow.select().where(MatchRequestRow.run == run_id).count())
    decided = sum(by_kind.values())
    return DecisionCounts(requested, dict(by_kind), bulk, decided - bulk, with_warnings)


def _lines(run: Run, show: str, page: int) -> tuple[list[DecisionLine], int]:
    r, d = MatchRequestRow, MatchDecisionRow
    on = (d.run == r.run) & (d.local_id == r.local_id)
    query = (
        r.select(r.line, r.local_id, r.senr_line, d.kind, d.ssid, d.bulk, d.actor, d.warnings)
        .join(d, peewee.JOIN.LEFT_OUTER, on=on)
        .where(r.run == run.id)
    )
    if show in ("select", "new_ssid", "no_match"):
        query = query.where(d.kind == show)
    elif show == "undecided":
        query = query.where(d.local_id.is_null())
    elif show == "bulk":
        query = query.where(d.bulk == True)  # noqa: E712 (peewee builds SQL from ==)
    elif show == "warnings":
        query = query.where(d.warnings != "")
    total = int(query.count())
    lines: list[DecisionLine] = []
    for line, local_id, senr_line, kind, ssid, bulk, actor, warnings in tuples(query.order_by(r.line).offset(page * PER_PAGE).limit(PER_PAGE)):
        record = SenrRecord(*str(senr_line).split("^"))
        given = " ".join(p for p in (record.legal_first, record.legal_middle) if p)
        lines.append(
            DecisionLine(
                int(line), str(local_id), f"{record.legal_last}, {given}", record.grade, record.school,
                DecisionKind(kind) if kind else None, ssid, bool(bulk), actor or "",
                tuple(w for w in str(warnings or "").splitlines() if w),
            )
        )
    return lines, total


class DecisionsView(GuardedView):
    """``/admin/decisions/`` (``?show=KEY``, ``?page=N``)."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        run = current_run()
        show = request.args.get("show", "")
        show = show if show in dict(FILTERS) else ""
        page = max(request.args.get("page", 0, type=int), 0)
        if run is None or run.state not in _LISTED_STATES:
            return render_tab(self, "console/decisions.html", run=run, counts=None, lines=[], show=show, filters=FILTERS)
        lines, total = _lines(run, show, page)
        return render_tab(
            self,
            "console/decisions.html",
            run=run,
            counts=decision_counts(run.id),
            lines=lines,
            total=total,
            show=show,
            filters=FILTERS,
            page=page,
            pages=max(1, -(-total // PER_PAGE)),
            labels=DECISION_LABELS,
            DecisionKind=DecisionKind,
        )
