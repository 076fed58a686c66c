"""The layout registry holds what calpads-files.md says, field by field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.codes import CODE_SETS
from domain.layouts import (
    LAYOUTS, FieldKind, FieldSpec, Layout, Required, _registry, field_pattern, field_problem, first_problem, layout,
    layouts_of_kind,
)
from domain.layouts._senr import ods_senr
from domain.layouts._spec import Row, field_table

SENR_NAMES_AND_LENGTHS = [
    ("Record Type Code", 4), ("Transaction Type Code", 1), ("Local Record ID", 255), ("Reporting LEA", 7),
    ("School of Attendance", 7), ("School of Attendance NPS", 7), ("Academic Year ID", 9), ("SSID", 10),
    ("Local Student ID", 15), ("Student Legal First Name", 30), ("Student Legal Middle Name", 30),
    ("Student Legal Last Name", 50), ("Student Legal Name Suffix", 3), ("Student Alias First Name", 30),
    ("Student Alias Middle Name", 30), ("Student Alias Last Name", 50), ("Student Birth Date", 8),
    ("Student Gender Code", 1), ("Student Birth City", 30), ("Student Birth State Province Code", 6),
    ("Student Birth Country Code", 2), ("Enrollment Start Date", 8), ("Enrollment Status Code", 2),
    ("Grade Level Code", 2), ("Enrollment Exit Date", 8), ("Student Exit Reason Code", 4),
    ("Student School Completion Status", 3), ("Expected Receiver School of Attendance", 7),
    ("Student Met All UC/CSU Requirements Indicator", 1), ("Student School Transfer Code", 1),
    ("District of Geographic Residence", 7), ("Student Golden State Seal Merit Diploma Indicator", 1),
    ("Student Seal of Biliteracy Indicator", 1), ("Adult Age Students with Disabilities in Transition Status", 1),
    ("Graduation Exemption Indicator", 1),
]

EXTRACT_NAMES_AND_LENGTHS = [
    ("Reporting LEA", 7), ("School of Attendance", 7), ("SSID", 10), ("Local Student ID", 16),
    ("Student Legal Last Name", 50), ("Student Legal First Name", 30), ("Student Legal Middle Name", 30),
    ("Student Gender Code", 1), ("Student Birth Date", 8), ("Enrollment Start Date", 8), ("Grade Level Code", 2),
    ("English Language Acquisition Status Code", 4), ("English Language Acquisition Status Start Date", 8),
    ("Primary Language Code", 2), ("Date SSID Created", 8), ("Student with Disabilities Indicator", 1),
]


def test_senr_current_has_the_35_fields_of_the_file_specification() -> None:
    senr = layout("SENR")
    assert (senr.version, senr.record_type, senr.delimiter, senr.has_header) == ("2023-24", "SENR", "^", False)
    assert [(f.name, f.max_length) for f in senr.fields] == SENR_NAMES_AND_LENGTHS
    assert [f.number for f in senr.fields] == list(range(1, 36))
    assert senr.title == "SENR 2023-24 (35 columns)"


def test_senr_fields_carry_kind_requiredness_and_code_sets() -> None:
    senr = layout("SENR")
    assert senr.field("ssid").kind is FieldKind.DIGITS and senr.field("ssid").required is Required.CONDITIONAL
    assert senr.field("birth_date").kind is FieldKind.DATE and senr.field("birth_date").required is Required.YES
    assert senr.field("grade").code_set == "grade"
    assert senr.field("exit_reason").code_set == "exit_reason"
    assert senr.field("local_student_id").label == "field 9 (Local Student ID)"


def test_older_senr_versions_shift_fields_as_the_specification_says() -> None:
    old = layout("SENR", "pre-2018-19")
    assert old.fields[21].name == "Primary Language Code" and old.fields[21].number == 22
    assert old.field("enroll_start").number == 23 and old.width == 34
    wbl = layout("SENR", "2018-19")
    assert [f.number for f in wbl.fields if f.name.startswith("Work-Based Learning")] == list(range(34, 40))
    assert [v.version for v in LAYOUTS["SENR"]] == ["pre-2018-19", "2018-19", "2023-24"]


def test_ods_download_is_senr_plus_two_dates_with_record_type_senr_r() -> None:
    ods = layout("SENR-R")
    assert ods.width == 37 and ods.record_type == "SENR-R" and ods.kind == "SENR ODS download"
    assert [f.name for f in ods.fields[1:35]] == [n for n, _ in SENR_NAMES_AND_LENGTHS[1:]]
    assert [f.name for f in ods.fields[35:]] == ["Upload Date", "Last Date Updated"]
    assert [v.width for v in LAYOUTS["SENR-R"]] == [36, 41, 37]


def test_ssid_extract_current_and_2019() -> None:
    current, old = layout("SSID Extract"), layout("SSID Extract", "2019")
    assert [(f.name, f.max_length) for f in current.fields] == EXTRACT_NAMES_AND_LENGTHS
    assert [f.name for f in old.fields] == [
        n for n, _ in EXTRACT_NAMES_AND_LENGTHS if n not in ("Student Legal Middle Name", "Student with Disabilities Indicator")
    ]
    assert (current.title, old.title) == ("SSID Extract current (16 columns)", "SSID Extract 2019 (14 columns)")
    assert layouts_of_kind("SSID Extract") == (old, current)


def test_replacement_ssids_and_sela_layouts() -> None:
    assert [(f.name, f.max_length) for f in layout("Replacement SSIDs").fields] == [
        ("Reporting LEA", 7), ("Last Known School of Attendance", 7), ("Last Known Local Student ID", 16),
        ("Retired SSID", 10), ("Replacement SSID", 10),
    ]
    sela, sela_r = layout("SELA"), layout("SELA-R")
    assert sela.width == sela_r.width == 16
    assert (sela.record_type, sela_r.record_type, sela_r.kind) == ("SELA", "SELA-R", "SELA ODS download")
    assert [f.name for f in sela.fields][12:] == [
        "English Language Acquisition Status Code", "English Language Acquisition Status Start Date",
        "Primary Language Code", "Correction Reason Code",
    ]


def test_match_result_has_13_published_columns_then_the_assumed_candidate_columns() -> None:
    match = layout("SSID Match result")
    names = [f.name for f in match.fields]
    assert names[:13] == [
        "Submitted_SENR_ReportingLEA", "Submitted_SENR_SchoolofAttendance", "Selection", "Submitted_SENR_LocalID",
        "Submitted_SENR_Student_LegalLastName", "Submitted_SENR_Student_LegalFirstName",
        "Submitted_SENR_Student_LegalMiddleName", "Result_SENR_SSID", "Result_SENR_SSIDCreateDate",
        "Result_MatchCategory", "Result_MatchPercentageScore", "Submitted_SENR_Gender", "Submitted_SENR_BirthDate",
    ]
    assert names[13] == "Result_SENR_Student_LegalLastName" and names[-1] == "Result_SENR_BirthCountryCode"
    assert (match.delimiter, match.has_header, match.width) == (",", True, 23)


def test_every_code_set_a_field_names_exists() -> None:
    for versions in LAYOUTS.values():
        for each in versions:
            for spec in each.fields:
                assert spec.code_set is None or spec.code_set in CODE_SETS


def test_layout_lookup_refuses_unknown_names_and_versions() -> None:
    with pytest.raises(KeyError):
        layout("SENR", "1999-00")
    with pytest.raises(KeyError):
        layout("STAS")
    with pytest.raises(KeyError):
        layout("SENR").field("no_such_field")


def test_the_ods_download_of_every_senr_version_keeps_its_fields_after_a_longer_record_type() -> None:
    for senr, registered in zip(LAYOUTS["SENR"], LAYOUTS["SENR-R"], strict=True):
        ods = ods_senr(senr)
        assert ods == registered
        assert (ods.name, ods.version, ods.record_type, ods.kind, ods.note) == (
            "SENR-R", senr.version, "SENR-R", "SENR ODS download", senr.note,
        )
        assert (ods.delimiter, ods.has_header, ods.width) == ("^", False, senr.width + 2)
        assert ods.fields[0] == FieldSpec(1, "Record Type Code", "record_type", 6, FieldKind.TEXT, Required.YES, None)
        assert ods.fields[1:-2] == senr.fields[1:]
        assert ods.fields[-2:] == (
            FieldSpec(senr.width + 1, "Upload Date", "upload_date", 8, FieldKind.DATE, Required.NO, None),
            FieldSpec(senr.width + 2, "Last Date Updated", "last_updated", 8, FieldKind.DATE, Required.NO, None),
        )


def test_a_layout_answers_which_record_attributes_it_has_and_prints_as_its_title() -> None:
    extract, old = layout("SSID Extract"), layout("SSID Extract", "2019")
    assert (extract.has("swd"), old.has("swd"), old.has("reporting_lea"), old.has("")) == (True, False, True, False)
    assert (str(extract), str(old), f"{layout('SENR-R')}") == (
        "SSID Extract current (16 columns)", "SSID Extract 2019 (14 columns)", "SENR ODS download 2023-24 (37 columns)",
    )
    assert old.field("ssid_created") == FieldSpec(14, "Date SSID Created", "ssid_created", 8, FieldKind.DATE, Required.NO)


def test_layouts_are_numbered_in_order_name_their_kind_and_only_known_code_sets() -> None:
    rows: list[Row] = [("A", "a", 1, FieldKind.TEXT, Required.YES, None), ("B", "b", 2, FieldKind.CODE, Required.NO, "gender")]
    fields = field_table(rows)
    assert fields == (FieldSpec(1, "A", "a", 1, FieldKind.TEXT, Required.YES), FieldSpec(2, "B", "b", 2, FieldKind.CODE, Required.NO, "gender"))
    own = Layout("X", "v1", None, fields)
    assert (own.kind, Layout("X", "v1", None, fields, kind="Kind").kind) == ("X", "Kind")
    with pytest.raises(ValueError, match=r"^layout X v1: fields must be numbered 1\.\.n in order$"):
        Layout("X", "v1", None, (fields[1], fields[0]))
    with pytest.raises(ValueError, match=r"^layout X v1: fields must be numbered 1\.\.n in order$"):
        Layout("X", "v1", None, (replace(fields[0], number=0), replace(fields[1], number=1)))
    with pytest.raises(ValueError, match=r"^field 2 \(B\) names unknown code set 'sex'$"):
        FieldSpec(2, "B", "b", 2, FieldKind.CODE, Required.NO, "sex")


def test_the_registry_refuses_two_versions_of_one_width_and_names_the_versions_it_knows() -> None:
    one = layout("SSID Extract")
    with pytest.raises(ValueError, match="^two versions of layout SSID Extract have the same number of fields$"):
        _registry(layout("SSID Extract", "2019"), replace(one, version="2020"), one)
    registry = _registry(layout("SELA"), one, layout("SSID Extract", "2019"))
    assert dict(registry) == {"SELA": (layout("SELA"),), "SSID Extract": (one, layout("SSID Extract", "2019"))}
    assert (layout("SENR", "2018-19").width, layout("SENR", None).version) == (39, "2023-24")
    with pytest.raises(KeyError, match=r"layout SENR has no version '1999-00' \(known: pre-2018-19, 2018-19, 2023-24\)"):
        layout("SENR", "1999-00")


def test_layouts_of_a_kind_are_every_registered_version_oldest_first() -> None:
    assert layouts_of_kind("SENR ODS download") == LAYOUTS["SENR-R"]
    assert layouts_of_kind("Replacement SSIDs Extract") == (layout("Replacement SSIDs"),)
    assert (layouts_of_kind("Replacement SSIDs"), layouts_of_kind("STAS")) == ((), ())
    assert [v.kind for versions in LAYOUTS.values() for v in versions] == [
        "SENR", "SENR", "SENR", "SENR ODS download", "SENR ODS download", "SENR ODS download", "SSID Extract",
        "SSID Extract", "Replacement SSIDs Extract", "SSID Match result", "SELA", "SELA ODS download",
    ]


def test_a_missing_field_is_refused_naming_the_layout_and_the_attribute() -> None:
    with pytest.raises(KeyError, match="^\"layout SSID Extract 2019 has no field for 'swd'\"$"):
        layout("SSID Extract", "2019").field("swd")


_BIRTH = layout("SENR").field("birth_date")


@pytest.mark.parametrize(("value", "problem"), [
    ("20150314", None), ("2015031a", "must be a CCYYMMDD date"), ("201503141", "must be a CCYYMMDD date"),
    ("2015031", "must be a CCYYMMDD date"), ("２０１５０３１４", "must be a CCYYMMDD date"),
    ("20150230", "is not a real calendar date"),
])
def test_a_date_is_eight_ascii_digits_of_a_real_calendar_day(value: str, problem: str | None) -> None:
    assert field_problem(_BIRTH, value, typed=True) == problem


def test_a_line_is_checked_against_its_own_layouts_delimiter() -> None:
    match = layout("SSID Match result")
    values = ["1964212", "6000001", "", "100,234", "LOPEZ", "MARIA", "", "", "", "No Match", "", "F", "20150314", *[""] * 10]
    assert first_problem(match, values, typed=False) == (match.fields[3], "contains ,, which a CALPADS file cannot represent")
    values[3] = "100^234"
    assert first_problem(match, values, typed=False) is None


_SENR = layout("SENR")
_YEAR, _YES_NO, _GENDER, _NAME = (_SENR.field(a) for a in ("academic_year", "golden_state_seal", "gender", "legal_first"))


@pytest.mark.parametrize(("spec", "value", "problem"), [
    (_YEAR, "2025-2026", None), (_YEAR, "2025", "must be an academic year CCYY-CCYY"),
    (_YES_NO, "Y", None), (_YES_NO, "N", None), (_YES_NO, "y", "must be Y or N"), (_YES_NO, "XXXX", "must be Y or N"),
    (_NAME, "MARIA\rJOSE", "contains a line break"), (_NAME, "MARIA\nJOSE", "contains a line break"),
    (_NAME, "MARIA\tJOSE", "contains a control character"),
    (_NAME, "MARIA^JOSE", "contains ^, which a CALPADS file cannot represent"),  # the caret of a CALPADS file by default
])
def test_a_typed_value_is_checked_for_its_kind(spec: FieldSpec, value: str, problem: str | None) -> None:
    assert field_problem(spec, value, typed=True) == problem


@pytest.mark.parametrize(("spec", "good", "bad"), [
    (_YEAR, ["2025-2026"], ["", "2025/2026", "2025-26"]),
    (_GENDER, ["F", "M", "X"], ["", "Q", "FF"]),  # required, and no blank code: blank is not good
    (_SENR.field("transaction_type"), ["", "A", "D", "R"], ["Q", "AD"]),  # a blank code makes the field optional
    (_YES_NO, ["", "Y", "N"], ["y", "YN"]),
])
def test_the_pattern_of_a_typed_field_accepts_exactly_its_good_values(spec: FieldSpec, good: list[str], bad: list[str]) -> None:
    pattern = field_pattern(spec)
    assert [value for value in good + bad if pattern.fullmatch(value)] == good
