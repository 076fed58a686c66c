"""What protects every answer of the console (session cookie flags, security headers, no
inline script without the page's nonce), the production configuration that refuses to start
without a secret key, and `ssid serve` started for real: address, demo sign-ins, the same app."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from console.app import ConsoleConfigError, create_app
from store.database import open_database
from store.schema import init_schema
from tests.e2e.conftest import Signed
from tests.e2e.console_html import elements
from tests.e2e.console_server import SSID, environment, serving


def test_the_session_cookie_and_headers_protect_every_page(admin: Signed) -> None:
    client = admin.client
    client.get("/logout")  # a GET does not sign out (only the POST with a token does)
    fresh = client.application.test_client()
    login = fresh.get("/login")
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    for path in ("/login", "/admin/identifiers/", "/admin/student/", "/admin/history/"):
        answer = (fresh if path == "/login" else client).get(path)
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        policy = answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
        nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
        assert nonce is not None and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        # Every inline script carries this answer's nonce; every other script is served by the console.
        for script in elements(answer.get_data(as_text=True), "script"):
            src = script.attrs.get("src", "")
            assert src.startswith("/") or script.attrs.get("nonce") == nonce.group(1), (path, script.attrs)
        assert answer.headers["Cache-Control"] == "no-store"


def test_signing_out_needs_the_token(admin: Signed) -> None:
    assert admin.post("/logout", token=False).status_code == 400
    assert admin.get("/admin/identifiers/").status_code == 200
    assert admin.post("/logout").status_code == 302
    assert admin.get("/admin/identifiers/").status_code == 302


def test_production_refuses_to_start_without_a_secret_key(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSID_SECRET_KEY", raising=False)
    monkeypatch.delenv("SSID_ENV", raising=False)
    with pytest.raises(ConsoleConfigError, match="refuses to start in production without a secret key: set SSID_SECRET_KEY"):
        create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("SSID_SECRET_KEY", "a-long-random-value-for-this-test")
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "a-long-random-value-for-this-test" and app.config["GENERATED_SECRET"] is False
    app.extensions["ssid_jobs"].shutdown()


def test_ssid_serve_refuses_production_without_a_key(database_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [SSID, "serve", "--db", database_url, "--port", "1"], cwd=tmp_path, env=environment(),
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("ssid: the console refuses to start in production without a secret key")


def test_ssid_serve_runs_the_console_and_prints_the_demo_sign_ins(database_url: str, tmp_path: Path) -> None:
    demo = subprocess.run(
        [SSID, "demo-setup", "--db", database_url, "--students", "20"], cwd=tmp_path, env=environment(),
        capture_output=True, text=True, timeout=120,
    )
    assert demo.returncode == 0, demo.stderr
    with serving(database_url, tmp_path) as server:
        port, printed = server.port, server.printed
        assert printed[0] == f"SSID Workbench console: http://127.0.0.1:{port}  (database {database_url})"
        assert printed[1].startswith("development mode: using a secret key made up for this process")
        assert printed[2:4] == ["demo sign-in (admin): admin / admin-demo", "demo sign-in (auditor): auditor / auditor-demo"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as answer:
            assert answer.status == 200 and b"Sign in with your console account." in answer.read()


def test_a_database_without_demo_accounts_prints_no_sign_in(database_url: str, tmp_path: Path) -> None:
    database = open_database(database_url)
    init_schema(database)
    database.close()
    with serving(database_url, tmp_path) as server:
        assert server.printed[0].startswith(f"SSID Workbench console: {server.url}")
        assert not [line for line in server.printed if "demo sign-in" in line]
