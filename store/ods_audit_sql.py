"""The SENR ODS audit's comparison computed set-based: the download's current-year records staged,
then compared with the local current-year enrollments.

Part of the workflow's store (:mod:`store.workflow_store`). A ten-year download of a large
district holds hundreds of thousands of current-year records; keeping them (and a domain student
per local student) in memory made the audit's memory grow with the file. Here they go into a
temporary table beside the local enrollments, and one statement over both (an SSID at a time,
through their indexes; only a count and the students left over come back) finds the students
whose every current-year enrollment has exactly one CALPADS record of the same key (SSID,
school, start date) with the same compared fields, and no other record: by the rules of :class:`domain.planning.ods.OdsReconciliation` their records are
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
from domain.runs import BatchKind
from domain.values import LocalId
from store.bulk import chunked, in_list, insert_rows
from store.students import iter_students
from store.tables import BatchRow, PreviewLineRow, StudentRow

__all__ = ["OdsSql", "LEFT_OVER"]

_STAGE = "ods_stage"
_LOCAL = "ods_local"
_RETIRED = "ods_retired"
_GROUPS = "ods_groups"  # the noted enrollments an SSID, and whether they are settled
_STUDENT_CODES = ("suffix", "gender", "birth_state", "birth_country")  # student columns senr_record translates
_ENROLLMENT_CODES = ("grade", "enroll_status", "exit_reason", "completion_status")  # and enrollment columns
_COMPARED = ("grade", "enroll_status", "exit_date", "exit_reason", "completion_status")  # as staged, in this order
_CHUNK = 2000
_BLOCK = 10_000  # staged rows a transaction
_CACHE_KIB = -2_000  # SQLite page cache (and in-memory sort) from staging on: 2 MB, SQLite's default
_STUDENT_ID = cast("peewee.Field[Any]", StudentRow._meta.primary_key)


# The staged records under an SSID no noted enrollment holds, each with whether its Local Student ID
# is a local student's without a usable SSID. The SSIDs are found on the (covering) index first, so
# only their records are read. NOT EXISTS, never NOT IN (SELECT ...): PostgreSQL hashes a NOT IN
# subquery only while it fits in work_mem, and past that (a district's current enrollments) compares
# every staged record with every noted enrollment, which never ended for a 3,000,000-line download.
LEFT_OVER = (
    f"WITH gone AS (SELECT DISTINCT ssid FROM {_STAGE} s "
    f"WHERE NOT EXISTS (SELECT 1 FROM {_LOCAL} l WHERE l.ssid = s.ssid)), "
    f"o AS (SELECT seq, ssid, local_student_id, text FROM {_STAGE} WHERE ssid IN (SELECT ssid FROM gone)) "
    f"SELECT o.text, CASE WHEN EXISTS (SELECT 1 FROM student u WHERE u.local_id = o.local_student_id AND "
    f"(u.ssid IS NULL OR u.ssid = '' OR u.ssid IN (SELECT ssid FROM {_RETIRED}))) THEN 1 ELSE 0 END "
    f"FROM o JOIN (SELECT ssid, MIN(seq) AS first FROM o GROUP BY ssid) f ON f.ssid = o.ssid "
    f"ORDER BY f.first, o.seq"
)


class OdsSql:
    """Staging an ODS download's current-year records and comparing them, in the database's dialect."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database
        self.param = database.param
        self.postgres = isinstance(database, peewee.PostgresqlDatabase)
        self._temp_store: int | None = None  # SQLite: the connection's own setting while staged

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

    def stage(
        self, rows: Iterable[Sequence[str]], first_day: dt.date, last_day: dt.date, schools: Collection[str]
    ) -> int:
        """Replace the staged records by ``rows`` (values in :data:`domain.planning.ods.STAGED_FIELDS`
        order, then the record's joined values; download order), and note the local current-year
        enrollments at ``schools`` of students holding a usable SSID."""
        # Imported here, not by every command that opens the workflow store (the ODS rules and the
        # validation they import are the audit's alone).
        from domain.planning.ods import STAGED_FIELDS

        staged_columns = (*STAGED_FIELDS, "text")
        if self.postgres and not self._tables_used():
            # A session's temporary tables are read through its own buffers, 8 MB by default: the
            # staged records and noted enrollments of a large district are many times that, and
            # every scan and index probe would read them again from the files. Settable only
            # before the session's first temporary table; the server takes it when one is needed.
            self._run("SET temp_buffers = '64MB'")
        if not self.postgres and self._temp_store is None:
            # Temporary tables on disk while the audit runs: in memory (the connection's setting)
            # they would grow with the download. Changing it drops the connection's temporary tables.
            # A sort (an index made, an ORDER BY) keeps up to the page cache's size in memory before
            # it spills to disk, and the audit's next steps (storing, reviewing and writing tens of
            # thousands of lines) would fill a large cache with a large district's pages: a smaller
            # cache keeps the audit's memory flat. It stays for the rest of the connection, which
            # serves one command, job or request.
            self._temp_store = int(next(self._rows("PRAGMA temp_store"))[0])
            self._run("PRAGMA temp_store = FILE")
            self._run(f"PRAGMA cache_size = {_CACHE_KIB}")
        self._table(_STAGE, "seq INTEGER NOT NULL, " + ", ".join(f"{c} TEXT NOT NULL" for c in staged_columns))
        count = 0
        columns = ("seq", *staged_columns)
        for block in chunked(((n, *r) for n, r in enumerate(rows)), _BLOCK):
            # One transaction per block (read before it begins), not one per row: reading the rows
            # may note a job's progress on this connection, which must not wait for the whole file.
            with self.database.atomic():
                count += insert_rows(self.database, _STAGE, columns, block)
        # Covering what :meth:`settle` reads of the staged records, in its order.
        self._run(f"CREATE INDEX IF NOT EXISTS {_STAGE}_key ON {_STAGE} (ssid, school, enroll_start, {', '.join(_COMPARED)})")
        self._table(_RETIRED, "ssid TEXT NOT NULL")
        # A student still holding an SSID a Replacement SSIDs Extract retired counts as one without.
        self._run(
            f"INSERT INTO {_RETIRED} (ssid) SELECT DISTINCT p.ssid_old FROM {PreviewLineRow._meta.table_name} p "
            f"JOIN {BatchRow._meta.table_name} b ON b.id = p.batch_id WHERE b.kind = {self.param} AND p.ssid_old IS NOT NULL",
            (BatchKind.REPLACEMENT.value,),
        )
        # Each row also keeps its student's translated codes: :meth:`codes` reads one table.
        self._table(
            _LOCAL,
            "sid INTEGER NOT NULL, ssid TEXT NOT NULL, school TEXT NOT NULL, enroll_start TEXT NOT NULL, "
            + ", ".join(f"{name} TEXT NOT NULL" for name in (*_COMPARED, *_STUDENT_CODES)),
        )
        q = self.param
        at_schools, school_params = self._schools("e.school", schools)
        self._run(
            f"INSERT INTO {_LOCAL} SELECT e.student_id, s.ssid, e.school, {self._date('e.start_date')}, e.grade, "
            f"e.status, {self._date('e.exit_date')}, e.exit_reason, e.completion_status, "
            + ", ".join(f"s.{name}" for name in _STUDENT_CODES)
            + f" FROM enrollment e JOIN student s ON s.id = e.student_id "
            f"WHERE e.start_date >= {q} AND e.start_date <= {q} AND {at_schools} AND s.ssid IS NOT NULL AND s.ssid <> '' "
            f"AND NOT EXISTS (SELECT 1 FROM {_RETIRED} r WHERE r.ssid = s.ssid)",
            (first_day, last_day, *school_params),
        )
        # Covering what :meth:`settle` reads of the noted enrollments, in its order.
        self._run(
            f"CREATE INDEX IF NOT EXISTS {_LOCAL}_ssid ON {_LOCAL} (ssid, sid, school, enroll_start, {', '.join(_COMPARED)})"
        )
        if self.postgres:
            for table in (_STAGE, _RETIRED, _LOCAL):
                self._run(f"ANALYZE {table}")
        return count

    def _tables_used(self) -> bool:
        """Whether this PostgreSQL session made a temporary table already."""
        return bool(next(self._rows("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE oid = pg_my_temp_schema())"))[0])

    def _schools(self, column: str, schools: Collection[str]) -> tuple[str, list[str]]:
        """``column IN (the selected schools)`` and its parameters (a district selects a handful)."""
        chosen = sorted(schools)
        if not chosen:
            return "1 = 0", []
        return f"{column} IN ({', '.join([self.param] * len(chosen))})", chosen

    def codes(self) -> set[tuple[str, str]]:
        """Every ``(field, local code)`` the audit would translate: those of the noted enrollments
        and of their students (named as the SENR record's attributes)."""
        names = (*_ENROLLMENT_CODES, *_STUDENT_CODES)
        found: set[tuple[str, str]] = set()
        for row in self._rows(f"SELECT DISTINCT {', '.join(names)} FROM {_LOCAL}"):
            found.update(zip(names, map(str, row)))
        return found

    def _translated(self, name: str, translations: Mapping[tuple[str, str], str]) -> tuple[str, list[str]]:
        """The local column ``name`` of the noted enrollments through the code translations, in SQL."""
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

        A student is settled when their noted enrollments have distinct keys and are, compared
        field for field (local codes through ``translations``), exactly the staged records under
        their SSID; no other student holds that SSID, and none of their codes is ``untranslatable``.

        Worked out in the database: the noted enrollments under an SSID are one student's, of
        distinct keys, as many as the staged records under it, and each has a staged record equal
        to it. Their keys being distinct, the enrollments are then distinct, so they are exactly
        the staged records. Only the count and the students left to the rules come back (not a
        row an SSID).
        """
        equal = ["s.ssid = l.ssid", "s.school = l.school", "s.enroll_start = l.enroll_start"]
        params: list[Any] = []
        for name in _COMPARED:
            expression, values = self._translated(name, translations)
            equal.append(f"s.{name} = {expression}")
            params += values
        self._table(_GROUPS, "ssid TEXT NOT NULL, sid INTEGER NOT NULL, n INTEGER NOT NULL, settled INTEGER NOT NULL")
        each_equal = f"EXISTS (SELECT 1 FROM {_STAGE} s WHERE {' AND '.join(equal)})"
        if self.postgres:
            # PostgreSQL runs a correlated subquery of the select list once a row, and a COUNT
            # (DISTINCT) with a sort a group: here every part is a hashed aggregate or anti-join.
            sql = (
                f"SELECT g.ssid, g.sid, g.n, CASE WHEN g.sid = g.last AND d.ssid IS NULL AND COALESCE(c.n, 0) = g.n "
                f"AND b.ssid IS NULL THEN 1 ELSE 0 END "
                f"FROM (SELECT ssid, MIN(sid) AS sid, MAX(sid) AS last, COUNT(*) AS n FROM {_LOCAL} GROUP BY ssid) g "
                f"LEFT JOIN (SELECT ssid, COUNT(*) AS n FROM {_STAGE} GROUP BY ssid) c ON c.ssid = g.ssid "
                f"LEFT JOIN (SELECT DISTINCT ssid FROM {_LOCAL} GROUP BY ssid, school, enroll_start HAVING COUNT(*) > 1) d "
                f"ON d.ssid = g.ssid "
                f"LEFT JOIN (SELECT DISTINCT l.ssid FROM {_LOCAL} l WHERE NOT {each_equal}) b ON b.ssid = g.ssid"
            )
        else:
            # SQLite: a grouped scan of the noted enrollments' index, each probing the staged records' index.
            sql = (
                f"SELECT l.ssid, MIN(l.sid), COUNT(*), CASE WHEN MIN(l.sid) = MAX(l.sid) "
                f"AND COUNT(DISTINCT l.school || '^' || l.enroll_start) = COUNT(*) "
                f"AND SUM(CASE WHEN {each_equal} THEN 1 ELSE 0 END) = COUNT(*) "
                f"AND (SELECT COUNT(*) FROM {_STAGE} s WHERE s.ssid = l.ssid) = COUNT(*) THEN 1 ELSE 0 END "
                f"FROM {_LOCAL} l GROUP BY l.ssid"
            )
        self._run(f"INSERT INTO {_GROUPS} (ssid, sid, n, settled) {sql}", params)
        refused = self._untranslatable(untranslatable)
        q = self.param
        unchanged = int(next(self._rows(f"SELECT COALESCE(SUM(n), 0) FROM {_GROUPS} WHERE settled = 1"))[0])
        unsettled = {
            int(sid)
            for (sid,) in self._rows(
                f"SELECT DISTINCT l.sid FROM {_LOCAL} l JOIN {_GROUPS} g ON g.ssid = l.ssid WHERE g.settled = 0"
            )
        }
        for sid in refused:  # a student holding a code with no translation goes to the rules (which refuse it)
            for (n,) in self._rows(f"SELECT n FROM {_GROUPS} WHERE settled = 1 AND sid = {q}", (sid,)):
                unchanged -= int(n)
                unsettled.add(sid)
        return unchanged, sorted(unsettled)

    def _untranslatable(self, codes: Collection[tuple[str, str]]) -> set[int]:
        """The students with noted enrollments holding one of ``codes`` (usually none)."""
        found: set[int] = set()
        for field, code in codes:
            sql = f"SELECT sid FROM {_LOCAL} WHERE {field} = {self.param}"
            found.update(int(sid) for (sid,) in self._rows(sql, (code,)))
        return found

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a long query, fetched a block at a time (psycopg would fetch them all at once)."""
        if not self.postgres:
            yield from self._rows(sql, params)
            return
        connection = self.database.connection()  # type: ignore[no-untyped-call]
        with connection.cursor(name=f"ods_{id(sql)}", withhold=True) as cursor:
            cursor.itersize = _BLOCK
            cursor.execute(sql, tuple(params))
            yield from cursor

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
        return ((str(text), bool(unidentified)) for text, unidentified in self._stream(LEFT_OVER))

    def without_ssid(self, first_day: dt.date, last_day: dt.date, schools: Collection[str]) -> list[LocalId]:
        """The students enrolled between the two days at one of ``schools`` without a usable SSID, in local order."""
        q = self.param
        at_schools, school_params = self._schools("e.school", schools)
        return [
            LocalId(str(local_id))
            for (local_id,) in self._rows(
                f"SELECT s.local_id FROM student s WHERE (s.ssid IS NULL OR s.ssid = '' OR s.ssid IN "
                f"(SELECT ssid FROM {_RETIRED})) AND EXISTS (SELECT 1 FROM enrollment e WHERE e.student_id = s.id "
                f"AND e.start_date >= {q} AND e.start_date <= {q} AND {at_schools}) ORDER BY s.id",
                (first_day, last_day, *school_params),
            )
        ]

    def clear(self) -> None:
        """Drop what was staged (the temporary tables live as long as the connection otherwise)."""
        if self._temp_store is not None:  # SQLite: going back drops every temporary table at once
            self._run(f"PRAGMA temp_store = {self._temp_store}")
            self._temp_store = None
            return
        for table in (_STAGE, _LOCAL, _RETIRED, _GROUPS):
            self._run(f"DROP TABLE IF EXISTS {table}")
