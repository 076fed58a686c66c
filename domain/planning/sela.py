"""SELA import: students the state's testing vendor newly identified as ``EL`` or ``IFEP``.

From a SELA ODS download, a record is taken when its ELAS code is ``EL`` or ``IFEP`` and the local
student's ELAS is missing or ``TBD`` (the allowed changes of calpads-files.md §6.5); the local
ELAS code and start date are then set from it. A student already holding another status is left
alone (a change from it needs a correction reason). When a student has several such records, the
one with the latest start date wins (the later in the file on a tie).

Local students are matched by Local Student ID; a record whose SSID differs from the local
student's SSID is listed and not applied (it may describe another child), as are records of no
or several local students and records whose start date is not a real date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from domain.errors import InvalidValue
from domain.planning.identity import FieldChange, IdentityField, LocalIdentity, LocalLookup, as_lookup
from domain.records import SelaRecord
from domain.values import LocalId, parse_calpads_date

__all__ = ["SelaSkip", "SelaUpdate", "SelaPlan", "plan_sela_import", "NEWLY_IDENTIFIED", "REPLACEABLE"]

NEWLY_IDENTIFIED = frozenset({"EL", "IFEP"})
"""ELAS codes the testing vendor's initial assessment gives."""

REPLACEABLE = frozenset({None, "TBD"})
"""Local ELAS values such a record may replace."""


class SelaSkip(Enum):
    """Why an EL/IFEP record was listed and not applied."""

    NO_LOCAL_STUDENT = "no_local_student"
    MORE_THAN_ONE_LOCAL = "more_than_one_local"
    SSID_DIFFERS = "ssid_differs"
    INVALID_START_DATE = "invalid_start_date"


@dataclass(frozen=True, slots=True)
class SelaUpdate:
    """One local student's new ELAS code and start date, taken from record ``line`` of the file."""

    line: int
    before: LocalIdentity
    elas: str
    elas_start: dt.date | None

    def field_changes(self) -> Iterator[FieldChange]:
        """ELAS code, then start date, where they change."""
        before = self.before
        if self.elas != before.elas:
            yield FieldChange(before.local_id, IdentityField.ELAS, before.elas, self.elas)
        if self.elas_start != before.elas_start:
            yield FieldChange(before.local_id, IdentityField.ELAS_START, before.elas_start, self.elas_start)


@dataclass
class SelaPlan:
    """Updates to apply, and the EL/IFEP records listed but not applied, as ``(line, local id, why)``."""

    updates: list[SelaUpdate] = field(default_factory=list)
    skipped: list[tuple[int, LocalId, SelaSkip]] = field(default_factory=list)
    already_set: int = 0

    def field_changes(self) -> Iterator[FieldChange]:
        """Every field change to apply (journal them to undo in reverse)."""
        for update in self.updates:
            yield from update.field_changes()


def plan_sela_import(
    sela: Iterable[SelaRecord], local: LocalLookup | Mapping[LocalId, LocalIdentity]
) -> SelaPlan:
    """Plan the ELAS updates a SELA ODS download brings (records numbered from 1 in file order)."""
    lookup = as_lookup(local)
    plan = SelaPlan()
    chosen: dict[LocalId, SelaUpdate] = {}
    for line, record in enumerate(sela, start=1):
        if record.elas not in NEWLY_IDENTIFIED:
            continue
        local_id = LocalId(record.local_student_id)
        found = lookup(local_id)
        skip = _skip(record, found)
        if skip is not None:
            plan.skipped.append((line, local_id, skip))
            continue
        before = found[0]
        if before.elas not in REPLACEABLE:
            plan.already_set += 1
            continue
        update = SelaUpdate(line, before, record.elas, parse_calpads_date(record.elas_start))
        earlier = chosen.get(local_id)
        if earlier is None or _start(update) >= _start(earlier):
            chosen[local_id] = update
    plan.updates.extend(sorted(chosen.values(), key=lambda u: u.line))
    return plan


def _skip(record: SelaRecord, found: Iterable[LocalIdentity]) -> SelaSkip | None:
    students = list(found)
    if not students:
        return SelaSkip.NO_LOCAL_STUDENT
    if len(students) > 1:
        return SelaSkip.MORE_THAN_ONE_LOCAL
    ssid = students[0].ssid
    if record.ssid and ssid is not None and record.ssid != ssid:
        return SelaSkip.SSID_DIFFERS
    try:
        parse_calpads_date(record.elas_start)
    except InvalidValue:
        return SelaSkip.INVALID_START_DATE
    return None


def _start(update: SelaUpdate) -> dt.date:
    return update.elas_start or dt.date.min
