"""`ssid student show LOCAL_ID`: a student's identity fields."""

from __future__ import annotations

import click

from console.cli.common import CliContext, Refusal, common_options
from console.cli.db_commands import open_district_database
from store.students import student_by_local_id

__all__ = ["COMMANDS"]


@click.group("student")
def student_group() -> None:
    """Students."""


@student_group.command("show")
@click.argument("local_id")
@common_options
def show_command(ctx: CliContext, local_id: str) -> None:
    """Print a student's SSID, Old State ID, ELAS and its start date, and SWD indicator."""
    open_district_database(ctx)
    student = student_by_local_id(local_id)
    if student is None:
        raise Refusal(f"no student with local id {local_id}")
    elas_date = student.language.elas_start
    ctx.emit(
        {
            "local_id": student.local_id,
            "ssid": student.ssid,
            "old_state_id": student.old_state_id,
            "elas": student.language.elas,
            "elas_date": elas_date.isoformat() if elas_date else None,
            "swd": student.special_education.swd,
        }
    )


COMMANDS: list[click.Command] = [student_group]
