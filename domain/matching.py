"""Is this candidate the same person? Field-by-field agreement of two person records, and a percent.

The matching assistant shows a reviewer, for a local student and each candidate (from CALPADS or
from the district's own records), how every field agrees: exactly, as a nickname ("Pepe" for
"José"), as a spelling variant, with day and month swapped, as one part of a compound surname,
and so on. The agreements add up, as bits of evidence, to the percent used to rank candidates.

Two rules sit above the sum. A blank field is neutral: it neither helps nor hurts. Same birth
date and surname with a clearly different first name is the pattern of twins, which is strong
evidence *against* (:attr:`Comparison.is_twin_pattern`): the percent is capped low
(:data:`TWIN_CAP_PERCENT`) however much else agrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from domain.matching_evaluation import FIELDS, TWIN_CAP_PERCENT, evaluate
from domain.matching_facts import PersonFacts, PreparedFacts, population_frequencies, prepare
from domain.matching_fields import Agreement
from domain.matching_frequencies import ValueFrequencies

__all__ = [
    "Agreement",
    "PersonFacts",
    "FieldResult",
    "Comparison",
    "PreparedFacts",
    "ValueFrequencies",
    "FIELDS",
    "TWIN_CAP_PERCENT",
    "compare",
    "compare_prepared",
    "prepare",
    "population_frequencies",
]

_CORE_FIELDS = ("legal_first", "legal_last", "birth_date")


@dataclass(frozen=True, slots=True)
class FieldResult:
    """How one field agrees: the agreement, its weight of evidence in bits, both values, a note.

    ``weight`` is positive when the field supports "same person", negative when it opposes it,
    0 when neutral. ``local`` and ``candidate`` are the values as given (``""`` when blank); for
    names they are the name actually compared, which may be an alias (the note then says so).
    """

    field: str
    agreement: Agreement
    weight: float
    local: str
    candidate: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of comparing a local person with a candidate.

    ``fields`` maps every name in :data:`FIELDS` to its :class:`FieldResult`. ``percent`` (0-100,
    one decimal) ranks candidates; ``bits`` is the total evidence it was computed from.
    """

    fields: Mapping[str, FieldResult]
    percent: float
    bits: float
    is_twin_pattern: bool

    @property
    def agrees_on_every_field(self) -> bool:
        """Every field filled on both sides agrees exactly, and first, last name and birth date are filled.

        Meant for bulk acceptance: a field blank on one side does not prevent it, but a nickname,
        a spelling variant, a swapped date or the twin pattern does.
        """
        if self.is_twin_pattern:
            return False
        if any(self.fields[name].agreement is Agreement.MISSING for name in _CORE_FIELDS):
            return False
        return all(result.agreement in (Agreement.EXACT, Agreement.MISSING) for result in self.fields.values())

    @property
    def disagreements(self) -> tuple[FieldResult, ...]:
        """The fields that count against the match, strongest first."""
        return tuple(sorted((r for r in self.fields.values() if r.weight < 0), key=lambda r: r.weight))


def _displayed(facts: PersonFacts, alias: bool) -> dict[str, str]:
    """The values shown for each field; names come from the alias when the alias was compared."""
    first, middle, last = facts.legal_first, facts.legal_middle, facts.legal_last
    if alias:
        first, last = facts.alias_first or first, facts.alias_last or last
        middle = facts.alias_middle if facts.alias_first else middle
    values: dict[str, object] = {
        "legal_first": first,
        "legal_middle": middle,
        "legal_last": last,
        "birth_date": facts.birth_date,
        "gender": facts.gender,
        "birth_city": facts.birth_city,
        "birth_state": facts.birth_state,
        "birth_country": facts.birth_country,
        "guardian_names": "; ".join(facts.guardian_names),
    }
    return {name: "" if value is None else str(value) for name, value in values.items()}


def compare_prepared(
    local: PreparedFacts, candidate: PreparedFacts, frequencies: ValueFrequencies | None = None
) -> Comparison:
    """:func:`compare` for facts folded once with :func:`prepare` (for one-against-many use)."""
    evaluation = evaluate(local, candidate, frequencies)
    left = _displayed(local.facts, evaluation.local_name > 0)
    right = _displayed(candidate.facts, evaluation.candidate_name > 0)
    via_alias = evaluation.local_name > 0 or evaluation.candidate_name > 0
    fields: dict[str, FieldResult] = {}
    for name, verdict in zip(FIELDS, evaluation.verdicts):
        notes = (verdict.note, "via an alias" if via_alias and name.startswith("legal_") else "")
        fields[name] = FieldResult(
            name, verdict.agreement, verdict.weight, left[name], right[name], "; ".join(filter(None, notes))
        )
    return Comparison(MappingProxyType(fields), evaluation.percent, evaluation.bits, evaluation.is_twin_pattern)


def compare(
    local: PersonFacts, candidate: PersonFacts, *, frequencies: ValueFrequencies | None = None
) -> Comparison:
    """Compare a local person with a candidate, field by field, and rate the pair 0-100 percent.

    The result says how every field agrees (see :class:`Agreement`), flags the twin pattern, and
    tells whether every filled field agrees exactly (:attr:`Comparison.agrees_on_every_field`).
    With ``frequencies`` (from :func:`population_frequencies`) an exact agreement on a rare name,
    birth date or city counts for more, and on a common one for less.
    """
    return compare_prepared(prepare(local), prepare(candidate), frequencies)
