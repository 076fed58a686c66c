"""The matching assistant's persistence (``workflows.ports.DuplicateChecks`` and ``IssueMarks``, and
the students' and decisions' parts the MID guards and bulk decisions use): what the local
duplicate check reads, its stored runs and "not a duplicate" marks, and what bulk decisions need.

Mixed into :class:`store.workflow_store.DatabaseWorkflowStore`, so the workflow services reach it
through the same store object.

What the check reads is read lean: the few student columns the matching assistant compares, and
the guardians' names, chunk by chunk of student ids (two queries a chunk, whatever the district's
size). Whether any of it changed since a check is told by :meth:`student_data_version`, a counter
database triggers move (``store.tables.StudentDataVersionRow``), without reading a student.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import peewee
from peewee import EXCLUDED

from domain.duplicates import (
    CheckedStudent,
    DuplicateCheckSummary,
    IssueDecision,
    IssueKey,
    IssueKind,
    LocalIssue,
    NotDuplicateMark,
    Resolution,
)
from domain.model import MatchDecision
from domain.records import SenrRecord
from domain.values import LocalId, Ssid
from store.tables import (
    CHECKED_STUDENT_COLUMNS,
    DecisionLogRow,
    DuplicateAcknowledgementRow,
    DuplicateCheckIssueRow,
    DuplicateCheckRow,
    DuplicateResolutionRow,
    GuardianRow,
    MatchDecisionRow,
    MatchRequestRow,
    NotDuplicateMarkRow,
    StudentDataVersionRow,
    StudentRow,
)
from store.bulk import chunked, in_list, insert_chunked, rows_per_statement, tuples
from store.fixed_sql import FixedQuery

# The matching assistant (its name tables, the comparison) is imported where a method first needs it,
# not by every command that opens the workflow store.
if TYPE_CHECKING:
    from domain.matching import FieldResult, PersonFacts

__all__ = ["AssistantTables", "CHECK_CHUNK", "KEPT_CHECKS", "acknowledged_key"]

_REQUEST_LINE: FixedQuery[MatchRequestRow] = FixedQuery(
    lambda run_id, local_id: MatchRequestRow.select(MatchRequestRow.senr_line)
    .where((MatchRequestRow.run == run_id) & (MatchRequestRow.local_id == local_id)).limit(1)
)
"""A student's line of the run's request file (every decision reads it): built once."""


def _holders(*ssids: str) -> peewee.ModelSelect[StudentRow]:
    return StudentRow.select(StudentRow.ssid, StudentRow.local_id).where(StudentRow.ssid.in_(list(ssids))).order_by(StudentRow.local_id)


_FEW_SSIDS = 16
"""Up to this many SSIDs (a review page's candidates), the holders' statement is built once for each count."""
_HOLDERS: dict[int, FixedQuery[tuple[Any, ...]]] = {}


def _holders_of(count: int) -> FixedQuery[tuple[Any, ...]]:
    query = _HOLDERS.get(count)
    if query is None:
        query = _HOLDERS[count] = FixedQuery(lambda *ssids: _holders(*ssids).tuples(), parameters=count)
    return query

CHECK_CHUNK = 20_000
"""Students read per chunk by the local duplicate check."""

KEPT_CHECKS = 10
"""Stored checks whose issues are kept (older checks keep their summary: when, by whom, how many)."""

_CHECK_COLUMNS: tuple[Any, ...] = (StudentRow.id, *(getattr(StudentRow, name) for name in CHECKED_STUDENT_COLUMNS))
"""What the check reads of a student: the columns the change triggers watch (same list)."""

_Row = tuple[Any, ...]


def _date(value: Any) -> dt.date | None:
    # Rows read as tuples skip the field's conversion; SQLite then gives text.
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _raw(query: Any) -> list[_Row]:
    """The rows of ``query`` as the driver gives them: no per-value conversion (a tenth of the time
    for 600,000 students); dates may come as text (SQLite), which :func:`_date` reads."""
    cursor = StudentRow._meta.database.execute(query)
    rows: list[_Row] = cursor.fetchall()
    return rows


def _guardians(where: Any) -> dict[int, list[tuple[str, str]]]:
    """The guardians' names of the students ``where`` selects, by student id (in order)."""
    guardians: dict[int, list[tuple[str, str]]] = defaultdict(list)
    query = (
        GuardianRow.select(GuardianRow.student, GuardianRow.first, GuardianRow.last)
        .where(where)
        .order_by(GuardianRow.student, GuardianRow.position, GuardianRow.id)
    )
    for student_id, first, last in _raw(query):
        guardians[student_id].append((first, last))
    return guardians


def _chunks() -> Iterator[tuple[list[_Row], dict[int, list[tuple[str, str]]]]]:
    """The check's student rows in id order, a chunk at a time, each with its guardians (in order)."""
    last_id = 0
    while True:
        rows = _raw(StudentRow.select(*_CHECK_COLUMNS).where(StudentRow.id > last_id).order_by(StudentRow.id).limit(CHECK_CHUNK))
        if not rows:
            return
        yield rows, _guardians((GuardianRow.student >= rows[0][0]) & (GuardianRow.student <= rows[-1][0]))
        last_id = rows[-1][0]


def _chunks_of(local_ids: Collection[LocalId]) -> Iterator[tuple[list[_Row], dict[int, list[tuple[str, str]]]]]:
    """The check's rows of these students alone, in id order, with their guardians."""
    for part in chunked(sorted(local_ids), rows_per_statement(1)):
        rows = _raw(StudentRow.select(*_CHECK_COLUMNS).where(in_list(StudentRow.local_id, part)).order_by(StudentRow.id))
        if rows:
            yield rows, _guardians(in_list(GuardianRow.student, [row[0] for row in rows]))


_shared_date = lru_cache(maxsize=1 << 16)(_date)


def _shared(text: Any) -> Any:
    """One string object for every student giving the same name or place (the check holds every
    student's facts at once; a district's names and places repeat)."""
    return sys.intern(text) if text else text


def _evidence_json(evidence: Sequence[FieldResult]) -> str:
    return json.dumps(
        [[r.field.value, r.agreement.value, r.weight, r.local, r.candidate, r.note] for r in evidence],
        ensure_ascii=False,
    ) if evidence else ""


def _evidence(text: str) -> tuple[FieldResult, ...]:
    if not text:
        return ()
    from domain.matching import Agreement, FieldResult, MatchField

    return tuple(
        FieldResult(MatchField(field), Agreement(agreement), float(weight), local, candidate, note)
        for field, agreement, weight, local, candidate, note in json.loads(text)
    )


def _summary(row: DuplicateCheckRow) -> DuplicateCheckSummary:
    return DuplicateCheckSummary(
        row.id, row.checked_at, row.checked_by, row.students, row.compared, row.lookalike_percent, row.fingerprint,
        row.seconds, row.issues,
    )


class AssistantTables:
    """The matching assistant's part of the workflow store (a mixin: needs no state of its own)."""

    # -- what the local duplicate check reads ---------------------------------------------------
    def check_students(self, local_ids: Collection[LocalId] | None = None) -> Iterator[CheckedStudent]:
        """Every student as the local duplicate check reads them, in id order; ``local_ids``: only those."""
        from domain.duplicates import student_facts

        for rows, guardians in _chunks() if local_ids is None else _chunks_of(local_ids):
            for row in rows:
                (student_id, local_id, ssid, active, first, middle, last, alias_first, alias_middle, alias_last, born,
                 gender, city, state, country) = row
                alias = (
                    (_shared(alias_first), _shared(alias_middle), _shared(alias_last))
                    if alias_first or alias_middle or alias_last else None
                )
                facts = student_facts(
                    (_shared(first), _shared(middle), _shared(last)), alias, _shared_date(born), _shared(gender),
                    _shared(city), _shared(state), _shared(country), guardians.get(student_id, []),
                )
                yield CheckedStudent(LocalId(local_id), Ssid(ssid) if ssid else None, bool(active), facts)

    def student_data_version(self) -> int:
        """The counter the triggers move on every change to what the check reads."""
        row = StudentDataVersionRow.get_or_none(StudentDataVersionRow.id == 1)
        return int(row.version) if row is not None else 0

    # -- stored checks ----------------------------------------------------------------------------
    def save_duplicate_check(
        self, *, checked_at: dt.datetime, checked_by: str, students: int, compared: int, lookalike_percent: float,
        fingerprint: str, seconds: float, issues: Sequence[LocalIssue],
    ) -> DuplicateCheckSummary:
        """Store a run of the check and the issues it found (in their order)."""
        row = DuplicateCheckRow.create(
            checked_at=checked_at, checked_by=checked_by, students=students, compared=compared,
            lookalike_percent=lookalike_percent, fingerprint=fingerprint, seconds=seconds, issues=len(issues),
        )
        i = DuplicateCheckIssueRow
        insert_chunked(
            i,
            [i.check, i.position, i.key, i.kind, i.local_ids, i.message, i.percent, i.evidence],
            (
                (row.id, n, str(x.key), x.kind.value, ",".join(x.local_ids), x.message, x.percent, _evidence_json(x.evidence))
                for n, x in enumerate(issues, start=1)
            ),
        )
        # Every check's summary stays; the issues only of the newest few (what the pages can show).
        key: Any = DuplicateCheckRow.id
        kept = DuplicateCheckRow.select(key).order_by(key.desc()).limit(KEPT_CHECKS)
        i.delete().where(i.check.not_in(kept)).execute()
        return _summary(row)

    def latest_duplicate_check(self) -> DuplicateCheckSummary | None:
        """The newest stored run of the check, if any."""
        key: Any = DuplicateCheckRow.id
        row = DuplicateCheckRow.select().order_by(key.desc()).first()
        return _summary(row) if row is not None else None

    def duplicate_check_issues(self, check_id: int) -> list[LocalIssue]:
        """The issues a stored check found, in its order (acknowledged as stored: never)."""
        i = DuplicateCheckIssueRow
        query = i.select(i.key, i.kind, i.local_ids, i.message, i.percent, i.evidence).where(i.check == check_id)
        return [
            LocalIssue(IssueKey.parse(key), IssueKind(kind), tuple(LocalId(x) for x in ids.split(",")), message, False, percent, _evidence(evidence))
            for key, kind, ids, message, percent, evidence in tuples(query.order_by(i.position))
        ]

    def issue_acknowledgements(self) -> dict[IssueKey, tuple[str, dt.datetime]]:
        """Who acknowledged each acknowledged issue, and when (by key)."""
        return {
            acknowledged_key(a.kind, a.first_local_id, a.second_local_id): (a.acknowledged_by, a.acknowledged_at)
            for a in DuplicateAcknowledgementRow.select()
        }

    # -- "not a duplicate" ----------------------------------------------------------------------
    def not_duplicate_marks(self) -> list[NotDuplicateMark]:
        """Every pair marked "not a duplicate", newest first."""
        m = NotDuplicateMarkRow
        return [
            NotDuplicateMark(LocalId(row.first_local_id), LocalId(row.second_local_id), row.marked_by, row.marked_at)
            for row in m.select().order_by(m.marked_at.desc(), m.first_local_id, m.second_local_id)
        ]

    def mark_not_duplicate(self, first: LocalId, second: LocalId, actor: str, at: dt.datetime) -> None:
        """Remember that ``first`` and ``second`` are two different children (again: no change)."""
        low, high = sorted((first, second))
        NotDuplicateMarkRow.insert(
            first_local_id=low, second_local_id=high, marked_by=actor, marked_at=at
        ).on_conflict_ignore().execute()

    def unmark_not_duplicate(self, first: LocalId, second: LocalId) -> bool:
        """Forget a "not a duplicate" mark; whether there was one."""
        low, high = sorted((first, second))
        m = NotDuplicateMarkRow
        return int(m.delete().where((m.first_local_id == low) & (m.second_local_id == high)).execute()) == 1

    # -- decisions on local issues --------------------------------------------------------------------
    def issue_decisions(self) -> list[IssueDecision]:
        """Every decision taken on a local issue, oldest first."""
        r = DuplicateResolutionRow
        return [
            IssueDecision(
                key=IssueKey.of(IssueKind(row.kind), (row.first_local_id, row.second_local_id)),
                resolution=Resolution(row.decision), chosen=LocalId(row.chosen_local_id), decided_by=row.decided_by,
                decided_at=row.decided_at,
            )
            for row in r.select().order_by(r.decided_at, r.id)
        ]

    def decide_issue(self, decision: IssueDecision) -> None:
        """Record the decision on its issue, replacing an earlier one."""
        first, second = decision.key.local_ids
        r = DuplicateResolutionRow
        values = {
            r.decision: decision.resolution.value, r.chosen_local_id: decision.chosen, r.decided_by: decision.decided_by,
            r.decided_at: decision.decided_at,
        }
        r.insert(kind=decision.key.kind.value, first_local_id=first, second_local_id=second, **{f.name: v for f, v in values.items()}).on_conflict(
            conflict_target=[r.kind, r.first_local_id, r.second_local_id], update=values,
        ).execute()

    # -- what bulk decisions and the MID guards need -------------------------------------------------
    def request_record(self, run_id: int, local_id: LocalId) -> SenrRecord | None:
        """One student's record in the run's request file, as written (``None`` when not requested)."""
        row = _REQUEST_LINE.first(run_id, local_id)
        return SenrRecord(*row.senr_line.split("^")) if row is not None else None

    def ssid_holders(self, ssids: Collection[Ssid]) -> dict[Ssid, list[LocalId]]:
        """The local students holding each of ``ssids`` (SSIDs nobody holds are absent)."""
        found: dict[Ssid, list[LocalId]] = defaultdict(list)
        for chunk in chunked(sorted(set(ssids)), 5000):
            rows = _holders_of(len(chunk)).rows(*chunk) if len(chunk) <= _FEW_SSIDS else tuples(_holders(*chunk))
            for ssid, local_id in rows:
                found[Ssid(ssid)].append(LocalId(local_id))
        return dict(found)

    def people_born_on(self, dates: Collection[dt.date]) -> Iterator[tuple[LocalId, PersonFacts]]:
        """Every student born on one of ``dates``, with their names, birth date and gender (for twins)."""
        from domain.matching import PersonFacts

        for chunk in chunked(sorted(set(dates)), 2000):
            query = StudentRow.select(
                StudentRow.local_id, StudentRow.legal_first, StudentRow.legal_middle, StudentRow.legal_last, StudentRow.birth_date,
                StudentRow.gender,
            ).where(StudentRow.birth_date.in_(chunk))
            for local_id, first, middle, last, born, gender in tuples(query.order_by(StudentRow.id)):
                yield LocalId(local_id), PersonFacts(
                    legal_first=first or None, legal_middle=middle or None, legal_last=last or None,
                    birth_date=_date(born), gender=gender or None,
                )

    def save_bulk_decisions(self, run_id: int, decisions: Sequence[MatchDecision], actor: str, at: dt.datetime) -> None:
        """Set (or change) many students' decisions at once, each logged as a bulk decision."""
        d, log = MatchDecisionRow, DecisionLogRow
        rows = [(run_id, x.local_id, x.kind.value, x.ssid, actor, at, "", True) for x in decisions]
        for chunk in chunked(rows, rows_per_statement(8)):
            d.insert_many(chunk, fields=[d.run, d.local_id, d.kind, d.ssid, d.actor, d.at, d.warnings, d.bulk]).on_conflict(
                conflict_target=[d.run, d.local_id],
                update={
                    d.kind: EXCLUDED.kind, d.ssid: EXCLUDED.ssid, d.actor: EXCLUDED.actor, d.at: EXCLUDED.at,
                    d.warnings: EXCLUDED.warnings, d.bulk: EXCLUDED.bulk, d.version: d.version + 1,
                },
            ).execute()
        insert_chunked(log, [log.run, log.local_id, log.kind, log.ssid, log.actor, log.at, log.warnings, log.bulk], rows)

def acknowledged_key(kind: str, first: str, rest: str) -> IssueKey:
    """An acknowledgement row's issue key: the first local id in its column, the others (comma-joined) in the second."""
    return IssueKey.of(IssueKind(kind), [first, *filter(None, rest.split(","))])
