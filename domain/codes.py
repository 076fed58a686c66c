"""CALPADS code sets (calpads-files.md §6) as data, each code with the academic years it is valid in.

Years are academic start years: ``last_year=2022`` means valid through 2022-2023.
A code marked ``retired`` without a known last year is known to CALPADS but valid in no year this
project writes. Everything here is data so a new CFS version is a table edit, not a code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from domain.values import AcademicYear

__all__ = [
    "Code",
    "CodeSet",
    "CODE_SETS",
    "code_set",
    "GRADE_LEVEL",
    "ENROLLMENT_STATUS",
    "EXIT_REASON",
    "COMPLETION_STATUS",
    "ELAS",
    "PRIMARY_LANGUAGE",
    "GENDER",
    "BIRTH_COUNTRY",
    "BIRTH_STATE_PROVINCE",
    "NAME_SUFFIX",
    "TRANSACTION_TYPE",
    "YES_NO",
    "ELAS_ALLOWED_CHANGES",
    "elas_change_allowed",
    "birth_state_valid_for_country",
]


@dataclass(frozen=True, slots=True)
class Code:
    """One code of a code set with its valid period (academic start years, inclusive)."""

    code: str
    name: str
    first_year: int | None = None
    last_year: int | None = None
    retired: bool = False

    def valid_in(self, year: AcademicYear) -> bool:
        """Whether the code may be used in records of ``year``."""
        if self.retired and self.last_year is None:
            return False
        if self.first_year is not None and year.start_year < self.first_year:
            return False
        return self.last_year is None or year.start_year <= self.last_year


@dataclass(frozen=True)
class CodeSet:
    """A named set of codes; ``code in code_set`` asks whether CALPADS knows the code at all."""

    name: str
    codes: Mapping[str, Code] = field(repr=False)

    @classmethod
    def of(cls, name: str, codes: Iterable[Code]) -> CodeSet:
        return cls(name, MappingProxyType({c.code: c for c in codes}))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.codes

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def valid_in(self, code: str, year: AcademicYear) -> bool:
        """Whether ``code`` is in the set and valid in ``year``."""
        found = self.codes.get(code)
        return found is not None and found.valid_in(year)

    def describe(self, code: str) -> str:
        found = self.codes.get(code)
        return found.name if found else "unknown code"


def _simple(name: str, pairs: Iterable[tuple[str, str]]) -> CodeSet:
    return CodeSet.of(name, (Code(c, n) for c, n in pairs))


GRADE_LEVEL = CodeSet.of(
    "Grade Level",
    [
        Code("IN", "Infant"),
        Code("TD", "Toddler", last_year=2022),
        Code("PS", "Preschool"),
        Code("TK", "Transitional Kindergarten", first_year=2023),
        Code("KN", "Kindergarten"),
        *(Code(f"{g:02d}", f"Grade {g}") for g in range(1, 13)),
        Code("AD", "Adult"),
        Code("UE", "Ungraded Elementary", last_year=2017),
        Code("US", "Ungraded Secondary", last_year=2017),
        Code("UU", "Unknown", last_year=2015),
    ],
)

ENROLLMENT_STATUS = _simple(
    "Enrollment Status",
    [("10", "Primary"), ("20", "Secondary"), ("30", "Short-term"), ("50", "Non-ADA")],
)

EXIT_REASON = CodeSet.of(
    "Student Exit Reason",
    [
        Code("E125", "Prior completer leaving special education transition"),
        Code("E130", "Died"),
        Code("E140", "No known enrollment, truant"),
        Code("E150", "Mid-year update"),
        Code("E155", "Year-end exit, returning to same school"),
        Code("E156", "Grade 12 continuing next year without completion"),
        Code("E170", "Exit from a secondary or non-ADA enrollment"),
        Code("E230", "Completer"),
        Code("E300", "Expelled, no known enrollment"),
        Code("E400", "Other or unknown"),
        Code("E410", "Medical"),
        Code("N420", "No-show at the same school"),
        Code("N430", "No-show"),
        Code("N470", "No-show, other"),
        Code("T160", "Transfer to another California public school"),
        Code("T165", "Transfer for disciplinary reasons"),
        Code("T167", "Referral to an alternative program"),
        Code("T180", "California private school"),
        Code("T200", "US school outside California"),
        Code("T240", "Moved out of the US"),
        Code("T260", "Adult education toward a diploma"),
        Code("T280", "College"),
        Code("T370", "Non-academic institution with diploma program"),
        Code("T380", "Non-academic institution without diploma program"),
        *(Code(c, "Retired", retired=True) for c in ("E450", "E490", "T270", "T310", "T460")),
    ],
)

COMPLETION_STATUS = CodeSet.of(
    "Student School Completion Status",
    [
        Code("100", "Graduated, standard diploma"),
        Code("120", "SWD certificate of completion"),
        Code("250", "Adult education diploma"),
        Code("320", "High school equivalency certificate"),
        Code("330", "Passed CHSPE"),
        Code("360", "Completed grade 12 without graduating"),
        Code("480", "Promoted within California public schools"),
        Code("485", "Promoted out of California public schools"),
        *(Code(c, "Retired", retired=True) for c in ("104", "106", "108")),
    ],
)

ELAS = _simple(
    "English Language Acquisition Status",
    [
        ("EO", "English Only"),
        ("IFEP", "Initially Fluent English Proficient"),
        ("EL", "English Learner"),
        ("RFEP", "Reclassified Fluent English Proficient"),
        ("TBD", "To Be Determined"),
        ("ADEL", "Adult English Learner"),
    ],
)

ELAS_ALLOWED_CHANGES: Mapping[str | None, frozenset[str]] = MappingProxyType(
    {
        None: frozenset(ELAS),
        "TBD": frozenset({"TBD", "EO", "EL", "IFEP"}),
        "EL": frozenset({"EL", "RFEP", "ADEL"}),
        "EO": frozenset({"EO", "TBD"}),
        "IFEP": frozenset({"IFEP"}),
        "RFEP": frozenset({"RFEP"}),
        "ADEL": frozenset({"ADEL"}),
    }
)
"""ELAS changes allowed without a correction reason (§6.5)."""


def elas_change_allowed(current: str | None, new: str) -> bool:
    """Whether ELAS may go from ``current`` (``None`` = none on record) to ``new`` without a correction reason."""
    return new in ELAS_ALLOWED_CHANGES.get(current, frozenset({current or ""}))


GENDER = CodeSet.of(
    "Student Gender Code",
    [Code("M", "Male"), Code("F", "Female"), Code("X", "Nonbinary", first_year=2019)],
)

_ISO_COUNTRIES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
    "ZW XK"
).split()

BIRTH_COUNTRY = CodeSet.of(
    "Student Birth Country Code",
    [*(Code(c, c) for c in _ISO_COUNTRIES), Code("UU", "Unknown")],
)

_US_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
    "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP FM MH PW AA AE AP"
).split()
_CA_PROVINCES = "AB BC MB NB NL NS NT NU ON PE QC SK YT".split()
_MX_STATES = (
    "AGU BCN BCS CAM CHP CHH CMX COA COL DUR GUA GRO HID JAL MEX MIC MOR NAY NLE OAX PUE QUE ROO SLP "
    "SIN SON TAB TAM TLA VER YUC ZAC"
).split()

BIRTH_STATE_PROVINCE = CodeSet.of(
    "Student Birth State Province Code",
    [
        *(Code(f"US-{s}", f"United States {s}") for s in _US_STATES),
        *(Code(f"CA-{s}", f"Canada {s}") for s in _CA_PROVINCES),
        *(Code(f"MX-{s}", f"Mexico {s}") for s in _MX_STATES),
    ],
)


def birth_state_valid_for_country(state: str, country: str) -> bool:
    """SENR0036: a state/province code is only for US, CA and MX births, and must carry that country's prefix."""
    return state in BIRTH_STATE_PROVINCE and country in ("US", "CA", "MX") and state.startswith(country + "-")


NAME_SUFFIX = _simple(
    "Student Legal Name Suffix",
    [("JR", "Junior"), ("SR", "Senior"), ("II", "Second"), ("III", "Third"), ("IV", "Fourth"), ("V", "Fifth")],
)

TRANSACTION_TYPE = _simple(
    "Transaction Type Code", [("", "Add"), (" ", "Add"), ("A", "Add"), ("D", "Delete"), ("R", "Replace")]
)

YES_NO = _simple("Indicator", [("Y", "Yes"), ("N", "No")])

PRIMARY_LANGUAGE = _simple(
    "Primary Language",
    [
        ("00", "English"), ("01", "Spanish"), ("02", "Vietnamese"), ("03", "Cantonese"), ("04", "Korean"),
        ("05", "Filipino (Pilipino or Tagalog)"), ("06", "Portuguese"), ("07", "Mandarin (Putonghua)"),
        ("08", "Japanese"), ("09", "Khmer (Cambodian)"), ("10", "Lao"), ("11", "Arabic"), ("12", "Armenian"),
        ("13", "Burmese"), ("15", "Dutch"), ("16", "Farsi (Persian)"), ("17", "French"), ("18", "German"),
        ("19", "Greek"), ("20", "Chamorro (Guamanian)"), ("21", "Hebrew"), ("22", "Hindi"), ("23", "Hmong"),
        ("24", "Hungarian"), ("25", "Ilocano"), ("26", "Indonesian"), ("27", "Italian"), ("28", "Punjabi"),
        ("29", "Russian"), ("30", "Samoan"), ("32", "Thai"), ("33", "Turkish"), ("34", "Tongan"), ("35", "Urdu"),
        ("99", "Other non-English languages"),
    ],
)
"""CALPADS' home/primary language codes most districts meet (the full set is longer; an unknown
code is shown as the code alone)."""

CODE_SETS: Mapping[str, CodeSet] = MappingProxyType(
    {
        "grade": GRADE_LEVEL,
        "enrollment_status": ENROLLMENT_STATUS,
        "exit_reason": EXIT_REASON,
        "completion_status": COMPLETION_STATUS,
        "elas": ELAS,
        "gender": GENDER,
        "birth_country": BIRTH_COUNTRY,
        "birth_state": BIRTH_STATE_PROVINCE,
        "name_suffix": NAME_SUFFIX,
        "transaction_type": TRANSACTION_TYPE,
        "yes_no": YES_NO,
    }
)
"""Every code set by the name layouts use to refer to it."""


def code_set(name: str) -> CodeSet:
    """The code set a layout field names (``KeyError`` for an unknown name)."""
    return CODE_SETS[name]
