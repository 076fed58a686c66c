"""The whole SSID workflow driven through the real `ssid` command against the CALPADS sandbox, as a
scheduled job or a coordinator at a terminal would: seed → settings → run → MIDs → request →
sandbox match → load → decide → partial → confirm → updated → sandbox post → sandbox extract →
load → preview → apply → every decided student checked → history → undo → Replacement SSIDs →
SENR ODS audit (with the SELA import) on the sandbox's ten-year download.

Real databases (SQLite, and PostgreSQL when ``SSID_TEST_DATABASE_URL`` is set), real files, no mocks;
the clock is the real one, so the demo district is generated for today.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from console.cli import main
from store.schema import SCHEMA_VERSION
from domain.readers import open_senr, open_ssid_extract
from domain.records import ExtractRow
from domain.writers import write_sela
from seed.demo import generate_district
from tests.integration.workflow_builder import sela_record

STUDENTS = 150
ISSUES_KEYS = {"check", "issues", "open", "hidden"}


class Ssid:
    """The `ssid` command on one district database and one sandbox."""

    def __init__(self, db: str, sandbox: str) -> None:
        self.db = db
        self.sandbox = sandbox

    def __call__(self, *args: str, who: str | None = None) -> Result:
        extra = ["--as", who] if who else []
        return CliRunner().invoke(
            main, [*args, "--db", self.db, "--sandbox-db", self.sandbox, "--json", *extra], catch_exceptions=False
        )

    def ok(self, *args: str, keys: set[str], who: str | None = None) -> Any:
        """Run a command that must succeed; its JSON result, whose keys must be exactly ``keys``."""
        result = self(*args, who=who)
        assert result.exit_code == 0, (args, result.stderr)
        found = json.loads(result.stdout)
        assert set(found) == keys, args
        return found

    def refused(self, *args: str, who: str | None = None) -> str:
        """Run a command that must be refused (exit 2, nothing on stdout); its one-line reason."""
        result = self(*args, who=who)
        assert (result.exit_code, result.stdout) == (2, ""), (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("ssid: ")
        return result.stderr.removeprefix("ssid: ").rstrip("\n")

    def student(self, local_id: str) -> dict[str, Any]:
        shown: dict[str, Any] = self.ok(
            "student", "show", local_id, keys={"local_id", "ssid", "old_state_id", "elas", "elas_date", "swd"}
        )
        return shown


RUN_KEYS = {"run", "state"}
STATUS_KEYS = {*RUN_KEYS, "summer", "requested", "decided", "candidates", "replacements_loaded"}
EXTRACT_KEYS = {*RUN_KEYS, "changes", "conflicts", "unmatched", "changed", "sent", "not_back", "warnings"}
FILE_KEYS = {"file", "records"}


def _candidates(path: Path) -> dict[str, list[tuple[str, int]]]:
    """Each student's candidate SSIDs with their percentage, as the result file lists them."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            found.setdefault(row["Submitted_SENR_LocalID"], [])
            if row["Result_SENR_SSID"]:
                found[row["Submitted_SENR_LocalID"]].append((row["Result_SENR_SSID"], int(row["Result_MatchPercentageScore"].rstrip("%"))))
    return found


def _expected_after_apply(before: dict[str, Any], row: ExtractRow | None, ssid: str | None) -> dict[str, Any]:
    """What `student show` says once the extract is applied: the SSID, ELAS and SWD the extract gives."""
    if row is None:
        return before
    return {
        **before,
        "ssid": ssid or row.ssid,
        "elas": row.elas or before["elas"],
        "elas_date": row.elas_start.isoformat() if row.elas_start else before["elas_date"],
        "swd": "Y" if row.swd == "Y" else before["swd"],
    }


@pytest.mark.slow
def test_the_whole_workflow_through_the_command_line(database_url: str, tmp_path: Path) -> None:
    ssid = Ssid(database_url, f"sqlite:///{tmp_path / 'sandbox.db'}")
    out = tmp_path / "files"

    # -- the district, its settings, and a run -----------------------------------------------------
    assert ssid.ok("db", "init", keys={"schema_version"}) == {"schema_version": SCHEMA_VERSION}
    assert ssid.ok("seed", "demo", "--students", str(STUDENTS), keys={"students", "schools"}) == {"students": STUDENTS, "schools": 6}
    settings = ssid.ok("settings", "set", "--email", "calpads@rhvusd.example.org", keys={"lea", "year", "schools", "email"})
    assert (settings["lea"], settings["email"]) == ("1964212", "calpads@rhvusd.example.org")
    assert ssid.ok("run", "start", keys={*RUN_KEYS, "summer"}, who="maria") == {"run": 1, "state": "new", "summer": False}
    assert ssid.refused("run", "start", who="maria") == "run 1 is open (state new); finish or cancel it first"

    # -- MIDs: the look-alike records of one child must be acknowledged ------------------------------
    assert "unacknowledged issue" in ssid.refused("run", "resolve-mids", "1", "--attest", who="maria")
    found = ssid.ok("run", "issues", keys=ISSUES_KEYS)
    issues = found["issues"]
    assert [i["key"] for i in issues] == ["lookalike:100004,100005"]  # the demo's two records of one child
    assert (found["check"]["current"], found["check"]["students"], found["check"]["by"], found["open"]) == (True, STUDENTS, "maria", 1)
    assert {e["field"]: e["agreement"] for e in issues[0]["evidence"]}["birth_date"] == "exact"
    assert ssid.ok("run", "issues", keys=ISSUES_KEYS)["check"]["id"] == found["check"]["id"]  # stored: not run again
    assert ssid.ok("run", "resolve-mids", "1", "--attest", "--acknowledge-all", keys=RUN_KEYS, who="maria")["state"] == "mids_resolved"

    # -- Step 1: the request file, and who was left out ------------------------------------------------
    made = ssid.ok("run", "create-senr", "1", "--out", str(out), keys={*RUN_KEYS, "file", "records", "excluded"}, who="maria")
    request = Path(made["file"])
    assert made["state"] == "senr_created" and request.name.endswith("_SENR_SSID.txt")
    requested = [r.local_student_id for r in open_senr(request)]
    assert len(requested) == made["records"] and {r.ssid for r in open_senr(request)} == {""}
    reasons = {e["local_id"]: e["reason"] for e in made["excluded"]}
    assert reasons["100007"] == "inactive" and "100006" in reasons  # the inactive student, the future enrollment
    # The look-alike pair acknowledged above is one child: the record without an SSID is held back.
    assert reasons["100005"] == "possible duplicate of 100004: merge the two records in your SIS"
    assert "100005" not in requested

    # -- Step 2 at CALPADS (simulated), Step 3: load, decide -------------------------------------------
    matched = ssid.ok("sandbox", "match", str(request), "--out", str(out), keys={"file", "students", "candidates"})
    assert matched["candidates"] > 0  # seed demo built the simulated CALPADS too
    results = Path(matched["file"])
    loaded = ssid.ok("run", "load-results", "1", str(results), keys={*RUN_KEYS, "students", "candidates"}, who="jose")
    assert (loaded["state"], loaded["students"], loaded["candidates"]) == ("results_loaded", len(requested), matched["candidates"])
    candidates = _candidates(results)
    # One student without a strong candidate is left for later (No Match: nothing sent for them).
    no_action = next(i for i in reversed(requested) if not (candidates[i] and candidates[i][0][1] >= 85))
    decisions: dict[str, tuple[str, str | None]] = {}
    for local_id in requested:
        offered = candidates[local_id]
        if local_id == no_action:
            decisions[local_id] = ("no_match", None)
        elif offered and offered[0][1] >= 85:
            decisions[local_id] = ("select", offered[0][0])
        else:
            decisions[local_id] = ("new_ssid", None)
    assert {kind for kind, _ in decisions.values()} == {"select", "new_ssid", "no_match"}
    first_half = requested[: len(requested) // 2]

    def decide(local_id: str, kind: str, chosen: str | None, *more: str) -> None:
        option = ["--select", chosen] if kind == "select" and chosen else ["--new"] if kind == "new_ssid" else ["--no-match"]
        done = ssid.ok("run", "decide", "1", local_id, *option, *more, keys={"run", "local_id", "decision", "ssid"}, who="jose")
        assert (done["decision"], done["ssid"]) == (kind, chosen)

    changed = next(i for i in requested if decisions[i][0] == "select" and candidates[i][0][1] >= 90)
    # New SSID despite a strong candidate: refused with the warning, nothing recorded, unless --anyway.
    warned = ssid.refused("run", "decide", "1", changed, "--new", who="jose")
    assert warned.startswith(f"warning: student {changed} has a strong candidate (candidate 1: CALPADS ")
    assert warned.endswith("New SSID may create a MID; nothing recorded (decide anyway with --anyway)")
    assert ssid.ok("run", "status", "1", keys=STATUS_KEYS)["decided"] == 0
    decide(changed, "new_ssid", None, "--anyway")  # first New SSID anyway, then the person changes their mind
    for local_id in first_half:
        decide(local_id, *decisions[local_id])
    assert "not one of the student's candidates" in ssid.refused("run", "decide", "1", requested[0], "--select", "5999999999", who="jose")
    sent_so_far = sum(1 for i in {*first_half, changed} if decisions[i][0] != "no_match")
    partial = ssid.ok("run", "partial", "1", "--out", str(out), keys={"run", "file", "records"}, who="jose")
    assert partial["records"] == sent_so_far and Path(partial["file"]).name.endswith("_SENR_SSID_Partial.txt")
    undecided = len(requested) - len({*first_half, changed})
    assert ssid.refused("run", "confirm", "1", who="jose") == f"{undecided} requested student(s) have no decision yet"
    for local_id in requested[len(first_half):]:  # `changed` gets its final decision in one of the two loops
        decide(local_id, *decisions[local_id])
    assert ssid.ok("run", "confirm", "1", keys=RUN_KEYS, who="jose")["state"] == "all_confirmed"
    status = ssid.ok("run", "status", "1", keys=STATUS_KEYS)
    assert status == {"run": 1, "state": "all_confirmed", "summer": False, "requested": len(requested),
                      "decided": len(requested), "candidates": matched["candidates"], "replacements_loaded": None}
    assert "decide needs a run in state results_loaded" in ssid.refused("run", "decide", "1", changed, "--new", who="jose")

    # -- Step 4, Steps 5-6 at CALPADS (simulated) -----------------------------------------------------
    updated = ssid.ok("run", "create-updated", "1", "--out", str(out), keys={*RUN_KEYS, "file", "records"}, who="jose")
    sent = {local_id for local_id, (kind, _) in decisions.items() if kind != "no_match"}
    assert updated["records"] == len(sent)
    assert {r.local_student_id: r.ssid for r in open_senr(Path(updated["file"]))} == {
        local_id: decisions[local_id][1] or "" for local_id in sent
    }
    posted = ssid.ok("sandbox", "post", updated["file"], keys={"posted", "new_ssids", "errors"})
    assert (posted["posted"], posted["errors"]) == (len(sent), 0)
    assert posted["new_ssids"] == sum(1 for kind, _ in decisions.values() if kind == "new_ssid")
    extract = Path(ssid.ok("sandbox", "extract", "--out", str(out), keys=FILE_KEYS)["file"])
    rows: dict[str, ExtractRow] = {row.local_id: row for row in open_ssid_extract(extract)}

    # -- Step 7: load, preview, apply; every decided student checked -----------------------------------
    before = {local_id: ssid.student(local_id) for local_id in decisions}
    assert all(shown["ssid"] is None for shown in before.values())
    preview = ssid.ok("run", "load-extract", "1", str(extract), keys=EXTRACT_KEYS, who="ana")
    assert preview["state"] == "updated" and preview["changes"] >= len(sent)
    assert (preview["sent"], preview["not_back"]) == (len(sent), [])  # every student sent came back
    assert {c["local_id"] for c in preview["changed"] if c["field"] == "ssid"} >= sent
    assert len({c["local_id"] for c in preview["changed"]}) == preview["changes"]
    applied = ssid.ok("run", "apply-extract", "1", keys={*RUN_KEYS, "updated"}, who="ana")
    assert (applied["state"], applied["updated"]) == ("extract_loaded", preview["changes"])
    for local_id, (kind, chosen) in decisions.items():
        shown = ssid.student(local_id)
        if kind == "no_match":
            assert shown == before[local_id]
            continue
        assert shown == _expected_after_apply(before[local_id], rows[local_id], chosen), local_id
        if kind == "new_ssid":
            assert shown["ssid"] == rows[local_id].ssid and shown["ssid"].startswith("5")  # issued by the simulator

    # -- the history, in order, with who did what -------------------------------------------------------
    history = ssid.ok("run", "history", "1", keys={"run", "events"})["events"]
    assert all(set(e) == {"at", "actor", "event", "source", "dest", "accepted", "reason"} for e in history)
    assert [(e["event"], e["actor"], e["accepted"], e["source"], e["dest"]) for e in history] == [
        ("start", "maria", True, None, "new"),
        ("start", "maria", False, "new", None),
        ("resolve_mids", "maria", False, "new", None),
        ("resolve_mids", "maria", True, "new", "mids_resolved"),
        ("create_senr", "maria", True, "mids_resolved", "senr_created"),
        ("load_results", "jose", True, "senr_created", "results_loaded"),
        ("decide", "jose", False, "results_loaded", None),
        ("partial", "jose", True, "results_loaded", "results_loaded"),
        ("confirm_all", "jose", False, "results_loaded", None),
        ("confirm_all", "jose", True, "results_loaded", "all_confirmed"),
        ("decide", "jose", False, "all_confirmed", None),
        ("create_updated", "jose", True, "all_confirmed", "updated"),
        ("load_extract", "ana", True, "updated", "updated"),
        ("apply_extract", "ana", True, "updated", "extract_loaded"),
    ]
    stamps = [dt.datetime.fromisoformat(e["at"]) for e in history]
    assert stamps == sorted(stamps)
    table = ssid("run", "history", "1", "--csv")
    assert table.stdout.splitlines()[0] == "at,actor,event,source,dest,accepted,reason"
    assert len(table.stdout.splitlines()) == len(history) + 1

    assert ssid.refused("run", "cancel", "1", who="ana").startswith(
        "the run's SSID Extract was applied; an applied run cannot be cancelled: undo the applied SSID Extract"
    )

    # -- undo: every field back, the run back in `updated`, then applied again ----------------------------
    undone = ssid.ok("run", "undo-extract", "1", keys={*RUN_KEYS, "restored"}, who="ana")
    assert undone["state"] == "updated" and undone["restored"] >= len(sent)
    assert {local_id: ssid.student(local_id) for local_id in decisions} == before
    ssid.ok("run", "load-extract", "1", str(extract), keys=EXTRACT_KEYS, who="ana")
    assert ssid.ok("run", "apply-extract", "1", keys={*RUN_KEYS, "updated"}, who="ana")["state"] == "extract_loaded"

    # -- Replacement SSIDs ------------------------------------------------------------------------------
    retired = generate_district(STUDENTS, 1, dt.date.today()).student(2)
    assert ssid.student(retired.student.local_id)["ssid"] == retired.retired_ssid
    replacements = ssid.ok("sandbox", "replacements", "--out", str(out), keys=FILE_KEYS)
    loaded_batch = ssid.ok("replacement", "load", replacements["file"], keys={"batch", "changes", "unmatched"}, who="ana")
    assert (loaded_batch["changes"], loaded_batch["unmatched"]) == (1, 0)
    batch = str(loaded_batch["batch"])
    assert ssid.ok("replacement", "apply", batch, keys={"batch", "updated"}, who="ana") == {"batch": int(batch), "updated": 1}
    moved = ssid.student(retired.student.local_id)
    assert (moved["ssid"], moved["old_state_id"]) == (retired.state_ssid, retired.retired_ssid)
    assert "was already applied" in ssid.refused("replacement", "apply", batch, who="ana")

    # -- the SENR ODS audit, with the SELA import ------------------------------------------------------
    tbd = [i for i in (f"{100001 + n}" for n in range(STUDENTS)) if ssid.student(i)["elas"] in ("TBD", None)][:2]
    sela = tmp_path / "sela.txt"
    with sela.open("wb") as stream:
        write_sela([sela_record(local_id, "", "EL", "20250902") for local_id in tbd], stream)
    ods = ssid.ok("sandbox", "ods", "--out", str(out), keys=FILE_KEYS)
    audit = ssid.ok("ods", "audit", ods["file"], "--out", str(out / "ods"), "--sela", str(sela),
                    keys={"files", "adds", "replaces", "deletes", "sela_updates"}, who="ana")
    assert audit["sela_updates"] == len(tbd) == 2
    assert all(ssid.student(i)["elas"] == "EL" and ssid.student(i)["elas_date"] == "2025-09-02" for i in tbd)
    files = [Path(f) for f in audit["files"]]
    kinds = [f.name.rsplit("_", 1)[1] for f in files]
    assert kinds == [k for k, n in (("Deletes.txt", audit["deletes"]), ("Replaces.txt", audit["replaces"]), ("Adds.txt", audit["adds"])) if n]
    assert audit["replaces"] + audit["adds"] > 0
    for path, count in zip(files, [n for n in (audit["deletes"], audit["replaces"], audit["adds"]) if n], strict=True):
        records = list(open_senr(path))
        assert len(records) == count and len({r.transaction_type for r in records}) == 1
    for path in files:  # posted in posting order, CALPADS' current year matches the district
        assert ssid.ok("sandbox", "post", str(path), keys={"posted", "new_ssids", "errors"})["errors"] == 0
    again = ssid.ok("sandbox", "ods", "--out", str(out / "again"), keys=FILE_KEYS)
    second = ssid.ok("ods", "audit", again["file"], "--out", str(out / "ods2"), keys={"files", "adds", "replaces", "deletes", "sela_updates"})
    assert second == {"files": [], "adds": 0, "replaces": 0, "deletes": 0, "sela_updates": 0}

    # -- the run is closed: a new one may start, and be cancelled; the replacement can be undone -------
    assert ssid.ok("run", "start", keys={*RUN_KEYS, "summer"}, who="maria") == {"run": 2, "state": "new", "summer": False}
    assert ssid.ok("run", "cancel", "2", keys=RUN_KEYS, who="maria") == {"run": 2, "state": "cancelled"}
    assert ssid.refused("run", "cancel", "2", who="maria") == "the run is cancelled; start a new run (ssid run start; Run tab)"
    assert ssid.ok("replacement", "undo", batch, keys={"batch", "restored"}, who="ana") == {"batch": int(batch), "restored": 2}
    assert ssid.student(retired.student.local_id)["ssid"] == retired.retired_ssid
