"""The matching assistant measured on public data sets with known truth (used by tests and bench).

**Duplicate detection (historical_50k).** One :func:`~domain.duplicates.search_duplicates` over
every record; then, for each threshold of :data:`GROUP_THRESHOLDS`, the pairs at or above it
(pairwise quality) and the groups :meth:`~domain.duplicates.DuplicateSearch.groups` forms at it
(cluster-level pairwise quality: every pair inside a group counts). "F1 at precision ≥ 0.95" is
the best F1 over the thresholds whose group precision is at least 0.95: the threshold is an
operating point read off a fixed grid, not a fitted parameter. No weight, key or threshold of the
library is set from these data.

**Ranking (FEBRL).** Originals (``rec-N-org``) play CALPADS' records, duplicates (``rec-N-dup-K``)
the local students. A duplicate's candidates are the originals the duplicate search would compare
it with (they share a blocking key); they are ranked by :func:`~domain.matching.compare` as the
review page ranks CALPADS' candidates (evidence, no population frequencies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bench.linkage_datasets import LabelledPerson
from bench.linkage_metrics import Quality, Ranking, blocking_recall, group_quality, pair_quality, rank_first_rate
from domain.duplicates import search_duplicates
from domain.matching import compare_prepared, prepare
from domain.matching import bits_of

__all__ = [
    "GROUP_THRESHOLDS",
    "TARGET_PRECISION",
    "OperatingPoint",
    "DuplicateEvaluation",
    "evaluate_duplicates",
    "evaluate_ranking",
]

GROUP_THRESHOLDS: tuple[float, ...] = (1.0, 2.0, 5.0, 20.0, 50.0)
"""The percents at which pairs and groups are measured."""

TARGET_PRECISION = 0.95


@dataclass(frozen=True, slots=True)
class OperatingPoint:
    """Pairwise and group quality at one threshold."""

    percent: float
    pairs: Quality
    groups: Quality


@dataclass(frozen=True, slots=True)
class DuplicateEvaluation:
    """What the duplicate search achieves on a labelled population."""

    records: int
    compared: int
    blocking_recall: float
    points: tuple[OperatingPoint, ...]

    @property
    def best_at_target_precision(self) -> OperatingPoint | None:
        """The threshold with the best group F1 among those with group precision ≥ :data:`TARGET_PRECISION`."""
        eligible = [point for point in self.points if point.groups.precision >= TARGET_PRECISION]
        return max(eligible, key=lambda point: point.groups.f1, default=None)


def evaluate_duplicates(
    people: Sequence[LabelledPerson], thresholds: Sequence[float] = GROUP_THRESHOLDS
) -> DuplicateEvaluation:
    """Search ``people`` for duplicates once, then measure pairs and groups at each threshold."""
    truth = {person.record_id: person.person for person in people}
    search = search_duplicates((person.record_id, person.facts) for person in people)
    ids = search.ids
    scored = [(ids[left], ids[right], bits) for left, right, bits in search.scored_pairs()]
    points = []
    for percent in thresholds:
        floor = bits_of(percent)
        pairs = pair_quality(((left, right) for left, right, bits in scored if bits >= floor), truth)
        points.append(OperatingPoint(percent, pairs, group_quality(search.groups(percent), truth)))
    recall = blocking_recall(((left, right) for left, right, _ in scored), truth)
    return DuplicateEvaluation(len(people), search.compared, recall, tuple(points))


def evaluate_ranking(records: Sequence[LabelledPerson]) -> Ranking:
    """How often each duplicate's original ranks first among the originals it is compared with."""
    by_id = {record.record_id: record for record in records}
    originals = {record.person: record.record_id for record in records if record.original}
    prepared = {record.record_id: prepare(record.facts) for record in records}
    search = search_duplicates((record.record_id, record.facts) for record in records)
    candidates: defaultdict[str, dict[str, float]] = defaultdict(dict)
    for left, right, _ in search.scored_pairs():
        for query, candidate in ((search.ids[left], search.ids[right]), (search.ids[right], search.ids[left])):
            if not by_id[query].original and by_id[candidate].original:
                candidates[query][candidate] = compare_prepared(prepared[query], prepared[candidate]).bits
    queries = [record.record_id for record in records if not record.original]
    true_record = {query: originals[by_id[query].person] for query in queries}
    return rank_first_rate(candidates, true_record, queries)
