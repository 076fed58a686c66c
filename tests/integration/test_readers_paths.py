"""Readers and writers on real files: paths, re-reading, files abandoned half-read, missing files."""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import pytest

from domain.errors import FileProblem
from domain.readers import detect_kind, open_senr, open_ssid_extract
from domain.records import SenrRecord
from domain.writers import write_senr

RECORD = SenrRecord(
    reporting_lea="1964212", school="6000001", academic_year="2025-2026", local_student_id="100234",
    legal_first="MARIA", legal_last="LOPEZ", birth_date="20150314", gender="F", birth_country="US",
    enroll_start="20250814", enroll_status="10", grade="05",
)


def _senr_file(folder: Path, count: int) -> Path:
    path = folder / "2025_08_14_101010_SENR_SSID.txt"
    with path.open("wb") as out:
        write_senr((replace(RECORD, local_student_id=str(n)) for n in range(count)), out)
    return path


def test_a_path_is_read_named_and_can_be_read_again(tmp_path: Path) -> None:
    path = _senr_file(tmp_path, 30_000)  # several read blocks
    parsed = open_senr(path)
    assert (parsed.name, parsed.kind, detect_kind(path)) == (path.name, "SENR", "SENR")
    first = [r.local_student_id for r in parsed]
    assert first == [str(n) for n in range(30_000)]
    assert [r.local_student_id for r in parsed] == first


def test_a_file_abandoned_half_read_is_closed(tmp_path: Path) -> None:
    rows = iter(open_senr(_senr_file(tmp_path, 10)))
    assert next(rows).local_student_id == "0"
    del rows
    gc.collect()  # an unclosed file would raise a ResourceWarning, an error under -W error


def test_a_missing_file_is_a_file_problem(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match=r"^nothing.txt, line 1: cannot be opened"):
        open_ssid_extract(tmp_path / "nothing.txt")
