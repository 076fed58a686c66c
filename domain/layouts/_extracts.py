"""Layout tables of the files CALPADS hands the district: SSID Extract, Replacement SSIDs, match result.

From calpads-files.md §4, §5.1 and §5.2. Rows are ``(name, attr, max length, kind, required,
code set)``; attributes are those of ``domain.records`` (``ExtractRow``, ``ReplacementRow``,
``MatchResultRow`` and, for ``Result_*`` columns, ``MatchCandidate`` prefixed ``candidate.``).
"""

from __future__ import annotations

from domain.layouts._spec import FieldKind, Layout, Required, Row, field_table

__all__ = [
    "SSID_EXTRACT_CURRENT",
    "SSID_EXTRACT_2019",
    "REPLACEMENT_SSIDS",
    "MATCH_RESULT",
    "MATCH_RESULT_PUBLISHED",
]

T, D, C, N, YN, S = FieldKind.TEXT, FieldKind.DATE, FieldKind.CODE, FieldKind.DIGITS, FieldKind.YES_NO, FieldKind.SCORE
Y, O, CND = Required.YES, Required.NO, Required.CONDITIONAL

_EXTRACT_ROWS: list[Row] = [
    ("Reporting LEA", "reporting_lea", 7, N, Y, None),
    ("School of Attendance", "school", 7, N, Y, None),
    ("SSID", "ssid", 10, N, Y, None),
    ("Local Student ID", "local_id", 16, T, Y, None),
    ("Student Legal Last Name", "legal_last", 50, T, Y, None),
    ("Student Legal First Name", "legal_first", 30, T, Y, None),
    ("Student Legal Middle Name", "legal_middle", 30, T, O, None),
    ("Student Gender Code", "gender", 1, C, Y, "gender"),
    ("Student Birth Date", "birth_date", 8, D, Y, None),
    ("Enrollment Start Date", "enroll_start", 8, D, Y, None),
    ("Grade Level Code", "grade", 2, C, Y, "grade"),
    ("English Language Acquisition Status Code", "elas", 4, C, O, "elas"),
    ("English Language Acquisition Status Start Date", "elas_start", 8, D, CND, None),  # [L]
    ("Primary Language Code", "primary_language", 2, C, O, None),  # [A]
    ("Date SSID Created", "ssid_created", 8, D, O, None),  # [A]
    ("Student with Disabilities Indicator", "swd", 1, YN, O, "yes_no"),  # [A]
]

SSID_EXTRACT_CURRENT = Layout("SSID Extract", "current", None, field_table(_EXTRACT_ROWS))

# The 2019 layout: the same without Legal Middle Name and without the SWD indicator.
SSID_EXTRACT_2019 = Layout(
    "SSID Extract", "2019", None,
    field_table([r for r in _EXTRACT_ROWS if r[1] not in ("legal_middle", "swd")]),
)

REPLACEMENT_SSIDS = Layout(
    "Replacement SSIDs", "current", None,
    field_table(
        [
            ("Reporting LEA", "reporting_lea", 7, N, Y, None),
            ("Last Known School of Attendance", "school", 7, N, Y, None),
            ("Last Known Local Student ID", "local_id", 16, T, Y, None),
            ("Retired SSID", "retired_ssid", 10, N, Y, None),
            ("Replacement SSID", "replacement_ssid", 10, N, Y, None),
        ]
    ),
    kind="Replacement SSIDs Extract",
)

_MATCH_PUBLISHED: list[Row] = [
    ("Submitted_SENR_ReportingLEA", "reporting_lea", 7, N, Y, None),
    ("Submitted_SENR_SchoolofAttendance", "school", 7, N, Y, None),
    ("Selection", "selection", 1, T, O, None),  # for marking by hand; the reader ignores it
    ("Submitted_SENR_LocalID", "local_id", 15, T, Y, None),
    ("Submitted_SENR_Student_LegalLastName", "legal_last", 50, T, Y, None),
    ("Submitted_SENR_Student_LegalFirstName", "legal_first", 30, T, Y, None),
    ("Submitted_SENR_Student_LegalMiddleName", "legal_middle", 30, T, O, None),
    ("Result_SENR_SSID", "candidate.ssid", 10, N, O, None),
    ("Result_SENR_SSIDCreateDate", "candidate.ssid_created", 8, D, O, None),
    ("Result_MatchCategory", "category", 14, C, Y, None),  # No Match / Single Match / Multiple Match
    ("Result_MatchPercentageScore", "candidate.score_text", 4, S, O, None),
    ("Submitted_SENR_Gender", "gender", 1, C, Y, "gender"),
    ("Submitted_SENR_BirthDate", "birth_date", 8, D, Y, None),
]

# [A] the candidate's own columns: not public; names and lengths assumed after SENR's.
_MATCH_ASSUMED: list[Row] = [
    ("Result_SENR_Student_LegalLastName", "candidate.legal_last", 50, T, O, None),
    ("Result_SENR_Student_LegalFirstName", "candidate.legal_first", 30, T, O, None),
    ("Result_SENR_Student_LegalMiddleName", "candidate.legal_middle", 30, T, O, None),
    ("Result_SENR_Gender", "candidate.gender", 1, C, O, "gender"),
    ("Result_SENR_BirthDate", "candidate.birth_date", 8, D, O, None),
    ("Result_SENR_ReportingLEA", "candidate.reporting_lea", 7, N, O, None),
    ("Result_SENR_SchoolofAttendance", "candidate.school", 7, N, O, None),
    ("Result_SENR_BirthCity", "candidate.birth_city", 30, T, O, None),
    ("Result_SENR_BirthStateProvinceCode", "candidate.birth_state", 6, C, O, "birth_state"),
    ("Result_SENR_BirthCountryCode", "candidate.birth_country", 2, C, O, "birth_country"),
]

MATCH_RESULT = Layout(
    "SSID Match result", "current", None, field_table([*_MATCH_PUBLISHED, *_MATCH_ASSUMED]),
    delimiter=",", has_header=True,
    note="columns 1-13 published; 14-23 assumed [A]; a header row is optional when reading",
)

MATCH_RESULT_PUBLISHED = len(_MATCH_PUBLISHED)
"""Columns 1..13 are published and required; later columns are optional."""
