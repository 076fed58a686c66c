"""The SSID Match Tool result file as CALPADS gives it, and as Excel leaves it."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest

from domain.errors import FileProblem
from domain.readers import open_match_result, read_score
from domain.records import MatchCategory

PUBLISHED = (
    "Submitted_SENR_ReportingLEA,Submitted_SENR_SchoolofAttendance,Selection,Submitted_SENR_LocalID,"
    "Submitted_SENR_Student_LegalLastName,Submitted_SENR_Student_LegalFirstName,Submitted_SENR_Student_LegalMiddleName,"
    "Result_SENR_SSID,Result_SENR_SSIDCreateDate,Result_MatchCategory,Result_MatchPercentageScore,"
    "Submitted_SENR_Gender,Submitted_SENR_BirthDate"
)
SINGLE = "1964212,6000001,,100234,LOPEZ,MARIA,ELENA,1234567890,20160102,Single Match,97%,F,20150314"
NONE = "1964212,6000001,,100235,SMITH,JO,,,,No Match,,M,20140101"
EXCEL = "; leading zeros were probably lost when the file was re-saved by Excel: download it from CALPADS again"
# The ten assumed candidate columns after the published 13 (calpads-files.md §4), in a file without header.
CANDIDATE = ",LOPEZ,MARIA,,F,20150314,1964212,6000002,LOS ANGELES,US-CA,US"


def _file(*lines: str) -> io.BytesIO:
    return io.BytesIO("".join(line + "\r\n" for line in lines).encode("utf-8"))


def _problem(*lines: str) -> str:
    with pytest.raises(FileProblem) as caught:
        list(open_match_result(_file(*lines), "result.csv"))
    return str(caught.value)


def test_a_result_file_with_the_published_header_is_read_by_column_name() -> None:
    parsed = open_match_result(_file(PUBLISHED, SINGLE, NONE), "result.csv")
    assert parsed.kind == "SSID Match result" and parsed.warnings == []
    single, none = list(parsed)
    assert (single.line, single.local_id, single.legal_middle, single.birth_date) == (2, "100234", "ELENA", dt.date(2015, 3, 14))
    assert single.category is MatchCategory.SINGLE
    assert single.candidate is not None
    assert (single.candidate.ssid, single.candidate.ssid_created, single.candidate.score_text, single.candidate.percent) == (
        "1234567890", dt.date(2016, 1, 2), "97%", 97.0
    )
    assert single.candidate.legal_last is None  # the candidate columns are absent from this file
    assert (none.line, none.category, none.candidate) == (3, MatchCategory.NO_MATCH, None)


def test_columns_are_found_by_name_in_any_order_and_unknown_ones_are_ignored_with_a_warning() -> None:
    names = PUBLISHED.split(",")
    values = SINGLE.split(",")
    order = list(reversed(range(13)))
    header = ",".join([names[i] for i in order] + ["Result_SENR_Student_LegalLastName", "Comment"])
    row = ",".join([values[i] for i in order] + ["LOPES", "checked"])
    parsed = open_match_result(_file(header, row))
    (got,) = list(parsed)
    assert (got.local_id, got.candidate and got.candidate.legal_last) == ("100234", "LOPES")
    assert parsed.warnings == ["columns not known and ignored: Comment"]


def test_a_file_without_header_is_read_by_position_with_the_assumed_candidate_columns() -> None:
    extra = ",LOPEZ,MARIA,ELENA,F,20150314,1964212,6000002,LOS ANGELES,US-CA,US"
    (got,) = list(open_match_result(_file(SINGLE + extra)))
    assert got.line == 1
    assert got.candidate is not None
    assert (got.candidate.school, got.candidate.birth_state, got.candidate.birth_date) == ("6000002", "US-CA", dt.date(2015, 3, 14))


def test_values_are_trimmed_and_the_category_read_in_any_case() -> None:
    padded = " 1964212 , 6000001 ,, 100234 , LOPEZ , MARIA , ELENA , 1234567890 , 20160102 , single match , 97 % , F , 20150314 "
    (got,) = list(open_match_result(_file(PUBLISHED, padded)))
    (plain,) = list(open_match_result(_file(PUBLISHED, SINGLE)))
    assert plain.candidate is not None
    assert got == replace(plain, candidate=replace(plain.candidate, score_text="97 %"))


def test_a_header_missing_a_published_column_is_refused() -> None:
    header = PUBLISHED.replace(",Submitted_SENR_Gender", "")
    assert _problem(header) == "result.csv, line 1: lacks the column(s) Submitted_SENR_Gender"


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("97%", 97.0), ("0.97", 97.0), ("97", 97.0), ("1", 100.0), ("", None), ("88.5 %", 88.5), ("2", 2.0), ("1.5", 1.5),
        ("100", 100.0), ("100.0%", 100.0), (".5", 50.0), ("0.5%", 0.5), ("12.3456789%", 12.345679), ("0.123456789", 12.345679),
    ],
)
def test_the_score_is_read_in_each_form_excel_leaves_it(text: str, percent: float | None) -> None:
    assert read_score(text) == percent


def test_an_excel_re_save_tab_separated_quoted_with_fraction_scores_is_accepted() -> None:
    line = '"1964212"\t"6000001"\t""\t"100234"\t"LOPEZ, JR"\t"MARIA"\t""\t"1234567890"\t"20160102"\t"Multiple Match"\t"0.85"\t"F"\t"20150314"'
    (got,) = list(open_match_result(_file(PUBLISHED.replace(",", "\t"), line)))
    assert got.legal_last == "LOPEZ, JR"
    assert got.candidate is not None and (got.candidate.score_text, got.candidate.percent) == ("0.85", 85.0)


def test_leading_zeros_lost_by_excel_are_refused_with_the_reason() -> None:
    assert _problem(PUBLISHED, SINGLE.replace("6000001", "600001")) == (
        "result.csv, line 2, field 2 (Submitted_SENR_SchoolofAttendance): must be exactly 7 digits; leading zeros "
        "were probably lost when the file was re-saved by Excel: download it from CALPADS again"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (SINGLE.replace("1234567890", "12345"), "field 8 (Result_SENR_SSID): must be exactly 10 digits" + EXCEL),
        (SINGLE.replace("1234567890", "12345678901"), "field 8 (Result_SENR_SSID): must be exactly 10 digits"),
        (SINGLE.replace("1234567890", "12345678Ⅸ"), "field 8 (Result_SENR_SSID): must be exactly 10 digits"),
        (SINGLE.replace("LOPEZ", "LO\rPEZ"), "is not valid CSV (new-line character seen in unquoted field - do you need to open the file in universal-newline mode?)"),
        (SINGLE.replace("Single Match", "Perhaps"), "field 10 (Result_MatchCategory): is not No Match, Single Match or Multiple Match"),
        (SINGLE.replace("97%", "high"), "field 11 (Result_MatchPercentageScore): is not a percentage (97%, 0.97 or 97)"),
        (SINGLE.replace("97%", "197%"), "field 11 (Result_MatchPercentageScore): is more than 100%"),
        (SINGLE.replace("20150314", "3/14/2015"), "field 13 (Submitted_SENR_BirthDate): must be a CCYYMMDD date"),
        (SINGLE.replace(",F,", ",Q,"), "field 12 (Submitted_SENR_Gender): is not a Student Gender Code code"),
        (SINGLE.replace("100234", "1" * 16), "field 4 (Submitted_SENR_LocalID): is 16 characters long, more than the 15 allowed"),
        (SINGLE.replace("1234567890", ""), "field 8 (Result_SENR_SSID): is blank but the category is Single Match"),
        (SINGLE + ",extra", "has 14 columns; line 1 has 13"),
    ],
)
def test_bad_values_are_refused_naming_line_field_and_reason(line: str, message: str) -> None:
    assert _problem(PUBLISHED, SINGLE, line) == (f"result.csv, line 3, {message}" if message.startswith("field") else f"result.csv, line 3: {message}")


def test_a_value_is_never_quoted_in_a_problem() -> None:
    message = _problem(PUBLISHED, SINGLE.replace("LOPEZ", "VERYSECRETNAME" * 4))
    assert "VERYSECRETNAME" not in message and "line 2, field 5" in message


@pytest.mark.parametrize(("text", "message"), [("100.5", "is more than 100%"), ("100.01%", "is more than 100%"), ("1000", "is not a percentage (97%, 0.97 or 97)"), ("97 %%", "is not a percentage (97%, 0.97 or 97)")])
def test_a_score_that_is_no_percentage_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_score(text)
    assert str(caught.value) == message


def test_a_file_without_header_may_have_just_the_13_published_columns() -> None:
    parsed = open_match_result(_file(SINGLE, NONE))
    assert [(r.line, r.local_id, r.candidate and r.candidate.ssid) for r in parsed] == [(1, "100234", "1234567890"), (2, "100235", None)]
    assert parsed.warnings == []


@pytest.mark.parametrize(
    ("extra", "warnings"),
    [("", []), (",x", ["columns 24-24 are not known and were ignored"]), (",x,y", ["columns 24-25 are not known and were ignored"])],
)
def test_columns_beyond_the_23_known_of_a_file_without_header_are_ignored_with_a_warning(extra: str, warnings: list[str]) -> None:
    parsed = open_match_result(_file(SINGLE + CANDIDATE + extra))
    (got,) = list(parsed)
    assert parsed.warnings == warnings
    assert got.candidate is not None and got.candidate.school == "6000002"


def test_the_candidate_columns_are_the_candidates_blank_codes_none_blank_names_empty() -> None:
    blank = SINGLE + ",,,,,,,,,,"
    (got,) = list(open_match_result(_file(blank)))
    assert got.candidate is not None
    assert (got.candidate.category, got.candidate.score_text, got.candidate.percent) == (MatchCategory.SINGLE, "97%", 97.0)
    assert (got.candidate.legal_last, got.candidate.legal_middle, got.candidate.birth_city) == ("", "", "")
    assert (got.candidate.gender, got.candidate.reporting_lea, got.candidate.school, got.candidate.birth_state) == (None, None, None, None)
    assert (got.candidate.birth_date, got.candidate.birth_country) == (None, None)
    (full,) = list(open_match_result(_file(SINGLE + CANDIDATE)))
    assert full.candidate is not None
    assert (full.candidate.legal_first, full.candidate.legal_middle, full.candidate.gender, full.candidate.reporting_lea) == ("MARIA", "", "F", "1964212")
    assert (full.candidate.birth_city, full.candidate.birth_state, full.candidate.birth_country) == ("LOS ANGELES", "US-CA", "US")
    assert (got.gender, got.legal_middle, full.legal_middle) == ("F", "ELENA", "ELENA")


def test_the_selection_column_marked_by_hand_is_ignored_whatever_it_holds() -> None:
    (got,) = list(open_match_result(_file(PUBLISHED, SINGLE.replace(",,", ",checked by the registrar,", 1))))
    (plain,) = list(open_match_result(_file(PUBLISHED, SINGLE)))
    assert got == plain


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (PUBLISHED + ",submitted_senr_localid ", "names a column twice"),
        (
            PUBLISHED.replace(",Submitted_SENR_Gender", "").replace("Submitted_SENR_Student_LegalMiddleName,", ""),
            "lacks the column(s) Submitted_SENR_Student_LegalMiddleName, Submitted_SENR_Gender",
        ),
    ],
)
def test_a_header_naming_a_column_twice_or_lacking_columns_is_refused(header: str, message: str) -> None:
    assert _problem(header, SINGLE) == f"result.csv, line 1: {message}"


def test_unknown_and_blank_header_columns_are_each_named_in_one_warning() -> None:
    parsed = open_match_result(_file(PUBLISHED + ",,Comment, ,Note", SINGLE + ",,x,,y"))
    assert len(list(parsed)) == 1
    assert parsed.warnings == ["columns not known and ignored: (blank, column 14), Comment, (blank, column 16), Note"]
