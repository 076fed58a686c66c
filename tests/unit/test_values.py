"""Value types: what a well-formed SSID, CDS code, date and academic year are."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import CODE_SETS, ELAS, GRADE_LEVEL, birth_state_valid_for_country, elas_change_allowed
from domain.errors import InvalidValue
from domain.values import (
    AcademicYear,
    format_calpads_date,
    parse_calpads_date,
    parse_cds_code,
    parse_local_id,
    parse_ssid,
)


def test_ssid_is_ten_digits_and_nothing_more() -> None:
    assert parse_ssid("1234567890") == "1234567890"
    for bad in ("123456789", "12345678901", "12345678 0", "123456789a", " 1234567890", "１２３４５６７８９０"):
        with pytest.raises(InvalidValue, match="exactly 10 digits"):
            parse_ssid(bad)


def test_cds_code_is_seven_digits() -> None:
    assert parse_cds_code("1964212") == "1964212"
    with pytest.raises(InvalidValue, match="School: must be exactly 7 digits"):
        parse_cds_code("964212", "School")


def test_local_id_limits() -> None:
    assert parse_local_id("100234") == "100234"
    for bad in ("", " 1", "1234567890123456", "12^3"):
        with pytest.raises(InvalidValue):
            parse_local_id(bad)


def test_calpads_dates() -> None:
    assert parse_calpads_date("20150314") == dt.date(2015, 3, 14)
    assert parse_calpads_date("") is None
    with pytest.raises(InvalidValue, match="not a real calendar date"):
        parse_calpads_date("20150230")
    with pytest.raises(InvalidValue, match="CCYYMMDD"):
        parse_calpads_date("2015-03-14")
    assert format_calpads_date(dt.date(2025, 8, 4)) == "20250804"
    assert format_calpads_date(None) == ""


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_date_round_trip(day: dt.date) -> None:
    assert parse_calpads_date(format_calpads_date(day)) == day


def test_academic_year_runs_july_to_june() -> None:
    year = AcademicYear.parse("2025-2026")
    assert year.code == "2025-2026" and str(year) == "2025-2026"
    assert AcademicYear.containing(dt.date(2025, 7, 1)) == year
    assert AcademicYear.containing(dt.date(2026, 6, 30)) == year
    assert AcademicYear.containing(dt.date(2025, 6, 30)) == AcademicYear(2024)
    assert year.contains(dt.date(2025, 8, 14)) and not year.contains(dt.date(2026, 7, 1))
    for bad in ("2025-2027", "2025/2026", "25-26", "2025-2026 "):
        with pytest.raises(InvalidValue, match="CCYY-CCYY"):
            AcademicYear.parse(bad)


def test_grade_codes_have_valid_periods() -> None:
    assert GRADE_LEVEL.valid_in("TK", AcademicYear(2023))
    assert not GRADE_LEVEL.valid_in("TK", AcademicYear(2022))
    assert GRADE_LEVEL.valid_in("TD", AcademicYear(2022))
    assert not GRADE_LEVEL.valid_in("TD", AcademicYear(2023))
    assert not GRADE_LEVEL.valid_in("UE", AcademicYear(2018))
    assert "UE" in GRADE_LEVEL and "13" not in GRADE_LEVEL


def test_retired_codes_are_known_but_never_valid() -> None:
    exit_reasons = CODE_SETS["exit_reason"]
    assert "E450" in exit_reasons
    assert not exit_reasons.valid_in("E450", AcademicYear(2025))
    assert exit_reasons.valid_in("E230", AcademicYear(2025))


def test_elas_allowed_changes() -> None:
    assert set(ELAS) == {"EO", "IFEP", "EL", "RFEP", "TBD", "ADEL"}
    assert elas_change_allowed(None, "EL")
    assert elas_change_allowed("TBD", "IFEP")
    assert elas_change_allowed("EL", "RFEP")
    assert elas_change_allowed("EO", "TBD")
    assert elas_change_allowed("RFEP", "RFEP")
    assert not elas_change_allowed("RFEP", "EL")
    assert not elas_change_allowed("EO", "EL")


def test_birth_state_goes_with_its_country() -> None:
    assert birth_state_valid_for_country("US-CA", "US")
    assert birth_state_valid_for_country("MX-BCN", "MX")
    assert birth_state_valid_for_country("CA-ON", "CA")
    assert not birth_state_valid_for_country("CA", "US")
    assert not birth_state_valid_for_country("US-CA", "MX")
    assert not birth_state_valid_for_country("PH-00", "PH")
    assert len(CODE_SETS["birth_state"]) == 62 + 13 + 32  # 50 states, DC, 11 territories and military codes
