"""`ssid check FILE`: any CALPADS file checked without a database (contract: shared/spec/cli.md).

Exit 0 when the file is clean (warnings alone leave it clean), 1 when it has errors, 2 when it
cannot be read as a CALPADS file at all. The command never opens a database: ``--db`` is accepted
like on every command and ignored, so a district can check the files its SIS wrote on any machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from console.cli.common import CliContext, Refusal, common_options
from console.owner_only import owner_only_text
from domain.checking import CheckOptions, CheckOutcome, Finding, check_file
from domain.values import AcademicYear, CdsCode, parse_cds_code

__all__ = ["COMMANDS", "FINDING_COLUMNS", "finding_row"]

FINDING_COLUMNS = ("line", "field", "field_name", "rule", "severity", "message")
"""The columns of the findings CSV (``--csv PATH``), one row per finding."""

_SHOWN = 1000


def finding_row(finding: Finding) -> list[str]:
    """A finding as the row of the findings CSV (:data:`FINDING_COLUMNS`)."""
    return [
        str(finding.line), "" if finding.field_number is None else str(finding.field_number), finding.field_name,
        finding.rule, finding.severity.value, finding.message,
    ]


def _as_json(finding: Finding) -> dict[str, Any]:
    return dict(zip(FINDING_COLUMNS, [finding.line, finding.field_number, *finding_row(finding)[2:]]))


@contextmanager
def _findings_csv(path: Path | None) -> Iterator[Any]:
    if path is None:
        yield None
        return
    with owner_only_text(path) as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(FINDING_COLUMNS)
        yield writer


def _lea(text: str | None) -> CdsCode | None:
    if text is None:
        return None
    try:
        return parse_cds_code(text, "--lea")
    except ValueError as error:
        raise Refusal(str(error)) from None


def _year(text: str | None) -> AcademicYear | None:
    if text is None:
        return None
    try:
        return AcademicYear.parse(text)
    except ValueError as error:
        raise Refusal(f"--year: {error}") from None


def _table_line(finding: Finding, out: TextIO) -> None:
    field = "" if finding.field_number is None else f"{finding.field_number} {finding.field_name}"
    kind = "" if finding.severity.value == "error" else " (warning)"
    click.echo(f"{finding.line:>8}  {field[:44]:<44}  {finding.rule:<9}  {finding.message}{kind}", file=out)


@click.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--lea", "lea_text", default=None, help="The district's 7-digit LEA code (else line 1's Reporting LEA).")
@click.option("--year", "year_text", default=None, help="The current academic year CCYY-CCYY (else the one containing today).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Check as of this day (YYYY-MM-DD).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="Also write every finding to this CSV.")
@click.option("--limit", type=int, default=_SHOWN, show_default=True, help="Findings printed at most (0: all); the CSV has all.")
@common_options
def check_command(
    ctx: CliContext, file: Path, lea_text: str | None, year_text: str | None, today: dt.datetime | None,
    csv_path: Path | None, limit: int,
) -> None:
    """Check any CALPADS file (SENR, SSID Extract, Replacement SSIDs, match result, SENR/SELA ODS
    download, SELA) line by line: every problem with line, field and rule. No database is opened.
    Exit 0 clean, 1 problems found, 2 the file cannot be read."""
    if not file.is_file():
        raise Refusal(f"{file}: no such file")
    options = CheckOptions(today=(today.date() if today else dt.date.today()), lea=_lea(lea_text), year=_year(year_text))
    check = check_file(file, options)
    shown: list[Finding] = []
    out = sys.stdout
    if not ctx.as_json:
        click.echo(f"{check.name}: {check.kind}" + (f", {check.layout.title}" if check.layout else ""))
    with _findings_csv(csv_path) as writer:
        for finding in check:
            if writer is not None:
                writer.writerow(finding_row(finding))
            if limit and len(shown) >= limit:
                continue
            shown.append(finding)
            if not ctx.as_json:
                if len(shown) == 1:
                    click.echo(f"{'line':>8}  {'field':<44}  {'rule':<9}  message")
                _table_line(finding, out)
    total = check.errors + check.warnings
    if ctx.as_json:
        ctx.emit({
            "file": check.name, "kind": check.kind, "layout": check.layout.title if check.layout else None,
            "lines": check.lines, "errors": check.errors, "warnings": check.warnings,
            "outcome": check.outcome.name.lower(), "problems": [_as_json(f) for f in shown],
            "csv": str(csv_path) if csv_path else None,
        })
    else:
        more = f" ({total - len(shown)} more not shown{'; see ' + str(csv_path) if csv_path else ''})" if total > len(shown) else ""
        click.echo(f"{check.lines} lines: {check.errors} errors, {check.warnings} warnings{more}")
        for warning in check.read_warnings:
            click.echo(f"note: {warning}")
    if check.outcome is CheckOutcome.UNREADABLE:
        first = shown[0] if shown else None
        click.echo(f"ssid: {check.name}, line {first.line if first else 1}: {first.message if first else 'cannot be read'}", err=True)
    sys.exit(check.outcome.value)


COMMANDS: list[click.Command] = [check_command]
