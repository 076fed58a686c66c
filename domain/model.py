"""The district's side of the data: students as the SIS knows them, and the decisions of a run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from domain.values import CdsCode, LocalId, Ssid

__all__ = [
    "PersonName",
    "Enrollment",
    "LanguageStatus",
    "SpecialEducation",
    "Guardian",
    "Address",
    "Student",
    "DecisionKind",
    "MatchDecision",
]


@dataclass(frozen=True, slots=True)
class PersonName:
    """First, middle and last name; blank parts are ``""``."""

    first: str
    last: str
    middle: str = ""


@dataclass(frozen=True, slots=True)
class Enrollment:
    """A student's enrollment at one school, with local codes (translated when a file is built)."""

    school: CdsCode
    grade: str
    start: dt.date
    status: str = "10"
    exit_date: dt.date | None = None
    exit_reason: str = ""
    completion_status: str = ""


@dataclass(frozen=True, slots=True)
class LanguageStatus:
    """English Language Acquisition Status and primary language."""

    elas: str | None = None
    elas_start: dt.date | None = None
    primary_language: str | None = None


@dataclass(frozen=True, slots=True)
class SpecialEducation:
    """Special education: the Student with Disabilities indicator (``Y``/``N``; ``None`` = unknown)."""

    swd: str | None = None


@dataclass(frozen=True, slots=True)
class Guardian:
    """A parent or guardian's name."""

    first: str
    last: str


@dataclass(frozen=True, slots=True)
class Address:
    """A mailing or residence address."""

    street: str
    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class Student:
    """A student as the district's SIS holds them."""

    local_id: LocalId
    legal: PersonName
    birth_date: dt.date
    gender: str
    suffix: str = ""
    alias: PersonName | None = None
    birth_city: str = ""
    birth_state: str = ""
    birth_country: str = ""
    ssid: Ssid | None = None
    old_state_id: Ssid | None = None
    active: bool = True
    tags: frozenset[str] = frozenset()
    enrollments: tuple[Enrollment, ...] = ()
    language: LanguageStatus = field(default_factory=LanguageStatus)
    special_education: SpecialEducation = field(default_factory=SpecialEducation)
    guardians: tuple[Guardian, ...] = ()
    addresses: tuple[Address, ...] = ()


class DecisionKind(Enum):
    """What a person decided for a requested student in SSID Match review."""

    NO_MATCH = "no_match"
    NEW_SSID = "new_ssid"
    SELECT = "select"


@dataclass(frozen=True, slots=True)
class MatchDecision:
    """A decision for one requested student; ``ssid`` is set exactly when ``kind`` is SELECT."""

    local_id: LocalId
    kind: DecisionKind
    ssid: Ssid | None = None

    def __post_init__(self) -> None:
        if (self.kind is DecisionKind.SELECT) != (self.ssid is not None):
            raise ValueError("an SSID goes with Select, and only with Select")
