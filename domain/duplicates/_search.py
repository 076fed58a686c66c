"""The search itself: blocking, comparing, grouping (see the package's docstring)."""

from __future__ import annotations

import random
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from operator import attrgetter
from dataclasses import dataclass

from domain.duplicates._apart import APART_PEOPLE, PairsFoundApart, can_find_apart
from domain.duplicates._blocking import KEY_KINDS, fresh_pairs, population_codes
from domain.duplicates._groups import average_linkage_groups
from domain.matching import (
    forget_name_comparisons,
    DEFAULT_MODEL,
    GUARDIANS_SAME_SURNAME,
    HIGHEST_SHOWN_PERCENT,
    Level,
    Pattern,
    Comparison,
    MatchModel,
    PersonFacts,
    PreparedFacts,
    bits_of,
    compare_prepared,
    estimate_model,
    evaluate,
    model_bits,
    pattern_of,
    population_frequencies,
    verdict_at,
    prepare,
)
from domain.memory import collection_paused


__all__ = [
    "SuspectedDuplicate",
    "DuplicateSearch",
    "Progress",
    "LIKELY_DUPLICATE_PERCENT",
    "UNRELATED_PAIRS",
    "NAMESAKE_PAIRS",
    "SCORING_STEPS",
    "SEARCH_STEPS",
    "find_duplicates",
    "search_duplicates",
]

LIKELY_DUPLICATE_PERCENT = 50.0
"""The percent from which a pair is reported, by default and by the local check: as likely one person as two."""

_LOW = 0xFFFFFFFF
_AGREEMENT_AND_WEIGHT = attrgetter("agreement._value_", "weight")  # the enum's value: a str hashes in C

UNRELATED_PAIRS = 50_000
"""How many pairs drawn at random from the population measure how often two different people agree."""

NAMESAKE_PAIRS = 12_500
"""How many pairs drawn at random among people with the same surname measure how often their guardians agree
(three levels, none rare: fewer pairs than :data:`UNRELATED_PAIRS` tell it as well)."""

SCORING_STEPS = 10
"""How many steps of the progress a search reports while comparing its pairs (after one per key kind)."""

SEARCH_STEPS = 1 + len(KEY_KINDS) + SCORING_STEPS
"""How many steps a search reports in all: folding the people, each kind of blocking key, comparing."""

Progress = Callable[[int, int], None]
"""Told (steps done, steps in all) as a duplicate search advances."""


@dataclass(frozen=True, slots=True)
class SuspectedDuplicate:
    """Two records that may be one person: their ids (``left`` came first in the input), the percent,
    and the field-by-field evidence (``left`` compared as the local side)."""

    left: str
    right: str
    percent: float
    evidence: Comparison


class DuplicateSearch:
    """Every compared pair of one population with its evidence in bits; ask it for pairs or groups.

    Built by :func:`search_duplicates`. Holds the people (folded once), the value frequencies of
    the population, the model estimated from its compared pairs (:attr:`model`: the percent of a
    pair is the probability, under it, that the two records are one person) and, compactly, every
    pair the blocking keys put together with its score.
    """

    def __init__(
        self, people: Iterable[tuple[str, PersonFacts]], progress: Progress | None = None, *, apart: bool | None = None
    ) -> None:
        ids: list[str] = []
        facts: list[PersonFacts] = []
        for person_id, person in people:
            ids.append(person_id)
            facts.append(person)
        self.ids: tuple[str, ...] = tuple(ids)
        self._bits = array("d")
        self._pairs = array("q")
        self.model: MatchModel = DEFAULT_MODEL
        """The weights and prior estimated from this population's compared pairs (:func:`~domain.matching.estimate_model`)."""
        self.found_apart = False
        """Whether the pairs were found in a second process while they were compared (:mod:`domain.duplicates._apart`)."""
        steps = SEARCH_STEPS
        report = progress or (lambda done, total: None)
        if apart is None:
            apart = len(facts) >= APART_PEOPLE
        with collection_paused():
            self._prepared = [prepare(person) for person in facts]
            report(1, steps)
            tally = _Tally()
            found = PairsFoundApart(self._prepared) if apart and can_find_apart() else None
            with found or nullcontext():
                # While a second process works out the people's codes and its first pairs.
                self._frequencies = population_frequencies(self._prepared)
                unrelated = _unrelated_levels(self._prepared)
                forget_name_comparisons()  # the random pairs' names: room for the compared pairs'
                if found is not None:
                    reported = 0
                    for kinds, pairs in found:
                        self._pairs.extend(pairs)
                        self._score(pairs, tally)
                        for done in range(reported + 1, kinds + 1):
                            report(1 + done, steps)
                        reported = kinds
                    self.found_apart = found.received_all
                    for done in range(1, SCORING_STEPS + 1):
                        report(1 + len(KEY_KINDS) + done, steps)
                else:
                    self._pairs = _candidates(self._prepared, lambda done: report(1 + done, steps))
                    chunk = -(-len(self._pairs) // SCORING_STEPS) or 1
                    for done in range(1, SCORING_STEPS + 1):
                        self._score(self._pairs[(done - 1) * chunk : done * chunk], tally)
                        report(1 + len(KEY_KINDS) + done, steps)
            self._estimate(tally, unrelated)

    def _score(self, pairs: array[int], tally: _Tally) -> None:
        """Compare these pairs; keep each one's bits, pattern and rare-value adjustments."""
        prepared, frequencies = self._prepared, self._frequencies
        patterns, indexed, defaults = tally.patterns, tally.indexed, tally.defaults
        pattern_at, adjustments, bits = tally.pattern_at, tally.adjustments, self._bits
        for packed in pairs:
            evaluation = evaluate(prepared[packed >> 32], prepared[packed & _LOW], frequencies)
            # The agreements and weights alone, read in C, find the pattern of most pairs.
            seen_as = (tuple(map(_AGREEMENT_AND_WEIGHT, evaluation.verdicts)), evaluation.is_twin_pattern)
            index = indexed.get(seen_as)
            if index is None:
                key = (pattern_of(evaluation.verdicts), evaluation.is_twin_pattern)
                index = patterns.get(key)
                if index is None:
                    index = patterns[key] = len(patterns)
                    for position, level in enumerate(key[0]):
                        if level is not None:
                            defaults.setdefault((position, level), verdict_at(evaluation.verdicts, position).weight)
                indexed[seen_as] = index
            pattern_at.append(index)
            adjustments.append(sum(evaluation.adjustments))
            bits.append(evaluation.bits)

    def _estimate(self, tally: _Tally, unrelated: dict[int, Counter[Level]]) -> None:
        """The model estimated from every compared pair's pattern; the pairs rescored under it."""
        counts = Counter(tally.pattern_at)
        by_levels: Counter[Pattern] = Counter()
        twins: Counter[Pattern] = Counter()
        for (pattern, is_twin), index in tally.patterns.items():
            (twins if is_twin else by_levels)[pattern] += counts[index]
        count = len(self._prepared)
        self.model = estimate_model(by_levels, tally.defaults, unrelated, count, twins)
        if not self.model.is_default:
            self._rescore(tally.patterns, tally.pattern_at, tally.adjustments)

    def _rescore(
        self, patterns: dict[tuple[Pattern, bool], int], pattern_at: array[int], adjustments: array[float]
    ) -> None:
        """Every pair's evidence under the estimated model: its pattern's weights plus its rare-value adjustments."""
        model = self.model
        cap = model.twin_bits
        base = [0.0] * len(patterns)
        twin = [False] * len(patterns)
        for (pattern, is_twin), index in patterns.items():
            base[index] = model.evidence_of(pattern)
            twin[index] = is_twin
        bits = self._bits
        for position, index in enumerate(pattern_at):
            value = base[index] + adjustments[position]
            bits[position] = cap if twin[index] and value > cap else value

    def _bits_between(self, left: int, right: int) -> float:
        return model_bits(self.model, evaluate(self._prepared[left], self._prepared[right], self._frequencies))

    @property
    def compared(self) -> int:
        """How many pairs were compared."""
        return len(self._pairs)

    def scored_pairs(self) -> Iterable[tuple[int, int, float]]:
        """Every compared pair as (position, position, bits of evidence), positions into :attr:`ids`."""
        return ((packed >> 32, packed & _LOW, bits) for packed, bits in zip(self._pairs, self._bits))

    def suspected(self, min_percent: float = LIKELY_DUPLICATE_PERCENT) -> list[SuspectedDuplicate]:
        """The pairs rated at least ``min_percent``, highest first, each with its full comparison."""
        # A pair shown at min_percent has at least that much evidence (100.0 needs 99.9's); the
        # margin keeps rounding at the boundary from dropping one.
        floor = bits_of(min(min_percent, HIGHEST_SHOWN_PERCENT)) - 1e-6
        found: list[SuspectedDuplicate] = []
        with collection_paused():
            # Few pairs reach the floor: found by their bits alone, unpacked only then.
            for position in [position for position, bits in enumerate(self._bits) if bits >= floor]:
                left, right = self._pairs[position] >> 32, self._pairs[position] & _LOW
                evidence = compare_prepared(self._prepared[left], self._prepared[right], self._frequencies, self.model)
                if evidence.percent >= min_percent:
                    found.append(SuspectedDuplicate(self.ids[left], self.ids[right], evidence.percent, evidence))
        found.sort(key=lambda duplicate: (-duplicate.percent, duplicate.left, duplicate.right))
        return found

    def groups(self, min_percent: float = LIKELY_DUPLICATE_PERCENT) -> list[tuple[str, ...]]:
        """Groups of ids that look like one person each, largest first.

        Two groups merge when the average evidence over every pair between them is worth at least
        ``min_percent`` (so a pair alone forms a group exactly when :meth:`suspected` lists it);
        see :mod:`domain.duplicates._groups`.
        """
        with collection_paused():
            positions = average_linkage_groups(
                len(self.ids), self.scored_pairs(), bits_of(min_percent), self._bits_between
            )
        return [tuple(self.ids[position] for position in group) for group in positions]


class _Tally:
    """What comparing the pairs gathers for estimating the model: each pattern (found by the
    agreements and weights of its verdicts too), each level's first weight, and per pair its
    pattern and rare-value adjustments."""

    def __init__(self) -> None:
        self.patterns: dict[tuple[Pattern, bool], int] = {}
        self.indexed: dict[tuple[tuple[object, ...], bool], int] = {}
        self.defaults: dict[tuple[int, Level], float] = {}
        self.adjustments = array("d")
        self.pattern_at = array("i")


def _candidates(prepared: list[PreparedFacts], kinds_done: Callable[[int], None]) -> array[int]:
    """Every pair the blocking keys put together, once, packed ``low << 32 | high``: kind by kind, each
    kind's new pairs sorted (the same order every run; :func:`~domain.duplicates._blocking.fresh_pairs`).

    Found before any pair is compared, so the people's blocking codes and the pairs seen are
    freed before the comparing begins.
    """
    found = array("q")
    for done, pairs in enumerate(fresh_pairs(population_codes(prepared)), 1):
        found.extend(pairs)
        kinds_done(done)
    return found


def _unrelated_levels(prepared: list[PreparedFacts]) -> dict[int, Counter[Level]]:
    """Per pattern position, the levels of :data:`UNRELATED_PAIRS` pairs drawn at random (the same every run),
    and of :data:`NAMESAKE_PAIRS` drawn among people with the same surname (for their guardians)."""
    count = len(prepared)
    levels: dict[int, Counter[Level]] = {}
    if count < 2:
        return levels
    draw = random.Random(count)

    def tally(left: PreparedFacts, right: PreparedFacts, positions: range) -> None:
        pattern = pattern_of(evaluate(left, right).verdicts)
        for position in positions:
            level = pattern[position]
            if level is not None:
                levels.setdefault(position, Counter())[level] += 1

    everything = range(GUARDIANS_SAME_SURNAME + 1)
    for _ in range(min(UNRELATED_PAIRS, count * (count - 1) // 2)):
        left = draw.randrange(count)
        right = draw.randrange(count - 1)
        right += right >= left
        tally(prepared[left], prepared[right], everything)
    namesakes: dict[str, list[int]] = {}
    for index, person in enumerate(prepared):
        if person.guardians and person.names[0].last:
            namesakes.setdefault(person.names[0].last, []).append(index)
    groups = [members for members in namesakes.values() if len(members) > 1]
    if groups:
        sizes = [len(members) * (len(members) - 1) for members in groups]
        for members in draw.choices(groups, weights=sizes, k=NAMESAKE_PAIRS):
            left, right = draw.sample(members, 2)
            tally(prepared[left], prepared[right], range(GUARDIANS_SAME_SURNAME, GUARDIANS_SAME_SURNAME + 1))
    return levels


def search_duplicates(
    people: Iterable[tuple[str, PersonFacts]], *, progress: Progress | None = None, apart: bool | None = None
) -> DuplicateSearch:
    """Compare every pair of ``people`` (id, facts) that shares a blocking key; see :class:`DuplicateSearch`.

    ``progress``, when given, is called with (steps done, steps in all) as the search advances
    (folding the people, then each kind of blocking key), for a progress bar. ``apart``: find the
    pairs in a second process while they are compared, where this process may fork
    (:mod:`domain.duplicates._apart`); by default from :data:`~domain.duplicates._apart.APART_PEOPLE`
    people on. The pairs, their order and every result are the same either way.
    """
    return DuplicateSearch(people, progress, apart=apart)


def find_duplicates(
    people: Iterable[tuple[str, PersonFacts]],
    *,
    min_percent: float = LIKELY_DUPLICATE_PERCENT,
    progress: Progress | None = None,
) -> list[SuspectedDuplicate]:
    """Pairs of records in ``people`` (id, facts) that may be the same person, highest percent first.

    Only pairs sharing a blocking key are compared (see :mod:`domain.duplicates._blocking`); pairs
    below ``min_percent`` are left out. Agreement on a name, birth date or city that is rare in
    ``people`` counts for more than on a common one. Each result carries the full
    :class:`~domain.matching.Comparison` as evidence. ``progress``: see :func:`search_duplicates`.
    """
    return search_duplicates(people, progress=progress).suspected(min_percent)
