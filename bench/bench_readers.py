"""Readers stay flat in memory: generated SENR ODS downloads of any size, read by the domain reader.

``write_generated_ods`` writes a file with the project's own ODS writer; ``read_ods`` reads every
record (run in a fresh process by :mod:`bench.ops`, which compares the peaks of two sizes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from domain.readers import open_ods_senr
from domain.records import OdsSenrRecord, SenrRecord
from domain.writers import write_ods_senr

__all__ = ["write_generated_ods", "read_ods"]

_FIRST = ("MARIA", "JOSÉ", "LI", "AALIYAH", "NGUYEN", "OLUWASEUN")
_LAST = ("LOPEZ", "PEÑA", "SMITH", "TRAN", "GARCIA-HERNANDEZ", "O'BRIEN")
_GRADES = ("KN", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")


def _records(count: int) -> Iterator[OdsSenrRecord]:
    for n in range(count):
        year = 2016 + n % 10
        exited = n % 3 == 0
        yield OdsSenrRecord(
            SenrRecord(
                record_type="SENR-R", local_record_id=f"R{n}", reporting_lea="1964212",
                school=f"60{n % 97:05d}", academic_year=f"{year}-{year + 1}", ssid=f"{1_000_000_000 + n}",
                local_student_id=f"{100_000 + n}", legal_first=_FIRST[n % 6], legal_middle="A" if n % 2 else "",
                legal_last=_LAST[n % 6], birth_date=f"{2005 + n % 15}0{1 + n % 9}1{n % 9}", gender="MFX"[n % 3],
                birth_city="LOS ANGELES", birth_state="US-CA", birth_country="US",
                enroll_start=f"{year}0814", enroll_status="10", grade=_GRADES[n % 13],
                exit_date=f"{year + 1}0605" if exited else "", exit_reason="E155" if exited else "",
            ),
            upload_date=f"{year}0901",
            last_updated=f"{year}0915",
        )


def write_generated_ods(path: Path, lines: int) -> None:
    """Write an SENR ODS download of ``lines`` records (ten academic years, varied values)."""
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        write_ods_senr(_records(lines), out)
    partial.rename(path)


def read_ods(path: str) -> dict[str, int]:
    """Read every record of the ODS download at ``path`` (nothing kept)."""
    lines = 0
    for _ in open_ods_senr(Path(path)):
        lines += 1
    return {"lines": lines}
