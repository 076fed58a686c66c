"""The console's request handling, timed page by page in a bench child process (:mod:`bench.child`).

The console is built with :func:`console.create_app` on the given database (production settings),
signed in as the coordinator through the sign-in page (its form, its CSRF token); each page is
then requested through Flask's test client (WSGI, no network) and timed alone. Every page must
answer 200 and show what a coordinator expects there. A few requests first warm the templates
and are not counted.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.console_load import decision_forms, percentile
from console import create_app

__all__ = ["time_review_pages", "time_review_decisions", "time_student_table"]

_COORDINATOR = ("admin", "admin-demo")  # the demo district's coordinator (seed.demo)
_WARM_UP = 3


def _signed_in_client(db: str, instance: Path) -> Any:
    """The console on ``db`` (production settings), signed in as the coordinator."""
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench-console-pages", "INSTANCE_PATH": str(instance)})
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        token = session["_csrf"]
    name, password = _COORDINATOR
    signed = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    if signed.status_code != 302:
        raise RuntimeError(f"sign-in as {name} answered {signed.status_code}")
    return client


def _time_pages(db: str, paths: Sequence[str], expect: Sequence[str]) -> dict[str, Any]:
    """Request each path (after a short warm-up); each must answer 200 and show its expected text."""
    with tempfile.TemporaryDirectory(prefix="bench_console_") as folder:
        client = _signed_in_client(db, Path(folder))
        for path in paths[:_WARM_UP]:
            client.get(path)
        times: list[float] = []
        for path, wanted in zip(paths, expect, strict=True):
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data(as_text=True)
            times.append(time.perf_counter() - started)
            if response.status_code != 200 or wanted not in body:
                raise RuntimeError(f"{path}: answered {response.status_code} without {wanted!r}")
    return _spread(times)


def _spread(times: list[float]) -> dict[str, Any]:
    """How many, p50, p95 and the slowest of ``times``."""
    return {"requests": len(times), "p50": statistics.median(times), "p95": percentile(times, 0.95), "slowest": max(times)}


def time_review_pages(db: str, count: str) -> dict[str, Any]:
    """The review page for ``count`` students spread over the run (a fifth with every panel shown,
    a tenth listing only undecided students), and the resume page opened from the tab."""
    with sqlite3.connect(db) as connection:
        ids = [r[0] for r in connection.execute("SELECT local_id FROM match_request WHERE run_id = 1 ORDER BY line")]
    step = max(1, len(ids) // int(count))
    paths, expect = ["/admin/review/"], ["data-count=\"requested\""]
    for n, local_id in enumerate(ids[::step][: int(count) - 1]):
        extra = "&guardians=1&addresses=1&language=1" if n % 5 == 0 else "&unmatched=1" if n % 10 == 1 else ""
        paths.append(f"/admin/review/?student={local_id}{extra}")
        expect.append(local_id)
    return {**_time_pages(db, paths, expect), "students": len(ids)}


def time_review_decisions(db: str, count: str) -> dict[str, Any]:
    """A decision as a reviewer makes it, timed from the post to the next student's page shown
    (the redirect followed): ``count`` undecided students spread over the run, No Match for most,
    the first candidate for every fourth (decided anyway when the console warns)."""
    with sqlite3.connect(db) as connection:
        query = (
            "SELECT r.local_id FROM match_request r LEFT JOIN match_decision d ON d.run_id = r.run_id AND d.local_id = r.local_id "
            "WHERE r.run_id = 1 AND d.id IS NULL ORDER BY r.line"
        )
        ids = [r[0] for r in connection.execute(query)]
        students = int(connection.execute("SELECT count(*) FROM match_request WHERE run_id = 1").fetchone()[0])
    step = max(1, len(ids) // int(count))
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench_console_") as folder:
        client = _signed_in_client(db, Path(folder))
        for n, local_id in enumerate(ids[::step][: int(count) + _WARM_UP]):
            page = client.get(f"/admin/review/?student={local_id}").get_data(as_text=True)
            forms = decision_forms(page)
            kind = "select" if n % 4 == 3 and "select" in forms else "no_match"
            action, fields = forms[kind]
            started = time.perf_counter()
            answer = client.post(action, data={**fields, "decision": kind, "anyway": "yes"})
            shown = client.get(answer.headers["Location"])
            elapsed = time.perf_counter() - started
            if answer.status_code != 302 or shown.status_code != 200 or "recorded." not in shown.get_data(as_text=True):
                raise RuntimeError(f"deciding {local_id}: answered {answer.status_code}, then {shown.status_code}")
            if n >= _WARM_UP:
                times.append(elapsed)
    return {**_spread(times), "students": students}


def time_student_table(db: str) -> dict[str, Any]:
    """The Students table as a coordinator browses it: pages near the start, in the middle and at
    the end; sorted by last name, birth date and SSID; searched by local id, SSID and surname;
    filtered by gender, active, birth date and SSID."""
    with sqlite3.connect(db) as connection:
        total = int(connection.execute("SELECT count(*) FROM student").fetchone()[0])
        sample = connection.execute(
            "SELECT local_id, ssid, legal_last FROM student WHERE ssid IS NOT NULL ORDER BY id LIMIT 8 OFFSET ?", (total // 3,)
        ).fetchall()
    pages = max(1, total // 50)
    table = "model-list"
    wanted: list[tuple[str, str]] = [("/admin/student/", table)]
    wanted += [(f"/admin/student/?page={(pages - 1) * n // 20}", table) for n in range(1, 21)]
    # Flask-Admin names a sort by the column's place in StudentView.column_list: 3 legal last name,
    # 6 birth date, 1 SSID.
    for column in (3, 6, 1):
        for page in (0, 1, pages // 2):
            wanted += [(f"/admin/student/?sort={column}&page={page}", table), (f"/admin/student/?sort={column}&desc=1&page={page}", table)]
    for local_id, ssid, last in sample:
        wanted += [(f"/admin/student/?search={local_id}", local_id), (f"/admin/student/?search={ssid}", ssid), (f"/admin/student/?search={last}", last)]
    # Flask-Admin numbers the filters in the order of StudentView.column_filters: 0 active equals,
    # 4 gender equals, 11 birth date greater than, 25 SSID equals.
    for page in (0, 3, 100):
        wanted += [(f"/admin/student/?flt0_4=F&page={page}", table), (f"/admin/student/?flt0_0=1&page={page}", table),
                   (f"/admin/student/?flt0_11=2015-01-01&page={page}", table)]
    wanted += [(f"/admin/student/?flt0_25={ssid}", local_id) for local_id, ssid, _ in sample[:3]]
    return {**_time_pages(db, [p for p, _ in wanted], [w for _, w in wanted]), "students": total}
