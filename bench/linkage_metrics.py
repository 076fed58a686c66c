"""How well the matching assistant links records, measured against known truth.

- :func:`pair_quality`: precision, recall and F1 of predicted pairs against the true pairs.
- :func:`group_quality`: the same over every pair *inside* the predicted groups ("cluster-level
  pairwise"): a group of five records predicts ten pairs.
- :func:`blocking_recall`: the share of true pairs the blocking keys put together at all.
- :func:`rank_first_rate`: how often a query's true record ranks strictly first, over every query
  (a query whose true record was never compared is a miss) and over those whose true record is among
  their candidates.
- :func:`calibration`: does a pair shown at *p* % turn out to be one person *p* % of the time? Pairs
  binned by their percent (:data:`CALIBRATION_EDGES`), each bin's mean percent beside the share of
  true pairs in it, the expected calibration error (ECE) and the bin furthest off.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Quality",
    "Ranking",
    "true_pair_count",
    "pair_quality",
    "group_quality",
    "blocking_recall",
    "rank_first_rate",
    "CALIBRATION_EDGES",
    "CalibrationBin",
    "Calibration",
    "calibration",
]


@dataclass(frozen=True, slots=True)
class Quality:
    """Precision, recall and F1 of some predicted pairs, with the counts they come from."""

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __str__(self) -> str:
        return f"P {self.precision:.4f} R {self.recall:.4f} F1 {self.f1:.4f}"


def _pairs_within(sizes: Iterable[int]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def true_pair_count(truth: Mapping[str, str]) -> int:
    """How many pairs of records (ids in ``truth``, mapped to their person) are one person."""
    return _pairs_within(Counter(truth.values()).values())


def pair_quality(pairs: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> Quality:
    """Quality of predicted pairs of record ids (each pair once)."""
    predicted = correct = 0
    for left, right in pairs:
        predicted += 1
        correct += truth[left] == truth[right]
    return Quality(correct, predicted, true_pair_count(truth))


def group_quality(groups: Iterable[Sequence[str]], truth: Mapping[str, str]) -> Quality:
    """Quality of the pairs inside predicted groups of record ids (each record in one group at most)."""
    predicted = correct = 0
    for group in groups:
        predicted += _pairs_within([len(group)])
        correct += _pairs_within(Counter(truth[record] for record in group).values())
    return Quality(correct, predicted, true_pair_count(truth))


def blocking_recall(compared: Iterable[tuple[str, str]], truth: Mapping[str, str]) -> float:
    """The share of true pairs among the compared pairs (each pair once)."""
    return pair_quality(compared, truth).recall


@dataclass(frozen=True, slots=True)
class Ranking:
    """Of ``queries``, ``reachable`` had their true record among the candidates; ``first`` ranked it first."""

    queries: int
    reachable: int
    first: int

    @property
    def rate(self) -> float:
        """The share of reachable queries whose true record ranked strictly first."""
        return self.first / self.reachable if self.reachable else 1.0

    @property
    def rate_of_all(self) -> float:
        """The share of *all* queries whose true record ranked strictly first (never compared: a miss)."""
        return self.first / self.queries if self.queries else 1.0

    def __str__(self) -> str:
        return (
            f"rank 1 for {self.first}/{self.queries} ({self.rate_of_all:.2%}) of all queries; "
            f"{self.first}/{self.reachable} ({self.rate:.2%}) of those whose true record was compared"
        )


def rank_first_rate(
    candidates: Mapping[str, Mapping[str, float]], true_record: Mapping[str, str], queries: Iterable[str]
) -> Ranking:
    """How often each query's true record (``true_record[query]``) scores strictly above its other candidates.

    ``candidates[query]`` maps each candidate record id to its score; a tie at the top is a miss.
    """
    asked = reachable = first = 0
    for query in queries:
        asked += 1
        scores = candidates.get(query, {})
        target = true_record[query]
        if target not in scores:
            continue
        reachable += 1
        best_other = max((score for record, score in scores.items() if record != target), default=float("-inf"))
        first += scores[target] > best_other
    return Ranking(asked, reachable, first)


CALIBRATION_EDGES: tuple[float, ...] = (0.1, 1.0, 5.0, 20.0, 50.0, 80.0, 95.0, 99.0, 99.9, 100.0)
"""The bins of the pair percent: [0.1, 1), [1, 5) … [99, 99.9), and [99.9, 100] (the last one closed).
Pairs below 0.1 % are left out: they are the bulk of any blocking's pairs and say nothing to a reviewer."""

GAP_MIN_PAIRS = 200
"""A bin counts for :meth:`Calibration.largest_gap` from this many pairs: fewer make its share noise."""


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """The pairs whose percent is in [``low``, ``high``): how many, their percents' sum, how many are one person."""

    low: float
    high: float
    count: int
    percent_sum: float
    true_count: int

    @property
    def mean(self) -> float:
        """The mean percent of the bin's pairs, as a fraction (0-1); 0 for an empty bin."""
        return self.percent_sum / self.count / 100.0 if self.count else 0.0

    @property
    def observed(self) -> float:
        """The share of the bin's pairs that are one person (0-1); 0 for an empty bin."""
        return self.true_count / self.count if self.count else 0.0

    @property
    def gap(self) -> float:
        """How far the bin's mean percent is from what was observed (fractions)."""
        return abs(self.mean - self.observed)

    @property
    def span(self) -> str:
        """The bin's interval as written: ``[5, 20)``; the last bin of :data:`CALIBRATION_EDGES` is closed."""
        return f"[{self.low:g}, {self.high:g}{']' if self.high == CALIBRATION_EDGES[-1] else ')'}"

    def __str__(self) -> str:
        return f"{self.span:<12} {self.count:>9,} pairs  mean {self.mean:7.2%}  observed {self.observed:7.2%}"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Every bin of :data:`CALIBRATION_EDGES` (empty ones too) over the pairs at 0.1 % or more."""

    bins: tuple[CalibrationBin, ...]

    @property
    def pairs(self) -> int:
        return sum(b.count for b in self.bins)

    @property
    def expected_error(self) -> float:
        """ECE = sum over bins of (pairs in the bin / all pairs) x |mean percent - observed share|, as fractions."""
        total = self.pairs
        return sum(b.count / total * b.gap for b in self.bins) if total else 0.0

    def largest_gap(self, min_pairs: int = GAP_MIN_PAIRS) -> CalibrationBin | None:
        """The bin of at least ``min_pairs`` pairs furthest off (the first of equals); ``None`` when none has that many."""
        return max((b for b in self.bins if b.count >= min_pairs), key=lambda b: b.gap, default=None)


def calibration(scored: Iterable[tuple[float, bool]], edges: Sequence[float] = CALIBRATION_EDGES) -> Calibration:
    """Bin ``(percent, is one person)`` pairs by percent: ``[edges[i], edges[i+1])``, the last bin closed."""
    last = len(edges) - 2
    counts = [0] * (last + 1)
    sums = [0.0] * (last + 1)
    trues = [0] * (last + 1)
    for percent, same in scored:
        if percent < edges[0] or percent > edges[-1]:
            continue
        index = min(bisect_right(edges, percent) - 1, last)
        counts[index] += 1
        sums[index] += percent
        trues[index] += same
    return Calibration(
        tuple(CalibrationBin(edges[i], edges[i + 1], counts[i], sums[i], trues[i]) for i in range(last + 1))
    )
