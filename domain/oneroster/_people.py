"""Students and their parents/guardians from ``users.csv`` (with 1.2's ``roles.csv``) and
``demographics.csv``.

A user is a student when their role is ``student`` (1.1: ``users.csv`` ``role``; 1.2: any
``roles.csv`` row); a parent or guardian when it is ``parent`` or ``guardian``. Only what the
import needs is kept of each user, so a large export fits in memory.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast
from itertools import repeat
from operator import itemgetter

from domain.errors import FileProblem, InvalidValue
from domain.model import PersonName
from domain.oneroster._mapping import OneRosterMapping
from domain.oneroster._schooling import GradeLists, read_grades
from domain.oneroster._source import ExportFiles
from domain.oneroster._spec import (
    BOOLEANS,
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
from domain.oneroster._table import Block, Place, Record, read_blocks
from domain.values import LocalId, Ssid, parse_iso_date, parse_local_id, parse_ssid

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
    guardians: dict[str, tuple[str, str]] = field(default_factory=dict)  # (first, last): a domain Guardian's fields
    users: set[str] = field(default_factory=set)


def _roles(files: ExportFiles) -> dict[str, frozenset[str]]:
    roles: dict[str, frozenset[str]] = {}
    combinations: dict[frozenset[str], frozenset[str]] = {}  # a few, each held once for every user
    steps: dict[tuple[frozenset[str], str], frozenset[str]] = {}  # the roles held, and one more → the roles then held
    for block in read_blocks(files, ROLES, OneRosterVersion.V1_2):
        if not _roles_pass(block):
            for record in block.records():
                _role(record, roles, combinations)
            continue
        users = block.column("userSourcedId")
        if len(set(users)) == len(users) and roles.keys().isdisjoint(users):  # each user's first role
            firsts = {role: _held(frozenset({role}), combinations) for role in set(block.column("role"))}
            roles.update(zip(users, map(firsts.__getitem__, block.column("role"))))
            continue
        for user, role in zip(users, block.column("role")):
            before = roles.get(user, _NO_ROLE)
            after = steps.get((before, role))
            if after is None:
                after = steps[(before, role)] = _held(before | {role}, combinations)
            roles[user] = after
    return roles


def _held(roles: frozenset[str], combinations: dict[frozenset[str], frozenset[str]]) -> frozenset[str]:
    return combinations.setdefault(roles, roles)


_NO_ROLE: frozenset[str] = frozenset()


def _role(record: Record, roles: dict[str, frozenset[str]], combinations: dict[frozenset[str], frozenset[str]]) -> None:
    """One ``roles.csv`` record, checked value by value (the reference reading of :func:`_roles`)."""
    record.token("roleType", ROLE_TYPES, required=True)
    role = record.token("role", USER_ROLES[OneRosterVersion.V1_2], required=True)
    user = record.text("userSourcedId", required=True)
    held = roles.get(user, frozenset()) | {role}
    roles[user] = combinations.setdefault(held, held)


def _roles_pass(block: Block) -> bool:
    """Whether every record of the block passes :func:`_role`'s checks."""
    return (
        block.clean("userSourcedId", "roleType", "role")
        and all(block.fits(name, required=True) for name in ("userSourcedId", "roleType", "role"))
        and block.tokens("roleType", ROLE_TYPES)
        and block.tokens("role", USER_ROLES[OneRosterVersion.V1_2])
    )


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
    grade_lists = GradeLists(version)
    for block in read_blocks(files, USERS, version):
        if not _users_block(block, people, roles, local_ids, mapping, grade_lists):
            for record in block.records():
                _user(record, people, roles, local_ids, mapping, version)
    return people


def _user(
    record: Record, people: People, roles: dict[str, frozenset[str]], local_ids: dict[str, int], mapping: OneRosterMapping,
    version: OneRosterVersion,
) -> None:  # fmt: skip
    """One ``users.csv`` record, checked value by value (the reference reading of :func:`read_people`)."""
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
        people.guardians[sourced_id] = (
            record.text("givenName", longest=_LONGEST["first"], shared=True),
            record.text("familyName", longest=_LONGEST["last"], shared=True),
        )


# A column of values joined by newlines, each blank or ten digits (no value holds a newline once
# the column is found free of control characters).
_SSIDS = re.compile(r"(?:[0-9]{10})?(?:\n(?:[0-9]{10})?)*")
_LOCAL_ID_LONGEST = 15
_intern = sys.intern


def _users_block(
    block: Block, people: People, roles: dict[str, frozenset[str]], local_ids: dict[str, int], mapping: OneRosterMapping,
    grade_lists: GradeLists,
) -> bool:  # fmt: skip
    """Read the block as :func:`_user` reads each of its records, when every check passes in bulk
    (``False``, nothing read: a check found something, the records are to be read one by one)."""
    version = block.version
    sourced_ids = block.column("sourcedId")
    if not (block.clean("sourcedId") and block.fits("sourcedId", required=True)):
        return False
    if len(set(sourced_ids)) != len(sourced_ids) or not people.users.isdisjoint(sourced_ids):
        return False
    if version is OneRosterVersion.V1_1:
        if not (block.clean("role") and block.fits("role", required=True) and block.tokens("role", USER_ROLES[version])):
            return False
        helds = [frozenset({role}) for role in block.column("role")]
    else:
        helds = list(map(roles.get, sourced_ids, repeat(_NO_ROLE)))
    # A student, a parent or guardian, or neither, by the roles held (a few combinations).
    kinds = {held: ("student" in held, "student" not in held and not held.isdisjoint(GUARDIAN_ROLES)) for held in set(helds)}
    students = block.subset(map(itemgetter(0), map(kinds.__getitem__, helds)))
    guardians = block.subset(map(itemgetter(1), map(kinds.__getitem__, helds)))
    read = _student_columns(students, mapping, local_ids, grade_lists)
    if read is None or not _guardians_pass(guardians):
        return False
    people.users.update(sourced_ids)
    local_ids.update(zip(read[0], students.lines))
    people.students.update(zip(students.column("sourcedId"), read[1]))
    names = zip(map(_intern, guardians.column("givenName")), map(_intern, guardians.column("familyName")))
    people.guardians.update(zip(guardians.column("sourcedId"), names))
    return True


def _guardians_pass(block: Block) -> bool:
    return not block or (
        block.clean("givenName", "familyName") and block.fits("givenName", _LONGEST["first"]) and block.fits("familyName", _LONGEST["last"])
    )


def _student_columns(
    block: Block, mapping: OneRosterMapping, local_ids: dict[str, int], grade_lists: GradeLists,
) -> tuple[Sequence[str], list[StudentUser]] | None:  # fmt: skip
    """The local ids and users of the block's student records, when each passes :func:`_student`'s
    checks and no local id repeats one read before (``None`` otherwise)."""
    if not block:
        return [], []
    raw_ids = _field_values(block, mapping.local_id)
    if "" in raw_ids or max(map(len, raw_ids)) > _LOCAL_ID_LONGEST or "^" in "".join(raw_ids):
        return None  # the reader's values are stripped, and so are userIds entries: none is padded
    if len(set(raw_ids)) != len(raw_ids) or not local_ids.keys().isdisjoint(raw_ids):
        return None
    ssids: Sequence[str] = [""] * len(block)
    if mapping.ssid:
        ssids = _field_values(block, mapping.ssid)
        joined = "\n".join(ssids)
        if joined.count("\n") != len(ssids) - 1 or not _SSIDS.fullmatch(joined):
            return None
    names = ("givenName", "familyName", "middleName")
    preferred = ("preferredGivenName", "preferredFamilyName", "preferredMiddleName")
    v12 = block.version is OneRosterVersion.V1_2
    if not (
        block.clean(*names, *(preferred if v12 else ()))
        and block.fits("givenName", _LONGEST["first"], required=True)
        and block.fits("familyName", _LONGEST["last"], required=True)
        and block.fits("middleName", _LONGEST["middle"])
        and (not v12 or (
            block.fits("preferredGivenName", _LONGEST["first"]) and block.fits("preferredFamilyName", _LONGEST["last"])
            and block.fits("preferredMiddleName", _LONGEST["middle"])
        ))
        and set(block.column("enabledUser")) <= BOOLEANS.keys()
    ):  # fmt: skip
        return None
    grades = grade_lists.of(block.column("grades"))
    if grades is None:
        return None
    firsts, lasts, middles = (map(_intern, block.column(name)) for name in names)
    aliases: Iterable[tuple[str, ...] | None] = repeat(None)
    if v12 and any("".join(block.column(name)) for name in preferred):
        aliases = zip(*map(block.column, preferred))
    places = map(Place, repeat(block.name), block.lines, repeat(block.positions))
    actives = map(_ENABLED.__getitem__, block.column("enabledUser"))
    users = []
    for place, local_id, ssid, first, last, middle, alias, active, grade, agents in zip(
        places, cast(Sequence[LocalId], raw_ids), ssids, firsts, lasts, middles, aliases, actives, grades, block.column("agentSourcedIds"),
    ):  # fmt: skip
        legal = PersonName(first, last, middle)
        users.append(StudentUser(
            place=place, local_id=local_id, ssid=cast(Ssid, ssid) if ssid else None, legal=legal,
            alias=None if alias is None else _alias(alias, legal), active=active, grades=grade, agents=_items(agents) if agents else (),
        ))  # fmt: skip
    return raw_ids, users


_ENABLED = dict(BOOLEANS)


def _alias(preferred: tuple[str, ...], legal: PersonName) -> PersonName | None:
    """1.2's preferred name as the student's alias, as :func:`_student` gives it (none: the legal name)."""
    if not any(preferred):
        return None
    first, last, middle = preferred
    if (first, last, middle) == (legal.first, legal.last, legal.middle):
        return None
    return PersonName(first, last, middle)


def _items(text: str) -> tuple[str, ...]:
    """A list field as :meth:`Record.items` reads it."""
    return tuple(v.strip() for v in text.split(",") if v.strip())


def _field_values(block: Block, field_name: str) -> Sequence[str]:
    """Each record's value of a users.csv id field (as :meth:`OneRosterMapping.value` gives it)."""
    column = OneRosterMapping.column(field_name)
    if column == field_name:
        return block.column(column)
    return [OneRosterMapping.typed_value(field_name, text) for text in block.column(column)]


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
    dates: dict[str, dt.date | None] = {}
    for block in read_blocks(files, DEMOGRAPHICS, version):
        if not _demographics_block(block, students, facts, dates):
            for record in block.records():
                _demographic(record, students, facts, version)
    return facts


def _demographic(record: Record, students: dict[str, StudentUser], facts: dict[str, BirthFacts], version: OneRosterVersion) -> None:
    """One ``demographics.csv`` record, checked value by value (the reference reading of :func:`read_demographics`)."""
    sourced_id = record.text("sourcedId", required=True)
    if sourced_id not in students:
        return
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


def _demographics_block(
    block: Block, students: dict[str, StudentUser], facts: dict[str, BirthFacts], dates: dict[str, dt.date | None]
) -> bool:
    """Read the block as :func:`_demographic` reads each of its records, when every check passes in
    bulk (``False``, nothing read: the records are to be read one by one)."""
    if not (block.clean("sourcedId") and block.fits("sourcedId", required=True)):
        return False
    block = block.subset(map(students.__contains__, block.column("sourcedId")))
    if not block:
        return True
    sourced_ids = block.column("sourcedId")
    if len(set(sourced_ids)) != len(sourced_ids) or not facts.keys().isdisjoint(sourced_ids):
        return False
    columns = ("birthDate", "sex", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth")
    if not (
        block.clean(*columns)
        and block.fits("birthDate", required=True) and block.fits("stateOfBirthAbbreviation")
        and block.fits("countryOfBirthCode", _LONGEST["country"]) and block.fits("cityOfBirth", _LONGEST["city"])
        and block.tokens("sex", SEXES[block.version]) and all(not sex or sex in SEX_TO_GENDER for sex in set(block.column("sex")))
    ):  # fmt: skip
        return False
    for text in set(block.column("birthDate")).difference(dates):
        try:
            dates[text] = parse_iso_date(text)
        except InvalidValue:
            return False
    places: dict[tuple[str, str], tuple[str, str]] = {}  # (state, country) as given → as read
    for pair in set(zip(block.column("stateOfBirthAbbreviation"), block.column("countryOfBirthCode"))):
        state, country = pair[0].upper(), _intern(pair[1].upper())
        if state and "-" not in state:
            state = f"{country or 'US'}-{state}"
        if len(state) > _LONGEST["state"]:
            return False
        places[pair] = (_intern(state), country)
    for line, sourced_id, birth, sex, city, place in zip(
        block.lines, sourced_ids, block.column("birthDate"), block.column("sex"), block.column("cityOfBirth"),
        zip(block.column("stateOfBirthAbbreviation"), block.column("countryOfBirthCode")),
    ):  # fmt: skip
        birth_date = dates[birth]
        assert birth_date is not None
        state, country = places[place]
        facts[sourced_id] = BirthFacts(birth_date, SEX_TO_GENDER.get(sex, ""), Place(block.name, line, block.positions), _intern(city), state, country)
    return True
