"""Why our comparison rates a CALPADS candidate as it does, in a coordinator's words: the three
strongest reasons for the match and the three strongest against it, and our percent as a sentence.

A reason is one field's verdict (:class:`~domain.matching.FieldResult`): ``"Birth date: same"``,
``"First name: nickname (Pepe for José)"``, ``"Last name: different"``. The two values are named
when the agreement is a likeness rather than sameness or difference (nickname, spelling, swapped
day and month …): the candidate's value first, as CALPADS has it "for" the local student's. The
field's notes, when it has any ("via an alias", "twins?") and they add to the label, follow in the same
parentheses.

The strength of a reason is its weight of evidence; the order of candidates is not touched here
(CALPADS' percentage orders them).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.matching import Agreement, Comparison, FieldResult

__all__ = ["REASONS_SHOWN", "Reasons", "reason_text", "reasons", "estimate_text"]

REASONS_SHOWN = 3
"""How many reasons for, and how many against, a candidate the review shows."""

_VALUES_NOT_NAMED = frozenset({Agreement.EXACT, Agreement.DIFFERENT, Agreement.MISSING})
"""Agreements whose label says it all: the values are in the table beside."""


@dataclass(frozen=True, slots=True)
class Reasons:
    """The strongest reasons for the match (``for_match``) and against it (``against``), strongest first."""

    for_match: tuple[str, ...]
    against: tuple[str, ...]


def reason_text(result: FieldResult) -> str:
    """One field's verdict as a reviewer reads it: ``"First name: nickname (Pepe for José)"``."""
    details: list[str] = []
    if result.agreement not in _VALUES_NOT_NAMED and result.local and result.candidate and result.local != result.candidate:
        details.append(f"{result.candidate} for {result.local}")
    details += [note for note in result.note.split("; ") if note and note != result.label]  # not "nickname (…; nickname)"
    text = f"{result.field.label}: {result.label}"
    return f"{text} ({'; '.join(details)})" if details else text


def reasons(comparison: Comparison, shown: int = REASONS_SHOWN) -> Reasons:
    """The ``shown`` strongest fields for the match and against it (display order breaks ties)."""
    return Reasons(
        tuple(reason_text(r) for r in comparison.supports[:shown]),
        tuple(reason_text(r) for r in comparison.disagreements[:shown]),
    )


def estimate_text(comparison: Comparison) -> str:
    """Our percent as a sentence: ``"Our estimate: 87 % likely the same child"``."""
    return f"Our estimate: {comparison.percent:g} % likely the same child"
