"""Files holding student data are created readable by their owner only, whatever the umask: the
command line's databases (with SQLite's -wal and -shm), the SENR file it writes and the sandbox's
match results; the console's uploads and the files it writes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from domain.runs import RunState
from tests.e2e.conftest import ADMIN, Sandbox, make_app, sign_in
from tests.e2e.console_drive import drive_to
from tests.e2e.console_server import SSID, environment


@pytest.fixture
def common_umask() -> Iterator[None]:
    """The umask most systems start with (files 0644, folders 0755), restored afterwards."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _open_to_others(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root)} {stat.filemode(path.stat().st_mode)}"
        for path in sorted(root.rglob("*"))
        if path.stat().st_mode & 0o077
    ]


def _ssid(cwd: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [SSID, *args, "--db", "sqlite:///data/ssid.db", "--sandbox-db", "sqlite:///data/sandbox.db", "--json"],
        cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_command_line_creates_owner_only_files(common_umask: None, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir(mode=0o700)
    _ssid(work, "demo-setup", "--students", "20")
    _ssid(work, "run", "start")
    _ssid(work, "run", "resolve-mids", "1", "--attest", "--acknowledge-all")
    made = _ssid(work, "run", "create-senr", "1", "--out", "out/requests")
    _ssid(work, "sandbox", "match", str(made["file"]), "--out", "out/results")
    created = {str(p.relative_to(work)) for p in work.rglob("*")}
    assert {"data/ssid.db", "data/sandbox.db", "out/requests", "out/results"} <= created, created
    assert any(name.startswith("out/results/") for name in created)
    assert _open_to_others(work) == []  # -wal and -shm, when a process left them, included


def test_the_console_creates_owner_only_uploads_and_files(
    common_umask: None, district: object, sandbox: Sandbox, database_url: str, tmp_path: Path
) -> None:
    app: Flask = make_app(database_url, tmp_path)
    try:
        admin = sign_in(app, *ADMIN)
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        drive_to(admin, sandbox, downloads, RunState.RESULTS_LOADED)
        instance = tmp_path / "instance"
        assert any((instance / "uploads").iterdir()) or any((instance / "files").iterdir())
        assert _open_to_others(instance) == []
        for database in tmp_path.glob("*.db*"):
            assert stat.S_IMODE(database.stat().st_mode) == 0o600, database
    finally:
        app.extensions["ssid_jobs"].shutdown()
