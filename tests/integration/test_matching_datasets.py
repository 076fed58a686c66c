"""The matching assistant on public record-linkage data with known truth (issue 7's acceptance lines).

The data live in ``../shared/datasets/`` next to the project root and are read in place; without
them these tests skip. How each number is measured: :mod:`bench.linkage_evaluation`. Timing is
measured in ``bench/bench_matching.py``, never here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.linkage_datasets import FEBRL_DATASETS, datasets_folder, read_febrl, read_historical
from bench.linkage_evaluation import TARGET_PRECISION, DuplicateEvaluation, evaluate_duplicates, evaluate_ranking

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder() -> Path:
    found = datasets_folder()
    if found is None:
        pytest.skip("../shared/datasets is not there")
    return found


@pytest.fixture(scope="module")
def historical(folder: Path) -> DuplicateEvaluation:
    return evaluate_duplicates(read_historical(folder))


def test_historical_duplicates_reach_f1_080_at_precision_095(historical: DuplicateEvaluation) -> None:
    best = historical.best_at_target_precision
    assert best is not None, [str(point.groups) for point in historical.points]
    assert best.groups.precision >= TARGET_PRECISION
    assert best.groups.f1 >= 0.80, f"at {best.percent}%: groups {best.groups}, pairs {best.pairs}"


def test_historical_groups_beat_their_own_pairs(historical: DuplicateEvaluation) -> None:
    # Grouping (average linkage) must add recall over the pairs it starts from without losing precision.
    for point in historical.points:
        assert point.groups.recall >= point.pairs.recall
    assert historical.records == 50_578
    assert historical.blocking_recall > 0.68


@pytest.mark.parametrize("number", FEBRL_DATASETS)
def test_febrl_true_record_ranks_first(folder: Path, number: int) -> None:
    ranking = evaluate_ranking(read_febrl(folder, number))
    assert ranking.rate >= 0.98, str(ranking)
    assert ranking.reachable >= 0.80 * ranking.queries, str(ranking)  # a guard against blocking regressions
