"""The SSID Extract preview computed set-based: the file's rows staged, then joined with the students.

Part of the workflow's store (:mod:`store.workflow_store`). Loading a 600,000-line extract must
not build an object per student: the checked rows go into a temporary table (``executemany`` on
SQLite, ``COPY`` on PostgreSQL), and one ``INSERT ... SELECT`` joins them with the students by
local id to write the batch's preview lines. The outcome of each line follows
:func:`domain.planning.extract.reference_extract_plan` rule for rule (``tests/integration/
test_extract_preview.py`` checks that both give the same preview line for line):

- a local id already seen on an earlier line: ``repeated_line``;
- no student with the local id: ``no_local_student``;
- the student has no SSID: ``new``; the same one: ``unchanged``; another one: ``conflict``, or
  ``replace`` when overwriting (the old SSID moves to Old State ID);
- ``new``/``replace`` of an SSID another student holds: ``ssid_held_by_another``;
- on applied lines ELAS and its start date are taken when given and different, SWD becomes
  ``Y`` when the extract says ``Y``.

(Local ids are unique in the ``student`` table, so ``more_than_one_local`` cannot happen here.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee

from domain.planning.extract import OUTCOME_COUNTS, ExtractCounts, SsidOutcome
from domain.records import ExtractRow
from store.bulk import insert_rows
from store.tables import AppliedExtractLineRow, PreviewLineRow

__all__ = ["ExtractSql"]

_STAGE = "extract_stage"
_P = PreviewLineRow._meta.table_name
_A = AppliedExtractLineRow._meta.table_name
_KEPT = (
    ("reporting_lea", "VARCHAR(7)"), ("school", "VARCHAR(7)"), ("legal_last", "VARCHAR(50)"),
    ("legal_first", "VARCHAR(30)"), ("legal_middle", "VARCHAR(30)"), ("gender", "VARCHAR(1)"), ("birth_date", "DATE"),
    ("enroll_start", "DATE"), ("grade", "VARCHAR(2)"), ("primary_language", "VARCHAR(2)"), ("ssid_created", "DATE"),
)
"""The staged columns only kept for the lines that change a student (the others the preview reads)."""
_LINE_COLUMNS = ("line", "local_id", "ssid", "elas", "elas_start", "swd", *(n for n, _ in _KEPT))


class ExtractSql:
    """Staging an extract's rows and writing its preview, in the database's dialect."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database
        self.param = database.param
        self.postgres = isinstance(database, peewee.PostgresqlDatabase)

    def _run(self, sql: str, *params: Any) -> int:
        return int(self.database.execute_sql(sql, params).rowcount)  # type: ignore[no-untyped-call]

    def stage(self, rows: Iterable[ExtractRow]) -> int:
        """Replace the staged rows by ``rows`` (a temporary table of this connection); how many."""
        # The file's other values ride along, for the lines that change a student to be kept
        # (store.tables.AppliedExtractLineRow: what the SIS gets back after the apply).
        self._run(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (line INTEGER NOT NULL, local_id VARCHAR(16) NOT NULL, "
            "ssid VARCHAR(10) NOT NULL, elas VARCHAR(4), elas_start DATE, swd VARCHAR(1), "
            + ", ".join(f"{name} {kind}" for name, kind in _KEPT) + ")"
        )
        self._run(f"DELETE FROM {_STAGE}")
        values = (
            (r.line, r.local_id, r.ssid, r.elas, r.elas_start, r.swd, r.reporting_lea, r.school, r.legal_last,
             r.legal_first, r.legal_middle, r.gender, r.birth_date, r.enroll_start, r.grade, r.primary_language,
             r.ssid_created)
            for r in rows
        )
        count = insert_rows(self.database, _STAGE, _LINE_COLUMNS, values)
        self._run(f"CREATE INDEX IF NOT EXISTS {_STAGE}_local_id ON {_STAGE} (local_id, line)")
        if self.postgres:
            self._run(f"ANALYZE {_STAGE}")
        return count

    def preview(self, batch_id: int, overwrite: bool) -> tuple[ExtractCounts, int]:
        """Write the batch's preview lines from the staged rows; the counts and the students changed."""
        q = self.param
        o = SsidOutcome
        # SQLite: the staged lines read in local id order, so the students are looked up in the
        # order of their index and table (file order jumps across all of them: at 600,000 lines
        # the preview took twice as long). The preview lines are then stored in that order too,
        # which the apply reads them in (store.workflow_batches.BatchSql).
        scan = "" if self.postgres else f" INDEXED BY {_STAGE}_local_id"
        # One row per staged line with what the plan needs: the student (if any), whether the
        # line repeats a local id, whether another student holds the SSID.
        joined = (
            f"SELECT x.line, x.local_id, x.ssid, x.elas, x.elas_start, x.swd, s.id AS student_id, "
            f"s.ssid AS cur_ssid, s.old_state_id AS cur_old, l.elas AS cur_elas, l.elas_start AS cur_start, "
            f"e.swd AS cur_swd, "
            f"CASE WHEN x.line > (SELECT MIN(y.line) FROM {_STAGE} y WHERE y.local_id = x.local_id) THEN 1 ELSE 0 END "
            f"AS repeated "
            f"FROM {_STAGE} x{scan} LEFT JOIN student s ON s.local_id = x.local_id "
            f"LEFT JOIN language_status l ON l.student_id = s.id "
            f"LEFT JOIN special_education e ON e.student_id = s.id"
        )
        held = (
            "EXISTS (SELECT 1 FROM student h WHERE h.ssid = j.ssid AND h.local_id <> j.local_id)"
        )
        ssid_outcome = (
            f"CASE WHEN j.cur_ssid IS NULL THEN '{o.NEW.value}' WHEN j.cur_ssid = j.ssid THEN '{o.UNCHANGED.value}' "
            f"WHEN {q} THEN '{o.REPLACE.value}' ELSE '{o.CONFLICT.value}' END"
        )
        # MATERIALIZED: each line's outcome is worked out once (inlined, every CASE that reads
        # ``kind`` would run the subqueries again).
        outcome = (
            f"WITH k AS MATERIALIZED (SELECT j.*, CASE WHEN j.repeated = 1 THEN '{o.REPEATED_LINE.value}' "
            f"WHEN j.student_id IS NULL THEN '{o.NO_LOCAL_STUDENT.value}' "
            f"WHEN (j.cur_ssid IS NULL OR (j.cur_ssid <> j.ssid AND {q})) AND {held} "
            f"THEN '{o.SSID_HELD_BY_ANOTHER.value}' ELSE {ssid_outcome} END AS kind FROM ({joined}) j) "
        )
        applied = "k.kind IN ('" + "', '".join(x.value for x in o if x.applied) + "')"
        replace = f"k.kind = '{o.REPLACE.value}'"
        elas = f"{applied} AND k.elas IS NOT NULL AND k.elas <> '' AND k.elas IS DISTINCT FROM k.cur_elas"
        start = f"{applied} AND k.elas_start IS NOT NULL AND k.elas_start IS DISTINCT FROM k.cur_start"
        swd = f"{applied} AND k.swd = 'Y' AND k.cur_swd IS DISTINCT FROM 'Y'"
        shown_old = ", ".join(f"'{x.value}'" for x in (o.NEW, o.REPLACE, o.CONFLICT, o.SSID_HELD_BY_ANOTHER))
        true, false = ("TRUE", "FALSE") if self.postgres else ("1", "0")
        self._run(
            f"{outcome}INSERT INTO {_P} (batch_id, line, local_id, student_id, kind, applied, detail, "
            "ssid_old, ssid_new, old_state_id_old, old_state_id_new, elas_old, elas_new, "
            "elas_start_old, elas_start_new, swd_old, swd_new) "
            f"SELECT {q}, k.line, k.local_id, k.student_id, k.kind, CASE WHEN {applied} THEN {true} ELSE {false} END, '', "
            # Lines not applied show the file's SSID beside the student's found (none for a repeated
            # line); applied lines only what changes.
            f"CASE WHEN k.kind IN ({shown_old}) THEN k.cur_ssid END, "
            f"CASE WHEN k.kind <> '{o.UNCHANGED.value}' THEN k.ssid END, "
            f"CASE WHEN {replace} THEN k.cur_old END, CASE WHEN {replace} THEN k.cur_ssid END, "
            f"CASE WHEN {elas} THEN k.cur_elas END, CASE WHEN {elas} THEN k.elas END, "
            f"CASE WHEN {start} THEN k.cur_start END, CASE WHEN {start} THEN k.elas_start END, "
            f"CASE WHEN {swd} THEN k.cur_swd END, CASE WHEN {swd} THEN 'Y' END "
            "FROM k",
            overwrite, overwrite, batch_id,
        )
        self._keep_changing_lines(batch_id)
        return self._counts(batch_id)

    def _keep_changing_lines(self, batch_id: int) -> None:
        """Keep the file's values of every line whose preview changes a student (applied, with a
        new value): after the apply, exactly the lines the SIS takes back."""
        q = self.param
        columns = ", ".join(_LINE_COLUMNS)
        self._run(
            f"INSERT INTO {_A} (batch_id, {columns}) SELECT p.batch_id, {', '.join(f'x.{c}' for c in _LINE_COLUMNS)} "
            f"FROM {_P} p JOIN {_STAGE} x ON x.local_id = p.local_id AND x.line = p.line WHERE p.batch_id = {q} AND p.applied "
            "AND (p.ssid_new IS NOT NULL OR p.elas_new IS NOT NULL OR p.elas_start_new IS NOT NULL OR p.swd_new IS NOT NULL)",
            batch_id,
        )

    def _counts(self, batch_id: int) -> tuple[ExtractCounts, int]:
        q = self.param
        counts = ExtractCounts()
        changes = 0
        cursor = self.database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT kind, COUNT(*), "
            "SUM(CASE WHEN elas_new IS NOT NULL OR elas_start_new IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN swd_new IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN applied AND (ssid_new IS NOT NULL OR elas_new IS NOT NULL OR elas_start_new IS NOT NULL "
            "OR swd_new IS NOT NULL) THEN 1 ELSE 0 END) "
            f"FROM {_P} WHERE batch_id = {q} GROUP BY kind",
            (batch_id,),
        )
        for kind, lines, elas, swd, changed in cursor.fetchall():
            name = OUTCOME_COUNTS[SsidOutcome(kind)]
            setattr(counts, name, getattr(counts, name) + int(lines))
            counts.elas_changes += int(elas or 0)
            counts.swd_changes += int(swd or 0)
            changes += int(changed or 0)
        return counts, changes
