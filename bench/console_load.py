"""Reviewers deciding at the same time, through the real forms, against the production server.

The row of issue 20: ``ssid serve`` as a district runs it (production, waitress in several worker
processes, ``SSID_SECRET_KEY``) on PostgreSQL, a run in review (a 20,000-student district, its
first students without an SSID requested, five CALPADS candidates each). N reviewers, each an
admin account of its own, sign in through the sign-in page (one after another: the sign-in limit
counts attempts per address) and then, all at once, each on its own share of the students: open
the student's review page, read its decision form (CSRF token, the decision version the page
shows), and post a decision (No Match, or every fourth student the first candidate, through the
"Decide anyway" form when the console warns first). Each reviewer keeps one HTTP connection, as a
browser does.

Measured from the reviewers' side (queueing in the server included): every review page and every
decision post, p50 and p95; errors (an answer other than the page or the redirect expected, a
refused decision); requests per second; the CPU time per request of the server (its worker
processes' user and system time while the reviewers decide, sign-ins left out: on a shared machine
a fairer figure than the times, which queue behind other work), of the database (its sessions on
the bench's database) and of the reviewers themselves (this process: making the requests, reading
the pages). Checked after, in the database: every decision a
reviewer was told was recorded is there, by that reviewer, once in the decision log, and no
attempt was refused.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.data import SSID

__all__ = [
    "ReviewLoad", "Reviewer", "serving", "drive", "check_consistency", "decision_forms", "percentile", "add_reviewers",
    "sessions_opened", "database_waits", "server_cpu_seconds",
]

_PASSWORD = "bench-reviewer-password"
_SECRET = "bench-console-load-secret-key-0123456789"
_FORM = re.compile(r'<form method="post" action="(?P<action>/admin/review/\d+/decide)"[^>]*>(?P<body>.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[^"]+)" value="(?P<value>[^"]*)">')
_BUTTON = re.compile(r'<button type="submit" name="decision" value="(?P<value>[a-z_]+)"')
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile (nearest rank) of ``values``; 0 for none."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)] if ordered else 0.0


@dataclass
class ReviewLoad:
    """What the reviewers measured together."""

    reviewers: int
    pages: list[float] = field(default_factory=list)
    decisions: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    recorded: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)  # local id → kind, SSID, reviewer
    seconds: float = 0.0
    server_cpu: float = 0.0  # seconds of the server's processes while the reviewers decided
    database_cpu: float = 0.0  # seconds of the database's sessions on the bench's database, meanwhile
    client_cpu: float = 0.0  # seconds of this process (the reviewers' threads), meanwhile

    def summary(self) -> dict[str, Any]:
        requests = len(self.pages) + len(self.decisions)
        return {
            "reviewers": self.reviewers,
            "page_p50": statistics.median(self.pages) if self.pages else 0.0,
            "page_p95": percentile(self.pages, 0.95),
            "decision_p50": statistics.median(self.decisions) if self.decisions else 0.0,
            "decision_p95": percentile(self.decisions, 0.95),
            "pages": len(self.pages),
            "decisions": len(self.decisions),
            "errors": len(self.errors),
            "first_errors": self.errors[:3],
            "requests_per_second": requests / self.seconds if self.seconds else 0.0,
            "server_cpu_ms": self.server_cpu * 1000 / requests if requests else 0.0,
            "database_cpu_ms": self.database_cpu * 1000 / requests if requests else 0.0,
            "client_cpu_ms": self.client_cpu * 1000 / requests if requests else 0.0,
        }


class Reviewer:
    """One person in a browser: a session cookie and one kept-alive connection."""

    def __init__(self, url: str, name: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.name = name
        self.cookie = ""
        self._connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None) -> tuple[int, str, str]:
        """Status, ``Location`` and body of one request (the session cookie kept up to date)."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self._connection.request(method, path, body=body, headers=headers)
                answer = self._connection.getresponse()
                text = answer.read().decode()
                break
            except (http.client.HTTPException, OSError):
                self._connection.close()  # the server closed a kept-alive connection: open another once
                if attempt:
                    raise
        cookie = answer.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return answer.status, answer.getheader("Location") or "", text

    def sign_in(self) -> None:
        status, _, page = self.request("GET", "/login")
        token = _TOKEN.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"sign-in page answered {status}")
        status, _, _ = self.request("POST", "/login", {"name": self.name, "password": _PASSWORD, "csrf_token": token.group(1)})
        if status != 302:
            raise RuntimeError(f"{self.name}: sign-in answered {status}")

    def close(self) -> None:
        self._connection.close()


def decision_forms(page: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The page's decision forms by the decision each posts (``select`` for the first candidate)."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for form in _FORM.finditer(page):
        fields = {m["name"]: unescape(m["value"]) for m in _HIDDEN.finditer(form["body"])}
        for button in _BUTTON.finditer(form["body"]):
            found.setdefault(button["value"], (form["action"], fields))
    return found


def _timed(reviewer: Reviewer, method: str, path: str, form: Mapping[str, str] | None = None) -> tuple[float, int, str, str]:
    started = time.perf_counter()
    status, location, body = reviewer.request(method, path, form)
    return time.perf_counter() - started, status, location, body


def _review(reviewer: Reviewer, students: Sequence[str], load: ReviewLoad, lock: threading.Lock, start: threading.Barrier) -> None:
    start.wait()
    for n, local_id in enumerate(students):
        took, status, _, page = _timed(reviewer, "GET", f"/admin/review/?student={local_id}")
        forms = decision_forms(page)
        with lock:
            load.pages.append(took)
        if status != 200 or local_id not in page or "no_match" not in forms:
            with lock:
                load.errors.append(f"{reviewer.name} review page of {local_id}: {status}")
            continue
        kind = "select" if n % 4 == 3 and "select" in forms else "no_match"
        action, fields = forms[kind]
        took, status, location, _ = _timed(reviewer, "POST", action, {**fields, "decision": kind})
        with lock:
            load.decisions.append(took)
        if status == 302 and "confirm=" in location:  # the console warns first: the "Decide anyway" form
            path = urlsplit(location)
            took, status, _, page = _timed(reviewer, "GET", f"{path.path}?{path.query}")
            anyway = decision_forms(page).get(kind)
            with lock:
                load.pages.append(took)
            if anyway is None:
                with lock:
                    load.errors.append(f"{reviewer.name} {local_id}: no Decide anyway form")
                continue
            took, status, location, _ = _timed(reviewer, "POST", anyway[0], {**anyway[1], "decision": kind})
            with lock:
                load.decisions.append(took)
        if status != 302:  # a refusal also redirects: the consistency check counts those
            with lock:
                load.errors.append(f"{reviewer.name} decision for {local_id}: {status} {location}")
            continue
        with lock:
            load.recorded[local_id] = (kind, fields.get("ssid"), reviewer.name)


def drive(
    url: str, names: Sequence[str], shares: Sequence[Sequence[str]], server: int | None = None, db_url: str | None = None
) -> ReviewLoad:
    """``names`` reviewers sign in one after another, then decide their ``shares`` all at once
    (``server``: the pid of the server, ``db_url`` its database: their CPU time is taken while the
    reviewers decide, and this process's)."""
    load = ReviewLoad(len(names))
    reviewers = [Reviewer(url, name) for name in names]
    for reviewer in reviewers:
        reviewer.sign_in()
        reviewer.request("GET", "/admin/review/")  # the session's CSRF token, the templates warm
    lock = threading.Lock()
    start = threading.Barrier(len(reviewers) + 1)
    threads = [
        threading.Thread(target=_review, args=(reviewer, share, load, lock, start), name=reviewer.name)
        for reviewer, share in zip(reviewers, shares, strict=True)
    ]
    for thread in threads:
        thread.start()
    cpu = server_cpu_seconds(server) if server is not None else 0.0
    sessions = _database_cpu(db_url) if db_url is not None else {}
    client = time.process_time()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - began
    load.client_cpu = time.process_time() - client
    if server is not None:
        load.server_cpu = server_cpu_seconds(server) - cpu
    if db_url is not None:  # a session opened meanwhile counts from its start
        load.database_cpu = sum(seconds - sessions.get(pid, 0.0) for pid, seconds in _database_cpu(db_url).items())
    for reviewer in reviewers:
        reviewer.close()
    return load


def add_reviewers(url: str, names: Sequence[str]) -> None:
    """Admin accounts for the reviewers, and the demo accounts' well-known passwords gone (the
    production server refuses to start while they sign in)."""
    def user(*argv: str) -> None:
        done = subprocess.run([SSID, "user", *argv, "--db", url], input=f"{_PASSWORD}\n", capture_output=True, text=True, check=False)
        if done.returncode != 0 and "already" not in done.stderr:
            raise RuntimeError(f"ssid user {' '.join(argv)}: {done.stderr.strip()}")

    for name in names:
        user("add", name, "--role", "admin")
    user("password", "admin")
    user("deactivate", "auditor")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _with_children(pid: int) -> list[int]:
    """``pid`` and its children (the server's workers; Linux)."""
    pids = [pid]
    children = f"/proc/{pid}/task/{pid}/children"
    if os.path.exists(children):
        with open(children) as listed:
            pids += [int(p) for p in listed.read().split()]
    return pids


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds used so far by a process (Linux; 0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14 and 15 of proc(5))


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds used so far by a process and its children (Linux)."""
    return sum(_cpu_seconds(each) for each in _with_children(pid))


def _database_cpu(db_url: str) -> dict[int, float]:
    """CPU seconds so far of each database session on ``db_url``'s database (a server on this machine)."""
    import psycopg

    name = urlsplit(db_url).path.lstrip("/")
    with psycopg.connect(db_url, autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    return {int(pid): _cpu_seconds(int(pid)) for (pid,) in rows}


def _peak_mb(pid: int) -> float:
    """The peak resident memory of a process and its children (the workers), in MB (Linux)."""
    peak = 0.0
    for each in _with_children(pid):
        try:
            with open(f"/proc/{each}/status") as status:
                peak += next((float(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")), 0.0)
        except OSError:
            continue
    return peak


@dataclass
class Served:
    """A running ``ssid serve``: its address and, when stopped, the peak memory of its processes."""

    url: str
    process: subprocess.Popen[str]
    peak_mb: float = 0.0


@contextmanager
def serving(db_url: str, workers: int, threads: int) -> Iterator[Served]:
    """``ssid serve`` in production on a free port until the block ends (stopped by its pid)."""
    port = _free_port()
    env = {**os.environ, "SSID_SECRET_KEY": _SECRET, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [SSID, "serve", "--db", db_url, "--port", str(port), "--workers", str(workers), "--threads", str(threads)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    printed = []
    for line in process.stdout:
        printed.append(line)
        if line.startswith("Serving on"):
            break
    else:
        raise RuntimeError("ssid serve did not start:\n" + "".join(printed))
    drain = threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True)
    drain.start()
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        time.sleep(1.0)  # the workers forked and listening
        yield served
    finally:
        served.peak_mb = _peak_mb(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def check_consistency(db_url: str, run_id: int, recorded: Mapping[str, tuple[str, str | None, str]], names: Sequence[str]) -> list[str]:
    """What the database holds against what the reviewers ``names`` were told was ``recorded``
    (local id → decision, SSID, reviewer): the problems found (none when every recorded decision
    is there once, by its reviewer, and nothing was refused)."""
    import psycopg

    problems: list[str] = []
    with psycopg.connect(db_url) as connection:
        rows = connection.execute(
            "SELECT local_id, kind, ssid, actor FROM match_decision WHERE run_id = %s AND actor = ANY(%s)", (run_id, list(names))
        ).fetchall()
        stored = {local_id: (kind, ssid, actor) for local_id, kind, ssid, actor in rows}
        logged = connection.execute(
            "SELECT count(*) FROM decision_log WHERE run_id = %s AND actor = ANY(%s)", (run_id, list(names))
        ).fetchone()
        refused = connection.execute(
            "SELECT count(*) FROM run_history WHERE run_id = %s AND NOT accepted AND actor = ANY(%s)", (run_id, list(names))
        ).fetchone()
        state = connection.execute("SELECT state FROM run WHERE id = %s", (run_id,)).fetchone()
    if set(stored) != set(recorded):
        problems.append(f"{len(set(recorded) - set(stored))} recorded decision(s) missing, {len(set(stored) - set(recorded))} unexpected")
    wrong = [k for k, (kind, _ssid, actor) in recorded.items() if k in stored and (stored[k][0], stored[k][2]) != (kind, actor)]
    if wrong:
        problems.append(f"{len(wrong)} decision(s) stored otherwise than posted (e.g. {wrong[0]})")
    if logged is None or int(logged[0]) != len(recorded):
        problems.append(f"decision log holds {logged[0] if logged else 0} rows for {len(recorded)} decisions")
    if refused is None or int(refused[0]) != 0:
        problems.append(f"{refused[0] if refused else '?'} refused attempt(s)")
    if state is None or state[0] != "results_loaded":
        problems.append(f"the run is in state {state[0] if state else 'none'}")
    return problems


@contextmanager
def database_waits(db_url: str, every: float = 0.05) -> Iterator[dict[str, float]]:
    """While the block runs, sample what the database's busy sessions wait for (``pg_stat_activity``):
    on leaving, ``busy`` (sessions running a statement, on average), ``lock`` (of them, waiting for
    a lock: a row, a table, or a decision's lock on its student or SSID; until issue 20 every save
    queued on the run's row) and ``client`` (idle in a transaction: the server's Python between two
    statements of one transaction)."""
    import psycopg

    found: dict[str, float] = {}
    samples: list[tuple[int, int, int]] = []
    stop = threading.Event()
    name = urlsplit(db_url).path.lstrip("/")
    query = (
        "SELECT count(*) FILTER (WHERE state = 'active'), "
        "count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock'), "
        "count(*) FILTER (WHERE state = 'idle in transaction') "
        "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    )

    def sample() -> None:
        with psycopg.connect(db_url, autocommit=True) as connection:
            while not stop.wait(every):
                row = connection.execute(query, (name,)).fetchone()
                if row is not None:
                    samples.append((int(row[0]), int(row[1]), int(row[2])))

    sampler = threading.Thread(target=sample, name="pg-waits", daemon=True)
    sampler.start()
    try:
        yield found
    finally:
        stop.set()
        sampler.join(timeout=10)
        if samples:
            found.update(
                busy=sum(s[0] for s in samples) / len(samples),
                lock=sum(s[1] for s in samples) / len(samples),
                client=sum(s[2] for s in samples) / len(samples),
            )


def sessions_opened(db_url: str) -> int:
    """PostgreSQL sessions ever opened on the database (``pg_stat_database.sessions``, 14+)."""
    import psycopg

    name = urlsplit(db_url).path.lstrip("/")
    with psycopg.connect(db_url) as connection:
        row = connection.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (name,)).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0
