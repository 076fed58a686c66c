"""Birth places as people type them: canonical country and state codes, tidied city names.

Birth city, state and country arrive as free text ("Mexico", "MÉXICO", "MX", "Méx."); these tables
bring the usual spellings to one code so that a comparison sees agreement where a person would.
Text outside the tables is kept as folded text and compared as such.
"""

from __future__ import annotations

from functools import lru_cache

from domain.matching._text import fold

__all__ = ["canonical_country", "canonical_state", "canonical_city"]

# ISO 3166-1 alpha-2 code -> other spellings (folded). The countries most California students
# are born in, plus the usual English-language ones; any other name is compared as text.
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "U S", "U S A", "UNITED STATES", "UNITED STATES OF AMERICA", "AMERICA", "ESTADOS UNIDOS"),
    "MX": ("MEX", "MEXICO", "MEJICO", "UNITED MEXICAN STATES"),
    "GT": ("GTM", "GUATEMALA"),
    "SV": ("SLV", "EL SALVADOR", "SALVADOR"),
    "HN": ("HND", "HONDURAS"),
    "NI": ("NIC", "NICARAGUA"),
    "CR": ("CRI", "COSTA RICA"),
    "PA": ("PAN", "PANAMA"),
    "CO": ("COL", "COLOMBIA"),
    "VE": ("VEN", "VENEZUELA"),
    "PE": ("PER", "PERU"),
    "EC": ("ECU", "ECUADOR"),
    "CU": ("CUB", "CUBA"),
    "DO": ("DOM", "DOMINICAN REPUBLIC", "REPUBLICA DOMINICANA"),
    "PR": ("PRI", "PUERTO RICO"),
    "PH": ("PHL", "PHILIPPINES", "FILIPINAS"),
    "VN": ("VNM", "VIETNAM", "VIET NAM"),
    "CN": ("CHN", "CHINA", "PEOPLES REPUBLIC OF CHINA"),
    "TW": ("TWN", "TAIWAN"),
    "KR": ("KOR", "KOREA", "SOUTH KOREA", "REPUBLIC OF KOREA"),
    "IN": ("IND", "INDIA"),
    "AF": ("AFG", "AFGHANISTAN"),
    "IR": ("IRN", "IRAN"),
    "AM": ("ARM", "ARMENIA"),
    "UA": ("UKR", "UKRAINE"),
    "RU": ("RUS", "RUSSIA", "RUSSIAN FEDERATION"),
    "JP": ("JPN", "JAPAN"),
    "CA": ("CAN", "CANADA"),
    "GB": ("GBR", "UK", "U K", "UNITED KINGDOM", "GREAT BRITAIN", "ENGLAND", "SCOTLAND", "WALES"),
}

_US_STATES: dict[str, str] = {
    "AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA",
    "CO": "COLORADO", "CT": "CONNECTICUT", "DE": "DELAWARE", "DC": "DISTRICT OF COLUMBIA",
    "FL": "FLORIDA", "GA": "GEORGIA", "HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS",
    "IN": "INDIANA", "IA": "IOWA", "KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA",
    "ME": "MAINE", "MD": "MARYLAND", "MA": "MASSACHUSETTS", "MI": "MICHIGAN", "MN": "MINNESOTA",
    "MS": "MISSISSIPPI", "MO": "MISSOURI", "MT": "MONTANA", "NE": "NEBRASKA", "NV": "NEVADA",
    "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY", "NM": "NEW MEXICO", "NY": "NEW YORK",
    "NC": "NORTH CAROLINA", "ND": "NORTH DAKOTA", "OH": "OHIO", "OK": "OKLAHOMA", "OR": "OREGON",
    "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA", "SD": "SOUTH DAKOTA",
    "TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT", "VA": "VIRGINIA",
    "WA": "WASHINGTON", "WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING",
    "PR": "PUERTO RICO", "GU": "GUAM",
}

# Words people add to a city without changing which city it is ("Bristol, City of").
_CITY_NOISE = frozenset({"CITY", "OF", "TOWN", "CIUDAD", "COUNTY"})
_CITY_ABBREVIATIONS = {"ST": "SAINT", "STA": "SANTA", "STO": "SANTO", "FT": "FORT", "MT": "MOUNT", "SN": "SAN"}

_COUNTRY_LOOKUP = {alias: code for code, aliases in _COUNTRIES.items() for alias in (code, *aliases)}
_STATE_LOOKUP = {name: code for code, name in _US_STATES.items()} | {code: code for code in _US_STATES}


def _canonical_country(text: str | None) -> str:
    """A country as an ISO code when the table knows it, else as folded text; ``""`` when blank."""
    folded = fold(text)
    return _COUNTRY_LOOKUP.get(folded, folded)


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
canonical_country = lru_cache(maxsize=4096)(_canonical_country)


def _canonical_state(text: str | None) -> str:
    """A US state as its postal code when the table knows it, else as folded text; ``""`` when blank.

    ``"US-CA"``, ``"CA"`` and ``"California"`` are all ``"CA"``; ``"MX-BCN"`` stays ``"MX BCN"``.
    """
    folded = fold(text)
    if folded.startswith("US "):
        # CALPADS writes a state with its country ("US-CA"); a SIS often writes "CA" or "California".
        folded = folded[3:]
    return _STATE_LOOKUP.get(folded, folded)


canonical_state = lru_cache(maxsize=4096)(_canonical_state)


def _canonical_city(text: str | None) -> str:
    """A city folded, abbreviations spelled out, filler words ("City of") dropped; ``""`` when blank."""
    spelled = [_CITY_ABBREVIATIONS.get(word, word) for word in fold(text).split()]
    kept = [word for word in spelled if word not in _CITY_NOISE]
    return " ".join(kept or spelled)


canonical_city = lru_cache(maxsize=1 << 14)(_canonical_city)
