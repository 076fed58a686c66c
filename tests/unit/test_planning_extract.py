"""Step 7: the SSID Extract preview, line by line, and the field changes it would apply."""

from __future__ import annotations

import datetime as dt

from domain.planning import (
    ExtractCounts,
    FieldChange,
    IdentityField,
    LocalIdentity,
    SsidOutcome,
    lookup_by_local_id,
    lookup_by_ssid,
    reference_extract_plan,
)
from domain.records import ExtractRow
from domain.values import CdsCode, LocalId, Ssid

F = IdentityField


def _row(line: int, local_id: str, ssid: str, elas: str | None = None, elas_start: dt.date | None = None,
         swd: str | None = None) -> ExtractRow:
    return ExtractRow(
        line, CdsCode("1964212"), CdsCode("6000001"), Ssid(ssid), LocalId(local_id), "LOPEZ", "MARIA", "ELENA",
        "F", dt.date(2015, 3, 14), dt.date(2025, 8, 14), "05", elas, elas_start, "01", None, swd,
    )


def _local(local_id: str, ssid: str | None = None, **fields: object) -> LocalIdentity:
    return LocalIdentity(LocalId(local_id), Ssid(ssid) if ssid else None, **fields)  # type: ignore[arg-type]


AUG = dt.date(2025, 8, 20)
LOCAL = [
    _local("1"),
    _local("2", "2000000002"),
    _local("3", "3000000003", old_state_id=Ssid("3999999999")),
    _local("5"),
    _local("5"),
    _local("6", elas="TBD", elas_start=dt.date(2025, 8, 14), swd="N"),
    _local("7", "7000000007", elas="EL", elas_start=AUG, swd="Y"),
]
ROWS = [
    _row(1, "1", "1000000001"),
    _row(2, "2", "2000000002"),
    _row(3, "3", "3000000033", elas="EL", elas_start=AUG, swd="Y"),
    _row(4, "4", "4000000004"),
    _row(5, "5", "5000000005"),
    _row(6, "6", "6000000006", elas="EL", elas_start=AUG, swd="Y"),
    _row(7, "7", "7000000007", elas="EL", elas_start=AUG, swd="Y"),
    _row(8, "1", "1000000001"),
]


def test_every_line_gets_an_outcome_and_the_counts_add_up() -> None:
    plan = reference_extract_plan(ROWS, lookup_by_local_id(LOCAL), overwrite=False)
    assert [(c.line, c.local_id, c.outcome) for c in plan.lines] == [
        (1, "1", SsidOutcome.NEW),
        (2, "2", SsidOutcome.UNCHANGED),
        (3, "3", SsidOutcome.CONFLICT),
        (4, "4", SsidOutcome.NO_LOCAL_STUDENT),
        (5, "5", SsidOutcome.MORE_THAN_ONE_LOCAL),
        (6, "6", SsidOutcome.NEW),
        (7, "7", SsidOutcome.UNCHANGED),
        (8, "1", SsidOutcome.REPEATED_LINE),
    ]
    assert plan.counts == ExtractCounts(
        new=2, unchanged=2, conflict=1, unmatched=1, ambiguous=1, repeated=1, elas_changes=1, swd_changes=1
    )
    assert [c.line for c in plan.not_applied()] == [3, 4, 5, 8]
    assert [c.line for c in plan.changed()] == [1, 6]


def test_field_changes_carry_old_and_new_values_for_the_journal() -> None:
    plan = reference_extract_plan(ROWS, lookup_by_local_id(LOCAL), overwrite=False)
    assert list(plan.field_changes()) == [
        FieldChange(LocalId("1"), F.SSID, None, "1000000001"),
        FieldChange(LocalId("6"), F.SSID, None, "6000000006"),
        FieldChange(LocalId("6"), F.ELAS, "TBD", "EL"),
        FieldChange(LocalId("6"), F.ELAS_START, dt.date(2025, 8, 14), AUG),
        FieldChange(LocalId("6"), F.SWD, "N", "Y"),
    ]


def test_overwrite_replaces_a_conflicting_ssid_and_keeps_the_old_one_as_old_state_id() -> None:
    plan = reference_extract_plan([ROWS[2]], lookup_by_local_id(LOCAL), overwrite=True)
    assert plan.lines[0].outcome is SsidOutcome.REPLACE
    assert plan.counts.replaced == 1 and plan.counts.conflict == 0
    assert list(plan.field_changes()) == [
        FieldChange(LocalId("3"), F.OLD_STATE_ID, "3999999999", "3000000003"),
        FieldChange(LocalId("3"), F.SSID, "3000000003", "3000000033"),
        FieldChange(LocalId("3"), F.ELAS, None, "EL"),
        FieldChange(LocalId("3"), F.ELAS_START, None, AUG),
        FieldChange(LocalId("3"), F.SWD, None, "Y"),
    ]


def test_a_conflict_without_overwrite_applies_nothing_of_its_line() -> None:
    plan = reference_extract_plan([ROWS[2]], lookup_by_local_id(LOCAL), overwrite=False)
    assert list(plan.field_changes()) == []
    assert plan.counts.elas_changes == 0


def test_swd_is_only_ever_set_to_y() -> None:
    local = [_local("1", "1000000001", swd="Y"), _local("2", "2000000002", swd=None)]
    rows = [_row(1, "1", "1000000001", swd="N"), _row(2, "2", "2000000002", swd=None)]
    assert list(reference_extract_plan(rows, lookup_by_local_id(local), overwrite=False).field_changes()) == []


def test_an_ssid_another_local_student_holds_is_not_given_twice() -> None:
    local = [_local("1"), _local("9", "1000000001")]
    plan = reference_extract_plan([_row(1, "1", "1000000001")], lookup_by_local_id(local), overwrite=False,
                        ssid_holders=lookup_by_ssid(local))
    assert plan.lines[0].outcome is SsidOutcome.SSID_HELD_BY_ANOTHER
    assert plan.counts.held_by_another == 1
    assert list(plan.field_changes()) == []


def test_a_plain_mapping_serves_as_the_local_lookup() -> None:
    plan = reference_extract_plan([_row(1, "1", "1000000001")], {LocalId("1"): _local("1")}, overwrite=False)
    assert plan.lines[0].outcome is SsidOutcome.NEW
    plan = reference_extract_plan([_row(1, "2", "1000000001")], {LocalId("1"): _local("1")}, overwrite=False)
    assert plan.lines[0].outcome is SsidOutcome.NO_LOCAL_STUDENT


def test_the_2019_layout_without_swd_changes_no_swd() -> None:
    plan = reference_extract_plan([_row(1, "6", "6000000006", swd=None)], lookup_by_local_id(LOCAL), overwrite=False)
    assert [c.field for c in plan.field_changes()] == [F.SSID]


def test_every_line_of_the_plan_carries_the_files_ssid_and_the_local_student_found() -> None:
    """What the preview lists per line: the SSID the file gives even where nothing is applied, and the student found."""
    by_id = {s.local_id: s for s in LOCAL}
    plan = reference_extract_plan(ROWS, lookup_by_local_id(LOCAL), overwrite=True)
    assert plan.overwrite is True
    assert [(c.line, c.ssid, c.before) for c in plan.lines] == [
        (1, "1000000001", by_id[LocalId("1")]),
        (2, "2000000002", by_id[LocalId("2")]),
        (3, "3000000033", by_id[LocalId("3")]),
        (4, "4000000004", None),
        (5, "5000000005", None),
        (6, "6000000006", by_id[LocalId("6")]),
        (7, "7000000007", by_id[LocalId("7")]),
        (8, "1000000001", None),
    ]
    held = reference_extract_plan([ROWS[0]], lookup_by_local_id(LOCAL), overwrite=False,
                                  ssid_holders=lookup_by_ssid([_local("9", "1000000001")]))
    assert [(c.outcome, c.ssid, c.before) for c in held.lines] == [
        (SsidOutcome.SSID_HELD_BY_ANOTHER, "1000000001", by_id[LocalId("1")])
    ]
    assert reference_extract_plan([], lookup_by_local_id(LOCAL), overwrite=False).overwrite is False


def test_elas_and_swd_changes_are_counted_line_by_line_and_a_new_start_date_alone_is_an_elas_change() -> None:
    local = [_local("1", elas="EL", elas_start=AUG), _local("2", elas="EL", elas_start=AUG), _local("3")]
    rows = [
        _row(1, "1", "1000000001", elas="EL", elas_start=dt.date(2025, 9, 1), swd="Y"),
        _row(2, "2", "2000000002", elas="RFEP", swd="Y"),
        _row(3, "3", "3000000003", elas="EL", swd="Y"),
    ]
    plan = reference_extract_plan(rows, lookup_by_local_id(local), overwrite=False)
    assert (plan.counts.elas_changes, plan.counts.swd_changes) == (3, 3)
    assert [(c.elas, c.elas_start, c.swd) for c in plan.lines] == [
        (None, dt.date(2025, 9, 1), True), ("RFEP", None, True), ("EL", None, True)
    ]
