"""The arithmetic of a comparison: verdicts for every field, frequency adjustments, twins, percent.

:mod:`domain.matching` wraps this in the public :class:`~domain.matching.Comparison`; the duplicate
search calls :func:`evaluate` directly and builds a Comparison only for the pairs it keeps.
"""

from __future__ import annotations

from typing import NamedTuple

from domain.matching_facts import PreparedFacts, frequency_key
from domain.matching_fields import (
    Agreement,
    Verdict,
    compare_birth_dates,
    compare_genders,
    compare_guardians,
    place_verdicts,
)
from domain.matching_frequencies import ValueFrequencies
from domain.matching_names import NameForm, compare_names

__all__ = ["Evaluation", "evaluate", "FIELDS", "TWIN_CAP_PERCENT", "EVEN_ODDS_BITS"]

FIELDS: tuple[str, ...] = (
    "legal_first",
    "legal_middle",
    "legal_last",
    "birth_date",
    "gender",
    "birth_city",
    "birth_state",
    "birth_country",
    "guardian_names",
)
"""The fields compared, named as in :class:`~domain.matching.PersonFacts`, in display order."""

TWIN_CAP_PERCENT = 15.0
"""The highest percent a pair with the twin pattern can get."""

EVEN_ODDS_BITS = 11.0
"""The evidence, in bits, at which a pair is as likely the same person as not.

Exact first and last name alone (5 + 6 bits) leave a reviewer at 50 %; add an exact birth date
(9 bits) and the pair is above 99 %.
"""

_MISSING = Verdict(Agreement.MISSING, 0.0)


class Evaluation(NamedTuple):
    """Every field's verdict (in :data:`FIELDS` order), which name forms were compared, the outcome."""

    verdicts: tuple[Verdict, ...]
    local_name: int
    candidate_name: int
    bits: float
    is_twin_pattern: bool
    percent: float


def _is_twin_pattern(first: Verdict, last: Verdict, birth: Verdict, gender: Verdict) -> bool:
    """Same birth date and surname, first names that are not one name (or only alike, opposite sexes)."""
    if birth.agreement is not Agreement.EXACT:
        return False
    if last.agreement not in (Agreement.EXACT, Agreement.COMPOUND_SURNAME_PART):
        return False
    if first.agreement is Agreement.DIFFERENT:
        return True
    opposite_sexes = gender.agreement is Agreement.DIFFERENT and gender.weight <= -3.0
    return first.agreement is Agreement.SPELLING_VARIANT and opposite_sexes


def _adjusted(verdict: Verdict, frequencies: ValueFrequencies, kind: str, value: str) -> Verdict:
    """An exact agreement made stronger for a rare value, weaker for a common one."""
    if verdict.agreement is not Agreement.EXACT or not value:
        return verdict
    bits = frequencies.adjustment(kind, frequency_key(kind, value))
    if abs(bits) < 0.05:
        return verdict
    note = "rare value in this population" if bits > 0 else "common value in this population"
    return Verdict(verdict.agreement, verdict.weight + bits, "; ".join(filter(None, (verdict.note, note))))


def evaluate(
    local: PreparedFacts, candidate: PreparedFacts, frequencies: ValueFrequencies | None = None
) -> Evaluation:
    """Compare two prepared people field by field and turn the evidence into a percent."""
    best = None
    for left_index, left in enumerate(local.names):
        for right_index, right in enumerate(candidate.names):
            names = compare_names(left, right)
            if best is None or names.weight > best[0].weight:
                best = (names, left_index, right_index)
    assert best is not None  # both sides always have their legal name form
    names, left_index, right_index = best
    first, middle, last = names
    born = local.facts.birth_date
    birth = compare_birth_dates(born, candidate.facts.birth_date)
    gender = compare_genders(local.gender, candidate.gender)
    city, state, country = place_verdicts(local.place, candidate.place)
    twin = _is_twin_pattern(first, last, birth, gender)
    if frequencies is not None:
        name: NameForm = local.names[left_index]
        first = _adjusted(first, frequencies, "first", name.first)
        last = _adjusted(last, frequencies, "last", name.last)
        birth = _adjusted(birth, frequencies, "birth_date", born.isoformat() if born else "")
        city = _adjusted(city, frequencies, "city", local.place[0])
    guardians = _MISSING
    if local.guardians and candidate.guardians:
        guardians = compare_guardians(local.guardians, candidate.guardians)
    verdicts = (first, middle, last, birth, gender, city, state, country, guardians)
    bits = sum(verdict.weight for verdict in verdicts)
    percent = 100.0 / (1.0 + 2.0 ** (EVEN_ODDS_BITS - bits))
    if twin:
        percent = min(percent, TWIN_CAP_PERCENT)
    return Evaluation(verdicts, left_index, right_index, bits, twin, round(percent, 1))
