"""A small OneRoster export for unit tests: one school, one student and a parent, as editable rows.

``small_export(version)`` gives the tables as dicts (``export.row(USERS, "s1")["grades"] = "06"``);
``export.write(folder)`` writes them as a folder export with the specification's headers, and
``write_text_files`` writes any files as given (for the reader's refusals of malformed files).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from domain.errors import FileProblem
from domain.oneroster import SPEC_COLUMNS, OneRosterMapping, OneRosterStudent, OneRosterVersion, read_oneroster

__all__ = ["SmallExport", "small_export", "csv_text", "write_text_files", "TODAY"]

TODAY = dt.date(2026, 1, 15)


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """Rows as CSV text with CRLF line ends, quoted only where needed."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_text_files(folder: Path, files: Mapping[str, str]) -> Path:
    """Each file's text written as UTF-8 into ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


@dataclass
class SmallExport:
    """The tables of one export by file name, each row a dict of the columns it gives."""

    version: OneRosterVersion
    manifest: dict[str, str]
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def row(self, name: str, sourced_id: str) -> dict[str, str]:
        return next(r for r in self.tables[name] if r["sourcedId"] == sourced_id)

    def edited(self, name: str, sourced_id: str, values: Mapping[str, str]) -> SmallExport:
        """This export, with ``values`` set in the row of ``sourced_id`` in ``name``."""
        self.row(name, sourced_id).update(values)
        return self

    def add(self, name: str, **values: str) -> dict[str, str]:
        self.tables[name].append(dict(values))
        return self.tables[name][-1]

    def write(self, folder: Path) -> Path:
        files = {"manifest.csv": csv_text([("propertyName", "value"), *self.manifest.items()])}
        for name, rows in self.tables.items():
            columns = SPEC_COLUMNS[(self.version, name)]
            files[name] = csv_text([columns, *([r.get(c, "") for c in columns] for r in rows)])
        return write_text_files(folder, files)

    def students(self, folder: Path, mapping: OneRosterMapping | None = None) -> list[OneRosterStudent]:
        """The export written into ``folder`` and read (on :data:`TODAY`)."""
        return list(read_oneroster(self.write(folder), mapping, today=TODAY).students)

    def refusal(self, folder: Path, mapping: OneRosterMapping | None = None) -> str:
        """The problem reading the export raises, as the user reads it."""
        with pytest.raises(FileProblem) as caught:
            read_oneroster(self.write(folder), mapping, today=TODAY)
        return str(caught.value)


def small_export(version: OneRosterVersion = OneRosterVersion.V1_1) -> SmallExport:
    """School ``org1`` (CDS 6019715) of district ``d1``; student ``s1`` (local id 100234, grade 05,
    parent ``g1``) enrolled in class ``c1`` from 2025-08-13, in school year 2025-26."""
    v12 = version is OneRosterVersion.V1_2
    names = ["orgs", "users", "demographics", "enrollments", "academicSessions", "classes", *(["roles"] if v12 else [])]
    manifest = {"manifest.version": "1.0", "oneroster.version": version.value, **{f"file.{n}": "bulk" for n in names}}
    student = {"sourcedId": "s1", "enabledUser": "true", "givenName": "María", "familyName": "López", "middleName": "Ana",
               "identifier": "100234", "agentSourcedIds": "g1", "grades": "05"}  # fmt: skip
    parent = {"sourcedId": "g1", "enabledUser": "true", "givenName": "Rosa", "familyName": "López"}
    tables = {
        "orgs.csv": [{"sourcedId": "d1", "type": "district", "identifier": "1964733"},
                     {"sourcedId": "org1", "type": "school", "identifier": "6019715"}],
        "academicSessions.csv": [{"sourcedId": "y25", "type": "schoolYear", "startDate": "2025-07-01", "endDate": "2026-06-30"}],
        "users.csv": [student, parent] if v12 else [{**student, "role": "student"}, {**parent, "role": "parent"}],
        "demographics.csv": [{"sourcedId": "s1", "birthDate": "2015-03-14", "sex": "female", "countryOfBirthCode": "US",
                              "stateOfBirthAbbreviation": "CA", "cityOfBirth": "El Monte"}],
        "classes.csv": [{"sourcedId": "c1", "grades": "05"}],
        "enrollments.csv": [{"sourcedId": "e1", "classSourcedId": "c1", "schoolSourcedId": "org1", "userSourcedId": "s1",
                             "role": "student", "beginDate": "2025-08-13"}],
    }  # fmt: skip
    if v12:
        tables["roles.csv"] = [{"sourcedId": "r1", "userSourcedId": "s1", "roleType": "primary", "role": "student"},
                               {"sourcedId": "r2", "userSourcedId": "g1", "roleType": "primary", "role": "parent"}]  # fmt: skip
    return SmallExport(version, manifest, tables)
