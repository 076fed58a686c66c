"""The local duplicate check's part of the store seam (:class:`workflows.ports.UnitOfWork` exposes
both as ``uow.duplicates`` and ``uow.marks``): what the check reads and stores, and what people
say about its issues (acknowledged, "not a duplicate"). The concrete one is ``store.assistant_store``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from domain.values import LocalId, Ssid

if TYPE_CHECKING:  # for annotations only: the duplicate search is not imported by every step
    from domain.duplicates import CheckedStudent, DuplicateCheckSummary, IssueDecision, IssueKey, LocalIssue, NotDuplicateMark

__all__ = ["DuplicateChecks", "IssueMarks"]


class DuplicateChecks(Protocol):
    """What the local duplicate check reads, and the checks it stored."""

    def check_students(self, local_ids: Collection[LocalId] | None = None) -> Iterator[CheckedStudent]:
        """Every student as the local duplicate check reads them (``local_ids``: only those)."""
        ...

    def student_data_version(self) -> int:
        """A number that changes whenever anything the check reads of the students changes."""
        ...

    def retired_ssids(self) -> set[Ssid]:
        """SSIDs that a loaded Replacement SSIDs batch retired (whether applied yet or not)."""
        ...

    def save_duplicate_check(
        self, *, checked_at: dt.datetime, checked_by: str, students: int, compared: int, lookalike_percent: float,
        fingerprint: str, seconds: float, issues: Sequence[LocalIssue],
    ) -> DuplicateCheckSummary: ...

    def latest_duplicate_check(self) -> DuplicateCheckSummary | None: ...

    def duplicate_check_issues(self, check_id: int) -> list[LocalIssue]:
        """The issues a stored check found, in its order."""
        ...


class IssueMarks(Protocol):
    """Acknowledged issues and pairs marked "not a duplicate"."""

    def acknowledged_issues(self) -> set[IssueKey]: ...

    def issue_acknowledgements(self) -> dict[IssueKey, tuple[str, dt.datetime]]:
        """(who, when) of every acknowledged issue, by key."""
        ...

    def acknowledge_issue(self, key: IssueKey, actor: str, at: dt.datetime) -> None: ...

    def not_duplicate_marks(self) -> list[NotDuplicateMark]: ...

    def mark_not_duplicate(self, first: LocalId, second: LocalId, actor: str, at: dt.datetime) -> None: ...

    def unmark_not_duplicate(self, first: LocalId, second: LocalId) -> bool: ...

    def issue_decisions(self) -> list[IssueDecision]:
        """Every decision taken on a local issue (same child; which record keeps an SSID)."""
        ...

    def decide_issue(self, decision: IssueDecision) -> None:
        """Record (or replace) the decision on ``decision.key``."""
        ...
