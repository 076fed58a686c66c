"""Exports for the district's SIS: what an apply changed, written to files, journaled.

The command line (``ssid export changes``) and the console's Download button beside an applied
batch both come here. Two files:

- **the changes CSV** (:data:`CHANGES_COLUMNS`), one row per student and field changed; UTF-8,
  comma-separated, CR LF, a header row. A cell a spreadsheet would take for a formula (starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``.
- **the applied SSID Extract** (an SSID Extract batch only): the lines of the loaded extract whose
  apply changed a student, in CALPADS' own layout and version (written by :mod:`domain.writers`,
  read back by :func:`domain.readers.open_ssid_extract`), for a SIS that imports the SSID Extract.
  CALPADS-layout files are never altered: no prefix, no quoting.

Files are created owner-only (0600). Every export is journaled (who, when, which batch or since
which day, the files and their SHA-256) and listed on the History page.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from console.owner_only import owner_only_binary, owner_only_text
from domain.runs import BatchKind, BatchState
from domain.writers import write_ssid_extract
from store.database import database_proxy
from store.exports import (
    ChangeLine,
    ExportedBatch,
    applied_extract_rows,
    batch_changes,
    changes_since,
    exported_batch,
    journal_export,
)

__all__ = ["CHANGES_COLUMNS", "WrittenExport", "export_batch", "export_since", "neutralised", "write_changes_csv"]

CHANGES_COLUMNS = (
    "local_id", "legal_last", "legal_first", "field", "old_value", "new_value", "action", "batch", "batch_kind", "run",
    "at", "by",
)
"""The columns of the changes CSV, documented in docs/exports.md."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """``cell`` as a spreadsheet shows it and never runs it: a leading ``'`` before a formula start."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


def _row(line: ChangeLine) -> list[str]:
    cells = [
        line.local_id, line.legal_last, line.legal_first, line.field, line.old or "", line.new or "", line.action,
        "" if line.batch is None else str(line.batch), line.batch_kind, "" if line.run is None else str(line.run),
        line.at.astimezone(dt.UTC).isoformat(timespec="seconds"), line.by,
    ]
    return [neutralised(cell) for cell in cells]


def write_changes_csv(lines: Iterable[ChangeLine], stream: TextIO) -> int:
    """Write the changes CSV (header, then one row per change); returns how many changes."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CHANGES_COLUMNS)
    count = 0
    for count, line in enumerate(lines, start=1):
        writer.writerow(_row(line))
    return count


@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenExport:
    """An export written and journaled: its files, the changes listed, the extract lines written."""

    export_id: int
    files: tuple[Path, ...]
    changes: int
    extract_lines: int
    note: str | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _journaled(
    files: Sequence[Path], *, actor: str, now: dt.datetime, batch_id: int | None, since: dt.date | None, changes: int,
    extract_lines: int, note: str | None,
) -> WrittenExport:
    export_id = journal_export(
        actor=actor, at=now, batch_id=batch_id, since=since, files=[(p.name, _sha256(p)) for p in files],
        changes=changes, extract_lines=extract_lines,
    )
    return WrittenExport(export_id=export_id, files=tuple(files), changes=changes, extract_lines=extract_lines, note=note)


def _applied_extract(batch: ExportedBatch, folder: Path) -> tuple[Path | None, int, str | None]:
    if batch.kind is not BatchKind.EXTRACT:
        return None, 0, None
    if batch.state is BatchState.UNDONE:
        return None, 0, f"batch {batch.id} was undone: no SSID Extract lines to take (the CSV lists the undo)"
    version, count, rows = applied_extract_rows(batch.id)
    if count == 0:
        return None, 0, f"batch {batch.id} kept no applied lines (nothing changed, or previewed before lines were kept)"
    path = folder / f"ssid_extract_applied_batch_{batch.id}.txt"
    with owner_only_binary(path) as stream:
        written = write_ssid_extract(rows, stream, version)
    return path, written, None


def export_batch(batch_id: int, folder: Path, *, actor: str, now: dt.datetime) -> WrittenExport:
    """Write what batch ``batch_id`` changed into ``folder`` and journal it (one transaction for
    the reads and the journal row). Raises :class:`store.exports.ExportRefused` or
    :class:`store.errors.NotFound` when there is nothing to export."""
    with database_proxy.atomic():
        batch = exported_batch(batch_id)
        folder.mkdir(parents=True, exist_ok=True)
        changes_path = folder / f"ssid_changes_batch_{batch.id}.csv"
        with owner_only_text(changes_path) as stream:
            changes = write_changes_csv(batch_changes(batch), stream)
        extract, lines, note = _applied_extract(batch, folder)
        files = [changes_path, *([extract] if extract else [])]
        return _journaled(files, actor=actor, now=now, batch_id=batch.id, since=None, changes=changes, extract_lines=lines, note=note)


def export_since(since: dt.date, start: dt.datetime, folder: Path, *, actor: str, now: dt.datetime) -> WrittenExport:
    """Write every change from ``start`` (the beginning of day ``since`` where the district is) on
    into ``folder`` as one changes CSV, and journal it."""
    folder.mkdir(parents=True, exist_ok=True)
    with database_proxy.atomic():
        path = folder / f"ssid_changes_since_{since.isoformat()}.csv"
        with owner_only_text(path) as stream:
            changes = write_changes_csv(changes_since(start), stream)
        return _journaled([path], actor=actor, now=now, batch_id=None, since=since, changes=changes, extract_lines=0, note=None)
