"""What SENR pre-validation reports: one :class:`Violation` per broken rule, field and record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Severity", "Violation"]


class Severity(Enum):
    """An ERROR makes CALPADS reject the file; a WARNING is posted but deserves a look."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule of calpads-files.md §3.

    ``rule`` is the CALPADS rule code (``SENR0742``), ``field_number`` the SENR field (``22`` for
    1.22), ``local_id`` the student's local id (SENR field 9), ``record`` the 1-based position of
    the record in the validated sequence (``None`` when a record was validated alone).
    The message never carries names, birth dates or SSIDs (FERPA): only codes and lengths.
    """

    rule: str
    field_number: int
    field_name: str
    local_id: str
    message: str
    severity: Severity = Severity.ERROR
    record: int | None = None

    def __str__(self) -> str:
        where = f"record {self.record}, " if self.record is not None else ""
        kind = "warning" if self.severity is Severity.WARNING else "error"
        return (
            f"{where}student {self.local_id}, field {self.field_number} ({self.field_name}): "
            f"{self.rule} {kind}: {self.message}"
        )
