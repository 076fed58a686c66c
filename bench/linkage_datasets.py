"""The public record-linkage data sets the matching assistant is measured on, read as PersonFacts.

The files live outside the repository, in ``../shared/datasets/`` next to the project root (see
its README); they are read in place and never copied. :func:`datasets_folder` finds the folder
from this file's location, not from the current directory, and returns ``None`` when it is absent
so tests can skip cleanly.

- ``historical_50k.csv``: 50,578 records of 5,156 people (column ``cluster``), restricted here to
  first name, surname, birth date, birth place (as city) and gender.
- ``febrl/dataset{1,2,3}.csv``: FEBRL synthetic records, restricted to given name, surname, birth
  date and place (suburb as city, Australian state as state); ``rec-N-org`` is the original of
  person N, ``rec-N-dup-K`` its duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from domain.matching import PersonFacts

__all__ = ["LabelledPerson", "datasets_folder", "read_historical", "read_febrl", "FEBRL_DATASETS"]

FEBRL_DATASETS = (1, 2, 3)

_PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class LabelledPerson:
    """One record: its id, the true person behind it, whether it is that person's original, its facts."""

    record_id: str
    person: str
    original: bool
    facts: PersonFacts


def datasets_folder() -> Path | None:
    """``../shared/datasets`` relative to the project root, or ``None`` when it is not there."""
    folder = _PROJECT_ROOT.parent / "shared" / "datasets"
    return folder if (folder / "README.md").is_file() else None


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _compact_date(text: str) -> dt.date | None:
    """A ``YYYYMMDD`` date; FEBRL's corrupted dates (month 13, day 0) count as missing."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def read_historical(folder: Path) -> list[LabelledPerson]:
    """historical_50k: first name, surname, birth date, birth place and gender of each record."""
    with (folder / "historical_50k.csv").open(encoding="utf-8", newline="") as handle:
        return [
            LabelledPerson(
                row["unique_id"],
                row["cluster"],
                False,
                PersonFacts(
                    legal_first=row["first_name"] or None,
                    legal_last=row["surname"] or None,
                    birth_date=_iso_date(row["dob"]),
                    gender=row["gender"] or None,
                    birth_city=row["birth_place"] or None,
                ),
            )
            for row in csv.DictReader(handle)
        ]


def read_febrl(folder: Path, number: int) -> list[LabelledPerson]:
    """FEBRL data set ``number`` (1-3): names, birth date, suburb as city, state as state."""
    with (folder / "febrl" / f"dataset{number}.csv").open(encoding="utf-8", newline="") as handle:
        people: list[LabelledPerson] = []
        for row in csv.DictReader(handle, skipinitialspace=True):
            record = row["rec_id"]
            _, person, kind = record.split("-", 2)
            people.append(
                LabelledPerson(
                    record,
                    person,
                    kind == "org",
                    PersonFacts(
                        legal_first=row["given_name"] or None,
                        legal_last=row["surname"] or None,
                        birth_date=_compact_date(row["date_of_birth"]),
                        birth_city=row["suburb"] or None,
                        birth_state=row["state"] or None,
                    ),
                )
            )
        return people
