"""The domain's errors as a person reads them, its text records in file order, and a decision's rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import DomainError, FileProblem, InvalidValue, TranslationMissing, WriteRefused, WrongFileKind
from domain.model import DecisionKind, MatchDecision
from domain.records import OdsSenrRecord, SelaRecord, SenrRecord, record_fields
from domain.values import LocalId, Ssid


@pytest.mark.parametrize(
    ("field_number", "field_name", "shown"),
    [
        (None, None, "senr.txt, line 3: too few fields"),
        (8, None, "senr.txt, line 3, field 8: too few fields"),
        (None, "SSID", "senr.txt, line 3, (SSID): too few fields"),
        (8, "SSID", "senr.txt, line 3, field 8 (SSID): too few fields"),
        (0, "", "senr.txt, line 3, field 0: too few fields"),
    ],
)
def test_a_file_problem_names_the_file_line_and_field(field_number: int | None, field_name: str | None, shown: str) -> None:
    problem = FileProblem("senr.txt", 3, "too few fields", field_number, field_name)
    assert str(problem) == shown
    assert (problem.file, problem.line, problem.message, problem.field_number, problem.field_name) == (
        "senr.txt", 3, "too few fields", field_number, field_name
    )


def test_a_file_of_another_kind_says_what_was_expected_and_found() -> None:
    problem = WrongFileKind("extract.txt", 1, "SSID Extract", "SENR")
    assert str(problem) == "extract.txt, line 1: expected SSID Extract, found SENR"
    assert (problem.expected, problem.found, problem.file, problem.line, problem.field_number) == (
        "SSID Extract", "SENR", "extract.txt", 1, None
    )
    assert isinstance(problem, FileProblem)


@pytest.mark.parametrize(
    ("record", "shown"),
    [(None, "SENR, field 10 (Student Legal First Name): contains ^"),
     (4, "SENR record 4, field 10 (Student Legal First Name): contains ^"),
     (0, "SENR record 0, field 10 (Student Legal First Name): contains ^")],
)
def test_a_refused_write_names_the_layout_record_and_field(record: int | None, shown: str) -> None:
    refused = WriteRefused("SENR", 10, "Student Legal First Name", "contains ^", record)
    assert str(refused) == shown
    assert (refused.layout, refused.field_number, refused.field_name, refused.reason, refused.record) == (
        "SENR", 10, "Student Legal First Name", "contains ^", record
    )


def test_a_missing_translation_and_an_invalid_value_carry_their_parts() -> None:
    missing = TranslationMissing("100234", "Grade Level", "K")
    assert str(missing) == "student 100234: Grade Level code 'K' has no CALPADS translation"
    assert (missing.local_id, missing.field, missing.code) == ("100234", "Grade Level", "K")
    invalid = InvalidValue("SSID", "12", "must be exactly 10 digits")
    assert str(invalid) == "SSID: must be exactly 10 digits"
    assert (invalid.kind, invalid.value, invalid.reason) == ("SSID", "12", "must be exactly 10 digits")
    assert isinstance(invalid, ValueError) and all(isinstance(e, DomainError) for e in (missing, invalid))


SENR_LINE = (
    "SENR^A^7^1964212^6000001^0000001^2025-2026^1234567890^100234^MARIA^ELENA^LOPEZ^JR^MARI^E^LOPES^20150314^F"
    "^LOS ANGELES^US-CA^US^20250814^10^12^20260605^E230^100^6000002^Y^01^1964213^Y^N^N^Y"
)


def test_a_senr_record_gives_its_35_values_in_file_order() -> None:
    record = SenrRecord(*SENR_LINE.split("^"))
    assert "^".join(record.values()) == SENR_LINE
    assert record_fields(SenrRecord)[:3] == ("record_type", "transaction_type", "local_record_id")
    assert record_fields(SenrRecord)[-1] == "graduation_exemption" and len(record_fields(SenrRecord)) == 35
    assert tuple(getattr(record, name) for name in record_fields(SenrRecord)) == record.values()


def test_an_ods_line_is_the_senr_record_then_its_two_dates() -> None:
    line = OdsSenrRecord(replace(SenrRecord(*SENR_LINE.split("^")), record_type="SENR-R"), "20250815", "20250816")
    assert line.values() == ("SENR-R", *SENR_LINE.split("^")[1:], "20250815", "20250816")
    assert OdsSenrRecord(SenrRecord()).values()[-3:] == ("", "", "")


def test_a_sela_record_gives_its_16_values_in_file_order() -> None:
    values = "SELA^D^9^1964212^6000001^2025-2026^1234567890^MARIA^LOPEZ^20150314^F^100234^EL^20250910^01^CR01"
    record = SelaRecord(*values.split("^"))
    assert "^".join(record.values()) == values
    assert record_fields(SelaRecord) == (
        "record_type", "transaction_type", "local_record_id", "reporting_lea", "school", "academic_year", "ssid",
        "legal_first", "legal_last", "birth_date", "gender", "local_student_id", "elas", "elas_start",
        "primary_language", "correction_reason",
    )


@pytest.mark.parametrize(
    ("kind", "ssid", "allowed"),
    [
        (DecisionKind.SELECT, "1234567890", True),
        (DecisionKind.SELECT, None, False),
        (DecisionKind.NEW_SSID, None, True),
        (DecisionKind.NEW_SSID, "1234567890", False),
        (DecisionKind.NO_MATCH, None, True),
        (DecisionKind.NO_MATCH, "1234567890", False),
    ],
)
def test_an_ssid_goes_with_select_and_only_with_select(kind: DecisionKind, ssid: str | None, allowed: bool) -> None:
    def decide() -> MatchDecision:
        return MatchDecision(LocalId("100234"), kind, Ssid(ssid) if ssid else None)

    if allowed:
        assert (decide().kind, decide().ssid) == (kind, ssid)
    else:
        with pytest.raises(ValueError) as caught:
            decide()
        assert str(caught.value) == "an SSID goes with Select, and only with Select"
