"""The SENR ODS audit on a real database against the sandbox's ten-year download: load, review,
evaluate, files in posting order — and CALPADS in line with the district once they are posted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import peewee
import pytest

from domain.readers import open_senr
from domain.runs import BatchKind, FileKind, RunState
from domain.validation import validate_senr
from domain.values import AcademicYear, CdsCode
from seed.sandbox import post_file, write_ods_download
from store.tables import CalpadsHistoryRow, GeneratedFileRow, RunTransitionRow
from tests.integration.workflow_builder import NOW, TODAY, RunBuilder, actor, audited_district, snapshot
from workflows.batches import ods_audit, replacement
from workflows.errors import StepRefused


@pytest.fixture
def district(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    """200 students after a whole run (SSIDs loaded) and the Replacement SSIDs applied."""
    return audited_district(database, tmp_path)


def _download(builder: RunBuilder, folder: str) -> Path:
    return write_ods_download(builder.sandbox_url, builder.out(folder), today=TODAY, now=NOW).file


def test_the_audit_writes_deletes_replaces_and_adds_that_bring_calpads_in_line(district: RunBuilder) -> None:
    store = district.store
    download = _download(district, "ods")
    review = ods_audit.load_ods_audit(store, download, actor())
    assert review.audit.state == "loaded"
    assert review.deletes > 0 and review.replaces > 0 and review.adds > 0
    assert review.errors == ()
    assert len(review.delete_list) == review.deletes
    assert all(line.local_id and line.school for line in review.delete_list)
    no_ssid = {s.student.local_id for s in district.district.students() if s.student.ssid is None}
    assert set(review.without_ssid) <= no_ssid and review.without_ssid

    with pytest.raises(StepRefused) as unreviewed:
        ods_audit.evaluate_ods_audit(store, review.audit.id, actor(), deletes_reviewed=False)
    assert unreviewed.value.reason == f"the ODS audit lists {review.deletes} delete(s): review them first"
    with pytest.raises(StepRefused) as early:
        ods_audit.create_ods_files(store, review.audit.id, district.out("files"), actor())
    assert early.value.reason == f"the ODS audit {review.audit.id} is loaded; create_files needs it evaluated"
    assert not list(district.out("files").iterdir())

    evaluated = ods_audit.evaluate_ods_audit(store, review.audit.id, actor("ana"), deletes_reviewed=True)
    assert evaluated.audit.state == "evaluated"
    made = ods_audit.create_ods_files(store, review.audit.id, district.out("files"), actor("ana"))
    assert made.audit.state == "files_created"
    assert [f.kind for f in made.files] == ["delete", "replace", "add"]
    assert [f.path.name for f in made.files] == [
        f"2025_10_15_{NOW.astimezone():%H%M%S}_SENR_ODS_{label}.txt" for label in ("1_Deletes", "2_Replaces", "3_Adds")
    ]
    counts = {"delete": review.deletes, "replace": review.replaces, "add": review.adds}
    for produced in made.files:
        content = produced.path.read_bytes()
        records = list(open_senr(produced.path))
        assert {r.transaction_type for r in records} == {produced.kind[0].upper()}
        assert len(records) == counts[produced.kind] == produced.file.records
        assert {r.academic_year for r in records} == {"2025-2026"}
        assert validate_senr(records, lea=CdsCode("1964212"), current_year=AcademicYear(2025), today=TODAY) == []
        kept = GeneratedFileRow.get(GeneratedFileRow.id == produced.file.id)
        assert (bytes(kept.content), kept.sha256) == (content, hashlib.sha256(content).hexdigest())
    noted = [(r.what, r.file_kind) for r in CalpadsHistoryRow.select().order_by(CalpadsHistoryRow.id)]
    assert noted[-4:] == [("loaded", "ods_download"), ("produced", "ods_deletes"), ("produced", "ods_replaces"), ("produced", "ods_adds")]
    assert {f.kind for f in store.generated_files()} >= {FileKind.ODS_DELETES, FileKind.ODS_REPLACES, FileKind.ODS_ADDS}
    with pytest.raises(StepRefused) as again:
        ods_audit.create_ods_files(store, review.audit.id, district.out("files"), actor())
    assert again.value.reason == f"the ODS audit {review.audit.id} already has its files; create_files needs it evaluated"

    # Posted in that order, the files leave CALPADS' current year as the district has it.
    for produced in made.files:
        post_file(district.sandbox_url, produced.path, today=TODAY)
    second = ods_audit.load_ods_audit(store, _download(district, "ods2"), actor())
    assert (second.deletes, second.replaces, second.adds) == (0, 0, 0)
    assert second.unchanged == review.unchanged + review.replaces + review.adds


def test_an_audit_without_differences_creates_no_file(district: RunBuilder) -> None:
    store = district.store
    first = ods_audit.load_ods_audit(store, _download(district, "ods"), actor())
    ods_audit.evaluate_ods_audit(store, first.audit.id, actor(), deletes_reviewed=True)
    for produced in ods_audit.create_ods_files(store, first.audit.id, district.out("files"), actor()).files:
        post_file(district.sandbox_url, produced.path, today=TODAY)
    second = ods_audit.load_ods_audit(store, _download(district, "ods2"), actor())
    ods_audit.evaluate_ods_audit(store, second.audit.id, actor(), deletes_reviewed=False)
    assert ods_audit.create_ods_files(store, second.audit.id, district.out("none"), actor()).files == ()
    assert list(district.out("none").iterdir()) == []


def test_the_review_handed_on_from_step_to_step_writes_the_same_files_and_a_stale_one_is_refused(
    district: RunBuilder,
) -> None:
    store = district.store
    download = _download(district, "ods")
    made_again = ods_audit.load_ods_audit(store, download, actor())
    ods_audit.evaluate_ods_audit(store, made_again.audit.id, actor(), deletes_reviewed=True)
    again = ods_audit.create_ods_files(store, made_again.audit.id, district.out("again"), actor())
    kept = ods_audit.load_ods_audit(store, download, actor())
    evaluated = ods_audit.evaluate_ods_audit(store, kept.audit.id, actor(), deletes_reviewed=True, review=kept)
    handed = ods_audit.create_ods_files(store, kept.audit.id, district.out("handed"), actor(), review=evaluated)
    assert [f.path.read_bytes() for f in handed.files] == [f.path.read_bytes() for f in again.files]
    assert handed.audit.state == "files_created"

    # A review of the audit before it moved is refused, as when two people evaluate it at once.
    stale = ods_audit.load_ods_audit(store, download, actor())
    ods_audit.evaluate_ods_audit(store, stale.audit.id, actor("ana"), deletes_reviewed=True)
    with pytest.raises(StepRefused) as refused:
        ods_audit.evaluate_ods_audit(store, stale.audit.id, actor(), deletes_reviewed=True, review=stale)
    assert refused.value.reason == f"the ODS audit {stale.audit.id} changed meanwhile; look at it again"
    # A review of another audit is not taken for this one's (that audit has its files already).
    made = ods_audit.create_ods_files(store, stale.audit.id, district.out("other"), actor(), review=evaluated)
    assert (made.audit.id, made.audit.state) == (stale.audit.id, "files_created")
    assert [f.path.read_bytes() for f in made.files] == [f.path.read_bytes() for f in again.files]


def test_the_audit_needs_the_lea_and_year_and_a_download(district: RunBuilder) -> None:
    store = district.store
    before = snapshot(skip=(RunTransitionRow,))
    with pytest.raises(StepRefused) as wrong:
        ods_audit.load_ods_audit(store, district.files["updated"], actor())
    assert wrong.value.reason.endswith("expected SENR ODS download, found SENR")
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert store.batches_of(BatchKind.ODS_AUDIT) == []


def test_a_student_holding_a_retired_ssid_is_left_out_until_the_replacement_is_applied(
    database: peewee.Database, tmp_path: Path
) -> None:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.EXTRACT_LOADED)
    retired = builder.district.student(2).student.local_id
    before = ods_audit.load_ods_audit(builder.store, _download(builder, "ods"), actor())
    assert retired in {d.local_id for d in before.delete_list}  # CALPADS' record under the replacement SSID
    replacement.load_replacements(builder.store, builder.files["replacements"], actor())
    after = ods_audit.load_ods_audit(builder.store, _download(builder, "ods2"), actor())
    assert retired not in {d.local_id for d in after.delete_list}
    assert retired in after.without_ssid
    assert after.adds == before.adds - 1
