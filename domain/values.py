"""Value types of the CALPADS exchange: SSID, local ids, CDS codes, academic years, CALPADS dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import NewType

from domain.errors import InvalidValue

__all__ = [
    "Ssid",
    "LocalId",
    "CdsCode",
    "AcademicYear",
    "parse_ssid",
    "parse_local_id",
    "parse_cds_code",
    "parse_calpads_date",
    "parse_iso_date",
    "has_control_character",
    "format_calpads_date",
    "NPS_SCHOOL",
    "PRIVATE_SCHOOL_GROUP",
]

Ssid = NewType("Ssid", str)
"""A Statewide Student Identifier: exactly ten digits (no check digit is public; none is invented)."""

LocalId = NewType("LocalId", str)
"""The district's own student number (SENR field 9, at most 15 characters)."""

CdsCode = NewType("CdsCode", str)
"""A seven-digit LEA or school code."""

NPS_SCHOOL = CdsCode("0000001")
PRIVATE_SCHOOL_GROUP = CdsCode("0000002")

_SSID = re.compile(r"[0-9]{10}")
_CDS = re.compile(r"[0-9]{7}")
_DATE = re.compile(r"[0-9]{8}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_YEAR = re.compile(r"([0-9]{4})-([0-9]{4})")


def parse_ssid(text: str) -> Ssid:
    """Return ``text`` as an SSID, or raise :class:`InvalidValue` unless it is exactly ten digits."""
    if not _SSID.fullmatch(text):
        raise InvalidValue("SSID", text, "must be exactly 10 digits")
    return Ssid(text)


def parse_local_id(text: str) -> LocalId:
    """Return ``text`` as a local student id: 1 to 15 characters, no caret, no surrounding blanks."""
    if not text or text != text.strip():
        raise InvalidValue("Local Student ID", text, "must not be blank or padded")
    if len(text) > 15:
        raise InvalidValue("Local Student ID", text, "longer than 15 characters")
    if "^" in text:
        raise InvalidValue("Local Student ID", text, "must not contain ^")
    return LocalId(text)


def parse_cds_code(text: str, what: str = "CDS code") -> CdsCode:
    """Return ``text`` as a seven-digit LEA/school code."""
    if not _CDS.fullmatch(text):
        raise InvalidValue(what, text, "must be exactly 7 digits")
    return CdsCode(text)


def parse_calpads_date(text: str, what: str = "date") -> dt.date | None:
    """Parse ``CCYYMMDD``; blank gives ``None``; anything else raises :class:`InvalidValue`."""
    if text == "":
        return None
    if not _DATE.fullmatch(text):
        raise InvalidValue(what, text, "must be a CCYYMMDD date")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidValue(what, text, "is not a real calendar date") from None


def parse_iso_date(text: str, what: str = "date") -> dt.date | None:
    """Parse the ``YYYY-MM-DD`` dates of a district's own CSV files (the roster, a OneRoster
    export); blank gives ``None``; anything else raises :class:`InvalidValue`."""
    if text == "":
        return None
    if not _ISO_DATE.fullmatch(text):
        raise InvalidValue(what, text, "must be a YYYY-MM-DD date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(what, text, "is not a real calendar date") from None


def has_control_character(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL, ESC, tab, DEL, C1 …): no SIS field should,
    and no CALPADS file can carry one."""
    return _CONTROL.search(text) is not None


def format_calpads_date(value: dt.date | None) -> str:
    """Format a date as ``CCYYMMDD`` (blank for ``None``)."""
    return "" if value is None else f"{value.year:04d}{value.month:02d}{value.day:02d}"


@dataclass(frozen=True, order=True, slots=True)
class AcademicYear:
    """A CALPADS academic year, July 1 to June 30, written ``CCYY-CCYY``."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> AcademicYear:
        """Parse ``CCYY-CCYY`` where the second year is the first plus one."""
        match = _YEAR.fullmatch(text)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise InvalidValue("Academic Year ID", text, "must be CCYY-CCYY with consecutive years")
        return cls(int(match.group(1)))

    @classmethod
    def containing(cls, day: dt.date) -> AcademicYear:
        """The academic year that contains ``day``."""
        return cls(day.year if day.month >= 7 else day.year - 1)

    @property
    def code(self) -> str:
        """``CCYY-CCYY`` as CALPADS writes it."""
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 7, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 6, 30)

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside this academic year."""
        return self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return self.code
