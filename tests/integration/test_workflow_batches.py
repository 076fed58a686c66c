"""Replacement SSIDs and the SELA EL/IFEP import on a real database: preview, apply, undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee
import pytest

from domain.records import ReplacementRow
from domain.runs import BatchKind, RunState
from domain.values import CdsCode, LocalId, Ssid
from domain.writers import write_replacements, write_sela
from store.tables import (
    BatchChangeRow,
    CalpadsHistoryRow,
    LanguageStatusRow,
    OutboxRow,
    RunTransitionRow,
    StudentRow,
)
from tests.integration.workflow_builder import RunBuilder, actor, sela_record, snapshot
from workflows.batches import replacement, sela
from workflows.run import lifecycle
from workflows.errors import StepRefused
from workflows.run.local_check import local_issues

LEA = CdsCode("1964212")


@pytest.fixture
def builder(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    made = RunBuilder(database, tmp_path, students=40)
    made.to(RunState.UPDATED)  # the sandbox's Replacement SSIDs Extract is written on the way
    return made


def _student(local_id: str) -> tuple[str | None, str | None]:
    row = StudentRow.get(StudentRow.local_id == local_id)
    return row.ssid, row.old_state_id


def test_replacement_moves_the_retired_ssid_to_old_state_id_and_undo_puts_it_back(builder: RunBuilder) -> None:
    store = builder.store
    retired = builder.district.student(2)
    local_id = retired.student.local_id
    assert _student(local_id) == (retired.retired_ssid, retired.student.old_state_id)
    assert any(i.kind.value == "retired_ssid" and i.local_ids == (local_id,) for i in local_issues(store)) is False

    preview = replacement.load_replacements(store, builder.files["replacements"], actor())
    assert (preview.changes, preview.unmatched, preview.already_applied) == (1, 0, 0)
    # A loaded extract tells the local duplicate check which SSIDs CALPADS retired.
    assert [str(i.key) for i in local_issues(store) if i.kind.value == "retired_ssid"] == [f"retired_ssid:{local_id}"]
    assert _student(local_id) == (retired.retired_ssid, retired.student.old_state_id)  # nothing applied yet

    applied = replacement.apply_replacements(store, preview.batch.id, actor("ana"))
    assert (applied.updated, dict(applied.counts)) == (1, {"student.ssid": 1, "student.old_state_id": 1, "students": 1})
    assert _student(local_id) == (retired.state_ssid, retired.retired_ssid)
    assert [i for i in local_issues(store) if i.kind.value == "retired_ssid"] == []

    with pytest.raises(StepRefused) as again:
        replacement.apply_replacements(store, preview.batch.id, actor("ana"))
    assert again.value.reason == f"the Replacement SSIDs batch {preview.batch.id} was already applied; apply_batch needs it loaded"

    assert replacement.undo_replacements(store, preview.batch.id, actor("ana")) == 2
    assert _student(local_id) == (retired.retired_ssid, retired.student.old_state_id)
    with pytest.raises(StepRefused):
        replacement.undo_replacements(store, preview.batch.id, actor("ana"))
    noted = [(r.what, r.file_kind, r.batch_id) for r in CalpadsHistoryRow.select().where(CalpadsHistoryRow.batch.is_null(False))]
    assert noted == [("loaded", "replacement_extract", preview.batch.id), ("applied", "replacement_extract", preview.batch.id),
                     ("undone", "replacement_extract", preview.batch.id)]
    assert [m.subject for m in OutboxRow.select()] == [f"SSID Workbench: Replacement SSIDs applied (batch {preview.batch.id})"]


def _replacement_file(builder: RunBuilder, rows: list[tuple[str, str, str]]) -> Path:
    return builder.write(
        "replacements.txt",
        write_replacements,
        [ReplacementRow(n, LEA, CdsCode("6019715"), LocalId(l), Ssid(r), Ssid(s)) for n, (l, r, s) in enumerate(rows, 1)],
    )


def test_a_chain_of_replacements_is_applied_as_one_change_and_undone_exactly(builder: RunBuilder) -> None:
    store = builder.store
    holder = next(s for s in builder.district.students() if s.student.ssid and s.case == "")
    first, a = holder.student.local_id, holder.student.ssid
    assert a is not None
    before = snapshot(skip=(RunTransitionRow, BatchChangeRow, CalpadsHistoryRow, OutboxRow))
    path = _replacement_file(builder, [(first, a, "5100000001"), (first, "5100000001", "5100000002"), ("999999", "5100000009", "5100000010")])
    preview = replacement.load_replacements(store, path, actor())
    assert (preview.changes, preview.unmatched) == (1, 1)
    lines = store.preview(preview.batch.id)
    assert [(i.line, i.kind, i.applied) for i in lines] == [(1, "replace", True), (2, "replace", False), (3, "no_local_student", False)]
    assert {c.field.value: (c.old, c.new) for c in lines[0].changes} == {
        "old_state_id": (holder.student.old_state_id, "5100000001"),
        "ssid": (a, "5100000002"),
    }
    replacement.apply_replacements(store, preview.batch.id, actor())
    assert _student(first) == ("5100000002", "5100000001")
    replacement.undo_replacements(store, preview.batch.id, actor())
    after = snapshot(skip=(RunTransitionRow, BatchChangeRow, CalpadsHistoryRow, OutboxRow))
    assert {k: v for k, v in after.items() if k != "batch" and k != "batch_preview_line"} == {
        k: v for k, v in before.items() if k != "batch" and k != "batch_preview_line"
    }


def test_a_replacement_file_of_another_lea_or_of_another_kind_is_refused_and_stores_nothing(builder: RunBuilder) -> None:
    store = builder.store
    text = builder.files["replacements"].read_bytes()
    other = builder.out("other.txt")
    other.write_bytes(b"1111111" + text[7:])
    before = snapshot()
    with pytest.raises(StepRefused) as refused:
        replacement.load_replacements(store, other, actor())
    assert refused.value.reason == "other.txt, line 1, field 1 (Reporting LEA): LEA 1111111 is not ours (1964212)"
    with pytest.raises(StepRefused) as wrong:
        replacement.load_replacements(store, builder.files["extract"], actor())
    assert wrong.value.reason.endswith("expected Replacement SSIDs Extract, found SSID Extract")
    assert snapshot() == before


def _sela_file(builder: RunBuilder, records: list[tuple[str, str, str, str]]) -> Path:
    """A SELA ODS download (SELA-R) with (local id, SSID, ELAS, start) records."""
    return builder.write("sela.txt", write_sela, [sela_record(local_id, ssid, elas, start) for local_id, ssid, elas, start in records])


def test_sela_import_sets_new_el_and_ifep_and_undo_restores(builder: RunBuilder) -> None:
    store = builder.store
    students = [s.student for s in builder.district.students() if s.student.ssid and s.case == ""]
    tbd, missing, settled = students[0], students[1], students[2]
    LanguageStatusRow.update(elas="TBD", elas_start=None).where(LanguageStatusRow.student == StudentRow.get(StudentRow.local_id == tbd.local_id).id).execute()
    LanguageStatusRow.delete().where(LanguageStatusRow.student == StudentRow.get(StudentRow.local_id == missing.local_id).id).execute()
    LanguageStatusRow.update(elas="EO").where(LanguageStatusRow.student == StudentRow.get(StudentRow.local_id == settled.local_id).id).execute()
    before = snapshot(skip=(RunTransitionRow, BatchChangeRow, CalpadsHistoryRow, OutboxRow))
    path = _sela_file(builder, [
        (tbd.local_id, tbd.ssid or "", "EL", "20250820"),
        (missing.local_id, missing.ssid or "", "IFEP", "20250902"),
        (settled.local_id, settled.ssid or "", "EL", "20250820"),  # already EO: left alone
        ("999999", "5100000009", "EL", "20250820"),  # no local student: listed
        (tbd.local_id, "", "RFEP", "20250821"),  # not a new identification: ignored
    ])
    preview = sela.load_sela(store, path, actor())
    assert (preview.changes, preview.unmatched, preview.already_set) == (2, 1, 1)
    applied = sela.apply_sela(store, preview.batch.id, actor("ana"))
    assert applied.updated == 2
    assert applied.counts["language_status.rows_created"] == 1
    languages = {r.student.local_id: (r.elas, r.elas_start) for r in LanguageStatusRow.select().join(StudentRow)}
    assert languages[tbd.local_id] == ("EL", dt.date(2025, 8, 20))
    assert languages[missing.local_id] == ("IFEP", dt.date(2025, 9, 2))
    assert languages[settled.local_id][0] == "EO"
    assert sela.undo_sela(store, preview.batch.id, actor("ana")) == 4
    after = snapshot(skip=(RunTransitionRow, BatchChangeRow, CalpadsHistoryRow, OutboxRow))
    assert after["language_status"] == before["language_status"]
    assert after["student"] == before["student"]


def test_acknowledging_a_retired_ssid_lets_resolve_mids_pass(builder: RunBuilder) -> None:
    # The run in `updated` is closed by cancelling; a new run meets the retired SSID as a local issue.
    store = builder.store
    lifecycle.cancel_run(store, builder.run_id, actor())
    replacement.load_replacements(store, builder.files["replacements"], actor())
    run = lifecycle.start_run(store, actor())
    with pytest.raises(StepRefused) as refused:
        lifecycle.resolve_mids(store, run.id, actor(), attested=True)
    assert "unacknowledged issue" in refused.value.reason
    lifecycle.acknowledge_issues(store, ["all"], actor())
    assert lifecycle.resolve_mids(store, run.id, actor(), attested=True).state is RunState.MIDS_RESOLVED
    assert store.batches_of(BatchKind.REPLACEMENT)[0].state == "loaded"
