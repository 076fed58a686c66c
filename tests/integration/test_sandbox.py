"""The CALPADS sandbox plays the state's side of the round trip faithfully enough to test against.

Driven through the domain library only (no workflow): the demo district's request file goes to
``match_file``; the domain reader loads the result; an updated file built from decisions is
posted; the SSID Extract then gives every posted student an SSID. Runs on SQLite and, when
``SSID_TEST_DATABASE_URL`` is set, with the sandbox on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from domain.errors import WrongFileKind
from domain.model import DecisionKind, MatchDecision
from domain.planning.request import build_senr_records, select_request
from domain.planning.translation import CodeTranslator
from domain.planning.updated import build_updated_records
from domain.readers import open_match_result, open_ods_senr, open_replacements, open_ssid_extract
from domain.records import MatchResultRow, SenrRecord
from domain.values import LocalId, Ssid
from domain.writers import write_senr
from seed.demo import DemoDistrict, DemoStudent, generate_district
from seed.demo.schooling import DEMO_SCHOOLS
from seed.sandbox import PostingRefused, init_population, match_file, post_file, write_extract, write_ods_download, write_replacement_extract

TODAY = dt.date(2026, 10, 15)
NOW = dt.datetime(2026, 10, 15, 12, 0, 0)
SIZE = 400


@pytest.fixture
def district() -> DemoDistrict:
    return generate_district(SIZE, seed=7, today=TODAY)


@pytest.fixture
def sandbox(database_url: str, district: DemoDistrict) -> str:
    init_population(database_url, district)
    return database_url


def _request(district: DemoDistrict, folder: Path) -> tuple[Path, list[SenrRecord], dict[LocalId, DemoStudent]]:
    demos = {demo.student.local_id: demo for demo in district.students()}
    selection = select_request(
        (demo.student for demo in demos.values()),
        selected_schools=frozenset(school.code for school in DEMO_SCHOOLS),
        year=district.year,
        today=TODAY,
    )
    records = build_senr_records(selection.included, lea=district.lea, year=district.year, translate=CodeTranslator())
    path = folder / "2026_10_15_120000_SENR_SSID.txt"
    with path.open("wb") as out:
        write_senr(records, out)
    return path, records, demos


def _rows_by_student(path: Path) -> dict[LocalId, list[MatchResultRow]]:
    grouped: defaultdict[LocalId, list[MatchResultRow]] = defaultdict(list)
    for row in open_match_result(path):
        grouped[row.local_id].append(row)
    return grouped


def test_the_match_result_has_candidates_for_students_the_state_knows(
    sandbox: str, district: DemoDistrict, tmp_path: Path
) -> None:
    request, records, demos = _request(district, tmp_path)
    summary = match_file(sandbox, request, tmp_path / "results")
    rows = _rows_by_student(summary.file)

    requested = {LocalId(r.local_student_id) for r in records}
    assert set(rows) == requested and summary.students == len(requested)
    known = {local_id for local_id in requested if demos[local_id].state_ssid is not None}
    assert known and known != requested  # some the state knows, some it has never seen
    for local_id in known:
        offered = {row.candidate.ssid for row in rows[local_id] if row.candidate is not None}
        assert demos[local_id].state_ssid in offered, local_id
    for local_id in requested - known:
        truth_elsewhere = {row.candidate.ssid for row in rows[local_id] if row.candidate is not None}
        assert not truth_elsewhere & {d.state_ssid for d in demos.values() if d.state_ssid}
    assert summary.candidates == sum(1 for group in rows.values() for row in group if row.candidate is not None)


def test_posting_the_updated_file_then_extracting_gives_every_posted_student_an_ssid(
    sandbox: str, district: DemoDistrict, tmp_path: Path
) -> None:
    request, records, demos = _request(district, tmp_path)
    rows = _rows_by_student(match_file(sandbox, request, tmp_path / "results").file)
    decisions: dict[LocalId, MatchDecision] = {}
    for index, (local_id, group) in enumerate(sorted(rows.items())):
        truth = demos[local_id].state_ssid
        offered = {row.candidate.ssid for row in group if row.candidate is not None}
        if demos[local_id].case == "duplicate_record":
            # The second local record of a child already held: the local duplicate check says so.
            decisions[local_id] = MatchDecision(local_id, DecisionKind.NO_MATCH)
        elif truth is not None and truth in offered:
            decisions[local_id] = MatchDecision(local_id, DecisionKind.SELECT, truth)
        elif index % 7 == 3:
            decisions[local_id] = MatchDecision(local_id, DecisionKind.NO_MATCH)
        else:
            decisions[local_id] = MatchDecision(local_id, DecisionKind.NEW_SSID)
    updated = build_updated_records(records, decisions, partial=False)
    path = tmp_path / "2026_10_15_130000_SENR_SSID_Updated.txt"
    with path.open("wb") as out:
        write_senr(updated, out)

    posted = post_file(sandbox, path, today=TODAY)
    new = [d for d in decisions.values() if d.kind is DecisionKind.NEW_SSID]
    selected = [d for d in decisions.values() if d.kind is DecisionKind.SELECT]
    assert selected and new
    assert (posted.posted, posted.new_ssids) == (len(updated), len(new))

    extract = write_extract(sandbox, tmp_path / "extract", today=TODAY, now=NOW)
    parsed = open_ssid_extract(extract.file)
    assert parsed.layout.title == "SSID Extract current (16 columns)"
    by_local = {row.local_id: row for row in parsed}
    for decision in selected:
        assert by_local[decision.local_id].ssid == decision.ssid
    issued = [by_local[d.local_id].ssid for d in new]
    assert len(set(issued)) == len(new) and all(ssid.startswith("5") for ssid in issued)
    for decision in decisions.values():
        if decision.kind is DecisionKind.NO_MATCH and demos[decision.local_id].state_ssid is None:
            assert decision.local_id not in by_local  # nothing was posted for them


def test_a_file_with_one_bad_record_is_refused_whole(sandbox: str, district: DemoDistrict, tmp_path: Path) -> None:
    request, _, _ = _request(district, tmp_path)
    text = request.read_bytes().split(b"\r\n")
    fields = text[1].split(b"^")
    fields[16] = b"20261301"  # field 17, Student Birth Date: no 13th month
    text[1] = b"^".join(fields)
    bad = tmp_path / "bad_SENR.txt"
    bad.write_bytes(b"\r\n".join(text))
    before = write_extract(sandbox, tmp_path / "before", today=TODAY, now=NOW).file.read_bytes()

    with pytest.raises(PostingRefused) as refused:
        post_file(sandbox, bad, today=TODAY)

    assert any("record 2" in problem and "field 17" in problem for problem in refused.value.problems), refused.value.problems
    assert write_extract(sandbox, tmp_path / "after", today=TODAY, now=NOW).file.read_bytes() == before


def test_records_with_an_ssid_enroll_under_it(sandbox: str, district: DemoDistrict, tmp_path: Path) -> None:
    request, records, demos = _request(district, tmp_path)
    known = next(r for r in records if demos[LocalId(r.local_student_id)].state_ssid is not None)
    ssid = demos[LocalId(known.local_student_id)].state_ssid
    assert ssid is not None
    path = tmp_path / "one.txt"
    with path.open("wb") as out:
        write_senr([dataclasses.replace(known, ssid=ssid)], out)

    assert post_file(sandbox, path, today=TODAY).new_ssids == 0
    rows = {row.local_id: row for row in open_ssid_extract(write_extract(sandbox, tmp_path / "x", today=TODAY, now=NOW).file)}
    assert rows[LocalId(known.local_student_id)].ssid == ssid


def test_the_extract_carries_elas_and_swd_of_the_state(sandbox: str, district: DemoDistrict, tmp_path: Path) -> None:
    rows = list(open_ssid_extract(write_extract(sandbox, tmp_path, today=TODAY, now=NOW).file))
    demos = {demo.state_ssid: demo for demo in district.students() if demo.state_ssid is not None}
    assert rows
    assert {row.swd for row in rows} <= {"Y", "N", None} and any(row.swd == "Y" for row in rows)
    with_elas = [row for row in rows if row.elas]
    assert with_elas and all(row.elas_start is not None for row in with_elas if row.elas != "EO")
    for row in rows:
        demo = demos.get(row.ssid)
        if demo is not None and demo.state_language is not None and demo.state_language.elas:
            assert row.elas == demo.state_language.elas


def test_the_replacement_extract_lists_the_ssid_calpads_retired(sandbox: str, district: DemoDistrict, tmp_path: Path) -> None:
    summary = write_replacement_extract(sandbox, tmp_path, today=TODAY, now=NOW)
    rows = list(open_replacements(summary.file))
    retired = {demo.retired_ssid: demo.state_ssid for demo in district.students() if demo.retired_ssid is not None}
    assert retired
    assert {(row.retired_ssid, row.replacement_ssid) for row in rows} >= {(Ssid(k), v) for k, v in retired.items()}


def test_the_ods_download_covers_ten_years_in_37_columns(sandbox: str, tmp_path: Path) -> None:
    summary = write_ods_download(sandbox, tmp_path, today=TODAY, now=NOW)
    parsed = open_ods_senr(summary.file)
    years = set()
    count = 0
    for record in parsed:
        years.add(record.senr.academic_year)
        assert record.senr.record_type == "SENR-R"
        count += 1
    assert count == summary.records > SIZE
    assert min(years) == "2016-2017" and max(years) == "2026-2027"
    first_line = summary.file.read_bytes().split(b"\r\n", 1)[0]
    assert first_line.count(b"^") == 36


def test_a_posted_file_must_be_senr(sandbox: str, tmp_path: Path) -> None:
    path = tmp_path / "extract.txt"
    path.write_bytes(b"1964212^6000001^1234567890^1^A^B^C^F^20150101^20250814^05^EO^^^^N\r\n")
    with pytest.raises(WrongFileKind) as caught:
        post_file(sandbox, path, today=TODAY)
    assert "expected SENR, found SSID Extract" in str(caught.value)
