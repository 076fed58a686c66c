"""Code translations: the district's local codes and the CALPADS codes they stand for.

A code without a translation row maps to itself. Translation happens when a file is built;
students keep their local codes in the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType

from store.bulk import tuples
from store.tables import CodeTranslationRow

__all__ = ["translations", "set_translation", "remove_translation", "translate"]


def translations() -> Mapping[str, Mapping[str, str]]:
    """Code set name (``grade``, ``gender`` ...) → local code → CALPADS code."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    query = CodeTranslationRow.select(CodeTranslationRow.field, CodeTranslationRow.local_code, CodeTranslationRow.calpads_code)
    for field, local, calpads in tuples(query):
        found[field][local] = calpads
    return MappingProxyType({k: MappingProxyType(v) for k, v in found.items()})


def translate(table: Mapping[str, Mapping[str, str]], field: str, code: str) -> str:
    """``code`` translated for ``field`` through ``table`` (itself when no row says otherwise)."""
    return table.get(field, {}).get(code, code)


def set_translation(field: str, local_code: str, calpads_code: str) -> None:
    """Add or change one translation."""
    CodeTranslationRow.insert(field=field, local_code=local_code, calpads_code=calpads_code).on_conflict(
        conflict_target=[CodeTranslationRow.field, CodeTranslationRow.local_code],
        update={CodeTranslationRow.calpads_code: calpads_code},
    ).execute()


def remove_translation(field: str, local_code: str) -> bool:
    """Remove one translation (the code then maps to itself again); whether one existed."""
    deleted = CodeTranslationRow.delete().where(
        (CodeTranslationRow.field == field) & (CodeTranslationRow.local_code == local_code)
    ).execute()
    return bool(deleted)
