"""Step 1: create the SSID request file (``create_senr``).

The students are selected (domain.planning.request), their records built and pre-validated;
only then, in one transaction, the run moves to ``senr_created``, the request is stored student
by student, and the file is kept with its SHA-256 in the File Download list and the CALPADS
History. The file is written to the output folder after the commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from domain.errors import TranslationMissing, WriteRefused
from domain.planning.request import (
    Exclusion,
    RequestSelection,
    Selection,
    build_senr_records,
    request_file_name,
    select_request,
)
from domain.planning.translation import CodeTranslator
from domain.records import SenrRecord
from domain.runs import FileKind, GeneratedFile, Run, RunEvent
from domain.validation import errors_of, validate_senr, warnings_of
from workflows.files import check_out_dir, keep_file, local_stamp, senr_bytes, write_output
from workflows.run.guards import SenrFacts
from workflows.errors import StepRefused
from workflows.ports import DistrictSettings, UnitOfWork
from workflows.run.lifecycle import settings_problem
from workflows.run.duplicate_decisions import held_back
from workflows.run.selection_check import unknown_ids_problem
from workflows.run.stepping import Actor, attempt

__all__ = ["RequestFile", "create_request", "preview_request"]


@dataclass(frozen=True)
class RequestFile:
    """The outcome of Step 1: the run, the file kept and written, and who was left out and why."""

    run: Run
    file: GeneratedFile
    path: Path
    excluded: list[Exclusion]
    warnings: list[str]


def create_request(
    uow: UnitOfWork,
    run_id: int,
    actor: Actor,
    out_dir: Path,
    *,
    keep: Selection | None = None,
    skip: Selection | None = None,
    accept_warnings: bool = False,
    today: dt.date | None = None,
) -> RequestFile:
    """Build, check and keep the run's SSID request file; write it to ``out_dir``.

    Refused, naming them, when a KEEP or SKIP list holds local ids that match no student.
    """
    check_out_dir(out_dir)
    with attempt(uow, run_id, RunEvent.CREATE_SENR, actor) as step:
        settings = uow.settings.district_settings()
        problem = settings_problem(settings)
        if problem is not None:
            step.check(SenrFacts(problem, 0))
        assert settings.lea is not None and settings.year is not None
        unknown = unknown_ids_problem(uow.students, keep=keep, skip=skip)
        if unknown is not None:
            step.refuse(unknown)
        day = today or local_stamp(actor.now()).date()
        selection = _chosen(uow, settings, day, keep=keep, skip=skip, summer=step.run.summer)
        translate = CodeTranslator(uow.settings.code_translations())
        records: list[SenrRecord] = []
        warnings: list[str] = []
        content = b""
        try:  # one record per student included: a code without translation stops them all
            records = build_senr_records(selection.included, lea=settings.lea, year=settings.year, translate=translate)
        except TranslationMissing as missing:
            errors: tuple[str, ...] = (str(missing),)
        else:
            violations = validate_senr(records, lea=settings.lea, current_year=settings.year, today=day)
            errors = tuple(str(v) for v in errors_of(violations))
            warnings = [str(v) for v in warnings_of(violations)]
        if not errors:
            try:
                content, _ = senr_bytes(records)
            except WriteRefused as refused:
                errors = (str(refused),)
        step.check(SenrFacts(None, len(selection.included), errors, len(warnings), accept_warnings))
        with step.commit():
            uow.requests.save_request(step.run.id, records)
            name = request_file_name(local_stamp(actor.now()))
            kept = keep_file(uow.files, FileKind.REQUEST, name, content, records=len(records), actor=actor, run_id=step.run.id)
            step.record(
                file_name=kept.name, sha256=kept.sha256,
                counts={"records": kept.records, "excluded": len(selection.excluded)},
            )
    path = write_output(out_dir, kept.name, content)
    return RequestFile(step.run, kept, path, selection.excluded, warnings)


def preview_request(
    uow: UnitOfWork, *, keep: Selection | None = None, skip: Selection | None = None, today: dt.date, summer: bool = False
) -> RequestSelection:
    """Who the request file would hold with this KEEP or SKIP selection, and who not and why,
    without writing anything (the console shows it before the file is written). Refused like
    :func:`create_request` for incomplete settings and unknown local ids."""
    settings = uow.settings.district_settings()
    problem = settings_problem(settings) or unknown_ids_problem(uow.students, keep=keep, skip=skip)
    if problem is not None:
        raise StepRefused(problem, RunEvent.CREATE_SENR.value)
    return _chosen(uow, settings, today, keep=keep, skip=skip, summer=summer)


def _chosen(
    uow: UnitOfWork,
    settings: DistrictSettings,
    day: dt.date,
    *,
    keep: Selection | None,
    skip: Selection | None,
    summer: bool,
) -> RequestSelection:
    """The one selection both the file and its preview make (a summer run's takes pre-enrolled
    students too; possible duplicates a person decided are one child are held back)."""
    assert settings.year is not None
    return select_request(
        uow.students.iter_students(without_ssid=True),
        selected_schools=frozenset(settings.schools),
        year=settings.year,
        today=day,
        keep=keep,
        skip=skip,
        summer=summer,
        held_back=held_back(uow),
    )
