"""The local side of "MIDs are resolved": issues in the district's own records that would let a run
create or carry a duplicate SSID (calpads-files.md §7).

- two local students sharing one SSID;
- two local students who look like one child (``domain.duplicates``, at its ``LOOKALIKE_PERCENT``);
- a local SSID that a loaded Replacement SSIDs extract retired.

Each issue has a stable key; a person may acknowledge it (it is then no longer open), or say of
a look-alike pair that it is two different children (the pair is then left out of every list).
The check itself runs once and is stored (:mod:`workflows.run.duplicate_check`); :func:`local_issues`
reads the stored one while it is current. Messages name local ids only, never names, birth dates
or SSIDs.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.duplicates import IssueKey, IssueKind, LocalIssue
from domain.model import Student
from domain.values import Ssid
from workflows.run.duplicate_check import current_check
from workflows.ports import UnitOfWork
from workflows.run.stepping import Actor

__all__ = ["IssueKind", "LocalIssue", "find_local_issues", "local_issues"]

_SYSTEM = Actor("local duplicate check")


def find_local_issues(
    students: Iterable[Student], retired: set[Ssid], acknowledged: set[IssueKey]
) -> list[LocalIssue]:
    """Every local issue among ``students`` (acknowledged ones flagged), in a stable order; nothing stored."""
    # The duplicate search: imported when issues are found, not by every step that imports this module.
    from domain.duplicates import checked_student, find_issues, with_acknowledged

    return with_acknowledged(find_issues(map(checked_student, students), retired).issues, acknowledged)


def local_issues(uow: UnitOfWork, actor: Actor = _SYSTEM, *, recheck: bool = True) -> list[LocalIssue]:
    """The local issues of the district's records now: the stored check's while it is current,
    else a new check's (stored, in ``actor``'s name), or with ``recheck=False`` a refusal
    (``StepRefused``) saying the check is out of date. Acknowledged ones are flagged; pairs marked
    "not a duplicate" are left out."""
    return current_check(uow, actor, recheck=recheck).issues
