"""The SSID Extract preview the database computes (store.extract_preview) is the domain's plan, line for line.

The district is shaped so that every outcome occurs: new, unchanged, conflict / replace, an SSID
held by another student, a repeated line, an unknown local id, ELAS and SWD changes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import peewee
import pytest

from domain.planning.extract import ExtractChange, reference_extract_plan
from domain.planning.identity import FieldChange, IdentityField, lookup_by_local_id, lookup_by_ssid
from domain.readers import open_ssid_extract
from domain.runs import PreviewItem, RunState
from store.tables import LanguageStatusRow, SpecialEducationRow, StudentRow
from tests.integration.workflow_builder import RunBuilder, actor
from workflows.run import extract


def _expected(change: ExtractChange) -> PreviewItem:
    """The preview line of one planned extract line (what the preview showed when planned in Python)."""
    if change.outcome.applied:
        changes = tuple(change.field_changes())
    else:
        old = change.before.ssid if change.before is not None else None
        changes = (FieldChange(change.local_id, IdentityField.SSID, old, change.ssid),)
    return PreviewItem(
        line=change.line, local_id=change.local_id, kind=change.outcome.value, applied=change.outcome.applied, changes=changes
    )


def _comparable(item: PreviewItem) -> tuple[object, ...]:
    """A preview line with its field changes in one order (the stored preview lists them by field)."""
    changes = sorted((c.field.value, c.old, c.new) for c in item.changes)
    return item.line, item.local_id, item.kind, item.applied, changes, item.detail


def _every_case(builder: RunBuilder, tmp_path: Path) -> Path:
    """The run's extract plus lines for the outcomes it lacks; local data that the extract changes."""
    lines = builder.files["extract"].read_text(encoding="utf-8").splitlines()
    rows = list(open_ssid_extract(builder.files["extract"]))
    with_ssid = [r for r in rows if StudentRow.get(StudentRow.local_id == r.local_id).ssid]
    without = [r for r in rows if not StudentRow.get(StudentRow.local_id == r.local_id).ssid]
    assert len(with_ssid) >= 6 and without
    conflict, held_holder, held_taker = with_ssid[0], with_ssid[1], with_ssid[2]
    StudentRow.update(ssid="1999999999").where(StudentRow.local_id == conflict.local_id).execute()
    special = {conflict.local_id, held_holder.local_id, held_taker.local_id}
    elas_row = next(r for r in rows if r.elas and r.elas_start and r.local_id not in special)
    sid = StudentRow.get(StudentRow.local_id == elas_row.local_id).id
    LanguageStatusRow.update(elas="TBD", elas_start=None).where(LanguageStatusRow.student == sid).execute()
    swd_row = next((r for r in rows if r.swd == "Y" and r.local_id not in special), None)
    if swd_row is not None:
        SpecialEducationRow.delete().where(SpecialEducationRow.student == StudentRow.get(StudentRow.local_id == swd_row.local_id).id).execute()
    # A student without SSID whom the file gives the SSID another student holds; an unknown
    # local id; a student's local id on a second line (another enrollment start; a line repeated
    # exactly is refused whole, tests/integration/test_workflow_file_catalogue.py).
    StudentRow.update(ssid=None).where(StudentRow.local_id == held_taker.local_id).execute()
    taker = next(i for i, r in enumerate(rows) if r.local_id == held_taker.local_id)
    parts = lines[taker].split("^")
    parts[2] = held_holder.ssid
    lines[taker] = "^".join(parts)
    unknown = lines[0].split("^")
    unknown[3] = "99999999"
    again = lines[5].split("^")
    again[9] = "20250815" if again[9] != "20250815" else "20250816"
    lines += ["^".join(unknown), "^".join(again)]
    path = tmp_path / "every_case.txt"
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))
    return path


@pytest.mark.parametrize("overwrite", [False, True])
def test_the_database_preview_is_the_domain_plan(database: peewee.Database, tmp_path: Path, overwrite: bool) -> None:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.UPDATED)
    path = _every_case(builder, tmp_path)
    identities = list(builder.store.iter_identities())
    plan = reference_extract_plan(open_ssid_extract(path), lookup_by_local_id(identities), overwrite=overwrite,
                        ssid_holders=lookup_by_ssid(identities))  # fmt: skip
    expected = [_expected(change) for change in plan.lines]

    preview = extract.load_extract(builder.store, builder.run_id, path, actor(), overwrite=overwrite)

    shown = builder.store.preview(preview.batch.id)
    assert [_comparable(i) for i in shown] == [_comparable(i) for i in expected]
    kinds = {i.kind for i in shown}
    wanted = {"new", "unchanged", "ssid_held_by_another", "repeated_line", "no_local_student"}
    assert wanted | {"replace" if overwrite else "conflict"} <= kinds
    assert any(c.field is IdentityField.ELAS for i in shown for c in i.changes)
    counts = dict(preview.batch.counts)
    assert {k: counts[k] for k in dataclasses.asdict(plan.counts) if k not in ("unmatched",)} == {
        k: v for k, v in dataclasses.asdict(plan.counts).items() if k != "unmatched"
    }
    assert counts["changes"] == len(plan.changed())
    assert counts["unmatched"] == plan.counts.unmatched + plan.counts.ambiguous + plan.counts.repeated
