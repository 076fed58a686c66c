"""A large SSID Extract is checked line by line in a second process while the load stages its
lines (workflows.run.extract_check). Without a working second process the load checks the lines
itself: the same preview, the same refusal in the same words, nothing kept from a refused file.
(``test_workflow_extract.py`` runs its reading tests both ways.)"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from domain.runs import BatchKind, RunState
from store.tables import RunTransitionRow
from tests.integration.workflow_builder import RunBuilder, actor, snapshot
from workflows.errors import StepRefused
from workflows.run import extract, extract_check


@pytest.fixture
def at_updated(database: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunBuilder:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.UPDATED)
    monkeypatch.setattr(extract_check, "APART_BYTES", 0)  # every extract checked apart
    return builder


def _broken(builder: RunBuilder) -> Path:
    """The run's extract with a date that is no calendar date on line 7, and an extra field on line 9."""
    lines = builder.files["extract"].read_text(encoding="utf-8").splitlines()
    parts = lines[6].split("^")
    parts[8] = "20230230"
    lines[6] = "^".join(parts)
    lines[8] += "^"
    path = builder.out("broken.txt")
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))
    return path


BROKEN = "broken.txt, line 7, field 9 (Student Birth Date): is not a real calendar date"


def _preview(builder: RunBuilder) -> list[tuple[object, ...]]:
    loaded = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    return [(i.line, i.local_id, i.kind, i.applied, i.changes) for i in builder.store.preview(loaded.batch.id)]


def _refusal(builder: RunBuilder, path: Path) -> str:
    before = snapshot(skip=(RunTransitionRow,))
    with pytest.raises(StepRefused) as refused:
        extract.load_extract(builder.store, builder.run_id, path, actor())
    assert snapshot(skip=(RunTransitionRow,)) == before
    return refused.value.reason


def test_the_second_process_answers_as_the_check_run_here(at_updated: RunBuilder) -> None:
    builder = at_updated
    lea = builder.store.district_settings().lea
    for path in (builder.files["extract"], _broken(builder)):
        answered = extract_check.ExtractLineCheck(path, path.name, lea).result()
        here = extract_check.check_extract_lines(path, path.name, lea)
        assert answered.apart and not here.apart
        assert answered.lines == here.lines
        assert (vars(answered.problem) if answered.problem else None) == (vars(here.problem) if here.problem else None)
    assert str(answered.problem) == BROKEN
    good = extract_check.check_extract_lines(builder.files["extract"], "extract.txt", lea)
    assert good.problem is None and good.lines == len(builder.files["extract"].read_bytes().split(b"\r\n")) - 1


COMMANDS: dict[str, Callable[[RunBuilder], list[str]]] = {
    "ends-without-an-answer": lambda builder: [sys.executable, "-c", "raise SystemExit(3)"],
    "cannot-be-started": lambda builder: [str(builder.out("no-such-program"))],
}


@pytest.mark.parametrize("second", sorted(COMMANDS))
def test_without_a_second_process_the_preview_and_the_refusal_are_the_same(
    at_updated: RunBuilder, monkeypatch: pytest.MonkeyPatch, second: str
) -> None:
    builder = at_updated
    broken = _broken(builder)
    with_second = (_refusal(builder, broken), _preview(builder))
    assert with_second[0] == BROKEN
    monkeypatch.setattr(extract_check, "_COMMAND", COMMANDS[second](builder))
    answers: list[bool] = []
    result = extract_check.ExtractLineCheck.result

    def noted(check: extract_check.ExtractLineCheck) -> extract_check.ExtractLinesChecked:
        answer = result(check)
        answers.append(answer.apart)
        return answer

    monkeypatch.setattr(extract_check.ExtractLineCheck, "result", noted)
    assert (_refusal(builder, broken), _preview(builder)) == with_second
    assert answers == [False, False]  # both checked in the load's own process
    assert len(builder.store.batches_of(BatchKind.EXTRACT)) == 2  # the refused file kept nothing


def test_the_check_run_by_hand_says_how_it_is_used() -> None:
    ran = subprocess.run([sys.executable, "-m", "workflows.run.extract_check"], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 1
    assert ran.stderr.strip() == (
        "usage: python -m workflows.run.extract_check PATH NAME LEA (loading an SSID Extract starts it)"
    )
