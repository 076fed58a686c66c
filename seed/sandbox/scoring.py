"""How the CALPADS sandbox (a SIMULATOR) scores a submitted student against a statewide student.

Modelled on the published 2025 ranking of the SSID Match Tool (birth year, first name, last name,
middle name, birth month, birth day, by decreasing weight). The weights and thresholds are this
simulator's guesses, chosen so true matches score in the 90s and near-namesakes in the 70s-80s;
real CALPADS scores differ, which is why the district side stores scores as given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import jellyfish

from domain.matching import fold, phonetic_code, significant_words, squash

__all__ = [
    "Person",
    "WEIGHTS",
    "CANDIDATE_THRESHOLD",
    "MAX_CANDIDATES",
    "blocking_keys",
    "name_likeness",
    "match_score",
]

WEIGHTS = {"birth_year": 26, "first": 22, "last": 20, "middle": 12, "birth_month": 11, "birth_day": 9}
"""Percentage points each part contributes (they add up to 100)."""

CANDIDATE_THRESHOLD = 70
"""A statewide student scoring at least this many percent is listed as a candidate."""

MAX_CANDIDATES = 10
"""At most this many candidates are listed per submitted student, best first."""


@dataclass(frozen=True, slots=True)
class Person:
    """The demographics the matcher compares."""

    first: str
    middle: str
    last: str
    birth_date: dt.date


def blocking_keys(last: str, first: str, birth_date: dt.date) -> tuple[str, str]:
    """The two name blocking keys of a person (the third block is the birth date itself).

    ``name_key``: Soundex of the main surname word and of the first name (finds a student whose
    birth date was mistyped); ``year_key``: Soundex of the main surname word, first initial and
    birth year (finds one whose first name was mistyped). Main word: ``"de la Cruz"`` -> ``CRUZ``.
    """
    surname = significant_words(fold(last))
    given = fold(first).split()
    last_code = phonetic_code(surname[0]) if surname else ""
    first_code = phonetic_code(given[0]) if given else ""
    initial = given[0][:1] if given else ""
    return f"{last_code:<4}{first_code:<4}", f"{last_code:<4}{initial:<1}{birth_date.year:04d}"


def name_likeness(left: str, right: str) -> float:
    """0.0-1.0: equal names (accents, case, spacing aside) 1.0; a shared surname word 0.9; else Jaro-Winkler if >= 0.8."""
    a, b = fold(left), fold(right)
    if a == b or squash(a) == squash(b):
        return 1.0
    if not a or not b:
        return 0.5  # one side blank: says nothing either way
    if set(significant_words(a)) & set(significant_words(b)):
        return 0.9
    similarity = float(jellyfish.jaro_winkler_similarity(squash(a), squash(b)))
    return similarity if similarity >= 0.8 else 0.0


def match_score(submitted: Person, candidate: Person) -> int:
    """The percentage score (0-100) of ``candidate`` for ``submitted``."""
    mine, theirs = submitted.birth_date, candidate.birth_date
    year = 1.0 if mine.year == theirs.year else 0.5 if abs(mine.year - theirs.year) == 1 else 0.0
    month = 1.0 if mine.month == theirs.month else 0.0
    day = 1.0 if mine.day == theirs.day else 0.0
    if month == 0.0 and mine.month == theirs.day and mine.day == theirs.month:
        month = day = 0.8  # month and day swapped
    total = (
        WEIGHTS["birth_year"] * year
        + WEIGHTS["first"] * name_likeness(submitted.first, candidate.first)
        + WEIGHTS["last"] * name_likeness(submitted.last, candidate.last)
        + WEIGHTS["middle"] * name_likeness(submitted.middle, candidate.middle)
        + WEIGHTS["birth_month"] * month
        + WEIGHTS["birth_day"] * day
    )
    return round(total)
