"""`ssid user add NAME --role admin|auditor`: console users (password read from stdin)."""

from __future__ import annotations

import sys

import click

from console.cli.common import CliContext, Refusal, common_options
from console.cli.db_commands import open_district_database
from store.errors import StoreError
from store.users import ROLES, add_user, deactivate_user, set_password

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
    password = _password_from_stdin()
    with ctx.refusing(StoreError):
        account = add_user(name, password, role)
    ctx.emit({"user": account.name, "role": account.role}, f"user {account.name} ({account.role}) created")


@user_group.command("password")
@click.argument("name")
@common_options
def password_command(ctx: CliContext, name: str) -> None:
    """Give a user a new password (the first line of stdin); the user's sessions end."""
    open_district_database(ctx)
    password = _password_from_stdin()
    with ctx.refusing(StoreError):
        set_password(name, password)
    ctx.emit({"user": name, "password": "changed"}, f"user {name}: password changed, sessions ended")


@user_group.command("deactivate")
@click.argument("name")
@common_options
def deactivate_command(ctx: CliContext, name: str) -> None:
    """Stop a user from signing in; the user's sessions end."""
    open_district_database(ctx)
    with ctx.refusing(StoreError):
        deactivate_user(name)
    ctx.emit({"user": name, "active": False}, f"user {name} deactivated, sessions ended")


def _password_from_stdin() -> str:
    if sys.stdin.isatty():
        click.echo("password: ", nl=False, err=True)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise Refusal("no password on stdin")
    return password


COMMANDS: list[click.Command] = [user_group]
