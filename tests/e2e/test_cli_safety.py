"""Issue 14 through the real `ssid` command, as a coordinator with a downloads folder makes the
mistakes: another run's match result, an edited or incomplete one, a KEEP list with typos, an SSID
Extract downloaded before the updated file was posted, an undo, then the right files.

Real databases (SQLite, and PostgreSQL when ``SSID_TEST_DATABASE_URL`` is set), the CALPADS sandbox,
no mocks. On the code before issue 14 every refusal below was an acceptance (checked by running
this file on commit 4da84e4).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from domain.readers import open_match_result, open_sela, open_senr, open_ssid_extract
from domain.records import ExtractRow
from domain.writers import write_senr, write_ssid_extract
from store.database import open_database
from store.tables import OutboxRow
from tests.e2e.test_cli_workflow import EXTRACT_KEYS, FILE_KEYS, RUN_KEYS, STATUS_KEYS, Ssid, _candidates, _expected_after_apply

RESULT_KEYS = {*RUN_KEYS, "students", "candidates"}


def _ready(ssid: Ssid) -> None:
    ssid.ok("db", "init", keys={"schema_version"})
    ssid.ok("seed", "demo", "--students", "150", keys={"students", "schools"})
    ssid.ok("settings", "set", "--email", "calpads@rhvusd.example.org", keys={"lea", "year", "schools", "email"})


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _decide_all(ssid: Ssid, run: str, results: Path) -> dict[str, tuple[str, str | None]]:
    """Every requested student decided: the best candidate from 85 %, else New SSID; no action for
    100005, the demo's second record of 100004's child."""
    decisions: dict[str, tuple[str, str | None]] = {}
    for local_id, offered in _candidates(results).items():
        if local_id == "100005":
            ssid.ok("run", "decide", run, local_id, "--no-match", keys={"run", "local_id", "decision", "ssid"}, who="jose")
            decisions[local_id] = ("no_match", None)
            continue
        chosen = offered[0][0] if offered and offered[0][1] >= 85 else None
        option = ["--select", chosen] if chosen else ["--new"]
        ssid.ok("run", "decide", run, local_id, *option, "--anyway", keys={"run", "local_id", "decision", "ssid"}, who="jose")
        decisions[local_id] = ("select", chosen) if chosen else ("new_ssid", None)
    return decisions


@pytest.mark.slow
def test_files_bound_to_their_run_an_early_extract_and_undo(database_url: str, tmp_path: Path) -> None:
    ssid = Ssid(database_url, f"sqlite:///{tmp_path / 'sandbox.db'}")
    downloads = tmp_path / "Downloads"
    _ready(ssid)

    # -- run 1: its match result is loaded, then the run is cancelled ------------------------------------
    assert ssid.ok("run", "start", keys={*RUN_KEYS, "summer"}, who="maria") == {"run": 1, "state": "new", "summer": False}
    ssid.ok("run", "resolve-mids", "1", "--attest", "--acknowledge-all", keys=RUN_KEYS, who="maria")
    keep = _write_lines(tmp_path / "keep.txt", ["100005", "999999", "abc"])  # finding 6: two typos
    assert ssid.refused("run", "create-senr", "1", "--out", str(downloads), "--keep", str(keep), who="maria") == (
        "the KEEP list names 2 local id(s) that match no student: 999999, abc; nothing was written: correct the list and try again"
    )
    assert list(downloads.iterdir()) == []  # the folder is made first; no file is written
    assert ssid.ok("run", "status", "1", keys=STATUS_KEYS)["state"] == "mids_resolved"
    request1 = Path(ssid.ok("run", "create-senr", "1", "--out", str(downloads), keys={*RUN_KEYS, "file", "records", "excluded"}, who="maria")["file"])
    results1 = Path(ssid.ok("sandbox", "match", str(request1), "--out", str(downloads), keys={"file", "students", "candidates"})["file"])
    ssid.ok("run", "load-results", "1", str(results1), keys=RESULT_KEYS, who="maria")
    assert ssid.ok("run", "cancel", "1", keys=RUN_KEYS, who="maria")["state"] == "cancelled"

    # -- run 2 leaves one student out; run 1's file, renamed or edited files are refused ----------------
    assert ssid.ok("run", "start", keys={*RUN_KEYS, "summer"}, who="maria") == {"run": 2, "state": "new", "summer": False}
    ssid.ok("run", "resolve-mids", "2", "--attest", keys=RUN_KEYS, who="maria")
    skipped = [r.local_student_id for r in open_senr(request1)][-1]
    skip = _write_lines(tmp_path / "skip.txt", [skipped])
    out2 = downloads / "run2"
    request2 = Path(ssid.ok("run", "create-senr", "2", "--out", str(out2), "--skip", str(skip), keys={*RUN_KEYS, "file", "records", "excluded"}, who="maria")["file"])
    mine = "load the match result of run 2's own request file instead"
    stale = ssid.refused("run", "load-results", "2", str(results1), who="maria")
    # By its name's time stamp, or (when both requests were made in the same second) by its content.
    assert re.search(r"run 1's (match result|request file), not (of )?run 2's", stale) and stale.endswith(mine), stale
    renamed = shutil.copy(results1, downloads / "results.csv")
    assert ssid.refused("run", "load-results", "2", str(renamed), who="maria") == (
        f"results.csv was loaded in run 1 (the same file, by its SHA-256): it is run 1's match result, not run 2's; {mine}"
    )
    results2 = Path(ssid.ok("sandbox", "match", str(request2), "--out", str(out2), keys={"file", "students", "candidates"})["file"])
    rows = _lines(results2)
    edited = rows[:]
    target = next(n for n, line in enumerate(rows) if n and line.split(",")[4])
    columns = edited[target].split(",")
    columns[4] = "Totallydifferent"
    edited[target] = ",".join(columns)
    tampered = _write_lines(downloads / "tampered.csv", edited)
    assert ssid.refused("run", "load-results", "2", str(tampered), who="maria") == (
        f"tampered.csv, line {target + 1}, field 5 (Submitted_SENR_Student_LegalLastName): differs from what run 2's "
        f"request sent for student {columns[3]}; {mine}"
    )
    last = rows[-1].split(",")[3]
    short = _write_lines(downloads / "short.csv", [r for r in rows if r.split(",")[3] != last])
    lacking = ssid.refused("run", "load-results", "2", str(short), who="maria")
    assert lacking.startswith("short.csv lacks 1 of the ") and f"students of run 2's request file ({last})" in lacking
    assert ssid.ok("run", "status", "2", keys=STATUS_KEYS)["state"] == "senr_created"  # nothing changed
    own = shutil.copy(results2, downloads / "my results.csv")  # renamed, same content: accepted
    loaded = ssid.ok("run", "load-results", "2", str(own), keys=RESULT_KEYS, who="maria")
    assert loaded["state"] == "results_loaded" and loaded["students"] == len({r.local_id for r in open_match_result(results2)})

    decisions = _decide_all(ssid, "2", results2)
    sent = {local_id for local_id, (kind, _) in decisions.items() if kind != "no_match"}
    ssid.ok("run", "confirm", "2", keys=RUN_KEYS, who="jose")
    updated = ssid.ok("run", "create-updated", "2", "--out", str(out2), keys={*RUN_KEYS, "file", "records"}, who="jose")
    before = {local_id: ssid.student(local_id) for local_id in decisions}

    # -- finding 2: an extract downloaded before the updated file was posted -----------------------------
    early = Path(ssid.ok("sandbox", "extract", "--out", str(downloads / "early"), keys=FILE_KEYS)["file"])
    result = ssid("run", "load-extract", "2", str(early), who="ana")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"ssid: warning: none of the {len(sent)} student(s) this run sent (Select or New SSID) has an SSID")
    assert "downloaded before the updated file was posted" in result.stderr.splitlines()[0]
    shown = json.loads(result.stdout)
    assert (shown["sent"], shown["not_back"]) == (len(sent), sorted(sent))
    refusal = ssid.refused("run", "apply-extract", "2", who="ana")
    assert refusal.startswith(f"none of the {len(sent)} student(s) this run sent") and refusal.endswith("(or apply this one anyway)")
    assert ssid.ok("run", "status", "2", keys=STATUS_KEYS)["state"] == "updated"
    assert {local_id: ssid.student(local_id) for local_id in decisions} == before  # nothing changed
    assert ssid.ok("run", "apply-extract", "2", "--anyway", keys={*RUN_KEYS, "updated"}, who="ana")["state"] == "extract_loaded"

    # -- finding 3: undo returns the run to `updated`; the right extract is loaded and applied -------------
    undone = ssid.ok("run", "undo-extract", "2", keys={*RUN_KEYS, "restored"}, who="ana")
    assert undone["state"] == "updated"
    assert {local_id: ssid.student(local_id) for local_id in decisions} == before
    assert ssid.ok("sandbox", "post", updated["file"], keys={"posted", "new_ssids", "errors"})["errors"] == 0
    extract = Path(ssid.ok("sandbox", "extract", "--out", str(downloads / "late"), keys=FILE_KEYS)["file"])
    # An unusual ELAS change in it (finding 8): a student who is not EL reclassified.
    extract_rows = list(open_ssid_extract(extract))
    odd = next(r for r in extract_rows if r.local_id not in decisions and ssid.student(r.local_id)["elas"] in ("EO", "IFEP", "TBD"))
    was = ssid.student(odd.local_id)["elas"]
    reclassified = dataclasses.replace(odd, elas="RFEP", elas_start=odd.elas_start or dt.date(2026, 9, 1))
    changed_rows = [reclassified if r.local_id == odd.local_id else r for r in extract_rows]
    buffer = io.BytesIO()
    write_ssid_extract(changed_rows, buffer)
    extract.write_bytes(buffer.getvalue())
    preview = ssid.ok("run", "load-extract", "2", str(extract), keys=EXTRACT_KEYS, who="ana")
    assert (preview["sent"], preview["not_back"]) == (len(sent), [])
    warning = f"unusual ELAS change: student {odd.local_id}: ELAS {was} → RFEP (reclassified from a status other than EL)"
    assert preview["warnings"] == [warning]
    assert {"local_id": odd.local_id, "field": "elas", "old": was, "new": "RFEP"} in preview["changed"]
    assert ssid.ok("run", "apply-extract", "2", keys={*RUN_KEYS, "updated"}, who="ana")["state"] == "extract_loaded"
    assert ssid.student(odd.local_id)["elas"] == "RFEP"  # applied as CALPADS has it, with the warning
    by_id: dict[str, ExtractRow] = {row.local_id: row for row in changed_rows}
    for local_id, (kind, chosen) in decisions.items():
        assert ssid.student(local_id) == _expected_after_apply(before[local_id], by_id.get(local_id), chosen), local_id
    database = open_database(database_url)
    try:
        mails = [row.body for row in OutboxRow.select().order_by(OutboxRow.id)]
    finally:
        database.close()
    assert warning.removeprefix("unusual ELAS change: ") in mails[-1]

    history = ssid.ok("run", "history", "2", keys={"run", "events"})["events"]
    assert [(e["event"], e["source"], e["dest"], e["accepted"]) for e in history][-13:] == [
        ("load_results", "senr_created", None, False),  # run 1's file
        ("load_results", "senr_created", None, False),  # the same, renamed
        ("load_results", "senr_created", None, False),  # a last name edited
        ("load_results", "senr_created", None, False),  # a student missing
        ("load_results", "senr_created", "results_loaded", True),
        ("confirm_all", "results_loaded", "all_confirmed", True),
        ("create_updated", "all_confirmed", "updated", True),
        ("load_extract", "updated", "updated", True),
        ("apply_extract", "updated", None, False),  # the early extract, without --anyway
        ("apply_extract", "updated", "extract_loaded", True),
        ("undo_extract", "extract_loaded", "updated", True),
        ("load_extract", "updated", "updated", True),
        ("apply_extract", "updated", "extract_loaded", True),
    ]
    assert history[-13]["reason"] == stale and history[-5]["reason"] == refusal


def test_smaller_items_translations_replacements_sandbox_prevalidation_and_sela(database_url: str, tmp_path: Path) -> None:
    ssid = Ssid(database_url, f"sqlite:///{tmp_path / 'sandbox.db'}")
    out = tmp_path / "files"
    _ready(ssid)

    # ssid translations list|set|remove
    assert ssid.ok("translations", "list", keys={"translations"}) == {"translations": []}
    assert ssid.ok("translations", "set", "grade", "K", "KN", keys={"field", "local", "calpads"}) == {"field": "grade", "local": "K", "calpads": "KN"}
    assert ssid.ok("translations", "list", keys={"translations"})["translations"] == [{"field": "grade", "local": "K", "calpads": "KN"}]
    assert ssid.refused("translations", "set", "grade", "K", "ZZ") == "ZZ is not a CALPADS code of Grade Level (field grade); nothing changed"
    assert ssid.refused("translations", "set", "colour", "R", "KN").startswith("colour is not a translated field")
    assert ssid.ok("translations", "remove", "grade", "K", keys={"field", "local", "removed"})["removed"] is True
    assert ssid.refused("translations", "remove", "grade", "K") == "there is no translation of K for grade; nothing changed"

    # Replacement SSIDs: when last loaded, and the MIDs step's warning
    run = ssid.ok("run", "start", keys={*RUN_KEYS, "summer"})
    assert ssid.ok("run", "status", str(run["run"]), keys=STATUS_KEYS)["replacements_loaded"] is None
    resolved = ssid("run", "resolve-mids", str(run["run"]), "--attest", "--acknowledge-all")
    assert resolved.exit_code == 0
    assert resolved.stderr == (
        "ssid: warning: the Replacement SSIDs have never been loaded: download the Replacement SSIDs Extract from CALPADS "
        "and load it (ssid replacement load; Replacement tab) before resolving MIDs\n"
    )
    replacements = ssid.ok("sandbox", "replacements", "--out", str(out), keys=FILE_KEYS)
    ssid.ok("replacement", "load", replacements["file"], keys={"batch", "changes", "unmatched"})
    assert ssid.ok("run", "status", str(run["run"]), keys=STATUS_KEYS)["replacements_loaded"] is not None

    # The sandbox refuses what CALPADS would, with rule and line
    request = Path(ssid.ok("run", "create-senr", str(run["run"]), "--out", str(out), keys={*RUN_KEYS, "file", "records", "excluded"})["file"])
    records = list(open_senr(request))
    bad = [dataclasses.replace(records[0], reporting_lea="19642XX"), *records[1:]]
    buffer = io.BytesIO()
    write_senr(bad, buffer)
    foreign = out / "foreign.txt"
    foreign.write_bytes(buffer.getvalue())
    refused = ssid.refused("sandbox", "match", str(foreign), "--out", str(out / "match"))
    assert refused.startswith("foreign.txt: refused by the SSID Matching Tool, no result: record 1, student ")
    assert "field 4 (Reporting LEA): FRMT0004 error: must be exactly 7 digits" in refused
    assert not (out / "match").exists() or not any((out / "match").iterdir())
    posted = ssid("sandbox", "post", str(foreign))  # with --json it also says {"posted": 0, …}
    assert posted.exit_code == 2 and json.loads(posted.stdout)["posted"] == 0
    assert posted.stderr.startswith("ssid: foreign.txt: refused whole, nothing posted: record 1, student ") and "FRMT0004" in posted.stderr

    # ssid sandbox sela: a SELA ODS download of the LEA's students
    sela = ssid.ok("sandbox", "sela", "--out", str(out), keys=FILE_KEYS)
    found = list(open_sela(Path(sela["file"])))
    assert sela["records"] == len(found) > 0
    assert {r.record_type for r in found} == {"SELA-R"} and {r.reporting_lea for r in found} == {"1964212"}
    assert all(r.elas for r in found)
