"""Issue 14, finding 7: a Summer ELPAC run requests the pre-enrolled students (enrollment starting
in the future) with their own start dates and academic year, writes a SELA file giving the new
non-English students without ELAS the status TBD beside its updated file, and completes the round
trip with the sandbox; an ordinary run keeps leaving future starts out (a real database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee
import pytest

from domain.planning.request import ExclusionReason
from domain.readers import open_sela, open_senr
from domain.runs import FileKind, RunState
from domain.validation import validate_sela
from domain.values import AcademicYear, CdsCode, LocalId, format_calpads_date
from store.tables import LanguageStatusRow, MatchDecisionRow, StudentRow
from seed.sandbox import write_extract
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor
from workflows.run import lifecycle, request


def _pre_enrolled(builder: RunBuilder) -> dict[str, dt.date]:
    """Active students without SSID whose only enrollment at a selected school starts after today: their start."""
    settings = builder.store.district_settings()
    found: dict[str, dt.date] = {}
    for student in builder.store.iter_students(without_ssid=True):
        at_selected = [e for e in student.enrollments if e.school in settings.schools]
        if student.active and at_selected and all(e.start > TODAY for e in at_selected):
            found[student.local_id] = min(e.start for e in at_selected)
    return found


@pytest.fixture
def summer(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    return RunBuilder(database, tmp_path, students=300, summer=True)


def test_a_summer_run_requests_pre_enrolled_students_and_writes_their_sela_tbd_file(summer: RunBuilder) -> None:
    pre_enrolled = _pre_enrolled(summer)
    assert pre_enrolled, "the demo district has pre-enrolled students"
    summer.to(RunState.SENR_CREATED)
    assert summer.store.get_run(summer.run_id).summer  # type: ignore[union-attr]
    sent = {r.local_student_id: r for r in open_senr(summer.files["request"])}
    for local_id, start in pre_enrolled.items():
        assert sent[local_id].enroll_start == format_calpads_date(start)
        assert sent[local_id].academic_year == AcademicYear.containing(start).code
    assert summer.store.run_history(summer.run_id)[0].counts == {"summer": 1}

    # A non-English student without ELAS among those CALPADS will know: the SELA file gives them TBD.
    summer.step(RunState.RESULTS_LOADED)
    candidates = summer.store.candidates(summer.run_id)
    chosen = next(local_id for local_id in sorted(sent) if any(c.ssid for c in candidates.get(LocalId(local_id), [])))
    student = StudentRow.get(StudentRow.local_id == chosen)
    LanguageStatusRow.delete().where(LanguageStatusRow.student == student.id).execute()
    LanguageStatusRow.create(student=student.id, elas=None, elas_start=None, primary_language="01")
    summer.step(RunState.ALL_CONFIRMED)
    summer.step(RunState.UPDATED)
    sela_path = summer.files["summer_sela"]
    assert sela_path.name == summer.files["updated"].name.replace("_SENR_SSID_Updated.txt", "_SELA_Summer_TBD.txt")
    records = list(open_sela(sela_path))
    assert chosen in {r.local_student_id for r in records}
    assert {r.elas for r in records} == {"TBD"}
    assert validate_sela(records, lea=CdsCode("1964212")) == []
    updated = {r.local_student_id: r for r in open_senr(summer.files["updated"])}
    for record in records:
        assert record.ssid == updated[record.local_student_id].ssid and record.elas_start == updated[record.local_student_id].enroll_start
    kept = summer.store.generated_files(summer.run_id)
    assert FileKind.SUMMER_SELA in {f.kind for f in kept}
    assert summer.store.run_history(summer.run_id)[-1].counts["summer"] == 1

    # The sandbox round trip completes. CALPADS' SSID Extract lists students enrolled as of its day:
    # the pre-enrolled ones sent are posted, and their SSIDs come with an extract from their first day.
    summer.step(RunState.EXTRACT_LOADED)
    assert summer.store.get_run(summer.run_id).state is RunState.EXTRACT_LOADED  # type: ignore[union-attr]
    decided = {row.local_id for row in MatchDecisionRow.select().where(MatchDecisionRow.run == summer.run_id) if row.kind != "no_match"}
    sent_pre_enrolled = set(pre_enrolled) & decided
    assert sent_pre_enrolled
    first_day = max(pre_enrolled[local_id] for local_id in sent_pre_enrolled)
    later = write_extract(summer.sandbox_url, summer.out("later"), today=first_day, now=NOW).file
    listed = {line.split("^")[3]: line.split("^")[2] for line in later.read_text().splitlines()}
    assert all(listed.get(local_id) for local_id in sent_pre_enrolled)


def test_an_ordinary_run_keeps_leaving_future_starts_out(database: peewee.Database, tmp_path: Path) -> None:
    builder = RunBuilder(database, tmp_path, students=300)
    pre_enrolled = _pre_enrolled(builder)
    builder.to(RunState.MIDS_RESOLVED)
    made = request.create_request(builder.store, builder.run_id, actor(), builder.out("request"))
    assert not set(pre_enrolled) & {r.local_student_id for r in open_senr(made.path)}
    assert {e.local_id: e.reason for e in made.excluded if e.local_id in pre_enrolled} == dict.fromkeys(pre_enrolled, ExclusionReason.FUTURE_START)
    assert builder.store.get_run(builder.run_id).summer is False  # type: ignore[union-attr]
    lifecycle.cancel_run(builder.store, builder.run_id, actor())
