"""The SSID Match review's comparison: the local student (as sent in the request file) beside each
CALPADS candidate, field by field, each candidate cell marked the same, different or blank.

A blank on either side is neither agreement nor difference (it is shown as blank). Names and
birth city are compared without regard to case, accents or spacing (``José`` = ``JOSE``); codes
(gender, birth state and country) exactly; the birth date part by part, so a reviewer sees at a
glance whether the year, the month or the day differs.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from domain.records import MatchCandidate, SenrRecord

__all__ = ["CellState", "DatePart", "Cell", "ComparedField", "COMPARED_FIELDS", "compare_with_candidates", "date_parts"]


class CellState(Enum):
    """How a candidate's value compares with the local student's."""

    SAME = "same"
    DIFFERENT = "different"
    BLANK = "blank"


@dataclass(frozen=True, slots=True)
class DatePart:
    """The year, month or day of a birth date, and whether it differs from the local student's."""

    name: str
    text: str
    differs: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """A candidate's value of one field, its comparison, and for dates the parts."""

    text: str
    state: CellState
    parts: tuple[DatePart, ...] = ()


@dataclass(frozen=True, slots=True)
class ComparedField:
    """One row of the comparison: the field, the local value, and one cell per candidate."""

    name: str
    label: str
    local: str
    local_parts: tuple[DatePart, ...]
    cells: tuple[Cell, ...]

    @property
    def differences(self) -> int:
        """How many candidates differ from the local student on this field."""
        return sum(1 for cell in self.cells if cell.state is CellState.DIFFERENT)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").split()).casefold()


def _code(text: str) -> str:
    return text.strip().upper()


def _ccyymmdd(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        return None


def date_parts(day: dt.date | None, other: dt.date | None = None) -> tuple[DatePart, ...]:
    """``day`` as year, month and day parts, each marked when it differs from ``other``."""
    if day is None:
        return ()
    mine = (("year", f"{day.year:04d}"), ("month", f"{day.month:02d}"), ("day", f"{day.day:02d}"))
    if other is None:
        return tuple(DatePart(name, text) for name, text in mine)
    theirs = (f"{other.year:04d}", f"{other.month:02d}", f"{other.day:02d}")
    return tuple(DatePart(name, text, text != their) for (name, text), their in zip(mine, theirs))


def _text_cell(local: str, candidate: str | None, fold: Callable[[str], str]) -> Cell:
    value = (candidate or "").strip()
    if not value or not local.strip():
        return Cell(value, CellState.BLANK)
    return Cell(value, CellState.SAME if fold(local) == fold(value) else CellState.DIFFERENT)


def _date_cell(local: dt.date | None, candidate: dt.date | None) -> Cell:
    if candidate is None or local is None:
        return Cell(candidate.isoformat() if candidate else "", CellState.BLANK, date_parts(candidate))
    parts = date_parts(candidate, local)
    state = CellState.DIFFERENT if any(p.differs for p in parts) else CellState.SAME
    return Cell(candidate.isoformat(), state, parts)


_Field = tuple[str, str, Callable[[SenrRecord], str], Callable[[MatchCandidate], str | None], Callable[[str], str]]
"""(name, label, the local value, the candidate's value, how values are folded before comparing)."""

_TEXT_FIELDS: tuple[_Field, ...] = (
    ("legal_first", "Legal first name", lambda r: r.legal_first, lambda c: c.legal_first, _folded),
    ("legal_middle", "Legal middle name", lambda r: r.legal_middle, lambda c: c.legal_middle, _folded),
    ("legal_last", "Legal last name", lambda r: r.legal_last, lambda c: c.legal_last, _folded),
)
_PLACE_FIELDS: tuple[_Field, ...] = (
    ("gender", "Gender", lambda r: r.gender, lambda c: c.gender, _code),
    ("birth_city", "Birth city", lambda r: r.birth_city, lambda c: c.birth_city, _folded),
    ("birth_state", "Birth state or province", lambda r: r.birth_state, lambda c: c.birth_state, _code),
    ("birth_country", "Birth country", lambda r: r.birth_country, lambda c: c.birth_country, _code),
)

COMPARED_FIELDS: tuple[str, ...] = (
    *(name for name, *_ in _TEXT_FIELDS),
    "birth_date",
    *(name for name, *_ in _PLACE_FIELDS),
)
"""The fields compared, in the order the review shows them."""


def compare_with_candidates(local: SenrRecord, candidates: Sequence[MatchCandidate]) -> list[ComparedField]:
    """Every compared field of ``local`` beside each of ``candidates`` (in the order given)."""

    def text_row(field: _Field) -> ComparedField:
        name, label, mine, theirs, fold = field
        return ComparedField(name, label, mine(local), (), tuple(_text_cell(mine(local), theirs(c), fold) for c in candidates))

    rows = [text_row(field) for field in _TEXT_FIELDS]
    born = _ccyymmdd(local.birth_date)
    rows.append(
        ComparedField(
            "birth_date", "Birth date", born.isoformat() if born else local.birth_date, date_parts(born),
            tuple(_date_cell(born, c.birth_date) for c in candidates),
        )
    )
    rows.extend(text_row(field) for field in _PLACE_FIELDS)
    return rows
