"""`ssid serve` in production: waitress with its threads answering many people at once, no
version in ``Server``, no password printed, and no start while a demo account still signs in
with its well-known password; `--dev` keeps Flask's server and prints the demo sign-ins."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.console_server import SSID, environment, serving

SECRET = {"SSID_SECRET_KEY": "a-long-random-value-for-this-test"}
CONCURRENT = 50


def _ssid(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SSID, *args], cwd=cwd, env=environment(), input=stdin, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def demo_database(database_url: str, tmp_path: Path) -> str:
    demo = _ssid(tmp_path, "demo-setup", "--db", database_url, "--students", "20")
    assert demo.returncode == 0, demo.stderr
    return database_url


def _sign_in(url: str, name: str, password: str) -> str:
    """The session cookie of a sign-in through the sign-in page."""
    with urllib.request.urlopen(f"{url}/login", timeout=60) as page:
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
    assert token is not None
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token.group(1)}).encode()

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        urllib.request.build_opener(_Stay).open(urllib.request.Request(f"{url}/login", form, {"Cookie": cookie}), timeout=60)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.code
        return str(answer.headers["Set-Cookie"]).split(";", 1)[0]
    raise AssertionError("the sign-in did not redirect")


def _all_at_once(task: Callable[[], None]) -> None:
    """Run ``task`` in CONCURRENT threads released together, and wait for them all."""
    start = threading.Barrier(CONCURRENT)

    def released() -> None:
        start.wait()
        task()

    threads = [threading.Thread(target=released) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def test_production_refuses_to_start_while_a_demo_password_works(demo_database: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [SSID, "serve", "--db", demo_database, "--port", "1"], cwd=tmp_path, env=environment(**SECRET),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "refuses to start in production while demo accounts sign in with their well-known passwords (admin, auditor)" in done.stderr
    assert "ssid user password admin" in done.stderr and "ssid user deactivate admin" in done.stderr
    assert "admin-demo" not in done.stdout + done.stderr


def test_production_serves_fifty_people_at_once_through_waitress(demo_database: str, tmp_path: Path) -> None:
    assert _ssid(tmp_path, "user", "password", "admin", "--db", demo_database, stdin="a-district-password\n").returncode == 0
    assert _ssid(tmp_path, "user", "deactivate", "auditor", "--db", demo_database).returncode == 0
    with serving(demo_database, tmp_path, dev=False, args=("--threads", "8"), **SECRET) as server:
        assert server.printed[0] == f"SSID Workbench console: {server.url}  (database {demo_database})"
        assert server.printed[-1].startswith("Serving on http://127.0.0.1:")  # waitress, not werkzeug
        cookie = _sign_in(server.url, "admin", "a-district-password")
        statuses: list[int | str] = []
        servers: set[str] = set()

        def fetch() -> None:
            request = urllib.request.Request(f"{server.url}/admin/student/", headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    body = answer.read().decode()
                    statuses.append(answer.status if "Local ID" in body or "local_id" in body.lower() else "not the table")
                    servers.add(answer.headers["Server"])
            except (urllib.error.URLError, OSError) as problem:
                statuses.append(repr(problem))

        _all_at_once(fetch)
        assert Counter(statuses) == {200: CONCURRENT}
        assert servers == {"SSID Workbench"}
    printed = "\n".join(server.printed)
    assert "a-district-password" not in printed and "demo-demo" not in printed and "admin-demo" not in printed


def _wrong_sign_in(url: str) -> int:
    """A sign-in with a wrong password through the sign-in page: the status it answers."""
    with urllib.request.urlopen(f"{url}/login", timeout=60) as page:
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
    assert token is not None
    form = urllib.parse.urlencode({"name": "admin", "password": "a-wrong-guess", "csrf_token": token.group(1)}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}/login", form, {"Cookie": cookie}), timeout=120) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return int(answer.code)


def test_the_sign_in_limit_counts_the_attempts_of_every_worker_process(demo_database: str, tmp_path: Path) -> None:
    assert _ssid(tmp_path, "user", "password", "admin", "--db", demo_database, stdin="a-district-password\n").returncode == 0
    assert _ssid(tmp_path, "user", "deactivate", "auditor", "--db", demo_database).returncode == 0
    with serving(demo_database, tmp_path, dev=False, args=("--threads", "4", "--workers", "2"), **SECRET) as server:
        statuses: list[int] = []
        _all_at_once(lambda: statuses.append(_wrong_sign_in(server.url)))
    # Five guesses a minute per name and address, whichever worker answered: the rest wait.
    assert Counter(statuses) == {401: 5, 429: CONCURRENT - 5}


def test_development_keeps_flasks_server_and_names_no_version(demo_database: str, tmp_path: Path) -> None:
    with serving(demo_database, tmp_path) as server:
        assert "demo sign-in (admin): admin / admin-demo" in server.printed
        with urllib.request.urlopen(f"{server.url}/login", timeout=60) as answer:
            assert answer.headers["Server"] == "SSID Workbench"
    assert any("Running on" in line for line in server.printed)


def _workers(server_pid: int) -> list[int]:
    """The worker processes of a running `ssid serve` (Linux: its children as /proc lists them)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _form_post(url: str, cookie: str, token: str) -> int:
    """A CSRF-checked POST (a decision for a student not in any run): the status it answers."""
    form = urllib.parse.urlencode({"local_id": "NOT-IN-RUN", "decision": "no_match", "csrf_token": token}).encode()

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(_Stay).open(urllib.request.Request(f"{url}/admin/review/1/decide", form, {"Cookie": cookie}), timeout=120) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as answer:
        return int(answer.code)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts worker processes through /proc (Linux)")
def test_production_answers_from_several_processes_sharing_sessions_and_replaces_a_dead_one(demo_database: str, tmp_path: Path) -> None:
    assert _ssid(tmp_path, "user", "password", "admin", "--db", demo_database, stdin="a-district-password\n").returncode == 0
    assert _ssid(tmp_path, "user", "deactivate", "auditor", "--db", demo_database).returncode == 0
    with serving(demo_database, tmp_path, dev=False, args=("--threads", "4", "--workers", "2"), **SECRET) as server:
        assert server.printed[-1].endswith("(waitress, 2 processes of 4 threads)")
        deadline = time.monotonic() + 30
        while len(workers := _workers(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # listening before the workers are forked
        assert len(workers) == 2
        cookie = _sign_in(server.url, "admin", "a-district-password")  # signed in by one of them
        request = urllib.request.Request(f"{server.url}/admin/identifiers/", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=60) as page:
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
            cookie = str(page.headers["Set-Cookie"]).split(";", 1)[0]  # the session now holds its token
        assert token is not None
        statuses: list[int | str] = []
        _all_at_once(lambda: statuses.append(_form_post(server.url, cookie, token.group(1))))
        # Every worker knew the session and its CSRF token: each POST reached the view (404: there
        # is no run 1 here) rather than 400 (token refused) or 401 (session unknown).
        assert Counter(statuses) == {404: CONCURRENT}

        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (len(_workers(server.process.pid)) < 2 or workers[0] in _workers(server.process.pid)):
            time.sleep(0.2)
        replaced = _workers(server.process.pid)
        assert len(replaced) == 2 and workers[0] not in replaced and workers[1] in replaced
        with urllib.request.urlopen(request, timeout=60) as page:
            assert page.status == 200
    assert not any(Path(f"/proc/{pid}").exists() for pid in replaced)  # stopped with the server
