"""`ssid seed demo` and `ssid demo-setup`: the demo district, for trying the workbench out."""

from __future__ import annotations

import datetime as dt
import sys

import click

from console.cli.common import CliContext, common_options
from console.cli.db_commands import open_district_database
from seed.demo import generate_district
from seed.demo_load import DemoCounts, load_demo
from store.schema import init_schema, schema_version
from store.students import count_students

__all__ = ["COMMANDS"]


def _load(ctx: CliContext, students: int, seed: int, today: dt.date) -> DemoCounts:
    district = generate_district(students, seed, today)
    fresh = count_students() == 0
    if not ctx.show_progress:
        return load_demo(district, fresh=fresh)
    with click.progressbar(length=students, label="demo students", file=sys.stderr) as bar:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            bar.update(count - done)
            done = count

        return load_demo(district, fresh=fresh, progress=advance)


_TODAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("seed")
def seed_group() -> None:
    """Load demonstration data."""


@seed_group.command("demo")
@click.option("--students", type=click.IntRange(min=0), default=2000, show_default=True, help="How many students.")
@click.option("--seed", "seed", type=int, default=1, show_default=True, help="Same seed, same district.")
@click.option("--today", type=_TODAY, default=None, help="Date the district is generated for (default: today).")
@common_options
def demo_command(ctx: CliContext, students: int, seed: int, today: dt.datetime | None) -> None:
    """Load the demo district (schools, settings, demo users, students) into the database."""
    open_district_database(ctx)
    counts = _load(ctx, students, seed, today.date() if today else dt.date.today())
    ctx.emit({"students": counts.students, "schools": counts.schools}, f"{counts.students} students, {counts.schools} schools")


@click.command("demo-setup")
@click.option("--students", type=click.IntRange(min=0), default=2000, show_default=True, help="How many students.")
@common_options
def demo_setup_command(ctx: CliContext, students: int) -> None:
    """Create and seed the demo database unless it already exists (used by `make run`)."""
    database = open_district_database(ctx, require_schema=False)
    created = schema_version(database) == 0  # no tables yet: a new database
    init_schema(database)
    loaded = _load(ctx, students, 1, dt.date.today()).students if created else count_students()
    ctx.emit({"created": created, "students": loaded}, f"demo database {'created' if created else 'ready'}: {loaded} students")


COMMANDS: list[click.Command] = [seed_group, demo_setup_command]
