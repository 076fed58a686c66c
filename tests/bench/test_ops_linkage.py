"""``make bench --only linkage`` without the data sets, and how the bench table prints a report under a row."""

from __future__ import annotations

import pytest

import bench.ops_linkage
from bench.__main__ import _table
from bench.harness import Measurement
from bench.ops import Result, Target


def test_without_the_data_sets_the_linkage_rows_are_skipped_and_it_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench.ops_linkage, "datasets_folder", lambda: None)
    assert bench.ops_linkage.linkage() == []
    assert capsys.readouterr().err == "bench: linkage: ../shared/datasets is not there, no data set measured\n"


def test_a_rows_report_is_printed_line_by_line_under_it() -> None:
    row = Result("duplicate search + groups (febrl1)", "1,000 records", Measurement(0.5, 30.0), Target(seconds=60, peak_mb=1000),
                 None, "febrl1: 1,000 records\n  calibration: ECE 0.0100")  # fmt: skip
    lines = _table([row]).splitlines()
    assert lines[2].startswith("duplicate search + groups (febrl1)") and lines[2].endswith("yes")
    assert lines[3:] == [" " * 51 + "febrl1: 1,000 records", " " * 51 + "  calibration: ECE 0.0100"]
