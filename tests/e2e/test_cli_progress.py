"""Long loads show a progress bar on stderr when stderr is a terminal (a pseudo-terminal here), and
stdout still carries only the command's JSON."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import peewee

from domain.runs import RunState
from seed.sandbox import write_ods_download
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder

ROOT = Path(__file__).resolve().parents[2]


_ON_THE_BUILDERS_DAY = (
    "import console.cli.ods_commands as c; from tests.integration.workflow_builder import NOW; "
    "from workflows.run.stepping import Actor; c.actor_of = lambda ctx: Actor(ctx.actor, clock=lambda: NOW); "
)
"""Run before the command: the ODS audit takes the test district's day as today (its year is then current)."""


def _on_a_terminal(args: list[str], prelude: str = "") -> tuple[int, str, str]:
    """Run ``ssid args`` with stderr on a pseudo-terminal: (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-c", prelude + "from console.cli import main; main()", *args],
        env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out = process.stdout.read() if process.stdout else b""
    if process.stdout:
        process.stdout.close()
    return process.wait(timeout=60), out.decode(), shown.decode(errors="replace")


def test_the_ods_audit_shows_a_progress_bar_on_a_terminal(database: peewee.Database, database_url: str, tmp_path: Path) -> None:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.EXTRACT_LOADED)
    download = write_ods_download(builder.sandbox_url, tmp_path / "ods", today=TODAY, now=NOW)
    database.close()
    code, out, shown = _on_a_terminal(
        ["ods", "audit", str(download.file), "--out", str(tmp_path / "files"), "--review", "--db", database_url, "--json"],
        _ON_THE_BUILDERS_DAY,
    )
    assert code == 0, shown
    assert "reading SENR ODS download" in shown and "100%" in shown
    assert set(json.loads(out)) == {"files", "adds", "replaces", "deletes", "sela_updates"}


def test_loading_the_ssid_extract_shows_a_progress_bar_on_a_terminal(
    database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.UPDATED)
    database.close()
    args = ["run", "load-extract", str(builder.run_id), str(builder.files["extract"]), "--db", database_url, "--json"]
    code, out, shown = _on_a_terminal(args)
    assert code == 0, shown
    assert "reading SSID Extract" in shown and "100%" in shown
    assert json.loads(out)["state"] == "updated"
