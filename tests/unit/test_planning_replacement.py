"""Replacement SSIDs: retired SSID to Old State ID, replacement to SSID, and what is not applied."""

from __future__ import annotations

from domain.planning import (
    FieldChange,
    IdentityField,
    LocalIdentity,
    ReplacementOutcome,
    lookup_by_local_id,
    lookup_by_ssid,
    plan_replacements,
)
from domain.records import ReplacementRow
from domain.values import CdsCode, LocalId, Ssid

R = ReplacementOutcome


def _row(line: int, local_id: str, retired: str, replacement: str) -> ReplacementRow:
    return ReplacementRow(line, CdsCode("1964212"), CdsCode("6000001"), LocalId(local_id), Ssid(retired), Ssid(replacement))


def _local(local_id: str, ssid: str | None, old: str | None = None) -> LocalIdentity:
    return LocalIdentity(LocalId(local_id), Ssid(ssid) if ssid else None, Ssid(old) if old else None)


LOCAL = [
    _local("1", "1000000001", "1999999999"),
    _local("2", "2000000002"),
    _local("3", "3000000033", "3000000003"),
    _local("4", "4000000004"),
    _local("5", "5000000005"),
    _local("6", "5000000005"),
    _local("7", None),
]


def _plan(*rows: ReplacementRow) -> list[tuple[int, str, ReplacementOutcome]]:
    plan = plan_replacements(rows, lookup_by_local_id(LOCAL), lookup_by_ssid(LOCAL))
    return [(c.line, c.local_id, c.outcome) for c in plan.lines]


def test_each_line_is_matched_by_the_retired_ssid_or_the_last_known_local_id() -> None:
    assert _plan(
        _row(1, "1", "1000000001", "1000000011"),
        _row(2, "X", "2000000002", "2000000022"),  # CALPADS' last known local id is not ours: the SSID finds her
        _row(3, "3", "3000000003", "3000000033"),
        _row(4, "4", "4444444444", "4000000044"),
        _row(5, "9", "9000000009", "9000000099"),
        _row(6, "5", "5000000005", "5000000055"),
        _row(7, "7", "7000000007", "7000000077"),
    ) == [
        (1, "1", R.REPLACE),
        (2, "2", R.REPLACE),
        (3, "3", R.ALREADY_APPLIED),
        (4, "4", R.SSID_DIFFERS),
        (5, "9", R.NO_LOCAL_STUDENT),
        (6, "5", R.MORE_THAN_ONE_LOCAL),
        (7, "7", R.SSID_DIFFERS),
    ]


def test_the_retired_ssid_moves_to_old_state_id() -> None:
    plan = plan_replacements([_row(1, "1", "1000000001", "1000000011")], lookup_by_local_id(LOCAL), lookup_by_ssid(LOCAL))
    assert list(plan.field_changes()) == [
        FieldChange(LocalId("1"), IdentityField.OLD_STATE_ID, "1999999999", "1000000001"),
        FieldChange(LocalId("1"), IdentityField.SSID, "1000000001", "1000000011"),
    ]
    assert plan.count(R.REPLACE) == 1 and plan.not_applied() == []


def test_a_chain_of_replacements_ends_on_the_last_ssid() -> None:
    plan = plan_replacements(
        [_row(1, "2", "2000000002", "2000000022"), _row(2, "2", "2000000022", "2000000222")],
        lookup_by_local_id(LOCAL),
        lookup_by_ssid(LOCAL),
    )
    assert [c.outcome for c in plan.lines] == [R.REPLACE, R.REPLACE]
    assert [(c.field, c.old, c.new) for c in plan.field_changes()] == [
        (IdentityField.OLD_STATE_ID, None, "2000000002"),
        (IdentityField.SSID, "2000000002", "2000000022"),
        (IdentityField.OLD_STATE_ID, "2000000002", "2000000022"),
        (IdentityField.SSID, "2000000022", "2000000222"),
    ]


def test_a_line_repeated_after_it_was_planned_is_already_applied() -> None:
    row = _row(1, "2", "2000000002", "2000000022")
    assert _plan(row, row) == [(1, "2", R.REPLACE), (1, "2", R.ALREADY_APPLIED)]


def test_unapplied_lines_are_listed() -> None:
    plan = plan_replacements(
        [_row(1, "9", "9000000009", "9000000099"), _row(2, "3", "3000000003", "3000000033")],
        lookup_by_local_id(LOCAL),
        lookup_by_ssid(LOCAL),
    )
    assert [(c.line, c.outcome) for c in plan.not_applied()] == [(1, R.NO_LOCAL_STUDENT)]


def test_lines_that_apply_nothing_change_no_field_and_carry_the_student_found() -> None:
    rows = [_row(1, "3", "3000000003", "3000000033"), _row(2, "4", "4444444444", "4000000044")]
    plan = plan_replacements(rows, lookup_by_local_id(LOCAL), lookup_by_ssid(LOCAL))
    assert [(c.outcome, c.before) for c in plan.lines] == [(R.ALREADY_APPLIED, LOCAL[2]), (R.SSID_DIFFERS, LOCAL[3])]
    assert list(plan.field_changes()) == []


def test_two_local_students_with_the_last_known_local_id_are_more_than_one() -> None:
    twins = [*LOCAL, _local("8", "8000000008"), _local("8", "8000000088")]
    plan = plan_replacements([_row(1, "8", "8888888888", "8000000888")], lookup_by_local_id(twins), lookup_by_ssid(twins))
    assert [(c.local_id, c.outcome, c.before) for c in plan.lines] == [("8", R.MORE_THAN_ONE_LOCAL, None)]


def test_a_line_whose_ssid_differs_leaves_the_student_as_found_for_later_lines() -> None:
    assert _plan(_row(1, "4", "4444444444", "4000000044"), _row(2, "4", "4000000044", "4000000444")) == [
        (1, "4", R.SSID_DIFFERS),
        (2, "4", R.SSID_DIFFERS),
    ]


def test_a_replacement_ssid_another_student_already_holds_makes_the_next_link_ambiguous() -> None:
    holder = [*LOCAL, _local("8", "2000000022")]
    plan = plan_replacements(
        [_row(1, "2", "2000000002", "2000000022"), _row(2, "2", "2000000022", "2000000222")],
        lookup_by_local_id(holder),
        lookup_by_ssid(holder),
    )
    assert [c.outcome for c in plan.lines] == [R.REPLACE, R.MORE_THAN_ONE_LOCAL]
