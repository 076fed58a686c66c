"""The evaluation's arithmetic (bench.linkage_metrics): small cases worked out by hand."""

from __future__ import annotations

import pytest

from bench.linkage_metrics import (
    CALIBRATION_EDGES,
    CalibrationBin,
    Quality,
    blocking_recall,
    calibration,
    group_quality,
    pair_quality,
    rank_first_rate,
    true_pair_count,
)

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
    assert ranking.rate_of_all == pytest.approx(1 / 5)  # q3 and q5, never compared with their true record, are misses
    assert str(ranking) == "rank 1 for 1/5 (20.00%) of all queries; 1/3 (33.33%) of those whose true record was compared"


def test_calibration_bins_pairs_by_percent_the_last_bin_closed_and_below_01_left_out() -> None:
    scored = [(0.05, True), (0.1, False), (0.5, True), (2.0, False), (99.0, False), (99.9, True), (100.0, True)]
    result = calibration(scored)
    assert [b.low for b in result.bins] == list(CALIBRATION_EDGES[:-1])
    assert [(b.count, b.true_count) for b in result.bins] == [(2, 1), (1, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (2, 2)]
    first, last = result.bins[0], result.bins[-1]
    assert [first.mean, first.observed, first.gap] == pytest.approx([0.003, 0.5, 0.497])
    assert [last.mean, last.observed, last.gap] == pytest.approx([0.9995, 1.0, 0.0005])
    assert result.pairs == 6
    # (2 x 0.497 + 1 x 0.02 + 1 x 0.99 + 2 x 0.0005) / 6
    assert result.expected_error == pytest.approx(2.005 / 6)
    assert result.largest_gap(min_pairs=2) is first  # [99, 99.9) is further off, but one pair is not enough
    assert result.largest_gap(min_pairs=1) is result.bins[7]
    assert result.largest_gap() is None  # no bin of 200 pairs
    assert (first.span, result.bins[1].span, last.span) == ("[0.1, 1)", "[1, 5)", "[99.9, 100]")
    assert str(last) == "[99.9, 100]          2 pairs  mean  99.95%  observed 100.00%"
    assert str(first) == "[0.1, 1)             2 pairs  mean   0.30%  observed  50.00%"


def test_a_calibration_of_nothing_has_no_error_and_empty_bins_no_gap() -> None:
    empty = calibration([])
    assert (empty.pairs, empty.expected_error, empty.largest_gap(min_pairs=0)) == (0, 0.0, empty.bins[0])
    assert CalibrationBin(1.0, 5.0, 0, 0.0, 0).gap == 0.0
