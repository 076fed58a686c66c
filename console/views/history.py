"""History, the auditors' home: every run's steps, accepted and refused, with actor, time, files
(SHA-256) and counts; the files exchanged with CALPADS; the workflow's state diagram; a CSV of it
all. History is metadata, not student data: auditors may export it.

Runs come ten to a page. Within a run, refused attempts in a row (:data:`COLLAPSE_FROM` or more:
720 stale-page refusals of a busy review made the page 388 KB) are one line, "130 refused attempts
between … and …" with how many of each step, linking to the run's steps page, which lists them one
by one, :data:`STEPS_PER_PAGE` at a time."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, request
from flask_admin import expose

from console.spreadsheet import spreadsheet_line
from console.views.base import GuardedView, json_counts
from console.views.diagram import state_diagram_svg
from domain.runs import RunState
from store.exports import recent_exports
from store.tables import CalpadsHistoryRow, RunRow, RunTransitionRow
from workflows.run.diagram import run_diagram

__all__ = ["HistoryView", "HISTORY_CSV_COLUMNS", "RefusedAttempts", "COLLAPSE_FROM", "STEPS_PER_PAGE"]

RUNS_PER_PAGE = 10

COLLAPSE_FROM = 3
"""Refused attempts in a row from this many on are one line of the History page."""

STEPS_PER_PAGE = 100
"""Steps on one page of a run's steps."""


@dataclass(frozen=True, slots=True)
class RefusedAttempts:
    """Refused attempts in a row of one run: how many, first and last (step id and time), and
    how many of each step (``decide: 128, confirm_all: 2``)."""

    run_id: int
    count: int
    first_id: int
    last_id: int
    first_at: dt.datetime
    last_at: dt.datetime
    events: tuple[tuple[str, int], ...]


_Outline = tuple[int, int, dt.datetime, str, bool]  # step id, run id, time, event, accepted


def _collapsed(outline: Sequence[_Outline]) -> list[int | RefusedAttempts]:
    """A run's steps in order: the id of each step shown alone, refused attempts in a row summarised."""
    shown: list[int | RefusedAttempts] = []
    streak: list[_Outline] = []

    def close_streak() -> None:
        if len(streak) >= COLLAPSE_FROM:
            events = Counter(step[3] for step in streak)
            shown.append(
                RefusedAttempts(
                    run_id=streak[0][1], count=len(streak), first_id=streak[0][0], last_id=streak[-1][0],
                    first_at=streak[0][2], last_at=streak[-1][2], events=tuple(events.most_common()),
                )
            )
        else:
            shown.extend(step[0] for step in streak)
        streak.clear()

    for step in outline:
        if step[4]:
            close_streak()
            shown.append(step[0])
        else:
            streak.append(step)
    close_streak()
    return shown


def _steps_of(ids: list[int]) -> tuple[dict[int, list[int | RefusedAttempts]], dict[int, RunTransitionRow]]:
    """Each run's steps as shown (collapsed), and the rows of the steps shown alone.

    The outline of every step is read as plain tuples; whole rows only for what is shown."""
    t = RunTransitionRow
    query = t.select(t.id, t.run, t.at, t.event, t.accepted).where(t.run.in_(ids)).order_by(t.at, t.id)
    outlines: defaultdict[int, list[_Outline]] = defaultdict(list)
    for step_id, run_id, at, event, accepted in query.tuples().iterator():
        outlines[run_id].append((step_id, run_id, at, event, bool(accepted)))
    shown = {run_id: _collapsed(outline) for run_id, outline in outlines.items()}
    alone = [entry for entries in shown.values() for entry in entries if isinstance(entry, int)]
    ident: Any = t._meta.primary_key  # declared `id: int` for mypy; the column is a field
    rows = {row.id: row for row in t.select().where(ident.in_(alone))} if alone else {}
    return shown, rows

HISTORY_CSV_COLUMNS = (
    "run", "at", "actor", "event", "source", "dest", "accepted", "reason", "file_name", "sha256", "counts",
)


def _counts_text(text: str | None) -> str:
    return "; ".join(f"{k}={v}" for k, v in json_counts(text).items())


class HistoryView(GuardedView):
    """``/admin/history/``."""

    @expose("/")
    def index(self) -> str:
        page = max(request.args.get("page", 0, type=int), 0)
        total = RunRow.select().count()
        newest_first: Any = RunRow._meta.primary_key  # declared `id: int` for mypy; the column is a field
        runs = list(RunRow.select().order_by(newest_first.desc()).offset(page * RUNS_PER_PAGE).limit(RUNS_PER_PAGE))
        ids = [run.id for run in runs]
        steps, step_rows = _steps_of(ids) if ids else ({}, {})
        files: defaultdict[int, list[CalpadsHistoryRow]] = defaultdict(list)
        if ids:
            for entry in CalpadsHistoryRow.select().where(CalpadsHistoryRow.run.in_(ids)).order_by(CalpadsHistoryRow.at):
                if entry.run_id is not None:
                    files[entry.run_id].append(entry)
        unbound = list(CalpadsHistoryRow.select().where(CalpadsHistoryRow.run.is_null()).order_by(CalpadsHistoryRow.at.desc()).limit(50))
        latest = runs[0] if runs and page == 0 else None
        current = RunState(latest.state) if latest is not None else None
        return self.render(
            "console/history.html",
            runs=runs,
            steps=steps,
            step_rows=step_rows,
            files=files,
            unbound=unbound,
            exports=recent_exports(),
            counts=json_counts,
            page=page,
            pages=max((total + RUNS_PER_PAGE - 1) // RUNS_PER_PAGE, 1),
            diagram=state_diagram_svg(current),
            mermaid=run_diagram(current),
        )

    @expose("/run/<int:run_id>/steps")
    def run_steps(self, run_id: int) -> str:
        """Every step of one run, one by one (``?first=&last=``: only the step ids between),
        :data:`STEPS_PER_PAGE` a page (``?page=``)."""
        run = RunRow.get_or_none(RunRow.id == run_id)
        if run is None:
            abort(404)
        first, last = request.args.get("first", type=int), request.args.get("last", type=int)
        page = max(request.args.get("page", 0, type=int), 0)
        t = RunTransitionRow
        query = t.select().where(t.run == run_id)
        if first is not None:
            query = query.where(t.id >= first)
        if last is not None:
            query = query.where(t.id <= last)
        total = query.count()
        shown = list(query.order_by(t.id).offset(page * STEPS_PER_PAGE).limit(STEPS_PER_PAGE))
        return self.render(
            "console/history_steps.html", run=run, steps=shown, total=total, page=page,
            pages=max((total + STEPS_PER_PAGE - 1) // STEPS_PER_PAGE, 1), first=first, last=last,
            counts=json_counts,
        )

    @expose("/history.csv")
    def export(self) -> Response:
        """Every step of every run (or of ``?run=N``) as CSV, streamed."""
        query = RunTransitionRow.select().order_by(RunTransitionRow.run, RunTransitionRow.at, RunTransitionRow.id)
        run = request.args.get("run", type=int)
        if run is not None:
            query = query.where(RunTransitionRow.run == run)

        def lines() -> Iterator[str]:
            yield spreadsheet_line(list(HISTORY_CSV_COLUMNS))
            for step in query.iterator():
                yield spreadsheet_line(
                    [
                        str(step.run_id), step.at.isoformat(), step.actor, step.event, step.source, step.dest or "",
                        "yes" if step.accepted else "no", step.reason or "", step.file_name or "", step.sha256 or "",
                        _counts_text(step.counts),
                    ]
                )

        name = f"ssid_history_run_{run}.csv" if run is not None else "ssid_history.csv"
        return Response(
            lines(), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
