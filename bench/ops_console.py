"""Console page times of issue 6: the review page of a run with 20,000 students, and the student
table of a 600,000-student district, measured through the console's own request handling.

Inputs are cached beside the others (:class:`bench.data.Workspace`); each measurement runs in a
fresh process on a copy (:mod:`bench.console_pages`): signed in as the coordinator, it times a
fixed list of pages a coordinator opens — several students, pages, sorts, searches and filters.
The row shows the 95th percentile of those server times (seconds column), the process's peak
memory, and p50 / p95 / slowest in the note.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bench.data import SEED, Workspace
from bench.harness import Measurement, measure_call
from bench.ops import Operation, Result, Target, _open_run

__all__ = ["CONSOLE_OPERATIONS", "review_database", "review_page", "student_table"]

_DECIDED_SHARE = 10  # one student in ten already decided: a review half way through


def seeded_district(ws: Workspace, students: int) -> Path:
    """The demo district of ``students`` alone, without the CALPADS sandbox the pages never read
    (``ssid seed demo --no-sandbox``; built once per size and day)."""
    target = ws.cache / f"district_only_{students}.db"
    if not target.exists():
        partial = target.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        url = f"sqlite:///{partial}"
        ws.ssid("db", "init", "--db", url)
        ws.ssid("seed", "demo", "--students", str(students), "--seed", str(SEED), "--today", ws.today.isoformat(),
                "--no-sandbox", "--db", url)
        partial.rename(target)
    return target


def review_database(ws: Workspace, students: int, requested: int, candidates: int = 5) -> Path:
    """A cached district of ``students`` whose run is in review: about ``requested`` students (the
    first without an SSID, as the KEEP list), each with ``candidates`` CALPADS candidates, one in
    ten of them decided (built once per size and day)."""
    target = ws.cache / f"review_{students}_{requested}.db"
    if target.exists():
        return target
    db = seeded_district(ws, students)
    folder = ws.scratch("review_build")
    copy = folder / "ssid.db"
    shutil.copyfile(db, copy)
    url = f"sqlite:///{copy}"
    with sqlite3.connect(copy) as connection:
        query = "SELECT local_id FROM student WHERE ssid IS NULL AND active ORDER BY local_id LIMIT ?"
        keep = [row[0] for row in connection.execute(query, (requested,))]
    (folder / "keep.txt").write_text("".join(f"{local_id}\n" for local_id in keep), encoding="utf-8")
    _open_run(ws, url, folder)
    made = ws.ssid("run", "create-senr", "1", "--out", str(folder / "out"), "--keep", str(folder / "keep.txt"),
                   "--db", url, cwd=folder)
    ws.ssid("run", "load-results", "1", str(ws.match_result(Path(made["file"]), candidates)), "--db", url, cwd=folder)
    _decide_some(copy)
    connection = sqlite3.connect(copy)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file that is kept
    connection.close()
    shutil.move(copy, target)
    return target


def _decide_some(db: Path) -> None:
    """Record No Match for every tenth requested student, through the workflow service."""
    from store.database import open_database
    from store.tables import MatchRequestRow
    from store.workflow_store import DatabaseWorkflowStore
    from domain.model import DecisionKind
    from domain.values import LocalId
    from workflows.run.results import decide
    from workflows.run.stepping import Actor

    database = open_database(f"sqlite:///{db}")
    try:
        store = DatabaseWorkflowStore(database)
        ids = [r.local_id for r in MatchRequestRow.select(MatchRequestRow.local_id).where(MatchRequestRow.run == 1).order_by(MatchRequestRow.line)]
        for local_id in ids[::_DECIDED_SHARE]:
            decide(store, 1, LocalId(local_id), DecisionKind.NO_MATCH, Actor("bench"))
    finally:
        database.close()


# -- the bench rows ---------------------------------------------------------------------------------


def _row(operation: str, size: str, measured: Measurement, target_seconds: float) -> Result:
    detail = measured.detail
    p95 = float(detail["p95"])
    note = (
        f"{detail['requests']} requests: p50 {float(detail['p50']) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"slowest {float(detail['slowest']) * 1000:.0f} ms (seconds column: p95)"
    )
    return Result(operation, size, Measurement(p95, measured.peak_mb, detail), Target(seconds=target_seconds), note=note)


def review_page(ws: Workspace, students: int, requested: int, requests: int = 120) -> list[Result]:
    """The SSID Match review page of a run with ``requested`` students in review."""
    db = review_database(ws, students, requested)
    copy = ws.copy_of(db, "review_page")
    measured = measure_call("bench.console_pages:time_review_pages", str(copy), str(requests))
    size = f"run of {int(measured.detail['students']):,} students"
    return [_row("review page (server time, p95)", size, measured, 0.150)]


def student_table(ws: Workspace, students: int) -> list[Result]:
    """The Students table page of a district of ``students``."""
    copy = ws.copy_of(seeded_district(ws, students), "student_table")
    measured = measure_call("bench.console_pages:time_student_table", str(copy))
    return [_row("student table page (server time, p95)", f"{int(measured.detail['students']):,} students", measured, 0.500)]


CONSOLE_OPERATIONS: dict[str, Operation] = {
    "review": lambda ws, scale: review_page(ws, int(600_000 * scale), requested=int(20_000 * scale)),
    "students": lambda ws, scale: student_table(ws, int(600_000 * scale)),
}
"""The console's page-time operations, sized for a district of 600,000 students at ``scale`` 1."""
