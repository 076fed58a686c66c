"""Background jobs: long loads run in a thread pool, off the request, reporting progress in the
``job`` table so the page can poll it (percent and lines) and say why a job failed.

A job's work is a callable that receives a :class:`Progress` and returns a small JSON-able
mapping (counts, the batch or run it produced). Expected refusals (a workflow step refused, a
file that cannot be read) end the job as ``failed`` with their one-line reason, which never
holds student data; anything else ends it as ``failed`` with a generic reason and the traceback
in the server log.

A job records the process running it (``host:pid``) and a heartbeat. A job whose process died
(killed, the machine restarted) would otherwise say "running" forever: when its process is gone
(same host), or its heartbeat is older than :data:`STALE_AFTER` (another host), the job is shown,
and recorded, as failed (abandoned). Every load and apply is one transaction, so an abandoned job
left all or nothing of each step; starting it again is safe. The command line's long steps are jobs
while they run (:func:`tracked`), so a killed command shows as failed too.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from domain.errors import DomainError
from store.database import database_proxy, utc_now
from store.errors import StoreError
from store.tables import JobRow
from workflows.errors import WorkflowError

__all__ = [
    "JobRunner",
    "Progress",
    "ProgressReport",
    "JobWork",
    "JobStatus",
    "job_status",
    "tracked",
    "sweep_abandoned",
    "this_process",
    "EXPECTED_FAILURES",
    "HEARTBEAT_EVERY",
    "STALE_AFTER",
]

HEARTBEAT_EVERY = 10.0
"""Seconds between two heartbeats of a running job."""

STALE_AFTER = dt.timedelta(minutes=15)
"""A job of another host without a heartbeat for this long is abandoned (a long SQLite write may
hold the heartbeat back for a while, hence the margin)."""


def this_process() -> str:
    """``host:pid`` of the running process: the owner recorded with its jobs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_gone(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _abandoned_reason(row: JobRow, now: dt.datetime) -> str | None:
    """Why a queued or running job will never finish (``None`` when it may still)."""
    if row.state not in ("queued", "running") or not row.owner:
        return None
    seen = row.heartbeat_at or row.started_at or row.created_at
    if _process_gone(row.owner):
        why = f"the process running it ({row.owner}) stopped"
    elif now - seen > STALE_AFTER:
        why = f"no sign of life from {row.owner} since {seen:%Y-%m-%d %H:%M} UTC"
    else:
        return None
    return (
        f"abandoned: {why} before it finished; whatever it had not committed was rolled back "
        "(each step is one transaction): look at the run or file, and start it again if it is not done"
    )

log = logging.getLogger(__name__)

EXPECTED_FAILURES: tuple[type[Exception], ...] = (WorkflowError, DomainError, StoreError)
"""Failures whose message is shown to the person as the reason (they never carry student data)."""


class Progress:
    """Reports how far a job got; writes to the job table at most every ``interval`` seconds."""

    def __init__(self, job_id: int, interval: float = 0.3, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id = job_id
        self._interval = interval
        self._clock = clock
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        now = self._clock()
        if now - self._last < self._interval and (total is None or done < total):
            return
        self._last = now
        values: dict[Any, Any] = {JobRow.progress: done, JobRow.heartbeat_at: utc_now()}
        if total is not None:
            values[JobRow.total] = total
        if message is not None:
            values[JobRow.message] = message
        JobRow.update(values).where(JobRow.id == self.job_id).execute()


class ProgressReport(Protocol):
    """``report(done, total, message)``: how many lines are done, of how many, doing what."""

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None: ...


JobWork = Callable[[ProgressReport], Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class JobStatus:
    """What the page's progress bar shows."""

    id: int
    kind: str
    state: str
    progress: int
    total: int | None
    message: str
    error: str | None
    result: Mapping[str, Any]

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == "done" else None
        return min(100, int(self.progress * 100 / self.total))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "lines": self.progress,
            "total": self.total,
            "percent": self.percent,
            "message": self.message,
            "error": self.error,
            "result": dict(self.result),
            "finished": self.state in ("done", "failed"),
        }


def _fail_if_abandoned(row: JobRow) -> bool:
    reason = _abandoned_reason(row, utc_now())
    if reason is None:
        return False
    JobRow.update(state="failed", error=reason, finished_at=utc_now()).where(
        (JobRow.id == row.id) & (JobRow.state == row.state)
    ).execute()
    return True


def sweep_abandoned() -> int:
    """Record every job whose process died as failed (abandoned); returns how many (the console
    runs this when it starts, so the Jobs table never shows a dead job as running)."""
    return sum(_fail_if_abandoned(row) for row in JobRow.select().where(JobRow.state.in_(["queued", "running"])))


def job_status(job_id: int) -> JobStatus | None:
    """The job's status as stored, or ``None`` when there is no such job; a job whose process died
    is recorded as failed (abandoned) first."""
    row = JobRow.get_or_none(JobRow.id == job_id)
    if row is None:
        return None
    if _fail_if_abandoned(row):
        row = JobRow.get_by_id(job_id)
    try:
        result = json.loads(row.result or "{}")
    except ValueError:
        result = {}
    return JobStatus(row.id, row.kind, row.state, row.progress, row.total, row.message, row.error, result)


def _reason(exc: BaseException, job_id: int) -> str:
    """The one line a failed job shows: an expected refusal's own words, else a generic sentence."""
    if isinstance(exc, EXPECTED_FAILURES):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # The frames, not the message: an unexpected message might quote student data.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("job %s failed unexpectedly: %s\n%s", job_id, type(exc).__name__, frames)
    return f"unexpected error ({type(exc).__name__}); the server log has the details"


def _start(job_id: int) -> None:
    now = utc_now()
    JobRow.update(state="running", started_at=now, heartbeat_at=now, owner=this_process()).where(JobRow.id == job_id).execute()


def _finish(job_id: int, state: str, error: str | None, result: Mapping[str, Any]) -> None:
    JobRow.update(
        state=state, error=error, result=json.dumps(dict(result), default=str), finished_at=utc_now()
    ).where(JobRow.id == job_id).execute()
    if state == "done":
        JobRow.update(progress=JobRow.total).where((JobRow.id == job_id) & JobRow.total.is_null(False)).execute()


@contextmanager
def tracked(kind: str, actor: str, message: str = "") -> Iterator[Progress]:
    """A job row while work runs in this process (the command line), so a process that dies on
    the way leaves a job that is shown as failed (abandoned). A step that ends, accepted or
    refused, removes its row (the run's history has it); an unexpected error leaves it failed."""
    job = JobRow.create(kind=kind, actor=actor, state="queued", message=message, owner=this_process())
    _start(job.id)
    try:
        yield Progress(job.id)
    except EXPECTED_FAILURES:
        JobRow.delete().where(JobRow.id == job.id).execute()
        raise
    except Exception as exc:
        _finish(job.id, "failed", _reason(exc, job.id), {})
        raise
    JobRow.delete().where(JobRow.id == job.id).execute()


class JobRunner:
    """A small thread pool running :data:`JobWork` and keeping the ``job`` table up to date,
    with a heartbeat for its running jobs."""

    def __init__(self, workers: int = 2, heartbeat_every: float = HEARTBEAT_EVERY) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ssid-job")
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat_every = heartbeat_every
        self._heartbeat: threading.Thread | None = None

    def submit(self, kind: str, actor: str, work: JobWork, total: int | None = None, message: str = "") -> int:
        """Queue ``work`` and return the job's id (the caller's page polls it)."""
        job = JobRow.create(kind=kind, actor=actor, state="queued", total=total, message=message, owner=this_process())
        future = self._pool.submit(self._run, job.id, work)
        with self._lock:
            self._futures[job.id] = future
            if self._heartbeat is None:  # started with the first job: a console that runs none has no thread
                self._heartbeat = threading.Thread(
                    target=self._beat, args=(self._heartbeat_every,), name="ssid-job-heartbeat", daemon=True
                )
                self._heartbeat.start()
        return int(job.id)

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        """Block until the job finished (for the command line and tests; pages poll instead)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)
        if self._heartbeat is not None:
            self._heartbeat.join()

    def _beat(self, every: float) -> None:
        while not self._stop.wait(every):
            with self._lock:
                running = list(self._futures)
            if not running:
                continue
            try:
                with database_proxy.connection_context():
                    ident: Any = JobRow.id  # declared `id: int` for mypy; the column is a field
                    JobRow.update(heartbeat_at=utc_now()).where(ident.in_(running) & (JobRow.state == "running")).execute()
            except Exception as exc:  # a busy database: the next beat tries again
                log.debug("job heartbeat skipped: %s", type(exc).__name__)

    def _run(self, job_id: int, work: JobWork) -> None:
        with database_proxy.connection_context():
            _start(job_id)
            try:
                result = dict(work(Progress(job_id)))
            except Exception as exc:
                _finish(job_id, "failed", _reason(exc, job_id), {})
            else:
                _finish(job_id, "done", None, result)
        with self._lock:
            self._futures.pop(job_id, None)
