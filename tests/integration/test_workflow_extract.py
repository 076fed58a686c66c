"""Step 7 on a real database: the SSID Extract's preview, apply and undo, field by field."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from domain.planning.identity import LocalIdentity
from domain.readers import open_ssid_extract
from domain.runs import BatchKind, FileKind, RunState
from domain.values import LocalId, Ssid
from domain.writers import write_ssid_extract
from store.tables import (
    AppliedExtractLineRow,
    BatchChangeRow,
    CalpadsHistoryRow,
    LanguageStatusRow,
    RunTransitionRow,
    SpecialEducationRow,
    StudentRow,
)
from tests.integration.workflow_builder import RunBuilder, actor, snapshot
from workflows.run import extract, extract_check
from workflows.errors import StepRefused

FIELDS = ("ssid", "old_state_id", "elas", "elas_start", "swd")


def _identities(builder: RunBuilder) -> dict[LocalId, LocalIdentity]:
    return {i.local_id: i for i in builder.store.iter_identities()}


def _differences(before: dict[LocalId, LocalIdentity], after: dict[LocalId, LocalIdentity]) -> dict[str, int]:
    changed = dict.fromkeys(FIELDS, 0)
    for local_id, old in before.items():
        for name in FIELDS:
            changed[name] += getattr(old, name) != getattr(after[local_id], name)
    return changed


@pytest.fixture
def at_updated(database: peewee.Database, tmp_path: Path) -> RunBuilder:
    builder = RunBuilder(database, tmp_path, students=60)
    builder.to(RunState.UPDATED)
    return builder


def _make_the_extract_change_elas_and_swd(builder: RunBuilder) -> list[LocalId]:
    """Local ELAS and SWD values the extract will change: blank some, drop some rows entirely."""
    rows = [r for r in open_ssid_extract(builder.files["extract"]) if r.elas and r.elas_start]
    swd_rows = [r for r in open_ssid_extract(builder.files["extract"]) if r.swd == "Y"]
    assert len(rows) >= 4 and len(swd_rows) >= 2
    ids = [r.local_id for r in rows[:4]]
    students = {s.local_id: s.id for s in StudentRow.select(StudentRow.local_id, StudentRow.id)}
    LanguageStatusRow.update(elas="TBD", elas_start=None).where(LanguageStatusRow.student == students[ids[0]]).execute()
    LanguageStatusRow.update(elas=None).where(LanguageStatusRow.student == students[ids[1]]).execute()
    LanguageStatusRow.delete().where(LanguageStatusRow.student << [students[ids[2]], students[ids[3]]]).execute()
    SpecialEducationRow.update(swd="N").where(SpecialEducationRow.student == students[swd_rows[0].local_id]).execute()
    SpecialEducationRow.delete().where(SpecialEducationRow.student == students[swd_rows[1].local_id]).execute()
    return ids


def test_undo_restores_every_changed_field_exactly(at_updated: RunBuilder) -> None:
    builder = at_updated
    _make_the_extract_change_elas_and_swd(builder)
    before = _identities(builder)
    tables = snapshot(skip=(RunTransitionRow, BatchChangeRow, CalpadsHistoryRow))

    preview = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor(), overwrite=True)
    assert preview.changes > 0
    applied = extract.apply_extract(builder.store, builder.run_id, actor("ana"))
    after = _identities(builder)
    changed = _differences(before, after)
    assert all(changed[name] > 0 for name in FIELDS), changed  # every kind of field really changed
    assert applied.updated == sum(1 for i in before if before[i] != after[i])
    assert applied.counts["language_status.rows_created"] == 2
    assert applied.counts["special_education.rows_created"] == 1

    restored = extract.undo_extract(builder.store, builder.run_id, actor("ana")).restored
    assert restored == sum(changed.values())
    undone = _identities(builder)
    for local_id, old in before.items():
        for name in FIELDS:
            assert getattr(undone[local_id], name) == getattr(old, name), (local_id, name)
    # The rows apply had to create are gone again; everything else is as it was (batch aside).
    now = snapshot(skip=(RunTransitionRow, BatchChangeRow, CalpadsHistoryRow))
    for table in ("student", "language_status", "special_education", "enrollment", "guardian"):
        assert now[table] == tables[table], table
    assert builder.store.get_batch(applied.batch.id).state == "undone"  # type: ignore[union-attr]


def test_apply_retires_the_request_file_and_notes_every_file(at_updated: RunBuilder) -> None:
    builder = at_updated
    store = builder.store
    assert [f.kind for f in store.generated_files(builder.run_id)] == [FileKind.UPDATED, FileKind.REQUEST]
    extract.load_extract(store, builder.run_id, builder.files["extract"], actor())
    extract.apply_extract(store, builder.run_id, actor())
    assert [f.kind for f in store.generated_files(builder.run_id)] == [FileKind.UPDATED]
    assert [f.kind for f in store.generated_files(builder.run_id, include_retired=True)] == [FileKind.UPDATED, FileKind.REQUEST]
    noted = [(r.what, r.file_kind) for r in CalpadsHistoryRow.select().order_by(CalpadsHistoryRow.id)]
    assert noted == [
        ("produced", "request"),
        ("loaded", "match_result"),
        ("produced", "updated"),
        ("loaded", "ssid_extract"),
        ("applied", "ssid_extract"),
    ]


def test_a_preview_that_no_longer_matches_the_students_is_refused(at_updated: RunBuilder) -> None:
    builder = at_updated
    preview = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    new = next(i for i in builder.store.preview(preview.batch.id, applied=True) if i.kind == "new")
    StudentRow.update(ssid="5999999999").where(StudentRow.local_id == new.local_id).execute()
    before = snapshot(skip=(RunTransitionRow,))
    with pytest.raises(StepRefused) as refused:
        extract.apply_extract(builder.store, builder.run_id, actor())
    assert refused.value.reason == (
        f"1 student field(s) changed since the SSID Extract batch {preview.batch.id} was previewed; load the file again"
    )
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert builder.store.get_run(builder.run_id).state is RunState.UPDATED  # type: ignore[union-attr]


def test_an_extract_of_another_lea_is_refused_naming_the_line(at_updated: RunBuilder) -> None:
    builder = at_updated
    lines = builder.files["extract"].read_bytes().split(b"\r\n")
    lines[2] = b"1111111" + lines[2][7:]
    other = builder.out("other_lea.txt")
    other.write_bytes(b"\r\n".join(lines))
    before = snapshot(skip=(RunTransitionRow,))
    with pytest.raises(StepRefused) as refused:
        extract.load_extract(builder.store, builder.run_id, other, actor())
    assert refused.value.reason == "other_lea.txt, line 3, field 1 (Reporting LEA): LEA 1111111 is not ours (1964212)"
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert builder.store.batches_of(BatchKind.EXTRACT) == []


def test_a_conflicting_ssid_is_listed_and_not_applied_unless_overwrite(at_updated: RunBuilder) -> None:
    builder = at_updated
    retired = builder.district.student(2)  # the district still holds the SSID CALPADS retired
    assert retired.retired_ssid is not None and retired.state_ssid is not None
    preview = extract.load_extract(builder.store, builder.run_id, builder.files["extract"], actor())
    listed = {i.local_id: i for i in builder.store.preview(preview.batch.id, applied=False)}
    conflict = listed[retired.student.local_id]
    assert conflict.kind == "conflict"
    assert [(c.field.value, c.old, c.new) for c in conflict.changes] == [("ssid", retired.retired_ssid, retired.state_ssid)]
    extract.apply_extract(builder.store, builder.run_id, actor())
    kept = _identities(builder)[retired.student.local_id]
    assert (kept.ssid, kept.old_state_id) == (Ssid(retired.retired_ssid), retired.student.old_state_id)


# -- read once, a block of lines at a time, into the database as written (store.extract_preview) -------
# What a person sees is what the line-by-line reading showed: the first problem of the file in line
# order is the one refused, whichever check finds it, also across blocks; both layouts give the same
# preview; the values kept for the SIS are the file's, quotes and backslashes included.

# Each test below runs twice: the lines checked here as they are staged, and checked in a second
# process while this one stages them (workflows.run.extract_check, used from APART_BYTES on).

_AT = {"lea": 0, "local_id": 3, "last": 4, "birth": 8}
CHECKED = ("here", "apart")


@dataclass
class Checked:
    """Where a test's loads check the lines, and per load whether a second process answered."""

    apart: bool
    answers: list[bool] = field(default_factory=list)

    def were_where_asked(self, loads: int) -> bool:
        return self.answers == ([True] * loads if self.apart else [])


@pytest.fixture(params=CHECKED)
def checked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Checked:
    where = Checked(apart=request.param == "apart")
    monkeypatch.setattr(extract_check, "APART_BYTES", 0 if where.apart else 2**62)
    result = extract_check.ExtractLineCheck.result

    def noted(check: extract_check.ExtractLineCheck) -> extract_check.ExtractLinesChecked:
        answer = result(check)
        where.answers.append(answer.apart)
        return answer

    monkeypatch.setattr(extract_check.ExtractLineCheck, "result", noted)
    return where


def _lines(builder: RunBuilder) -> list[str]:
    return builder.files["extract"].read_text(encoding="utf-8").splitlines()


def _with(line: str, field: str, value: str) -> str:
    parts = line.split("^")
    parts[_AT[field]] = value
    return "^".join(parts)


def _write(builder: RunBuilder, name: str, lines: list[str]) -> Path:
    path = builder.out(name)
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))
    return path


def _refusal(builder: RunBuilder, path: Path) -> str:
    before = snapshot(skip=(RunTransitionRow,))
    with pytest.raises(StepRefused) as refused:
        extract.load_extract(builder.store, builder.run_id, path, actor())
    assert snapshot(skip=(RunTransitionRow,)) == before
    assert builder.store.batches_of(BatchKind.EXTRACT) == []
    return refused.value.reason


def _repeat_then_bad_date(lines: list[str]) -> None:
    lines[3] = lines[0]
    lines[6] = _with(lines[6], "birth", "20230230")


def _bad_date_then_repeat(lines: list[str]) -> None:
    lines[2] = _with(lines[2], "birth", "20230230")
    lines[5] = lines[0]


def _repeat_then_other_lea(lines: list[str]) -> None:
    lines[3] = lines[0]
    lines[5] = _with(lines[5], "lea", "1111111")


def _other_lea_then_repeat(lines: list[str]) -> None:
    lines[2] = _with(lines[2], "lea", "1111111")
    lines[5] = lines[0]


def _bad_date_then_extra_field(lines: list[str]) -> None:
    lines[2] = _with(lines[2], "birth", "20230230")
    lines[4] = lines[4] + "^"


def _control_characters(lines: list[str]) -> None:
    lines[3] = _with(lines[3], "last", "Ab\x00c")
    lines[5] = _with(lines[5], "last", "Ab\rc")


def _carriage_return(lines: list[str]) -> None:
    lines[5] = _with(lines[5], "last", "Ab\rc")


REPEAT = "case.txt, line 4: repeats line 1 exactly (was the file pasted or saved twice?); download it again"
CASES: dict[str, tuple[Callable[[list[str]], None], str]] = {
    "repeat_then_bad_date": (_repeat_then_bad_date, REPEAT),
    "bad_date_then_repeat": (_bad_date_then_repeat, "case.txt, line 3, field 9 (Student Birth Date): is not a real calendar date"),
    "repeat_then_other_lea": (_repeat_then_other_lea, REPEAT),
    "other_lea_then_repeat": (_other_lea_then_repeat, "case.txt, line 3, field 1 (Reporting LEA): LEA 1111111 is not ours (1964212)"),
    "bad_date_then_extra_field": (_bad_date_then_extra_field, "case.txt, line 3, field 9 (Student Birth Date): is not a real calendar date"),
    "control_characters": (_control_characters, "case.txt, line 4, field 5 (Student Legal Last Name): contains a control character"),
    "carriage_return": (_carriage_return, "case.txt, line 6, field 5 (Student Legal Last Name): contains a line break"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_first_problem_in_line_order_is_the_one_refused(at_updated: RunBuilder, case: str, checked: Checked) -> None:
    lines = _lines(at_updated)
    change, expected = CASES[case]
    change(lines)
    assert _refusal(at_updated, _write(at_updated, "case.txt", lines)) == expected
    assert checked.were_where_asked(loads=1)


def test_a_repeat_in_a_later_block_comes_before_a_broken_line_after_it(at_updated: RunBuilder, checked: Checked) -> None:
    first = _lines(at_updated)[0]
    # Over a megabyte: the file is read in more than one block. Unknown local ids change nobody.
    lines = [_with(first, "local_id", f"9{n:07d}") for n in range(15_000)]
    lines[12_000] = lines[10]
    lines[14_000] = lines[14_000] + "^"
    reason = _refusal(at_updated, _write(at_updated, "long.txt", lines))
    assert reason == "long.txt, line 12001: repeats line 11 exactly (was the file pasted or saved twice?); download it again"
    lines[12_000] = _with(lines[12_000], "local_id", "99999999")
    reason = _refusal(at_updated, _write(at_updated, "long.txt", lines))
    assert reason == "long.txt, line 14001: has 17 fields; SSID Extract current (16 columns) has 16"
    assert checked.were_where_asked(loads=2)


def _preview(builder: RunBuilder, path: Path) -> list[tuple[object, ...]]:
    loaded = extract.load_extract(builder.store, builder.run_id, path, actor())
    return [(i.line, i.local_id, i.kind, i.applied, i.changes) for i in builder.store.preview(loaded.batch.id)]


def test_both_layouts_give_the_same_preview(at_updated: RunBuilder, checked: Checked) -> None:
    rows = list(open_ssid_extract(at_updated.files["extract"]))
    StudentRow.update(ssid=None).where(StudentRow.local_id.in_([r.local_id for r in rows[:5]])).execute()
    old = io.BytesIO()
    write_ssid_extract(rows, old, version="2019")
    older = at_updated.out("extract_2019.txt")
    older.write_bytes(old.getvalue())
    current = _preview(at_updated, at_updated.files["extract"])
    assert sum(1 for line in current if line[2] == "new") >= 5
    assert _preview(at_updated, older) == current
    newest = at_updated.store.batches_of(BatchKind.EXTRACT)[0]  # the 2019 file's
    kept = AppliedExtractLineRow.select().where(AppliedExtractLineRow.batch == newest.id).limit(1).get()
    assert kept.legal_middle is None and kept.swd is None  # the 2019 layout has neither column
    assert checked.were_where_asked(loads=2)


def test_the_lines_kept_for_the_sis_hold_the_values_as_written(at_updated: RunBuilder, checked: Checked) -> None:
    lines = _lines(at_updated)
    local_id = lines[1].split("^")[3]
    StudentRow.update(ssid=None).where(StudentRow.local_id == local_id).execute()
    lines[1] = _with(lines[1], "last", "O'Brien\\Díaz \"Jr\"")
    loaded = extract.load_extract(at_updated.store, at_updated.run_id, _write(at_updated, "as_written.txt", lines), actor())
    kept = AppliedExtractLineRow.get(AppliedExtractLineRow.batch == loaded.batch.id, AppliedExtractLineRow.line == 2)
    assert kept.legal_last == "O'Brien\\Díaz \"Jr\""
    row = next(r for r in open_ssid_extract(_write(at_updated, "again.txt", lines)) if r.line == 2)
    assert (kept.local_id, kept.ssid, kept.birth_date, kept.enroll_start, kept.elas, kept.elas_start, kept.swd) == (
        row.local_id, row.ssid, row.birth_date, row.enroll_start, row.elas, row.elas_start, row.swd
    )
    assert isinstance(kept.birth_date, dt.date)
    assert checked.were_where_asked(loads=1)
