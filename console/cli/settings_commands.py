"""`ssid settings show|set`: LEA code, academic year, schools selected for CALPADS, email."""

from __future__ import annotations

from typing import Any

import click

from console.cli.common import CliContext, common_options
from console.cli.db_commands import open_district_database
from domain.errors import InvalidValue
from store.settings import DistrictSettings, read_settings, write_settings

__all__ = ["COMMANDS"]


def _result(settings: DistrictSettings) -> dict[str, Any]:
    return {
        "lea": settings.lea,
        "year": settings.year.code if settings.year else None,
        "schools": list(settings.schools),
        "email": settings.email or None,
    }


def _human(settings: DistrictSettings) -> str:
    lines = [
        f"LEA: {settings.lea or '(not set)'}",
        f"academic year: {settings.year.code if settings.year else '(not set)'}",
        f"schools selected for CALPADS: {', '.join(settings.schools) or '(none)'}",
        f"notification email: {settings.email or '(not set)'}",
        f"OneRoster local id field: {settings.oneroster.local_id}",
        f"OneRoster SSID field: {settings.oneroster.ssid or '(none: SSIDs are kept)'}",
    ]
    if settings.missing:
        lines.append(f"incomplete: set {', '.join(settings.missing)}")
    return "\n".join(lines)


@click.group("settings")
def settings_group() -> None:
    """The district's settings."""


@settings_group.command("show")
@common_options
def show_command(ctx: CliContext) -> None:
    """Print the settings."""
    open_district_database(ctx)
    settings = read_settings()
    ctx.emit(_result(settings), _human(settings))


@settings_group.command("set")
@click.option("--lea", default=None, help="The LEA's 7-digit CDS code.")
@click.option("--year", default=None, help="Academic year, CCYY-CCYY.")
@click.option("--schools", default=None, help="Schools selected for CALPADS: 7-digit codes, comma-separated.")
@click.option("--email", default=None, help="Where summaries of applied extracts are sent.")
@click.option("--smtp-host", default=None, help="Mail server host.")
@click.option("--smtp-port", default=None, help="Mail server port.")
@click.option("--smtp-user", default=None, help="Mail server user.")
@click.option("--smtp-sender", default=None, help="Sender address of the summaries.")
@click.option("--oneroster-local-id", default=None,
              help="The OneRoster users.csv field holding the local id: identifier (default), sourcedId, username, "
                   "userMasterIdentifier or userIds:TYPE.")
@click.option("--oneroster-ssid", default=None,
              help="The OneRoster users.csv field holding the SSID (same choices; blank: the export holds none).")
@common_options
def set_command(
    ctx: CliContext,
    lea: str | None,
    year: str | None,
    schools: str | None,
    email: str | None,
    smtp_host: str | None,
    smtp_port: str | None,
    smtp_user: str | None,
    smtp_sender: str | None,
    oneroster_local_id: str | None,
    oneroster_ssid: str | None,
) -> None:
    """Change the given settings (the others stay as they are)."""
    open_district_database(ctx)
    with ctx.refusing(InvalidValue):
        settings = write_settings(
            lea=lea,
            year=year,
            email=email,
            schools=schools.split(",") if schools is not None else None,
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_user=smtp_user,
            smtp_sender=smtp_sender,
            oneroster_local_id=oneroster_local_id,
            oneroster_ssid=oneroster_ssid,
        )
    ctx.emit(_result(settings), _human(settings))


COMMANDS: list[click.Command] = [settings_group]
