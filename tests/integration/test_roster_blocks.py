"""The roster read in blocks, each column checked in bulk, refuses a file exactly as the record by
record reading does: the same file, line, field and message, whatever block the problem is in."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from domain.errors import FileProblem
from store.roster_blocks import read_roster_blocks
from store.roster_csv import ROSTER_COLUMNS, read_roster
from tests.integration.test_roster_import import BASE


def _student(n: int, **changes: str) -> dict[str, str]:
    return {**BASE, "local_id": str(100000 + n), "legal_first": f"Student{n}", **changes}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _refusal(read: object) -> tuple[str, int | None, str | None]:
    with pytest.raises(FileProblem) as refused:
        for _ in read:  # type: ignore[attr-defined]
            pass
    return str(refused.value), refused.value.line, refused.value.field_name


@pytest.mark.parametrize(
    "changes",
    [
        {"local_id": ""}, {"local_id": "1234567890123456"}, {"local_id": "12^4"}, {"ssid": "12345"},
        {"school": "60197"}, {"enroll_start": "08/13/2025"}, {"enroll_exit": "2025-01-01"}, {"swd": "maybe"},
        {"swd": " y "}, {"active": ""}, {"legal_first": "X" * 31}, {"elas": "", "elas_date": "2019-08-14"},
        {"birth_date": "2015-02-30"}, {"gender": "F\x1b"}, {"grade": "\x1b05"}, {"exit_reason": "T1600"},
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 4096])
def test_a_bad_value_is_refused_as_the_record_reading_refuses_it(tmp_path: Path, changes: dict[str, str], size: int) -> None:
    # The bad value on a student's first row (line 5) and on a later row of another (line 7).
    rows = [_student(1), _student(2), _student(2, enroll_start="2025-06-01"), _student(3, **changes),
            _student(4), _student(4, **{"enroll_start": "2025-06-01", **changes})]  # fmt: skip
    for path in (_write(tmp_path / "roster.csv", rows), _write(tmp_path / "later.csv", rows[:3] + rows[4:])):
        assert _refusal(read_roster_blocks(path, size)) == _refusal(read_roster(path))


@pytest.mark.parametrize("size", [1, 2, 4096])
@pytest.mark.parametrize(
    ("later", "refused"),
    [
        # the differing row right after its student's row, or after another student's
        ([_student(2), _student(1, enroll_start="2025-06-01"), _student(2, birth_date="2015-03-15")], (5, 3)),
        ([_student(2), _student(2, gender="M"), _student(1, legal_last="Lopez")], (4, 3)),
        ([_student(2), _student(1, legal_last="Lopez"), _student(3), _student(3, gender="M")], (4, 2)),
        ([_student(2), _student(3), _student(3, alias_first="Mari"), _student(1, birth_city="Pasadena")], (5, 4)),
    ],
)
def test_later_rows_that_differ_are_refused_as_the_record_reading_refuses_them(
    tmp_path: Path, size: int, later: list[dict[str, str]], refused: tuple[int, int]
) -> None:
    path = _write(tmp_path / "roster.csv", [_student(1), *later])
    assert _refusal(read_roster_blocks(path, size)) == _refusal(read_roster(path))
    line, first = refused
    assert _refusal(read_roster(path))[0] == (
        f"roster.csv, line {line}, field 1 (local_id): student columns differ from line {first} for the same local_id"
    )
