"""The SENR ODS audit's comparison computed set-based: the download's current-year records staged,
then joined with the local current-year enrollments.

Part of the workflow's store (:mod:`store.workflow_store`). A ten-year download of a large
district holds hundreds of thousands of current-year records; keeping them (and a domain student
per local student) in memory made the audit's memory grow with the file. Here they go into a
temporary table, and one join finds the students whose every current-year enrollment has exactly
one CALPADS record of the same key (SSID, school, start date) with the same compared fields, and
no other record: by the rules of :class:`domain.planning.ods.OdsReconciliation` their records are
unchanged, so only their count is needed. Every other student (and one holding a code with no
CALPADS translation, which must be refused the same way) is handed to those rules as a domain
student with the records under their SSID (``tests/integration/test_ods_staged.py`` checks the
two ways give the same audit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import peewee

from domain import model as dm
from domain.planning.ods import STAGED_FIELDS
from domain.runs import BatchKind
from domain.values import LocalId
from store.bulk import chunked, in_list, insert_rows
from store.students import iter_students
from store.tables_batches import Batch, PreviewLine
from store.tables_sis import Student

__all__ = ["OdsSql", "STAGED_COLUMNS"]

STAGED_COLUMNS = (*STAGED_FIELDS, "text")
"""A staged record's columns: :data:`domain.planning.ods.STAGED_FIELDS`, then its joined field values."""

_STAGE = "ods_stage"
_LOCAL = "ods_local"
_RETIRED = "ods_retired"
_SETTLED = "ods_settled"
_STUDENT_CODES = ("suffix", "gender", "birth_state", "birth_country")  # student columns senr_record translates
_ENROLLMENT_CODES = ("grade", "enroll_status", "exit_reason", "completion_status")  # and enrollment columns
_CHUNK = 2000
_STUDENT_ID = cast("peewee.Field[Any]", Student._meta.primary_key)


class OdsSql:
    """Staging an ODS download's current-year records and comparing them, in the database's dialect."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database
        self.param = database.param
        self.postgres = isinstance(database, peewee.PostgresqlDatabase)

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self.database.execute_sql(sql, tuple(params)).rowcount)  # type: ignore[no-untyped-call]

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        return iter(self.database.execute_sql(sql, tuple(params)))  # type: ignore[no-untyped-call]

    def _table(self, name: str, columns: str) -> None:
        self._run(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({columns})")
        self._run(f"DELETE FROM {name}")

    def _date(self, column: str) -> str:
        """A date column as CCYYMMDD text (blank for none), the way an SENR record writes it."""
        text = f"to_char({column}, 'YYYYMMDD')" if self.postgres else f"replace({column}, '-', '')"
        return f"COALESCE({text}, '')"

    def stage(self, rows: Iterable[Sequence[str]], first_day: dt.date, last_day: dt.date) -> int:
        """Replace the staged records by ``rows`` (values in :data:`STAGED_COLUMNS` order, download
        order), and note the local current-year enrollments of students holding a usable SSID."""
        self._table(_STAGE, "seq INTEGER NOT NULL, " + ", ".join(f"{c} TEXT NOT NULL" for c in STAGED_COLUMNS))
        count = insert_rows(self.database, _STAGE, ("seq", *STAGED_COLUMNS), ((n, *r) for n, r in enumerate(rows)))
        self._run(f"CREATE INDEX IF NOT EXISTS {_STAGE}_key ON {_STAGE} (ssid, school, enroll_start)")
        self._table(_RETIRED, "ssid TEXT NOT NULL")
        # A student still holding an SSID a Replacement SSIDs Extract retired counts as one without.
        self._run(
            f"INSERT INTO {_RETIRED} (ssid) SELECT DISTINCT p.ssid_old FROM {PreviewLine._meta.table_name} p "
            f"JOIN {Batch._meta.table_name} b ON b.id = p.batch_id WHERE b.kind = {self.param} AND p.ssid_old IS NOT NULL",
            (BatchKind.REPLACEMENT.value,),
        )
        self._table(
            _LOCAL,
            "sid INTEGER NOT NULL, eid INTEGER NOT NULL, ssid TEXT NOT NULL, school TEXT NOT NULL, "
            "enroll_start TEXT NOT NULL, grade TEXT NOT NULL, enroll_status TEXT NOT NULL, exit_date TEXT NOT NULL, "
            "exit_reason TEXT NOT NULL, completion_status TEXT NOT NULL",
        )
        q = self.param
        self._run(
            f"INSERT INTO {_LOCAL} SELECT e.student_id, e.id, s.ssid, e.school, {self._date('e.start_date')}, e.grade, "
            f"e.status, {self._date('e.exit_date')}, e.exit_reason, e.completion_status "
            f"FROM enrollment e JOIN student s ON s.id = e.student_id "
            f"WHERE e.start_date >= {q} AND e.start_date <= {q} AND s.ssid IS NOT NULL AND s.ssid <> '' "
            f"AND s.ssid NOT IN (SELECT ssid FROM {_RETIRED})",
            (first_day, last_day),
        )
        self._run(f"CREATE INDEX IF NOT EXISTS {_LOCAL}_ssid ON {_LOCAL} (ssid)")
        if self.postgres:
            for table in (_STAGE, _RETIRED, _LOCAL):
                self._run(f"ANALYZE {table}")
        return count

    def codes(self) -> set[tuple[str, str]]:
        """Every ``(field, local code)`` the audit would translate: those of the noted enrollments
        and of their students (named as the SENR record's attributes)."""
        selects = [f"SELECT DISTINCT '{name}', {name} FROM {_LOCAL}" for name in _ENROLLMENT_CODES]
        selects += [
            f"SELECT DISTINCT '{name}', s.{name} FROM student s WHERE s.id IN (SELECT sid FROM {_LOCAL})"
            for name in _STUDENT_CODES
        ]
        return {(str(name), str(code)) for name, code in self._rows(" UNION ".join(selects))}

    def _translated(self, name: str, translations: Mapping[tuple[str, str], str]) -> tuple[str, list[str]]:
        pairs = [(local, calpads) for (field, local), calpads in translations.items() if field == name and local]
        column = f"l.{name}"
        if not pairs:
            return column, []
        whens = " ".join(f"WHEN {self.param} THEN {self.param}" for _ in pairs)
        return f"CASE {column} {whens} ELSE {column} END", [value for pair in pairs for value in pair]

    def settle(
        self, translations: Mapping[tuple[str, str], str], untranslatable: Collection[tuple[str, str]]
    ) -> tuple[int, list[int]]:
        """The enrollments found unchanged, and the ids (in order) of the students left to the rules.

        A student is settled when every one of their noted enrollments has exactly one staged
        record of its key with the same compared fields (local codes through ``translations``),
        they hold no other staged record, no other student holds their SSID, and none of their
        codes is ``untranslatable``.
        """
        q = self.param
        compared: list[str] = []
        params: list[Any] = []
        for name in ("grade", "enroll_status", "exit_reason", "completion_status"):
            expression, values = self._translated(name, translations)
            compared.append(f"o.{name} = {expression}")
            params += values
        compared.append("o.exit_date = l.exit_date")
        key = "school || '|' || enroll_start"
        self._table(_SETTLED, "sid INTEGER NOT NULL, n INTEGER NOT NULL, settled INTEGER NOT NULL")
        self._run(
            f"WITH mine AS (SELECT sid, ssid, COUNT(*) AS n, COUNT(DISTINCT {key}) AS keys FROM {_LOCAL} GROUP BY sid, ssid), "
            f"shared AS (SELECT ssid FROM mine GROUP BY ssid HAVING COUNT(*) > 1), "
            f"theirs AS (SELECT ssid, COUNT(*) AS n, COUNT(DISTINCT {key}) AS keys FROM {_STAGE} "
            f"WHERE ssid IN (SELECT ssid FROM mine) GROUP BY ssid), "
            f"same AS (SELECT l.sid, COUNT(*) AS n FROM {_LOCAL} l JOIN {_STAGE} o ON o.ssid = l.ssid "
            f"AND o.school = l.school AND o.enroll_start = l.enroll_start WHERE {' AND '.join(compared)} GROUP BY l.sid) "
            f"INSERT INTO {_SETTLED} SELECT m.sid, m.n, CASE WHEN m.keys = m.n AND t.n = m.n AND t.keys = m.n "
            f"AND s.n = m.n AND m.ssid NOT IN (SELECT ssid FROM shared) THEN 1 ELSE 0 END "
            f"FROM mine m LEFT JOIN theirs t ON t.ssid = m.ssid LEFT JOIN same s ON s.sid = m.sid",
            params,
        )
        if untranslatable:
            # Their students take the rules' way, which refuses the first of them as the rules do.
            for field, code in untranslatable:
                if field in _ENROLLMENT_CODES:
                    where = f"sid IN (SELECT sid FROM {_LOCAL} WHERE {field} = {q})"
                else:
                    where = f"sid IN (SELECT id FROM student WHERE {field} = {q})"
                self._run(f"UPDATE {_SETTLED} SET settled = 0 WHERE {where}", (code,))
        unchanged = next(self._rows(f"SELECT COALESCE(SUM(n), 0) FROM {_SETTLED} WHERE settled = 1"))[0]
        left = [int(sid) for (sid,) in self._rows(f"SELECT sid FROM {_SETTLED} WHERE settled = 0 ORDER BY sid")]
        return int(unchanged), left

    def students(self, ids: Sequence[int]) -> Iterator[tuple[dm.Student, list[str]]]:
        """The students of ``ids`` in that order, each with the staged records (joined values, in
        download order) under their SSID."""
        for chunk in chunked(ids, _CHUNK):
            students = list(iter_students(cast(peewee.Expression, in_list(_STUDENT_ID, chunk))))
            ssids = sorted({s.ssid for s in students if s.ssid})
            held: dict[str, list[str]] = {}
            for part in chunked(ssids, _CHUNK):
                marks = ", ".join([self.param] * len(part))
                for ssid, text in self._rows(f"SELECT ssid, text FROM {_STAGE} WHERE ssid IN ({marks}) ORDER BY seq", part):
                    held.setdefault(ssid, []).append(text)
            for student in students:
                yield student, held.get(student.ssid or "", [])

    def left_over(self) -> Iterator[tuple[str, bool]]:
        """Each staged record under an SSID no noted enrollment holds (in download order of each
        SSID's first record, then of the records), and whether its Local Student ID is a local
        student's without a usable SSID."""
        return (
            (str(text), bool(unidentified))
            for text, unidentified in self._rows(
                f"SELECT o.text, CASE WHEN EXISTS (SELECT 1 FROM student u WHERE u.local_id = o.local_student_id AND "
                f"(u.ssid IS NULL OR u.ssid = '' OR u.ssid IN (SELECT ssid FROM {_RETIRED}))) THEN 1 ELSE 0 END "
                f"FROM {_STAGE} o JOIN (SELECT ssid, MIN(seq) AS first FROM {_STAGE} GROUP BY ssid) f ON f.ssid = o.ssid "
                f"WHERE o.ssid NOT IN (SELECT ssid FROM {_LOCAL}) ORDER BY f.first, o.seq"
            )
        )

    def without_ssid(self, first_day: dt.date, last_day: dt.date) -> list[LocalId]:
        """The students enrolled between the two days without a usable SSID, in local order."""
        q = self.param
        return [
            LocalId(str(local_id))
            for (local_id,) in self._rows(
                f"SELECT s.local_id FROM student s WHERE (s.ssid IS NULL OR s.ssid = '' OR s.ssid IN "
                f"(SELECT ssid FROM {_RETIRED})) AND EXISTS (SELECT 1 FROM enrollment e WHERE e.student_id = s.id "
                f"AND e.start_date >= {q} AND e.start_date <= {q}) ORDER BY s.id",
                (first_day, last_day),
            )
        ]

    def clear(self) -> None:
        """Drop what was staged (the temporary tables live as long as the connection otherwise)."""
        for table in (_STAGE, _LOCAL, _RETIRED, _SETTLED):
            self._run(f"DROP TABLE IF EXISTS {table}")
