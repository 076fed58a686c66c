"""The command line's low findings of the second security round: a file whose name is not UTF-8
text (a Latin-1 name on a Linux share) is refused in one line with exit 2 and changes nothing
(before: a traceback and exit 1 after half a roster import), and a file that is not a roster is
refused without quoting its first line (which may be a student's record)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from store.database import open_database
from store.roster_import import ROSTER_COLUMNS
from store.tables import StudentRow

ROW = "100,Ana,,Ruiz,,,,,2017-12-01,F,Pasadena,US-CA,US,1234567890,6019715,03,2025-08-13,,,10,EO,,00,N,,,,,,,,,Y"


def _ssid(tmp_path: Path, *args: bytes) -> subprocess.CompletedProcess[bytes]:
    script = "import sys; from console.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


def test_a_file_name_that_is_not_utf8_is_refused_in_one_line_and_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'district.db'}"
    assert _ssid(tmp_path, b"db", b"init", b"--db", url.encode()).returncode == 0
    name = b"roster_\xe9l\xe8ves.csv"  # "élèves" in Latin-1
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as roster:
        roster.write((",".join(ROSTER_COLUMNS) + "\r\n" + ROW + "\r\n").encode())
    done = _ssid(tmp_path, b"roster", b"import", name, b"--db", url.encode())
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == (
        "ssid: roster_\ufffdl\ufffdves.csv: the file name is not UTF-8 text; rename the file "
        "(for example without accents) and run the command again\n"
    )
    with open_database(url):
        assert StudentRow.select().count() == 0


def test_a_file_that_is_not_a_roster_is_refused_without_quoting_its_first_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'district.db'}"
    assert _ssid(tmp_path, b"db", b"init", b"--db", url.encode()).returncode == 0
    (tmp_path / "students.csv").write_text("100234,Maria Elena,Lopez,2015-03-14\r\n", encoding="utf-8")
    done = _ssid(tmp_path, b"roster", b"import", b"students.csv", b"--db", url.encode())
    assert done.returncode == 2
    message = done.stderr.decode()
    assert "Maria" not in message and "Lopez" not in message and "100234" not in message
    assert message == (
        "ssid: students.csv, line 1: header row: missing column(s): " + ", ".join(ROSTER_COLUMNS)
        + "; 4 cell(s) that are not roster column names (positions 1-4): is the header row missing?\n"
    )


def test_a_control_character_in_a_roster_is_refused_naming_line_and_field(tmp_path: Path) -> None:
    """NUL and ESC in a roster name went into the SENR file sent to CALPADS before."""
    url = f"sqlite:///{tmp_path / 'district.db'}"
    assert _ssid(tmp_path, b"db", b"init", b"--db", url.encode()).returncode == 0
    bad = ROW.replace(",Ana,", ",An\x1ba,").replace("100,", "101,", 1)
    (tmp_path / "roster.csv").write_text(
        ",".join(ROSTER_COLUMNS) + "\r\n" + ROW + "\r\n" + bad + "\r\n", encoding="utf-8"
    )
    done = _ssid(tmp_path, b"roster", b"import", b"roster.csv", b"--db", url.encode())
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == "ssid: roster.csv, line 3, field 2 (legal_first): holds a control character\n"
    with open_database(url):
        assert StudentRow.select().count() == 0
