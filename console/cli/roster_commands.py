"""`ssid roster import PATH`: students and enrollments from the district's SIS — its roster CSV,
or a OneRoster 1.1/1.2 CSV export (a folder or a zip archive)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from console.cli.common import CliContext, common_options, existing_file, utf8_named
from console.cli.db_commands import open_district_database
from console.upload_limit import DEFAULT_MAX_UPLOAD_MB
from domain.errors import DomainError
from domain.oneroster import ExportLimits, is_export
from store.oneroster_import import import_oneroster
from store.roster_import import RosterCounts, import_roster

__all__ = ["COMMANDS"]


@click.group("roster")
def roster_group() -> None:
    """The district's student roster."""


def _export_limits() -> ExportLimits:
    """Each CSV file of an export may be as large as one uploaded file (``SSID_MAX_UPLOAD_MB``)."""
    limit = int(os.environ.get("SSID_MAX_UPLOAD_MB") or DEFAULT_MAX_UPLOAD_MB) * 1024**2
    return ExportLimits(file_bytes=limit, total_bytes=4 * limit)


@roster_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@common_options
def import_command(ctx: CliContext, path: Path) -> None:
    """Load students and enrollments from a roster CSV, or from a OneRoster 1.1/1.2 CSV export (a
    folder or zip holding manifest.csv, orgs.csv, users.csv …; the settings oneroster_local_id and
    oneroster_ssid say which users.csv field holds the local id and the SSID). All or nothing;
    upsert by local id; fields the source lacks keep their stored values."""
    open_district_database(ctx)
    with ctx.refusing(DomainError):
        counts: RosterCounts
        if utf8_named(path).is_dir() or is_export(existing_file(path)):
            counts = import_oneroster(path, today=dt.date.today(), actor=ctx.actor, limits=_export_limits())
        else:
            counts = import_roster(path, actor=ctx.actor)
    ctx.emit(
        {"students": counts.students, "enrollments": counts.enrollments},
        f"{counts.students} students, {counts.enrollments} enrollments",
    )


COMMANDS: list[click.Command] = [roster_group]
