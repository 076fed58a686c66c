"""`ssid ods audit --review`, `ods list`, `ods show`, `ods create-files` and `ssid sela load|apply|undo`:
an audit reviewed by a person before its files are written, and the SELA import on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import peewee
import pytest
from click.testing import CliRunner, Result

from console.cli import main
from domain.runs import RunState
from domain.writers import write_sela
from seed.sandbox import write_ods_download
from store.database import database_proxy
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, sela_record


def _ssid(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--db", url, "--json", "--as", "ana"], catch_exceptions=False)


def _ok(url: str, *args: str) -> Any:
    result = _ssid(url, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.usefixtures("cli_on_the_builders_day")
def test_an_audit_reviewed_before_its_files_are_written(database: peewee.Database, database_url: str, tmp_path: Path) -> None:
    builder = RunBuilder(database, tmp_path, students=200)
    builder.to(RunState.EXTRACT_LOADED)
    download = write_ods_download(builder.sandbox_url, tmp_path / "ods", today=TODAY, now=NOW).file

    loaded = _ssid(database_url, "ods", "audit", str(download), "--out", str(tmp_path / "files"), "--review")
    assert loaded.exit_code == 0
    counts = json.loads(loaded.stdout)
    assert counts["files"] == [] and counts["deletes"] > 0
    [listed] = _ok(database_url, "ods", "list")["audits"]
    audit = str(listed["audit"])  # batches of every kind share one numbering: the extract was batch 1
    assert (listed["audit"], listed["state"], listed["file"], listed["loaded_by"]) == (2, "loaded", download.name, "ana")
    assert "ssid: ODS audit 2 kept for review: `ssid ods show 2`, then `ssid ods create-files 2`\n" in loaded.stderr
    assert not (tmp_path / "files").exists() or not list((tmp_path / "files").iterdir())
    shown = _ok(database_url, "ods", "show", audit)
    assert (shown["state"], shown["deletes"], len(shown["delete_list"])) == ("loaded", counts["deletes"], counts["deletes"])
    assert {d["reason"] for d in shown["delete_list"]} <= {"not_enrolled_locally", "enrollment_changed"}
    assert shown["errors"] == []

    unreviewed = _ssid(database_url, "ods", "create-files", audit, "--out", str(tmp_path / "files"))
    assert (unreviewed.exit_code, unreviewed.stderr) == (2, f"ssid: the ODS audit lists {counts['deletes']} delete(s): review them first\n")
    made = _ok(database_url, "ods", "create-files", audit, "--out", str(tmp_path / "files"), "--deletes-reviewed")
    assert [Path(f).name.split("_SENR_ODS_")[1] for f in made["files"]][0] == "1_Deletes.txt"
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == sorted(Path(f).name for f in made["files"])
    assert _ok(database_url, "ods", "show", audit)["state"] == "files_created"
    again = _ssid(database_url, "ods", "create-files", audit, "--out", str(tmp_path / "files"), "--deletes-reviewed")
    assert (again.exit_code, again.stderr) == (2, "ssid: the ODS audit 2 already has its files; create_files needs it evaluated\n")
    database_proxy.initialize(database)


def test_the_sela_import_on_its_own(database: peewee.Database, database_url: str, tmp_path: Path) -> None:
    builder = RunBuilder(database, tmp_path, students=40)
    builder.to(RunState.EXTRACT_LOADED)
    student = builder.district.student(9).student  # the new kindergartner: ELAS not yet known
    sela = builder.write("sela.txt", write_sela, [sela_record(student.local_id, "", "IFEP", "20250910"), sela_record("999999", "", "EL", "20250910")])
    database.close()
    loaded = _ssid(database_url, "sela", "load", str(sela))
    assert loaded.exit_code == 0 and json.loads(loaded.stdout) == {"batch": 2, "changes": 1, "unmatched": 1}
    assert loaded.stderr == "ssid: line 2, student 999999: no local student: not applied\n"
    assert _ok(database_url, "sela", "apply", "2") == {"batch": 2, "updated": 1}
    shown = _ok(database_url, "student", "show", student.local_id)
    assert (shown["elas"], shown["elas_date"]) == ("IFEP", "2025-09-10")
    assert _ok(database_url, "sela", "undo", "2") == {"batch": 2, "restored": 2}
    assert _ok(database_url, "student", "show", student.local_id)["elas"] == student.language.elas
    database_proxy.initialize(database)
