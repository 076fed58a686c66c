"""SELA import: EL / IFEP from the testing vendor replace a missing or TBD local ELAS, nothing else."""

from __future__ import annotations

import datetime as dt

from domain.planning import FieldChange, IdentityField, LocalIdentity, SelaSkip, lookup_by_local_id, plan_sela_import
from domain.records import SelaRecord
from domain.values import LocalId, Ssid


def _sela(local_id: str, elas: str, start: str, ssid: str = "") -> SelaRecord:
    return SelaRecord(
        "SELA-R", "", "", "1964212", "6000001", "2025-2026", ssid, "MARIA", "LOPEZ", "20150314", "F",
        local_id, elas, start, "01", "",
    )


def _local(local_id: str, elas: str | None = None, start: dt.date | None = None, ssid: str | None = None) -> LocalIdentity:
    return LocalIdentity(LocalId(local_id), Ssid(ssid) if ssid else None, elas=elas, elas_start=start)


LOCAL = [
    _local("1"),
    _local("2", "TBD", dt.date(2025, 8, 14)),
    _local("3", "EO"),
    _local("4", ssid="4000000004"),
    _local("5"),
    _local("5"),
    _local("6"),
    _local("7"),
]


def test_new_el_and_ifep_replace_missing_or_tbd() -> None:
    plan = plan_sela_import(
        [
            _sela("1", "EL", "20250910"),
            _sela("2", "IFEP", "20250912"),
            _sela("3", "EL", "20250910"),  # already EO: needs a correction reason, left alone
            _sela("4", "EL", "20250910", ssid="4999999999"),
            _sela("5", "EL", "20250910"),
            _sela("9", "EL", "20250910"),
            _sela("6", "RFEP", "20250910"),  # not an initial identification
            _sela("7", "EL", "20250231"),
        ],
        lookup_by_local_id(LOCAL),
    )
    assert list(plan.field_changes()) == [
        FieldChange(LocalId("1"), IdentityField.ELAS, None, "EL"),
        FieldChange(LocalId("1"), IdentityField.ELAS_START, None, dt.date(2025, 9, 10)),
        FieldChange(LocalId("2"), IdentityField.ELAS, "TBD", "IFEP"),
        FieldChange(LocalId("2"), IdentityField.ELAS_START, dt.date(2025, 8, 14), dt.date(2025, 9, 12)),
    ]
    assert [(u.line, u.before.local_id) for u in plan.updates] == [(1, "1"), (2, "2")]
    assert plan.skipped == [
        (4, "4", SelaSkip.SSID_DIFFERS),
        (5, "5", SelaSkip.MORE_THAN_ONE_LOCAL),
        (6, "9", SelaSkip.NO_LOCAL_STUDENT),
        (8, "7", SelaSkip.INVALID_START_DATE),
    ]
    assert plan.already_set == 1


def test_the_latest_record_of_a_student_wins() -> None:
    plan = plan_sela_import(
        [_sela("1", "IFEP", "20250920"), _sela("1", "EL", "20250910"), _sela("1", "EL", "20250920")],
        lookup_by_local_id(LOCAL),
    )
    assert [(u.line, u.elas, u.elas_start) for u in plan.updates] == [(3, "EL", dt.date(2025, 9, 20))]


def test_a_matching_ssid_or_none_is_accepted() -> None:
    plan = plan_sela_import([_sela("4", "EL", "20250910", ssid="4000000004")], lookup_by_local_id(LOCAL))
    assert [u.before.local_id for u in plan.updates] == ["4"]


def test_the_latest_start_date_wins_whatever_the_line_order_and_a_blank_start_is_the_earliest() -> None:
    plan = plan_sela_import(
        [_sela("1", "EL", "20250920"), _sela("1", "IFEP", "20250910"), _sela("1", "IFEP", "")],
        lookup_by_local_id(LOCAL),
    )
    assert [(u.line, u.elas, u.elas_start) for u in plan.updates] == [(1, "EL", dt.date(2025, 9, 20))]


def test_every_student_whose_elas_is_already_set_is_counted() -> None:
    plan = plan_sela_import([_sela("3", "EL", "20250910"), _sela("3", "IFEP", "20250911")], lookup_by_local_id(LOCAL))
    assert (plan.updates, plan.already_set) == ([], 2)
