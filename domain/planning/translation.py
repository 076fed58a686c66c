"""Local codes → CALPADS codes, through the district's code-translation table.

A local code maps to itself unless the table says otherwise (cli.md: "the code-translation table
maps a code to itself by default"). Whatever comes out must be a code CALPADS knows for that
field; if not, :class:`~domain.errors.TranslationMissing` names the student and the field, so a
person can add the missing row. Blank stays blank (an optional field left empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from domain.codes import (
    BIRTH_COUNTRY,
    BIRTH_STATE_PROVINCE,
    COMPLETION_STATUS,
    ELAS,
    ENROLLMENT_STATUS,
    EXIT_REASON,
    GENDER,
    GRADE_LEVEL,
    NAME_SUFFIX,
    CodeSet,
)
from domain.errors import TranslationMissing

__all__ = ["TRANSLATED_FIELDS", "CodeTranslator"]

TRANSLATED_FIELDS: Mapping[str, CodeSet] = MappingProxyType(
    {
        "grade": GRADE_LEVEL,
        "enroll_status": ENROLLMENT_STATUS,
        "gender": GENDER,
        "birth_country": BIRTH_COUNTRY,
        "birth_state": BIRTH_STATE_PROVINCE,
        "suffix": NAME_SUFFIX,
        "exit_reason": EXIT_REASON,
        "completion_status": COMPLETION_STATUS,
        "elas": ELAS,
    }
)
"""Fields whose local codes are translated (named as the SENR record attributes), with their CALPADS code set."""


@dataclass(frozen=True)
class CodeTranslator:
    """The code-translation table: ``(field, local code) → CALPADS code``; unlisted codes map to themselves."""

    table: Mapping[tuple[str, str], str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        unknown = sorted({name for name, _ in self.table} - TRANSLATED_FIELDS.keys())
        if unknown:
            raise ValueError(f"code translations for unknown fields: {', '.join(unknown)}")
        object.__setattr__(self, "table", MappingProxyType(dict(self.table)))

    def __call__(self, field_name: str, code: str, local_id: str) -> str:
        """The CALPADS code for ``code`` of ``field_name``; raises ``TranslationMissing`` for ``local_id``'s code."""
        if code == "":
            return ""
        calpads = self.table.get((field_name, code), code)
        codes = TRANSLATED_FIELDS[field_name]
        if calpads not in codes:
            raise TranslationMissing(local_id, codes.name, code)
        return calpads
