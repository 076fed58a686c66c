"""Test generator: the demo district written as a OneRoster 1.1 or 1.2 CSV export, and as the
project's roster CSV, from the same students — so the two imports can be compared.

The export follows the OneRoster CSV binding: its file names, column names in the
specification's order (:data:`domain.oneroster.SPEC_COLUMNS`), value sets (``student``/``parent``
roles, ``male``/``female``/``other``, CEDS grades such as ``KG``, ``true``/``false``), lists as
comma-separated values in one field, ``{type:id}`` user ids, and bulk ``manifest.csv``. 1.1 has
no sex for a nonbinary student: it is left blank there. Each
student has one homeroom class per school and year (``classes.csv`` gives its grade); parents
are users of their own, named in the student's ``agentSourcedIds``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from domain.model import Student
from domain.oneroster import GRADE_TO_CALPADS, SPEC_COLUMNS, OneRosterVersion
from domain.values import AcademicYear
from seed.demo import DemoDistrict
from store.roster_import import ROSTER_COLUMNS

__all__ = ["write_oneroster", "zip_folder", "write_roster_csv", "edit_csv", "demo_students"]

_CEDS_GRADE = {calpads: ceds for ceds, calpads in GRADE_TO_CALPADS.items() if ceds != "PR"}
_SEX = {"M": "male", "F": "female", "X": "other"}
"""CALPADS gender → OneRoster sex; 1.1 knows only male and female (a nonbinary student's is left blank)."""


def demo_students(district: DemoDistrict) -> list[Student]:
    return [demo.student for demo in district.students()]


def _year(day: dt.date) -> AcademicYear:
    return AcademicYear.containing(day)


def _rows(version: OneRosterVersion, name: str, records: Iterable[dict[str, str]]) -> Iterator[list[str]]:
    columns = SPEC_COLUMNS[(version, name)]
    yield list(columns)
    for record in records:
        unknown = set(record) - set(columns)
        assert not unknown, (name, unknown)
        yield [record.get(c, "") for c in columns]


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


def write_oneroster(district: DemoDistrict, students: Sequence[Student], folder: Path, version: OneRosterVersion) -> Path:
    """Write the export of ``students`` into ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    v12 = version is OneRosterVersion.V1_2
    names = {s.code: s.name for s in district.schools}
    codes = sorted({*names, *(e.school for s in students for e in s.enrollments)})
    years = sorted({_year(e.start).start_year for s in students for e in s.enrollments})
    homerooms = sorted({(e.school, _year(e.start).start_year, e.grade) for s in students for e in s.enrollments})
    lea = f"org-{district.lea}"

    orgs = [{"sourcedId": lea, "name": district.lea_name, "type": "district", "identifier": district.lea}]
    orgs += [{"sourcedId": f"org-{c}", "name": names.get(c, c), "type": "school", "identifier": c, "parentSourcedId": lea} for c in codes]
    sessions = [{"sourcedId": f"sy-{y}", "title": AcademicYear(y).code, "type": "schoolYear", "startDate": f"{y}-07-01",
                 "endDate": f"{y + 1}-06-30", "schoolYear": str(y + 1)} for y in years]  # fmt: skip
    courses = [{"sourcedId": f"course-{c}-{y}", "schoolYearSourcedId": f"sy-{y}", "title": "Homeroom", "courseCode": "HR",
                "orgSourcedId": f"org-{c}"} for c in codes for y in years]  # fmt: skip
    classes = [{"sourcedId": f"class-{c}-{y}-{g}", "title": f"Homeroom {g}", "grades": _CEDS_GRADE.get(g, g),
                "courseSourcedId": f"course-{c}-{y}", "classCode": f"HR-{g}", "classType": "homeroom",
                "schoolSourcedId": f"org-{c}", "termSourcedIds": f"sy-{y}"} for c, y, g in homerooms]  # fmt: skip

    users: list[dict[str, str]] = []
    roles: list[dict[str, str]] = []
    demographics: list[dict[str, str]] = []
    enrollments: list[dict[str, str]] = []
    for student in students:
        sid = f"stu-{student.local_id}"
        latest = student.enrollments[-1]
        school = f"org-{latest.school}"
        parents = [f"par-{student.local_id}-{n}" for n in range(1, len(student.guardians) + 1)]
        user = {"sourcedId": sid, "enabledUser": "true" if student.active else "false", "username": f"s{student.local_id}",
                "givenName": student.legal.first, "familyName": student.legal.last, "middleName": student.legal.middle,
                "identifier": student.local_id, "agentSourcedIds": ",".join(parents),
                "grades": _CEDS_GRADE.get(latest.grade, latest.grade)}  # fmt: skip
        if v12:
            alias = student.alias
            user |= {"userMasterIdentifier": student.ssid or "", "primaryOrgSourcedId": school,
                     "preferredGivenName": alias.first if alias else "", "preferredMiddleName": alias.middle if alias else "",
                     "preferredFamilyName": alias.last if alias else ""}  # fmt: skip
            roles.append({"sourcedId": f"role-{sid}", "userSourcedId": sid, "roleType": "primary", "role": "student", "orgSourcedId": school})
        else:
            user |= {"orgSourcedIds": school, "role": "student", "userIds": f"{{SSID:{student.ssid}}}" if student.ssid else ""}
        users.append(user)
        for parent, guardian in zip(parents, student.guardians):
            record = {"sourcedId": parent, "enabledUser": "true", "username": parent, "givenName": guardian.first,
                      "familyName": guardian.last, "agentSourcedIds": sid}  # fmt: skip
            if v12:
                roles.append({"sourcedId": f"role-{parent}", "userSourcedId": parent, "roleType": "primary", "role": "parent", "orgSourcedId": school})
            else:
                record |= {"orgSourcedIds": school, "role": "parent"}
            users.append(record)
        demographics.append({"sourcedId": sid, "birthDate": student.birth_date.isoformat(), "sex": _SEX[student.gender] if v12 or student.gender != "X" else "",
                             "countryOfBirthCode": student.birth_country,
                             "stateOfBirthAbbreviation": student.birth_state.partition("-")[2] or student.birth_state,
                             "cityOfBirth": student.birth_city})  # fmt: skip
        for n, enrollment in enumerate(student.enrollments, 1):
            year = _year(enrollment.start).start_year
            enrollments.append({"sourcedId": f"enr-{student.local_id}-{n}", "classSourcedId": f"class-{enrollment.school}-{year}-{enrollment.grade}",
                                "schoolSourcedId": f"org-{enrollment.school}", "userSourcedId": sid, "role": "student",
                                "primary": "false", "beginDate": enrollment.start.isoformat(),
                                "endDate": enrollment.exit_date.isoformat() if enrollment.exit_date else ""})  # fmt: skip

    _write(folder, "manifest.csv", _manifest(version))
    _write(folder, "orgs.csv", _rows(version, "orgs.csv", orgs))
    _write(folder, "academicSessions.csv", _rows(version, "academicSessions.csv", sessions))
    _write(folder, "courses.csv", _rows(version, "courses.csv", courses))
    _write(folder, "classes.csv", _rows(version, "classes.csv", classes))
    _write(folder, "users.csv", _rows(version, "users.csv", users))
    if v12:
        _write(folder, "roles.csv", _rows(version, "roles.csv", roles))
    _write(folder, "demographics.csv", _rows(version, "demographics.csv", demographics))
    _write(folder, "enrollments.csv", _rows(version, "enrollments.csv", enrollments))
    return folder


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

