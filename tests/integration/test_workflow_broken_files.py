"""A broken file at every load — truncated, of the wrong kind, with a bad line — is refused naming
the file and line, by the service and by the command line (exit 2, one line on stderr), and leaves
the run's state and every table as they were (a refused run step only adds its history row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee
import pytest
from click.testing import CliRunner

from console.cli import main
from domain.runs import RunState
from domain.writers import write_sela
from seed.sandbox import match_file, write_ods_download
from store.database import database_proxy
from store.tables import RunTransitionRow
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor, history_rows, sela_record, snapshot
from workflows.batches import ods_audit, replacement, sela
from workflows.run import extract, results
from workflows.errors import StepRefused


@dataclass(frozen=True)
class Load:
    """One kind of load: the state its run must be in, the good file, the file of another kind
    given instead, how to break line 2 (field index, bad value, field words expected), the service
    and the command."""

    state: RunState
    good: Callable[[RunBuilder], Path]
    wrong: Callable[[RunBuilder], Path]
    bad_field: tuple[int, str, str]
    service: Callable[[RunBuilder, Path], object]
    command: Callable[[RunBuilder, Path], list[str]]
    run_step: bool


def _sela(builder: RunBuilder) -> Path:
    students = [s.student for s in builder.district.students()][:4]
    return builder.write("sela.txt", write_sela, [sela_record(s.local_id, s.ssid or "", "EL", "20250820") for s in students])


def _replacements(builder: RunBuilder) -> Path:
    line = builder.files["replacements"].read_bytes()
    path = builder.out("replacements.txt")
    path.write_bytes(line + line)  # the same line twice: two lines to break
    return path


def _ods(builder: RunBuilder) -> Path:
    return write_ods_download(builder.sandbox_url, builder.out("ods"), today=TODAY, now=NOW).file


def _results(builder: RunBuilder) -> Path:
    return match_file(builder.sandbox_url, builder.files["request"], builder.out("results")).file


LOADS = {
    "match_results": Load(
        RunState.SENR_CREATED, _results, lambda b: b.files["request"], (10, "abc", "field 11 (Result_MatchPercentageScore)"),
        lambda b, p: results.load_results(b.store, b.run_id, p, actor()),
        lambda b, p: ["run", "load-results", str(b.run_id), str(p)], True,
    ),
    "ssid_extract": Load(
        RunState.UPDATED, lambda b: b.files["extract"], lambda b: b.files["replacements"], (8, "20151341", "field 9 (Student Birth Date)"),
        lambda b, p: extract.load_extract(b.store, b.run_id, p, actor()),
        lambda b, p: ["run", "load-extract", str(b.run_id), str(p)], True,
    ),
    "replacement_ssids": Load(
        RunState.UPDATED, _replacements, lambda b: b.files["extract"], (3, "12345ABCDE", "field 4 (Retired SSID)"),
        lambda b, p: replacement.load_replacements(b.store, p, actor()),
        lambda b, p: ["replacement", "load", str(p)], False,
    ),
    "senr_ods": Load(
        RunState.UPDATED, _ods, lambda b: b.files["updated"], (4, "60197150", "field 5 (School of Attendance)"),
        lambda b, p: ods_audit.load_ods_audit(b.store, p, actor()),
        lambda b, p: ["ods", "audit", str(p), "--out", str(b.out("ods_out"))], False,
    ),
    "sela": Load(
        RunState.UPDATED, _sela, _ods, (3, "19642120", "field 4 (Reporting LEA)"),
        lambda b, p: sela.load_sela(b.store, p, actor()),
        lambda b, p: ["sela", "load", str(p)], False,
    ),
}


def _truncated(good: Path, target: Path) -> tuple[Path, int]:
    """The file cut off in the middle of a line (as an interrupted download leaves it)."""
    lines = good.read_bytes().removesuffix(b"\r\n").split(b"\r\n")
    keep = max(1, len(lines) // 2)
    separator = b"," if good.suffix == ".csv" else b"^"
    target.write_bytes(b"\r\n".join([*lines[:keep], separator.join(lines[keep].split(separator)[:3])]))
    return target, keep + 1


def _bad_line(good: Path, target: Path, index: int, value: str) -> tuple[Path, int]:
    lines = good.read_bytes().split(b"\r\n")
    separator = b"," if good.suffix == ".csv" else b"^"
    fields = lines[1].split(separator)
    fields[index] = value.encode()
    lines[1] = separator.join(fields)
    target.write_bytes(b"\r\n".join(lines))
    return target, 2


@pytest.mark.usefixtures("cli_on_the_builders_day")
@pytest.mark.parametrize("breakage", ["truncated", "wrong_kind", "bad_line"])
@pytest.mark.parametrize("load_name", list(LOADS))
def test_a_broken_file_changes_nothing_and_names_its_line(
    database: peewee.Database, database_url: str, tmp_path: Path, load_name: str, breakage: str
) -> None:
    load = LOADS[load_name]
    builder = RunBuilder(database, tmp_path, students=30)
    builder.to(load.state)
    good = load.good(builder)
    broken = tmp_path / f"broken{good.suffix}"
    if breakage == "truncated":
        path, line = _truncated(good, broken)
        expected = f"{broken.name}, line {line}: has 3"
    elif breakage == "bad_line":
        index, value, words = load.bad_field
        path, line = _bad_line(good, broken, index, value)
        expected = f"{broken.name}, line 2, {words}: "
    else:
        path = load.wrong(builder)
        expected = f"{path.name}, line 1: expected "

    before = snapshot(skip=(RunTransitionRow,))
    history = history_rows()
    with pytest.raises(StepRefused) as refused:
        load.service(builder, path)
    reason = refused.value.reason
    assert reason.startswith(expected), reason
    assert snapshot(skip=(RunTransitionRow,)) == before
    run_event = [(_event(load_name), load.state.value, None, False, reason)] if load.run_step else []
    assert history_rows() == [*history, *run_event]

    result = CliRunner().invoke(main, [*load.command(builder, path), "--db", database_url, "--json"], catch_exceptions=False)
    database_proxy.initialize(database)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"ssid: {reason}\n"
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert builder.store.get_run(builder.run_id).state is load.state  # type: ignore[union-attr]
    assert history_rows() == [*history, *run_event, *run_event]


def _event(load_name: str) -> str:
    return "load_results" if load_name == "match_results" else "load_extract"


def test_an_ods_audit_with_a_broken_sela_file_stores_nothing(database: peewee.Database, database_url: str, tmp_path: Path) -> None:
    builder = RunBuilder(database, tmp_path, students=30)
    builder.to(RunState.UPDATED)
    sela, _ = _truncated(_sela(builder), tmp_path / "broken_sela.txt")
    before = snapshot()
    result = CliRunner().invoke(
        main,
        ["ods", "audit", str(_ods(builder)), "--out", str(tmp_path / "out"), "--sela", str(sela), "--db", database_url],
        catch_exceptions=False,
    )
    database_proxy.initialize(database)
    assert result.exit_code == 2
    assert result.stderr.startswith("ssid: broken_sela.txt, line 3: has 3 fields")
    assert snapshot() == before
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
