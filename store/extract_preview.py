"""The SSID Extract preview computed set-based: the file's rows staged, then joined with the students.

Part of the workflow's store (:mod:`store.workflow_store`). Loading a 600,000-line extract must
not build an object per student: the checked rows go into a temporary table (``executemany`` on
SQLite, ``COPY`` on PostgreSQL), one ``INSERT ... SELECT`` joins them with the students by local
id to write the batch's preview lines of the lines that change something or need a look, and
every other staged line (nearly all) is kept as a narrow quiet line
(:class:`store.tables.QuietLineRow`). The outcome of each line follows
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
from itertools import chain
from operator import itemgetter
from typing import Any

import peewee

from domain.layouts import FieldKind, Layout, layouts_of_kind
from domain.planning.extract import OUTCOME_COUNTS, ExtractCounts, SsidOutcome
from domain.memory import collection_paused
from domain.readers import CheckedLines, LineBlock
from store.tables import AppliedExtractLineRow, PreviewLineRow, QuietLineRow
from store.workflow_batches import stored_lines

__all__ = ["ExtractSql"]

_STAGE = "extract_stage"
_ROWS = 32
"""Staged lines per ``INSERT`` statement on SQLite (16 fields each: 512 parameters, far below its limit)."""
_REPEATED = "extract_repeated"
_P = PreviewLineRow._meta.table_name
_Q = QuietLineRow._meta.table_name
_PAIRS = tuple(f"{column}_{end}" for column in ("ssid", "old_state_id", "elas", "elas_start", "swd") for end in ("old", "new"))
_A = AppliedExtractLineRow._meta.table_name
_FIELDS = {spec.attr: spec.kind for version in layouts_of_kind("SSID Extract") for spec in version.fields}
_COLUMNS = tuple(_FIELDS)
"""The staged columns: each field of either layout (by its record attribute), as the file's text;
a column the file's layout lacks (the 2019 layout's middle name and SWD) stays ``NULL``."""
_LINE_COLUMNS = ("line", *_COLUMNS)
_PREVIEWED = ("ssid", "elas", "elas_start", "swd")
"""The staged columns the preview reads besides the local id and line."""
_DATES = frozenset(a for a, kind in _FIELDS.items() if kind is FieldKind.DATE)
_CODES = frozenset(a for a, kind in _FIELDS.items() if kind in (FieldKind.CODE, FieldKind.YES_NO))


class ExtractSql:
    """Staging an extract's rows and writing its preview, in the database's dialect."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database
        self.param = database.param
        self.postgres = isinstance(database, peewee.PostgresqlDatabase)
        self._repeats: bool | None = None
        """Whether a local id is staged more than once (``None``: not known, the staging stopped)."""

    def _run(self, sql: str, *params: Any) -> int:
        return int(self.database.execute_sql(sql, params).rowcount)  # type: ignore[no-untyped-call]

    def stage(self, layout: Layout, blocks: Iterable[LineBlock]) -> int:
        """Replace the staged lines by ``blocks`` of an extract of ``layout`` (a temporary table of
        this connection, the file's text as it is; numbered by their line); how many."""
        columns = [spec.attr for spec in layout.fields]
        self._repeats = None
        self._run(f"DROP TABLE IF EXISTS {_STAGE}")
        # The line number is the row's own number, counted from 1 in the order the lines arrive.
        line = "line BIGINT GENERATED ALWAYS AS IDENTITY" if self.postgres else "line INTEGER PRIMARY KEY"
        self._run(f"CREATE TEMPORARY TABLE {_STAGE} ({line}, " + ", ".join(f"{c} TEXT" for c in _COLUMNS) + ")")
        cursor = self.database.cursor()  # type: ignore[no-untyped-call]
        with collection_paused():  # the file is read and checked as its lines are staged
            if self.postgres:
                count = self._copy(cursor, columns, blocks)
            else:
                count = self._insert(cursor, columns, blocks)
        return count

    def _copy(self, cursor: Any, columns: list[str], blocks: Iterable[LineBlock]) -> int:
        """PostgreSQL: the lines' text copied as it is (the server splits it into the columns)."""
        count = 0
        copy = f"COPY {_STAGE} ({', '.join(columns)}) FROM STDIN (FORMAT text, DELIMITER '^')"
        for block in blocks:
            # A checked line holds no control character: only a backslash needs escaping.
            text = "\n".join(block.lines)
            with cursor.copy(copy) as rows:
                rows.write((text.replace("\\", "\\\\") if "\\" in text else text) + "\n")
            count += len(block.lines)
        # No index: the preview's joins are hash joins of the whole table (at 186,836 lines an
        # index on the local id took 0.16 s to build and made the load no shorter).
        # The statistics the joins are planned by: of every column it took 0.37 s at 112,000 lines, of this one 0.05 s.
        self._run(f"ANALYZE {_STAGE} (local_id)")
        # Almost never a local id twice: then the statements that look for repeated lines are skipped.
        self._repeats = self.database.execute_sql(  # type: ignore[no-untyped-call]
            f"SELECT EXISTS (SELECT 1 FROM {_STAGE} GROUP BY local_id HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        return count

    def _insert(self, cursor: Any, columns: list[str], blocks: Iterable[LineBlock]) -> int:
        """SQLite: the lines split into their fields, inserted ``_ROWS`` to a statement in file order
        (each row's number is one more than the last): a statement per line made the load of
        560,000 lines 12 % longer (13.3 s, 11.7 s)."""
        count = 0
        local_id = itemgetter(columns.index("local_id"))
        # Almost never a local id twice: then the statements that look for repeated lines are skipped.
        local_ids: set[str] = set()
        one = f"({', '.join('?' * len(columns))})"
        insert = f"INSERT INTO {_STAGE} ({', '.join(columns)}) VALUES "
        many, flat = insert + ", ".join([one] * _ROWS), chain.from_iterable
        for block in blocks:
            # Split by the reader (binds_fields: the workflow asks it for each line's fields).
            assert isinstance(block, CheckedLines), "SQLite binds each field: stage CheckedLines"
            values = block.values
            whole = len(values) - len(values) % _ROWS
            cursor.executemany(many, (tuple(flat(values[at : at + _ROWS])) for at in range(0, whole, _ROWS)))
            if whole < len(values):
                cursor.executemany(insert + one, values[whole:])
            local_ids.update(map(local_id, values))
            count += len(values)
        # Also holding what the preview reads of each line (_PREVIEWED): read in local id order
        # (see preview), the lines then never need their table rows, which that order would
        # visit at random (at 112,000 lines the preview's join took 0.26 s instead of 0.12 s).
        self._run(f"CREATE INDEX {_STAGE}_local_id ON {_STAGE} (local_id, line, {', '.join(_PREVIEWED)})")
        self._repeats = len(local_ids) < count
        return count

    def first_repeat(self, before: int | None = None) -> tuple[int, int] | None:
        """The first staged line (before line ``before``, when given) that repeats an earlier one
        exactly, and the line it repeats; ``None`` when none does. Two such lines share a local id:
        only the local ids staged more than once are compared."""
        if self._repeats is False:
            return None
        q = self.param
        same = " AND ".join(f"y.{c} IS NOT DISTINCT FROM x.{c}" for c in _COLUMNS)
        limit, params = ("", ()) if before is None else (f" AND x.line < {q}", (before,))
        row = self.database.execute_sql(  # type: ignore[no-untyped-call]
            f"WITH twice AS (SELECT local_id FROM {_STAGE} GROUP BY local_id HAVING COUNT(*) > 1) "
            f"SELECT x.line, MIN(y.line) FROM twice t JOIN {_STAGE} x ON x.local_id = t.local_id "
            f"JOIN {_STAGE} y ON y.local_id = t.local_id AND y.line < x.line AND {same} "
            f"WHERE 1 = 1{limit} GROUP BY x.line ORDER BY x.line LIMIT 1",
            params,
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def _typed(self, column: str) -> str:
        """The staged column as the typed row has it: a blank code ``NULL``, a date a date."""
        value = f"x.{column}"
        if column in _DATES:
            if self.postgres:
                return f"CAST(NULLIF({value}, '') AS DATE)"
            # SQLite keeps dates as ISO text.
            return f"CASE WHEN {value} <> '' THEN substr({value}, 1, 4) || '-' || substr({value}, 5, 2) || '-' || substr({value}, 7, 2) END"
        if column in _CODES:
            return f"NULLIF({value}, '')"
        return value

    def preview(self, batch_id: int, overwrite: bool) -> tuple[ExtractCounts, int]:
        """Write the batch's preview lines from the staged rows; the counts and the students changed."""
        q = self.param
        o = SsidOutcome
        # The lines that repeat an earlier line's local id (rare): looked up, not worked out per line.
        repeated = "0"
        if self._repeats is not False:
            self._run(f"DROP TABLE IF EXISTS {_REPEATED}")
            self._run(
                f"CREATE TEMPORARY TABLE {_REPEATED} AS SELECT x.line FROM {_STAGE} x JOIN (SELECT local_id, MIN(line) AS first "
                f"FROM {_STAGE} GROUP BY local_id HAVING COUNT(*) > 1) t ON t.local_id = x.local_id AND x.line > t.first"
            )
            repeated = f"CASE WHEN x.line IN (SELECT line FROM {_REPEATED}) THEN 1 ELSE 0 END"
        # SQLite: the staged lines read in local id order, so the students are looked up in the
        # order of their index and table (file order jumps across all of them: at 600,000 lines
        # the preview took twice as long). The preview lines are then stored in that order too,
        # which the apply reads them in (store.workflow_batches.BatchSql).
        scan = "" if self.postgres else f" INDEXED BY {_STAGE}_local_id"
        # One row per staged line with what the plan needs: the student (if any), whether the
        # line repeats a local id, whether another student holds the SSID.
        joined = (
            f"SELECT x.line, x.local_id, x.ssid, {self._typed('elas')} AS elas, {self._typed('elas_start')} AS elas_start, "
            f"{self._typed('swd')} AS swd, s.id AS student_id, "
            f"s.ssid AS cur_ssid, s.old_state_id AS cur_old, l.elas AS cur_elas, l.elas_start AS cur_start, "
            f"e.swd AS cur_swd, "
            f"{repeated} AS repeated "
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
        # NOT MATERIALIZED: every line's outcome is read where it is decided whether the line is
        # kept in full, and only the few lines kept so have their columns worked out (written out
        # whole first, the outcome of 560,000 lines took 0.3 s more).
        outcome = (
            f"WITH k AS NOT MATERIALIZED (SELECT j.*, CASE WHEN j.repeated = 1 THEN '{o.REPEATED_LINE.value}' "
            f"WHEN j.student_id IS NULL THEN '{o.NO_LOCAL_STUDENT.value}' "
            f"WHEN (j.cur_ssid IS NULL OR (j.cur_ssid <> j.ssid AND {q})) AND {held} "
            f"THEN '{o.SSID_HELD_BY_ANOTHER.value}' ELSE {ssid_outcome} END AS kind FROM ({joined}) j) "
        )
        applied = "k.kind IN ('" + "', '".join(x.value for x in o if x.applied) + "')"
        replace = f"k.kind = '{o.REPLACE.value}'"
        # What is most often false first: on most lines the value is the one the student has.
        elas = f"k.elas IS DISTINCT FROM k.cur_elas AND k.elas IS NOT NULL AND k.elas <> '' AND {applied}"
        start = f"k.elas_start IS DISTINCT FROM k.cur_start AND k.elas_start IS NOT NULL AND {applied}"
        swd = f"k.swd = 'Y' AND k.cur_swd IS DISTINCT FROM 'Y' AND {applied}"
        # An unchanged line that brings no new ELAS or SWD changes nothing: kept narrow (quiet,
        # store.tables.QuietLineRow); every other line is a preview line, kept in the order
        # worked out. (CASE: a condition may be NULL, e.g. a blank SWD; then it brings nothing.)
        quiet = f"k.kind = '{o.UNCHANGED.value}' AND CASE WHEN {elas} OR {start} OR {swd} THEN 0 ELSE 1 END = 1"
        shown_old = ", ".join(f"'{x.value}'" for x in (o.NEW, o.REPLACE, o.CONFLICT, o.SSID_HELD_BY_ANOTHER))
        true, false = ("TRUE", "FALSE") if self.postgres else ("1", "0")
        self._run(
            f"{outcome}INSERT INTO {_P} (batch_id, line, local_id, student_id, kind, applied, detail, {', '.join(_PAIRS)}) "
            f"SELECT {q}, k.line, k.local_id, k.student_id, k.kind, CASE WHEN {applied} THEN {true} ELSE {false} END, '', "
            # Lines not applied show the file's SSID beside the student's found (none for a repeated
            # line); applied lines only what changes.
            f"CASE WHEN k.kind IN ({shown_old}) THEN k.cur_ssid END, "
            f"CASE WHEN k.kind <> '{o.UNCHANGED.value}' THEN k.ssid END, "
            f"CASE WHEN {replace} THEN k.cur_old END, CASE WHEN {replace} THEN k.cur_ssid END, "
            f"CASE WHEN {elas} THEN k.cur_elas END, CASE WHEN {elas} THEN k.elas END, "
            f"CASE WHEN {start} THEN k.cur_start END, CASE WHEN {start} THEN k.elas_start END, "
            f"CASE WHEN {swd} THEN k.cur_swd END, CASE WHEN {swd} THEN 'Y' END "
            f"FROM k WHERE NOT ({quiet})",
            overwrite, overwrite, batch_id,
        )
        # Every staged line not kept as a preview line is quiet: read in the staged (file) order.
        quiet_lines = self._run(
            f"INSERT INTO {_Q} (batch_id, line, local_id, kind) SELECT {q}, x.line, x.local_id, '{o.UNCHANGED.value}' "
            f"FROM {_STAGE} x WHERE x.line NOT IN (SELECT p.line FROM {_P} p WHERE p.batch_id = {q}) ORDER BY x.line",
            batch_id, batch_id,
        )
        self._keep_changing_lines(batch_id)
        return self._counts(batch_id, quiet_lines)

    def _keep_changing_lines(self, batch_id: int) -> None:
        """Keep the file's values of every line whose preview changes a student (applied, with a
        new value): after the apply, exactly the lines the SIS takes back."""
        q = self.param
        columns = ", ".join(_LINE_COLUMNS)
        self._run(
            f"INSERT INTO {_A} (batch_id, {columns}) SELECT p.batch_id, x.line, {', '.join(map(self._typed, _COLUMNS))} "
            f"FROM {stored_lines(self.postgres)} JOIN {_STAGE} x ON x.local_id = p.local_id AND x.line = p.line WHERE p.batch_id = {q} AND p.applied "
            "AND (p.ssid_new IS NOT NULL OR p.elas_new IS NOT NULL OR p.elas_start_new IS NOT NULL OR p.swd_new IS NOT NULL) "
            "ORDER BY p.line",  # kept in file order, as the export reads them
            batch_id,
        )

    def _counts(self, batch_id: int, quiet_lines: int) -> tuple[ExtractCounts, int]:
        """The counts of the batch's preview lines and its ``quiet_lines`` (unchanged, changing nothing)."""
        q = self.param
        counts = ExtractCounts()
        counts.unchanged = quiet_lines
        changes = 0
        cursor = self.database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT kind, COUNT(*), "
            "SUM(CASE WHEN elas_new IS NOT NULL OR elas_start_new IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN swd_new IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN applied AND (ssid_new IS NOT NULL OR elas_new IS NOT NULL OR elas_start_new IS NOT NULL "
            "OR swd_new IS NOT NULL) THEN 1 ELSE 0 END) "
            f"FROM {stored_lines(self.postgres)} WHERE p.batch_id = {q} GROUP BY kind",
            (batch_id,),
        )
        for kind, lines, elas, swd, changed in cursor.fetchall():
            name = OUTCOME_COUNTS[SsidOutcome(kind)]
            setattr(counts, name, getattr(counts, name) + int(lines))
            counts.elas_changes += int(elas or 0)
            counts.swd_changes += int(swd or 0)
            changes += int(changed or 0)
        return counts, changes
