"""Name lists and places of the demo district: read once from ``seed/data/``, kept as tuples.

The lists are data (one name a line) so a demo can be made to look like another district without
touching code. Heritage groups follow the mix of a Los Angeles County district.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

__all__ = [
    "Heritage",
    "HERITAGES",
    "heritage",
    "nicknames",
    "english_aliases",
    "BirthPlace",
    "CA_BIRTH_CITIES",
    "US_BIRTH_PLACES",
    "ABROAD_BIRTH_PLACES",
    "STREET_NAMES",
    "STREET_KINDS",
    "HOME_CITIES",
    "PRIMARY_LANGUAGE",
    "OTHER_DISTRICTS",
]

_DATA = Path(__file__).with_name("data")


def _lines(name: str) -> tuple[str, ...]:
    text = (_DATA / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass(frozen=True, slots=True)
class Heritage:
    """A naming tradition: first names by gender, last names, and how often it occurs (weight)."""

    name: str
    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]


# Weights roughly follow an eastern San Gabriel Valley district.
_WEIGHTS = (
    ("hispanic", 56),
    ("english", 14),
    ("chinese", 9),
    ("vietnamese", 8),
    ("filipino", 6),
    ("armenian", 4),
    ("korean", 3),
)

HERITAGES: tuple[str, ...] = tuple(name for name, _ in _WEIGHTS)


@cache
def heritage(name: str) -> Heritage:
    """The name lists of one heritage group."""
    weight = dict(_WEIGHTS)[name]
    return Heritage(name, weight, _lines(f"{name}_female.txt"), _lines(f"{name}_male.txt"), _lines(f"{name}_last.txt"))


@cache
def nicknames() -> Mapping[str, tuple[str, ...]]:
    """Legal first name → nicknames a family uses (the alias first name)."""
    pairs: dict[str, tuple[str, ...]] = {}
    for line in _lines("nicknames.txt"):
        legal, _, names = line.partition(":")
        pairs[legal.strip()] = tuple(n.strip() for n in names.split(","))
    return MappingProxyType(pairs)


@cache
def english_aliases() -> tuple[str, ...]:
    """English given names that students with Asian legal names go by."""
    return _lines("alias_english.txt")


@dataclass(frozen=True, slots=True)
class BirthPlace:
    city: str
    state: str
    country: str


CA_BIRTH_CITIES: tuple[str, ...] = (
    "Los Angeles", "Los Angeles", "Los Angeles", "El Monte", "West Covina", "Pasadena", "Long Beach",
    "Whittier", "Downey", "Montebello", "Alhambra", "Pomona", "Glendale", "Torrance", "Arcadia",
    "Santa Ana", "Anaheim", "San Bernardino", "Riverside", "San Diego", "Fresno", "San Jose",
)

US_BIRTH_PLACES: tuple[BirthPlace, ...] = (
    BirthPlace("Houston", "US-TX", "US"),
    BirthPlace("Las Vegas", "US-NV", "US"),
    BirthPlace("Phoenix", "US-AZ", "US"),
    BirthPlace("Chicago", "US-IL", "US"),
    BirthPlace("New York", "US-NY", "US"),
    BirthPlace("Seattle", "US-WA", "US"),
    BirthPlace("Honolulu", "US-HI", "US"),
)

# Birth places abroad by heritage; Mexico is also where many families of other groups lived.
ABROAD_BIRTH_PLACES: Mapping[str, tuple[BirthPlace, ...]] = MappingProxyType(
    {
        "hispanic": (
            BirthPlace("Guadalajara", "MX-JAL", "MX"),
            BirthPlace("Morelia", "MX-MIC", "MX"),
            BirthPlace("Ciudad de México", "MX-CMX", "MX"),
            BirthPlace("Oaxaca", "MX-OAX", "MX"),
            BirthPlace("Tijuana", "MX-BCN", "MX"),
            BirthPlace("León", "MX-GUA", "MX"),
            BirthPlace("Puebla", "MX-PUE", "MX"),
            BirthPlace("Zacatecas", "MX-ZAC", "MX"),
            BirthPlace("San Salvador", "", "SV"),
            BirthPlace("Guatemala", "", "GT"),
            BirthPlace("Tegucigalpa", "", "HN"),
        ),
        "english": (BirthPlace("Toronto", "CA-ON", "CA"), BirthPlace("London", "", "GB")),
        "chinese": (
            BirthPlace("Guangzhou", "", "CN"),
            BirthPlace("Shanghai", "", "CN"),
            BirthPlace("Hong Kong", "", "HK"),
            BirthPlace("Taipei", "", "TW"),
        ),
        "vietnamese": (BirthPlace("Ho Chi Minh City", "", "VN"), BirthPlace("Hà Nội", "", "VN")),
        "filipino": (BirthPlace("Manila", "", "PH"), BirthPlace("Quezon City", "", "PH"), BirthPlace("Cebu", "", "PH")),
        "armenian": (BirthPlace("Yerevan", "", "AM"), BirthPlace("Gyumri", "", "AM")),
        "korean": (BirthPlace("Seoul", "", "KR"), BirthPlace("Busan", "", "KR")),
    }
)

STREET_NAMES: tuple[str, ...] = (
    "Garvey", "Valley", "Peck", "Tyler", "Santa Anita", "Flair", "Lower Azusa", "Ramona", "Rosemead",
    "Las Tunas", "Durfee", "Cogswell", "Baldwin", "Mildred", "Bryant", "Cedar", "Maple", "Oak",
    "Elm", "Magnolia", "Walnut", "Live Oak", "Del Mar", "San Gabriel", "Merced", "Gidley",
)
STREET_KINDS: tuple[str, ...] = ("Ave", "St", "Blvd", "Dr", "Pl", "Way")

HOME_CITIES: tuple[tuple[str, str], ...] = (
    ("El Monte", "91731"),
    ("El Monte", "91732"),
    ("South El Monte", "91733"),
    ("Rosemead", "91770"),
    ("Temple City", "91780"),
    ("Arcadia", "91006"),
)

# CALPADS primary language codes (local codes as the SIS stores them).
PRIMARY_LANGUAGE: Mapping[str, str] = MappingProxyType(
    {
        "english": "00",
        "hispanic": "01",
        "vietnamese": "02",
        "chinese": "03",
        "korean": "04",
        "filipino": "05",
        "armenian": "12",
    }
)

# Neighbouring LEAs a transfer student was last enrolled in (fictional codes, LA County prefix 19).
OTHER_DISTRICTS: tuple[str, ...] = ("1964733", "1964477", "1964881", "1975713", "1964618", "3066670")
