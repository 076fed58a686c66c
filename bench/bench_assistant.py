"""The matching assistant at district scale: how many look-alike pairs the local duplicate check
lists at each threshold (and how many of the demo's real duplicate records it finds), and what
the stored check, its "is it current" test, the pages that read it and bulk acceptance cost.

    .venv/bin/python -m bench.bench_assistant thresholds [--students 200000] [--seed 1]
    .venv/bin/python -m bench.bench_assistant stored --db sqlite:///path/district.db [--requested 20000]

``thresholds`` needs no database: the demo generator knows which records are one child (two
records share the state's SSID). ``stored`` works on a seeded district database (``ssid seed demo
--students 600000``); it opens a run (cancelling an open one), checks, resolves MIDs, requests the
students without an SSID, loads a generated match result of ``--requested`` of them (one candidate
each, named as requested, CALPADS' score random 60-100 %) and plans bulk acceptance.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench.data import ROOT, Workspace
from domain.duplicates import search_duplicates
from domain.matching import PersonFacts
from domain.runs import RunState
from seed.demo import generate_district
from store.database import open_database
from store.schema import init_schema
from store.workflow_store import DatabaseWorkflowStore
from workflows.run import bulk_accept, duplicate_check, lifecycle, request, results
from domain.duplicates import LOOKALIKE_PERCENT, person_facts
from workflows.run.stepping import Actor, load_run

__all__ = ["main"]

_TODAY = dt.date(2025, 10, 1)
_THRESHOLDS = (80.0, 90.0, 95.0, 98.0, 99.0, 99.5, 99.9, 100.0)
T = TypeVar("T")


def _timed(label: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = work()
    print(f"    {label}: {time.perf_counter() - started:.2f} s", flush=True)
    return result


def thresholds(students: int, seed: int) -> None:
    """Pairs listed at each threshold among the demo's active students, and the real ones among them."""
    demos = list(generate_district(students, seed=seed, today=_TODAY).students())
    people: list[tuple[str, PersonFacts]] = [(d.student.local_id, person_facts(d.student)) for d in demos if d.student.active]
    state: dict[str, str | None] = {d.student.local_id: d.state_ssid for d in demos}
    real = Counter(state[local_id] for local_id, _ in people if state[local_id] is not None)
    truth = sum(1 for count in real.values() if count > 1)
    search = _timed(f"search over {len(people):,} active students", lambda: search_duplicates(people))
    pairs = search.suspected(min(_THRESHOLDS))
    print(f"  {truth} real duplicate pairs (two records of one child); {search.compared:,} pairs compared")
    for threshold in _THRESHOLDS:
        listed = [p for p in pairs if p.percent >= threshold]
        found = sum(1 for p in listed if state[p.left] is not None and state[p.left] == state[p.right])
        mark = "  <- LOOKALIKE_PERCENT" if threshold == LOOKALIKE_PERCENT else ""
        print(f"  at {threshold:5g} %: {len(listed):6,} pairs listed, {found:3} of {truth} real ones{mark}")


def stored(url: str, requested: int) -> None:
    """The stored check, its currency test, and bulk acceptance on a seeded district database."""
    database = open_database(url)
    init_schema(database)
    store = DatabaseWorkflowStore(database)
    actor = Actor("bench")
    latest = store.latest_run()
    if latest is not None and latest.is_open:
        lifecycle.cancel_run(store, latest.id, actor)
    run = lifecycle.start_run(store, actor)
    view = _timed("run_check (read every student, compare, store)", lambda: duplicate_check.run_check(store, actor))
    print(f"      {view.summary.students:,} students, {len(view.issues)} issues, {view.summary.compared:,} pairs compared")
    _timed("latest_check (the stored check, verified current) x 10", lambda: [duplicate_check.latest_check(store) for _ in range(10)])
    _timed("fingerprint (is it current?) x 100", lambda: [duplicate_check.fingerprint(store) for _ in range(100)])
    _timed("acknowledge every issue", lambda: lifecycle.acknowledge_issues(store, ["all"], actor))
    _timed("resolve_mids on the current check", lambda: lifecycle.resolve_mids(store, run.id, actor, attested=True))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        made = request.create_request(store, run.id, actor, out, accept_warnings=True)
        lines = made.path.read_bytes().split(b"\r\n")[:requested]
        first = out / made.path.name.replace(".txt", "_first.txt")
        first.write_bytes(b"".join(line + b"\r\n" for line in lines if line))
        result = Workspace(ROOT / "bench" / "out", _TODAY, None).match_result(first, 1)
        results.load_results(store, run.id, result, actor)
    assert load_run(store, run.id).state is RunState.RESULTS_LOADED
    plan = _timed("plan_bulk_accept", lambda: bulk_accept.plan_bulk_accept(store, run.id))
    print(f"      {len(plan.included):,} listed; left out: {({r.value: n for r, n in plan.counts().items()})}")
    done = _timed("bulk_accept (plan again, record, log)", lambda: bulk_accept.bulk_accept(store, run.id, actor, expected=plan.digest))
    print(f"      {len(done.accepted):,} decisions recorded as bulk")
    lifecycle.cancel_run(store, run.id, actor)


def main(argv: list[str] | None = None) -> int:
    """Run one of the two measurements."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("thresholds")
    one.add_argument("--students", type=int, default=200_000)
    one.add_argument("--seed", type=int, default=1)
    two = sub.add_parser("stored")
    two.add_argument("--db", required=True)
    two.add_argument("--requested", type=int, default=20_000)
    args = parser.parse_args(argv)
    if args.what == "thresholds":
        thresholds(args.students, args.seed)
    else:
        stored(args.db, args.requested)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
