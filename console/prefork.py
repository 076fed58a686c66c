"""The production server on every core: one listening socket, several waitress processes.

waitress runs one Python process; its threads share one interpreter lock, so one process uses one
core whatever ``--threads`` says (measured: 66-68 requests/s from 2 to 20 reviewers). Where the
platform forks (Linux, macOS, the BSDs), :func:`serve_forked` opens the socket once, then forks
``workers`` processes that each accept on it with their own waitress and threads, and watches them:
a worker that dies is replaced; SIGTERM or SIGINT stops them all. Where it cannot fork (Windows),
``ssid serve`` runs one process as before.

Nothing a request relies on lives in one process: the session (and its CSRF token and flashed
messages) is the signed cookie, signed with ``SSID_SECRET_KEY`` (the same in every worker);
sign-in attempts are counted in the database (:mod:`store.sign_ins`); a background job's progress
is a database row that any worker answers the page's polling from (the job itself runs in the
worker that started it; :mod:`console.jobs` says what happens when that worker dies).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

__all__ = ["can_fork", "default_workers", "listening_socket", "serve_forked", "RESTART_PAUSE"]

RESTART_PAUSE = 1.0
"""Seconds before a worker that died within its first second is started again (no busy loop)."""


def can_fork() -> bool:
    """Whether this platform runs several worker processes (``os.fork``)."""
    return hasattr(os, "fork")


def default_workers() -> int:
    """One worker process per core (at most 4), or one where the platform cannot fork."""
    return min(os.cpu_count() or 1, 4) if can_fork() else 1


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket every worker accepts on, bound and listening before any worker starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


class _Stop(Exception):
    """SIGTERM or SIGINT reached the supervisor."""


def _stop(_signal: int, _frame: FrameType | None) -> None:
    raise _Stop


def _leave_with_parent(parent: int) -> None:
    # A supervisor killed outright (SIGKILL) cannot stop its workers: they stop by themselves
    # rather than keep the port and the database connections.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _run_worker(serve: Callable[[], None], parent: int) -> None:
    """In the child: serve until stopped, then leave without running the parent's exit handlers."""
    threading.Thread(target=_leave_with_parent, args=(parent,), name="ssid-orphan-check", daemon=True).start()
    code = 0
    try:
        serve()
    except BaseException:  # noqa: BLE001 - whatever stopped it, the supervisor starts another
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


_STOPPING = {signal.SIGTERM, signal.SIGINT}


def _start(serve: Callable[[], None], started: dict[int, float]) -> None:
    """Fork one worker and record it. SIGTERM and SIGINT wait while it forks: one arriving then
    would otherwise find the supervisor without the new worker's pid (it would never be stopped),
    or the new worker still running the supervisor's handler."""
    parent = os.getpid()
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
            _run_worker(serve, parent)
        started[pid] = time.monotonic()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def serve_forked(serve: Callable[[], None], workers: int) -> None:
    """Run ``serve`` (one waitress on the shared socket) in ``workers`` child processes until
    SIGTERM or SIGINT; a worker that exits is replaced. Returns once every worker has stopped."""
    started: dict[int, float] = {}
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        for _ in range(workers):
            _start(serve, started)
        while started:
            pid, _status = os.waitpid(-1, 0)
            if pid not in started:
                continue
            if time.monotonic() - started.pop(pid) < 1.0:
                time.sleep(RESTART_PAUSE)  # dying at start: try again, but not in a busy loop
            _start(serve, started)
    except _Stop:
        pass
    except ChildProcessError:
        return
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for pid in started:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in started:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
