"""Step 7: what loading an SSID Extract would change, line by line, before anything is written.

Each line is matched to local students by Local Student ID:

- ``NEW``: the student had no SSID; the extract's SSID is set.
- ``UNCHANGED``: the student already has that SSID.
- ``CONFLICT``: the student has a different SSID, and "overwrite existing SSIDs" is off: nothing
  on this line is applied (the line may describe another child; its ELAS is not taken either).
- ``REPLACE``: the same conflict with overwrite on: the old SSID moves to Old State ID.
- ``NO_LOCAL_STUDENT`` / ``MORE_THAN_ONE_LOCAL``: no local student, or several, carry that local
  id; listed, not applied.
- ``SSID_HELD_BY_ANOTHER``: setting the SSID would give it to a second local student (only
  checked when a lookup by SSID is given); listed, not applied: it would make a local duplicate.
- ``REPEATED_LINE``: the local id already appeared on an earlier line; listed, not applied.

On lines that are applied (``NEW``, ``UNCHANGED``, ``REPLACE``) the ELAS code and its start date
are taken from the extract when given and different, and SWD is set to ``Y`` when the extract
says ``Y`` (never cleared). The plan keeps one small object per line, so a 600,000-line extract
fits comfortably in memory.

**Reference rules.** :func:`reference_extract_plan` is the specification the SQL preview of
``store/extract_preview.py`` is checked against (a differential test); production runs the SQL.
"""

from __future__ import annotations

import datetime as dt
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
from domain.records import ExtractRow
from domain.values import LocalId, Ssid

__all__ = [
    "SsidOutcome",
    "ExtractChange",
    "ExtractCounts",
    "ExtractPlan",
    "reference_extract_plan",
    "plan_extract",
    "OUTCOME_COUNTS",
]


class SsidOutcome(Enum):
    """What an extract line does to the local student's SSID."""

    NEW = "new"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    REPLACE = "replace"
    NO_LOCAL_STUDENT = "no_local_student"
    MORE_THAN_ONE_LOCAL = "more_than_one_local"
    SSID_HELD_BY_ANOTHER = "ssid_held_by_another"
    REPEATED_LINE = "repeated_line"

    @property
    def applied(self) -> bool:
        """Whether a line with this outcome changes anything (its SSID, ELAS or SWD)."""
        return self in _APPLIED


_APPLIED = frozenset({SsidOutcome.NEW, SsidOutcome.UNCHANGED, SsidOutcome.REPLACE})


@dataclass(frozen=True, slots=True)
class ExtractChange:
    """One extract line's plan: the SSID outcome and, for applied lines, ELAS and SWD updates.

    ``before`` is the local student as found (``None`` when there is no single one);
    ``elas``/``elas_start`` are the new values to write (``None`` = unchanged); ``swd`` says
    whether SWD becomes ``Y``.
    """

    line: int
    local_id: LocalId
    outcome: SsidOutcome
    ssid: Ssid
    before: LocalIdentity | None = None
    elas: str | None = None
    elas_start: dt.date | None = None
    swd: bool = False

    def field_changes(self) -> Iterator[FieldChange]:
        """The field changes this line applies, in the order to apply them."""
        before = self.before
        if before is None or not self.outcome.applied:
            return
        if self.outcome is SsidOutcome.NEW:
            yield FieldChange(before.local_id, IdentityField.SSID, before.ssid, self.ssid)
        elif self.outcome is SsidOutcome.REPLACE:
            yield FieldChange(before.local_id, IdentityField.OLD_STATE_ID, before.old_state_id, before.ssid)
            yield FieldChange(before.local_id, IdentityField.SSID, before.ssid, self.ssid)
        if self.elas is not None:
            yield FieldChange(before.local_id, IdentityField.ELAS, before.elas, self.elas)
        if self.elas_start is not None:
            yield FieldChange(before.local_id, IdentityField.ELAS_START, before.elas_start, self.elas_start)
        if self.swd:
            yield FieldChange(before.local_id, IdentityField.SWD, before.swd, "Y")


@dataclass(slots=True)
class ExtractCounts:
    """How many lines had each outcome, and how many applied lines change ELAS or SWD."""

    new: int = 0
    unchanged: int = 0
    conflict: int = 0
    replaced: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    held_by_another: int = 0
    repeated: int = 0
    elas_changes: int = 0
    swd_changes: int = 0


OUTCOME_COUNTS: dict[SsidOutcome, str] = {
    SsidOutcome.NEW: "new",
    SsidOutcome.UNCHANGED: "unchanged",
    SsidOutcome.CONFLICT: "conflict",
    SsidOutcome.REPLACE: "replaced",
    SsidOutcome.NO_LOCAL_STUDENT: "unmatched",
    SsidOutcome.MORE_THAN_ONE_LOCAL: "ambiguous",
    SsidOutcome.SSID_HELD_BY_ANOTHER: "held_by_another",
    SsidOutcome.REPEATED_LINE: "repeated",
}
"""The :class:`ExtractCounts` field that counts each outcome."""


@dataclass
class ExtractPlan:
    """Every line's plan, the counts, and whether overwriting existing SSIDs was chosen."""

    overwrite: bool
    lines: list[ExtractChange] = field(default_factory=list)
    counts: ExtractCounts = field(default_factory=ExtractCounts)

    def field_changes(self) -> Iterator[FieldChange]:
        """Every field change to apply, line by line (journal them to undo in reverse)."""
        for change in self.lines:
            yield from change.field_changes()

    def not_applied(self) -> list[ExtractChange]:
        """Lines listed for a person but not applied (conflicts, unmatched, ambiguous ...)."""
        return [c for c in self.lines if not c.outcome.applied]

    def changed(self) -> list[ExtractChange]:
        """Applied lines that change at least one field."""
        return [c for c in self.lines if next(c.field_changes(), None) is not None]


def reference_extract_plan(
    rows: Iterable[ExtractRow],
    local: LocalLookup | Mapping[LocalId, LocalIdentity],
    *,
    overwrite: bool,
    ssid_holders: SsidLookup | None = None,
) -> ExtractPlan:
    """The reference rules of the SSID Extract load (product.md Step 7): one :class:`ExtractChange` per line, in file order.

    Production does not call this: the console and command line stage the file in the database
    and compute the same preview set-based in SQL (``store/extract_preview.py``), which
    ``tests/integration/test_extract_preview.py`` checks against this function line for line. A
    rule changes here first, then in the SQL, and the differential test says whether they agree.

    ``local`` finds local students by local id; ``ssid_holders``, when given, finds local
    students by SSID so that an SSID is never given to a second student. Rows are read once.
    """
    lookup = as_lookup(local)
    plan = ExtractPlan(overwrite)
    counts = plan.counts
    seen: set[LocalId] = set()
    for row in rows:
        change = _plan_line(row, lookup, ssid_holders, overwrite, seen)
        seen.add(row.local_id)
        plan.lines.append(change)
        counter = OUTCOME_COUNTS[change.outcome]
        setattr(counts, counter, getattr(counts, counter) + 1)
        if change.elas is not None or change.elas_start is not None:
            counts.elas_changes += 1
        if change.swd:
            counts.swd_changes += 1
    return plan


def _plan_line(
    row: ExtractRow,
    lookup: LocalLookup,
    ssid_holders: SsidLookup | None,
    overwrite: bool,
    seen: set[LocalId],
) -> ExtractChange:
    if row.local_id in seen:
        return ExtractChange(row.line, row.local_id, SsidOutcome.REPEATED_LINE, row.ssid)
    found = lookup(row.local_id)
    if not found:
        return ExtractChange(row.line, row.local_id, SsidOutcome.NO_LOCAL_STUDENT, row.ssid)
    if len(found) > 1:
        return ExtractChange(row.line, row.local_id, SsidOutcome.MORE_THAN_ONE_LOCAL, row.ssid)
    before = found[0]
    if before.ssid is None:
        outcome = SsidOutcome.NEW
    elif before.ssid == row.ssid:
        outcome = SsidOutcome.UNCHANGED
    else:
        outcome = SsidOutcome.REPLACE if overwrite else SsidOutcome.CONFLICT
    if outcome in (SsidOutcome.NEW, SsidOutcome.REPLACE) and ssid_holders is not None:
        if any(other.local_id != before.local_id for other in ssid_holders(row.ssid)):
            outcome = SsidOutcome.SSID_HELD_BY_ANOTHER
    if not outcome.applied:
        return ExtractChange(row.line, row.local_id, outcome, row.ssid, before)
    elas = row.elas if row.elas and row.elas != before.elas else None
    start = row.elas_start if row.elas_start is not None and row.elas_start != before.elas_start else None
    swd = row.swd == "Y" and before.swd != "Y"
    return ExtractChange(row.line, row.local_id, outcome, row.ssid, before, elas, start, swd)


plan_extract = reference_extract_plan
"""The name :func:`reference_extract_plan` had before it was named for what it is (kept for callers)."""
