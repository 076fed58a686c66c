"""What the SENR ODS audit needs of a store to compare a download set-based (see
:mod:`workflows.batches.ods_audit`); the concrete one is ``store.ods_audit_sql``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Protocol

from domain.model import Student
from domain.values import CdsCode, LocalId

__all__ = ["OdsStaging"]


class OdsStaging(Protocol):
    """A download's current-year records kept in the database (this connection only) and compared
    there with the local enrollments, by the rules of :class:`domain.planning.ods.OdsReconciliation`."""

    def stage(
        self, rows: Iterable[Sequence[str]], first_day: dt.date, last_day: dt.date, schools: Collection[CdsCode]
    ) -> int:
        """Replace the staged records by ``rows`` (:func:`domain.planning.ods.staged_record`, in
        download order) and note the enrollments between the two days at one of ``schools`` of
        students holding a usable SSID (one no Replacement SSIDs Extract retired); returns how
        many records."""
        ...

    def codes(self) -> set[tuple[str, str]]:
        """Every ``(field, local code)`` the rules would translate for the noted enrollments."""
        ...

    def settle(
        self, translations: Mapping[tuple[str, str], str], untranslatable: Collection[tuple[str, str]]
    ) -> tuple[int, list[int]]:
        """The enrollments whose records are unchanged by the rules' outcome, and the ids (in local
        order) of the other students with noted enrollments, those with ``untranslatable`` codes among them."""
        ...

    def students(self, ids: Sequence[int]) -> Iterator[tuple[Student, list[str]]]:
        """The students of ``ids``, in that order, each with the staged records under their SSID."""
        ...

    def left_over(self) -> Iterator[tuple[str, bool]]:
        """The staged records under an SSID no noted enrollment holds, in the order the rules take
        them, each with whether its Local Student ID is a local student's without a usable SSID."""
        ...

    def without_ssid(self, first_day: dt.date, last_day: dt.date, schools: Collection[CdsCode]) -> list[LocalId]:
        """The students enrolled between the two days at one of ``schools`` without a usable SSID, in local order."""
        ...

    def clear(self) -> None:
        """Drop what was staged."""
        ...
