"""Layout tables of the SENR input file, its ODS download (SENR-R), and SELA / SELA-R.

From calpads-files.md §2, §5.3 and §5.4. Rows are ``(name, attr, max length, kind, required,
code set)``; field numbers follow the order. Attributes are those of ``domain.records``; a field
no record class carries (e.g. the old Primary Language Code) has an attribute name the readers
do not find on the record and therefore drop, saying so in the file's warnings.
"""

from __future__ import annotations

from domain.layouts._spec import FieldKind, Layout, Required, Row, field_table

__all__ = [
    "SENR_CURRENT",
    "SENR_2018",
    "SENR_PRE_2018",
    "SENR_VERSIONS",
    "ods_senr",
    "ODS_SENR_VERSIONS",
    "SELA",
    "SELA_R",
]

T, D, C, N, YN, YR = FieldKind.TEXT, FieldKind.DATE, FieldKind.CODE, FieldKind.DIGITS, FieldKind.YES_NO, FieldKind.YEAR
Y, O, CND = Required.YES, Required.NO, Required.CONDITIONAL

SENR_ROWS: list[Row] = [
    ("Record Type Code", "record_type", 4, T, Y, None),
    ("Transaction Type Code", "transaction_type", 1, C, O, "transaction_type"),
    ("Local Record ID", "local_record_id", 255, T, O, None),  # [A] length
    ("Reporting LEA", "reporting_lea", 7, N, Y, None),
    ("School of Attendance", "school", 7, N, Y, None),
    ("School of Attendance NPS", "school_nps", 7, N, CND, None),
    ("Academic Year ID", "academic_year", 9, YR, Y, None),
    ("SSID", "ssid", 10, N, CND, None),
    ("Local Student ID", "local_student_id", 15, T, Y, None),
    ("Student Legal First Name", "legal_first", 30, T, Y, None),
    ("Student Legal Middle Name", "legal_middle", 30, T, O, None),
    ("Student Legal Last Name", "legal_last", 50, T, Y, None),
    ("Student Legal Name Suffix", "suffix", 3, C, O, "name_suffix"),
    ("Student Alias First Name", "alias_first", 30, T, O, None),
    ("Student Alias Middle Name", "alias_middle", 30, T, O, None),
    ("Student Alias Last Name", "alias_last", 50, T, O, None),
    ("Student Birth Date", "birth_date", 8, D, Y, None),
    ("Student Gender Code", "gender", 1, C, Y, "gender"),
    ("Student Birth City", "birth_city", 30, T, O, None),
    ("Student Birth State Province Code", "birth_state", 6, C, O, "birth_state"),
    ("Student Birth Country Code", "birth_country", 2, C, Y, "birth_country"),
    ("Enrollment Start Date", "enroll_start", 8, D, Y, None),
    ("Enrollment Status Code", "enroll_status", 2, C, Y, "enrollment_status"),
    ("Grade Level Code", "grade", 2, C, Y, "grade"),
    ("Enrollment Exit Date", "exit_date", 8, D, CND, None),
    ("Student Exit Reason Code", "exit_reason", 4, C, CND, "exit_reason"),
    ("Student School Completion Status", "completion_status", 3, C, CND, "completion_status"),
    ("Expected Receiver School of Attendance", "expected_receiver_school", 7, N, CND, None),
    ("Student Met All UC/CSU Requirements Indicator", "met_uc_csu", 1, YN, CND, "yes_no"),
    ("Student School Transfer Code", "transfer_code", 1, C, O, None),  # [A] length, no public code set
    ("District of Geographic Residence", "district_of_residence", 7, N, CND, None),
    ("Student Golden State Seal Merit Diploma Indicator", "golden_state_seal", 1, YN, O, "yes_no"),
    ("Student Seal of Biliteracy Indicator", "seal_of_biliteracy", 1, YN, O, "yes_no"),
    ("Adult Age Students with Disabilities in Transition Status", "adult_swd_transition", 1, YN, CND, "yes_no"),
    ("Graduation Exemption Indicator", "graduation_exemption", 1, YN, CND, "yes_no"),
]

SENR_CURRENT = Layout("SENR", "2023-24", "SENR", field_table(SENR_ROWS), kind="SENR", note="CFS 2023-24 and later")

# [A] 2018-19 to 2019-20: fields 1.01-1.33 as today, then six work-based-learning indicators at
# 1.34-1.39 (one Y/N character each), and neither 1.34 Adult Age SWD Transition nor 1.35
# Graduation Exemption, which came later. The six indicators' exact names are not public.
_WBL: list[Row] = [
    (f"Work-Based Learning Indicator {n}", f"work_based_learning_{n}", 1, YN, O, "yes_no") for n in range(1, 7)
]
SENR_2018 = Layout(
    "SENR", "2018-19", "SENR", field_table([*SENR_ROWS[:33], *_WBL]), kind="SENR",
    note="[A] CFS 2018-19 to 2019-20: six work-based-learning indicators at 1.34-1.39",
)

# [A] before 2018-19: Primary Language Code at 1.22 pushed Enrollment Start Date and everything
# after it one place later; the record ended with the Seal of Biliteracy (no 1.34/1.35 yet).
SENR_PRE_2018 = Layout(
    "SENR", "pre-2018-19", "SENR",
    field_table([*SENR_ROWS[:21], ("Primary Language Code", "primary_language", 2, C, O, None), *SENR_ROWS[21:33]]),
    kind="SENR", note="[A] CFS before 2018-19: Primary Language Code at 1.22",
)

SENR_VERSIONS = (SENR_PRE_2018, SENR_2018, SENR_CURRENT)
"""Oldest first; the last is the current one."""

_ODS_EXTRA: list[Row] = [
    ("Upload Date", "upload_date", 8, D, O, None),  # [A] CCYYMMDD like every CALPADS date
    ("Last Date Updated", "last_updated", 8, D, O, None),
]


def ods_senr(senr: Layout) -> Layout:
    """The ODS download (``SENR-R``) of an SENR layout version: its fields plus Upload Date and Last Date Updated."""
    rows: list[Row] = [
        (f.name, f.attr, f.max_length, f.kind, f.required, f.code_set) for f in senr.fields[1:]
    ]
    return Layout(
        "SENR-R", senr.version, "SENR-R",
        field_table([("Record Type Code", "record_type", 6, T, Y, None), *rows, *_ODS_EXTRA]),
        kind="SENR ODS download", note=senr.note,
    )


ODS_SENR_VERSIONS = tuple(ods_senr(v) for v in SENR_VERSIONS)

# [L] fields 12.01-12.16; every length is [A] (taken from the same fields of SENR; correction
# reason codes are one digit 1-5).
_SELA_ROWS: list[Row] = [
    ("Transaction Type Code", "transaction_type", 1, C, O, "transaction_type"),
    ("Local Record ID", "local_record_id", 255, T, O, None),
    ("Reporting LEA", "reporting_lea", 7, N, Y, None),
    ("School of Attendance", "school", 7, N, Y, None),
    ("Academic Year ID", "academic_year", 9, YR, Y, None),
    ("SSID", "ssid", 10, N, Y, None),
    ("Student Legal First Name", "legal_first", 30, T, Y, None),
    ("Student Legal Last Name", "legal_last", 50, T, Y, None),
    ("Student Birth Date", "birth_date", 8, D, Y, None),
    ("Student Gender Code", "gender", 1, C, Y, "gender"),
    ("Local Student ID", "local_student_id", 15, T, Y, None),
    ("English Language Acquisition Status Code", "elas", 4, C, Y, "elas"),
    ("English Language Acquisition Status Start Date", "elas_start", 8, D, CND, None),
    ("Primary Language Code", "primary_language", 2, C, Y, None),
    ("Correction Reason Code", "correction_reason", 1, C, CND, None),
]

SELA = Layout(
    "SELA", "current", "SELA", field_table([("Record Type Code", "record_type", 4, T, Y, None), *_SELA_ROWS]),
    kind="SELA",
)
SELA_R = Layout(
    "SELA-R", "current", "SELA-R", field_table([("Record Type Code", "record_type", 6, T, Y, None), *_SELA_ROWS]),
    kind="SELA ODS download",
)
