"""`ssid user add NAME --role admin|auditor`: console users (password read from stdin)."""

from __future__ import annotations

import sys

import click

from console.cli.common import CliContext, Refusal, common_options
from console.cli.db_commands import open_district_database
from store.errors import StoreError
from store.users import ROLES, add_user

__all__ = ["COMMANDS"]


@click.group("user")
def user_group() -> None:
    """Console users."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin (everything) or auditor (read-only).")
@common_options
def add_command(ctx: CliContext, name: str, role: str) -> None:
    """Create a console user; the password is the first line of stdin."""
    open_district_database(ctx)
    if sys.stdin.isatty():
        click.echo("password: ", nl=False, err=True)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise Refusal("no password on stdin")
    with ctx.refusing(StoreError):
        account = add_user(name, password, role)
    ctx.emit({"user": account.name, "role": account.role}, f"user {account.name} ({account.role}) created")


COMMANDS: list[click.Command] = [user_group]
