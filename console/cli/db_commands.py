"""`ssid db init`, and opening the district database for every command that needs it."""

from __future__ import annotations

import peewee
import click

from console.cli.common import CliContext, Refusal, common_options
from store.database import open_database
from store.errors import StoreError
from store.schema import SCHEMA_VERSION, init_schema, schema_version

__all__ = ["COMMANDS", "open_district_database"]


def open_district_database(ctx: CliContext, *, require_schema: bool = True) -> peewee.Database:
    """Open (and bind) the database of ``--db``; refuse when its schema is missing or outdated."""
    try:
        database = open_database(ctx.db_url)
    except StoreError as exc:
        raise Refusal(str(exc)) from exc
    click.get_current_context().call_on_close(database.close)
    if require_schema:
        found = schema_version(database)
        if found == 0:
            raise Refusal("the database has no tables yet: run `ssid db init` first")
        if found < SCHEMA_VERSION:
            raise Refusal(f"the database schema is version {found}, this program needs {SCHEMA_VERSION}: run `ssid db init`")
        if found > SCHEMA_VERSION:
            raise Refusal(f"the database schema is version {found}, newer than this program ({SCHEMA_VERSION}): upgrade the program")
    return database


@click.group("db")
def db_group() -> None:
    """The district database."""


@db_group.command("init")
@common_options
def init_command(ctx: CliContext) -> None:
    """Create the schema, or upgrade it to this program's version (safe to run again)."""
    database = open_district_database(ctx, require_schema=False)
    version = init_schema(database)
    ctx.emit({"schema_version": version}, f"schema version {version}")


COMMANDS: list[click.Command] = [db_group]
