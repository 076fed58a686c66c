"""`ssid seed demo` and `ssid demo-setup`: the demo district, for trying the workbench out."""

from __future__ import annotations

import datetime as dt

import click

from console.cli.common import CliContext, common_options, counting_bar
from console.cli.db_commands import open_district_database
from console.cli.sandbox_commands import rebuild_population, sandbox_is_empty
from seed.demo import generate_district
from seed.demo.load import DemoCounts, load_demo
from store.schema import init_schema, schema_version
from store.students import count_students

__all__ = ["COMMANDS"]


def _load(ctx: CliContext, students: int, seed: int, today: dt.date, *, sandbox: bool = True) -> DemoCounts:
    """Load the demo district, then (re)build the simulated CALPADS population consistent with it."""
    district = generate_district(students, seed, today)
    fresh = count_students() == 0
    with counting_bar(ctx, students, "demo students") as bar:
        counts = load_demo(district, fresh=fresh, progress=bar)
    if sandbox:
        rebuild_population(ctx, students, seed, today)
    return counts


_TODAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("seed")
def seed_group() -> None:
    """Load demonstration data."""


@seed_group.command("demo")
@click.option("--students", type=click.IntRange(min=0), default=2000, show_default=True, help="How many students.")
@click.option("--seed", "seed", type=int, default=1, show_default=True, help="Same seed, same district.")
@click.option("--today", type=_TODAY, default=None, help="Date the district is generated for (default: today).")
@click.option("--no-sandbox", is_flag=True, help="Leave the simulated CALPADS (--sandbox-db) as it is.")
@common_options
def demo_command(ctx: CliContext, students: int, seed: int, today: dt.datetime | None, no_sandbox: bool) -> None:
    """Load the demo district (schools, settings, demo users, students) into the database.

    The CALPADS sandbox (--sandbox-db) gets a statewide population consistent with it
    (unless --no-sandbox).
    """
    open_district_database(ctx)
    counts = _load(ctx, students, seed, today.date() if today else dt.date.today(), sandbox=not no_sandbox)
    ctx.emit({"students": counts.students, "schools": counts.schools}, f"{counts.students} students, {counts.schools} schools")


@click.command("demo-setup")
@click.option("--students", type=click.IntRange(min=0), default=2000, show_default=True, help="How many students.")
@common_options
def demo_setup_command(ctx: CliContext, students: int) -> None:
    """Create and seed the demo database unless it already exists (used by `make run`).

    The CALPADS sandbox (--sandbox-db) is populated with it, or whenever it is still empty.
    """
    database = open_district_database(ctx, require_schema=False)
    created = schema_version(database) == 0  # no tables yet: a new database
    init_schema(database)
    if created:
        loaded = _load(ctx, students, 1, dt.date.today()).students
    else:
        loaded = count_students()
        if sandbox_is_empty(ctx):
            rebuild_population(ctx, loaded, 1, dt.date.today())
    ctx.emit({"created": created, "students": loaded}, f"demo database {'created' if created else 'ready'}: {loaded} students")


COMMANDS: list[click.Command] = [seed_group, demo_setup_command]
