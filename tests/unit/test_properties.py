"""The domain's properties, pinned one by one.

Mutation testing (``make mutate``) does not change decorated functions, ``@property`` included,
so what these answer is pinned here directly rather than measured.
"""

from __future__ import annotations

import datetime as dt
import io

from domain.layouts import layout
from domain.planning import DeleteReason, ExclusionReason, OdsPlan, SsidOutcome
from domain.readers import open_replacements
from domain.records import SenrRecord
from domain.runs import Run, RunState
from domain.values import AcademicYear


def test_an_academic_year_runs_from_july_1_to_june_30_and_is_written_ccyy_ccyy() -> None:
    year = AcademicYear(2025)
    assert (year.code, str(year), year.first_day, year.last_day) == (
        "2025-2026", "2025-2026", dt.date(2025, 7, 1), dt.date(2026, 6, 30)
    )


def test_only_new_unchanged_and_replace_extract_lines_are_applied() -> None:
    assert {o for o in SsidOutcome if o.applied} == {SsidOutcome.NEW, SsidOutcome.UNCHANGED, SsidOutcome.REPLACE}


def test_reasons_read_as_the_console_shows_them() -> None:
    assert [r.text for r in DeleteReason] == [
        "the student has no local enrollment this year",
        "the local enrollment has another school or start date (deleted, then added)",
    ]
    assert {r: r.text for r in ExclusionReason} == {
        ExclusionReason.INACTIVE: "inactive",
        ExclusionReason.NO_CURRENT_ENROLLMENT: "no current enrollment",
        ExclusionReason.SCHOOL_NOT_SELECTED: "school not selected",
        ExclusionReason.FUTURE_START: "future start",
        ExclusionReason.NOT_KEPT: "not in the KEEP selection",
        ExclusionReason.SKIPPED: "skipped",
        ExclusionReason.POSSIBLE_DUPLICATE: "possible duplicate",
    }


def test_a_layout_names_its_fields_and_itself() -> None:
    extract = layout("SSID Extract", "2019")
    assert (extract.width, extract.title, extract.fields[3].label) == (
        14, "SSID Extract 2019 (14 columns)", "field 4 (Local Student ID)"
    )
    parsed = open_replacements(io.BytesIO(b"1964212^6000001^100234^1234567890^2234567890\r\n"))
    assert parsed.kind == "Replacement SSIDs Extract"


def test_only_a_loaded_or_cancelled_run_is_closed() -> None:
    opened = dt.datetime(2025, 9, 1, tzinfo=dt.timezone.utc)
    closed = {s for s in RunState if not Run(id=1, state=s, opened_at=opened, opened_by="admin").is_open}
    assert closed == {RunState.EXTRACT_LOADED, RunState.CANCELLED}


def test_an_ods_plan_makes_the_records_of_each_file() -> None:
    def text(local_id: str) -> str:
        return "^".join(SenrRecord(local_student_id=local_id).values())

    plan = OdsPlan(
        delete_texts=[(text("1"), DeleteReason.ENROLLMENT_CHANGED)], replace_texts=[text("2")], add_texts=[text("3")]
    )
    assert [(d.record.local_student_id, d.reason) for d in plan.deletes] == [("1", DeleteReason.ENROLLMENT_CHANGED)]
    assert [r.local_student_id for r in (*plan.delete_records, *plan.replaces, *plan.adds)] == ["1", "2", "3"]
