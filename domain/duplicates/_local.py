"""The local duplicate check's findings, as they are stored and shown: issues in the district's own
records that would let a run create or carry a duplicate SSID (calpads-files.md §7).

- two local students sharing one SSID (:attr:`IssueKind.SHARED_SSID`);
- two local students who look like one child (:attr:`IssueKind.LOOKALIKE`, with the matching
  assistant's field-by-field evidence);
- a local SSID that a loaded Replacement SSIDs extract retired (:attr:`IssueKind.RETIRED_SSID`).

Each issue has a stable key built from its kind and the local ids concerned
(``lookalike:100004,100005``), so a person's acknowledgement, or their "not a duplicate" mark,
finds the same issue in a later check. Messages name local ids only, never names, birth dates or
SSIDs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from domain.errors import InvalidValue
from domain.values import LocalId, Ssid

if TYPE_CHECKING:  # for annotations only: storing or showing an issue does not load the matching assistant
    from domain.matching import FieldResult, PersonFacts

__all__ = [
    "IssueKind",
    "LocalIssue",
    "CheckedStudent",
    "DuplicateCheckSummary",
    "NotDuplicateMark",
    "IssueKey",
    "issue_key",
    "lookalike_ids",
    "issue_groups",
]


class IssueKind(Enum):
    """What kind of local issue: the value is the stable code used in keys."""

    SHARED_SSID = "shared_ssid"
    LOOKALIKE = "lookalike"
    RETIRED_SSID = "retired_ssid"

    @property
    def label(self) -> str:
        """The kind in a coordinator's words."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    IssueKind.SHARED_SSID: "students sharing one SSID",
    IssueKind.LOOKALIKE: "records that look like one child",
    IssueKind.RETIRED_SSID: "an SSID CALPADS has retired",
}


@dataclass(frozen=True, slots=True)
class IssueKey:
    """The stable key of a local issue: its kind and the local ids concerned, sorted.

    Written ``lookalike:100004,100005`` wherever a person or a script sees or types it (``str``),
    and read back with :meth:`parse`; the store keeps the kind and ids in columns of their own.
    The workflow, the store and the console agree on it through this type, never by re-parsing.
    """

    kind: IssueKind
    local_ids: tuple[LocalId, ...]

    @classmethod
    def of(cls, kind: IssueKind, local_ids: Iterable[str]) -> IssueKey:
        """The key of an issue of ``kind`` about ``local_ids`` (in any order)."""
        return cls(kind, tuple(LocalId(x) for x in sorted(local_ids)))

    @classmethod
    def parse(cls, text: str) -> IssueKey:
        """The key written as ``text`` (``kind:first[,second]``); :class:`~domain.errors.InvalidValue` when it is not one."""
        kind, colon, ids = text.strip().partition(":")
        known = {k.value: k for k in IssueKind}
        parts = tuple(x for x in ids.split(",")) if ids else ()
        if not colon or kind not in known or not parts or any(not x.strip() for x in parts):
            raise InvalidValue("local issue key", text, "not a key like lookalike:100004,100005 (kind:local id[,local id])")
        return cls.of(known[kind], (x.strip() for x in parts))

    @property
    def pair(self) -> tuple[LocalId, LocalId] | None:
        """The two local ids of a look-alike pair's key (``None`` for a key of another kind)."""
        if self.kind is not IssueKind.LOOKALIKE or len(self.local_ids) != 2:
            return None
        return self.local_ids[0], self.local_ids[1]

    def __str__(self) -> str:
        return f"{self.kind.value}:{','.join(self.local_ids)}"


def issue_key(kind: IssueKind, local_ids: Iterable[str]) -> IssueKey:
    """The stable key of an issue: its kind and the sorted local ids (see :class:`IssueKey`)."""
    return IssueKey.of(kind, local_ids)


def lookalike_ids(key: str | IssueKey) -> tuple[LocalId, LocalId] | None:
    """The two local ids of a look-alike issue's key (``None`` for a key of another kind or not a key)."""
    if isinstance(key, str):
        try:
            key = IssueKey.parse(key)
        except InvalidValue:
            return None
    return key.pair


@dataclass(frozen=True, slots=True)
class LocalIssue:
    """One local issue: its key, kind, the students (sorted local ids), a message for people, and
    whether a person acknowledged it. A look-alike pair also carries the percent and the evidence
    (``evidence[i].local`` is the first student's value, ``.candidate`` the second's)."""

    key: IssueKey
    kind: IssueKind
    local_ids: tuple[LocalId, ...]
    message: str
    acknowledged: bool = False
    percent: float | None = None
    evidence: tuple[FieldResult, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckedStudent:
    """What the local duplicate check reads of one student."""

    local_id: LocalId
    ssid: Ssid | None
    active: bool
    facts: PersonFacts


@dataclass(frozen=True, slots=True)
class DuplicateCheckSummary:
    """One stored run of the local duplicate check: when, by whom, over how many students, what it
    found, and the fingerprint of the data it read (to tell whether it is still current)."""

    id: int
    checked_at: dt.datetime
    checked_by: str
    students: int
    compared: int
    lookalike_percent: float
    fingerprint: str
    seconds: float
    issues: int


@dataclass(frozen=True, slots=True)
class NotDuplicateMark:
    """A person's word that two local records are two different children (remembered for later checks)."""

    first: LocalId
    second: LocalId
    marked_by: str
    marked_at: dt.datetime

    @property
    def key(self) -> IssueKey:
        """The key of the look-alike issue this mark answers."""
        return issue_key(IssueKind.LOOKALIKE, (self.first, self.second))


def issue_groups(issues: Sequence[LocalIssue]) -> list[list[LocalIssue]]:
    """Look-alike pairs gathered into groups that share a student (three records of one child are
    one group of three pairs), in the order of each group's first pair; other issues stay alone."""
    parent: dict[str, str] = {}

    def root(local_id: str) -> str:
        while parent.setdefault(local_id, local_id) != local_id:
            parent[local_id] = parent[parent[local_id]]
            local_id = parent[local_id]
        return local_id

    for issue in issues:
        if issue.kind is IssueKind.LOOKALIKE:
            first, *others = issue.local_ids
            for other in others:
                parent[root(other)] = root(first)
    groups: dict[str, list[LocalIssue]] = {}
    for issue in issues:
        anchor = root(issue.local_ids[0]) if issue.kind is IssueKind.LOOKALIKE else f"\0{issue.key}"
        groups.setdefault(anchor, []).append(issue)
    return list(groups.values())
