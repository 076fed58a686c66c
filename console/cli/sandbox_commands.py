"""`ssid sandbox ...`: a SIMULATED CALPADS for demos and tests (see :mod:`seed.sandbox`).

The files these commands write are in ordinary CALPADS formats, but they come from a simulator:
use them to demonstrate and test the workflow, never as CALPADS data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from console.cli.common import CliContext, common_options, counting_bar, existing_file
from domain.errors import DomainError
from seed.demo import generate_district
from seed.sandbox import (
    PostingRefused,
    SandboxError,
    init_population,
    match_file,
    open_sandbox,
    post_file,
    write_extract,
    write_ods_download,
    write_replacement_extract,
    write_sela_download,
)
from seed.sandbox.extracts import ExtractSummary
from seed.sandbox.models import StateStudent
from store.errors import StoreError

__all__ = ["COMMANDS", "rebuild_population", "sandbox_is_empty"]

_EXPECTED = (DomainError, SandboxError, StoreError, OSError)
_DATE = click.DateTime(formats=["%Y-%m-%d"])
_FILE = click.Path(dir_okay=False, path_type=Path)
_DIR = click.Path(file_okay=False, path_type=Path)


def _today(option: dt.datetime | None) -> dt.date:
    return option.date() if option else dt.date.today()


def _now(option: dt.datetime | None) -> dt.datetime:
    """The moment in file names: now, or noon of ``--today`` (so a replayed demo names files alike)."""
    return option.replace(hour=12) if option else dt.datetime.now().replace(microsecond=0)


_today_option = click.option(
    "--today", type=_DATE, default=None, help="The simulated CALPADS date, YYYY-MM-DD (default: today)."
)
_lea_option = click.option("--lea", default=None, help="LEA CDS code (default: the LEA that posted most recently).")
_out_option = click.option("--out", "out_dir", required=True, type=_DIR, help="Directory to write the file into.")


@click.group("sandbox")
def sandbox_group() -> None:
    """SIMULATED CALPADS for demos and tests: plays the state's side of the SSID exchange offline.

    Its state lives in its own database (--sandbox-db URL, else SSID_SANDBOX_DATABASE_URL, else
    sqlite:///instance/sandbox.db), never in the district's. Its files are ordinary CALPADS formats
    but come from a simulator.
    """


def rebuild_population(ctx: CliContext, students: int, seed: int, today: dt.date) -> tuple[int, str]:
    """(Simulator) Replace the sandbox's statewide population with one consistent with the demo
    district of ``students``, ``seed`` and ``today``; returns the SSIDs created and the LEA."""
    district = generate_district(students, seed, today)
    with ctx.refusing(*_EXPECTED), counting_bar(ctx, students, "statewide students (simulated CALPADS)") as bar:
        return init_population(ctx.sandbox_url, district, bar), district.lea


def sandbox_is_empty(ctx: CliContext) -> bool:
    """Whether the sandbox of ``--sandbox-db`` has no statewide population yet."""
    with ctx.refusing(*_EXPECTED), open_sandbox(ctx.sandbox_url):
        return StateStudent.select().count() == 0


@sandbox_group.command("populate")
@click.option("--students", type=click.IntRange(min=0), default=2000, show_default=True, help="Demo district size.")
@click.option("--seed", "seed", type=int, default=1, show_default=True, help="Same seed, same district.")
@_today_option
@common_options
def populate_command(ctx: CliContext, students: int, seed: int, today: dt.datetime | None) -> None:
    """(Simulator) Replace the sandbox's statewide population with one matching the demo district.

    `ssid seed demo` does this too; use this to rebuild the sandbox alone.
    """
    created, lea = rebuild_population(ctx, students, seed, _today(today))
    ctx.emit({"ssids": created, "lea": lea}, f"simulated CALPADS: {created} statewide SSIDs for LEA {lea}")


@sandbox_group.command("match")
@click.argument("file", type=_FILE)
@click.option("--out", "out_dir", required=True, type=_DIR, help="Directory to write the match result into.")
@common_options
def match_command(ctx: CliContext, file: Path, out_dir: Path) -> None:
    """(Simulator) SSID Matching Tool: write match results (CSV) for an SENR request FILE.

    Refused (exit 2) as CALPADS would, naming rule and line, when the file fails pre-validation
    (e.g. a Reporting LEA that is not the submitting LEA: SENR0001).
    """
    with ctx.refusing(*_EXPECTED):
        summary = match_file(ctx.sandbox_url, existing_file(file), out_dir)
    ctx.emit(
        {"file": str(summary.file), "students": summary.students, "candidates": summary.candidates},
        f"simulated match results: {summary.file} ({summary.students} students, {summary.candidates} candidates)",
    )


@sandbox_group.command("post")
@click.argument("file", type=_FILE)
@click.option("--report", "report_dir", type=_DIR, default=None, help="Directory for the error report of a refused file.")
@_today_option
@common_options
def post_command(ctx: CliContext, file: Path, report_dir: Path | None, today: dt.datetime | None) -> None:
    """(Simulator) Post an SENR FILE: all of it, or nothing when any record has an error (CALPADS'
    pre-validation, each error with rule and line, e.g. SENR0001 for another LEA's code).

    Blank SSIDs get new SSIDs; transaction types A (or blank), R and D are applied.
    """
    with ctx.refusing(*_EXPECTED):
        try:
            summary = post_file(ctx.sandbox_url, existing_file(file), today=_today(today))
        except PostingRefused as refused:
            if report_dir is not None:
                report_dir.mkdir(parents=True, exist_ok=True)
                report = report_dir / f"{file.stem}_ErrorReport.txt"
                report.write_text("\r\n".join(refused.problems) + "\r\n", encoding="utf-8")
            if ctx.as_json:
                ctx.emit({"posted": 0, "new_ssids": 0, "errors": len(refused.problems)})
            raise
    ctx.emit(
        {"posted": summary.posted, "new_ssids": summary.new_ssids, "errors": summary.errors},
        f"simulated CALPADS posted {summary.posted} records, issued {summary.new_ssids} new SSIDs",
    )


def _emit_file(ctx: CliContext, what: str, summary: ExtractSummary) -> None:
    ctx.emit({"file": str(summary.file), "records": summary.records}, f"simulated {what}: {summary.file} ({summary.records} records)")


@sandbox_group.command("extract")
@_out_option
@_lea_option
@_today_option
@common_options
def extract_command(ctx: CliContext, out_dir: Path, lea: str | None, today: dt.datetime | None) -> None:
    """(Simulator) SSID Extract: the students currently enrolled in the LEA."""
    with ctx.refusing(*_EXPECTED):
        summary = write_extract(ctx.sandbox_url, out_dir, today=_today(today), now=_now(today), lea=lea)
    _emit_file(ctx, "SSID Extract", summary)


@sandbox_group.command("replacements")
@_out_option
@_lea_option
@click.option("--since", type=_DATE, default=None, help="SSIDs retired on or after this date (default: July 1 of this academic year).")
@_today_option
@common_options
def replacements_command(
    ctx: CliContext, out_dir: Path, lea: str | None, since: dt.datetime | None, today: dt.datetime | None
) -> None:
    """(Simulator) Replacement SSIDs Extract: the LEA's students whose SSID was retired."""
    with ctx.refusing(*_EXPECTED):
        summary = write_replacement_extract(
            ctx.sandbox_url, out_dir, today=_today(today), now=_now(today), lea=lea, since=since.date() if since else None
        )
    _emit_file(ctx, "Replacement SSIDs Extract", summary)


@sandbox_group.command("ods")
@_out_option
@_lea_option
@_today_option
@common_options
def ods_command(ctx: CliContext, out_dir: Path, lea: str | None, today: dt.datetime | None) -> None:
    """(Simulator) SENR ODS download: the LEA's enrollments of the last ten years (SENR-R, 37 columns)."""
    with ctx.refusing(*_EXPECTED):
        summary = write_ods_download(ctx.sandbox_url, out_dir, today=_today(today), now=_now(today), lea=lea)
    _emit_file(ctx, "SENR ODS download", summary)


@sandbox_group.command("sela")
@_out_option
@_lea_option
@_today_option
@common_options
def sela_command(ctx: CliContext, out_dir: Path, lea: str | None, today: dt.datetime | None) -> None:
    """(Simulator) SELA ODS download: the ELAS of the LEA's current students (SELA-R), for the
    EL/IFEP import (`ssid ods audit FILE --out DIR --sela SELA_FILE`)."""
    with ctx.refusing(*_EXPECTED):
        summary = write_sela_download(ctx.sandbox_url, out_dir, today=_today(today), now=_now(today), lea=lea)
    _emit_file(ctx, "SELA ODS download", summary)


COMMANDS: list[click.Command] = [sandbox_group]
