"""The arithmetic of a comparison: verdicts for every field, frequency adjustments, twins, percent.

:mod:`domain.matching` wraps this in the public :class:`~domain.matching.Comparison`; the duplicate
search calls :func:`evaluate` directly for every candidate pair and builds a Comparison only for
the pairs it keeps, so this is the hot path: no object is built here that the sum does not need.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from domain.matching._facts import PreparedFacts, frequency_key
from domain.matching._fields import (
    MISSING,
    Agreement,
    MatchField,
    Verdict,
    compare_birth_dates,
    compare_genders,
    compare_guardians,
    place_verdicts,
)
from domain.matching._frequencies import ValueFrequencies
from domain.matching._names import NameVerdicts, compare_names

__all__ = [
    "Evaluation",
    "evaluate",
    "percent_of",
    "bits_of",
    "FIELDS",
    "ADJUSTED_FIELDS",
    "HIGHEST_SHOWN_PERCENT",
    "TWIN_CAP_PERCENT",
    "EVEN_ODDS_BITS",
    "TWIN_CAP_BITS",
]

FIELDS: tuple[MatchField, ...] = tuple(MatchField)
"""The fields compared, named as in :class:`~domain.matching.PersonFacts`, in display order."""

ADJUSTED_FIELDS: tuple[int, ...] = (0, 2, 3, 5)
"""Positions in :data:`FIELDS` of the fields whose exact agreement is weighed by how common the value is."""

EVEN_ODDS_BITS = 11.0
"""The evidence, in bits, at which a pair is as likely the same person as not (50 %).

Exact first and last name alone (5 + 6 bits) leave a reviewer at 50 %; add an exact birth date
(9 bits) and the pair is above 99 %.
"""

HIGHEST_SHOWN_PERCENT = 99.9
"""The highest percent evidence alone shows; 100.0 also needs every filled field to agree exactly."""

TWIN_CAP_PERCENT = 5.0
"""The highest percent a pair with the twin pattern can get: twins are strong evidence against."""


def percent_of(bits: float) -> float:
    """The percent (0-100) that ``bits`` of evidence give, with :data:`EVEN_ODDS_BITS` at 50 %."""
    return 100.0 / (1.0 + math.pow(2.0, min(1000.0, EVEN_ODDS_BITS - bits)))


def bits_of(percent: float) -> float:
    """The evidence in bits that gives ``percent`` (the inverse of :func:`percent_of`)."""
    clamped = min(max(percent, 1e-9), 100.0 - 1e-9)
    return EVEN_ODDS_BITS - math.log2(100.0 / clamped - 1.0)


TWIN_CAP_BITS = bits_of(TWIN_CAP_PERCENT)
"""The evidence :data:`TWIN_CAP_PERCENT` stands for: the most a pair with the twin pattern gets."""
_NOWHERE = ("", "", "")
_NO_PLACE = (MISSING, MISSING, MISSING)
_NO_ADJUSTMENTS = (0.0, 0.0, 0.0, 0.0)


class Evaluation(NamedTuple):
    """Every field's verdict (in :data:`FIELDS` order), which name forms were compared, the outcome.

    ``adjustments`` are the bits added, for a rare or a common value, to the fields at
    :data:`ADJUSTED_FIELDS` (already counted in ``bits``). ``bits`` is capped for the twin pattern.
    """

    verdicts: tuple[Verdict, ...]
    adjustments: tuple[float, float, float, float]
    local_name: int
    candidate_name: int
    bits: float
    is_twin_pattern: bool


FAMILY_SURNAME = frozenset({Agreement.EXACT, Agreement.COMPOUND_SURNAME_PART})
"""The surname agreements of one family's children: with the same birth date, the ground of the twin pattern."""

OPPOSITE_SEXES_BITS = -3.0
"""A gender verdict weighing this much or less says the two are clearly of opposite sexes."""


def _is_twin_pattern(names: NameVerdicts, birth: Verdict, gender: Verdict) -> bool:
    """Same birth date and surname, first names that are not one name (or only alike, opposite sexes)."""
    if birth.agreement is not Agreement.EXACT:
        return False
    if names.last.agreement not in FAMILY_SURNAME:
        return False
    first = names.first.agreement
    if first is Agreement.DIFFERENT:
        return True
    opposite_sexes = gender.agreement is Agreement.DIFFERENT and gender.weight <= OPPOSITE_SEXES_BITS
    return first is Agreement.SPELLING_VARIANT and opposite_sexes


def _best_names(local: PreparedFacts, candidate: PreparedFacts) -> tuple[NameVerdicts, int, int]:
    """The best-supported pairing of the two people's name forms (legal or alias)."""
    if len(local.names) == 1 and len(candidate.names) == 1:
        return compare_names(local.names[0], candidate.names[0]), 0, 0
    best: tuple[NameVerdicts, int, int] | None = None
    for left_index, left in enumerate(local.names):
        for right_index, right in enumerate(candidate.names):
            names = compare_names(left, right)
            if best is None or names.weight > best[0].weight:
                best = (names, left_index, right_index)
    assert best is not None  # both sides always have their legal name form
    return best


def _adjustments(
    frequencies: ValueFrequencies,
    local: PreparedFacts,
    name_index: int,
    names: NameVerdicts,
    birth: Verdict,
    city: Verdict,
) -> tuple[float, float, float, float]:
    """Bits for a rare or common value, for each exact agreement on first, last, birth date, city."""
    name = local.names[name_index]
    exact = Agreement.EXACT
    first = last = born = place = 0.0
    if names.first.agreement is exact and len(name.first) > 1:
        first = frequencies.adjustment("first", frequency_key("first", name.first))
    if names.last.agreement is exact:
        last = frequencies.adjustment("last", name.last)
    if birth.agreement is exact:
        born = frequencies.adjustment("birth_date", local.facts.birth_date)
    if city.agreement is exact:
        place = frequencies.adjustment("city", local.place[0])
    return first, last, born, place


def evaluate(
    local: PreparedFacts, candidate: PreparedFacts, frequencies: ValueFrequencies | None = None
) -> Evaluation:
    """Compare two prepared people field by field and add up the evidence."""
    names, left_index, right_index = _best_names(local, candidate)
    birth = compare_birth_dates(local.facts.birth_date, candidate.facts.birth_date)
    gender = compare_genders(local.gender, candidate.gender)
    city, state, country = place_verdicts(local.place, candidate.place) if local.place != _NOWHERE else _NO_PLACE
    guardians = compare_guardians(local.guardians, candidate.guardians)
    verdicts = (names.first, names.middle, names.last, birth, gender, city, state, country, guardians)
    bits = (
        names.first.weight
        + names.middle.weight
        + names.last.weight
        + birth.weight
        + gender.weight
        + city.weight
        + state.weight
        + country.weight
        + guardians.weight
    )
    adjustments = _NO_ADJUSTMENTS
    if frequencies is not None:
        adjustments = _adjustments(frequencies, local, left_index, names, birth, city)
        bits += adjustments[0] + adjustments[1] + adjustments[2] + adjustments[3]
    twin = _is_twin_pattern(names, birth, gender)
    if twin and bits > TWIN_CAP_BITS:
        bits = TWIN_CAP_BITS
    return Evaluation(verdicts, adjustments, left_index, right_index, bits, twin)
