"""`ssid roster import PATH` with a OneRoster export, as a script uses it: the settings say where
the SSID is, a zip or a folder loads, a broken export exits 2 naming file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.oneroster import OneRosterVersion
from seed.demo import generate_district
from store.database import open_database
from store.tables import StudentRow
from tests.e2e.test_cli_store import ok, ssid
from tests.integration.oneroster_export import demo_students, edit_csv, write_oneroster, zip_folder

DISTRICT = generate_district(40, seed=5, today=dt.date(2025, 10, 15))


def test_a_oneroster_export_loads_from_the_command_line(database_url: str, tmp_path: Path) -> None:
    students = demo_students(DISTRICT)
    enrollments = sum(len(s.enrollments) for s in students)
    export = write_oneroster(DISTRICT, students, tmp_path / "export", OneRosterVersion.V1_2)
    ok(database_url, "db", "init")
    assert ok(database_url, "settings", "set", "--oneroster-ssid", "userMasterIdentifier")["lea"] is None
    shown = ssid(database_url, "settings", "show")
    assert "OneRoster local id field: identifier\nOneRoster SSID field: userMasterIdentifier" in shown.stdout

    assert ok(database_url, "roster", "import", str(zip_folder(export, tmp_path / "sis.zip"))) == {"students": 40, "enrollments": enrollments}
    assert ok(database_url, "roster", "import", str(export)) == {"students": 40, "enrollments": enrollments}
    database = open_database(database_url)
    assert StudentRow.select().where(StudentRow.ssid.is_null(False)).count() == sum(1 for s in students if s.ssid)
    database.close()

    edit_csv(export / "demographics.csv", 7, "birthDate", "2015-02-30")
    refused = ssid(database_url, "roster", "import", str(zip_folder(export, tmp_path / "broken.zip")))
    assert refused.exit_code == 2
    assert refused.stderr == "ssid: demographics.csv, line 7, field 4 (birthDate): is not a real calendar date\n"

    wrong = ssid(database_url, "settings", "set", "--oneroster-local-id", "studentNumber")
    assert wrong.exit_code == 2
    assert "must be one of identifier, sourcedId, username, userMasterIdentifier or userIds:TYPE" in wrong.stderr
