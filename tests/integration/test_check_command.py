"""`ssid check` (issue 17): every file the sandbox produces is clean (exit 0); every broken file of
the catalogue (tests/integration/test_workflow_file_catalogue.py) is found out, exit 1 (problems,
each named by line, field and rule) or 2 (not readable at all, naming the line); no database is
ever opened; the findings CSV is owner-only."""

from __future__ import annotations

import csv
import json
import re
import stat
from pathlib import Path

import peewee
import pytest
from click.testing import CliRunner

from console.cli import main
from console.cli.check_commands import FINDING_COLUMNS
from domain.runs import RunState
from domain.writers import write_sela
from tests.integration.test_workflow_broken_files import LOADS
from tests.integration.test_workflow_file_catalogue import BREAKAGES, TOLERATED
from tests.integration.workflow_builder import RunBuilder, sela_record

TODAY = "2025-10-15"
LEA = "1964212"
NO_DATABASE = "sqlite:////nonexistent/folder/never-opened.db"


def _check(path: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(
        main, ["check", str(path), "--today", TODAY, "--lea", LEA, "--json", "--db", NO_DATABASE, *args], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.fixture
def sandbox_files(database: peewee.Database, tmp_path: Path) -> dict[str, Path]:
    """Every kind of file of a run against the sandbox, and a SELA ODS download of its students."""
    builder = RunBuilder(database, tmp_path, students=40)
    builder.to(RunState.UPDATED)
    files = dict(builder.files)
    files["ods"] = LOADS["senr_ods"].good(builder)
    students = [s.student for s in builder.district.students() if s.student.ssid][:4]
    files["sela"] = builder.write("sela.txt", write_sela, [sela_record(s.local_id, s.ssid or "", "EL", "20250820") for s in students])
    return files


def test_every_file_the_sandbox_produces_is_clean(sandbox_files: dict[str, Path]) -> None:
    kinds = {}
    for name, path in sandbox_files.items():
        code, result, stderr = _check(path)
        assert (code, result["errors"], stderr) == (0, 0, ""), (name, result["problems"])
        assert result["lines"] == len(path.read_bytes().splitlines())
        kinds[name] = result["kind"]
    assert kinds == {
        "request": "SENR", "results": "SSID Match result", "updated": "SENR", "extract": "SSID Extract",
        "replacements": "Replacement SSIDs Extract", "ods": "SENR ODS download", "sela": "SELA ODS download",
    }


_GOOD = {"match_results": "results", "ssid_extract": "extract", "replacement_ssids": "replacements", "senr_ods": "ods", "sela": "sela"}


def test_every_broken_file_of_the_catalogue_is_found_out_naming_its_line(sandbox_files: dict[str, Path], tmp_path: Path) -> None:
    seen = 0
    for load in LOADS:
        good = sandbox_files[_GOOD[load]]
        for breakage, broken in BREAKAGES.items():
            path = tmp_path / f"{load}_{breakage}{good.suffix}"
            path.write_bytes(broken(None, good) if breakage != "other_district" else good.read_bytes().replace(LEA.encode(), b"1964220"))  # type: ignore[arg-type]
            if path.read_bytes() == good.read_bytes():
                continue  # the breakage leaves this file as it was (the catalogue skips it too)
            code, result, stderr = _check(path)
            if (load, breakage) in TOLERATED:
                assert code == 0 or load == "sela", (load, breakage, result["problems"])
                continue
            seen += 1
            problems = result["problems"]
            assert isinstance(problems, list) and problems, (load, breakage)
            assert code in (1, 2), (load, breakage)
            assert all(isinstance(p["line"], int) and p["line"] >= 1 and p["rule"] for p in problems)
            if code == 2:
                assert re.match(rf"ssid: {re.escape(path.name)}, line \d+: ", stderr), stderr
    assert seen >= 35


def test_the_table_the_findings_csv_and_the_exit_codes(sandbox_files: dict[str, Path], tmp_path: Path) -> None:
    lines = sandbox_files["extract"].read_bytes().split(b"\r\n")
    fields = lines[1].split(b"^")
    fields[8], fields[10] = b"20151341", b"99"  # a date that is no date, a grade that is no grade
    lines[1] = b"^".join(fields)
    lines[2] = lines[2][:-12]  # cut short
    broken = tmp_path / "extract.txt"
    broken.write_bytes(b"\r\n".join(lines))
    findings = tmp_path / "findings.csv"
    result = CliRunner().invoke(main, ["check", str(broken), "--today", TODAY, "--csv", str(findings)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "extract.txt: SSID Extract, SSID Extract current (16 columns)"
    assert "       2  9 Student Birth Date" in result.stdout and "FRMT0002" in result.stdout
    assert "       2  11 Grade Level Code" in result.stdout and "GERR0002" in result.stdout
    with findings.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert tuple(rows[0]) == FINDING_COLUMNS
    assert [row[:4] for row in rows[1:]] == [
        ["2", "9", "Student Birth Date", "FRMT0002"], ["2", "11", "Grade Level Code", "GERR0002"], ["3", "", "", "LAYOUT"],
    ]
    assert stat.S_IMODE(findings.stat().st_mode) == 0o600

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, result_json, stderr = _check(empty)
    assert (code, result_json["problems"]) == (2, [
        {"line": 1, "field": None, "field_name": "", "rule": "READ", "severity": "error",
         "message": "is an empty file, not a CALPADS file the checker knows"},
    ])
    assert stderr == "ssid: empty.txt, line 1: is an empty file, not a CALPADS file the checker knows\n"
    missing = CliRunner().invoke(main, ["check", str(tmp_path / "nope.txt")])
    assert (missing.exit_code, missing.stderr) == (2, f"ssid: {tmp_path / 'nope.txt'}: no such file\n")
