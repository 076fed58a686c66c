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

__all__ = ["main"]

# Each command (or group) of `main`: the module that defines it (in the module's COMMANDS), and the
# first paragraph of its help, which `ssid --help` lists without importing every module
# (tests/e2e/test_cli_startup.py keeps each equal to the command's own).
_COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "console.cli.check_commands",
        "Check any CALPADS file (SENR, SSID Extract, Replacement SSIDs, match result, SENR/SELA ODS download, "
        "SELA) line by line: every problem with line, field and rule. No database is opened. Exit 0 clean, "
        "1 problems found, 2 the file cannot be read.",
    ),
    "db": ("console.cli.db_commands", "The district database."),
    "demo-setup": (
        "console.cli.seed_commands",
        "Create and seed the demo database unless it already exists (used by `make run`).",
    ),
    "export": ("console.cli.export_commands", "Exports for the district's student information system."),
    "ods": (
        "console.cli.ods_commands",
        "The SENR ODS audit: SENR files that bring CALPADS' current year in line with the district.",
    ),
    "replacement": (
        "console.cli.replacement_commands",
        "Replacement SSIDs: retired SSIDs move to Old State ID, the replacement becomes the SSID.",
    ),
    "roster": ("console.cli.roster_commands", "The district's student roster."),
    "run": (
        "console.cli.run_commands",
        "The SSID workflow: request file, match results, decisions, updated file, SSID Extract.",
    ),
    "sandbox": (
        "console.cli.sandbox_commands",
        "SIMULATED CALPADS for demos and tests: plays the state's side of the SSID exchange offline.",
    ),
    "seed": ("console.cli.seed_commands", "Load demonstration data."),
    "sela": (
        "console.cli.ods_commands",
        "The SELA EL/IFEP import: students the state's testing vendor newly identified as EL or IFEP.",
    ),
    "serve": ("console.cli.serve_commands", "Run the console at http://HOST:PORT (production needs SSID_SECRET_KEY)."),
    "settings": ("console.cli.settings_commands", "The district's settings."),
    "student": ("console.cli.student_commands", "Students."),
    "translations": (
        "console.cli.translation_commands",
        "Code translations: the district's local codes and the CALPADS codes they stand for.",
    ),
    "user": ("console.cli.user_commands", "Console users."),
}


class _CommandsOnDemand(click.Group):
    """A group whose commands are imported from their modules when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in _COMMANDS if self.get_command(ctx, name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMANDS:
            name = _COMMANDS[cmd_name][0]
            # Before any command's module can import peewee: peewee without psycopg (store.pg_driver).
            importlib.import_module("store.pg_driver")
            try:
                module: Any = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                return None
            for command in getattr(module, "COMMANDS", ()):
                self.add_command(command)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listed as click lists them, from the summaries above: no command's module imported.
        listed = click.Group(commands=[click.Command(name, help=summary) for name, (_, summary) in _COMMANDS.items()])
        listed.format_commands(ctx, formatter)


@click.group(cls=_CommandsOnDemand, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """SSID Workbench: request, review and load CALPADS SSIDs for your district."""
    # Imported when a command runs (`ssid --help` needs no store).
    from store.private_files import keep_new_files_private

    keep_new_files_private()  # databases, written files, the sandbox's: owner-only whatever the umask
