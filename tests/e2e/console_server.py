"""Running the real `ssid` command for end-to-end tests: a subprocess with a clean environment,
and `ssid serve --dev` on a free port, stopped by its own process id."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SSID", "environment", "ssid_json", "Server", "serving", "in_process_server"]

SSID = str(Path(sys.executable).with_name("ssid"))
"""The `ssid` command installed beside this Python (the project's virtual environment)."""

_UNSET = ("SSID_SECRET_KEY", "SSID_ENV", "SSID_DATABASE_URL", "SSID_SANDBOX_DATABASE_URL", "SSID_LONG_LOAD_LINES")


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without the console's settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env.update(extra)
    return env


def ssid_json(cwd: Path, *args: str) -> Any:
    """Run ``ssid ARGS --json`` and return its JSON result (failing the test on a non-zero exit)."""
    done = subprocess.run([SSID, *args, "--json"], cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running `ssid serve`: its address and what it printed before listening."""

    process: subprocess.Popen[str]
    port: int
    printed: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serving(database_url: str, cwd: Path, *, dev: bool = True, args: tuple[str, ...] = (), **env: str) -> Iterator[Server]:
    """`ssid serve --dev` (or, with ``dev=False``, the production server) on a free port until the
    block ends (then stopped by its pid)."""
    port = _free_port()
    command = [SSID, "serve", *(["--dev"] if dev else []), "--db", database_url, "--port", str(port), *args]
    process = subprocess.Popen(
        command, cwd=cwd, env=environment(PYTHONUNBUFFERED="1", **env),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    printed: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        printed.append(line.rstrip("\n"))
        if "Running on" in line or "Serving on" in line:
            break
    # Keep reading what it prints (one line per request), so a full pipe never blocks the server.
    drain = threading.Thread(target=lambda: printed.extend(line.rstrip("\n") for line in process.stdout or ()), daemon=True)
    drain.start()
    try:
        yield Server(process, port, printed)
    finally:
        process.terminate()
        process.wait(timeout=30)
        drain.join(timeout=10)
        process.stdout.close()


@contextmanager
def in_process_server(app: Any) -> Iterator[str]:
    """``app`` behind werkzeug's threaded HTTP server in this process, on a free port: real
    sockets and threads, while the test can still patch and count what the app calls."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
