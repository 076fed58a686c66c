"""Matching at district scale: local duplicate detection over 600,000 synthetic students, and the
public linkage data sets (historical_50k duplicates, FEBRL ranking) with their quality.

    .venv/bin/python -m bench.bench_matching [--students 600000] [--seed 1] [--skip-datasets]

Each measurement runs in a fresh child process so its peak resident memory (``ru_maxrss``) is its
own. The students come from the demo district generator (``seed.demo.generate_district``:
California-like names, compound surnames, nicknames, twins, siblings, planted duplicate records);
generating them is not timed: ``baseline`` is the child's memory once they are in memory, so
``peak - baseline`` is what the search cost. The time is ``find_duplicates`` as the local check
calls it (at ``workflows.run.local_check.LOOKALIKE_PERCENT``) and at the library default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time

from bench.linkage_datasets import FEBRL_DATASETS, datasets_folder, read_febrl, read_historical
from bench.linkage_evaluation import evaluate_duplicates, evaluate_ranking
from domain.duplicates import LIKELY_DUPLICATE_PERCENT, search_duplicates
from domain.matching import PersonFacts
from seed.demo import generate_district
from workflows.run.local_check import LOOKALIKE_PERCENT, person_facts

__all__ = ["main"]

_TODAY = dt.date(2025, 10, 1)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _students(count: int, seed: int) -> list[tuple[str, PersonFacts]]:
    district = generate_district(count, seed=seed, today=_TODAY)
    return [(demo.student.local_id, person_facts(demo.student)) for demo in district.students()]


def _district_child(count: int, seed: int) -> list[str]:
    """Child process: generate the students, then time the duplicate search and its two listings."""
    people = _students(count, seed)
    baseline = _peak_mib()
    started = time.perf_counter()
    search = search_duplicates(people)
    searched = time.perf_counter()
    lookalikes = search.suspected(LOOKALIKE_PERCENT)
    listed = time.perf_counter()
    likely = search.suspected(LIKELY_DUPLICATE_PERCENT)
    done = time.perf_counter()
    return [
        f"find_duplicates over {count:,} synthetic students (seed {seed}): {search.compared:,} pairs compared, "
        f"search {searched - started:.1f} s",
        f"    at {LOOKALIKE_PERCENT:g} % (the local check): {listed - started:.1f} s in all, {len(lookalikes):,} pairs",
        f"    at {LIKELY_DUPLICATE_PERCENT:g} % (the default): {searched - started + done - listed:.1f} s in all, "
        f"{len(likely):,} pairs",
        f"    memory: {baseline:.0f} MiB with the students loaded, peak {_peak_mib():.0f} MiB",
    ]


def _historical_child() -> list[str]:
    """Child process: historical_50k quality at every threshold, then search and group timed at the best."""
    folder = datasets_folder()
    assert folder is not None
    people = read_historical(folder)
    grid = evaluate_duplicates(people)
    lines = [
        f"historical_50k: {grid.records:,} records, {grid.compared:,} pairs compared, "
        f"blocking recall {grid.blocking_recall:.4f}"
    ]
    lines += [f"    at {point.percent:>4g} %: pairs {point.pairs}; groups {point.groups}" for point in grid.points]
    best = grid.best_at_target_precision
    if best is None:
        return [*lines, "    no threshold reaches the target precision"]
    started = time.perf_counter()
    timed = evaluate_duplicates(people, (best.percent,))
    seconds = time.perf_counter() - started
    return [
        *lines,
        f"    best F1 at precision >= 0.95: at {best.percent:g} %, groups {timed.points[0].groups}; "
        f"search, grouping and scoring {seconds:.1f} s",
    ]


def _febrl_child() -> list[str]:
    folder = datasets_folder()
    assert folder is not None
    return [f"FEBRL dataset{number}: {evaluate_ranking(read_febrl(folder, number))}" for number in FEBRL_DATASETS]


def _run_child(*args: str) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_matching", "--child", *args], check=True, capture_output=True, text=True
    )
    lines: list[str] = json.loads(completed.stdout.strip().splitlines()[-1])
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run each measurement in a child process and print what it measured."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=600_000, help="synthetic students to search")
    parser.add_argument("--seed", type=int, default=1, help="demo district seed")
    parser.add_argument("--skip-datasets", action="store_true", help="only the synthetic district")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "district":
            print(json.dumps(_district_child(int(rest[0]), int(rest[1]))))
        else:
            print(json.dumps(_historical_child() if kind == "historical" else _febrl_child()))
        return 0
    children: list[tuple[str, ...]] = [("district", str(args.students), str(args.seed))]
    if not args.skip_datasets and datasets_folder() is not None:
        children += [("historical",), ("febrl",)]
    for child in children:
        for line in _run_child(*child):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
