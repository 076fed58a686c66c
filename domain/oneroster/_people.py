"""Students and their parents/guardians from ``users.csv`` (with 1.2's ``roles.csv``) and
``demographics.csv``.

A user is a student when their role is ``student`` (1.1: ``users.csv`` ``role``; 1.2: any
``roles.csv`` row); a parent or guardian when it is ``parent`` or ``guardian``. Only what the
import needs is kept of each user, so a large export fits in memory.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field

from domain.errors import FileProblem, InvalidValue
from domain.model import Guardian, PersonName
from domain.oneroster._mapping import OneRosterMapping
from domain.oneroster._schooling import read_grades
from domain.oneroster._source import ExportFiles
from domain.oneroster._spec import (
    DEMOGRAPHICS,
    GUARDIAN_ROLES,
    ROLE_TYPES,
    ROLES,
    SEX_TO_GENDER,
    SEXES,
    USER_ROLES,
    USERS,
    OneRosterVersion,
)
from domain.oneroster._table import Place, Record, read_table
from domain.values import LocalId, Ssid, parse_local_id, parse_ssid

__all__ = ["StudentUser", "BirthFacts", "People", "read_people", "read_demographics"]

# Longest value each field may hold (the workbench's column widths, as the roster CSV has them).
_LONGEST = {"first": 30, "middle": 30, "last": 50, "city": 30, "state": 6, "country": 2}


@dataclass(slots=True, kw_only=True)
class StudentUser:
    """A student's ``users.csv`` record, reduced to what the import reads."""

    place: Place
    local_id: LocalId
    ssid: Ssid | None
    legal: PersonName
    alias: PersonName | None
    active: bool
    grades: tuple[str, ...]
    agents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BirthFacts:
    """A student's ``demographics.csv`` record: birth date, CALPADS gender (``""``: not given), place of birth."""

    birth_date: dt.date
    gender: str
    place: Place
    city: str
    state: str
    country: str


@dataclass(slots=True, kw_only=True)
class People:
    """Students by ``sourcedId`` (file order), parents/guardians by ``sourcedId``, every user's ``sourcedId``."""

    students: dict[str, StudentUser] = field(default_factory=dict)
    guardians: dict[str, Guardian] = field(default_factory=dict)
    users: set[str] = field(default_factory=set)


def _roles(files: ExportFiles) -> dict[str, frozenset[str]]:
    roles: dict[str, frozenset[str]] = {}
    combinations: dict[frozenset[str], frozenset[str]] = {}  # a few, each held once for every user
    for record in read_table(files, ROLES, OneRosterVersion.V1_2):
        record.token("roleType", ROLE_TYPES, required=True)
        role = record.token("role", USER_ROLES[OneRosterVersion.V1_2], required=True)
        user = record.text("userSourcedId", required=True)
        held = roles.get(user, frozenset()) | {role}
        roles[user] = combinations.setdefault(held, held)
    return roles


def _identifier(record: Record, field_name: str) -> str:
    value = OneRosterMapping.value(field_name, record.values)
    if len(value) > 255:
        raise record.problem(OneRosterMapping.column(field_name), "longer than 255 characters")
    return value


def _student(record: Record, mapping: OneRosterMapping, version: OneRosterVersion) -> StudentUser:
    local_column = mapping.column(mapping.local_id)
    raw_local_id = _identifier(record, mapping.local_id)
    if not raw_local_id:
        raise record.problem(local_column, f"is required: it holds the local id ({mapping.local_id})")
    try:
        local_id = parse_local_id(raw_local_id)
    except InvalidValue as exc:
        raise record.problem(local_column, exc.reason) from None
    ssid = None
    if mapping.ssid:
        raw_ssid = _identifier(record, mapping.ssid)
        try:
            ssid = parse_ssid(raw_ssid) if raw_ssid else None
        except InvalidValue as exc:
            raise record.problem(mapping.column(mapping.ssid), f"{exc.reason} (the SSID, {mapping.ssid})") from None
    first = record.text("givenName", required=True, longest=_LONGEST["first"], shared=True)
    last = record.text("familyName", required=True, longest=_LONGEST["last"], shared=True)
    legal = PersonName(first, last, record.text("middleName", longest=_LONGEST["middle"], shared=True))
    alias = None
    if version is OneRosterVersion.V1_2:
        preferred = PersonName(
            record.text("preferredGivenName", longest=_LONGEST["first"]),
            record.text("preferredFamilyName", longest=_LONGEST["last"]),
            record.text("preferredMiddleName", longest=_LONGEST["middle"]),
        )
        alias = preferred if preferred not in (PersonName("", ""), legal) else None
    return StudentUser(
        place=record.place,
        local_id=local_id,
        ssid=ssid,
        legal=legal,
        alias=alias,
        active=record.boolean("enabledUser"),
        grades=read_grades(record, version),
        agents=record.items("agentSourcedIds"),
    )


def read_people(files: ExportFiles, version: OneRosterVersion, mapping: OneRosterMapping) -> People:
    """Students and parents/guardians of ``users.csv``; a local id given twice is refused."""
    if version is OneRosterVersion.V1_1 and "userMasterIdentifier" in (mapping.local_id, mapping.ssid):
        raise FileProblem(USERS, 1, "the settings read userMasterIdentifier, a OneRoster 1.2 column; this export is 1.1", None, "userMasterIdentifier")
    roles = _roles(files) if version is OneRosterVersion.V1_2 else {}
    people = People()
    local_ids: dict[str, int] = {}
    for record in read_table(files, USERS, version):
        sourced_id = record.text("sourcedId", required=True)
        if sourced_id in people.users:
            raise record.problem("sourcedId", "given twice in users.csv")
        people.users.add(sourced_id)
        if version is OneRosterVersion.V1_1:
            held = frozenset({record.token("role", USER_ROLES[version], required=True)})
        else:
            held = roles.get(sourced_id, frozenset())
        if "student" in held:
            student = _student(record, mapping, version)
            earlier = local_ids.setdefault(student.local_id, record.line)
            if earlier != record.line:
                raise record.problem(mapping.column(mapping.local_id), f"the same local id as line {earlier}")
            people.students[sourced_id] = student
        elif held & GUARDIAN_ROLES:
            people.guardians[sourced_id] = Guardian(
                record.text("givenName", longest=_LONGEST["first"], shared=True),
                record.text("familyName", longest=_LONGEST["last"], shared=True),
            )
    return people


def _birth_state(record: Record, country: str) -> str:
    """``stateOfBirthAbbreviation`` as CALPADS' ISO 3166-2 code (``CA`` born in the US → ``US-CA``)."""
    state = record.text("stateOfBirthAbbreviation").upper()
    if state and "-" not in state:
        state = f"{country or 'US'}-{state}"
    if len(state) > _LONGEST["state"]:
        raise record.problem("stateOfBirthAbbreviation", "is not a state or province abbreviation")
    return sys.intern(state)


def read_demographics(files: ExportFiles, version: OneRosterVersion, students: dict[str, StudentUser]) -> dict[str, BirthFacts]:
    """Birth facts of the students (rows of other users are not read further)."""
    facts: dict[str, BirthFacts] = {}
    for record in read_table(files, DEMOGRAPHICS, version):
        sourced_id = record.text("sourcedId", required=True)
        if sourced_id not in students:
            continue
        if sourced_id in facts:
            raise record.problem("sourcedId", "given twice in demographics.csv")
        birth_date = record.date("birthDate", required=True)
        assert birth_date is not None
        sex = record.token("sex", SEXES[version])
        if sex and sex not in SEX_TO_GENDER:
            raise record.problem("sex", "must be male, female or other: CALPADS needs a gender")
        country = sys.intern(record.text("countryOfBirthCode", longest=_LONGEST["country"]).upper())
        facts[sourced_id] = BirthFacts(
            birth_date,
            SEX_TO_GENDER.get(sex, ""),
            record.place,
            record.text("cityOfBirth", longest=_LONGEST["city"], shared=True),
            _birth_state(record, country),
            country,
        )
    return facts
