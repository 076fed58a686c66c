"""A large roster is read in a second process while the import writes (store.roster_apart). What
lands in the database, and what a bad file is refused with, are the same as when the import reads
the file itself, block by block; without a working second process the import reads the rest of
the file itself."""

from __future__ import annotations

import logging
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import peewee
import pytest

from domain.errors import FileProblem
from store import roster_apart
from store.bulk import tuples
from store.roster_import import RosterCounts, import_roster
from store.schema import ALL_TABLES
from store.tables import IdentityChangeRow, StudentDataVersionRow
from tests.integration.test_roster_import import _roster, _student

# Records are read 4,096 at a time: 9,000 students make three blocks.
STUDENTS = 9_000


def _contents() -> dict[str, list[str]]:
    """Every row of every table, comparable between two imports (journal times left out)."""
    contents = {}
    for table in ALL_TABLES:
        if table is StudentDataVersionRow:
            continue
        query = table.select(*[f for f in table._meta.sorted_fields if f is not IdentityChangeRow.at])
        contents[table._meta.table_name] = sorted(repr(row) for row in tuples(query))
    return contents


def _rows(bad_at: int | None = None) -> list[dict[str, str]]:
    rows = [_student(n, ssid=f"{2000000000 + n}" if n % 3 == 0 else "") for n in range(1, STUDENTS + 1)]
    # A student's later record, two blocks on: its enrollment is added to the student written before.
    rows.append(_student(1, school="1936145", enroll_start="2025-06-01", grade="04"))
    if bad_at is not None:
        rows[bad_at - 2] = {**rows[bad_at - 2], "birth_date": "2015-02-30"}
    return rows


def _imported(database: peewee.Database, path: Path, *, apart: bool) -> tuple[RosterCounts, dict[str, list[str]]]:
    counts = import_roster(path, apart=apart)
    contents = _contents()
    # Emptied for the next import, ids counted from 1 again (the data version moves on: not compared).
    tables = [table for table in ALL_TABLES if table is not StudentDataVersionRow]
    if isinstance(database, peewee.PostgresqlDatabase):
        names = ", ".join(f'"{table._meta.table_name}"' for table in tables)
        database.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")  # type: ignore[no-untyped-call]
    else:
        for table in reversed(tables):
            table.delete().execute()
    return counts, contents


def test_a_roster_read_apart_lands_exactly_as_one_read_here(database: peewee.Database, tmp_path: Path) -> None:
    path = _roster(tmp_path / "roster.csv", _rows())
    here = _imported(database, path, apart=False)
    apart = _imported(database, path, apart=True)
    assert apart[0] == here[0] == RosterCounts(STUDENTS, STUDENTS + 1)
    assert apart[1] == here[1]
    # ELAS and SWD of every student journaled, and the SSID of every third.
    assert len(here[1]["enrollment"]) == STUDENTS + 1 and len(here[1]["identity_change"]) == 2 * STUDENTS + STUDENTS // 3


@pytest.mark.parametrize("line", [3, 6_000, STUDENTS + 2])
def test_a_bad_line_in_any_block_is_refused_in_the_same_words_and_loads_nothing(
    database: peewee.Database, tmp_path: Path, line: int
) -> None:
    path = _roster(tmp_path / "roster.csv", _rows(bad_at=line))
    messages = []
    for apart in (False, True):
        before = _contents()
        with pytest.raises(FileProblem) as refused:
            import_roster(path, apart=apart)
        assert _contents() == before
        assert (refused.value.line, refused.value.field_name) == (line, "birth_date")
        messages.append(str(refused.value))
    assert messages == [f"roster.csv, line {line}, field 9 (birth_date): is not a real calendar date"] * 2


# What the second process is started as, instead of the reader: nothing at all; a process that
# ends at once; one that hands over the first block only, then ends.
_FIRST_BLOCK_ONLY = (
    "import pickle, sys; from pathlib import Path; from store.roster_import import roster_blocks; "
    "pickle.dump(('block', next(roster_blocks(Path(sys.argv[1])))), sys.stdout.buffer)"
)


@pytest.mark.parametrize(
    "command",
    [(str(Path(sys.executable).with_name("no-such-python")),), (sys.executable, "-c", "pass"), (sys.executable, "-c", _FIRST_BLOCK_ONLY)],
    ids=["cannot start", "ends at once", "ends after one block"],
)
def test_without_a_working_second_process_the_import_reads_the_rest_itself(
    database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    command: tuple[str, ...],
) -> None:
    path = _roster(tmp_path / "roster.csv", _rows())
    here = _imported(database, path, apart=False)
    monkeypatch.setattr(roster_apart, "_COMMAND", command)
    with caplog.at_level(logging.WARNING, logger="store.roster_apart"):
        assert _imported(database, path, apart=True) == here
    assert [record.getMessage() for record in caplog.records] == [
        "the roster is read in the import's own process: "
        + ("no second process could be started" if command[0].endswith("no-such-python") else "the second process ended early")
    ]


def test_a_roster_is_read_apart_from_four_megabytes_on(database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Path] = []
    real = roster_apart.read_apart

    def watched(path: Path) -> Generator[Any, None, None]:
        started.append(path)
        return real(path)

    monkeypatch.setattr("store.roster_import.read_apart", watched)
    small = _roster(tmp_path / "small.csv", _rows()[:10])
    import_roster(small)
    assert started == []
    assert roster_apart.APART_BYTES == 4 * 1024 * 1024
    monkeypatch.setattr("store.roster_import.APART_BYTES", small.stat().st_size - 1)
    import_roster(small)
    assert started == [small]


def test_the_second_process_run_by_hand_without_a_roster_says_how_it_is_used() -> None:
    import subprocess

    done = subprocess.run([sys.executable, "-m", "store.roster_apart"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", "usage: python -m store.roster_apart ROSTER.csv (the roster import starts it)\n"
    )
