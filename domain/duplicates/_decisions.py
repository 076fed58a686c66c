"""A person's decision on a local issue, and its consequence for SSID requests.

- two records that look like one child, decided the **same child**: the record without an SSID
  (or, when neither has one, the newer record: the greater local id, the SIS's later number) is
  left out of every SSID request — "possible duplicate of LOCAL_ID: merge the two records in your
  SIS" — for as long as both records are there and active (one deactivated or merged away ends it);
- decided **different children**: the "not a duplicate" mark (:class:`NotDuplicateMark`);
- one SSID held by two records: which record **keeps** it (the other is to be fixed in the SIS).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from domain.duplicates._local import CheckedStudent, IssueKey
from domain.values import LocalId

__all__ = ["Resolution", "IssueDecision", "left_out_record", "possible_duplicates", "possible_duplicate_text"]


class Resolution(Enum):
    """What a person decided about a local issue (the value is stored)."""

    SAME_CHILD = "same_child"
    KEEPS_SSID = "keeps_ssid"


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueDecision:
    """A decision on the issue ``key``: for :attr:`Resolution.SAME_CHILD` ``chosen`` is the record
    left out of SSID requests; for :attr:`Resolution.KEEPS_SSID` the record that keeps the SSID."""

    key: IssueKey
    resolution: Resolution
    chosen: LocalId
    decided_by: str
    decided_at: dt.datetime

    @property
    def other(self) -> LocalId:
        """The other record of the pair."""
        return next(i for i in self.key.local_ids if i != self.chosen)

    @property
    def text(self) -> str:
        """The decision and its consequence, in the coordinator's words."""
        if self.resolution is Resolution.SAME_CHILD:
            return (
                f"same child: {self.chosen} is left out of SSID requests ({possible_duplicate_text(self.other)}) "
                "until one of the two is deactivated or merged"
            )
        return f"{self.chosen} keeps the SSID; fix {self.other}'s in your SIS"


def left_out_record(first: CheckedStudent, second: CheckedStudent) -> LocalId:
    """Of two records of one child, the one to leave out of SSID requests: the one without an SSID,
    else the newer (the greater local id)."""
    if (first.ssid is None) != (second.ssid is None):
        return first.local_id if first.ssid is None else second.local_id
    return max(first.local_id, second.local_id)


def possible_duplicates(
    decisions: Iterable[IssueDecision], students: Mapping[LocalId, CheckedStudent]
) -> dict[LocalId, LocalId]:
    """Each record left out of SSID requests as a possible duplicate → the record it duplicates,
    for the *same child* decisions whose two records are both still there and active."""
    held: dict[LocalId, LocalId] = {}
    for decision in decisions:
        if decision.resolution is not Resolution.SAME_CHILD:
            continue
        left, other = students.get(decision.chosen), students.get(decision.other)
        if left is not None and other is not None and left.active and other.active:
            held[decision.chosen] = decision.other
    return held


def possible_duplicate_text(other: LocalId) -> str:
    """Why a record is left out of SSID requests, in the coordinator's words."""
    return f"possible duplicate of {other}: merge the two records in your SIS"
