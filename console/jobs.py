"""Background jobs: long loads run in a thread pool, off the request, reporting progress in the
``job`` table so the page can poll it (percent and lines) and say why a job failed.

A job's work is a callable that receives a :class:`Progress` and returns a small JSON-able
mapping (counts, the batch or run it produced). Expected refusals (a workflow step refused, a
file that cannot be read) end the job as ``failed`` with their one-line reason, which never
holds student data; anything else ends it as ``failed`` with a generic reason and the traceback
in the server log.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from domain.errors import DomainError
from store.database import database_proxy, utc_now
from store.errors import StoreError
from store.tables_batches import Job
from workflows.errors import WorkflowError

__all__ = ["JobRunner", "Progress", "ProgressReport", "JobWork", "JobStatus", "job_status", "EXPECTED_FAILURES"]

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
        values: dict[Any, Any] = {Job.progress: done}
        if total is not None:
            values[Job.total] = total
        if message is not None:
            values[Job.message] = message
        Job.update(values).where(Job.id == self.job_id).execute()


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


def job_status(job_id: int) -> JobStatus | None:
    """The job's status as stored, or ``None`` when there is no such job."""
    row = Job.get_or_none(Job.id == job_id)
    if row is None:
        return None
    try:
        result = json.loads(row.result or "{}")
    except ValueError:
        result = {}
    return JobStatus(row.id, row.kind, row.state, row.progress, row.total, row.message, row.error, result)


class JobRunner:
    """A small thread pool running :data:`JobWork` and keeping the ``job`` table up to date."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ssid-job")
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, kind: str, actor: str, work: JobWork, total: int | None = None, message: str = "") -> int:
        """Queue ``work`` and return the job's id (the caller's page polls it)."""
        job = Job.create(kind=kind, actor=actor, state="queued", total=total, message=message)
        future = self._pool.submit(self._run, job.id, work)
        with self._lock:
            self._futures[job.id] = future
        return int(job.id)

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        """Block until the job finished (for the command line and tests; pages poll instead)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)

    def _run(self, job_id: int, work: JobWork) -> None:
        with database_proxy.connection_context():
            Job.update(state="running", started_at=utc_now()).where(Job.id == job_id).execute()
            state, error, result = "failed", None, {}
            try:
                result = dict(work(Progress(job_id)))
                state = "done"
            except EXPECTED_FAILURES as exc:
                error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            except Exception as exc:
                # The frames, not the message: an unexpected message might quote student data.
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error("job %s failed unexpectedly: %s\n%s", job_id, type(exc).__name__, frames)
                error = f"unexpected error ({type(exc).__name__}); the server log has the details"
            Job.update(
                state=state, error=error, result=json.dumps(result, default=str), finished_at=utc_now()
            ).where(Job.id == job_id).execute()
            if state == "done":
                Job.update(progress=Job.total).where((Job.id == job_id) & Job.total.is_null(False)).execute()
        with self._lock:
            self._futures.pop(job_id, None)
