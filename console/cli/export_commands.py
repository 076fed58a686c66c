"""`ssid export changes (--batch N | --since YYYY-MM-DD) --out DIR`: what applies changed, for the
district's SIS (contract: shared/spec/cli.md; the files: docs/exports.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from console.cli.common import CliContext, Refusal, common_options
from console.cli.db_commands import open_district_database
from console.exports import WrittenExport, export_batch, export_since
from store.errors import StoreError
from store.database import utc_now

__all__ = ["COMMANDS"]


@click.group("export")
def export_group() -> None:
    """Exports for the district's student information system."""


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the beginning of ``day`` in this machine's time zone (the district's)."""
    return dt.datetime.combine(day, dt.time()).astimezone()


@export_group.command("changes")
@click.option("--batch", "batch_id", type=int, default=None, help="The applied (or undone) batch whose changes to export.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Every change from this day on (YYYY-MM-DD, local time).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write the files into.")
@common_options
def changes_command(ctx: CliContext, batch_id: int | None, since: dt.datetime | None, out_dir: Path) -> None:
    """Write what an apply changed: a changes CSV (one row per student and field, formula-safe)
    and, for an SSID Extract, its applied lines in CALPADS' layout. Files are owner-only (0600);
    the export is journaled and listed on the History page."""
    if (batch_id is None) == (since is None):
        raise Refusal("give exactly one of --batch N and --since YYYY-MM-DD")
    open_district_database(ctx)
    try:
        if batch_id is not None:
            written: WrittenExport = export_batch(batch_id, out_dir, actor=ctx.actor, now=utc_now())
        else:
            assert since is not None
            day = since.date()
            written = export_since(day, _start_of(day), out_dir, actor=ctx.actor, now=utc_now())
    except (StoreError, OSError) as error:
        raise Refusal(str(error)) from error
    files = [str(path) for path in written.files]
    human = "\n".join([*files, f"{written.changes} changes" + (f", {written.extract_lines} SSID Extract lines" if written.extract_lines else "")])
    if written.note:
        human += f"\nnote: {written.note}"
    ctx.emit(
        {"files": files, "changes": written.changes, "extract_lines": written.extract_lines, "export": written.export_id,
         "note": written.note},
        human,
    )


COMMANDS: list[click.Command] = [export_group]
