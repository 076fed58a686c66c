"""History, the auditors' home: every run's steps, accepted and refused, with actor, time, files
(SHA-256) and counts; the files exchanged with CALPADS; the workflow's state diagram; a CSV of it
all. History is metadata, not student data: auditors may export it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from flask import Response, request
from flask_admin import expose

from console.spreadsheet import spreadsheet_line
from console.views.base import GuardedView, json_counts
from console.views.diagram import state_diagram_svg
from domain.runs import RunState
from store.exports import recent_exports
from store.tables import CalpadsHistoryRow, RunRow, RunTransitionRow
from workflows.run.diagram import run_diagram

__all__ = ["HistoryView", "HISTORY_CSV_COLUMNS"]

RUNS_PER_PAGE = 10

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
        steps: defaultdict[int, list[RunTransitionRow]] = defaultdict(list)
        files: defaultdict[int, list[CalpadsHistoryRow]] = defaultdict(list)
        if ids:
            for step in RunTransitionRow.select().where(RunTransitionRow.run.in_(ids)).order_by(RunTransitionRow.at, RunTransitionRow.id):
                steps[step.run_id].append(step)
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
            files=files,
            unbound=unbound,
            exports=recent_exports(),
            counts=json_counts,
            page=page,
            pages=max((total + RUNS_PER_PAGE - 1) // RUNS_PER_PAGE, 1),
            diagram=state_diagram_svg(current),
            mermaid=run_diagram(current),
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
