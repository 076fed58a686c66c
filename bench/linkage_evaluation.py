"""The matching assistant measured on public data sets with known truth (used by tests and bench).

**Duplicate detection (historical_50k).** One :func:`~domain.duplicates.search_duplicates` over
every record; then, for each threshold of :data:`GROUP_THRESHOLDS`, the pairs at or above it
(pairwise quality) and the groups :meth:`~domain.duplicates.DuplicateSearch.groups` forms at it
(cluster-level pairwise quality: every pair inside a group counts). "F1 at precision ≥ 0.95" is
the best F1 over the thresholds whose group precision is at least 0.95: the threshold is an
operating point read off a fixed grid, not a fitted parameter. No weight, key or threshold of the
library is set from these data.

**At the shipped threshold (every data set).** :func:`evaluate_at_threshold` measures what the
product ships: pairs and groups at :data:`~domain.duplicates.LOOKALIKE_PERCENT` (read, never set
here), blocking recall and comparisons per record, and the calibration of the pair percent
(:func:`~domain.matching.percent_of` of each compared pair's bits, the contract of
:meth:`~domain.duplicates.DuplicateSearch.scored_pairs`) against the truth.

**Ranking (FEBRL).** Originals (``rec-N-org``) play CALPADS' records, duplicates (``rec-N-dup-K``)
the local students. A duplicate's candidates are the originals the duplicate search would compare
it with (they share a blocking key); they are ranked by :func:`~domain.matching.compare` as the
review page ranks CALPADS' candidates (evidence, no population frequencies). A duplicate whose
original was never compared with it is a miss of the rate over all queries.
"""

from __future__ import annotations

import resource
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bench.linkage_datasets import LabelledPerson
from bench.linkage_metrics import (
    Calibration,
    Quality,
    Ranking,
    blocking_recall,
    calibration,
    group_quality,
    pair_quality,
    rank_first_rate,
)
from domain.duplicates import LOOKALIKE_PERCENT, DuplicateSearch, search_duplicates
from domain.matching import bits_of, compare_prepared, percent_of, prepare

__all__ = [
    "GROUP_THRESHOLDS",
    "TARGET_PRECISION",
    "OperatingPoint",
    "DuplicateEvaluation",
    "ShippedEvaluation",
    "evaluate_duplicates",
    "evaluate_at_threshold",
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


@dataclass(frozen=True, slots=True)
class ShippedEvaluation:
    """What the duplicate search achieves on a labelled population at the threshold the product ships.

    ``search_seconds`` is the wall time of the search and the grouping at ``threshold`` (what the
    local check does), without the evaluation around it, ``search_cpu_seconds`` its processor time;
    ``search_peak_mb`` the process's peak resident memory then (the records loaded, searched and grouped).
    """

    records: int
    compared: int
    blocking_recall: float
    threshold: float
    pairs: Quality
    groups: Quality
    calibration: Calibration
    search_seconds: float
    search_cpu_seconds: float
    search_peak_mb: float

    @property
    def comparisons_per_record(self) -> float:
        return self.compared / self.records if self.records else 0.0


def evaluate_at_threshold(
    people: Sequence[LabelledPerson], threshold: float = LOOKALIKE_PERCENT
) -> tuple[ShippedEvaluation, DuplicateSearch]:
    """Search ``people`` once; measure pairs and groups at ``threshold``, blocking and calibration.

    The search is returned too, so a ranking can reuse it (:func:`evaluate_ranking`).
    """
    truth = {person.record_id: person.person for person in people}
    started, cpu_started = time.perf_counter(), time.process_time()
    search = search_duplicates((person.record_id, person.facts) for person in people)
    groups = search.groups(threshold)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ids = search.ids

    def scored() -> Iterator[tuple[str, str, float]]:  # read again for each measure: never millions of tuples at once
        return ((ids[left], ids[right], percent_of(bits)) for left, right, bits in search.scored_pairs())

    evaluation = ShippedEvaluation(
        records=len(people),
        compared=search.compared,
        blocking_recall=blocking_recall(((left, right) for left, right, _ in scored()), truth),
        threshold=threshold,
        pairs=pair_quality(((left, right) for left, right, percent in scored() if percent >= threshold), truth),
        groups=group_quality(groups, truth),
        calibration=calibration((percent, truth[left] == truth[right]) for left, right, percent in scored()),
        search_seconds=seconds,
        search_cpu_seconds=cpu_seconds,
        search_peak_mb=peak_mb,
    )
    return evaluation, search


def evaluate_ranking(records: Sequence[LabelledPerson], search: DuplicateSearch | None = None) -> Ranking:
    """How often each duplicate's original ranks first among the originals it is compared with.

    ``search``: the duplicate search of exactly ``records`` when one was made already.
    """
    by_id = {record.record_id: record for record in records}
    originals = {record.person: record.record_id for record in records if record.original}
    prepared = {record.record_id: prepare(record.facts) for record in records}
    if search is None:
        search = search_duplicates((record.record_id, record.facts) for record in records)
    candidates: defaultdict[str, dict[str, float]] = defaultdict(dict)
    for left, right, _ in search.scored_pairs():
        for query, candidate in ((search.ids[left], search.ids[right]), (search.ids[right], search.ids[left])):
            if not by_id[query].original and by_id[candidate].original:
                candidates[query][candidate] = compare_prepared(prepared[query], prepared[candidate]).bits
    queries = [record.record_id for record in records if not record.original]
    true_record = {query: originals[by_id[query].person] for query in queries}
    return rank_first_rate(candidates, true_record, queries)
