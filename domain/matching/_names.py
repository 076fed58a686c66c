"""Whole-name comparison: first, middle and last together, so that misplaced parts still agree.

A name part can land in the wrong box: "Maria Elena" typed as the first name where the other
record has "Maria" and middle "Elena"; a student who goes by the middle name; first and last
name entered the other way round. Field-by-field comparison calls those disagreements; this
module looks across the boxes before it gives its verdict.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from domain.matching._fields import (
    Agreement,
    Verdict,
    compare_given,
    compare_middle,
    compare_surname,
    weight_of,
)
from domain.matching._text import nickname_roots, words

__all__ = ["NameForm", "NameVerdicts", "compare_names"]


class NameForm(NamedTuple):
    """A person's folded first, middle and last name (``""`` when blank)."""

    first: str
    middle: str
    last: str


class NameVerdicts(NamedTuple):
    """The verdicts for first, middle and last name of one pairing of two name forms."""

    first: Verdict
    middle: Verdict
    last: Verdict

    @property
    def weight(self) -> float:
        """The evidence of the three verdicts together."""
        return self.first.weight + self.middle.weight + self.last.weight


_NAME_AGREES = frozenset({Agreement.EXACT, Agreement.NICKNAME, Agreement.SHORTENED})
_PART_AGREES = frozenset(
    {Agreement.EXACT, Agreement.NICKNAME, Agreement.SHORTENED, Agreement.SPELLING_VARIANT, Agreement.COMPOUND_SURNAME_PART}
)


def _given_agrees(left: str, right: str) -> bool:
    return compare_given(left, right).agreement in _NAME_AGREES


def _middle_in_first(local: NameForm, candidate: NameForm) -> NameVerdicts | None:
    """Verdicts when one side carries the other's middle name in its first name, else ``None``."""
    inside = weight_of("first", Agreement.MIDDLE_IN_FIRST)
    two_in_one = weight_of("first", Agreement.MIDDLE_IN_FIRST, 0.75)
    by_middle = weight_of("first", Agreement.MIDDLE_IN_FIRST, 0.0)
    inside_middle = weight_of("middle", Agreement.MIDDLE_IN_FIRST)
    local_first, candidate_first = words(local.first), words(candidate.first)
    local_given = local_first + words(local.middle)
    candidate_given = candidate_first + words(candidate.middle)
    if local_given == candidate_given:
        note = "same given names, split differently between first and middle"
        return NameVerdicts(
            Verdict(Agreement.MIDDLE_IN_FIRST, inside, note),
            Verdict(Agreement.MIDDLE_IN_FIRST, inside_middle, note),
            compare_surname(local.last, candidate.last),
        )
    for longer, shorter, longer_given, shorter_form in (
        (local_first, candidate_first, local_given, candidate),
        (candidate_first, local_first, candidate_given, local),
    ):
        if len(longer) > 1 and len(shorter) == 1 and any(_given_agrees(word, shorter[0]) for word in longer):
            rest = " ".join(word for word in longer_given if word != shorter[0])
            middle = compare_middle(rest, shorter_form.middle) if shorter_form.middle else None
            first = Verdict(Agreement.MIDDLE_IN_FIRST, two_in_one, "one first name holds two given names")
            if middle is None or middle.agreement is Agreement.DIFFERENT:
                middle = Verdict(Agreement.MISSING, 0.0, "the other middle name sits in the first name")
            return NameVerdicts(first, middle, compare_surname(local.last, candidate.last))
    if (local.middle and _given_agrees(local.middle, candidate.first)) or (
        candidate.middle and _given_agrees(candidate.middle, local.first)
    ):
        return NameVerdicts(
            Verdict(Agreement.MIDDLE_IN_FIRST, by_middle, "goes by the middle name"),
            Verdict(Agreement.MISSING, 0.0, "used as the first name on the other side"),
            compare_surname(local.last, candidate.last),
        )
    return None


def _first_last_swapped(local: NameForm, candidate: NameForm) -> NameVerdicts | None:
    """Verdicts when first and last name were entered the other way round, else ``None``."""
    one = compare_surname(local.first, candidate.last)
    other = compare_surname(local.last, candidate.first)
    agreeing = [verdict for verdict in (one, other) if verdict.agreement in _PART_AGREES]
    if not agreeing or len(agreeing) + [one, other].count(Verdict(Agreement.MISSING, 0.0)) < 2:
        return None
    swapped = Agreement.FIRST_LAST_SWAPPED
    note = "first and last name entered the other way round"
    scale = min(1.0, sum(verdict.weight for verdict in agreeing) / (2 * weight_of("last", Agreement.EXACT)))
    first = Verdict(swapped, weight_of("first", swapped) * scale, note) if one in agreeing else one
    last = Verdict(swapped, weight_of("last", swapped) * scale, note) if other in agreeing else other
    return NameVerdicts(first, compare_middle(local.middle, candidate.middle), last)


def _may_be_swapped(local: NameForm, candidate: NameForm, last: Verdict) -> bool:
    """A cheap test before the swapped reading: the surnames do not already agree, and a first
    name begins like the other side's surname (a typo in the very first letter is not looked for)."""
    if last.agreement is Agreement.EXACT or last.agreement is Agreement.COMPOUND_SURNAME_PART:
        return False
    return bool(
        (local.first and local.first[0] == candidate.last[:1]) or (local.last and local.last[0] == candidate.first[:1])
    )


def _given_roots_uncached(first: str, middle: str) -> frozenset[str]:
    """The formal names every given word (first and middle) may stand for."""
    return frozenset(root for word in (*first.split(), *middle.split()) for root in nickname_roots(word))


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
_given_roots = lru_cache(maxsize=1 << 16)(_given_roots_uncached)


def _may_hold_middle(local: NameForm, candidate: NameForm) -> bool:
    """A cheap test before the middle-name readings: someone has a middle name or two first names,
    and some given word on one side is, or is a nickname of, a given word on the other."""
    if not (local.middle or candidate.middle or " " in local.first or " " in candidate.first):
        return False
    return not _given_roots(local.first, local.middle).isdisjoint(_given_roots(candidate.first, candidate.middle))


def compare_names(local: NameForm, candidate: NameForm) -> NameVerdicts:
    """Compare two folded names part by part, then across parts; the best-supported reading wins."""
    first = compare_given(local.first, candidate.first)
    last = compare_surname(local.last, candidate.last)
    straight = NameVerdicts(first, compare_middle(local.middle, candidate.middle), last)
    agreement = first.agreement
    first_agrees = agreement in (Agreement.EXACT, Agreement.NICKNAME, Agreement.SHORTENED, Agreement.MISSING)
    if first_agrees and last.agreement is not Agreement.MISSING:
        return straight
    best = straight
    if _may_be_swapped(local, candidate, last):
        swapped = _first_last_swapped(local, candidate)
        if swapped is not None and swapped.weight > best.weight + 0.5:
            best = swapped
    if not first_agrees and _may_hold_middle(local, candidate):
        inside = _middle_in_first(local, candidate)
        if inside is not None and inside.weight > best.weight + 0.5:
            best = inside
    return best
