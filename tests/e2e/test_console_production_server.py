"""`ssid serve` in production: waitress with its threads answering many people at once, no
version in ``Server``, no password printed, and no start while a demo account still signs in
with its well-known password; `--dev` keeps Flask's server and prints the demo sign-ins."""

from __future__ import annotations

import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
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
        start = threading.Barrier(CONCURRENT)
        statuses: list[int | str] = []
        servers: set[str] = set()

        def fetch() -> None:
            start.wait()
            request = urllib.request.Request(f"{server.url}/admin/student/", headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    body = answer.read().decode()
                    statuses.append(answer.status if "Local ID" in body or "local_id" in body.lower() else "not the table")
                    servers.add(answer.headers["Server"])
            except (urllib.error.URLError, OSError) as problem:
                statuses.append(repr(problem))

        threads = [threading.Thread(target=fetch) for _ in range(CONCURRENT)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert Counter(statuses) == {200: CONCURRENT}
        assert servers == {"SSID Workbench"}
    printed = "\n".join(server.printed)
    assert "a-district-password" not in printed and "demo-demo" not in printed and "admin-demo" not in printed


def test_development_keeps_flasks_server_and_names_no_version(demo_database: str, tmp_path: Path) -> None:
    with serving(demo_database, tmp_path) as server:
        assert "demo sign-in (admin): admin / admin-demo" in server.printed
        with urllib.request.urlopen(f"{server.url}/login", timeout=60) as answer:
            assert answer.headers["Server"] == "SSID Workbench"
    assert any("Running on" in line for line in server.printed)
