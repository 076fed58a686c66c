"""SENR ODS audit: the SENR records that bring CALPADS' current academic year in line with the SIS.

An enrollment is identified by **(SSID, school of attendance, enrollment start date)**, the way
CALPADS itself tells enrollments apart. For the current academic year only (ODS records whose
Academic Year ID is that year and whose Reporting LEA is ours):

- a local enrollment CALPADS lacks → add (``A``), once its start date has come;
- a CALPADS record whose local enrollment differs in grade, status, exit date, exit reason or
  completion → replace (``R``; allowed since the start date is in the current year, SENR0167);
- a CALPADS record with no local enrollment of that key → delete (``D``). When the student has
  other local current-year enrollments, the local one of the changed school or start date is
  added in its place (delete + add, the way to change a key); otherwise the student has no local
  current-year enrollment at all.

Only the **selected schools** are reconciled: a CALPADS record at another school is left alone
(counted as ``not_selected``), and a local enrollment at another school is neither added nor
compared. Earlier years are never touched; the previous year's enrollments at our LEA that
CALPADS still holds open (no exit date) are listed (``prior_year_open``: "previous year not
closed out"), since the year must be closed out before the current one is reconciled. Students without an SSID are left to the SSID workflow and
listed (a blank SSID would make CALPADS issue a new one); a CALPADS record that carries such a
student's Local Student ID is left alone too (it is most likely that child's, under the SSID the
district has not loaded yet), not deleted. Every local student counts, active or
not: an exited enrollment is still one CALPADS must hold.

The ODS download is streamed: only its current-year records are kept, each as one joined string,
so a ten-year file of millions of lines needs memory for one year of records only. The audit
itself keeps not even those: it stages them in the database and hands :class:`OdsReconciliation`
only the students whose records are not plainly unchanged (``store.ods_audit_sql``).

**Reference rules.** :func:`reference_ods_plan` runs the whole audit in memory: it is the
specification the staged audit is checked against, not what production calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from operator import itemgetter

from domain.model import Enrollment, Student
from domain.planning.senr import senr_record
from domain.planning.translation import CodeTranslator
from domain.records import OdsSenrRecord, SenrRecord
from domain.validation import Violation, validate_senr
from domain.values import AcademicYear, CdsCode, LocalId

__all__ = ["STAGED_FIELDS", "staged_record", "DeleteReason", "OdsDelete", "OdsOpenEnrollment", "open_enrollment", "OdsPlan", "OdsReconciliation", "reference_ods_plan", "plan_ods_reconciliation", "COMPARED_FIELDS"]

COMPARED_FIELDS = ("grade", "enroll_status", "exit_date", "exit_reason", "completion_status")
"""The SENR fields whose difference makes a replace (the key fields make a delete + add)."""

_SEP = "^"  # values of a caret-delimited file never contain one

STAGED_FIELDS = (
    "ssid", "school", "enroll_start", "local_student_id", "grade", "enroll_status", "exit_date", "exit_reason",
    "completion_status",
)
"""What a set-based comparison needs of a CALPADS record besides its text: key, Local Student ID, compared fields."""

_SENR_FIELDS = tuple(f.name for f in fields(SenrRecord))
_AT_YEAR, _AT_LEA, _AT_SCHOOL, _AT_SSID, _AT_LOCAL_ID, _AT_START, _AT_EXIT = (
    _SENR_FIELDS.index(name)
    for name in ("academic_year", "reporting_lea", "school", "ssid", "local_student_id", "enroll_start", "exit_date")
)
_STAGED = itemgetter(*(tuple(f.name for f in fields(SenrRecord)).index(name) for name in STAGED_FIELDS))


class DeleteReason(Enum):
    """Why a CALPADS current-year record is to be deleted."""

    NOT_ENROLLED_LOCALLY = "not_enrolled_locally"
    ENROLLMENT_CHANGED = "enrollment_changed"

    @property
    def text(self) -> str:
        """The reason as the review list shows it."""
        if self is DeleteReason.NOT_ENROLLED_LOCALLY:
            return "the student has no local enrollment this year"
        return "the local enrollment has another school or start date (deleted, then added)"


@dataclass(frozen=True, slots=True)
class OdsDelete:
    """A CALPADS record to delete (transaction ``D``) and why."""

    record: SenrRecord
    reason: DeleteReason


@dataclass(frozen=True, slots=True)
class OdsOpenEnrollment:
    """An enrollment of an earlier academic year at our LEA that CALPADS still holds open (no exit
    date): "previous year not closed out" (no names, no SSIDs)."""

    local_id: LocalId
    school: CdsCode
    enroll_start: str
    academic_year: str


def open_enrollment(values: Sequence[str], *, lea: CdsCode, previous: AcademicYear) -> OdsOpenEnrollment | None:
    """The CALPADS record ``values`` (in :class:`SenrRecord` order) as an enrollment of the
    ``previous`` year at ``lea`` still open in CALPADS, or ``None`` when it is not one."""
    if values[_AT_YEAR] != previous.code or values[_AT_LEA] != lea or values[_AT_EXIT]:
        return None
    return OdsOpenEnrollment(
        LocalId(values[_AT_LOCAL_ID]), CdsCode(values[_AT_SCHOOL]), values[_AT_START], values[_AT_YEAR]
    )


@dataclass
class OdsPlan:
    """The audit's outcome: three files' records in posting order, each with its pre-validation.

    Each record is kept as its joined field values (a delete with its reason): a district's audit
    lists tens of thousands, and a :class:`SenrRecord` of 35 strings takes several times the
    memory. ``deletes``, ``replaces`` and ``adds`` make the records on each call;
    :meth:`records` makes them one at a time.
    """

    delete_texts: list[tuple[str, DeleteReason]] = field(default_factory=list)
    replace_texts: list[str] = field(default_factory=list)
    add_texts: list[str] = field(default_factory=list)
    without_ssid: list[LocalId] = field(default_factory=list)
    without_ssid_records: int = 0
    unchanged: int = 0
    earlier_years: int = 0
    other_lea: int = 0
    not_selected: int = 0
    prior_year_open: list[OdsOpenEnrollment] = field(default_factory=list)
    not_started: int = 0
    delete_violations: list[Violation] = field(default_factory=list)
    replace_violations: list[Violation] = field(default_factory=list)
    add_violations: list[Violation] = field(default_factory=list)

    @property
    def deletes(self) -> list[OdsDelete]:
        """The deletes with their reasons."""
        return [OdsDelete(_record(text), reason) for text, reason in self.delete_texts]

    @property
    def replaces(self) -> list[SenrRecord]:
        """The replace file's records."""
        return list(self.records("replace"))

    @property
    def adds(self) -> list[SenrRecord]:
        """The add file's records."""
        return list(self.records("add"))

    @property
    def delete_records(self) -> list[SenrRecord]:
        """The delete file's records."""
        return list(self.records("delete"))

    def records(self, kind: str) -> Iterator[SenrRecord]:
        """The records of one file (``"delete"``, ``"replace"`` or ``"add"``), made one at a time."""
        texts = (t for t, _ in self.delete_texts) if kind == "delete" else self._texts(kind)
        return (_record(text) for text in texts)

    def _texts(self, kind: str) -> list[str]:
        return self.replace_texts if kind == "replace" else self.add_texts

    def in_posting_order(self) -> list[tuple[str, Iterator[SenrRecord], list[Violation]]]:
        """``("delete" | "replace" | "add", records, violations)``, in the order to post them."""
        return [
            ("delete", self.records("delete"), self.delete_violations),
            ("replace", self.records("replace"), self.replace_violations),
            ("add", self.records("add"), self.add_violations),
        ]


def reference_ods_plan(
    ods: Iterable[OdsSenrRecord],
    students: Iterable[Student],
    *,
    year: AcademicYear,
    lea: CdsCode,
    today: dt.date,
    translate: CodeTranslator,
    schools: Collection[CdsCode] | None = None,
) -> OdsPlan:
    """The reference audit: the SENR ODS download's ``year`` compared with the local students' enrollments of ``year``, in memory.

    Production does not call this: it stages the current year in the database, settles the
    plainly unchanged students set-based (``store/ods_audit_sql.py``) and hands only the rest to
    :class:`OdsReconciliation`, the rules both share. ``tests/integration/test_ods_staged.py``
    checks that the staged audit equals this one.

    ``ods`` is read once, then ``students`` once. Local codes go through ``translate``
    (:class:`~domain.errors.TranslationMissing` names the student and field otherwise).
    ``schools``: the selected schools, the only ones reconciled (``None``: every school).
    """
    reconciliation = OdsReconciliation(year=year, lea=lea, today=today, translate=translate, schools=schools)
    calpads = _current_year_records(ods, reconciliation)
    unidentified: set[str] = set()
    for student in students:
        if student.ssid is None:
            unidentified.add(student.local_id)
        held = calpads.pop(student.ssid or "", None) if reconciliation.takes_records(student) else None
        reconciliation.student(student, _as_list(held) if held is not None else [])
    for texts in calpads.values():
        for text in _as_list(texts):
            reconciliation.left_over(text, text.split(_SEP, 9)[8] in unidentified)  # field 9: Local Student ID
    return reconciliation.finish()


class OdsReconciliation:
    """The audit's rules, fed one student at a time (the in-memory plan above and the store's
    set-based comparison share them).

    For each student in local order, :meth:`student` gets the current-year CALPADS records held
    under their SSID (each as its joined field values, in download order) when
    :meth:`takes_records` says the student takes them; then each record no student took goes to
    :meth:`left_over`, and :meth:`finish` pre-validates the three files.
    """

    def __init__(
        self, *, year: AcademicYear, lea: CdsCode, today: dt.date, translate: CodeTranslator,
        schools: Collection[CdsCode] | None = None,
    ) -> None:
        self.plan = OdsPlan()
        self._year = year
        self._code = year.code  # compared with a field of every record (a property makes it each time)
        self._lea = lea
        self._today = today
        self._translate = translate
        self._schools = None if schools is None else frozenset(schools)

    def selects(self, school: str) -> bool:
        """Whether ``school`` is reconciled (one of the selected schools)."""
        return self._schools is None or school in self._schools

    def current_enrollments(self, student: Student) -> list[Enrollment]:
        """The student's enrollments of the audited year at the selected schools."""
        return [e for e in student.enrollments if self._year.contains(e.start) and self.selects(e.school)]

    def calpads_record(self, values: Sequence[str]) -> bool:
        """Whether a CALPADS record of the download (values in :class:`SenrRecord` order) is
        reconciled: of the audited year, at our LEA, with an SSID, at a selected school. Every
        other record is counted (earlier years, other LEA, school not selected; the previous
        year's still-open enrollments listed) and left alone."""
        plan = self.plan
        if values[_AT_YEAR] != self._code:
            plan.earlier_years += 1
            still_open = open_enrollment(values, lea=self._lea, previous=AcademicYear(self._year.start_year - 1))
            if still_open is not None:
                plan.prior_year_open.append(still_open)
            return False
        if values[_AT_LEA] != self._lea or not values[_AT_SSID]:
            plan.other_lea += 1
            return False
        if not self.selects(values[_AT_SCHOOL]):
            plan.not_selected += 1
            return False
        return True

    def takes_records(self, student: Student) -> bool:
        """Whether the student takes CALPADS' records under their SSID: has one and is enrolled this year."""
        return student.ssid is not None and bool(self.current_enrollments(student))

    def student(self, student: Student, held: Sequence[str]) -> None:
        """Reconcile one student's current-year enrollments with the CALPADS records ``held`` for them."""
        enrollments = self.current_enrollments(student)
        if not enrollments:
            return
        plan = self.plan
        if student.ssid is None:
            plan.without_ssid.append(student.local_id)
            return
        theirs = {_key(SenrRecord(*t.split(_SEP))): t for t in held}
        for enrollment in enrollments:
            ours = senr_record(
                student, enrollment, lea=self._lea, year=self._year, translate=self._translate, ssid=student.ssid,
                with_exit=True,
            )
            text = theirs.pop(_key(ours), None)
            if text is None:
                if enrollment.start <= self._today:
                    plan.add_texts.append(_text(replace(ours, transaction_type="A")))
                else:
                    plan.not_started += 1
            elif _differs(ours, SenrRecord(*text.split(_SEP))):
                plan.replace_texts.append(_text(replace(ours, transaction_type="R")))
            else:
                plan.unchanged += 1
        plan.delete_texts.extend(_delete(t, DeleteReason.ENROLLMENT_CHANGED) for t in theirs.values())

    def unchanged(self, enrollments: int) -> None:
        """Enrollments found unchanged without :meth:`student` (by a comparison giving the same outcome)."""
        self.plan.unchanged += enrollments

    def without_ssid(self, local_id: LocalId) -> None:
        """A student enrolled this year without a usable SSID, found without :meth:`student`."""
        self.plan.without_ssid.append(local_id)

    def left_over(self, text: str, unidentified: bool) -> None:
        """A current-year CALPADS record no student took: deleted, unless its Local Student ID is
        that of a local student without SSID (``unidentified``)."""
        if unidentified:
            self.plan.without_ssid_records += 1
        else:
            self.plan.delete_texts.append(_delete(text, DeleteReason.NOT_ENROLLED_LOCALLY))

    def finish(self) -> OdsPlan:
        """The plan, each file's records pre-validated."""
        plan = self.plan
        for _, records, violations in plan.in_posting_order():
            violations.extend(validate_senr(records, lea=self._lea, current_year=self._year, today=self._today))
        return plan


def _current_year_records(ods: Iterable[OdsSenrRecord], reconciliation: OdsReconciliation) -> dict[str, str | list[str]]:
    """SSID → that student's reconciled current-year records, each kept as its joined field values."""
    kept: dict[str, str | list[str]] = {}
    for line in ods:
        senr = line.senr
        if reconciliation.calpads_record(senr.values()):
            text = _SEP.join(senr.values())
            held = kept.get(senr.ssid)
            if held is None:
                kept[senr.ssid] = text
            elif isinstance(held, str):
                kept[senr.ssid] = [held, text]
            else:
                held.append(text)
    return kept


def staged_record(values: Sequence[str]) -> tuple[str, ...]:
    """A CALPADS record's values (in :class:`SenrRecord` order) as staged: :data:`STAGED_FIELDS`, then
    the values joined (what :meth:`OdsReconciliation.student` and :meth:`~OdsReconciliation.left_over` take)."""
    return (*_STAGED(values), _SEP.join(values))


def _key(record: SenrRecord) -> tuple[str, str]:
    return record.school, record.enroll_start


def _differs(ours: SenrRecord, theirs: SenrRecord) -> bool:
    return any(getattr(ours, name) != getattr(theirs, name) for name in COMPARED_FIELDS)


def _delete(text: str, reason: DeleteReason) -> tuple[str, DeleteReason]:
    values = text.split(_SEP)
    # The ODS line reads SENR-R; the delete is an SENR input record without the LEA's old record id.
    return _SEP.join(("SENR", "D", "", *values[3:])), reason


def _text(record: SenrRecord) -> str:
    return _SEP.join(record.values())


def _record(text: str) -> SenrRecord:
    return SenrRecord(*text.split(_SEP))


def _as_list(held: str | list[str]) -> list[str]:
    return [held] if isinstance(held, str) else held


plan_ods_reconciliation = reference_ods_plan
"""The name :func:`reference_ods_plan` had before it was named for what it is (kept for callers)."""
