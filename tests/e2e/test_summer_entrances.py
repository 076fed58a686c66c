"""Issue 14, finding 7, as a coordinator starts it: `ssid run start --summer` and the Run tab's
Summer ELPAC option open a summer run, marked "summer" in the status, the header and the History,
whose request file holds the pre-enrolled students with their future start dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner, Result

from console.cli import main
from domain.readers import open_senr
from seed.demo import DemoDistrict
from tests.e2e.conftest import Signed
from tests.e2e.console_html import elements, forms, text_of


def _pre_enrolled(district: DemoDistrict) -> set[str]:
    today = dt.date.today()
    return {
        s.student.local_id for s in district.students()
        if s.student.ssid is None and s.student.active and s.student.enrollments
        and all(e.start > today for e in s.student.enrollments)
    }


def _ssid(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--db", url, "--json", "--as", "ana"], catch_exceptions=False)


def test_a_summer_run_from_the_command_line(district: DemoDistrict, database_url: str, tmp_path: Path) -> None:
    pre_enrolled = _pre_enrolled(district)
    assert pre_enrolled
    started = _ssid(database_url, "run", "start", "--summer")
    assert json.loads(started.stdout) == {"run": 1, "state": "new", "summer": True}
    assert json.loads(_ssid(database_url, "run", "status", "1").stdout)["summer"] is True
    assert _ssid(database_url, "run", "resolve-mids", "1", "--attest", "--acknowledge-all").exit_code == 0
    made = _ssid(database_url, "run", "create-senr", "1", "--out", str(tmp_path / "out"))
    assert made.exit_code == 0, made.stderr
    result = json.loads(made.stdout)
    sent = {r.local_student_id: r for r in open_senr(Path(result["file"]))}
    assert pre_enrolled <= set(sent)
    assert all(dt.datetime.strptime(sent[i].enroll_start, "%Y%m%d").date() > dt.date.today() for i in pre_enrolled)
    assert not {e["local_id"] for e in result["excluded"] if e["reason"] == "future start"} & pre_enrolled


def test_a_summer_run_from_the_run_tab(admin: Signed, district: DemoDistrict) -> None:
    page = admin.page("/admin/identifiers/")
    [start] = [f for f in forms(page) if f.action.endswith("/start")]
    assert elements(page, "input", name="summer", type="checkbox")
    started = admin.post(start.action, {"summer": "yes"}, follow=True).get_data(as_text=True)
    assert "summer" in text_of(started, "span", id="run-summer")
    history = admin.page("/admin/history/")
    assert text_of(history, "span", class_="run-summer") == "summer"
