"""The facts a person is matched on, and the same facts folded once for fast repeated comparison."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from domain.matching._fields import canonical_gender, canonical_place
from domain.matching._frequencies import ValueFrequencies
from domain.matching._names import NameForm
from domain.matching._text import fold

__all__ = ["PersonFacts", "PreparedFacts", "prepare", "population_frequencies", "frequency_key"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonFacts:
    """What is known about a person for matching; any field may be blank (``None``).

    Names, gender and birth place are free text: case, accents and punctuation do not matter
    (``"José"`` equals ``"JOSE"``). ``gender`` understands M/F/X and words such as ``"female"``;
    ``birth_state`` understands ``"US-CA"``, ``"CA"`` and ``"California"``; ``birth_country``
    ISO codes and the usual country names. Aliases are other names the person is known by;
    guardians are full names in any word order.
    """

    legal_first: str | None = None
    legal_middle: str | None = None
    legal_last: str | None = None
    birth_date: dt.date | None = None
    gender: str | None = None
    birth_city: str | None = None
    birth_state: str | None = None
    birth_country: str | None = None
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
    # Each guardian's name as its set of words, each guardian once. A tuple, not a frozenset: a
    # district's search holds 600,000 of them, and an empty frozenset alone takes 216 bytes.
    guardians: tuple[frozenset[str], ...]

    @property
    def birth_date(self) -> dt.date | None:
        """The birth date, as given."""
        return self.facts.birth_date


_NOBODY: tuple[frozenset[str], ...] = ()


def _name_words_uncached(name: str) -> frozenset[str]:
    """The folded words of a full name, in no order (guardians are written "first last" or "last, first")."""
    return frozenset(fold(name).split())


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
_name_words = lru_cache(maxsize=1 << 16)(_name_words_uncached)


def prepare(facts: PersonFacts) -> PreparedFacts:
    """Fold the text of ``facts`` once, for comparing this person with many others."""
    legal = NameForm(fold(facts.legal_first), fold(facts.legal_middle), fold(facts.legal_last))
    names: tuple[NameForm, ...] = (legal,)
    if facts.alias_first or facts.alias_middle or facts.alias_last:
        alias = NameForm(
            fold(facts.alias_first) or legal.first,
            fold(facts.alias_middle) if facts.alias_first else legal.middle,
            fold(facts.alias_last) or legal.last,
        )
        if alias != legal:
            names = (legal, alias)
    guardians = tuple(dict.fromkeys(filter(None, map(_name_words, facts.guardian_names)))) if facts.guardian_names else _NOBODY
    return PreparedFacts(
        facts=facts,
        names=names,
        gender=canonical_gender(fold(facts.gender)),
        place=canonical_place(facts.birth_city, facts.birth_state, facts.birth_country),
        guardians=guardians,
    )


def frequency_key(kind: str, value: str) -> str:
    """The value counted for a field kind: first names by their first word, others whole."""
    if kind == "first":
        space = value.find(" ")
        return value if space < 0 else value[:space]
    return value


def _observations(person: PreparedFacts) -> Iterator[tuple[str, Hashable]]:
    # Every name form counts, so that agreeing on an alias ("Peter") is weighed like any first name.
    legal = person.names[0]
    for name in person.names:
        if name.first and (name is legal or name.first != legal.first):
            yield "first", frequency_key("first", name.first)
        if name.last and (name is legal or name.last != legal.last):
            yield "last", name.last
    if person.facts.birth_date:
        yield "birth_date", person.facts.birth_date
    if person.place[0]:
        yield "city", person.place[0]


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
