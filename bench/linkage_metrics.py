"""How well the matching assistant links records, measured against known truth.

- :func:`pair_quality`: precision, recall and F1 of predicted pairs against the true pairs.
- :func:`group_quality`: the same over every pair *inside* the predicted groups ("cluster-level
  pairwise"): a group of five records predicts ten pairs.
- :func:`blocking_recall`: the share of true pairs the blocking keys put together at all.
- :func:`rank_first_rate`: for queries whose true record is among their candidates, how often it
  ranks strictly first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Quality", "Ranking", "true_pair_count", "pair_quality", "group_quality", "blocking_recall", "rank_first_rate"]


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

    def __str__(self) -> str:
        return f"rank 1 for {self.first}/{self.reachable} ({self.rate:.2%}) of {self.queries} queries"


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
