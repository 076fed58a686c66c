"""What the workflow commands (`ssid run`, `replacement`, `ods`) share: the store, the acting
user, refusals as exit 2, and progress bars on long loads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import click

from console.cli.common import CliContext, common_options, existing_file
from console.cli.db_commands import open_district_database
from console.jobs import tracked
from domain.runs import Batch
from store.workflow_store import DatabaseWorkflowStore
from workflows.batches.shared import LoadedPreview
from workflows.errors import StepRefused
from workflows.files import Progress, count_lines
from workflows.run.stepping import Actor

__all__ = [
    "workflow_store",
    "actor_of",
    "refused",
    "progress_for",
    "existing_file",
    "out_dir_option",
    "note",
    "emit_listed",
    "add_batch_commands",
    "LISTED_LIMIT",
]

LISTED_LIMIT = 50
"""How many lines a load lists on stderr before saying how many more there are."""

_NOTHING_TO_DO = frozenset({"already_applied", "unchanged"})


def workflow_store(ctx: CliContext) -> DatabaseWorkflowStore:
    """The workflow's store on the database of ``--db`` (refused when the schema is missing)."""
    return DatabaseWorkflowStore(open_district_database(ctx))


def actor_of(ctx: CliContext) -> Actor:
    """The acting user of ``--as``, stamped with the current UTC time."""
    return Actor(ctx.actor)


@contextmanager
def refused(ctx: CliContext) -> Iterator[None]:
    """A refused workflow step becomes a one-line reason on stderr and exit 2."""
    with ctx.refusing(StepRefused):
        yield


@contextmanager
def progress_for(ctx: CliContext, path: Path, label: str) -> Iterator[Progress | None]:
    """A progress bar on stderr over the lines of ``path`` when stderr is a terminal; else nothing."""
    if not ctx.show_progress or not path.is_file():
        yield None
        return
    with click.progressbar(length=count_lines(path), label=label, file=sys.stderr) as bar:
        yield bar.update


out_dir_option = click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the file is written to (created if missing).",
)


def note(text: str) -> None:
    """A line for the person on stderr (stdout stays the command's result)."""
    click.echo(f"ssid: {text}", err=True)


def emit_listed(ctx: CliContext, store: DatabaseWorkflowStore, batch_id: int) -> None:
    """List on stderr the lines of a loaded batch that will not be applied (local ids, never SSIDs)."""
    listed = [i for i in store.preview(batch_id, applied=False) if i.kind not in _NOTHING_TO_DO]
    for item in listed[:LISTED_LIMIT]:
        why = f" ({item.detail})" if item.detail else ""
        note(f"line {item.line}, student {item.local_id}: {item.kind.replace('_', ' ')}{why}: not applied")
    if len(listed) > LISTED_LIMIT:
        note(f"... and {len(listed) - LISTED_LIMIT} more lines not applied")


class _Applied(Protocol):
    @property
    def batch(self) -> Batch: ...
    @property
    def updated(self) -> int: ...


def add_batch_commands(
    group: click.Group,
    what: str,
    file_kind: str,
    load: Callable[[DatabaseWorkflowStore, Path, Actor, Progress | None], LoadedPreview],
    apply: Callable[[DatabaseWorkflowStore, int, Actor], _Applied],
    undo: Callable[[DatabaseWorkflowStore, int, Actor], int],
) -> None:
    """Add ``load FILE``, ``apply BATCH`` and ``undo BATCH`` for a batch of no run (``what`` names
    the batch, ``file_kind`` the file it loads).

    JSON: ``{"batch", "changes", "unmatched"}``, ``{"batch", "updated"}``, ``{"batch", "restored"}``.
    Loads and applies are listed in the Jobs table (``load_…``/``apply_…``).
    """
    kind = what.lower().replace(" ", "_")

    @group.command("load", help=f"Load a {file_kind} and preview every change (nothing is written to students).")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @common_options
    def load_command(ctx: CliContext, file: Path) -> None:
        store = workflow_store(ctx)
        existing_file(file)
        with refused(ctx), tracked(f"load_{kind}", ctx.actor, file.name), progress_for(ctx, file, f"reading {file_kind}") as progress:
            preview = load(store, file, actor_of(ctx), progress)
        emit_listed(ctx, store, preview.batch.id)
        ctx.emit(
            {"batch": preview.batch.id, "changes": preview.changes, "unmatched": preview.unmatched},
            f"{what} batch {preview.batch.id}: {preview.changes} students to change, {preview.unmatched} lines not applied",
        )

    @group.command("apply", help=f"Apply a previewed {what} batch (one transaction; can be undone).")
    @click.argument("batch_id", type=int, metavar="BATCH")
    @common_options
    def apply_command(ctx: CliContext, batch_id: int) -> None:
        store = workflow_store(ctx)
        with refused(ctx), tracked(f"apply_{kind}", ctx.actor, f"batch {batch_id}"):
            applied = apply(store, batch_id, actor_of(ctx))
        ctx.emit(
            {"batch": applied.batch.id, "updated": applied.updated},
            f"{what} batch {applied.batch.id} applied: {applied.updated} students updated",
        )

    @group.command("undo", help=f"Undo an applied {what} batch: every changed field restored.")
    @click.argument("batch_id", type=int, metavar="BATCH")
    @common_options
    def undo_command(ctx: CliContext, batch_id: int) -> None:
        store = workflow_store(ctx)
        with refused(ctx):
            restored = undo(store, batch_id, actor_of(ctx))
        ctx.emit({"batch": batch_id, "restored": restored}, f"{what} batch {batch_id} undone: {restored} fields restored")
