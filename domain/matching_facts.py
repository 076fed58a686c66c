"""The facts a person is matched on, and the same facts folded once for fast repeated comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from domain.matching_fields import canonical_gender, canonical_place
from domain.matching_frequencies import ValueFrequencies
from domain.matching_names import NameForm
from domain.matching_text import fold, words

__all__ = ["PersonFacts", "PreparedFacts", "prepare", "population_frequencies", "frequency_key"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonFacts:
    """What is known about a person for matching; any field may be blank (``None``).

    Names, gender and birth place are free text: case, accents and punctuation do not matter
    (``"José"`` equals ``"JOSE"``). ``gender`` understands M/F/X and words such as ``"female"``.
    Aliases are other names the person is known by; guardians are full names in any word order.
    """

    legal_first: str | None
    legal_middle: str | None
    legal_last: str | None
    birth_date: dt.date | None
    gender: str | None
    birth_city: str | None
    birth_state: str | None
    birth_country: str | None
    alias_first: str | None = None
    alias_middle: str | None = None
    alias_last: str | None = None
    guardian_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedFacts:
    """A :class:`PersonFacts` with its text folded once (legal name first, then the alias if any)."""

    facts: PersonFacts
    names: tuple[NameForm, ...]
    gender: str
    place: tuple[str, str, str]
    guardians: tuple[frozenset[str], ...]


def prepare(facts: PersonFacts) -> PreparedFacts:
    """Fold the text of ``facts`` once, for comparing this person with many others."""
    legal = NameForm(fold(facts.legal_first), fold(facts.legal_middle), fold(facts.legal_last))
    names = [legal]
    if facts.alias_first or facts.alias_middle or facts.alias_last:
        alias = NameForm(
            fold(facts.alias_first) or legal.first,
            fold(facts.alias_middle) if facts.alias_first else legal.middle,
            fold(facts.alias_last) or legal.last,
        )
        if alias != legal:
            names.append(alias)
    guardians = tuple(frozenset(fold(name).split()) for name in facts.guardian_names if fold(name))
    return PreparedFacts(
        facts=facts,
        names=tuple(names),
        gender=canonical_gender(fold(facts.gender)),
        place=canonical_place(facts.birth_city, facts.birth_state, facts.birth_country),
        guardians=guardians,
    )


def frequency_key(kind: str, value: str) -> str:
    """The value counted for a field kind: first names by their first word, others whole."""
    if kind == "first":
        first_words = words(value)
        return first_words[0] if first_words else ""
    return value


def _observations(person: PreparedFacts) -> Iterator[tuple[str, str]]:
    legal = person.names[0]
    for kind, value in (
        ("first", frequency_key("first", legal.first)),
        ("last", legal.last),
        ("birth_date", person.facts.birth_date.isoformat() if person.facts.birth_date else ""),
        ("city", person.place[0]),
    ):
        if value:
            yield kind, value


def population_frequencies(people: Iterable[PersonFacts | PreparedFacts]) -> ValueFrequencies:
    """How common each first name, surname, birth date and birth city is among ``people``.

    Pass the result to :func:`domain.matching.compare` so that agreeing on a rare value counts
    for more than agreeing on a common one.
    """
    return ValueFrequencies.count(
        observation
        for person in people
        for observation in _observations(person if isinstance(person, PreparedFacts) else prepare(person))
    )
