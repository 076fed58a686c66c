"""The SENR ODS audit (product.md "SENR ODS audit"): the SENR files that bring CALPADS' current
academic year in line with the district's enrollments.

An audit is a batch of no run with its own machine (:func:`workflows.batches.machines.ods_audit_machine`):

1. ``loaded`` — :func:`load_ods_audit`: the ten-year SSID Enrollment ODS Download is streamed
   and compared with the local current-year enrollments (domain.planning.ods) before anything is
   written; the audit keeps the records it would send (deletes with their reasons, replaces,
   adds) and the students left to the SSID workflow because they have no SSID (or still hold one
   a loaded Replacement SSIDs Extract retired).
2. ``evaluated`` — :func:`evaluate_ods_audit`: a person reviewed the deletes
   (:func:`ods_audit_review` lists them) and the records pass local pre-validation.
3. ``files_created`` — :func:`create_ods_files`: one SENR file per kind in posting order
   (deletes, replaces, adds), each pre-validated again, kept in the File Download list with its
   SHA-256 and noted in the CALPADS History, then written to the output folder.

Earlier years are never changed; nothing about the students changes either.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import count, groupby
from operator import attrgetter
from pathlib import Path

from domain.errors import FileProblem, TranslationMissing, WriteRefused
from domain.memory import collection_paused
from domain.planning.ods import DeleteReason, OdsOpenEnrollment, OdsPlan, OdsReconciliation, staged_record
from domain.planning.translation import CodeTranslator
from domain.readers import OdsYearBlock, open_ods_year_blocks
from domain.records import SenrRecord
from domain.runs import Batch, BatchKind, FileKind, GeneratedFile, PreviewItem
from domain.validation import Severity, Violation, validate_senr
from domain.values import AcademicYear, CdsCode, LocalId
from workflows.batches.machines import OdsAuditEvent
from workflows.batches.ods_check import OdsLineCheck, OdsLinesChecked
from workflows.batches.shared import ReadFile, get_batch, load_batch, move_batch, read_planned
from workflows.errors import StepRefused
from workflows.files import Progress, check_out_dir, keep_file, local_stamp, senr_bytes, write_output
from workflows.ports import UnitOfWork
from workflows.ports.ods import OdsStaging
from workflows.run.duplicate_decisions import held_back
from workflows.run.stepping import Actor

__all__ = [
    "WITHOUT_SSID",
    "PRIOR_YEAR_OPEN",
    "NOT_TEN_YEARS",
    "ODS_FILES",
    "OdsDeleteLine",
    "OdsAuditReview",
    "OdsFile",
    "OdsFiles",
    "PlannedOdsAudit",
    "audit_scope",
    "plan_ods_audit",
    "check_pre_validation",
    "keep_ods_audit",
    "load_ods_audit",
    "ods_audit_review",
    "evaluate_ods_audit",
    "prior_year_refusal",
    "create_ods_files",
]

WITHOUT_SSID = "without_ssid"
"""The preview kind of a student with a current-year enrollment but no SSID (left to the SSID workflow)."""

PRIOR_YEAR_OPEN = "prior_year_open"
"""The preview kind of a previous-year enrollment at our LEA still open in CALPADS ("previous year not closed out")."""

ODS_FILES: tuple[tuple[str, FileKind, str], ...] = (
    ("delete", FileKind.ODS_DELETES, "1_Deletes"),
    ("replace", FileKind.ODS_REPLACES, "2_Replaces"),
    ("add", FileKind.ODS_ADDS, "3_Adds"),
)
"""Each output file in posting order: the preview kind of its records, its file kind, its name's end."""

_TITLES = {kind: label.split("_", 1)[1] for kind, _, label in ODS_FILES}
_SEP = "^"  # values of a caret-delimited file never contain one


@dataclass(frozen=True)
class OdsDeleteLine:
    """A CALPADS record the audit would delete, as the review lists it (no names, no SSIDs)."""

    local_id: LocalId
    school: str
    enroll_start: str
    reason: DeleteReason


@dataclass(frozen=True)
class OdsAuditReview:
    """What a person reviews before the files are written.

    ``errors`` and ``warnings`` are the pre-validation findings per file (e.g. ``Adds file,
    record 2, student 100034, field 27 ...``); any error keeps the audit from being evaluated.
    """

    audit: Batch
    deletes: int
    replaces: int
    adds: int
    unchanged: int
    delete_list: tuple[OdsDeleteLine, ...]
    without_ssid: tuple[LocalId, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    prior_year_open: tuple[OdsOpenEnrollment, ...] = ()
    possible_duplicates: Mapping[LocalId, LocalId] = field(default_factory=dict)
    """Students without SSID a person decided are a second record of one child (→ the other
    record): not to be requested, to be merged in the SIS."""

    @property
    def to_request(self) -> tuple[LocalId, ...]:
        """The students without SSID that the SSID workflow should request (possible duplicates left out)."""
        return tuple(i for i in self.without_ssid if i not in self.possible_duplicates)

    @property
    def not_selected(self) -> int:
        """CALPADS records at schools not selected: left alone."""
        return self.audit.counts.get("not_selected", 0)


@dataclass(frozen=True)
class OdsFile:
    """One SENR file the audit produced: its kind (``delete``/``replace``/``add``), the kept file, where written."""

    kind: str
    file: GeneratedFile
    path: Path


@dataclass(frozen=True)
class OdsFiles:
    """The audit after its files were created, and the files in posting order."""

    audit: Batch
    files: tuple[OdsFile, ...]


@dataclass(frozen=True)
class PlannedOdsAudit:
    """An ODS download read and compared, nothing stored yet (see :func:`keep_ods_audit`)."""

    read: ReadFile
    plan: OdsPlan
    year: AcademicYear
    lea: CdsCode
    today: dt.date


def _district(uow: UnitOfWork) -> tuple[CdsCode, AcademicYear]:
    settings = uow.settings.district_settings()
    if settings.lea is None or settings.year is None:
        raise StepRefused("the ODS audit needs the LEA code and the academic year: set them in the settings")
    return settings.lea, settings.year


def _today(actor: Actor) -> dt.date:
    return local_stamp(actor.now()).date()


def audit_scope(uow: UnitOfWork, actor: Actor) -> tuple[CdsCode, AcademicYear, frozenset[CdsCode], dt.date]:
    """The LEA, year, selected schools and today of a new audit; refused when the settings' year
    is not the current one (the seed: the audit "should only be run in the current year") or no
    school is selected."""
    lea, year = _district(uow)
    today = _today(actor)
    current = AcademicYear.containing(today)
    if year != current:
        raise StepRefused(
            f"the ODS audit reconciles the current academic year only: Settings say {year}, today is in "
            f"{current} (the year starts July 1); set the academic year to {current} first"
        )
    schools = frozenset(uow.settings.district_settings().schools)
    if not schools:
        raise StepRefused("the ODS audit reconciles the selected schools only: select at least one school in the settings")
    return lea, year, schools, today


NOT_TEN_YEARS = (
    "{name}: it holds no record of an academic year before {year}, so it is not the ten-year download "
    "(an \"Active Student\" download would make every enrollment look missing). In CALPADS, request the "
    "SSID Enrollment ODS Download by Date Range, from July 1 ten years back through today, and load that"
)
"""The refusal of a download without earlier years (``{name}`` the file, ``{year}`` the audited year)."""


def plan_ods_audit(
    uow: UnitOfWork, path: Path, actor: Actor, *, name: str | None = None, progress: Progress | None = None
) -> PlannedOdsAudit:
    """Stream the ODS download and compare its current academic year with the local enrollments
    at the selected schools.

    Nothing is written. Refused when the settings lack the LEA or year, when their year is not
    the current one, when the file is broken or of another kind (naming file, line and field),
    when it holds no earlier academic year (not the ten-year Date Range download), or when a
    local code has no CALPADS translation.

    Every line of the file is checked in a second process (:mod:`workflows.batches.ods_check`)
    while this one reads only the audited year's lines; the file's first problem, if any, is the
    refusal, whatever this process found first. The current-year records are staged in the
    database and compared there
    (:class:`~workflows.ports.ods.OdsStaging`): only the students whose records are not all
    unchanged become domain students, so memory stays flat however long the download.
    """
    lea, year, schools, today = audit_scope(uow, actor)
    translations = uow.settings.code_translations()
    reconciliation = OdsReconciliation(
        year=year, lea=lea, today=today, translate=CodeTranslator(translations), schools=schools
    )
    staging = uow.ods_staging
    shown = name or path.name
    counted = reconciliation.plan
    # Every line is checked in a second process (ods_check) while this one reads the audited year.
    check = OdsLineCheck(path, shown, year, lea)
    checked: OdsLinesChecked | None = None

    def checked_lines() -> OdsLinesChecked:
        nonlocal checked
        if checked is None:
            checked = check.result()
        return checked

    def staged(blocks: Iterable[OdsYearBlock]) -> Iterator[tuple[str, ...]]:
        for _, records in blocks:
            for values in records:
                if reconciliation.calpads_record(values):
                    yield staged_record(values)

    def plan(blocks: Iterable[OdsYearBlock]) -> OdsPlan:
        try:
            staging.stage(staged(blocks), year.first_day, year.last_day, schools)
            reconciled = _reconciled(staging, reconciliation, translations, year, schools)
        except (FileProblem, TranslationMissing) as found:
            # A file problem of a line read first, or none: the file's first problem wins, as when
            # one process read every line before comparing.
            raise checked_lines().problem or found from None
        lines = checked_lines()
        if lines.problem is not None:
            raise lines.problem
        counted.earlier_years += lines.earlier_years
        counted.prior_year_open.extend(lines.prior_year_open)
        return reconciled

    def reader(source: Path, shown: str) -> Iterable[OdsYearBlock]:
        return open_ods_year_blocks(source, year.code, shown)

    def lines_of(block: OdsYearBlock) -> int:
        return block[0]

    try:
        # The records read and staged are freed as they go (memory stays flat): no cycle to collect,
        # and the collector's passes over them were a twentieth of the audit (0.1 s of 1,000,000 lines).
        with collection_paused():
            read, planned = read_planned(path, shown, reader, plan, progress, lines_of=lines_of)
    except TranslationMissing as missing:
        raise StepRefused.of(missing) from None
    finally:
        check.cancel()
        staging.clear()
    # The lines as the checking reader counts them (blank lines at the end left out).
    read = replace(read, lines=checked_lines().lines)
    leas = checked_lines().leas
    if leas and lea not in leas:  # another district's download: comparing it would add everyone
        other = max(leas, key=lambda code: leas[code])
        raise StepRefused(f"{shown}: none of its records is of LEA {lea}; it is the download of LEA {other}")
    if not planned.earlier_years:
        raise StepRefused(NOT_TEN_YEARS.format(name=shown, year=year))
    return PlannedOdsAudit(read, planned, year, lea, today)


def _reconciled(
    staging: OdsStaging, reconciliation: OdsReconciliation, translations: Mapping[tuple[str, str], str],
    year: AcademicYear, schools: frozenset[CdsCode],
) -> OdsPlan:
    """The staged records compared: the settled students counted, every other one through the rules."""
    translate = CodeTranslator(translations)
    untranslatable = {(field, code) for field, code in staging.codes() if not _translates(translate, field, code)}
    unchanged, unsettled = staging.settle(translations, untranslatable)
    reconciliation.unchanged(unchanged)
    taken: set[str] = set()  # an SSID two students hold: its records go to the first, as in the rules
    for student, held in staging.students(unsettled):
        takes = reconciliation.takes_records(student) and student.ssid not in taken
        if takes and student.ssid is not None:
            taken.add(student.ssid)
        reconciliation.student(student, held if takes else [])
    for local_id in staging.without_ssid(year.first_day, year.last_day, schools):
        reconciliation.without_ssid(local_id)
    for text, unidentified in staging.left_over():
        reconciliation.left_over(text, unidentified)
    return reconciliation.finish()


def _translates(translate: CodeTranslator, field: str, code: str) -> bool:
    try:
        translate(field, code, "")
    except TranslationMissing:
        return False
    return True


def _problems(kind: str, violations: Iterable[Violation]) -> tuple[list[str], list[str]]:
    """Pre-validation findings of one output file as (errors, warnings), each naming the file."""
    title = _TITLES[kind]
    errors: list[str] = []
    warnings: list[str] = []
    for violation in violations:
        (warnings if violation.severity is Severity.WARNING else errors).append(f"{title} file, {violation}")
    return errors, warnings


def _refuse_errors(errors: list[str] | tuple[str, ...], event: str) -> None:
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise StepRefused(f"pre-validation failed: {errors[0]}{more}", event)


def check_pre_validation(planned: PlannedOdsAudit) -> None:
    """Refuse a planned audit whose records fail pre-validation, before anything is stored."""
    errors = [e for kind, _, violations in planned.plan.in_posting_order() for e in _problems(kind, violations)[0]]
    _refuse_errors(errors, OdsAuditEvent.EVALUATE.value)


def _item(number: int, kind: str, record: SenrRecord, reason: DeleteReason | None = None) -> PreviewItem:
    """An audit line keeping its SENR record (and a delete's reason) as JSON."""
    detail: dict[str, str] = {"senr": _SEP.join(record.values())}
    if reason is not None:
        detail["reason"] = reason.value
    return PreviewItem(line=number, local_id=record.local_student_id, kind=kind, applied=False, detail=json.dumps(detail))


def _items(plan: OdsPlan) -> Iterator[PreviewItem]:
    """The audit's lines in posting order (numbered from 1), then the students without SSID; made
    one at a time as they are stored (a district's audit may list tens of thousands)."""
    numbers = count(1)
    reasons = (reason for _, reason in plan.delete_texts)
    yield from (_item(next(numbers), "delete", d, reason) for d, reason in zip(plan.records("delete"), reasons))
    yield from (_item(next(numbers), "replace", r) for r in plan.records("replace"))
    yield from (_item(next(numbers), "add", a) for a in plan.records("add"))
    yield from (
        PreviewItem(line=next(numbers), local_id=local_id, kind=WITHOUT_SSID, applied=False) for local_id in plan.without_ssid
    )
    yield from (
        PreviewItem(
            line=next(numbers), local_id=still.local_id, kind=PRIOR_YEAR_OPEN, applied=False,
            detail=json.dumps({"school": still.school, "enroll_start": still.enroll_start, "academic_year": still.academic_year}),
        )
        for still in plan.prior_year_open
    )


def _counts(plan: OdsPlan, read: ReadFile) -> dict[str, int]:
    return {
        "lines": read.lines,
        "deletes": len(plan.delete_texts),
        "replaces": len(plan.replace_texts),
        "adds": len(plan.add_texts),
        "unchanged": plan.unchanged,
        "without_ssid": len(plan.without_ssid),
        "without_ssid_records": plan.without_ssid_records,
        "not_started": plan.not_started,
        "earlier_years": plan.earlier_years,
        "other_lea": plan.other_lea,
        "not_selected": plan.not_selected,
        "prior_year_open": len(plan.prior_year_open),
    }


def keep_ods_audit(uow: UnitOfWork, planned: PlannedOdsAudit, actor: Actor) -> OdsAuditReview:
    """Keep a planned audit (state ``loaded``) and note the download in the CALPADS History; one transaction."""
    plan = planned.plan
    with uow.atomic():
        audit = load_batch(uow, BatchKind.ODS_AUDIT, planned.read, _items(plan), _counts(plan, planned.read), actor)
    # Reviewed as kept: the plan's records, with their own pre-validation (as of the same day).
    reasons = (reason for _, reason in plan.delete_texts)
    deletes = tuple(_delete_line(record, reason) for record, reason in zip(plan.records("delete"), reasons))
    findings = [_problems(kind, violations) for kind, _, violations in plan.in_posting_order()]
    review = _review(audit, deletes, tuple(plan.without_ssid), findings, tuple(plan.prior_year_open))
    return _with_duplicates(uow, review)


def load_ods_audit(
    uow: UnitOfWork, path: Path, actor: Actor, *, name: str | None = None, progress: Progress | None = None
) -> OdsAuditReview:
    """Read, compare and keep an SENR ODS download as a new audit (``loaded``), for review.

    The expensive part (streaming a file of millions of lines) happens before the short
    transaction that stores the audit. ``name`` is the file name to show (an upload's).
    """
    return keep_ods_audit(uow, plan_ods_audit(uow, path, actor, name=name, progress=progress), actor)


def _record(item: PreviewItem) -> tuple[SenrRecord, str]:
    """The SENR record an audit line keeps, and its delete reason (``""`` when not a delete)."""
    detail = json.loads(item.detail)
    return SenrRecord(*detail["senr"].split(_SEP)), detail.get("reason", "")


def _delete_line(record: SenrRecord, reason: DeleteReason) -> OdsDeleteLine:
    return OdsDeleteLine(LocalId(record.local_student_id), record.school, record.enroll_start, reason)


def _review_items(
    audit: Batch, items: Iterable[PreviewItem], lea: CdsCode, year: AcademicYear, today: dt.date
) -> OdsAuditReview:
    """The review of a kept audit's lines (read once, in line order: posting order, then the
    students without SSID), pre-validated as of ``today``."""
    deletes: list[OdsDeleteLine] = []
    without_ssid: list[LocalId] = []
    still_open: list[OdsOpenEnrollment] = []
    found: dict[str, list[Violation]] = {}

    def records(kind: str, lines: Iterable[PreviewItem]) -> Iterator[SenrRecord]:
        for item in lines:
            record, reason = _record(item)
            if kind == "delete":
                deletes.append(_delete_line(record, DeleteReason(reason)))
            yield record

    for kind, lines in groupby(items, key=attrgetter("kind")):
        if kind == WITHOUT_SSID:
            without_ssid.extend(LocalId(i.local_id) for i in lines)
        elif kind == PRIOR_YEAR_OPEN:
            still_open.extend(_open_enrollment(i) for i in lines)
        elif kind in _TITLES:
            found[kind] = validate_senr(records(kind, lines), lea=lea, current_year=year, today=today)
    findings = [
        _problems(kind, found[kind] if kind in found else validate_senr((), lea=lea, current_year=year, today=today))
        for kind, _, _ in ODS_FILES
    ]
    return _review(audit, tuple(deletes), tuple(without_ssid), findings, tuple(still_open))


def _open_enrollment(item: PreviewItem) -> OdsOpenEnrollment:
    detail = json.loads(item.detail)
    return OdsOpenEnrollment(LocalId(item.local_id), CdsCode(detail["school"]), detail["enroll_start"], detail["academic_year"])


def _review(
    audit: Batch, deletes: tuple[OdsDeleteLine, ...], without_ssid: tuple[LocalId, ...],
    findings: list[tuple[list[str], list[str]]], prior_year_open: tuple[OdsOpenEnrollment, ...],
) -> OdsAuditReview:
    counts = audit.counts
    return OdsAuditReview(
        audit,
        counts.get("deletes", 0),
        counts.get("replaces", 0),
        counts.get("adds", 0),
        counts.get("unchanged", 0),
        deletes,
        without_ssid,
        tuple(error for errors, _ in findings for error in errors),
        tuple(warning for _, warnings in findings for warning in warnings),
        prior_year_open,
    )


def ods_audit_review(uow: UnitOfWork, audit_id: int, actor: Actor) -> OdsAuditReview:
    """The review of a kept audit: its counts, the deletes with their reasons, the students
    without SSID, and the pre-validation findings as of the actor's today."""
    lea, year = _district(uow)
    audit = get_batch(uow, audit_id, BatchKind.ODS_AUDIT)
    return _with_duplicates(uow, _review_items(audit, uow.batches.iter_preview(audit.id), lea, year, _today(actor)))


def _review_of(uow: UnitOfWork, audit_id: int, actor: Actor, review: OdsAuditReview | None) -> OdsAuditReview:
    """``review`` when it is of the audit ``audit_id``, else the audit's review made now."""
    if review is not None and review.audit.id == audit_id:
        return review
    return ods_audit_review(uow, audit_id, actor)


def _with_duplicates(uow: UnitOfWork, review: OdsAuditReview) -> OdsAuditReview:
    """The review with its students without SSID that are possible duplicates (never advised to be requested)."""
    held = held_back(uow)
    if not held:
        return review
    return replace(review, possible_duplicates={i: held[i] for i in review.without_ssid if i in held})


def evaluate_ods_audit(
    uow: UnitOfWork, audit_id: int, actor: Actor, *, deletes_reviewed: bool, prior_year_reviewed: bool = False,
    review: OdsAuditReview | None = None,
) -> OdsAuditReview:
    """A person evaluated the audit (``loaded → evaluated``): they reviewed its deletes, and the
    previous year's enrollments CALPADS still holds open.

    Refused when the audit is not ``loaded``, when it has deletes and ``deletes_reviewed`` is
    false, when it lists previous-year enrollments not closed out and ``prior_year_reviewed`` is
    false, or when any record fails pre-validation (fix the local data and load the file again).
    ``review`` is the audit's review when the caller just made it (kept or reviewed in the same
    step), so that it is not made again; one of an audit that moved since is refused.
    """
    review = _review_of(uow, audit_id, actor, review)
    event = OdsAuditEvent.EVALUATE.value
    with uow.atomic():
        move_batch(uow.batches, review.audit, OdsAuditEvent.EVALUATE, actor)
        _refuse_errors(review.errors, event)
        if review.deletes and not deletes_reviewed:
            raise StepRefused(f"the ODS audit lists {review.deletes} delete(s): review them first", event)
        if review.prior_year_open and not prior_year_reviewed:
            raise StepRefused(prior_year_refusal(review.prior_year_open), event)
    return replace(review, audit=uow.batches.get_batch(audit_id) or review.audit)


def prior_year_refusal(still_open: tuple[OdsOpenEnrollment, ...]) -> str:
    """Why no file is written while previous-year enrollments are still open in CALPADS."""
    year = still_open[0].academic_year
    first = ", ".join(e.local_id for e in still_open[:5])
    more = f" and {len(still_open) - 5} more" if len(still_open) > 5 else ""
    return (
        f"previous year not closed out: CALPADS still holds {len(still_open)} enrollment(s) of {year} at this LEA "
        f"without an exit date (students {first}{more}); close them out in CALPADS first, or confirm that you "
        "reviewed them (--prior-year-reviewed, or the checkbox on the ODS audit page)"
    )


def _file_name(at: dt.datetime, label: str) -> str:
    return f"{local_stamp(at):%Y_%m_%d_%H%M%S}_SENR_ODS_{label}.txt"


def create_ods_files(
    uow: UnitOfWork, audit_id: int, out_dir: Path, actor: Actor, *, review: OdsAuditReview | None = None
) -> OdsFiles:
    """Write the evaluated audit's SENR files in posting order (``evaluated → files_created``).

    Each file (deletes, then replaces, then adds; a kind without records has no file) is
    pre-validated, kept in the File Download list with its SHA-256 and noted in the CALPADS
    History in one transaction, then written to ``out_dir``. ``review`` as for
    :func:`evaluate_ods_audit` (the one it returned).
    """
    check_out_dir(out_dir)
    review = _review_of(uow, audit_id, actor, review)
    _refuse_errors(review.errors, OdsAuditEvent.CREATE_FILES.value)
    contents: list[tuple[str, FileKind, str, bytes, int]] = []
    files_of = {kind: (file_kind, label) for kind, file_kind, label in ODS_FILES}
    # One pass over the lines, in posting order: a kind without records has no file.
    for kind, lines in groupby(uow.batches.iter_preview(audit_id), key=attrgetter("kind")):
        if kind not in files_of:
            continue
        file_kind, label = files_of[kind]
        try:
            content, count = senr_bytes(_record(i)[0] for i in lines)
        except WriteRefused as refused:
            raise StepRefused.of(refused, OdsAuditEvent.CREATE_FILES.value) from None
        contents.append((kind, file_kind, _file_name(actor.now(), label), content, count))
    with uow.atomic():
        move_batch(uow.batches, review.audit, OdsAuditEvent.CREATE_FILES, actor)
        kept = [
            (kind, keep_file(uow.files, file_kind, name, content, records=count, actor=actor, run_id=None), content)
            for kind, file_kind, name, content, count in contents
        ]
    files = tuple(OdsFile(kind, file, write_output(out_dir, file.name, content)) for kind, file, content in kept)
    return OdsFiles(uow.batches.get_batch(audit_id) or review.audit, files)

