"""`ssid student show LOCAL_ID`: a student's identity fields; `ssid student changes LOCAL_ID`: every
change to them, with when, who and through what (a batch and its run, the Tables page, a roster import)."""

from __future__ import annotations

import click

from console.cli.common import CliContext, Refusal, common_options
from console.cli.db_commands import open_district_database
from store.identity_journal import identity_history
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


@student_group.command("changes")
@click.argument("local_id")
@common_options
def changes_command(ctx: CliContext, local_id: str) -> None:
    """Every change to the student's SSID, Old State ID, ELAS and SWD, oldest first."""
    open_district_database(ctx)
    if student_by_local_id(local_id) is None and not identity_history(local_id):
        raise Refusal(f"no student with local id {local_id}")
    events = [
        {"at": e.at.isoformat(), "actor": e.actor, "field": e.field, "old": e.old, "new": e.new, "source": e.source,
         "batch": e.batch_id, "run": e.run_id}
        for e in identity_history(local_id)
    ]
    human = "\n".join(
        f"{e['at']} {e['actor']}: {e['field']} {e['old'] or '-'} -> {e['new'] or '-'} ({e['source']})" for e in events
    )
    ctx.emit({"local_id": local_id, "changes": events}, human or f"student {local_id}: no identity change journaled")


COMMANDS: list[click.Command] = [student_group]
