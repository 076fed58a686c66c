"""A catalogue of the ways real files break, at every load: an empty file, binary junk, a last
line cut short, an Excel re-save (quotes added, leading zeros dropped, dates reformatted, CRLF
lost), the wrong encoding, the wrong kind of file, a file of another district, the match result
of another run, every line twice, and a file over the upload limit. Each is refused with a
sentence naming the file (and the line and field when there is one), by the service and by the
command line (exit 2), and changes nothing: every table as it was, the run's state too. A breakage that leaves every
value the load uses as it was (CSV quotes, LF line ends) is read as the good file."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest
from click.testing import CliRunner

from console.cli import main
from domain.planning.request import Selection
from domain.runs import RunState
from seed.sandbox import match_file
from store.database import database_proxy
from store.tables import MatchRequestRow, RunTransitionRow
from tests.integration.test_workflow_broken_files import LOADS, Load
from tests.integration.workflow_builder import RunBuilder, actor, history_rows, snapshot
from workflows.run import lifecycle, request, results
from workflows.errors import StepRefused

CRLF = b"\r\n"


def _lines(good: Path) -> list[bytes]:
    return good.read_bytes().removesuffix(CRLF).split(CRLF)


def _separator(good: Path) -> bytes:
    return b"," if good.suffix == ".csv" else b"^"


def _each_field(good: Path, change: Callable[[bytes], bytes]) -> bytes:
    sep = _separator(good)
    return CRLF.join(sep.join(change(f) for f in line.split(sep)) for line in _lines(good)) + CRLF


def _no_leading_zeros(field: bytes) -> bytes:
    return field.lstrip(b"0") or b"0" if field.isdigit() else field


def _dates_reformatted(field: bytes) -> bytes:
    # Excel shows 20120717 as 7/17/2012 and saves it so.
    if re.fullmatch(rb"(19|20)\d{6}", field):
        return b"%d/%d/%s" % (int(field[4:6]), int(field[6:8]), field[:4])
    return field


def _other_district(builder: RunBuilder, good: Path) -> bytes:
    lea = builder.district.lea.encode()
    return good.read_bytes().replace(lea, b"1964220")


BREAKAGES: dict[str, Callable[[RunBuilder, Path], bytes]] = {
    "empty": lambda b, good: b"",
    "binary_junk": lambda b, good: bytes(range(256)) * 40,
    "last_line_cut": lambda b, good: good.read_bytes().removesuffix(CRLF)[:-7],
    "excel_quotes": lambda b, good: _each_field(good, lambda f: b'"' + f + b'"'),
    "excel_leading_zeros": lambda b, good: _each_field(good, _no_leading_zeros),
    "excel_dates": lambda b, good: _each_field(good, _dates_reformatted),
    "excel_crlf_lost": lambda b, good: good.read_bytes().replace(CRLF, b"\n"),
    "utf16": lambda b, good: good.read_bytes().decode("utf-8").encode("utf-16"),
    "other_district": _other_district,
    "duplicate_lines": lambda b, good: CRLF.join(line for line in _lines(good) for _ in (1, 2)) + CRLF,
}


TOLERATED = {
    ("match_results", "excel_quotes"): "quoted CSV fields are CSV: the same values",
    **{(load, "excel_crlf_lost"): "LF line ends read the same lines" for load in LOADS},
    ("sela", "excel_leading_zeros"): "only the unused Primary Language Code lost its zero",
}
"""Breakages that leave every value the load uses as it was: the load goes ahead."""

KNOWN_GAPS = {
    ("senr_ods", "excel_leading_zeros"): "the ODS reader checks lengths only: grade 9 for 09 is compared as a difference",
    ("senr_ods", "duplicate_lines"): "a 3,000,000-line ODS download is streamed: repeated lines are not looked for",
}


SAYS = {
    "empty": "found an empty file",
    "binary_junk": "is neither UTF-8 nor Windows-1252 text",
    "utf16": 'UTF-16 text (Excel\'s "Unicode Text"): save it as UTF-8 or Windows-1252 text',
    "other_district": "1964220",
}
"""What the refusal says for these breakages, at every load (the others name their line and field)."""


def _refused(load: Load, builder: RunBuilder, path: Path) -> str:
    with pytest.raises(StepRefused) as refused:
        load.service(builder, path)
    return refused.value.reason


@pytest.mark.usefixtures("cli_on_the_builders_day")
@pytest.mark.parametrize("breakage", list(BREAKAGES))
@pytest.mark.parametrize("load_name", list(LOADS))
def test_every_kind_of_broken_file_is_refused_and_changes_nothing(
    database: peewee.Database, database_url: str, tmp_path: Path, load_name: str, breakage: str
) -> None:
    load = LOADS[load_name]
    builder = RunBuilder(database, tmp_path, students=30)
    builder.to(load.state)
    # The broken-files test's Replacement file repeats its one line (two lines to break): not here.
    good = builder.files["replacements"] if load_name == "replacement_ssids" else load.good(builder)
    path = tmp_path / f"{breakage}{good.suffix}"
    path.write_bytes(BREAKAGES[breakage](builder, good))
    if path.read_bytes() == good.read_bytes():
        pytest.skip(f"{breakage} leaves this file as it was")

    if (load_name, breakage) in TOLERATED:
        load.service(builder, path)  # accepted: it reads the same values
        return
    if (load_name, breakage) in KNOWN_GAPS:
        pytest.xfail(KNOWN_GAPS[load_name, breakage])
    before = snapshot(skip=(RunTransitionRow,))
    history = history_rows()
    reason = _refused(load, builder, path)
    assert reason.startswith(path.name), reason
    assert SAYS.get(breakage, "") in reason
    if breakage == "duplicate_lines" and load_name != "match_results":  # there the header comes again first
        assert "repeats line 1 exactly (was the file pasted or saved twice?); download it again" in reason
    assert snapshot(skip=(RunTransitionRow,)) == before

    result = CliRunner().invoke(main, [*load.command(builder, path), "--db", database_url, "--json"], catch_exceptions=False)
    database_proxy.initialize(database)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"ssid: {reason}\n")
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert builder.store.get_run(builder.run_id).state is load.state  # type: ignore[union-attr]
    assert len(history_rows()) - len(history) == (2 if load.run_step else 0)  # the two refusals, nothing else


@pytest.mark.parametrize("load_name", list(LOADS))
def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(
    database: peewee.Database, database_url: str, tmp_path: Path, load_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSID_MAX_UPLOAD_MB", raising=False)
    load = LOADS[load_name]
    builder = RunBuilder(database, tmp_path, students=30)
    builder.to(load.state)
    huge = tmp_path / f"huge{load.good(builder).suffix}"
    with open(huge, "wb") as stream:  # 300 MB on disk without writing them: a sparse file
        stream.truncate(300 * 1024**2)
    before = snapshot()
    result = CliRunner().invoke(main, [*load.command(builder, huge), "--db", database_url, "--json"], catch_exceptions=False)
    database_proxy.initialize(database)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"ssid: {huge}: 300 MB is over the limit of 200 MB for a file (SSID_MAX_UPLOAD_MB); nothing was loaded or changed\n"
    )
    assert snapshot() == before
    monkeypatch.setenv("SSID_MAX_UPLOAD_MB", "400")  # a district that needs more says so
    raised = CliRunner().invoke(main, [*load.command(builder, huge), "--db", database_url, "--json"], catch_exceptions=False)
    database_proxy.initialize(database)
    assert raised.exit_code == 2 and "over the limit" not in raised.stderr


def test_the_match_result_of_another_run_is_refused_naming_that_run(
    database: peewee.Database, database_url: str, tmp_path: Path
) -> None:
    builder = RunBuilder(database, tmp_path, students=30)
    first = builder.to(RunState.SENR_CREATED)
    results_file = match_file(builder.sandbox_url, builder.files["request"], builder.out("results")).file
    lifecycle.cancel_run(builder.store, first, actor())
    builder.step(RunState.NEW)
    builder.step(RunState.MIDS_RESOLVED)
    requested = [r.local_id for r in MatchRequestRow.select().where(MatchRequestRow.run == first).order_by(MatchRequestRow.line)]
    request.create_request(
        builder.store, builder.run_id, actor(), builder.out("second"), keep=Selection.of_ids(requested[:3])
    )
    before = snapshot(skip=(RunTransitionRow,))
    reason = (
        f"{results_file.name} is the match result of run {first}'s request file, not of run {builder.run_id}'s; "
        f"load the match result of run {builder.run_id}'s own request file instead"
    )
    with pytest.raises(StepRefused, match=re.escape(reason)):
        results.load_results(builder.store, builder.run_id, results_file, actor())
    result = CliRunner().invoke(main, ["run", "load-results", str(builder.run_id), str(results_file), "--db", database_url])
    database_proxy.initialize(database)
    assert (result.exit_code, result.stderr) == (2, f"ssid: {reason}\n")
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert builder.store.get_run(builder.run_id).state is RunState.SENR_CREATED  # type: ignore[union-attr]
