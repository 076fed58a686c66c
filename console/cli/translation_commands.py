"""`ssid translations list|set|remove`: the district's code translations (local code → CALPADS code).

A code without a translation maps to itself. ``set`` refuses a field that is not translated and
a CALPADS code that is not in the field's code set (exit 2), so a typo cannot reach a file.
"""

from __future__ import annotations

from typing import Any

import click

from console.cli.common import CliContext, Refusal, common_options
from console.cli.db_commands import open_district_database
from domain.planning.translation import TRANSLATED_FIELDS
from store.codes import remove_translation, set_translation, translations

__all__ = ["COMMANDS"]

_FIELDS = ", ".join(TRANSLATED_FIELDS)


def _listed(field: str | None = None) -> list[dict[str, Any]]:
    return [
        {"field": name, "local": local, "calpads": calpads}
        for name, codes in sorted(translations().items()) if field in (None, name)
        for local, calpads in sorted(codes.items())
    ]


def _known_field(field: str) -> str:
    if field not in TRANSLATED_FIELDS:
        raise Refusal(f"{field} is not a translated field; the fields are: {_FIELDS}")
    return field


@click.group("translations")
def translations_group() -> None:
    """Code translations: the district's local codes and the CALPADS codes they stand for."""


@translations_group.command("list")
@click.option("--field", default=None, help=f"Only this field ({_FIELDS}).")
@common_options
def list_command(ctx: CliContext, field: str | None) -> None:
    """Every translation (field, local code, CALPADS code). JSON: {"translations": [{"field", "local", "calpads"}]}."""
    open_district_database(ctx)
    if field is not None:
        _known_field(field)
    found = _listed(field)
    human = "\n".join(f"{t['field']}: {t['local']} -> {t['calpads']}" for t in found) or "no code translations (every code maps to itself)"
    ctx.emit({"translations": found}, human)


@translations_group.command("set")
@click.argument("field")
@click.argument("local_code")
@click.argument("calpads_code")
@common_options
def set_command(ctx: CliContext, field: str, local_code: str, calpads_code: str) -> None:
    """Translate LOCAL_CODE of FIELD to CALPADS_CODE (which must be in the field's CALPADS code set).

    JSON: {"field", "local", "calpads"}.
    """
    open_district_database(ctx)
    codes = TRANSLATED_FIELDS[_known_field(field)]
    if calpads_code not in codes:
        raise Refusal(f"{calpads_code} is not a CALPADS code of {codes.name} (field {field}); nothing changed")
    if not local_code.strip():
        raise Refusal("the local code is blank; nothing changed")
    set_translation(field, local_code, calpads_code)
    ctx.emit({"field": field, "local": local_code, "calpads": calpads_code}, f"{field}: {local_code} -> {calpads_code}")


@translations_group.command("remove")
@click.argument("field")
@click.argument("local_code")
@common_options
def remove_command(ctx: CliContext, field: str, local_code: str) -> None:
    """Remove the translation of LOCAL_CODE of FIELD (the code then maps to itself). JSON: {"field", "local", "removed"}."""
    open_district_database(ctx)
    _known_field(field)
    if not remove_translation(field, local_code):
        raise Refusal(f"there is no translation of {local_code} for {field}; nothing changed")
    ctx.emit({"field": field, "local": local_code, "removed": True}, f"{field}: {local_code} now maps to itself")


COMMANDS: list[click.Command] = [translations_group]
