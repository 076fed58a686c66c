"""What the workflow commands (`ssid run`, `replacement`, `ods`) share: the store, the acting
user, refusals as exit 2, and progress bars on long loads.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from console.cli.common import CliContext, Refusal
from console.cli.db_commands import open_district_database
from store.workflow_store import DatabaseWorkflowStore
from workflows.errors import StepRefused
from workflows.files import Progress, count_lines
from workflows.stepping import Actor

__all__ = ["workflow_store", "actor_of", "refused", "progress_for", "existing_file", "out_dir_option"]


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


def existing_file(path: Path) -> Path:
    """``path`` if it is a readable file; else a refusal naming it."""
    if not path.is_file():
        raise Refusal(f"{path}: no such file")
    return path


out_dir_option = click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder the file is written to (created if missing).",
)
