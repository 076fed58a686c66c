"""`ssid roster import FILE`: students and enrollments from the district's SIS roster CSV."""

from __future__ import annotations

from pathlib import Path

import click

from console.cli.common import CliContext, common_options, existing_file
from console.cli.db_commands import open_district_database
from domain.errors import DomainError
from store.roster_import import import_roster

__all__ = ["COMMANDS"]


@click.group("roster")
def roster_group() -> None:
    """The district's student roster."""


@roster_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_command(ctx: CliContext, file: Path) -> None:
    """Load students and enrollments from a roster CSV (all or nothing; upsert by local id)."""
    open_district_database(ctx)
    with ctx.refusing(DomainError):
        counts = import_roster(existing_file(file), actor=ctx.actor)
    ctx.emit(
        {"students": counts.students, "enrollments": counts.enrollments},
        f"{counts.students} students, {counts.enrollments} enrollments",
    )


COMMANDS: list[click.Command] = [roster_group]
