"""The floors each operation is compared with, measured in the same run on the same files.

- reading: Python's ``csv`` parse of the same file (C code, no checks at all);
- extract apply: that parse plus plain ``sqlite3`` ``executemany`` of the SSID update by local id
  on a table of as many students (indexed by local id), in one transaction.

Each function times only the floor's own work (set-up excluded) and returns it as ``timed``.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["csv_parse", "extract_apply_floor"]


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        yield from csv.reader(stream, delimiter="^", quoting=csv.QUOTE_NONE)


def csv_parse(path: str) -> dict[str, float]:
    """Parse every line of a caret file with ``csv``; nothing else."""
    started = time.perf_counter()
    lines = sum(1 for _ in _rows(Path(path)))
    return {"timed": time.perf_counter() - started, "lines": lines}


def extract_apply_floor(path: str) -> dict[str, float]:
    """Parse the SSID Extract with ``csv`` and set each student's SSID by local id with ``executemany``."""
    extract = Path(path)
    lines = sum(1 for _ in _rows(extract))
    with tempfile.TemporaryDirectory(prefix="floor_") as folder:
        connection = sqlite3.connect(Path(folder) / "floor.db")
        connection.execute("PRAGMA journal_mode=wal")
        connection.execute("CREATE TABLE student (id INTEGER PRIMARY KEY, local_id TEXT NOT NULL UNIQUE, ssid TEXT)")
        with connection:
            connection.executemany(
                "INSERT INTO student (local_id) VALUES (?)", ((row[3],) for row in _rows(extract))
            )
        started = time.perf_counter()
        with connection:
            connection.executemany(
                "UPDATE student SET ssid = ? WHERE local_id = ?", ((row[2], row[3]) for row in _rows(extract))
            )
        timed = time.perf_counter() - started
        connection.close()
    return {"timed": timed, "lines": lines}
