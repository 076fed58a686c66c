"""Two processes run `ssid run apply-extract` on the same run at the same moment: exactly one
applies, the other is refused (exit 2, one line) and recorded; the students change once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import peewee

from domain.runs import RunState
from store.tables import BatchChangeRow, OutboxRow, RunTransitionRow
from tests.integration.workflow_builder import RunBuilder, actor
from workflows.run import extract
from workflows.run.stepping import CHANGED_MEANWHILE

ROOT = Path(__file__).resolve().parents[2]
RACERS = 2


def test_two_processes_applying_one_extract_at_once_apply_it_once(
    database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    builder = RunBuilder(database, tmp_path, students=400)
    builder.to(RunState.UPDATED)
    preview = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    assert preview.changes > 0
    database.close()  # the racers have the database to themselves

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("SSID_SMTP_HOST", "SSID_DATABASE_URL"):
        env.pop(name, None)
    command = [sys.executable, "-c", "from console.cli import main; main()", "run", "apply-extract", str(builder.run_id)]
    racers = [
        subprocess.Popen(
            [*command, "--db", database_url, "--json", "--as", f"racer{n}"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(RACERS)
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read() if p.stdout else "", p.stderr.read() if p.stderr else "") for p in racers]
    for p in racers:
        for stream in (p.stdout, p.stderr):
            if stream is not None:
                stream.close()

    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 2], outcomes
    (_, won, _), = [o for o in outcomes if o[0] == 0]
    (_, lost_out, lost_err), = [o for o in outcomes if o[0] == 2]
    assert json.loads(won) == {"run": builder.run_id, "state": "extract_loaded", "updated": preview.changes}
    assert lost_out == ""
    assert lost_err in (
        f"ssid: {CHANGED_MEANWHILE}\n",
        "ssid: apply_extract needs a run in state updated; this run is in state extract_loaded; now you can undo the applied SSID Extract, which brings the run back to updated (ssid run undo-extract; Load SSID tab), or start a new run (ssid run start; Run tab)\n",
    )

    database.connect(reuse_if_open=True)
    attempts = [
        (r.event, r.accepted) for r in RunTransitionRow.select().where(RunTransitionRow.event == "apply_extract")
    ]
    assert sorted(attempts) == [("apply_extract", False), ("apply_extract", True)]
    assert builder.store.get_batch(preview.batch.id).state == "applied"  # type: ignore[union-attr]
    journal = BatchChangeRow.select(BatchChangeRow.student).where(BatchChangeRow.batch == preview.batch.id)
    assert journal.distinct().count() == preview.changes  # each student's change journaled once
    assert OutboxRow.select().count() == 1
