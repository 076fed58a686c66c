"""Console page times of issues 6 and 20: the review page of a run with 20,000 students, a review
decision (save and show the next student) and the student table of a 600,000-student district,
measured through the console's own request handling; and reviewers deciding at the same time
through the production server on PostgreSQL (:mod:`bench.console_load`).

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

from bench.console_load import add_reviewers, check_consistency, database_waits, drive, serving, sessions_opened
from bench.data import SEED, Workspace
from bench.harness import Measurement, measure_call
from bench.ops import Operation, Result, Target, _open_run

__all__ = ["CONSOLE_OPERATIONS", "review_database", "review_page", "review_decisions", "reviewers_at_once", "student_table"]

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
    _into_review(ws, url, folder, keep, candidates)
    _decide_some(copy)
    connection = sqlite3.connect(copy)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file that is kept
    connection.close()
    shutil.move(copy, target)
    return target


def _into_review(ws: Workspace, url: str, folder: Path, keep: list[str], candidates: int) -> None:
    """Run 1 started, its request file made of the ``keep`` students, CALPADS' answer loaded."""
    (folder / "keep.txt").write_text("".join(f"{local_id}\n" for local_id in keep), encoding="utf-8")
    _open_run(ws, url, folder)
    made = ws.ssid("run", "create-senr", "1", "--out", str(folder / "out"), "--keep", str(folder / "keep.txt"),
                   "--db", url, cwd=folder)
    ws.ssid("run", "load-results", "1", str(ws.match_result(Path(made["file"]), candidates)), "--db", url, cwd=folder)


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


def _in_review(ws: Workspace, students: int, requested: int, timing: str, count: int) -> Measurement:
    """``bench.console_pages:<timing>`` on a fresh copy of the district whose run is in review."""
    copy = ws.copy_of(review_database(ws, students, requested), timing)
    return measure_call(f"bench.console_pages:{timing}", str(copy), str(count))


def review_page(ws: Workspace, students: int, requested: int, requests: int = 120) -> list[Result]:
    """The SSID Match review page of a run with ``requested`` students in review."""
    measured = _in_review(ws, students, requested, "time_review_pages", requests)
    size = f"run of {int(measured.detail['students']):,} students"
    return [_row("review page (server time, p95)", size, measured, 0.150)]


def review_decisions(ws: Workspace, students: int, requested: int, decisions: int = 120) -> list[Result]:
    """A decision as a reviewer makes it: the decision posted and the next student's page shown."""
    measured = _in_review(ws, students, requested, "time_review_decisions", decisions)
    size = f"{students:,} students, run of {int(measured.detail['students']):,}"
    return [_row("review decision + next page (server time, p95)", size, measured, 0.100)]


# -- reviewers at once, on PostgreSQL ---------------------------------------------------------------

_LOAD_DATABASE = "console_bench"  # after the bench's own database's name: engineers sharing a server keep apart
_LOAD_STUDENTS = 20_000
_LOAD_REQUESTED = 2_000


def _load_database(ws: Workspace) -> str:
    """``<own>_console_bench`` on the bench's PostgreSQL server (``<own>`` the bench's own
    database), emptied: created from the server's maintenance database, never inside another one."""
    import psycopg

    assert ws.pg_url is not None
    base, own = ws.pg_url.rsplit("/", 1)
    name = f"{own}_{_LOAD_DATABASE}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _review_on_postgres(ws: Workspace, url: str) -> list[str]:
    """The run in review on PostgreSQL; the requested students in request order."""
    import psycopg

    folder = ws.scratch("reviewers")
    ws.ssid("db", "init", "--db", url)
    ws.ssid("seed", "demo", "--students", str(_LOAD_STUDENTS), "--seed", str(SEED), "--today", ws.today.isoformat(),
            "--no-sandbox", "--db", url)
    with psycopg.connect(url) as connection:
        query = "SELECT local_id FROM student WHERE ssid IS NULL AND active ORDER BY local_id LIMIT %s"
        keep = [row[0] for row in connection.execute(query, (_LOAD_REQUESTED,))]
    _into_review(ws, url, folder, keep, 5)
    # Planner statistics, as a database in service has them (autovacuum analyzes after large loads;
    # a fresh copy would otherwise be planned without any, as if its tables were empty).
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    with psycopg.connect(url) as connection:
        return [row[0] for row in connection.execute("SELECT local_id FROM match_request WHERE run_id = 1 ORDER BY line")]


def reviewers_at_once(ws: Workspace, counts: tuple[int, ...], each: int, workers: int = 2, threads: int = 8) -> list[Result]:
    """``counts`` reviewers (one after the other: 10, then 20) deciding ``each`` students apiece
    at the same time through the production server (``workers`` processes of ``threads``)."""
    if ws.pg_url is None:
        return []
    url = _load_database(ws)
    ids = _review_on_postgres(ws, url)
    each = min(each, len(ids) // sum(counts))
    names = [f"reviewer{n:02d}" for n in range(1, max(counts) + 1)]
    add_reviewers(url, names)
    results: list[Result] = []
    recorded: dict[str, tuple[str, str | None, str]] = {}
    with serving(url, workers, threads) as served:
        offset = 0
        for count in counts:
            shares = [ids[offset + n * each : offset + (n + 1) * each] for n in range(count)]
            offset += count * each
            before = sessions_opened(url)
            with database_waits(url) as waits:
                load = drive(served.url, names[:count], shares, served.process.pid, url)
            opened = sessions_opened(url) - before
            recorded.update(load.recorded)
            problems = check_consistency(url, 1, recorded, names)
            summary = load.summary()
            target = 0.150 if count <= 10 else 0.300
            note = (
                f"page p50/p95 {summary['page_p50'] * 1000:.0f}/{summary['page_p95'] * 1000:.0f} ms, decision p50/p95 "
                f"{summary['decision_p50'] * 1000:.0f}/{summary['decision_p95'] * 1000:.0f} ms; {summary['pages']} pages, "
                f"{summary['decisions']} decisions, {summary['requests_per_second']:.0f} requests/s, CPU a request: server "
                f"{summary['server_cpu_ms']:.1f} ms, database {summary['database_cpu_ms']:.1f} ms, reviewers {summary['client_cpu_ms']:.1f} ms; "
                f"errors {summary['errors']}"
                f"{' ' + str(summary['first_errors']) if summary['errors'] else ''}; {opened} PostgreSQL sessions opened; "
                f"database sessions running a statement {waits.get('busy', 0):.1f} on average, {waits.get('lock', 0):.1f} of "
                f"them waiting for a lock, {waits.get('client', 0):.1f} idle in a transaction; "
                f"consistency: {'; '.join(problems) if problems else 'every decision stored once, by its reviewer, none refused'}"
            )
            size = f"{count} reviewers, {workers}x{threads} server"
            worst = max(summary["page_p95"], summary["decision_p95"])
            measured = Measurement(worst, 0.0, {**summary, "sessions_opened": opened, "problems": problems})
            results.append(Result(f"reviewers at once: page / decision p95 (PG)", size, measured, Target(seconds=target), note=note))
    results = [Result(r.operation, r.size, Measurement(r.measured.seconds, served.peak_mb, r.measured.detail), r.target, note=r.note)
               for r in results]
    return results


def student_table(ws: Workspace, students: int) -> list[Result]:
    """The Students table page of a district of ``students``."""
    copy = ws.copy_of(seeded_district(ws, students), "student_table")
    measured = measure_call("bench.console_pages:time_student_table", str(copy))
    return [_row("student table page (server time, p95)", f"{int(measured.detail['students']):,} students", measured, 0.500)]


CONSOLE_OPERATIONS: dict[str, Operation] = {
    "review": lambda ws, scale: review_page(ws, int(600_000 * scale), requested=int(20_000 * scale)),
    "students": lambda ws, scale: student_table(ws, int(600_000 * scale)),
    "decide": lambda ws, scale: review_decisions(ws, int(600_000 * scale), requested=int(20_000 * scale)),
    "reviewers": lambda ws, scale: reviewers_at_once(ws, (10, 20), each=max(5, int(30 * scale))),
}
"""The console's page-time operations, sized for a district of 600,000 students at ``scale`` 1."""
