"""How one field of two person records agrees: the agreement kinds, their evidence weights, the comparators.

Each comparator returns a :class:`Verdict`: an :class:`Agreement` (what a reviewer is shown) and a
weight in bits of evidence (log2 of a likelihood ratio: positive supports "same person",
negative opposes it, 0 is neutral). The weights are one table, :data:`WEIGHTS`, so they can be
read and tuned in one place; spelling variants slide between two weights by how alike the
spellings are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from enum import Enum, StrEnum
from functools import lru_cache
from typing import NamedTuple

from domain.matching._places import canonical_city, canonical_country, canonical_state
from domain.matching._text import nickname_relation, one_letter_apart, significant_words, spelling_likeness, squash

__all__ = [
    "MatchField",
    "Agreement",
    "Verdict",
    "WEIGHTS",
    "MISSING",
    "weight_of",
    "compare_given",
    "compare_surname",
    "compare_middle",
    "compare_birth_dates",
    "compare_genders",
    "compare_cities",
    "compare_codes",
    "compare_guardians",
    "canonical_gender",
    "canonical_place",
    "place_verdicts",
]


class MatchField(StrEnum):
    """A compared field, named as the :class:`PersonFacts` attribute it comes from (display order)."""

    LEGAL_FIRST = "legal_first"
    LEGAL_MIDDLE = "legal_middle"
    LEGAL_LAST = "legal_last"
    BIRTH_DATE = "birth_date"
    GENDER = "gender"
    BIRTH_CITY = "birth_city"
    BIRTH_STATE = "birth_state"
    BIRTH_COUNTRY = "birth_country"
    GUARDIAN_NAMES = "guardian_names"

    @property
    def label(self) -> str:
        """The field's name on a review page ("First name")."""
        return _FIELD_LABELS[self]


_FIELD_LABELS: dict[MatchField, str] = {
    MatchField.LEGAL_FIRST: "First name",
    MatchField.LEGAL_MIDDLE: "Middle name",
    MatchField.LEGAL_LAST: "Last name",
    MatchField.BIRTH_DATE: "Birth date",
    MatchField.GENDER: "Gender",
    MatchField.BIRTH_CITY: "Birth city",
    MatchField.BIRTH_STATE: "Birth state",
    MatchField.BIRTH_COUNTRY: "Birth country",
    MatchField.GUARDIAN_NAMES: "Parents/guardians",
}


class Agreement(Enum):
    """How a field of a local record agrees with the same field of a candidate.

    The value is a stable code (for logs, JSON and CSS classes); :attr:`label` is what a
    coordinator reads on a badge.
    """

    EXACT = "exact"
    NICKNAME = "nickname"
    SHORTENED = "shortened"
    SPELLING_VARIANT = "spelling_variant"
    DAY_MONTH_SWAPPED = "day_month_swapped"
    DIGIT_TYPO = "digit_typo"
    FIRST_LAST_SWAPPED = "first_last_swapped"
    COMPOUND_SURNAME_PART = "compound_surname_part"
    MIDDLE_IN_FIRST = "middle_in_first"
    MISSING = "missing"
    DIFFERENT = "different"

    @property
    def label(self) -> str:
        """A short description in a coordinator's words ("day and month swapped")."""
        return _LABELS[self]


_LABELS: dict[Agreement, str] = {
    Agreement.EXACT: "same",
    Agreement.NICKNAME: "nickname",
    Agreement.SHORTENED: "shortened form",
    Agreement.SPELLING_VARIANT: "spelled differently",
    Agreement.DAY_MONTH_SWAPPED: "day and month swapped",
    Agreement.DIGIT_TYPO: "one digit differs",
    Agreement.FIRST_LAST_SWAPPED: "first and last name swapped",
    Agreement.COMPOUND_SURNAME_PART: "part of a two-part surname",
    Agreement.MIDDLE_IN_FIRST: "middle name in the first name",
    Agreement.MISSING: "blank on one side",
    Agreement.DIFFERENT: "different",
}


class Verdict(NamedTuple):
    """One field's agreement, its weight of evidence in bits, and a short reason for reviewers."""

    agreement: Agreement
    weight: float
    note: str = ""


MISSING = Verdict(Agreement.MISSING, 0.0)
"""The verdict for a field blank on either side: neutral."""

# (field kind, agreement) -> bits of evidence. For SPELLING_VARIANT the pair is (weakest, strongest).
# A birth date is the strongest single field: one day in some 5,000 of a school population.
# "initial" is an exact agreement of one-letter names ("J" and "J."): one letter in 26.
WEIGHTS: dict[str, dict[Agreement, tuple[float, float]]] = {
    "first": {
        Agreement.EXACT: (5.0, 5.0),
        Agreement.NICKNAME: (4.0, 4.0),
        Agreement.SHORTENED: (4.0, 4.0),
        # (goes by the middle name: the other first name is unexplained; the same given names
        # split differently between first and middle)
        Agreement.MIDDLE_IN_FIRST: (2.0, 4.0),
        Agreement.FIRST_LAST_SWAPPED: (4.0, 4.0),
        Agreement.SPELLING_VARIANT: (2.0, 3.5),
        Agreement.DIFFERENT: (-4.5, -4.5),
    },
    "last": {
        Agreement.EXACT: (6.0, 6.0),
        # (one part in common and another different: cousins share that much; same parts, or the
        # second surname left out). Only the second surname given is halfway.
        Agreement.COMPOUND_SURNAME_PART: (1.0, 5.0),
        Agreement.FIRST_LAST_SWAPPED: (5.0, 5.0),
        Agreement.SPELLING_VARIANT: (2.5, 4.5),
        Agreement.DIFFERENT: (-5.0, -5.0),
    },
    "middle": {
        Agreement.EXACT: (3.0, 3.0),
        Agreement.NICKNAME: (2.0, 2.0),
        Agreement.SHORTENED: (2.0, 2.0),
        Agreement.MIDDLE_IN_FIRST: (2.0, 2.0),
        Agreement.SPELLING_VARIANT: (1.0, 2.0),
        Agreement.DIFFERENT: (-2.0, -2.0),
    },
    "initial": {
        Agreement.EXACT: (1.5, 1.5),
        Agreement.SPELLING_VARIANT: (0.5, 0.5),
    },
    "birth_date": {
        Agreement.EXACT: (9.0, 9.0),
        Agreement.DAY_MONTH_SWAPPED: (3.0, 3.0),
        Agreement.DIGIT_TYPO: (2.0, 2.0),
        Agreement.DIFFERENT: (-6.0, -6.0),
    },
    "gender": {
        Agreement.EXACT: (0.5, 0.5),
        # (X against M or F, M against F): a non-binary marker is often recorded in one system only.
        Agreement.DIFFERENT: (-0.5, -3.0),
    },
    "city": {
        Agreement.EXACT: (1.5, 1.5),
        Agreement.SPELLING_VARIANT: (0.5, 1.0),
        Agreement.DIFFERENT: (-1.0, -1.0),
    },
    "state": {Agreement.EXACT: (0.5, 0.5), Agreement.DIFFERENT: (-1.5, -1.5)},
    "country": {Agreement.EXACT: (0.5, 0.5), Agreement.DIFFERENT: (-2.5, -2.5)},
    # Both records list guardians and none is in common: rare for one child (a new guardian, a
    # typo), usual for two.
    "guardians": {
        Agreement.EXACT: (3.0, 3.0),
        Agreement.SPELLING_VARIANT: (1.5, 1.5),
        Agreement.DIFFERENT: (-2.0, -2.0),
    },
}


def weight_of(kind: str, agreement: Agreement, strength: float = 1.0) -> float:
    """The weight of ``agreement`` for a field kind; ``strength`` 0..1 slides within its range."""
    if agreement is Agreement.MISSING:
        return 0.0
    weakest, strongest = WEIGHTS[kind][agreement]
    return weakest + (strongest - weakest) * strength


def _verdict(kind: str, agreement: Agreement, note: str = "", strength: float = 1.0) -> Verdict:
    return Verdict(agreement, weight_of(kind, agreement, strength), note)


def _variant_strength(likeness: float) -> float:
    """Spelling likeness 0.85..1.0 mapped onto 0..1."""
    return max(0.0, min(1.0, (likeness - 0.85) / 0.15))


def _compare_given(left: str, right: str, kind: str = "first") -> Verdict:
    """Compare two folded given names (first, or middle with ``kind="middle"``).

    An initial agrees weakly with the same initial or with a name it begins ("J" and "JUAN").
    """
    if not left or not right:
        return MISSING
    if left == right:
        if len(left) == 1:
            return _verdict("initial", Agreement.EXACT, "initial only")
        return _verdict(kind, Agreement.EXACT)
    relation = nickname_relation(left, right)
    if relation:
        return _verdict(kind, Agreement.NICKNAME, relation)
    shorter, longer = sorted((left, right), key=len)
    if len(shorter) == 1:
        if longer[0] == shorter:
            return _verdict("initial", Agreement.SPELLING_VARIANT, "initial only")
        return _verdict(kind, Agreement.DIFFERENT)
    # "Alex" for "Alexander" (not in the nickname table: "shortened", never "nickname"); but "Jose"
    # against "Jose Luis" is a second given name, which the whole-name comparison reads as a middle
    # name inside the first name; and one letter more ("Anh", "Anhh") is a typing slip.
    if len(shorter) >= 3 and len(longer) - len(shorter) >= 2 and longer.startswith(shorter) and " " not in longer:
        return _verdict(kind, Agreement.SHORTENED, f"{shorter} is the start of {longer}")
    likeness = spelling_likeness(left, right)
    if likeness:
        return _verdict(kind, Agreement.SPELLING_VARIANT, spelling_note(likeness), _variant_strength(likeness))
    # "Kia" and "Kai", "Amy" and "Any": a slip, or two short names. The weakest variant, so a
    # population's own pairs tell how often it is one name (see domain.matching._model).
    if len(shorter) >= 3 and " " not in longer and one_letter_apart(left, right):
        return _verdict(kind, Agreement.SPELLING_VARIANT, "one letter apart (a slip, or two short names)", 0.0)
    return _verdict(kind, Agreement.DIFFERENT)


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
compare_given = lru_cache(maxsize=1 << 18)(_compare_given)


def spelling_note(likeness: float) -> str:
    """What a spelling variant's badge adds: a typing slip, or how alike the spellings are."""
    return "one letter apart (a typing slip?)" if likeness >= 1.0 else f"{likeness:.0%} alike"


def compare_middle(left: str, right: str) -> Verdict:
    """Compare two folded middle names; an initial agrees weakly with a name it begins."""
    return compare_given(left, right, "middle")


def _compare_surname(left: str, right: str) -> Verdict:
    """Compare two folded surnames, knowing Hispanic compound surnames and their particles."""
    if not left or not right:
        return MISSING
    if left == right:
        return _verdict("last", Agreement.EXACT)
    if squash(left) == squash(right):
        return _verdict("last", Agreement.COMPOUND_SURNAME_PART, "spacing differs")
    left_parts, right_parts = significant_words(left), significant_words(right)
    left_set, right_set = set(left_parts), set(right_parts)
    if left_set == right_set:
        return _verdict("last", Agreement.COMPOUND_SURNAME_PART, "same parts, other order or particles")
    if left_set < right_set or right_set < left_set:
        shorter, longer = (left_parts, right_parts) if len(left_set) < len(right_set) else (right_parts, left_parts)
        if longer[: len(shorter)] == shorter:
            return _verdict("last", Agreement.COMPOUND_SURNAME_PART, "one side leaves out the second surname")
        return _verdict("last", Agreement.COMPOUND_SURNAME_PART, "one side has only a later part of the surname", 0.5)
    likeness = spelling_likeness(squash(left), squash(right))
    if likeness >= _SLIP:
        return _verdict("last", Agreement.SPELLING_VARIANT, spelling_note(likeness), _variant_strength(likeness))
    # "Garcia Lopez" and "Garcia Ruiz" look alike letter by letter but are a cousin's surname.
    if len(left_parts) + len(right_parts) > 2 and (
        not left_set.isdisjoint(right_set) or max(spelling_likeness(a, b) for a in left_parts for b in right_parts) >= 0.9
    ):
        return _verdict("last", Agreement.COMPOUND_SURNAME_PART, "one part in common, another differs", 0.0)
    if likeness:
        return _verdict("last", Agreement.SPELLING_VARIANT, spelling_note(likeness), _variant_strength(likeness))
    return _verdict("last", Agreement.DIFFERENT)


# 2**17 entries of about 200 bytes: a district-wide duplicate search holds them beside its people
# (2**18: 34 MB more at the peak of the 600,000-student search, measured, and no faster).
compare_surname = lru_cache(maxsize=1 << 17)(_compare_surname)


def forget_name_comparisons() -> None:
    """Let go of the name comparisons remembered so far (given names, surnames, nicknames): after
    pairs that will not come again, such as a population's random pairs, they only hold memory
    (600,000 students' 62,500 random pairs: about 50 MB)."""
    compare_given.cache_clear()
    compare_surname.cache_clear()
    nickname_relation.cache_clear()


_SLIP = 0.95  # a spelling likeness this high is a typing slip, whatever the parts


def _one_digit_apart(left: int, right: int, width: int) -> bool:
    """One digit changed, or two neighbouring digits swapped, between two zero-padded numbers."""
    a, b = f"{left:0{width}d}", f"{right:0{width}d}"
    differ = [index for index in range(width) if a[index] != b[index]]
    if len(differ) == 1:
        return True
    return len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]]


def compare_birth_dates(left: dt.date | None, right: dt.date | None) -> Verdict:
    """Compare birth dates: exact, day and month swapped, one digit mistyped, or different."""
    if left is None or right is None:
        return MISSING
    if left == right:
        return _DATE_EXACT
    same_year, same_month, same_day = left.year == right.year, left.month == right.month, left.day == right.day
    if same_year and left.month == right.day and left.day == right.month:
        return _DATE_SWAPPED
    if same_month and same_day and _one_digit_apart(left.year, right.year, 4):
        return _DATE_TYPO
    if same_year and same_day and _one_digit_apart(left.month, right.month, 2):
        return _DATE_TYPO
    if same_year and same_month and _one_digit_apart(left.day, right.day, 2):
        return _DATE_TYPO
    return _DATE_DIFFERENT


_DATE_EXACT = _verdict("birth_date", Agreement.EXACT)
_DATE_SWAPPED = _verdict("birth_date", Agreement.DAY_MONTH_SWAPPED)
_DATE_TYPO = _verdict("birth_date", Agreement.DIGIT_TYPO)
_DATE_DIFFERENT = _verdict("birth_date", Agreement.DIFFERENT)

# Folded free text -> M, F or X. Anything else is compared as text.
_GENDERS: dict[str, str] = {
    **dict.fromkeys(("M", "MALE", "MAN", "BOY", "H", "HOMBRE", "MASCULINO", "NINO"), "M"),
    **dict.fromkeys(("F", "FEMALE", "WOMAN", "GIRL", "MUJER", "FEMENINO", "NINA"), "F"),
    **dict.fromkeys(("X", "N", "NONBINARY", "NON BINARY", "NB", "OTHER", "NO BINARIO"), "X"),
}


def canonical_gender(folded: str) -> str:
    """``M``, ``F`` or ``X`` for the usual spellings, else the folded text itself."""
    return _GENDERS.get(folded, folded)


def _compare_genders(left: str, right: str) -> Verdict:
    """Compare canonical genders; X against M or F is only a weak disagreement."""
    if not left or not right:
        return MISSING
    if left == right:
        return _verdict("gender", Agreement.EXACT)
    if "X" in (left, right):
        return _verdict("gender", Agreement.DIFFERENT, "X against a binary marker", 0.0)
    return _verdict("gender", Agreement.DIFFERENT)


compare_genders = lru_cache(maxsize=1024)(_compare_genders)


def compare_cities(left: str, right: str) -> Verdict:
    """Compare canonical city names; one inside the other ("Bristol" in "Bristol, City of") is a variant."""
    if not left or not right:
        return MISSING
    if left == right or squash(left) == squash(right):
        return _verdict("city", Agreement.EXACT)
    left_words, right_words = set(left.split()), set(right.split())
    if left_words <= right_words or right_words <= left_words:
        return _verdict("city", Agreement.SPELLING_VARIANT, "one name inside the other", 1.0)
    likeness = spelling_likeness(left, right)
    if likeness:
        return _verdict("city", Agreement.SPELLING_VARIANT, spelling_note(likeness), _variant_strength(likeness))
    return _verdict("city", Agreement.DIFFERENT)


def compare_codes(kind: str, left: str, right: str) -> Verdict:
    """Compare canonical state or country codes (``kind`` is ``"state"`` or ``"country"``)."""
    if not left or not right:
        return MISSING
    return _verdict(kind, Agreement.EXACT if left == right else Agreement.DIFFERENT)


def compare_guardians(left: Collection[frozenset[str]], right: Collection[frozenset[str]]) -> Verdict:
    """Compare guardians given as word sets of folded full names (word order does not matter)."""
    if not left or not right:
        return MISSING
    for one in left:
        if one in right:
            return _GUARDIAN_IN_COMMON
    # Loops, not a generator: a district search asks this of millions of pairs, most sharing no word.
    for one in left:
        for other in right:
            if not one.isdisjoint(other) and len(one & other) >= 2:
                return _GUARDIAN_ALIKE
    return _NO_GUARDIAN_IN_COMMON


_GUARDIAN_IN_COMMON = _verdict("guardians", Agreement.EXACT, "a guardian in common")
_GUARDIAN_ALIKE = _verdict("guardians", Agreement.SPELLING_VARIANT, "a guardian shares two names")
_NO_GUARDIAN_IN_COMMON = _verdict("guardians", Agreement.DIFFERENT, "no guardian in common")


def _place_verdicts(left: tuple[str, str, str], right: tuple[str, str, str]) -> tuple[Verdict, Verdict, Verdict]:
    """City, state and country verdicts for canonical (city, state, country) triples."""
    return (
        compare_cities(left[0], right[0]),
        compare_codes("state", left[1], right[1]),
        compare_codes("country", left[2], right[2]),
    )


place_verdicts = lru_cache(maxsize=1 << 16)(_place_verdicts)


def _canonical_place(city: str | None, state: str | None, country: str | None) -> tuple[str, str, str]:
    """Canonical (city, state, country) of free-text birth place fields."""
    return canonical_city(city), canonical_state(state), canonical_country(country)


# One triple per birth place, not per person: a district's places repeat (wrapped, not decorated,
# so make mutate measures the function itself).
canonical_place = lru_cache(maxsize=1 << 16)(_canonical_place)
