"""Exports for the SIS (issue 17): after a whole run on the demo district against the sandbox, the
changes CSV lists exactly the fields the apply changed (the students' identity fields before and
after, and the identity journal), the applied SSID Extract holds exactly the lines that changed a
student and reads back through ``domain.readers``; after undo the export lists the undo. The same
for a Replacement SSIDs batch and a SELA import; ``--since`` gathers them all; files are owner-only;
every export is journaled."""

from __future__ import annotations

import csv
import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import peewee
import pytest
from click.testing import CliRunner

from console.cli import main
from console.exports import CHANGES_COLUMNS, neutralised
from domain.readers import open_ssid_extract
from domain.runs import BatchKind, RunState
from store.bulk import tuples
from store.database import database_proxy
from store.identity_journal import identity_history
from store.tables import BatchRow, ExportRow, LanguageStatusRow, PreviewLineRow, SpecialEducationRow, StudentRow
from tests.integration.workflow_builder import TODAY, RunBuilder, actor, sela_record
from domain.writers import write_sela
from workflows.batches import replacement, sela
from workflows.run import extract

Identity = dict[str, dict[str, str | None]]


def _identities() -> Identity:
    """Every student's identity fields as the changes CSV writes them (text, ``None`` when blank)."""
    query = (
        StudentRow.select(StudentRow.local_id, StudentRow.ssid, StudentRow.old_state_id, LanguageStatusRow.elas,
                          LanguageStatusRow.elas_start, SpecialEducationRow.swd)
        .join(LanguageStatusRow, peewee.JOIN.LEFT_OUTER, on=(LanguageStatusRow.student == StudentRow.id))
        .switch(StudentRow)
        .join(SpecialEducationRow, peewee.JOIN.LEFT_OUTER, on=(SpecialEducationRow.student == StudentRow.id))
    )
    found: Identity = {}
    for local_id, ssid, old, elas, start, swd in tuples(query):
        found[local_id] = {
            "ssid": ssid or None, "old_state_id": old or None, "elas": elas or None,
            "elas_start": str(start)[:10] if start else None, "swd": swd or None,
        }
    return found


def _differences(before: Identity, after: Identity) -> set[tuple[str, str, str, str]]:
    return {
        (local_id, name, before.get(local_id, {}).get(name) or "", value or "")
        for local_id, fields in after.items()
        for name, value in fields.items()
        if (before.get(local_id, {}).get(name) or None) != (value or None)
    }


def _export(database_url: str, database: peewee.Database, *args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(main, ["export", "changes", *args, "--db", database_url, "--json", "--as", "ana"])
    database_proxy.initialize(database)
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else {}, result.stderr


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert tuple(rows[0]) == CHANGES_COLUMNS
    return [dict(zip(CHANGES_COLUMNS, row)) for row in rows[1:]]


def _changes(rows: list[dict[str, str]], action: str) -> set[tuple[str, str, str, str]]:
    return {(r["local_id"], r["field"], r["old_value"], r["new_value"]) for r in rows if r["action"] == action}


def _owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_extract_export_lists_exactly_what_the_apply_changed_and_then_its_undo(
    database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.UPDATED)
    before = _identities()
    extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    extract.apply_extract(builder.store, builder.run_id, actor("maria"))
    after = _identities()
    changed = _differences(before, after)
    assert len(changed) >= 5
    batch = BatchRow.get(BatchRow.kind == BatchKind.EXTRACT.value)

    code, result, _ = _export(database_url, database, "--batch", str(batch.id), "--out", str(tmp_path / "sis"))
    assert code == 0
    changes_csv, applied_extract = (Path(name) for name in result["files"])
    rows = _csv(changes_csv)
    assert _changes(rows, "applied") == changed and len(rows) == len(changed) == result["changes"]
    assert {(r["batch"], r["batch_kind"], r["run"], r["by"]) for r in rows} == {(str(batch.id), "SSID Extract", str(builder.run_id), "maria")}
    # The identity journal says the same, student by student.
    for local_id in {r["local_id"] for r in rows}:
        journaled = {(e.old or "", e.new or "") for e in identity_history(local_id) if e.batch_id == batch.id}
        assert journaled >= {(r["old_value"], r["new_value"]) for r in rows if r["local_id"] == local_id and r["field"] != "elas_start"}

    # Exactly the file's lines that changed a student, byte for byte, in file order; read back.
    original = builder.files["extract"].read_bytes().split(b"\r\n")
    p = PreviewLineRow
    applied_lines = [
        line for (line,) in tuples(p.select(p.line).where(
            (p.batch == batch.id) & p.applied
            & (p.ssid_new.is_null(False) | p.elas_new.is_null(False) | p.elas_start_new.is_null(False) | p.swd_new.is_null(False))
        ).order_by(p.line))
    ]
    assert applied_extract.read_bytes() == b"".join(original[n - 1] + b"\r\n" for n in applied_lines)
    read_back = list(open_ssid_extract(applied_extract))
    assert {r.local_id for r in read_back} == {r["local_id"] for r in rows} and len(read_back) == result["extract_lines"]
    assert len(applied_lines) < len(original) - 1  # unchanged lines were left out
    assert _owner_only(changes_csv) and _owner_only(applied_extract)

    extract.undo_extract(builder.store, builder.run_id, actor("jose"))
    assert _identities() == before
    code, result, _ = _export(database_url, database, "--batch", str(batch.id), "--out", str(tmp_path / "undo"))
    assert code == 0 and len(result["files"]) == 1 and "undone" in result["note"]
    rows = _csv(Path(result["files"][0]))
    assert _changes(rows, "applied") == changed
    assert _changes(rows, "undone") == {(local_id, name, new, old) for local_id, name, old, new in changed}
    assert {r["by"] for r in rows if r["action"] == "undone"} == {"jose"}
    assert [r["action"] for r in rows] == sorted((r["action"] for r in rows), key=["applied", "undone"].index)

    journal = list(ExportRow.select().order_by(ExportRow.id))
    assert [(e.actor, e.batch_id, e.changes) for e in journal] == [("ana", batch.id, len(changed)), ("ana", batch.id, 2 * len(changed))]
    assert journal[0].files.splitlines() == [changes_csv.name, applied_extract.name]


def test_replacement_and_sela_exports_and_everything_since_a_day(
    database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.EXTRACT_LOADED)
    before = _identities()
    loaded = replacement.load_replacements(builder.store, builder.files["replacements"], actor())
    replacement.apply_replacements(builder.store, loaded.batch.id, actor())
    replaced = _differences(before, _identities())
    assert replaced and {name for _, name, _, _ in replaced} == {"ssid", "old_state_id"}
    code, result, _ = _export(database_url, database, "--batch", str(loaded.batch.id), "--out", str(tmp_path / "r"))
    assert code == 0 and len(result["files"]) == 1  # no SSID Extract for a Replacement batch
    assert _changes(_csv(Path(result["files"][0])), "applied") == replaced

    without_elas = LanguageStatusRow.select(LanguageStatusRow.student).where(LanguageStatusRow.elas.is_null(False) & (LanguageStatusRow.elas != "TBD"))
    student_id: Any = StudentRow._meta.primary_key  # declared `id: int` for mypy; the column is a field
    students = list(
        StudentRow.select().where(StudentRow.ssid.is_null(False) & student_id.not_in(without_elas)).order_by(StudentRow.local_id).limit(2)
    )
    assert len(students) == 2
    # A name a spreadsheet would run as a formula: the CSV neutralises it.
    StudentRow.update(legal_last="=HYPERLINK(\"http://x\")").where(StudentRow.id == students[0].id).execute()
    path = builder.write("sela.txt", write_sela, [sela_record(s.local_id, s.ssid or "", "EL", "20250901") for s in students])
    before_sela = _identities()
    preview = sela.load_sela(builder.store, path, actor())
    sela.apply_sela(builder.store, preview.batch.id, actor())
    sela_changes = _differences(before_sela, _identities())
    assert sela_changes
    code, result, _ = _export(database_url, database, "--batch", str(preview.batch.id), "--out", str(tmp_path / "s"))
    rows = _csv(Path(result["files"][0]))
    assert _changes(rows, "applied") == sela_changes
    assert {r["legal_last"] for r in rows if r["local_id"] == students[0].local_id} == {"'=HYPERLINK(\"http://x\")"}

    day = (TODAY - dt.timedelta(days=400)).isoformat()  # the builder's clock is fixed: every change is after
    code, result, _ = _export(database_url, database, "--since", day, "--out", str(tmp_path / "since"))
    assert code == 0
    everything = _csv(Path(result["files"][0]))
    batches = {r["batch"] for r in everything}
    assert {str(loaded.batch.id), str(preview.batch.id)} <= batches and len(batches) == 3
    assert [r["at"] for r in everything] == sorted(r["at"] for r in everything)
    assert _owner_only(Path(result["files"][0]))
    code, result, _ = _export(database_url, database, "--since", "2999-01-01", "--out", str(tmp_path / "none"))
    assert code == 0 and result["changes"] == 0


def test_nothing_to_export_is_refused(database: peewee.Database, database_url: str, tmp_path: Path) -> None:
    builder = RunBuilder(database, tmp_path, students=20)
    builder.to(RunState.UPDATED)
    preview = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    code, _, stderr = _export(database_url, database, "--batch", str(preview.batch.id), "--out", str(tmp_path / "x"))
    assert (code, stderr) == (2, f"ssid: batch {preview.batch.id} is loaded, not applied: it has changed nothing yet\n")
    code, _, stderr = _export(database_url, database, "--batch", "999", "--out", str(tmp_path / "x"))
    assert (code, stderr) == (2, "ssid: no batch 999\n")
    code, _, stderr = _export(database_url, database, "--batch", "1", "--since", "2025-01-01", "--out", str(tmp_path / "x"))
    assert (code, stderr) == (2, "ssid: give exactly one of --batch N and --since YYYY-MM-DD\n")
    assert ExportRow.select().count() == 0 and not (tmp_path / "x").exists()


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx"])
def test_a_formula_start_is_neutralised(cell: str) -> None:
    assert neutralised(cell) == "'" + cell
    assert neutralised("Lopez-Garcia") == "Lopez-Garcia"
