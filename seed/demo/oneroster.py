"""The demo district written as a OneRoster 1.1 or 1.2 CSV export, streamed (600,000 students
write in flat memory), for the tests and the bench of the OneRoster import.

The export follows the OneRoster CSV binding: its file names, column names in the
specification's order (:data:`domain.oneroster.SPEC_COLUMNS`), value sets (``student``/``parent``
roles, ``male``/``female``/``other``, CEDS grades such as ``KG``, ``true``/``false``), lists as
comma-separated values in one field, ``{type:id}`` user ids, and bulk ``manifest.csv``. 1.1 has
no sex for a nonbinary student: it is left blank there. Each student has one homeroom class per
school and year (``classes.csv`` gives its grade); parents are users of their own, named in the
student's ``agentSourcedIds``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from domain.model import Student
from domain.oneroster import GRADE_TO_CALPADS, SPEC_COLUMNS, OneRosterVersion
from domain.values import AcademicYear

if TYPE_CHECKING:
    from seed.demo import DemoDistrict

__all__ = ["write_oneroster"]

_CEDS_GRADE = {calpads: ceds for ceds, calpads in GRADE_TO_CALPADS.items() if ceds != "PR"}
_SEX = {"M": "male", "F": "female", "X": "other"}
"""CALPADS gender → OneRoster sex; 1.1 knows only male and female (a nonbinary student's is left blank)."""


def _year(day: dt.date) -> int:
    return AcademicYear.containing(day).start_year


class _File:
    """One CSV file of the export, written a record at a time in the specification's column order."""

    def __init__(self, stack: ExitStack, folder: Path, version: OneRosterVersion, name: str) -> None:
        self._columns = SPEC_COLUMNS[(version, name)]
        self._known = set(self._columns)
        self._name = name
        handle = stack.enter_context((folder / name).open("w", encoding="utf-8", newline=""))
        self._writer = csv.writer(handle, lineterminator="\r\n")
        self._writer.writerow(self._columns)

    def write(self, record: dict[str, str]) -> None:
        unknown = set(record) - self._known
        assert not unknown, (self._name, unknown)
        self._writer.writerow([record.get(c, "") for c in self._columns])


def _write(folder: Path, name: str, rows: Iterable[Sequence[str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(rows)


def _manifest(version: OneRosterVersion) -> list[list[str]]:
    files = {"academicSessions": "bulk", "categories": "absent", "classes": "bulk", "classResources": "absent",
             "courses": "bulk", "courseResources": "absent", "demographics": "bulk", "enrollments": "bulk",
             "lineItems": "absent", "orgs": "bulk", "resources": "absent", "results": "absent", "users": "bulk"}  # fmt: skip
    if version is OneRosterVersion.V1_2:
        files |= {"roles": "bulk", "userProfiles": "absent", "userResources": "absent", "scoreScales": "absent"}
    return [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", version.value],
            *([f"file.{k}", v] for k, v in files.items()), ["source.systemName", "SSID Workbench test generator"],
            ["source.systemCode", "demo"]]  # fmt: skip


def _records(version: OneRosterVersion, name: str, records: Iterable[dict[str, str]], folder: Path) -> None:
    with ExitStack() as stack:
        out = _File(stack, folder, version, name)
        for record in records:
            out.write(record)


def write_oneroster(district: DemoDistrict, students: Iterable[Student], folder: Path, version: OneRosterVersion) -> Path:
    """Write the export of ``students`` (the ``district``'s) into ``folder``
    (created), one student at a time; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    v12 = version is OneRosterVersion.V1_2
    names: dict[str, str] = {s.code: s.name for s in district.schools}
    codes: set[str] = set(names)
    homerooms: set[tuple[str, int, str]] = set()
    with ExitStack() as stack:
        users = _File(stack, folder, version, "users.csv")
        roles = _File(stack, folder, version, "roles.csv") if v12 else None
        demographics = _File(stack, folder, version, "demographics.csv")
        enrollments = _File(stack, folder, version, "enrollments.csv")
        for student in students:
            for enrollment in student.enrollments:
                codes.add(enrollment.school)
                homerooms.add((enrollment.school, _year(enrollment.start), enrollment.grade))
            _write_student(student, v12, users, roles, demographics, enrollments)
    codes_sorted = sorted(codes)
    years = sorted({year for _, year, _ in homerooms})
    lea = f"org-{district.lea}"
    orgs = [{"sourcedId": lea, "name": district.lea_name, "type": "district", "identifier": district.lea}]
    orgs += [{"sourcedId": f"org-{c}", "name": names.get(c, c), "type": "school", "identifier": c, "parentSourcedId": lea}
             for c in codes_sorted]  # fmt: skip
    sessions = [{"sourcedId": f"sy-{y}", "title": AcademicYear(y).code, "type": "schoolYear", "startDate": f"{y}-07-01",
                 "endDate": f"{y + 1}-06-30", "schoolYear": str(y + 1)} for y in years]  # fmt: skip
    courses = [{"sourcedId": f"course-{c}-{y}", "schoolYearSourcedId": f"sy-{y}", "title": "Homeroom", "courseCode": "HR",
                "orgSourcedId": f"org-{c}"} for c in codes_sorted for y in years]  # fmt: skip
    classes = [{"sourcedId": f"class-{c}-{y}-{g}", "title": f"Homeroom {g}", "grades": _CEDS_GRADE.get(g, g),
                "courseSourcedId": f"course-{c}-{y}", "classCode": f"HR-{g}", "classType": "homeroom",
                "schoolSourcedId": f"org-{c}", "termSourcedIds": f"sy-{y}"} for c, y, g in sorted(homerooms)]  # fmt: skip
    _write(folder, "manifest.csv", _manifest(version))
    _records(version, "orgs.csv", orgs, folder)
    _records(version, "academicSessions.csv", sessions, folder)
    _records(version, "courses.csv", courses, folder)
    _records(version, "classes.csv", classes, folder)
    return folder


def _write_student(
    student: Student, v12: bool, users: _File, roles: _File | None, demographics: _File, enrollments: _File
) -> None:
    sid = f"stu-{student.local_id}"
    latest = student.enrollments[-1]
    school = f"org-{latest.school}"
    parents = [f"par-{student.local_id}-{n}" for n in range(1, len(student.guardians) + 1)]
    user = {"sourcedId": sid, "enabledUser": "true" if student.active else "false", "username": f"s{student.local_id}",
            "givenName": student.legal.first, "familyName": student.legal.last, "middleName": student.legal.middle,
            "identifier": student.local_id, "agentSourcedIds": ",".join(parents),
            "grades": _CEDS_GRADE.get(latest.grade, latest.grade)}  # fmt: skip
    if roles is not None:
        alias = student.alias
        user |= {"userMasterIdentifier": student.ssid or "", "primaryOrgSourcedId": school,
                 "preferredGivenName": alias.first if alias else "", "preferredMiddleName": alias.middle if alias else "",
                 "preferredFamilyName": alias.last if alias else ""}  # fmt: skip
        roles.write({"sourcedId": f"role-{sid}", "userSourcedId": sid, "roleType": "primary", "role": "student", "orgSourcedId": school})
    else:
        user |= {"orgSourcedIds": school, "role": "student", "userIds": f"{{SSID:{student.ssid}}}" if student.ssid else ""}
    users.write(user)
    for parent, guardian in zip(parents, student.guardians):
        record = {"sourcedId": parent, "enabledUser": "true", "username": parent, "givenName": guardian.first,
                  "familyName": guardian.last, "agentSourcedIds": sid}  # fmt: skip
        if roles is not None:
            roles.write({"sourcedId": f"role-{parent}", "userSourcedId": parent, "roleType": "primary", "role": "parent", "orgSourcedId": school})
        else:
            record |= {"orgSourcedIds": school, "role": "parent"}
        users.write(record)
    demographics.write({"sourcedId": sid, "birthDate": student.birth_date.isoformat(),
                        "sex": _SEX[student.gender] if v12 or student.gender != "X" else "",
                        "countryOfBirthCode": student.birth_country,
                        "stateOfBirthAbbreviation": student.birth_state.partition("-")[2] or student.birth_state,
                        "cityOfBirth": student.birth_city})  # fmt: skip
    for n, enrollment in enumerate(student.enrollments, 1):
        year = _year(enrollment.start)
        enrollments.write({"sourcedId": f"enr-{student.local_id}-{n}", "classSourcedId": f"class-{enrollment.school}-{year}-{enrollment.grade}",
                           "schoolSourcedId": f"org-{enrollment.school}", "userSourcedId": sid, "role": "student",
                           "primary": "false", "beginDate": enrollment.start.isoformat(),
                           "endDate": enrollment.exit_date.isoformat() if enrollment.exit_date else ""})  # fmt: skip
