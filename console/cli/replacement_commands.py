"""`ssid replacement load|apply|undo`: Replacement SSIDs (contract: shared/spec/cli.md)."""

from __future__ import annotations

import click

from console.cli.workflow_cli import add_batch_commands
from workflows.batches import replacement

__all__ = ["COMMANDS"]


@click.group("replacement")
def replacement_group() -> None:
    """Replacement SSIDs: retired SSIDs move to Old State ID, the replacement becomes the SSID."""


add_batch_commands(
    replacement_group,
    "Replacement SSIDs",
    "Replacement SSIDs Extract",
    lambda store, path, actor, progress: replacement.load_replacements(store, path, actor, progress=progress),
    replacement.apply_replacements,
    replacement.undo_replacements,
)

COMMANDS: list[click.Command] = [replacement_group]
