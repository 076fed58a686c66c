"""Matching at district scale: local duplicate detection over 600,000 synthetic students, and the
public linkage data sets (historical_50k duplicates, FEBRL ranking) with their quality.

    .venv/bin/python -m bench.bench_matching [--students 600000] [--seed 1] [--skip-datasets]

:func:`dataset_report` is what ``make bench`` runs for each data set (``--only linkage``, see
:mod:`bench.ops_linkage`): quality at the shipped threshold, blocking, calibration, ranking;
:func:`model_parameters` says which parameters the model has and how each is set.

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

from bench.linkage_datasets import FEBRL_DATASETS, LabelledPerson, datasets_folder, read_febrl, read_historical
from bench.linkage_evaluation import evaluate_at_threshold, evaluate_duplicates, evaluate_ranking
from domain.duplicates import (
    KEY_KINDS, LIKELY_DUPLICATE_PERCENT, LOOKALIKE_PERCENT, MAX_BLOCK, NAMESAKE_PAIRS, RARE_PAIRS, RARE_SHARE, UNRELATED_PAIRS,
    person_facts, search_duplicates,
)
from domain.matching import (
    EVEN_ODDS_BITS, MIN_PAIRS, MIN_PEOPLE, PRIOR_PAIRS, PRIOR_SHARE, TWIN_CAP_PERCENT, MatchModel, PersonFacts, percent_of,
)
from seed.demo import generate_district

__all__ = ["main", "DATASETS", "dataset_report", "model_parameters"]

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


DATASETS: tuple[str, ...] = (*(f"febrl{number}" for number in FEBRL_DATASETS), "historical_50k")
"""The data sets of ``../shared/datasets`` the bench reports on, by name."""


def _read(name: str) -> list[LabelledPerson]:
    folder = datasets_folder()
    assert folder is not None, "../shared/datasets is not there"
    return read_historical(folder) if name == "historical_50k" else read_febrl(folder, int(name.removeprefix("febrl")))


def model_parameters() -> list[str]:
    """Every parameter of the matching model and how it is set (none from the data sets' labels)."""
    return [
        "model parameters, and how each is set (none is fitted to these data sets' labels):",
        "  levels: per field, the agreement kinds of domain/matching/_fields.py, by their default weight rounded to a bit",
        f"  u (how often two people agree so): counted on {UNRELATED_PAIRS:,} pairs drawn at random from the population",
        "  m (how often one person's two records agree so): EM over the compared pairs, starting from TYPICAL_M "
        f"(hand-set), which weighs as {PRIOR_SHARE:g} one-person pairs per person searched, at least {PRIOR_PAIRS:,.0f}",
        f"  u of the guardians of two people with the same surname: counted apart, on {NAMESAKE_PAIRS:,} random pairs of namesakes",
        "  prior (share of all pairs that are one person): EM over the compared pairs, every pair not compared "
        "taken as two people",
        f"  fewer than {MIN_PEOPLE:,} people or {MIN_PAIRS:,} compared pairs, or an estimate without a likely pair: "
        "the default weights "
        f"(hand-set table WEIGHTS) at even odds at {EVEN_ODDS_BITS:g} bits",
        "  rare/common values (first name, last name, birth date, city): counted in the population searched, no labels",
        "  twin pattern cap (same birth date and surname, another first name): EM, the share of one-person pairs among "
        "those pairs (the pairs of the same birth date and surname without the pattern, times m of another first name); "
        f"the default model and a population without such a pair: {TWIN_CAP_PERCENT:g} % (TWIN_CAP_PERCENT, hand-set)",
        f"  blocking keys: {len(KEY_KINDS)} kinds, hand-chosen: {', '.join(KEY_KINDS)}; blocks compared in full up to "
        f"{MAX_BLOCK} people (MAX_BLOCK, hand-set), a rare value's only up to {RARE_SHARE * 100:g} % of the population "
        f"(RARE_SHARE, hand-set), rarest first up to {RARE_PAIRS:,} pairs (RARE_PAIRS, set by cost)",
        f"  shipped threshold: {LOOKALIKE_PERCENT:g} % (domain.duplicates.LOOKALIKE_PERCENT, the local check); "
        f"library default {LIKELY_DUPLICATE_PERCENT:g} % (LIKELY_DUPLICATE_PERCENT)",
    ]


def _model_line(model: MatchModel) -> str:
    if model.is_default:
        return "the default weights at even odds (too few compared pairs to estimate from)"
    return (
        f"estimated from {model.estimated_from:,} compared pairs: prior {model.prior_bits:.2f} bits "
        f"(one pair in {1 / (model.share or 1):,.0f} is one person); twin pattern capped at {percent_of(model.twin_bits):.2f} %"
    )


def dataset_report(name: str) -> dict[str, object]:
    """One data set at the shipped threshold, as ``make bench`` prints it (a ``bench.child`` call).

    ``search_seconds``, ``search_cpu_seconds`` and ``search_peak_mb`` are the search and grouping alone (the local check's
    work, with the records loaded); ``lines`` the report.
    """
    people = _read(name)
    shipped, search = evaluate_at_threshold(people, LOOKALIKE_PERCENT)
    calibration = shipped.calibration
    worst = calibration.largest_gap()
    lines = [
        f"{name}: {shipped.records:,} records, {shipped.compared:,} pairs compared "
        f"({shipped.comparisons_per_record:.1f} per record), blocking recall {shipped.blocking_recall:.4f}",
        f"  model: {_model_line(search.model)}",
        f"  at the shipped threshold {shipped.threshold:g} %: pairs {shipped.pairs}; groups {shipped.groups}",
        f"  calibration of the pair percent over {calibration.pairs:,} pairs at >= 0.1 %: "
        f"ECE {calibration.expected_error:.4f}; largest gap (bins of >= 200 pairs) "
        + (f"{worst.gap:.4f} in {worst.span}" if worst is not None else "none: no bin that large"),
        *(f"    {bin_}" for bin_ in calibration.bins),
    ]
    if name.startswith("febrl"):
        ranking = evaluate_ranking(people, search)
        lines += [
            f"  ranking (duplicate -> originals, by our comparison's bits): true original first for "
            f"{ranking.first:,}/{ranking.queries:,} of ALL duplicate queries ({ranking.rate_of_all:.2%}); "
            f"{ranking.first:,}/{ranking.reachable:,} ({ranking.rate:.2%}) of those whose original was compared"
        ]
    return {
        "lines": lines, "records": shipped.records, "search_seconds": shipped.search_seconds,
        "search_cpu_seconds": shipped.search_cpu_seconds, "search_peak_mb": shipped.search_peak_mb,
    }


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
        elif kind == "report":
            print(json.dumps(dataset_report(rest[0])["lines"]))
        else:
            print(json.dumps(_historical_child()))
        return 0
    children: list[tuple[str, ...]] = [("district", str(args.students), str(args.seed))]
    if not args.skip_datasets and datasets_folder() is not None:
        children += [("historical",), *(("report", name) for name in DATASETS)]
        print("\n".join(model_parameters()), flush=True)
    for child in children:
        for line in _run_child(*child):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
