"""The comparison itself: field results, the percent, and the public ``compare`` (see the package's docstring)."""


from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from types import MappingProxyType

from domain.matching._facts import PersonFacts, PreparedFacts, population_frequencies, prepare
from domain.records import MatchCandidate
from domain.matching._fields import Agreement, MatchField
from domain.matching._frequencies import ValueFrequencies
from domain.matching._model import DEFAULT_MODEL, MatchModel, model_bits
from domain.matching._score import (
    ADJUSTED_FIELDS,
    EVEN_ODDS_BITS,
    HIGHEST_SHOWN_PERCENT,
    TWIN_CAP_PERCENT,
    evaluate,
    percent_of,
)

__all__ = ["Evidence", "FieldResult", "Comparison", "candidate_facts", "compare", "compare_prepared"]


_CORE_FIELDS = (MatchField.LEGAL_FIRST, MatchField.LEGAL_LAST, MatchField.BIRTH_DATE)


class Evidence(Enum):
    """Which way a field's agreement points: the colour of its badge."""

    FOR = "for"
    NEUTRAL = "neutral"
    AGAINST = "against"


@dataclass(frozen=True, slots=True)
class FieldResult:
    """How one field agrees: the agreement, its weight of evidence in bits, both values, a note.

    ``weight`` is positive when the field supports "same person", negative when it opposes it,
    0 when neutral. ``local`` and ``candidate`` are the values as given (``""`` when blank); for
    names they are the name actually compared, which may be an alias (the note then says so).
    """

    field: MatchField
    agreement: Agreement
    weight: float
    local: str
    candidate: str
    note: str = ""

    @property
    def label(self) -> str:
        """What a badge says, in a coordinator's words: ``"nickname"``, ``"day and month swapped"``;
        a field blank on both sides says so."""
        if self.agreement is Agreement.MISSING and not self.local and not self.candidate:
            return "blank on both sides"
        return self.agreement.label

    @property
    def evidence(self) -> Evidence:
        """Whether this field counts for the match, against it, or not at all."""
        if self.weight > 0:
            return Evidence.FOR
        return Evidence.AGAINST if self.weight < 0 else Evidence.NEUTRAL


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of comparing a local person with a candidate.

    ``fields`` maps every :class:`MatchField` (in display order) to its :class:`FieldResult`. ``percent`` (0-100, rounded down to one decimal;
    100.0 only when :attr:`agrees_on_every_field` too) is what a reviewer reads; ``bits``, the total
    evidence it comes from, ranks candidates finely where percents saturate.
    """

    fields: Mapping[MatchField, FieldResult]
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
    def supports(self) -> tuple[FieldResult, ...]:
        """The fields that count for the match, strongest first (display order breaks ties)."""
        return tuple(sorted((r for r in self.fields.values() if r.weight > 0), key=lambda r: -r.weight))

    @property
    def disagreements(self) -> tuple[FieldResult, ...]:
        """The fields that count against the match, strongest first."""
        return tuple(sorted((r for r in self.fields.values() if r.weight < 0), key=lambda r: r.weight))


def _displayed(facts: PersonFacts, alias: bool) -> tuple[str, ...]:
    """The values shown for each field (FIELDS order); names come from the alias when it was compared."""
    first, middle, last = facts.legal_first, facts.legal_middle, facts.legal_last
    if alias:
        first, last = facts.alias_first or first, facts.alias_last or last
        middle = facts.alias_middle if facts.alias_first else middle
    values = (
        first,
        middle,
        last,
        facts.birth_date,
        facts.gender,
        facts.birth_city,
        facts.birth_state,
        facts.birth_country,
        "; ".join(facts.guardian_names),
    )
    return tuple("" if value is None else str(value) for value in values)


def _frequency_note(adjustment: float) -> str:
    if abs(adjustment) < 0.05:
        return ""
    return "rare in this population" if adjustment > 0 else "common in this population"


def _shown_percent(bits: float) -> float:
    """The percent rounded *down* to one decimal, so at most 99.9.

    100.0 is kept for a comparison that reaches 99.9 with nothing to question (every field filled
    on both sides agrees exactly): a nickname, a swapped date, a spelling variant never shows 100.
    """
    return math.floor(percent_of(bits) * 10.0) / 10.0


def compare_prepared(
    local: PreparedFacts,
    candidate: PreparedFacts,
    frequencies: ValueFrequencies | None = None,
    model: MatchModel = DEFAULT_MODEL,
) -> Comparison:
    """:func:`compare` for facts folded once with :func:`prepare` (for one-against-many use).

    ``model`` (a population's estimate, see :mod:`domain.matching._model`) weighs the fields and
    sets the prior; by default the default weights at even odds.
    """
    evaluation = evaluate(local, candidate, frequencies)
    left = _displayed(local.facts, evaluation.local_name > 0)
    right = _displayed(candidate.facts, evaluation.candidate_name > 0)
    via_alias = evaluation.local_name > 0 or evaluation.candidate_name > 0
    adjustment_at = dict(zip(ADJUSTED_FIELDS, evaluation.adjustments))
    results: dict[MatchField, FieldResult] = {}
    weights = model.field_weights(evaluation.verdicts)
    for position, (field, verdict) in enumerate(zip(MatchField, evaluation.verdicts)):
        adjustment = adjustment_at.get(position, 0.0)
        notes = (
            verdict.note,
            "via an alias" if via_alias and field.startswith("legal_") else "",
            _frequency_note(adjustment),
        )
        results[field] = FieldResult(
            field,
            verdict.agreement,
            round(weights[position] + adjustment, 2),
            left[position],
            right[position],
            "; ".join(filter(None, notes)),
        )
    if evaluation.is_twin_pattern:
        first = results[MatchField.LEGAL_FIRST]
        note = "; ".join(filter(None, (first.note, "same birth date and surname: twins?")))
        results[MatchField.LEGAL_FIRST] = FieldResult(
            first.field, first.agreement, first.weight, first.local, first.candidate, note
        )
    bits = model_bits(model, evaluation)
    comparison = Comparison(
        MappingProxyType(results), _shown_percent(bits), bits, evaluation.is_twin_pattern
    )
    if comparison.percent >= HIGHEST_SHOWN_PERCENT and comparison.agrees_on_every_field:
        return replace(comparison, percent=100.0)
    return comparison


def compare(
    local: PersonFacts, candidate: PersonFacts, *, frequencies: ValueFrequencies | None = None
) -> Comparison:
    """Compare a local person with a candidate, field by field, and rate the pair 0-100 percent.

    The result says how every field agrees (see :class:`Agreement`), flags the twin pattern, and
    tells whether every filled field agrees exactly (:attr:`Comparison.agrees_on_every_field`).
    Missing data is neutral. With ``frequencies`` (from :func:`population_frequencies`) an exact
    agreement on a rare name, birth date or city counts for more, and on a common one for less.
    """
    return compare_prepared(prepare(local), prepare(candidate), frequencies)


def candidate_facts(candidate: MatchCandidate) -> PersonFacts:
    """What a CALPADS match result file tells about a candidate, as facts to compare a local student with.

    Columns the file does not carry stay blank, which :func:`compare` treats as neutral.
    """
    return PersonFacts(
        legal_first=candidate.legal_first or None,
        legal_middle=candidate.legal_middle or None,
        legal_last=candidate.legal_last or None,
        birth_date=candidate.birth_date,
        gender=candidate.gender or None,
        birth_city=candidate.birth_city or None,
        birth_state=candidate.birth_state or None,
        birth_country=candidate.birth_country or None,
    )
