"""Value types: what a well-formed SSID, CDS code, date and academic year are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.codes import (
    CODE_SETS,
    ELAS,
    ENROLLMENT_STATUS,
    EXIT_REASON,
    GRADE_LEVEL,
    TRANSACTION_TYPE,
    YES_NO,
    Code,
    CodeSet,
    birth_state_valid_for_country,
    code_set,
    elas_change_allowed,
)
from domain.errors import InvalidValue
from domain.values import (
    AcademicYear,
    format_calpads_date,
    has_control_character,
    parse_calpads_date,
    parse_cds_code,
    parse_iso_date,
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


def _refusal(parse: Callable[[str], object], text: str) -> tuple[str, str, str, str]:
    with pytest.raises(InvalidValue) as caught:
        parse(text)
    return str(caught.value), caught.value.kind, caught.value.value, caught.value.reason


@pytest.mark.parametrize(
    ("parse", "text", "refusal"),
    [
        (parse_ssid, "123456789", ("SSID: must be exactly 10 digits", "SSID", "123456789", "must be exactly 10 digits")),
        (parse_local_id, "", ("Local Student ID: must not be blank or padded", "Local Student ID", "", "must not be blank or padded")),
        (parse_local_id, "1 ", ("Local Student ID: must not be blank or padded", "Local Student ID", "1 ", "must not be blank or padded")),
        (parse_local_id, "1234567890123456",
         ("Local Student ID: longer than 15 characters", "Local Student ID", "1234567890123456", "longer than 15 characters")),
        (parse_local_id, "12^3", ("Local Student ID: must not contain ^", "Local Student ID", "12^3", "must not contain ^")),
        (parse_cds_code, "196421", ("CDS code: must be exactly 7 digits", "CDS code", "196421", "must be exactly 7 digits")),
        (parse_calpads_date, "2015031", ("date: must be a CCYYMMDD date", "date", "2015031", "must be a CCYYMMDD date")),
        (parse_calpads_date, "20150229", ("date: is not a real calendar date", "date", "20150229", "is not a real calendar date")),
        (parse_iso_date, "20150314", ("date: must be a YYYY-MM-DD date", "date", "20150314", "must be a YYYY-MM-DD date")),
        (parse_iso_date, "2015-3-14", ("date: must be a YYYY-MM-DD date", "date", "2015-3-14", "must be a YYYY-MM-DD date")),
        (parse_iso_date, "2015-02-29", ("date: is not a real calendar date", "date", "2015-02-29", "is not a real calendar date")),
        (AcademicYear.parse, "2025-2025",
         ("Academic Year ID: must be CCYY-CCYY with consecutive years", "Academic Year ID", "2025-2025",
          "must be CCYY-CCYY with consecutive years")),
    ],
)
def test_a_refused_value_says_what_it_is_and_why(
    parse: Callable[[str], object], text: str, refusal: tuple[str, str, str, str]
) -> None:
    assert _refusal(parse, text) == refusal


def test_a_refusal_names_the_field_it_was_read_for() -> None:
    assert _refusal(lambda t: parse_calpads_date(t, "Birth Date"), "2015-03-14")[0] == "Birth Date: must be a CCYYMMDD date"
    assert _refusal(lambda t: parse_iso_date(t, "birthDate"), "2015-02-30")[0] == "birthDate: is not a real calendar date"
    assert _refusal(lambda t: parse_cds_code(t, "School"), "")[0] == "School: must be exactly 7 digits"


def test_the_longest_local_id_is_15_characters() -> None:
    assert parse_local_id("123456789012345") == "123456789012345"


def test_iso_dates_of_the_districts_own_files() -> None:
    assert parse_iso_date("2015-03-14") == dt.date(2015, 3, 14)
    assert parse_iso_date("2016-02-29") == dt.date(2016, 2, 29)
    assert parse_iso_date("") is None


def test_calpads_dates_read_year_month_and_day_in_place() -> None:
    assert parse_calpads_date("20161231") == dt.date(2016, 12, 31)
    assert parse_calpads_date("09990102") == dt.date(999, 1, 2)
    assert format_calpads_date(dt.date(999, 1, 2)) == "09990102"


@pytest.mark.parametrize(
    ("text", "has"),
    [("MARIA", False), ("", False), ("MA\tRIA", True), ("\x00", True), ("MARIA\x7f", True), ("\x9f", True), ("Ñ ~", False)],
)
def test_control_characters_are_found(text: str, has: bool) -> None:
    assert has_control_character(text) is has


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (dt.date(2025, 7, 1), 2025),
        (dt.date(2025, 6, 30), 2024),
        (dt.date(2025, 12, 31), 2025),
        (dt.date(2026, 1, 1), 2025),
    ],
)
def test_the_academic_year_of_a_day_turns_on_july_1(day: dt.date, start_year: int) -> None:
    assert AcademicYear.containing(day) == AcademicYear(start_year)


def test_an_academic_year_holds_its_first_and_last_day_and_nothing_outside() -> None:
    year = AcademicYear(2025)
    assert [year.contains(d) for d in (dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1))] == [
        False, True, True, False
    ]
    assert AcademicYear.parse("1999-2000") == AcademicYear(1999)
    assert f"{AcademicYear(2024)}" == "2024-2025"


@pytest.mark.parametrize(
    ("code", "year", "valid"),
    [
        (Code("TK", "", first_year=2023), 2022, False),
        (Code("TK", "", first_year=2023), 2023, True),
        (Code("TD", "", last_year=2022), 2022, True),
        (Code("TD", "", last_year=2022), 2023, False),
        (Code("E450", "", retired=True), 2025, False),
        (Code("E450", "", last_year=2016, retired=True), 2016, True),
        (Code("E450", "", last_year=2016, retired=True), 2017, False),
        (Code("KN", ""), 1990, True),
    ],
)
def test_a_code_is_valid_from_its_first_year_through_its_last(code: Code, year: int, valid: bool) -> None:
    assert code.valid_in(AcademicYear(year)) is valid


def test_a_code_set_counts_names_and_looks_up_its_codes() -> None:
    assert len(ENROLLMENT_STATUS) == 4 and list(ENROLLMENT_STATUS) == ["10", "20", "30", "50"]
    assert len(CodeSet.of("Empty", [])) == 0
    made = CodeSet.of("Colour", [Code("R", "Red"), Code("B", "Blue", retired=True)])
    assert (made.name, list(made), made.codes["B"]) == ("Colour", ["R", "B"], Code("B", "Blue", retired=True))
    assert (made.describe("R"), made.valid_in("R", AcademicYear(2025)), made.valid_in("B", AcademicYear(2025))) == (
        "Red", True, False
    )
    assert (ENROLLMENT_STATUS.describe("20"), ENROLLMENT_STATUS.describe("40")) == ("Secondary", "unknown code")
    assert GRADE_LEVEL.describe("TK") == "Transitional Kindergarten"
    assert code_set("grade") is GRADE_LEVEL and code_set("exit_reason") is EXIT_REASON
    with pytest.raises(KeyError):
        code_set("colour")
    assert 10 not in ENROLLMENT_STATUS and "10" in ENROLLMENT_STATUS
    assert not ENROLLMENT_STATUS.valid_in("40", AcademicYear(2025))
    assert TRANSACTION_TYPE.describe(" ") == "Add" and YES_NO.describe("N") == "No"


def test_a_status_unknown_to_the_table_may_only_stay_as_it_is() -> None:
    assert elas_change_allowed("XX", "XX") and elas_change_allowed("", "")
    assert not elas_change_allowed("XX", "EL")
    assert not elas_change_allowed("IFEP", "EL")
    assert elas_change_allowed("TBD", "EO") and not elas_change_allowed("TBD", "RFEP")
