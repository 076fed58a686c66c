"""Server CPU of one review page and one review decision, request by request, on PostgreSQL.

    .venv/bin/python -m bench.request_cpu POSTGRESQL_URL [--count N] [--profile FILE]

``POSTGRESQL_URL`` names a database whose run 1 is in review, as the ``reviewers`` bench row leaves
it (``<bench database>_console_bench``, its reviewers' accounts in it); it is copied first (``CREATE
DATABASE ... TEMPLATE``) and the copy dropped after, so the same students can be decided again.
The console is built as ``ssid serve`` builds it (production settings, pooled connections) and
signed in as ``reviewer01``; the reviewer then does what the bench's reviewers do, one request at a
time through Flask's test client: open an undecided student's review page, post No Match (every
fourth student: the first candidate, through the "Decide anyway" form when the console warns).

Measured around the console's WSGI application alone (no HTTP, no client): the thread's CPU time
(``time.thread_time``) and the number of SQL statements of each request, by kind (page, decision);
with ``--profile``, a cProfile of every measured request together, written for ``pstats``.
A few requests first warm the templates and are not counted.
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.console_load import decision_forms

__all__ = ["main"]

_REVIEWER = ("reviewer01", "bench-reviewer-password")  # bench.console_load's accounts
_WARM_UP = 4


class _Metered:
    """The console's WSGI application, timed request by request (thread CPU, statements)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], statements: list[int], profile: cProfile.Profile | None) -> None:
        self.app = app
        self.statements = statements
        self.profile = profile
        self.last: tuple[float, int] = (0.0, 0)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        before = self.statements[0]
        if self.profile is not None:
            self.profile.enable()
        started = time.thread_time()
        body = list(self.app(environ, start_response))  # the whole answer made, as a server sends it
        took = time.thread_time() - started
        if self.profile is not None:
            self.profile.disable()
        self.last = (took, self.statements[0] - before)
        return body


def _copy(url: str) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    copy = f"{name}_cpu"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return f"{base}/{copy}"


def _drop(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _undecided(url: str) -> list[str]:
    import psycopg

    query = (
        "SELECT r.local_id FROM match_request r LEFT JOIN match_decision d ON d.run_id = r.run_id AND d.local_id = r.local_id "
        "WHERE r.run_id = 1 AND d.id IS NULL ORDER BY r.line"
    )
    with psycopg.connect(url) as connection:
        return [row[0] for row in connection.execute(query)]


def _count_statements(statements: list[int], shown: list[str] | None) -> None:
    import peewee

    execute = peewee.Database.execute_sql

    def counted(self: peewee.Database, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        statements[0] += 1
        if shown is not None:
            shown.append(sql)
        return execute(self, sql, params, *args, **kwargs)  # type: ignore[no-untyped-call]

    peewee.Database.execute_sql = counted  # type: ignore[method-assign]


def measure(url: str, count: int, profile: cProfile.Profile | None, sql: bool = False) -> dict[str, list[tuple[float, int]]]:
    """Thread CPU seconds and statements of each review page and decision of ``count`` students
    (``sql``: print the statements of the first measured page and decision)."""
    from console import create_app

    statements = [0]
    shown: list[str] | None = [] if sql else None
    _count_statements(statements, shown)
    measured: dict[str, list[tuple[float, int]]] = {"page": [], "decision": []}
    with tempfile.TemporaryDirectory(prefix="bench_cpu_") as folder:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-request-cpu", "INSTANCE_PATH": folder})
        metered = _Metered(app.wsgi_app, statements, None)
        app.wsgi_app = metered  # type: ignore[method-assign]
        client = app.test_client()
        client.get("/login")
        with client.session_transaction() as session:
            token = session["_csrf"]
        name, password = _REVIEWER
        if client.post("/login", data={"name": name, "password": password, "csrf_token": token}).status_code != 302:
            raise RuntimeError(f"sign-in as {name} refused")
        for n, local_id in enumerate(_undecided(url)[: count + _WARM_UP]):
            if n == _WARM_UP:
                metered.profile = profile
            if shown is not None:
                if n == _WARM_UP + 1:
                    print("\n".join(shown))
                shown.clear()
            counted = n >= _WARM_UP
            answer = client.get(f"/admin/review/?student={local_id}")
            page = answer.get_data(as_text=True)
            if counted:
                measured["page"].append(metered.last)
            forms = decision_forms(page)
            if answer.status_code != 200 or "no_match" not in forms:
                raise RuntimeError(f"review page of {local_id}: {answer.status_code}")
            kind = "select" if n % 4 == 3 and "select" in forms else "no_match"
            action, fields = forms[kind]
            answer = client.post(action, data={**fields, "decision": kind})
            if counted:
                measured["decision"].append(metered.last)
            location = answer.headers.get("Location", "")
            if answer.status_code == 302 and "confirm=" in location:
                parts = urlsplit(location)
                anyway = decision_forms(client.get(f"{parts.path}?{parts.query}").get_data(as_text=True)).get(kind)
                if counted:
                    measured["page"].append(metered.last)
                if anyway is None:
                    raise RuntimeError(f"{local_id}: no Decide anyway form")
                answer = client.post(anyway[0], data={**anyway[1], "decision": kind})
                if counted:
                    measured["decision"].append(metered.last)
            if answer.status_code != 302 or "confirm=" in answer.headers.get("Location", ""):
                raise RuntimeError(f"decision for {local_id}: {answer.status_code}")
    return measured


def _line(kind: str, values: list[tuple[float, int]]) -> str:
    ms = [seconds * 1000 for seconds, _ in values]
    statements = [n for _, n in values]
    return (
        f"{kind:9s} {len(ms):4d} requests: CPU mean {statistics.mean(ms):.2f} ms, median {statistics.median(ms):.2f} ms, "
        f"min {min(ms):.2f} ms; statements mean {statistics.mean(statements):.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.request_cpu", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="a PostgreSQL database left in review by the reviewers bench row")
    parser.add_argument("--count", type=int, default=200, help="students decided (default 200)")
    parser.add_argument("--profile", type=Path, help="write a cProfile (thread CPU) of the measured requests here")
    parser.add_argument("--sql", action="store_true", help="print the SQL of the first measured page and decision")
    args = parser.parse_args(argv)
    copy = _copy(args.url)
    profile = cProfile.Profile(time.thread_time) if args.profile else None  # CPU, not time waiting for the database
    try:
        measured = measure(copy, args.count, profile, args.sql)
    finally:
        _drop(copy)
    for kind, values in measured.items():
        print(_line(kind, values))
    pair = statistics.mean(s for s, _ in measured["page"]) + statistics.mean(s for s, _ in measured["decision"])
    print(f"page + decision: {pair * 1000:.2f} ms of CPU")
    if profile is not None:
        profile.dump_stats(str(args.profile))


if __name__ == "__main__":
    main()
