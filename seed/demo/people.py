"""Families and children of the demo district: names, birth dates and places, guardians, homes.

Everything is drawn from a ``random.Random`` the caller seeds per family or per child, so a
child can be regenerated from its index alone (the demo streams; see :mod:`seed.demo`).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, replace

from domain.model import Address, Guardian, PersonName
from seed.demo.names import (
    ABROAD_BIRTH_PLACES,
    CA_BIRTH_CITIES,
    HERITAGES,
    HOME_CITIES,
    PRIMARY_LANGUAGE,
    STREET_KINDS,
    STREET_NAMES,
    US_BIRTH_PLACES,
    BirthPlace,
    english_aliases,
    heritage,
    nicknames,
)

__all__ = [
    "Family",
    "Child",
    "make_family",
    "make_child",
    "birth_window",
    "grade_offset",
    "state_spelling",
    "strip_accents",
]

_HERITAGE_WEIGHTS = [heritage(name).weight for name in HERITAGES]
_SUFFIXES = ("JR", "JR", "JR", "II", "III")


@dataclass(frozen=True, slots=True)
class Family:
    """What siblings share: heritage, surname, guardians, home, home language."""

    heritage: str
    last: str
    guardians: tuple[Guardian, ...]
    address: Address | None
    language: str


@dataclass(frozen=True, slots=True)
class Child:
    """One child's own traits (the family supplies the surname)."""

    legal: PersonName
    gender: str
    alias: PersonName | None
    suffix: str
    birth_date: dt.date
    birth_place: BirthPlace


def strip_accents(text: str) -> str:
    """``José Ramírez`` → ``Jose Ramirez`` (how many systems and people type names)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("Đ", "D").replace("đ", "d")


def make_family(rng: random.Random) -> Family:
    """A family: Hispanic families often give children both surnames (father's, then mother's)."""
    group = rng.choices(HERITAGES, _HERITAGE_WEIGHTS)[0]
    names = heritage(group)
    father_last = rng.choice(names.last)
    mother_last = rng.choice(names.last) if group in ("hispanic", "filipino") else father_last
    last = father_last
    if group == "hispanic" and mother_last != father_last and rng.random() < 0.4:
        last = f"{father_last}{'-' if rng.random() < 0.2 else ' '}{mother_last}"
    father = Guardian(rng.choice(names.male), father_last)
    mother = Guardian(rng.choice(names.female), mother_last)
    roll = rng.random()
    guardians = (mother,) if roll < 0.18 else (father,) if roll < 0.24 else (mother, father)
    city, zip_code = rng.choice(HOME_CITIES)
    street = f"{rng.randint(100, 12999)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"
    if rng.random() < 0.15:
        street += f" Apt {rng.randint(1, 40)}"
    address = None if rng.random() < 0.02 else Address(street, city, "CA", zip_code)
    home_language = PRIMARY_LANGUAGE[group] if group == "english" or rng.random() < 0.65 else "00"
    return Family(group, last, guardians, address, home_language)


def grade_offset(grade: str) -> int:
    """Years after kindergarten: TK = -1, KN = 0, 01 = 1 ... 12 = 12."""
    if grade == "TK":
        return -1
    return 0 if grade == "KN" else int(grade)


def birth_window(grade: str, year_start: int) -> tuple[dt.date, dt.date]:
    """Birth dates of a child on track for ``grade`` in the year starting ``year_start``.

    California kindergarteners turn five by September 1.
    """
    n = grade_offset(grade)
    return dt.date(year_start - 6 - n, 9, 2), dt.date(year_start - 5 - n, 9, 1)


def _birth_date(rng: random.Random, grade: str, year_start: int) -> dt.date:
    first, last = birth_window(grade, year_start)
    if rng.random() < 0.03:  # held back a year, or started early
        shift = rng.choice((-365, 365))
        first, last = first + dt.timedelta(days=shift), last + dt.timedelta(days=shift)
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _birth_place(rng: random.Random, group: str, abroad: bool) -> BirthPlace:
    if abroad:
        places = ABROAD_BIRTH_PLACES[group]
        if group != "hispanic" and rng.random() < 0.1:
            places = ABROAD_BIRTH_PLACES["hispanic"]
        return rng.choice(places)
    if rng.random() < 0.06:
        return rng.choice(US_BIRTH_PLACES)
    city = "" if rng.random() < 0.01 else rng.choice(CA_BIRTH_CITIES)
    return BirthPlace(city, "US-CA", "US")


def make_child(
    rng: random.Random, family: Family, grade: str, year_start: int, abroad: bool | None = None
) -> Child:
    """A child of ``family`` on track for ``grade``; ``abroad`` forces (or forbids) a birth abroad."""
    names = heritage(family.heritage)
    roll = rng.random()
    gender = "F" if roll < 0.492 else "M" if roll < 0.985 else "X"
    pool = names.female if gender == "F" else names.male if gender == "M" else names.female + names.male
    first = rng.choice(pool)
    middle = ""
    if family.heritage in ("hispanic", "english", "filipino") and rng.random() < 0.55:
        middle = rng.choice(pool)
        if middle == first:
            middle = ""
    elif family.heritage == "vietnamese" and rng.random() < 0.7:
        middle = rng.choice(("Thị", "Văn", "Ngọc", "Minh", "Gia", "Bảo"))
    legal = PersonName(first, family.last, middle)
    suffix = rng.choice(_SUFFIXES) if gender == "M" and family.heritage in ("english", "hispanic") and rng.random() < 0.03 else ""
    alias = _alias(rng, family.heritage, legal)
    born_abroad = abroad if abroad is not None else (family.language != "00" and rng.random() < 0.14)
    return Child(
        legal=legal,
        gender=gender,
        alias=alias,
        suffix=suffix,
        birth_date=_birth_date(rng, grade, year_start),
        birth_place=_birth_place(rng, family.heritage, born_abroad),
    )


def _alias(rng: random.Random, group: str, legal: PersonName) -> PersonName | None:
    if rng.random() >= 0.18:
        return None
    known = nicknames().get(legal.first)
    if known:
        return PersonName(rng.choice(known), legal.last)
    if group in ("chinese", "vietnamese", "korean"):
        return PersonName(rng.choice(english_aliases()), legal.last)
    if " " in legal.last and rng.random() < 0.7:  # goes by the first surname only
        return PersonName(legal.first, legal.last.split(" ")[0].split("-")[0])
    return None


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text + text[-1]
    i = rng.randint(1, len(text) - 3)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def state_spelling(rng: random.Random, name: PersonName) -> PersonName:
    """How another district typed this child's name into CALPADS: close, but not the same."""
    changes = []
    if strip_accents(name.first + name.last + name.middle) != name.first + name.last + name.middle:
        changes.append("accents")
    if " " in name.last or "-" in name.last:
        changes.append("surname")
    if name.middle:
        changes.append("middle")
    changes.append("typo")
    change = rng.choice(changes)
    if change == "accents":
        return PersonName(strip_accents(name.first), strip_accents(name.last), strip_accents(name.middle))
    if change == "surname":
        parts = name.last.replace("-", " ").split(" ")
        last = parts[0] if len(parts[0]) > 3 or len(parts) < 3 else name.last.replace(" ", "")
        return replace(name, last=last if rng.random() < 0.6 else name.last.replace(" ", "-").replace("--", "-"))
    if change == "middle":
        return replace(name, middle="")
    return replace(name, first=_typo(rng, name.first))
