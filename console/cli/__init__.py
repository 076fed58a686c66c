"""The `ssid` command line (contract: shared/spec/cli.md). Each command group lives in its own module.

A command's module is imported only when the command runs (or when ``--help`` lists them all):
every CLI call pays only for what it uses, which matters when a benchmark or a script runs many.

The installed ``ssid`` script enters through :mod:`console.launcher`, which first checks that the
``console`` extra is installed (this module needs click) and otherwise says which extra to install.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from store.private_files import keep_new_files_private

__all__ = ["main"]

# Each command (or group) of `main` and the module that defines it (in the module's COMMANDS).
_COMMAND_MODULES: dict[str, str] = {
    "db": "console.cli.db_commands",
    "seed": "console.cli.seed_commands",
    "demo-setup": "console.cli.seed_commands",
    "roster": "console.cli.roster_commands",
    "settings": "console.cli.settings_commands",
    "user": "console.cli.user_commands",
    "student": "console.cli.student_commands",
    "run": "console.cli.run_commands",
    "replacement": "console.cli.replacement_commands",
    "ods": "console.cli.ods_commands",
    "sela": "console.cli.ods_commands",
    "serve": "console.cli.serve_commands",
    "sandbox": "console.cli.sandbox_commands",
    "check": "console.cli.check_commands",
    "export": "console.cli.export_commands",
    "translations": "console.cli.translation_commands",
}


class _CommandsOnDemand(click.Group):
    """A group whose commands are imported from their modules when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMAND_MODULES if self.get_command(ctx, name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMAND_MODULES:
            name = _COMMAND_MODULES[cmd_name]
            try:
                module: Any = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                return None
            for command in getattr(module, "COMMANDS", ()):
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=_CommandsOnDemand, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """SSID Workbench: request, review and load CALPADS SSIDs for your district."""
    keep_new_files_private()  # databases, written files, the sandbox's: owner-only whatever the umask
