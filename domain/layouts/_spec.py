"""The vocabulary of file layouts: what a field is (FieldSpec) and what a file is (Layout).

The tables themselves live in ``_senr.py`` and ``_extracts.py``; the registry that
names them lives in ``layouts.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from domain.codes import CODE_SETS

__all__ = ["FieldKind", "Required", "FieldSpec", "Layout", "field_table"]


class FieldKind(Enum):
    """How a field's text is shaped (readers check it, writers format it)."""

    TEXT = "text"
    DATE = "date"  # CCYYMMDD, blank when absent
    CODE = "code"  # a code of ``FieldSpec.code_set`` (any short text when no set is named)
    DIGITS = "digits"  # exactly ``max_length`` digits (SSID, LEA and school codes)
    YES_NO = "yes_no"  # Y or N
    SCORE = "score"  # the match tool's percentage, e.g. 97%, 0.97 or 97
    YEAR = "year"  # academic year CCYY-CCYY


class Required(Enum):
    """Whether CALPADS requires the field (CONDITIONAL: a rule decides; readers treat it as optional)."""

    YES = "Y"
    NO = "N"
    CONDITIONAL = "C"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a layout: its number (1-based), CALPADS name, record attribute and rules."""

    number: int
    name: str
    attr: str
    max_length: int
    kind: FieldKind = FieldKind.TEXT
    required: Required = Required.NO
    code_set: str | None = None

    def __post_init__(self) -> None:
        if self.code_set is not None and self.code_set not in CODE_SETS:
            raise ValueError(f"field {self.number} ({self.name}) names unknown code set {self.code_set!r}")

    @property
    def label(self) -> str:
        """``field 9 (Local Student ID)`` as messages write it."""
        return f"field {self.number} ({self.name})"


@dataclass(frozen=True, slots=True)
class Layout:
    """A named, versioned file layout.

    ``kind`` is the human name of the file kind ("SSID Extract", "SENR ODS download"): two
    versions of one layout share it. ``record_type`` is the text of field 1 when the file carries
    one (``SENR``, ``SENR-R``, ``SELA`` ...), else ``None``.
    """

    name: str
    version: str
    record_type: str | None
    fields: tuple[FieldSpec, ...]
    delimiter: str = "^"
    has_header: bool = False
    kind: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        numbers = [f.number for f in self.fields]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"layout {self.name} {self.version}: fields must be numbered 1..n in order")
        if not self.kind:
            object.__setattr__(self, "kind", self.name)

    @property
    def width(self) -> int:
        """Number of fields (columns) of a line."""
        return len(self.fields)

    @property
    def title(self) -> str:
        """E.g. ``SSID Extract current (16 columns)``."""
        return f"{self.kind} {self.version} ({self.width} columns)"

    def field(self, attr: str) -> FieldSpec:
        """The field stored in record attribute ``attr`` (``KeyError`` when the layout lacks it)."""
        for spec in self.fields:
            if spec.attr == attr:
                return spec
        raise KeyError(f"layout {self.name} {self.version} has no field for {attr!r}")

    def has(self, attr: str) -> bool:
        """Whether the layout has a field for record attribute ``attr``."""
        return any(spec.attr == attr for spec in self.fields)

    def __str__(self) -> str:
        return self.title


Row = tuple[str, str, int, FieldKind, Required, str | None]
"""A table row: (CALPADS name, attribute, max length, kind, required, code set)."""


def field_table(rows: Iterable[Row]) -> tuple[FieldSpec, ...]:
    """Number table rows 1..n in order: tables are written as lists so older versions can be edits."""
    return tuple(
        FieldSpec(number, name, attr, length, kind, required, codes)
        for number, (name, attr, length, kind, required, codes) in enumerate(rows, start=1)
    )
