"""The weights of evidence a population's own pairs support: Fellegi–Sunter, estimated without labels.

Every compared pair has, per field, a *level* of agreement (exact, nickname, spelling variant at
some strength, different, ...; a field blank on either side has no level and is neutral). In the
Fellegi–Sunter model a level weighs ``log2(m / u)`` bits, where ``m`` is how often the level
occurs when the two records are one person and ``u`` how often when they are two; the percent
of a pair is the probability, given its levels, that it is one person:
``λ·Πm / (λ·Πm + (1-λ)·Πu)`` with ``λ`` the share of all pairs of the population that are one person.

Nobody tells the search which pairs are duplicates (:func:`estimate_model`):

- ``u`` is counted on pairs drawn at random from the population (two people drawn at random are
  two people); the guardians of two people with the same surname are a field of their own
  (:data:`GUARDIANS_SAME_SURNAME`), counted on random pairs of namesakes;
- ``m`` and ``λ`` come from expectation–maximisation over the compared pairs: "how likely is each
  pair one person", then "what do the likely pairs look like", until the estimates settle. ``m``
  starts from :data:`TYPICAL_M` (how often record keeping produces each agreement), which weighs
  as :data:`PRIOR_SHARE` one-person pairs per person searched (at least :data:`PRIOR_PAIRS`): in a
  district whose duplicates are rare, look-alikes cannot teach the model what a match looks like.

A population too small to estimate from (fewer than :data:`MIN_PEOPLE` people, or fewer than
:data:`MIN_PAIRS` compared pairs), an estimate that contradicts what a match is (an exact birth
date or surname counting *against*), or one that finds not even one pair likely, keeps the
default model (:data:`DEFAULT_MODEL`): the default weights, and even odds at
:data:`~domain.matching._score.EVEN_ODDS_BITS` bits.

Rare and common values (:class:`~domain.matching.ValueFrequencies`) adjust an exact agreement
after the estimate, as in splink's term-frequency adjustments.

**The twin pattern** (same birth date and surname, another first name) is the one pattern whose
two people are not independent: twins agree on everything a family shares, so multiplying the
fields' weights would call them one child. A pair with the pattern gets at most the estimated
share of one-child pairs among the population's pairs with the pattern
(:attr:`MatchModel.twin_bits`), also by EM: of the children compared with the same birth date and
surname, those without the pattern show how many one-child pairs there are; the ``m`` of a
different first name (estimated with the rest) says how many of them would show the pattern;
the pairs with the pattern beyond that are twins. Where first names are rarely mistyped and twins
are many (a district) the share is small; where records often carry another first name (an
archive of transcribed records) it is large. The default model caps the pattern at
:data:`~domain.matching._score.TWIN_CAP_PERCENT`. Whatever the percent, the twin pattern is never
accepted in bulk (:attr:`~domain.matching.Comparison.agrees_on_every_field`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import chain
from dataclasses import dataclass
from types import MappingProxyType

from domain.matching._fields import Agreement, Verdict
from domain.matching._score import (
    EVEN_ODDS_BITS, FAMILY_SURNAME, HIGHEST_SHOWN_PERCENT, OPPOSITE_SEXES_BITS, TWIN_CAP_BITS, TWIN_CAP_PERCENT, Evaluation,
    bits_of,
)

__all__ = [
    "Level",
    "Pattern",
    "MatchModel",
    "DEFAULT_MODEL",
    "MIN_PAIRS",
    "MIN_PEOPLE",
    "PRIOR_PAIRS",
    "PRIOR_SHARE",
    "level_of",
    "pattern_of",
    "verdict_at",
    "guardian_position",
    "GUARDIANS_SAME_SURNAME",
    "estimate_model",
    "model_bits",
]

Level = tuple[Agreement, int]
"""A level of agreement of one field: the agreement and its default weight rounded to a whole bit."""

Pattern = tuple["Level | None", ...]
"""The levels of every field of a pair (:data:`~domain.matching._score.FIELDS` order); ``None`` where blank."""

MIN_PAIRS = 200
"""Below this many compared pairs the default model is kept: too few pairs to estimate the prior from."""

MIN_PEOPLE = 500
"""Below this many people the default model is kept: too few to tell how often two people agree (``u``)."""

PRIOR_PAIRS = 2000.0
"""How many one-person pairs' worth of weight :data:`TYPICAL_M` has, at least, in the estimate of each field's ``m``."""

PRIOR_SHARE = 0.1
"""... and as a share of the people searched: typical ``m`` weighs as one one-person pair per ten people.

A district's duplicates are rare; when they are much rarer than that, look-alikes outnumber them
and expectation–maximisation would learn what look-alikes look like. Only a population whose own
one-person pairs outweigh the typical ones moves ``m`` far from them."""

_A = Agreement
TYPICAL_M: tuple[Mapping[Agreement, float], ...] = (
    # first name
    {_A.EXACT: 0.86, _A.NICKNAME: 0.03, _A.SHORTENED: 0.02, _A.MIDDLE_IN_FIRST: 0.01,
     _A.FIRST_LAST_SWAPPED: 0.005, _A.SPELLING_VARIANT: 0.05, _A.DIFFERENT: 0.025},
    # middle name
    {_A.EXACT: 0.70, _A.NICKNAME: 0.02, _A.SHORTENED: 0.03, _A.MIDDLE_IN_FIRST: 0.02,
     _A.SPELLING_VARIANT: 0.05, _A.DIFFERENT: 0.18},
    # last name
    {_A.EXACT: 0.85, _A.COMPOUND_SURNAME_PART: 0.06, _A.FIRST_LAST_SWAPPED: 0.005, _A.SPELLING_VARIANT: 0.05,
     _A.DIFFERENT: 0.035},
    # birth date
    {_A.EXACT: 0.93, _A.DAY_MONTH_SWAPPED: 0.015, _A.DIGIT_TYPO: 0.03, _A.DIFFERENT: 0.025},
    # gender
    {_A.EXACT: 0.97, _A.DIFFERENT: 0.03},
    # birth city, state, country
    {_A.EXACT: 0.75, _A.SPELLING_VARIANT: 0.10, _A.DIFFERENT: 0.15},
    {_A.EXACT: 0.93, _A.DIFFERENT: 0.07},
    {_A.EXACT: 0.95, _A.DIFFERENT: 0.05},
    # parents/guardians, and the same for two people with the same surname
    {_A.EXACT: 0.75, _A.SPELLING_VARIANT: 0.10, _A.DIFFERENT: 0.15},
    {_A.EXACT: 0.75, _A.SPELLING_VARIANT: 0.10, _A.DIFFERENT: 0.15},
)
"""How often two records of one child show each agreement, per field filled on both sides (``m``
before any estimate). Set from what record keeping is known to get wrong (a nickname, a typo,
a second surname dropped, a guardian not listed), not from any data set; a level's share of its
agreement follows the default weights."""

_ITERATIONS = 200
_SETTLED = 1e-9


def level_of(verdict: Verdict) -> Level | None:
    """The level of one field's verdict; ``None`` for a field blank on either side (neutral)."""
    if verdict.agreement is Agreement.MISSING:
        return None
    return verdict.agreement, round(verdict.weight)


FIRST = 0
SURNAME = 2
BIRTH_DATE = 3
GENDER = 4
GUARDIANS = 8
GUARDIANS_SAME_SURNAME = 9
"""The position, after the fields, of the guardians of two people with the same surname.

A guardian's name holds the family name, so two children named "Nguyen" share a guardian named
"Lan Nguyen" far more often than two children picked at random: the guardians are a field of
their own, with their own ``u``, when the surnames agree exactly."""


def guardian_position(verdicts: Sequence[Verdict]) -> int:
    """Where the guardians' level goes in a pattern: with the same surname, a field of its own."""
    return GUARDIANS_SAME_SURNAME if verdicts[SURNAME].agreement is Agreement.EXACT else GUARDIANS


def pattern_of(verdicts: Sequence[Verdict]) -> Pattern:
    """The levels of every field of a pair (:data:`GUARDIANS_SAME_SURNAME` last)."""
    levels = [level_of(verdict) for verdict in verdicts]
    levels.append(None)
    if guardian_position(verdicts) == GUARDIANS_SAME_SURNAME:
        levels[GUARDIANS_SAME_SURNAME], levels[GUARDIANS] = levels[GUARDIANS], None
    return tuple(levels)


def verdict_at(verdicts: Sequence[Verdict], position: int) -> Verdict:
    """The verdict behind a pattern's position."""
    return verdicts[GUARDIANS if position == GUARDIANS_SAME_SURNAME else position]


@dataclass(frozen=True, slots=True)
class MatchModel:
    """Weights in bits per (field position, level), and the prior odds of a compared pair, in bits.

    ``weights`` lacks a level the estimate never saw; such a level weighs its default.
    ``estimated_from`` is how many compared pairs the estimate used (0 for the default model);
    ``share`` the estimated share of all pairs that are one person (``None`` for the default);
    ``twin_bits`` the most evidence a pair with the twin pattern gets: the estimated share of
    one-person pairs among the compared pairs with the pattern, on the scale of
    :func:`~domain.matching._score.percent_of` (:data:`~domain.matching._score.TWIN_CAP_BITS` for
    the default model, and for an estimate whose population has no pair with the pattern).
    """

    weights: Mapping[tuple[int, Level], float]
    prior_bits: float = -EVEN_ODDS_BITS
    estimated_from: int = 0
    share: float | None = None
    twin_bits: float = TWIN_CAP_BITS

    @property
    def is_default(self) -> bool:
        """Whether this is the default model, not an estimate."""
        return self.estimated_from == 0

    def evidence_of(self, pattern: Pattern) -> float:
        """The bits of a pattern of levels, prior included, on :func:`~domain.matching._score.percent_of`'s scale."""
        bits = EVEN_ODDS_BITS + self.prior_bits
        for position, level in enumerate(pattern):
            if level is not None:
                bits += self.weights.get((position, level), float(level[1]))
        return bits

    def weight(self, position: int, verdict: Verdict) -> float:
        """The bits of a verdict at a pattern's position under this model (0 for a blank field);
        a level the estimate never saw, and every level of the default model, weighs its default."""
        level = level_of(verdict)
        if level is None:
            return 0.0
        found = self.weights.get((position, level)) if self.weights else None
        return verdict.weight if found is None else found

    def field_weights(self, verdicts: Sequence[Verdict]) -> tuple[float, ...]:
        """The bits of every field's verdict (in field order) under this model."""
        guardians = guardian_position(verdicts)
        return tuple(
            self.weight(guardians if position == GUARDIANS else position, verdict)
            for position, verdict in enumerate(verdicts)
        )


DEFAULT_MODEL = MatchModel(MappingProxyType({}))
"""The default weights (:data:`~domain.matching._fields.WEIGHTS`) at even odds: for a comparison with no population."""


def _normalised(counts: Mapping[Level, float]) -> dict[Level, float]:
    total = sum(counts.values())
    return {level: count / total for level, count in counts.items()}


def estimate_model(
    patterns: Mapping[Pattern, int],
    default_weights: Mapping[tuple[int, Level], float],
    unrelated: Mapping[int, Mapping[Level, int]],
    people: int,
    twins: Mapping[Pattern, int] | None = None,
) -> MatchModel:
    """Estimate ``m`` and the share of one-person pairs from compared pairs, without labels.

    ``patterns`` counts the compared pairs by their levels; ``default_weights`` gives every level
    seen its default weight; ``unrelated`` counts, per field position, the levels of pairs drawn
    at random from the population (``u``: two people drawn at random are two people);
    ``people`` is how many people the population has (of all their pairs, the compared ones are
    those the blocking keys chose; every pair not compared is taken to be two people); ``twins``
    counts the compared pairs with the twin pattern by their levels (not in ``patterns``: they are
    one person in the share the estimate gives them, see the module). Returns
    :data:`DEFAULT_MODEL` when there are fewer than :data:`MIN_PAIRS` compared pairs or
    :data:`MIN_PEOPLE` people, or the estimate
    is not a model of matches (see the module).
    """
    twins = twins or {}
    total = sum(patterns.values()) + sum(twins.values())
    if total < MIN_PAIRS or people < MIN_PEOPLE:
        return DEFAULT_MODEL
    population_pairs = people * (people - 1) // 2
    weight = max(PRIOR_PAIRS, PRIOR_SHARE * people)
    fields = len(next(iter(patterns or twins)))
    levels: list[set[Level]] = [set(unrelated.get(position, ())) for position in range(fields)]
    for pattern in chain(patterns, twins):
        for position, level in enumerate(pattern):
            if level is not None:
                levels[position].add(level)
    # u from the random pairs (a level they never show counts as seen half a time); the start
    # of m from the typical m of each agreement, shared among its levels by the default weights.
    u: list[dict[Level, float]] = []
    m_start: list[dict[Level, float]] = []
    for position, seen in enumerate(levels):
        random_counts = unrelated.get(position, {})
        field_u = _normalised({level: random_counts.get(level, 0) + 0.5 for level in seen}) if seen else {}
        u.append(field_u)
        m_start.append(_typical_m(position, seen, field_u, default_weights))
    # Every (position, level) gets a slot, in a fixed order, so the iterations index lists.
    slots = [(position, level) for position in range(fields) for level in sorted(levels[position], key=_order)]
    slot_of = {slot: index for index, slot in enumerate(slots)}
    groups = [[slot_of[(position, level)] for level in sorted(levels[position], key=_order)] for position in range(fields)]
    coded = [
        (
            [slot_of[(position, level)] for position, level in enumerate(pattern) if level is not None],
            count,
            _twin_kin(pattern),
        )
        for pattern, count in patterns.items()
    ]
    twins_coded = [
        [slot_of[(position, level)] for position, level in enumerate(pattern) if level is not None] for pattern in twins
    ]
    twin_counts = list(twins.values())
    twin_total = sum(twin_counts)
    showing_twins = _twin_slots(slots)
    u_flat = [u[position][level] for position, level in slots]
    m_first = [m_start[position][level] for position, level in slots]
    m_flat = list(m_first)
    share = _start_share(coded, [m / v for m, v in zip(m_first, u_flat)], population_pairs)
    twin_share = TWIN_CAP_PERCENT / 100.0
    for _ in range(_ITERATIONS):
        ratios = [m / v for m, v in zip(m_flat, u_flat)]
        counts = [0.0] * len(slots)
        matched = 0.0
        kin = 0.0  # one-person pairs among the same birth date and surname, first names filled, without the pattern
        odds_prior = share / (1.0 - share)
        for members, count, same_family in coded:
            odds = odds_prior
            for slot in members:
                odds *= ratios[slot]
            same = count * odds / (1.0 + odds) if odds != math.inf else float(count)
            matched += same
            if same_family:
                kin += same
            for slot in members:
                counts[slot] += same
        for members, count in zip(twins_coded, twin_counts):
            same = count * twin_share
            matched += same
            for slot in members:
                counts[slot] += same
        new_share = min(max(matched / population_pairs, 1e-15), 0.5)
        for group in groups:
            mass = sum(counts[slot] for slot in group) + weight
            for slot in group:
                m_flat[slot] = (counts[slot] + weight * m_first[slot]) / mass
        new_twin_share = _twin_share(kin, _showing_twins(showing_twins, m_flat), twin_total)
        settled = (
            abs(math.log(new_share) - math.log(share)) < _SETTLED and abs(new_twin_share - twin_share) < _SETTLED
        )
        share, twin_share = new_share, new_twin_share
        if settled:
            break
    m_now: list[dict[Level, float]] = [{} for _ in range(fields)]
    for (position, level), m in zip(slots, m_flat):
        m_now[position][level] = m
    weights = {
        (position, level): math.log2(m_now[position][level] / u[position][level])
        for position in range(fields)
        for level in levels[position]
    }
    if share * population_pairs < 1.0 or not _is_a_match_model(weights):
        return DEFAULT_MODEL
    # Without a pair with the pattern the share stayed TWIN_CAP_PERCENT: the cap is TWIN_CAP_BITS.
    return MatchModel(MappingProxyType(weights), math.log2(share / (1.0 - share)), total, share, bits_of(100.0 * twin_share))


def _typical_m(
    position: int, seen: set[Level], u: Mapping[Level, float], default_weights: Mapping[tuple[int, Level], float]
) -> dict[Level, float]:
    if not seen:
        return {}
    typical = TYPICAL_M[position] if position < len(TYPICAL_M) else {}
    by_agreement: dict[Agreement, list[Level]] = {}
    for level in seen:
        by_agreement.setdefault(level[0], []).append(level)
    m: dict[Level, float] = {}
    for agreement, group in by_agreement.items():
        likely = {level: u[level] * 2.0 ** _default(default_weights, position, level) for level in group}
        total = sum(likely.values())
        for level in group:
            m[level] = typical.get(agreement, 0.01) * likely[level] / total
    return _normalised(m)


def _default(default_weights: Mapping[tuple[int, Level], float], position: int, level: Level) -> float:
    found = default_weights.get((position, level))
    return float(level[1]) if found is None else found


def _twin_kin(pattern: Pattern) -> bool:
    """Whether a pair without the twin pattern could have shown it: the same birth date and surname
    (:func:`~domain.matching._score.evaluate`'s test), first names filled on both sides."""
    first, last, born = pattern[FIRST], pattern[SURNAME], pattern[BIRTH_DATE]
    return (
        first is not None
        and born is not None
        and born[0] is Agreement.EXACT
        and last is not None
        and last[0] in FAMILY_SURNAME
    )


def _twin_slots(slots: Sequence[tuple[int, Level]]) -> tuple[list[int], list[int], list[int]]:
    """Where ``m`` holds the levels a one-person pair shows the twin pattern by: a first name
    that is another name; a first name spelled alike with clearly opposite sexes (both needed)."""
    def where(position: int, agreement: Agreement, most: float = math.inf) -> list[int]:
        return [
            index for index, (at, level) in enumerate(slots) if at == position and level[0] is agreement and level[1] <= most
        ]

    opposite = where(GENDER, Agreement.DIFFERENT, OPPOSITE_SEXES_BITS)
    return where(FIRST, Agreement.DIFFERENT), where(FIRST, Agreement.SPELLING_VARIANT), opposite


def _showing_twins(showing: tuple[list[int], list[int], list[int]], m: Sequence[float]) -> float:
    """How often a one-person pair of the same birth date and surname shows the twin pattern, under ``m``."""
    different, alike, opposite = showing
    return sum(m[index] for index in different) + sum(m[index] for index in alike) * sum(m[index] for index in opposite)


def _twin_share(kin: float, showing: float, twin_total: int) -> float:
    """The share of one-person pairs among the ``twin_total`` pairs with the twin pattern: ``kin``
    one-person pairs of the same birth date and surname did not show it, so about
    ``kin · showing / (1 - showing)`` did (at most the share :data:`HIGHEST_SHOWN_PERCENT` stands for)."""
    if not twin_total:
        return TWIN_CAP_PERCENT / 100.0
    showing = min(showing, 0.5)
    return min(kin * showing / (1.0 - showing) / twin_total, HIGHEST_SHOWN_PERCENT / 100.0)


def _start_share(coded: list[tuple[list[int], int, bool]], ratios: list[float], population_pairs: int) -> float:
    """The share of all pairs the starting weights favour as one person (one pair at least)."""
    likely = sum(count for members, count, _ in coded if math.prod(ratios[slot] for slot in members) >= 1.0)
    return min(max(likely, 1) / population_pairs, 0.5)


def _order(level: Level) -> tuple[str, int]:
    return level[0].value, level[1]


def _is_a_match_model(weights: Mapping[tuple[int, Level], float]) -> bool:
    """Exact agreement counts for, and a clear difference against, on the fields present."""
    for (_, (agreement, default)), bits in weights.items():
        if agreement is Agreement.EXACT and default >= 3 and bits <= 0.0:
            return False
        if agreement is Agreement.DIFFERENT and default <= -3 and bits >= 0.0:
            return False
    return True


def model_bits(model: MatchModel, evaluation: Evaluation) -> float:
    """The evidence of an evaluated pair under ``model``, on the scale of
    :func:`~domain.matching._score.percent_of` (prior, field weights, rare-value adjustments, twin cap)."""
    if model.is_default:
        return evaluation.bits
    bits = EVEN_ODDS_BITS + model.prior_bits + sum(evaluation.adjustments) + sum(model.field_weights(evaluation.verdicts))
    if evaluation.is_twin_pattern and bits > model.twin_bits:
        bits = model.twin_bits
    return bits
