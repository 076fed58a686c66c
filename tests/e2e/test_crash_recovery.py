"""SIGKILL at several points while applying an SSID Extract, while writing the ODS audit files,
and during a console background load: afterwards the database passes its integrity check, the
run's state agrees with the students' data (all or nothing), the job shows as failed (abandoned),
and a retry completes. The kill points are in tests/e2e/crash_runner.py."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import peewee
import pytest
from click.testing import CliRunner

from console.cli import main
from console.jobs import job_status
from domain.runs import RunState
from seed.sandbox import write_ods_download
from store.database import database_proxy
from store.tables import (
    BatchChangeRow,
    BatchRow,
    GeneratedFileRow,
    JobRow,
    LanguageStatusRow,
    RunRow,
    SpecialEducationRow,
    StudentRow,
)
from tests.e2e.conftest import make_app
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor
from workflows.run import extract
from workflows.files import count_lines

ROOT = Path(__file__).resolve().parents[2]
STUDENTS = 1500


def _environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("SSID_SMTP_HOST", "SSID_DATABASE_URL"):
        env.pop(name, None)
    return env


def _killed(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.crash_runner", *args], env=_environment(), cwd=ROOT,
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stdout, done.stderr)
    return done


def _students() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for model in (StudentRow, LanguageStatusRow, SpecialEducationRow):
        query: Any = model.select().tuples()
        rows.extend(sorted(tuple(repr(v) for v in row) for row in query))
    return rows


def _intact(connected: peewee.Database) -> None:
    connected.connect(reuse_if_open=True)
    sql: Any = connected.execute_sql  # untyped upstream
    if isinstance(connected, peewee.SqliteDatabase):
        assert sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert sql("PRAGMA foreign_key_check").fetchall() == []
    else:  # PostgreSQL: every journal row points at a student and a batch that exist
        orphans = sql(
            "SELECT COUNT(*) FROM batch_change c LEFT JOIN student s ON s.id = c.student_id "
            "LEFT JOIN batch b ON b.id = c.batch_id WHERE s.id IS NULL OR b.id IS NULL"
        ).fetchone()
        assert orphans == (0,)


def _abandoned(kind: str) -> None:
    job = JobRow.select().where(JobRow.kind == kind).order_by(JobRow.created_at.desc()).first()
    assert job is not None and job.state in ("queued", "running")  # as the killed process left it
    status = job_status(job.id)
    assert status is not None and status.state == "failed"
    assert status.error is not None and status.error.startswith(f"abandoned: the process running it ({job.owner}) stopped")
    assert JobRow.get_by_id(job.id).state == "failed"  # recorded, not only shown


@pytest.fixture
def loaded(database: peewee.Database, tmp_path: Path) -> tuple[RunBuilder, int]:
    builder = RunBuilder(database, tmp_path, students=STUDENTS)
    builder.to(RunState.UPDATED)
    preview = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    assert preview.changes > 0 and count_lines(builder.files["extract"]) > 1000
    return builder, preview.changes


@pytest.mark.parametrize("point", ["after_state", "statement:3", "statement:9", "before_commit", "after_commit"])
def test_an_apply_killed_at_any_point_is_all_or_nothing_and_can_be_retried(
    point: str, loaded: tuple[RunBuilder, int], database: peewee.Database, database_url: str
) -> None:
    builder, changes = loaded
    before = _students()
    database.close()
    _killed(point, "--", "run", "apply-extract", str(builder.run_id), "--db", database_url, "--json", "--as", "maria")

    _intact(database)
    run = RunRow.get_by_id(builder.run_id)
    batch = BatchRow.select().where(BatchRow.run == builder.run_id).get()
    journal = BatchChangeRow.select(BatchChangeRow.student).where(BatchChangeRow.batch == batch.id).distinct().count()
    _abandoned("apply_extract")
    after = _students()
    retry = CliRunner().invoke(main, ["run", "apply-extract", str(builder.run_id), "--db", database_url, "--json"])
    if point == "after_commit":  # everything was written: the state says so, a retry has nothing to do
        assert (run.state, batch.state, journal) == (RunState.EXTRACT_LOADED.value, "applied", changes)
        assert after != before
        assert retry.exit_code == 2
        assert retry.stderr == "ssid: apply_extract needs a run in state updated; this run is in state extract_loaded; now you can undo the applied SSID Extract, which brings the run back to updated (ssid run undo-extract; Load SSID tab), or start a new run (ssid run start; Run tab)\n"
        return
    assert (run.state, batch.state, journal) == (RunState.UPDATED.value, "loaded", 0)
    assert after == before  # nothing of the apply is left
    assert retry.exit_code == 0, retry.stderr
    assert json.loads(retry.stdout) == {"run": builder.run_id, "state": "extract_loaded", "updated": changes}


def test_a_console_load_killed_in_the_background_is_failed_and_loads_again(
    loaded: tuple[RunBuilder, int], database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    builder, changes = loaded
    # Start over from a run without a loaded extract: cancel this one's load by loading into a fresh run.
    extract_file = builder.files["extract"]
    BatchRow.delete().where(BatchRow.run == builder.run_id).execute()
    batches = BatchRow.select().count()
    database.close()
    _killed("console_load", "--", database_url, str(builder.run_id), str(extract_file), str(tmp_path / "console"))

    _intact(database)
    assert BatchRow.select().count() == batches  # the preview was one transaction: nothing of it stored
    job = JobRow.select().where(JobRow.kind == "load_extract").get()
    assert job.state == "running"  # as the killed console left it
    # The console started again: its Jobs table shows the job failed, saying why.
    restarted = make_app(database_url, tmp_path / "restarted")
    swept = JobRow.get_by_id(job.id)
    assert swept.state == "failed" and str(swept.error).startswith(f"abandoned: the process running it ({job.owner}) stopped")
    restarted.extensions["ssid_jobs"].shutdown()
    database_proxy.obj.close()  # the restarted console's connection, then the test's own again
    database_proxy.initialize(database)
    preview = extract.load_extract(builder.store, builder.run_id, extract_file, actor())
    assert preview.changes == changes


@pytest.fixture
def audit(database: peewee.Database, database_url: str, tmp_path: Path) -> str:
    """An ODS audit loaded and kept for review (its deletes not yet reviewed)."""
    builder = RunBuilder(database, tmp_path, students=STUDENTS)
    builder.to(RunState.EXTRACT_LOADED)
    download = write_ods_download(builder.sandbox_url, tmp_path / "ods", today=TODAY, now=NOW).file
    database.close()
    loaded = CliRunner().invoke(main, ["ods", "audit", str(download), "--out", str(tmp_path / "files"), "--review", "--db", database_url, "--json"])
    assert loaded.exit_code == 0, loaded.stderr
    database_proxy.initialize(database)
    return str(BatchRow.select().where(BatchRow.kind == "ods_audit").get().id)


def _create_files(database_url: str, audit: str, out: Path) -> list[str]:
    return ["ods", "create-files", audit, "--out", str(out), "--deletes-reviewed", "--db", database_url, "--json"]


@pytest.mark.usefixtures("cli_on_the_builders_day")
def test_ods_files_killed_before_they_are_kept_leave_the_audit_to_do_again(
    audit: str, database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "written"
    database.close()
    _killed("ods_kept", "--", *_create_files(database_url, audit, out))

    _intact(database)
    assert BatchRow.get_by_id(int(audit)).state in ("loaded", "evaluated")
    assert GeneratedFileRow.select().where(GeneratedFileRow.kind.startswith("ods")).count() == 0
    assert not out.exists() or list(out.iterdir()) == []
    _abandoned("ods_create_files")
    retry = CliRunner().invoke(main, _create_files(database_url, audit, out))
    assert retry.exit_code == 0, retry.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(f).name for f in json.loads(retry.stdout)["files"])


@pytest.mark.usefixtures("cli_on_the_builders_day")
def test_ods_files_killed_while_written_are_kept_whole_and_never_half_under_their_name(
    audit: str, database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "written"
    database.close()
    _killed("ods_write:2", "--", *_create_files(database_url, audit, out))

    _intact(database)
    assert BatchRow.get_by_id(int(audit)).state == "files_created"
    kept = list(GeneratedFileRow.select().where(GeneratedFileRow.kind.startswith("ods")).order_by(GeneratedFileRow.name))
    assert len(kept) >= 2
    for file in kept:  # the File Download list has every file whole, with its SHA-256
        assert hashlib.sha256(bytes(file.content)).hexdigest() == file.sha256
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert written == [kept[0].name]  # the second never appears half written under its own name
    assert (out / kept[0].name).read_bytes() == bytes(kept[0].content)
    _abandoned("ods_create_files")
