"""Records of CALPADS files as the domain sees them.

SENR and SELA records keep every field as the exact text of the file (blank = ``""``), because
pre-validation must be able to report a malformed value rather than lose it. Extract rows are
typed: a reader only yields them after every field was checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from operator import attrgetter
from enum import Enum

from domain.values import CdsCode, LocalId, Ssid

__all__ = [
    "SenrRecord",
    "OdsSenrRecord",
    "SelaRecord",
    "ExtractRow",
    "ReplacementRow",
    "MatchCategory",
    "MatchResultRow",
    "MatchCandidate",
    "record_fields",
]


@dataclass(frozen=True, slots=True)
class SenrRecord:
    """One SENR record, fields 1.01-1.35 in file order, each the exact text (``""`` = blank)."""

    record_type: str = "SENR"
    transaction_type: str = ""
    local_record_id: str = ""
    reporting_lea: str = ""
    school: str = ""
    school_nps: str = ""
    academic_year: str = ""
    ssid: str = ""
    local_student_id: str = ""
    legal_first: str = ""
    legal_middle: str = ""
    legal_last: str = ""
    suffix: str = ""
    alias_first: str = ""
    alias_middle: str = ""
    alias_last: str = ""
    birth_date: str = ""
    gender: str = ""
    birth_city: str = ""
    birth_state: str = ""
    birth_country: str = ""
    enroll_start: str = ""
    enroll_status: str = ""
    grade: str = ""
    exit_date: str = ""
    exit_reason: str = ""
    completion_status: str = ""
    expected_receiver_school: str = ""
    met_uc_csu: str = ""
    transfer_code: str = ""
    district_of_residence: str = ""
    golden_state_seal: str = ""
    seal_of_biliteracy: str = ""
    adult_swd_transition: str = ""
    graduation_exemption: str = ""

    def values(self) -> tuple[str, ...]:
        """The 35 field values in file order."""
        return _SENR_VALUES(self)


@dataclass(frozen=True, slots=True)
class OdsSenrRecord:
    """A line of the SENR ODS download (``SENR-R``): the 35 SENR fields plus two dates."""

    senr: SenrRecord
    upload_date: str = ""
    last_updated: str = ""

    def values(self) -> tuple[str, ...]:
        return (*self.senr.values(), self.upload_date, self.last_updated)


@dataclass(frozen=True, slots=True)
class SelaRecord:
    """One SELA / SELA-R record, fields 12.01-12.16 as exact text."""

    record_type: str = "SELA"
    transaction_type: str = ""
    local_record_id: str = ""
    reporting_lea: str = ""
    school: str = ""
    academic_year: str = ""
    ssid: str = ""
    legal_first: str = ""
    legal_last: str = ""
    birth_date: str = ""
    gender: str = ""
    local_student_id: str = ""
    elas: str = ""
    elas_start: str = ""
    primary_language: str = ""
    correction_reason: str = ""

    def values(self) -> tuple[str, ...]:
        """The 16 field values in file order."""
        return _SELA_VALUES(self)


_SENR_VALUES = attrgetter(*(f.name for f in fields(SenrRecord)))
_SELA_VALUES = attrgetter(*(f.name for f in fields(SelaRecord)))


def record_fields(cls: type[SenrRecord] | type[SelaRecord]) -> tuple[str, ...]:
    """Attribute names of a text record class in file order."""
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class ExtractRow:
    """A checked line of the SSID Extract (16-column current layout or 14-column 2019 layout).

    ``legal_middle`` and ``swd`` are ``None`` when the layout has no such column.
    """

    line: int
    reporting_lea: CdsCode
    school: CdsCode
    ssid: Ssid
    local_id: LocalId
    legal_last: str
    legal_first: str
    legal_middle: str | None
    gender: str
    birth_date: dt.date | None
    enroll_start: dt.date | None
    grade: str
    elas: str | None
    elas_start: dt.date | None
    primary_language: str | None
    ssid_created: dt.date | None
    swd: str | None


@dataclass(frozen=True, slots=True)
class ReplacementRow:
    """A checked line of the Replacement SSIDs Extract."""

    line: int
    reporting_lea: CdsCode
    school: CdsCode
    local_id: LocalId
    retired_ssid: Ssid
    replacement_ssid: Ssid


class MatchCategory(Enum):
    """CALPADS' Result_MatchCategory, as given."""

    NO_MATCH = "No Match"
    SINGLE = "Single Match"
    MULTIPLE = "Multiple Match"


@dataclass(frozen=True, slots=True)
class MatchCandidate:
    """One candidate CALPADS proposed for a submitted student, kept exactly as given.

    ``score_text`` is the raw score text (``97%``, ``0.97`` or ``97``); ``percent`` its reading.
    Candidate demographic columns are ``None`` when the file does not carry them.
    """

    ssid: Ssid
    ssid_created: dt.date | None
    category: MatchCategory
    score_text: str
    percent: float | None
    legal_last: str | None = None
    legal_first: str | None = None
    legal_middle: str | None = None
    gender: str | None = None
    birth_date: dt.date | None = None
    reporting_lea: str | None = None
    school: str | None = None
    birth_city: str | None = None
    birth_state: str | None = None
    birth_country: str | None = None


@dataclass(frozen=True, slots=True)
class MatchResultRow:
    """One row of the SSID Match Tool result file: a submitted student and at most one candidate."""

    line: int
    reporting_lea: CdsCode
    school: CdsCode
    local_id: LocalId
    legal_last: str
    legal_first: str
    legal_middle: str
    gender: str
    birth_date: dt.date | None
    category: MatchCategory
    candidate: MatchCandidate | None
