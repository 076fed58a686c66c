"""The `ssid` command line (contract: shared/spec/cli.md). Each command group lives in its own module."""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]

# Modules that each add one group or command to `main`; listed here so `ssid --help` shows them all.
_COMMAND_MODULES = (
    "console.cli.db_commands",
    "console.cli.seed_commands",
    "console.cli.roster_commands",
    "console.cli.settings_commands",
    "console.cli.user_commands",
    "console.cli.student_commands",
    "console.cli.run_commands",
    "console.cli.replacement_commands",
    "console.cli.ods_commands",
    "console.cli.serve_commands",
    "console.cli.sandbox_commands",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """SSID Workbench: request, review and load CALPADS SSIDs for your district."""


for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise
        continue
    for _command in getattr(_module, "COMMANDS", ()):
        main.add_command(_command)
