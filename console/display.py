"""How the console shows people, schools and codes: a student by name with grade and school, a
school by its name, a code with its meaning (the code itself still visible).

Pages that list students by local id ask :func:`people` once for the whole page (one query for
the students, one for their newest enrollments); the templates show each with the ``person``
macro of ``_people.html``. School names are read once per request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pathlib import Path
from typing import Any

from flask import Flask, Response, g

from domain.codes import CODE_SETS, CodeSet, PRIMARY_LANGUAGE
from store.bulk import chunked, tuples
from store.fixed_sql import FixedQuery
from store.tables import EnrollmentRow, SchoolRow, StudentRow

__all__ = ["Person", "people", "local_enrollments", "school_name", "school_label", "code_text", "code_meaning", "count_label", "distinct_counts", "init_display"]

_CODES: Mapping[str, CodeSet] = {**CODE_SETS, "language": PRIMARY_LANGUAGE}


@dataclass(frozen=True, slots=True)
class Person:
    """A local student as a page names them: local id, name, grade code and school code (newest
    enrollment; blank when unknown)."""

    local_id: str
    name: str
    grade: str = ""
    school: str = ""

    @property
    def known(self) -> bool:
        return bool(self.name)


def _day(value: object) -> dt.date:
    """A date read with ``.tuples()`` (SQLite gives it back as text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _full_name(first: str, middle: str, last: str) -> str:
    given = " ".join(part for part in (first, middle) if part)
    return f"{last}, {given}" if last and given else (last or given)


def people(local_ids: Iterable[str]) -> dict[str, Person]:
    """The students with these local ids, by local id (an unknown id maps to a nameless Person)."""
    wanted = list(dict.fromkeys(i for i in local_ids if i))
    found: dict[str, Person] = {i: Person(i, "") for i in wanted}
    for chunk in chunked(wanted, 500):
        rows = list(tuples(
            StudentRow.select(StudentRow.id, StudentRow.local_id, StudentRow.legal_first, StudentRow.legal_middle, StudentRow.legal_last)
            .where(StudentRow.local_id.in_(chunk))
        ))
        newest: dict[int, tuple[dt.date, str, str]] = {}
        ids = [row[0] for row in rows]
        enrollments = tuples(
            EnrollmentRow.select(EnrollmentRow.student, EnrollmentRow.start_date, EnrollmentRow.grade, EnrollmentRow.school)
            .where(EnrollmentRow.student.in_(ids))
        )
        for student, raw_start, grade, school in enrollments:
            start = _day(raw_start)
            if student not in newest or start >= newest[student][0]:
                newest[student] = (start, grade, school)
        for sid, local_id, first, middle, last in rows:
            _, grade, school = newest.get(sid, (dt.date.min, "", ""))
            found[local_id] = Person(local_id, _full_name(first, middle, last), grade, school)
    return found


def local_enrollments(
    local_ids: Iterable[str], since: dt.date
) -> dict[str, list[tuple[str, dt.date, str, dt.date | None, str]]]:
    """Each student's enrollments starting on or after ``since``: (school code, start, grade, exit
    date, exit reason code), oldest first."""
    found: dict[str, list[tuple[str, dt.date, str, dt.date | None, str]]] = {}
    for chunk in chunked(list(dict.fromkeys(local_ids)), 500):
        query = tuples(
            EnrollmentRow.select(
                StudentRow.local_id, EnrollmentRow.school, EnrollmentRow.start_date, EnrollmentRow.grade,
                EnrollmentRow.exit_date, EnrollmentRow.exit_reason,
            )
            .join(StudentRow)
            .where(StudentRow.local_id.in_(chunk) & (EnrollmentRow.start_date >= since))
            .order_by(EnrollmentRow.start_date)
        )
        for local_id, school, start, grade, exit_date, reason in query:
            found.setdefault(local_id, []).append((school, _day(start), grade, _day(exit_date) if exit_date else None, reason or ""))
    return found


_SCHOOLS: FixedQuery[tuple[Any, ...]] = FixedQuery(lambda: SchoolRow.select(SchoolRow.code, SchoolRow.name).tuples())


def _school_names() -> dict[str, str]:
    names: dict[str, str] | None = g.get("_ssid_school_names")
    if names is None:
        names = {str(code): str(name) for code, name in _SCHOOLS.rows()}
        g._ssid_school_names = names
    return names


def school_name(code: str | None) -> str:
    """The school's name in Settings ("" when the code is not one of the LEA's schools)."""
    return _school_names().get(code or "", "")


def school_label(code: str | None) -> str:
    """``Cortada Elementary (6019715)``; the code alone when the school is unknown."""
    if not code:
        return "—"
    name = school_name(code)
    return f"{name} ({code})" if name else f"school {code}"


def code_text(set_name: str, code: str | None) -> str:
    """A code with its meaning: ``Vietnamese (02)``, ``Kindergarten (KN)``; the code alone when unknown."""
    if not code:
        return "—"
    codes = _CODES.get(set_name)
    found = codes.codes.get(code) if codes is not None else None
    return f"{found.name} ({code})" if found is not None else code


def code_meaning(set_name: str, code: str | None) -> str:
    """The meaning alone ("" when unknown): for a ``title`` beside a code."""
    codes = _CODES.get(set_name)
    found = codes.codes.get(code or "") if codes is not None else None
    return found.name if found is not None else ""


def distinct_counts(counts: Mapping[str, object]) -> dict[str, object]:
    """Counts without a plural that repeats its singular ("conflict: 1 … conflicts: 1")."""
    return {k: v for k, v in counts.items() if not (k.endswith("s") and k[:-1] in counts and counts[k[:-1]] == v)}


def init_display(app: Flask) -> None:
    """Give every template these helpers; answer a browser's own ``/favicon.ico`` request with
    the console's icon (no 404 in its console)."""
    icon = (Path(str(app.static_folder)) / "favicon.svg").read_bytes()
    app.add_url_rule(
        "/favicon.ico", "favicon",
        lambda: Response(icon, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=86400"}),
    )
    app.jinja_env.globals.update(
        school_name=school_name, school_label=school_label, code_text=code_text, code_meaning=code_meaning,
        count_label=count_label, distinct_counts=distinct_counts,
    )


_COUNT_LABELS: Mapping[str, str] = {
    "student.ssid": "SSIDs set",
    "student.old_state_id": "Old State IDs set",
    "language_status.elas": "ELAS set",
    "language_status.elas_start": "ELAS start dates set",
    "language_status.primary_language": "primary languages set",
    "special_education.swd": "SWD indicators set",
    "ssid_held_by_another": "SSID held by another student",
    "no_local_student": "no local student",
    "more_than_one_local": "more than one local student",
}


def count_label(key: str) -> str:
    """A count's key in a coordinator's words: ``student.ssid`` → ``SSIDs set``."""
    if key in _COUNT_LABELS:
        return _COUNT_LABELS[key]
    table, dot, column = key.partition(".")
    return f"{column.replace('_', ' ')} set" if dot else key.replace("_", " ")
