"""Test generator: the demo district as a OneRoster 1.1 or 1.2 CSV export
(:func:`seed.demo.oneroster.write_oneroster`, streamed, which the bench uses too) and as the
project's roster CSV, from the same students — so the two imports can be compared.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from domain.model import Student
from seed.demo import DemoDistrict
from seed.demo.oneroster import write_oneroster
from store.roster_import import ROSTER_COLUMNS

__all__ = ["write_oneroster", "zip_folder", "write_roster_csv", "edit_csv", "demo_students"]


def demo_students(district: DemoDistrict) -> list[Student]:
    return [demo.student for demo in district.students()]


def _write(folder: Path, name: str, rows: Iterable[Sequence[str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)


def zip_folder(folder: Path, target: Path) -> Path:
    """The export's files at the top of a zip archive."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.glob("*.csv")):
            archive.write(file, file.name)
    return target


def write_roster_csv(students: Sequence[Student], target: Path) -> Path:
    """The same students as the project's roster CSV (shared/spec/cli.md), one row per enrollment."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for s in students:
        guardians = [*s.guardians, None, None][:2]
        home = s.addresses[0] if s.addresses else None
        common = {
            "local_id": s.local_id, "legal_first": s.legal.first, "legal_middle": s.legal.middle, "legal_last": s.legal.last,
            "suffix": s.suffix, "alias_first": s.alias.first if s.alias else "", "alias_middle": s.alias.middle if s.alias else "",
            "alias_last": s.alias.last if s.alias else "", "birth_date": s.birth_date.isoformat(), "gender": s.gender,
            "birth_city": s.birth_city, "birth_state": s.birth_state, "birth_country": s.birth_country, "ssid": s.ssid or "",
            "elas": s.language.elas or "", "elas_date": s.language.elas_start.isoformat() if s.language.elas_start else "",
            "primary_language": s.language.primary_language or "", "swd": s.special_education.swd or "",
            "guardian1_first": guardians[0].first if guardians[0] else "", "guardian1_last": guardians[0].last if guardians[0] else "",
            "guardian2_first": guardians[1].first if guardians[1] else "", "guardian2_last": guardians[1].last if guardians[1] else "",
            "address": home.street if home else "", "city": home.city if home else "", "state": home.state if home else "",
            "zip": home.zip if home else "", "active": "Y" if s.active else "N",
        }  # fmt: skip
        for e in s.enrollments:
            writer.writerow({**common, "school": e.school, "grade": e.grade, "enroll_start": e.start.isoformat(),
                             "enroll_exit": e.exit_date.isoformat() if e.exit_date else "", "exit_reason": e.exit_reason,
                             "enroll_status": e.status})  # fmt: skip
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def edit_csv(path: Path, line: int, column: str, value: str | None) -> None:
    """Set ``column`` on ``line`` (1 = the header) to ``value``; ``value=None`` on line 1 drops the column."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index(column)
    if value is None:
        rows = [[v for i, v in enumerate(row) if i != at] for row in rows]
    else:
        rows[line - 1][at] = value
    _write(path.parent, path.name, rows)

