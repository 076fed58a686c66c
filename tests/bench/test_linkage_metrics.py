"""The evaluation's arithmetic (bench.linkage_metrics): small cases worked out by hand."""

from __future__ import annotations

import pytest

from bench.linkage_metrics import Quality, blocking_recall, group_quality, pair_quality, rank_first_rate, true_pair_count

# Person a has records 1-3, person b records 4-5, person c record 6.
TRUTH = {"1": "a", "2": "a", "3": "a", "4": "b", "5": "b", "6": "c"}


def test_true_pairs_are_counted_within_each_person() -> None:
    assert true_pair_count(TRUTH) == 3 + 1


def test_pair_quality() -> None:
    quality = pair_quality([("1", "2"), ("4", "5"), ("3", "6")], TRUTH)
    assert (quality.true_positives, quality.predicted, quality.actual) == (2, 3, 4)
    assert quality.precision == pytest.approx(2 / 3) and quality.recall == pytest.approx(0.5)
    assert quality.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_group_quality_counts_every_pair_inside_each_group() -> None:
    # {1,2,3,6}: 6 pairs predicted, 3 true; {4,5}: 1 pair, true.
    quality = group_quality([("1", "2", "3", "6"), ("4", "5")], TRUTH)
    assert (quality.true_positives, quality.predicted, quality.actual) == (4, 7, 4)
    assert quality.recall == 1.0 and quality.precision == pytest.approx(4 / 7)
    assert group_quality([], TRUTH) == Quality(0, 0, 4)
    assert str(Quality(1, 2, 4)) == "P 0.5000 R 0.2500 F1 0.3333"


def test_blocking_recall() -> None:
    assert blocking_recall([("1", "2"), ("2", "3"), ("1", "6")], TRUTH) == pytest.approx(0.5)


def test_rank_first_rate_counts_ties_as_misses_and_skips_unreachable_queries() -> None:
    candidates = {
        "q1": {"t1": 20.0, "x": 3.0},  # first
        "q2": {"t2": 5.0, "x": 5.0},  # tie: a miss
        "q3": {"x": 9.0},  # true record not among the candidates
        "q4": {"t4": 1.0, "x": 2.0},  # second
    }
    ranking = rank_first_rate(candidates, {"q1": "t1", "q2": "t2", "q3": "t3", "q4": "t4", "q5": "t5"},
                              ["q1", "q2", "q3", "q4", "q5"])
    assert (ranking.queries, ranking.reachable, ranking.first) == (5, 3, 1)
    assert ranking.rate == pytest.approx(1 / 3)
