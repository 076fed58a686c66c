"""CSV for people holds no formula a spreadsheet would run: a roster carrying ``=HYPERLINK(...)``,
``+1+1``, ``-2+3`` and ``@SUM(1)`` in names, addresses and guardians, then every CSV export of
the console fetched as an admin (and the history, and ``ssid run history --csv``'s writer)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask_admin import Admin

from console.spreadsheet import FORMULA_STARTS, spreadsheet_line
from console.views.base import TableView
from store.roster_import import ROSTER_COLUMNS, import_roster
from store.tables import RunRow, RunTransitionRow, SchoolRow
from store.database import utc_now
from tests.e2e.conftest import Signed

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(1)", "\t=1+1"]

_ROW = {
    "local_id": "990001", "legal_first": FORMULAS[0][:30], "legal_middle": FORMULAS[1], "legal_last": FORMULAS[2],
    "suffix": "", "alias_first": FORMULAS[3], "alias_middle": "", "alias_last": "", "birth_date": "2015-03-14",
    "gender": "F", "birth_city": FORMULAS[3], "birth_state": "US-CA", "birth_country": "US", "ssid": "",
    "school": "", "grade": "05", "enroll_start": "2025-08-13", "enroll_exit": "", "exit_reason": "",
    "enroll_status": "10", "elas": "EO", "elas_date": "", "primary_language": "00", "swd": "N",
    "guardian1_first": FORMULAS[3], "guardian1_last": FORMULAS[0][:50], "guardian2_first": FORMULAS[1],
    "guardian2_last": FORMULAS[2], "address": FORMULAS[0], "city": FORMULAS[1], "state": "CA", "zip": "-2+3",
    "active": "Y",
}  # fmt: skip


def _import_roster(tmp_path: Path, school: str) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({**_ROW, "school": school})
    path = tmp_path / "roster.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    import_roster(path, actor="=cmd|' /C calc'!A0")


def _exports(app: Flask) -> list[str]:
    admin: Admin = app.extensions["admin"][0]
    return [
        f"{view.url}/export/csv/"
        for view in admin._views
        if isinstance(view, TableView) and view.allow_export
    ]


def _cells(text: str) -> list[str]:
    return [cell for row in list(csv.reader(io.StringIO(text)))[1:] for cell in row]


def test_no_csv_export_holds_a_cell_a_spreadsheet_would_run(app: Flask, admin: Signed, tmp_path: Path) -> None:
    _import_roster(tmp_path, str(SchoolRow.select().first().code))
    run = RunRow.select().first() or RunRow.create(state="open", opened_by="admin")
    RunTransitionRow.create(run=run, at=utc_now(), actor="@SUM(1)", event="=1+1", source="-2+3", dest="+1+1",
                            accepted=False, reason="=HYPERLINK(1)", file_name="=evil.csv")  # fmt: skip
    exports = _exports(app)
    assert len(exports) >= 10 and "/admin/student/export/csv/" in exports
    seen: list[str] = []
    for path in [*exports, "/admin/history/history.csv"]:
        answer = admin.get(path)
        assert answer.status_code == 200, path
        cells = _cells(answer.get_data(as_text=True))
        bad = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        assert not bad, (path, bad)
        seen.extend(cells)
    # The values are there, written as text.
    for value in ("'" + FORMULAS[1], "'" + FORMULAS[2], "'" + FORMULAS[3], "'=HYPERLINK(1)", "'=1+1"):
        assert value in seen, value


@pytest.mark.parametrize("value", FORMULAS + ["\r=1", "-5"])
def test_a_formula_cell_is_written_as_text(value: str) -> None:
    line = spreadsheet_line(["plain", value, None, 3])
    assert next(csv.reader(io.StringIO(line))) == ["plain", "'" + value, "", "3"]
