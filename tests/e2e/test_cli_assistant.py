"""The matching assistant through the real `ssid` command: `run issues` (the stored check with its
evidence, acknowledge, not a duplicate, undo), `run decide` held back by a MID warning until
--anyway (and the warning logged), `run bulk-accept` listed with --dry-run, then recorded as bulk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import main
from store.database import open_database
from store.tables import DecisionLogRow, DuplicateCheckRow
from tests.e2e.test_cli_workflow import RUN_KEYS, Ssid
from tests.integration.workflow_builder import calpads_is_sure

PAIR = "lookalike:100004,100005"
ISSUES = {"check", "issues", "open", "hidden"}
BULK = {"run", "dry_run", "list", "accepted", "students", "left_out"}


@pytest.fixture
def ssid(database_url: str, tmp_path: Path) -> Iterator[Ssid]:
    command = Ssid(database_url, f"sqlite:///{tmp_path / 'sandbox.db'}")
    command.ok("db", "init", keys={"schema_version"})
    command.ok("seed", "demo", "--students", "60", keys={"students", "schools"})
    command.ok("run", "start", keys={*RUN_KEYS, "summer"}, who="maria")
    yield command


def test_issues_lists_the_stored_check_with_evidence_and_takes_the_coordinators_word(ssid: Ssid, database_url: str) -> None:
    found = ssid.ok("run", "issues", keys=ISSUES, who="maria")
    [issue] = found["issues"]
    assert (issue["key"], issue["kind"], issue["local_ids"], issue["acknowledged"]) == (PAIR, "lookalike", ["100004", "100005"], False)
    assert issue["percent"] >= 99.9 and {e["field"] for e in issue["evidence"]} >= {"legal_first", "birth_date", "guardian_names"}
    assert all(e["evidence"] in ("for", "neutral", "against") for e in issue["evidence"])
    human = CliRunner().invoke(main, ["run", "issues", "--db", database_url], catch_exceptions=False).stdout.splitlines()
    assert human[0].startswith("local duplicate check of ") and human[0].endswith("by maria: 60 students, 1 issue(s), 1 open")
    assert human[1] == f"{PAIR}: {issue['message']}"
    assert human[2].startswith("    First name: same · ")

    marked = ssid.ok("run", "issues", "--not-duplicate", PAIR, keys=ISSUES, who="ana")
    assert (marked["issues"], marked["hidden"], marked["open"]) == ([], 1, 0)
    assert ssid.ok("run", "resolve-mids", "1", "--attest", keys=RUN_KEYS, who="maria")["state"] == "mids_resolved"
    back = ssid.ok("run", "issues", "--unmark", PAIR, keys=ISSUES, who="ana")
    assert [i["key"] for i in back["issues"]] == [PAIR] and back["hidden"] == 0
    acked = ssid.ok("run", "issues", "--acknowledge", PAIR, keys=ISSUES, who="ana")
    assert (acked["issues"][0]["acknowledged"], acked["open"]) == (True, 0)
    assert ssid.refused("run", "issues", "--not-duplicate", "shared_ssid:1,2") == (
        "shared_ssid:1,2 is not a pair of look-alike records: only those can be marked not a duplicate"
    )
    assert ssid.refused("run", "issues", "--acknowledge", "lookalike:1,2") == "no open local issue lookalike:1,2"
    with open_database(database_url):
        assert DuplicateCheckRow.select().count() == 1  # every command above read the one stored check
    again = ssid.ok("run", "issues", "--recheck", keys=ISSUES, who="ana")
    with open_database(database_url):
        assert (again["check"]["by"], DuplicateCheckRow.select().count()) == ("ana", 2)


def _to_results(ssid: Ssid, out: Path) -> None:
    ssid.ok("run", "resolve-mids", "1", "--attest", "--acknowledge-all", keys=RUN_KEYS, who="maria")
    made = ssid.ok("run", "create-senr", "1", "--out", str(out), keys={*RUN_KEYS, "file", "records", "excluded"})
    matched = ssid.ok("sandbox", "match", made["file"], "--out", str(out), keys={"file", "students", "candidates"})
    ssid.ok("run", "load-results", "1", matched["file"], keys={*RUN_KEYS, "students", "candidates"})


def test_a_decision_with_a_mid_warning_needs_anyway_and_is_logged_with_it(ssid: Ssid, database_url: str, tmp_path: Path) -> None:
    _to_results(ssid, tmp_path)
    warned = ssid.refused("run", "decide", "1", "100001", "--new", who="jose")
    assert warned.startswith("warning: student 100001 has a strong candidate (candidate 1: CALPADS 99%, our comparison ")
    assert warned.endswith("; New SSID may create a MID; nothing recorded (decide anyway with --anyway)")
    with open_database(database_url):
        assert DecisionLogRow.select().count() == 0
    result = ssid("run", "decide", "1", "100001", "--new", "--anyway", who="jose")
    assert result.exit_code == 0 and result.stderr.startswith("ssid: warning: student 100001 has a strong candidate")
    with open_database(database_url):
        log = DecisionLogRow.get()
    assert (log.local_id, log.kind, log.actor, log.bulk) == ("100001", "new_ssid", "jose", False)
    assert log.warnings == warned.removeprefix("warning: ").removesuffix("; nothing recorded (decide anyway with --anyway)")


def test_bulk_accept_lists_with_dry_run_then_records_each_as_bulk(ssid: Ssid, database_url: str, tmp_path: Path) -> None:
    _to_results(ssid, tmp_path)
    none = ssid.ok("run", "bulk-accept", "1", "--dry-run", keys=BULK)
    assert (none["accepted"], none["students"], none["left_out"]) == (0, [], {"not_single": 5, "below_100": 2})  # 100005: same child as 100004, not requested
    assert ssid.refused("run", "bulk-accept", "1", who="ana") == "no student qualifies for bulk acceptance"
    with open_database(database_url):
        sure = calpads_is_sure(1, "100009")
        calpads_is_sure(1, "100001")  # a twin: never in the list
    listed = ssid.ok("run", "bulk-accept", "1", "--dry-run", keys=BULK)
    assert listed["students"] == [{"local_id": "100009", "ssid": sure, "calpads": "100%", "ours": 100.0}]
    assert listed["left_out"]["local_twin"] == 1
    human = CliRunner().invoke(main, ["run", "bulk-accept", "1", "--dry-run", "--db", database_url], catch_exceptions=False).stdout
    assert human.splitlines()[:2] == [f"100009  {sure}  CALPADS 100%  ours 100 %", f"run 1: 1 student(s) would be accepted (list {listed['list']})"]
    assert "  left out, a twin in the district (same birth date and last name): 1" in human.splitlines()
    assert ssid.refused("run", "bulk-accept", "1", "--expect", "0" * 16, who="jose") == (
        "the list of students to accept changed since it was shown; look at it again"
    )
    with open_database(database_url):
        assert DecisionLogRow.select().count() == 0  # neither the list nor the refusal recorded anything
    done = ssid.ok("run", "bulk-accept", "1", "--expect", listed["list"], keys=BULK, who="jose")
    assert (done["dry_run"], done["accepted"], done["list"]) == (False, 1, listed["list"])
    with open_database(database_url):
        log = DecisionLogRow.get()
    assert (log.local_id, log.kind, log.ssid, log.actor, log.bulk) == ("100009", "select", sure, "jose", True)
    history = ssid.ok("run", "history", "1", keys={"run", "events"})["events"]
    assert [(e["actor"], e["accepted"], e["reason"]) for e in history if e["event"] == "bulk_accept"] == [
        ("ana", False, "no student qualifies for bulk acceptance"),
        ("jose", False, "the list of students to accept changed since it was shown; look at it again"),
        ("jose", True, None),
    ]
