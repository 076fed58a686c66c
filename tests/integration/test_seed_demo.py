"""The demo district: deterministic, realistic in its proportions, with every hard case, loadable."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import peewee
import pytest

from domain.values import AcademicYear
from seed.demo import FIXED_CASES, DemoStudent, generate_district
from seed.demo.load import load_demo
from seed.demo.people import birth_window
from store.settings import read_settings
from store.students import iter_students
from store.users import authenticate

TODAY = dt.date(2025, 10, 15)


@pytest.fixture(scope="module")
def students() -> list[DemoStudent]:
    return list(generate_district(3000, seed=1, today=TODAY).students())


def test_the_same_seed_gives_the_same_district_and_another_seed_another() -> None:
    first = list(generate_district(300, seed=7, today=TODAY).students())
    again = list(generate_district(300, seed=7, today=TODAY).students())
    other = list(generate_district(300, seed=8, today=TODAY).students())
    assert first == again
    assert [s.student.legal for s in first] != [s.student.legal for s in other]
    # Streaming: any student can be regenerated alone from its index.
    assert generate_district(300, seed=7, today=TODAY).student(250) == first[250]


def test_the_district_is_the_year_containing_today() -> None:
    district = generate_district(10, seed=1, today=TODAY)
    assert (district.lea, district.year) == ("1964212", AcademicYear(2025))
    kinds = {s.kind for s in district.schools}
    assert {"elementary", "middle", "high", "tk8"} <= kinds
    assert 3 <= len(district.schools) <= 6


def test_proportions_look_like_a_california_district(students: list[DemoStudent]) -> None:
    n = len(students)
    without_ssid = sum(s.student.ssid is None for s in students) / n
    swd = sum(s.student.special_education.swd == "Y" for s in students) / n
    assert 0.035 < without_ssid < 0.065
    assert 0.09 < swd < 0.15
    assert {"M", "F", "X"} == {s.student.gender for s in students}
    countries = Counter(s.student.birth_country for s in students)
    assert countries["US"] / n > 0.8 and countries["MX"] > 0
    assert {s.student.birth_state for s in students if s.student.birth_country == "MX"} <= {
        f"MX-{code}" for code in ("JAL", "MIC", "CMX", "OAX", "BCN", "GUA", "PUE", "ZAC")
    }
    assert any("é" in s.student.legal.first or "í" in s.student.legal.last for s in students)
    assert any(" " in s.student.legal.last for s in students)  # compound surnames
    assert {s.student.language.elas for s in students} >= {"EO", "EL", "RFEP", "IFEP", "TBD"}
    assert sum(s.student.alias is not None for s in students) / n > 0.05
    # about half of the students without an SSID already hold one from another district
    known = [s for s in students if s.student.ssid is None and s.state_ssid is not None]
    assert 0.3 < len(known) / sum(s.student.ssid is None for s in students) < 0.7


def test_birth_dates_fit_the_grade(students: list[DemoStudent]) -> None:
    on_track = 0
    for demo in students:
        current = demo.student.enrollments[-1]
        first, last = birth_window(current.grade, 2025)
        if first <= demo.student.birth_date <= last:
            on_track += 1
        else:  # held back or started early: one year off at most
            assert first - dt.timedelta(days=366) <= demo.student.birth_date <= last + dt.timedelta(days=366)
    assert on_track / len(students) > 0.95


def test_no_enrollment_starts_after_today_except_the_future_enrollment(students: list[DemoStudent]) -> None:
    future = [s for s in students if any(e.start > TODAY for e in s.student.enrollments)]
    assert future and all(s.case == "future_enrollment" for s in future)


def test_the_hard_cases_are_there(students: list[DemoStudent]) -> None:
    cases = [s.case for s in students[: len(FIXED_CASES)]]
    assert cases == list(FIXED_CASES)
    twin_a, twin_b, retired, original, second, future, inactive, newcomer, transfer, kinder = students[:10]
    assert twin_a.student.birth_date == twin_b.student.birth_date
    assert twin_a.student.legal.last == twin_b.student.legal.last
    assert twin_a.student.legal.first != twin_b.student.legal.first
    assert twin_a.state_ssid != twin_b.state_ssid and None not in (twin_a.state_ssid, twin_b.state_ssid)
    assert retired.student.ssid == retired.retired_ssid != retired.state_ssid
    assert original.student.ssid == original.state_ssid == second.state_ssid
    assert second.student.ssid is None and second.student.local_id != original.student.local_id
    assert second.student.birth_date == original.student.birth_date
    assert future.student.ssid is None and future.student.enrollments[-1].start > TODAY
    assert inactive.student.ssid is None and not inactive.student.active
    assert newcomer.state_ssid is None and newcomer.student.birth_country != "US"
    assert transfer.student.ssid is None and transfer.state_ssid is not None and transfer.prior_district is not None
    assert transfer.state_name != transfer.student.legal
    assert kinder.student.ssid is None and kinder.state_ssid is None
    assert kinder.student.enrollments[-1].grade in ("TK", "KN")


def test_ssids_are_unique_ten_digit_numbers(students: list[DemoStudent]) -> None:
    held = [s.student.ssid for s in students if s.student.ssid]
    assert len(held) == len(set(held))
    assert all(len(ssid) == 10 and ssid.isdigit() for ssid in held)


def test_the_demo_loads_with_settings_users_and_students_intact(database: peewee.Database) -> None:
    district = generate_district(120, seed=3, today=TODAY)
    counts = load_demo(district, fresh=True)
    assert (counts.students, counts.schools) == (120, 6)
    assert list(iter_students()) == [d.student for d in district.students()]
    settings = read_settings()
    assert (settings.lea, settings.year, settings.complete) == ("1964212", AcademicYear(2025), True)
    assert "1996057" not in settings.schools  # the continuation school is not selected
    admin = authenticate("admin", "admin-demo")
    assert admin is not None and admin.role == "admin"
    auditor = authenticate("auditor", "auditor-demo")
    assert auditor is not None and auditor.role == "auditor"
    assert load_demo(district).students == 120  # loading again upserts: still 120
    assert len(list(iter_students())) == 120
