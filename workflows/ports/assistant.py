"""The matching assistant's part of the store seam (:class:`workflows.ports.WorkflowStore` includes it):
what the local duplicate check reads and stores, "not a duplicate" marks, and what the MID guards
and bulk decisions ask of the district's records. The concrete one is ``store.assistant_store``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import Protocol

from domain.duplicates import CheckedStudent, DuplicateCheckSummary, LocalIssue, NotDuplicateMark
from domain.matching import PersonFacts
from domain.model import MatchDecision
from domain.records import SenrRecord
from domain.values import LocalId, Ssid

__all__ = ["AssistantStore"]

class AssistantStore(Protocol):
    """Persistence for the local duplicate check, the MID guards and bulk decisions."""

    def check_students(self) -> Iterator[CheckedStudent]:
        """Every student as the local duplicate check reads them."""
        ...

    def student_data_version(self) -> int:
        """A number that changes whenever anything the check reads of the students changes."""
        ...

    def save_duplicate_check(
        self, checked_at: dt.datetime, checked_by: str, students: int, compared: int, lookalike_percent: float,
        fingerprint: str, seconds: float, issues: Sequence[LocalIssue],
    ) -> DuplicateCheckSummary: ...

    def latest_duplicate_check(self) -> DuplicateCheckSummary | None: ...

    def duplicate_check_issues(self, check_id: int) -> list[LocalIssue]:
        """The issues a stored check found, in its order."""
        ...

    def issue_acknowledgements(self) -> dict[str, tuple[str, dt.datetime]]:
        """(who, when) of every acknowledged issue, by key."""
        ...

    def not_duplicate_marks(self) -> list[NotDuplicateMark]: ...

    def mark_not_duplicate(self, first: LocalId, second: LocalId, actor: str, at: dt.datetime) -> None: ...

    def unmark_not_duplicate(self, first: LocalId, second: LocalId) -> bool: ...

    def request_record(self, run_id: int, local_id: LocalId) -> SenrRecord | None:
        """One student's record in the run's request file (``None`` when not requested)."""
        ...

    def ssid_holders(self, ssids: Collection[Ssid]) -> dict[Ssid, list[LocalId]]:
        """The local students holding each SSID (SSIDs nobody holds are absent)."""
        ...

    def people_born_on(self, dates: Collection[dt.date]) -> Iterator[tuple[LocalId, PersonFacts]]:
        """Every student born on one of ``dates``: local id, names and birth date."""
        ...

    def save_bulk_decisions(self, run_id: int, decisions: Sequence[MatchDecision], actor: str, at: dt.datetime) -> None:
        """Set many decisions at once, each logged as bulk."""
        ...
