"""Replacement SSIDs: what loading the extract would change (calpads-files.md §5.2).

For each line the local student is the one holding the retired SSID (found by SSID, whatever
local id CALPADS last knew); when nobody holds it, the student with the Last Known Local Student
ID is looked at. Outcomes:

- ``REPLACE``: the retired SSID moves to Old State ID, the replacement becomes the SSID.
- ``ALREADY_APPLIED``: the student already has the replacement SSID.
- ``SSID_DIFFERS``: the student with that local id holds neither SSID (or none): not applied.
- ``NO_LOCAL_STUDENT``: nobody holds the retired SSID nor has that local id.
- ``MORE_THAN_ONE_LOCAL``: several local students hold the retired SSID (or share that local id).

Lines are planned in file order on top of the earlier lines' changes, so a chain (A retired for
B, then B retired for C) ends with SSID C and Old State ID B.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from domain.planning.identity import (
    FieldChange,
    IdentityField,
    LocalIdentity,
    LocalLookup,
    SsidLookup,
    as_lookup,
)
from domain.records import ReplacementRow
from domain.values import LocalId, Ssid

__all__ = ["ReplacementOutcome", "ReplacementChange", "ReplacementPlan", "plan_replacements"]


class ReplacementOutcome(Enum):
    """What a Replacement SSIDs line does to the local student."""

    REPLACE = "replace"
    ALREADY_APPLIED = "already_applied"
    SSID_DIFFERS = "ssid_differs"
    NO_LOCAL_STUDENT = "no_local_student"
    MORE_THAN_ONE_LOCAL = "more_than_one_local"


@dataclass(frozen=True, slots=True)
class ReplacementChange:
    """One line's plan; ``before`` is the local student as found (``None`` when not one)."""

    line: int
    local_id: LocalId
    retired_ssid: Ssid
    replacement_ssid: Ssid
    outcome: ReplacementOutcome
    before: LocalIdentity | None = None

    def field_changes(self) -> Iterator[FieldChange]:
        """Old State ID then SSID, for a ``REPLACE`` line."""
        before = self.before
        if before is None or self.outcome is not ReplacementOutcome.REPLACE:
            return
        yield FieldChange(before.local_id, IdentityField.OLD_STATE_ID, before.old_state_id, self.retired_ssid)
        yield FieldChange(before.local_id, IdentityField.SSID, before.ssid, self.replacement_ssid)


@dataclass
class ReplacementPlan:
    """Every line's plan in file order."""

    lines: list[ReplacementChange] = field(default_factory=list)

    def count(self, outcome: ReplacementOutcome) -> int:
        """How many lines had ``outcome``."""
        return sum(1 for c in self.lines if c.outcome is outcome)

    def field_changes(self) -> Iterator[FieldChange]:
        """Every field change to apply, in order (journal them to undo in reverse)."""
        for change in self.lines:
            yield from change.field_changes()

    def not_applied(self) -> list[ReplacementChange]:
        """Lines listed for a person but not applied (already applied ones are not listed)."""
        return [
            c
            for c in self.lines
            if c.outcome not in (ReplacementOutcome.REPLACE, ReplacementOutcome.ALREADY_APPLIED)
        ]


def plan_replacements(
    rows: Iterable[ReplacementRow],
    local: LocalLookup | Mapping[LocalId, LocalIdentity],
    holders: SsidLookup,
) -> ReplacementPlan:
    """Plan the Replacement SSIDs load: ``local`` finds students by local id, ``holders`` by SSID."""
    by_local = as_lookup(local)
    # Students as earlier lines of this file leave them (a chain of replacements).
    planned: dict[LocalId, LocalIdentity] = {}
    planned_ssid: dict[Ssid, LocalId] = {}

    def holding(ssid: Ssid) -> list[LocalIdentity]:
        found = [s for s in (planned.get(h.local_id, h) for h in holders(ssid)) if s.ssid == ssid]
        newcomer = planned.get(planned_ssid[ssid]) if ssid in planned_ssid else None
        if newcomer is not None and newcomer.ssid == ssid and all(s.local_id != newcomer.local_id for s in found):
            found.append(newcomer)
        return found

    plan = ReplacementPlan()
    for row in rows:
        change = _plan_line(row, holding, lambda i: [planned.get(s.local_id, s) for s in by_local(i)])
        plan.lines.append(change)
        if change.outcome is ReplacementOutcome.REPLACE and change.before is not None:
            after = dataclasses.replace(change.before, ssid=row.replacement_ssid, old_state_id=row.retired_ssid)
            planned[after.local_id] = after
            planned_ssid[row.replacement_ssid] = after.local_id
    return plan


def _plan_line(row: ReplacementRow, holding: SsidLookup, by_local: LocalLookup) -> ReplacementChange:
    def outcome(kind: ReplacementOutcome, before: LocalIdentity | None = None) -> ReplacementChange:
        local_id = before.local_id if before is not None else row.local_id
        return ReplacementChange(row.line, local_id, row.retired_ssid, row.replacement_ssid, kind, before)

    holders = holding(row.retired_ssid)
    if len(holders) > 1:
        return outcome(ReplacementOutcome.MORE_THAN_ONE_LOCAL)
    if holders:
        return outcome(ReplacementOutcome.REPLACE, holders[0])
    found = by_local(row.local_id)
    if not found:
        return outcome(ReplacementOutcome.NO_LOCAL_STUDENT)
    if len(found) > 1:
        return outcome(ReplacementOutcome.MORE_THAN_ONE_LOCAL)
    if found[0].ssid == row.replacement_ssid:
        return outcome(ReplacementOutcome.ALREADY_APPLIED, found[0])
    return outcome(ReplacementOutcome.SSID_DIFFERS, found[0])
