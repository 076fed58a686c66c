"""The store's commands as a script uses them: `ssid db init`, `seed demo`, `roster import`,
`settings`, `user add`, `student show`, `demo-setup` — JSON on stdout, exit codes, one-line refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from console.cli import main
from store.schema import SCHEMA_VERSION
from seed.demo import generate_district
from store.database import open_database
from store.tables import StudentRow

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2025-10-15"


@pytest.fixture(autouse=True)
def sandbox_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`seed demo` also builds the simulated CALPADS: keep it out of the working directory."""
    path = tmp_path / "sandbox.db"
    monkeypatch.setenv("SSID_SANDBOX_DATABASE_URL", f"sqlite:///{path}")
    return path


def ssid(url: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "--db", url], input=stdin, catch_exceptions=False)


def ok(url: str, *args: str, stdin: str | None = None) -> Any:
    result = ssid(url, *args, "--json", stdin=stdin)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_init_then_seed_then_read_back(database_url: str) -> None:
    assert ok(database_url, "db", "init") == {"schema_version": SCHEMA_VERSION}
    assert ok(database_url, "db", "init") == {"schema_version": SCHEMA_VERSION}
    assert ok(database_url, "seed", "demo", "--students", "40", "--today", TODAY) == {"students": 40, "schools": 6}
    assert ok(database_url, "settings", "show") == {
        "lea": "1964212",
        "year": "2025-2026",
        "schools": ["1936145", "6019715", "6019723", "6019731", "6105217"],
        "email": "calpads-coordinator@rhvusd.example.org",
    }
    retired = generate_district(40, seed=1, today=dt.date(2025, 10, 15)).student(2)
    shown = ok(database_url, "student", "show", retired.student.local_id)
    assert shown["ssid"] == retired.retired_ssid
    assert set(shown) == {"local_id", "ssid", "old_state_id", "elas", "elas_date", "swd"}
    newcomer = ok(database_url, "student", "show", "100008")
    assert (newcomer["ssid"], newcomer["old_state_id"], newcomer["swd"]) == (None, None, None)


def test_settings_set_changes_only_what_is_given(database_url: str) -> None:
    ok(database_url, "db", "init")
    changed = ok(database_url, "settings", "set", "--lea", "1964212", "--year", "2025-2026", "--schools", "6019715,1936145")
    assert changed == {"lea": "1964212", "year": "2025-2026", "schools": ["1936145", "6019715"], "email": None}
    refused = ssid(database_url, "settings", "set", "--year", "2025-2027", "--email", "a@b.org")
    assert refused.exit_code == 2
    assert refused.stderr == "ssid: Academic Year ID: must be CCYY-CCYY with consecutive years\n"
    assert ok(database_url, "settings", "show")["email"] is None


def test_user_add_reads_the_password_from_stdin(database_url: str) -> None:
    ok(database_url, "db", "init")
    assert ok(database_url, "user", "add", "maria", "--role", "auditor", stdin="s3cret-enough\n") == {"user": "maria", "role": "auditor"}
    again = ssid(database_url, "user", "add", "maria", "--role", "admin", stdin="s3cret-enough\n")
    assert (again.exit_code, again.stderr) == (2, "ssid: user maria already exists\n")


def test_a_bad_roster_is_refused_naming_line_and_column(database_url: str, tmp_path: Path) -> None:
    ok(database_url, "db", "init")
    header = (
        "local_id,legal_first,legal_middle,legal_last,suffix,alias_first,alias_middle,alias_last,birth_date,gender,"
        "birth_city,birth_state,birth_country,ssid,school,grade,enroll_start,enroll_exit,exit_reason,enroll_status,"
        "elas,elas_date,primary_language,swd,guardian1_first,guardian1_last,guardian2_first,guardian2_last,address,"
        "city,state,zip,active"
    )
    row = "{id},Ana,,Ruiz,,,,,{born},F,Pasadena,US-CA,US,,6019715,03,2025-08-13,,,10,EO,,00,N,,,,,,,,,Y"
    good = [row.format(id=100 + n, born="2017-05-01") for n in range(5)]
    roster = tmp_path / "roster.csv"
    roster.write_text("\r\n".join([header, *good, row.format(id=200, born="2017-13-01")]) + "\r\n", encoding="utf-8")
    refused = ssid(database_url, "roster", "import", str(roster))
    assert refused.exit_code == 2
    assert refused.stderr == "ssid: roster.csv, line 7, field 9 (birth_date): is not a real calendar date\n"
    assert refused.stdout == ""
    with open_database(database_url):
        assert StudentRow.select().count() == 0
    roster.write_text("\r\n".join([header, *good]) + "\r\n", encoding="utf-8")
    assert ok(database_url, "roster", "import", str(roster)) == {"students": 5, "enrollments": 5}


def test_commands_refuse_a_database_without_schema(database_url: str) -> None:
    refused = ssid(database_url, "student", "show", "1")
    assert (refused.exit_code, refused.stderr) == (2, "ssid: the database has no tables yet: run `ssid db init` first\n")


def test_demo_setup_creates_once_then_leaves_the_database_alone(database_url: str, tmp_path: Path) -> None:
    assert ok(database_url, "demo-setup", "--students", "30") == {"created": True, "students": 30}
    assert ok(database_url, "demo-setup", "--students", "30") == {"created": False, "students": 30}
    # The simulated CALPADS was populated with it: its SSID Extract lists the district's students.
    extract = ok(database_url, "sandbox", "extract", "--out", str(tmp_path / "extract"))
    assert extract["records"] > 20


@pytest.mark.slow
def test_the_installed_command_runs_init_and_seed_in_a_fresh_directory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SSID_DATABASE_URL", None)
    command = [sys.executable, "-c", "from console.cli import main; main()"]

    def run(*args: str) -> Any:
        done = subprocess.run([*command, *args, "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert run("db", "init") == {"schema_version": SCHEMA_VERSION}
    assert run("seed", "demo", "--students", "50", "--today", TODAY) == {"students": 50, "schools": 6}
    assert (tmp_path / "instance" / "ssid.db").is_file()  # the default: sqlite:///instance/ssid.db under the cwd
