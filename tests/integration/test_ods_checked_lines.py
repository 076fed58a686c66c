"""The SENR ODS audit reads a ten-year download in two processes (workflows.batches.ods_check): its
own reads the audited year's lines, a second one checks every line. A broken file is refused at
its first problem in the words of the reader reading it alone, whichever process met a problem
first, and nothing is kept; without a second process the audit is the same."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import peewee
import pytest

from domain.errors import FileProblem
from domain.readers import open_ods_year
from domain.values import AcademicYear, CdsCode
from seed.sandbox import write_ods_download
from store.tables import BatchRow
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor, audited_district
from workflows.batches import ods_audit, ods_check
from workflows.errors import StepRefused

YEAR = AcademicYear.containing(TODAY)
AT_YEAR = 6  # the academic year's index among a line's values


@pytest.fixture
def district(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    return audited_district(database, tmp_path)


def _lines(builder: RunBuilder) -> list[str]:
    download = write_ods_download(builder.sandbox_url, builder.out("ods"), today=TODAY, now=NOW).file
    return download.read_bytes().decode().split("\r\n")[:-1]


def _written(builder: RunBuilder, name: str, lines: list[str], end: str = "\r\n") -> Path:
    path = builder.out(name)
    path.write_bytes((end.join(lines) + end).encode())
    return path


def _first_problem(path: Path) -> str:
    """The refusal of the reader reading every line alone, in one process."""
    with pytest.raises(FileProblem) as found:
        for _ in open_ods_year(path, YEAR.code, path.name, also=AcademicYear(YEAR.start_year - 1).code):
            pass
    return str(found.value)


def _refused(builder: RunBuilder, path: Path) -> str:
    before = BatchRow.select().count()
    with pytest.raises(StepRefused) as refused:
        ods_audit.load_ods_audit(builder.store, path, actor())
    assert BatchRow.select().count() == before  # nothing kept
    return refused.value.reason


def _widened(line: str, at: int) -> str:
    values = line.split("^")
    values[at] = values[at] + "X" * 300
    return "^".join(values)


def test_a_broken_line_of_an_earlier_year_after_every_current_one_is_refused_at_its_line_and_field(
    district: RunBuilder,
) -> None:
    lines = _lines(district)
    earlier = next(i for i, line in enumerate(lines) if line.split("^")[AT_YEAR] < f"{YEAR.start_year - 1}")
    broken = _written(district, "broken.txt", [*lines, _widened(lines[earlier], 13)])
    reason = _refused(district, broken)
    assert reason == _first_problem(broken)
    assert reason.startswith(f"broken.txt, line {len(lines) + 1}, field 14 (")


def test_the_first_problem_of_the_file_wins_over_a_later_one_in_an_audited_year_line(district: RunBuilder) -> None:
    lines = _lines(district)
    current = [i for i, line in enumerate(lines) if line.split("^")[AT_YEAR] == YEAR.code]
    earlier = next(i for i, line in enumerate(lines) if line.split("^")[AT_YEAR] < f"{YEAR.start_year - 1}")
    last = current[-1]
    assert earlier < last
    edited = list(lines)
    edited[earlier] = edited[earlier] + "^extra"  # one field too many, in a line only the check reads
    edited[last] = edited[last] + "^extra"  # and in a line the audit's own process reads
    both = _written(district, "both.txt", edited)
    reason = _refused(district, both)
    assert reason == _first_problem(both)
    assert reason.startswith(f"both.txt, line {earlier + 1}: ")


def test_a_blank_line_in_the_middle_is_refused_as_by_the_reader(district: RunBuilder) -> None:
    lines = _lines(district)
    middle = len(lines) // 2
    blank = _written(district, "blank.txt", [*lines[:middle], "", *lines[middle:]])
    assert _refused(district, blank) == _first_problem(blank) == f"blank.txt, line {middle + 1}: blank line in the middle of the file"


def test_without_a_second_process_the_audit_and_its_refusals_are_the_same(
    district: RunBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _lines(district)
    good = _written(district, "good.txt", [*lines, "", "  "])  # blank lines at the end are no lines
    lea = CdsCode(lines[0].split("^")[3])
    answered = ods_check.OdsLineCheck(good, "good.txt", YEAR, lea).result()
    assert answered.apart  # the second process gave this answer, the one the audit's process would give
    assert dataclasses.replace(answered, apart=False) == ods_check.check_ods_lines(good, "good.txt", YEAR, lea)
    assert answered.lines == len(lines) and answered.earlier_years > 0
    with_second = ods_audit.plan_ods_audit(district.store, good, actor())
    # A second process that ends at once without an answer: the check runs in the audit's process.
    monkeypatch.setattr(ods_check, "_COMMAND", ["python3", "-c", "raise SystemExit(3)"])
    alone = ods_audit.plan_ods_audit(district.store, good, actor())
    assert with_second.read.lines == alone.read.lines == len(lines)
    assert dataclasses.asdict(with_second.plan) == dataclasses.asdict(alone.plan)
    assert with_second.plan.earlier_years > 0 and with_second.plan.prior_year_open == alone.plan.prior_year_open
    broken = _written(district, "broken.txt", [*lines, _widened(lines[0], 13)])
    assert _refused(district, broken) == _first_problem(broken)
    # And one that cannot be started at all.
    monkeypatch.setattr(ods_check, "_COMMAND", [str(district.out("no-such-program"))])
    assert dataclasses.asdict(ods_audit.plan_ods_audit(district.store, good, actor()).plan) == dataclasses.asdict(alone.plan)
