"""Step 4: the updated SENR file, from the request records and the decisions a person made.

``Select`` fills field 8 with the chosen SSID; ``New SSID`` leaves it blank (CALPADS issues one);
``No Match`` leaves the record out. A full file needs a decision for every requested student; a
partial file ("Download Partial Extract") holds only the students decided so far.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from domain.errors import DomainError
from domain.model import DecisionKind, MatchDecision
from domain.records import SenrRecord
from domain.values import LocalId

__all__ = ["UndecidedStudents", "build_updated_records"]


class UndecidedStudents(DomainError):
    """A full updated file was asked for while some requested students have no decision."""

    def __init__(self, local_ids: Iterable[LocalId]) -> None:
        self.local_ids = tuple(local_ids)
        shown = ", ".join(self.local_ids[:20])
        more = f" and {len(self.local_ids) - 20} more" if len(self.local_ids) > 20 else ""
        super().__init__(f"{len(self.local_ids)} requested students have no decision yet: {shown}{more}")


def build_updated_records(
    request_records: Sequence[SenrRecord],
    decisions: Mapping[LocalId, MatchDecision],
    *,
    partial: bool,
) -> list[SenrRecord]:
    """The records of the updated SENR file, in request-file order.

    Raises :class:`UndecidedStudents` (listing every undecided local id) when ``partial`` is false
    and a requested student has no decision. Decisions for students not in the request are ignored.
    """
    records: list[SenrRecord] = []
    undecided: list[LocalId] = []
    for record in request_records:
        decision = decisions.get(LocalId(record.local_student_id))
        if decision is None:
            undecided.append(LocalId(record.local_student_id))
        elif decision.kind is DecisionKind.SELECT:
            records.append(dataclasses.replace(record, ssid=decision.ssid or ""))
        elif decision.kind is DecisionKind.NEW_SSID:
            records.append(dataclasses.replace(record, ssid=""))
    if undecided and not partial:
        raise UndecidedStudents(undecided)
    return records
