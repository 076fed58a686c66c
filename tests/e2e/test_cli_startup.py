"""What an ``ssid`` command loads before it starts working (its fixed start-up cost; timed in
``bench``, row "ssid start-up"): ``ssid --help`` lists the commands without importing their
modules, yet exactly as click lists the commands themselves; a command on SQLite never loads the
PostgreSQL driver (nor the mail client), and one on PostgreSQL still gets it; the run's commands
never load the matching assistant nor what is built on it (the duplicate search, the OneRoster
reader), which only a command comparing students or reading an export needs.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from console.cli import _COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]


_WATCHED = ("psycopg", "peewee", "smtplib", "console.cli.run_commands", "console.cli.sandbox_commands")

_MATCHING = ("domain.matching", "domain.duplicates._search", "domain.oneroster._read")
"""The matching assistant (its name tables), the duplicate search and the OneRoster reader."""

_RUN_COMMANDS = (("run", "--help"), ("run", "load-extract", "--help"), ("run", "apply-extract", "--help"),
                 ("ods", "audit", "--help"))
"""The run's commands whose start-up ``bench`` times (with ``ssid run status``, which needs a database)."""


def _modules_after(*argv: str, watched: tuple[str, ...] = _WATCHED) -> dict[str, bool]:
    """Run ``ssid argv`` in a fresh interpreter; which of the ``watched`` modules it had loaded at the end."""
    probe = (
        "import json, sys\n"
        "from console.launcher import main\n"
        f"sys.argv = ['ssid', *{list(argv)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"names = {watched!r}\n"
        "print(json.dumps({n: n in sys.modules for n in names}), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return dict(json.loads(done.stderr.strip().splitlines()[-1]))


def _init_database(url: str) -> None:
    subprocess.run([sys.executable, "-m", "console.launcher", "db", "init", "--db", url], cwd=ROOT, check=True,
                   capture_output=True)


def test_help_lists_every_command_with_its_own_summary() -> None:
    listed = CliRunner().invoke(main, ["--help"], prog_name="ssid")
    commands = []
    for name, (module, _) in _COMMANDS.items():
        commands += [c for c in importlib.import_module(module).COMMANDS if c.name == name]
    assert sorted(c.name or "" for c in commands) == sorted(_COMMANDS)
    itself = click.Group("ssid", commands=commands, help=main.help, context_settings=main.context_settings)
    expected = CliRunner().invoke(itself, ["--help"], prog_name="ssid")
    assert listed.exit_code == 0
    assert listed.output == expected.output


def test_help_imports_no_command_and_no_database_layer() -> None:
    loaded = _modules_after("--help")
    assert loaded == {"psycopg": False, "peewee": False, "smtplib": False, "console.cli.run_commands": False,
                      "console.cli.sandbox_commands": False}


def test_a_command_on_sqlite_does_not_load_the_postgresql_driver(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ssid.db'}"
    _init_database(url)
    loaded = _modules_after("run", "status", "1", "--db", url)
    assert loaded["console.cli.run_commands"] and loaded["peewee"]
    assert not loaded["psycopg"] and not loaded["smtplib"]  # the mail client too, until mail is sent


def test_a_command_on_postgresql_loads_the_driver_when_it_opens_the_database(database_url: str) -> None:
    # database_url: a schema of its own on PostgreSQL (the server's public schema is left alone).
    if not database_url.startswith("postgresql"):
        pytest.skip("needs SSID_TEST_DATABASE_URL (PostgreSQL)")
    _init_database(database_url)
    loaded = _modules_after("run", "status", "999999", "--db", database_url)
    assert loaded["psycopg"]


@pytest.mark.parametrize("argv", _RUN_COMMANDS, ids=" ".join)
def test_the_runs_commands_do_not_load_the_matching_assistant(argv: tuple[str, ...]) -> None:
    group = "console.cli.ods_commands" if argv[0] == "ods" else "console.cli.run_commands"
    loaded = _modules_after(*argv, watched=(group, *_MATCHING))
    assert loaded == {group: True, **dict.fromkeys(_MATCHING, False)}


def test_a_runs_status_does_not_load_the_matching_assistant_but_bulk_accept_does(tmp_path: Path) -> None:
    # Run 1 does not exist: both commands open the database, look for it and refuse.
    url = f"sqlite:///{tmp_path / 'ssid.db'}"
    _init_database(url)
    status = _modules_after("run", "status", "1", "--db", url, watched=_MATCHING)
    bulk_accept = _modules_after("run", "bulk-accept", "1", "--dry-run", "--db", url, watched=_MATCHING)
    assert status == dict.fromkeys(_MATCHING, False)
    assert bulk_accept["domain.matching"]
