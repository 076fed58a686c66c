"""The local side of "MIDs are resolved": issues in the district's own records that would let a run
create or carry a duplicate SSID (calpads-files.md §7).

- two local students sharing one SSID;
- two local students who look like one child (``domain.duplicates``);
- a local SSID that a loaded Replacement SSIDs extract retired.

Each issue has a stable key; a person may acknowledge it (it is then no longer open). Messages
name local ids only, never names, birth dates or SSIDs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from domain.duplicates import find_duplicates
from domain.matching import PersonFacts
from domain.model import Student
from domain.values import LocalId, Ssid
from workflows.ports import WorkflowStore

__all__ = ["IssueKind", "LocalIssue", "LOOKALIKE_PERCENT", "find_local_issues", "local_issues", "person_facts"]

LOOKALIKE_PERCENT = 95.0
"""Two students rated at least this alike by the matching assistant are reported as one child."""


class IssueKind(Enum):
    SHARED_SSID = "shared_ssid"
    LOOKALIKE = "lookalike"
    RETIRED_SSID = "retired_ssid"


@dataclass(frozen=True, slots=True)
class LocalIssue:
    """One local issue: its key (for acknowledging), kind, the students, and a message for people."""

    key: str
    kind: IssueKind
    local_ids: tuple[LocalId, ...]
    message: str
    acknowledged: bool = False


def person_facts(student: Student) -> PersonFacts:
    """What the matching assistant compares of a local student."""
    alias = student.alias
    return PersonFacts(
        legal_first=student.legal.first or None,
        legal_middle=student.legal.middle or None,
        legal_last=student.legal.last or None,
        birth_date=student.birth_date,
        gender=student.gender or None,
        birth_city=student.birth_city or None,
        birth_state=student.birth_state or None,
        birth_country=student.birth_country or None,
        alias_first=alias.first or None if alias else None,
        alias_middle=alias.middle or None if alias else None,
        alias_last=alias.last or None if alias else None,
        guardian_names=tuple(f"{g.first} {g.last}".strip() for g in student.guardians),
    )


def _issue(kind: IssueKind, ids: Iterable[LocalId], message: str) -> LocalIssue:
    ordered = tuple(sorted(ids))
    return LocalIssue(f"{kind.value}:{','.join(ordered)}", kind, ordered, message.format(ids=" and ".join(ordered)))


def find_local_issues(students: Iterable[Student], retired: set[Ssid], acknowledged: set[str]) -> list[LocalIssue]:
    """Every local issue among ``students`` (acknowledged ones flagged), in a stable order."""
    by_ssid: defaultdict[Ssid, list[LocalId]] = defaultdict(list)
    facts: list[tuple[str, PersonFacts]] = []
    issues: list[LocalIssue] = []
    for student in students:
        if student.ssid is not None:
            by_ssid[student.ssid].append(student.local_id)
            if student.ssid in retired:
                issues.append(
                    _issue(IssueKind.RETIRED_SSID, [student.local_id], "student {ids} holds an SSID CALPADS has retired")
                )
        if student.active:
            facts.append((student.local_id, person_facts(student)))
    for ids in by_ssid.values():
        if len(ids) > 1:
            issues.append(_issue(IssueKind.SHARED_SSID, ids, "students {ids} share one SSID"))
    for pair in find_duplicates(facts, min_percent=LOOKALIKE_PERCENT):
        ids = [LocalId(pair.left), LocalId(pair.right)]
        issues.append(_issue(IssueKind.LOOKALIKE, ids, f"students {{ids}} look like one child ({pair.percent:.0f}%)"))
    issues.sort(key=lambda issue: (issue.kind.value, issue.local_ids))
    return [
        LocalIssue(i.key, i.kind, i.local_ids, i.message, True) if i.key in acknowledged else i for i in issues
    ]


def local_issues(store: WorkflowStore) -> list[LocalIssue]:
    """The local issues of the district's records now, acknowledged ones flagged."""
    return find_local_issues(store.iter_students(), store.retired_ssids(), store.acknowledged_issues())
