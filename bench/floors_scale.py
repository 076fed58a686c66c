"""The floors of the district-scale import rows (bench/ops_scale.py), measured in the same run on
the same files: Python's ``csv`` parse of every line of the input files and a plain bulk insert of
each line as one row of text columns into an empty table, in one transaction — ``executemany`` on
SQLite, ``COPY`` on PostgreSQL (what the project's own bulk writer uses there). No check, no
conversion, no index: the least any import of these files must do.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["parse_and_insert"]


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as stream:
        yield from csv.reader(stream)


def _width(path: Path) -> int:
    return len(next(_rows(path)))


def _sqlite(paths: list[Path]) -> int:
    lines = 0
    with tempfile.TemporaryDirectory(prefix="floor_") as folder:
        connection = sqlite3.connect(Path(folder) / "floor.db")
        connection.execute("PRAGMA journal_mode=wal")
        with connection:
            for n, path in enumerate(paths):
                width = _width(path)
                connection.execute(f"CREATE TABLE t{n} ({', '.join(f'c{i} TEXT' for i in range(width))})")
                cursor = connection.executemany(f"INSERT INTO t{n} VALUES ({', '.join('?' * width)})", _rows(path))
                lines += cursor.rowcount
        connection.close()
    return lines


def _postgres(url: str, paths: list[Path]) -> int:
    import psycopg

    lines = 0
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for n, path in enumerate(paths):
            width = _width(path)
            cursor.execute(f"CREATE TEMPORARY TABLE t{n} ({', '.join(f'c{i} TEXT' for i in range(width))})")
            with cursor.copy(f"COPY t{n} FROM STDIN") as copy:
                for row in _rows(path):
                    copy.write_row(row)
                    lines += 1
        connection.commit()
    return lines


def parse_and_insert(url: str, *files: str) -> dict[str, float]:
    """Parse ``files`` (CSV) and insert every line into a table of its own: into a new SQLite file
    when ``url`` is empty, else into temporary tables of the PostgreSQL database at ``url``."""
    paths = [Path(f) for f in files]
    started = time.perf_counter()
    lines = _postgres(url, paths) if url else _sqlite(paths)
    return {"timed": time.perf_counter() - started, "lines": lines}
