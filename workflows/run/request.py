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
from domain.planning.request import Exclusion, RequestSelection, Selection, build_senr_records, request_file_name, select_request
from domain.planning.translation import CodeTranslator
from domain.records import SenrRecord
from domain.runs import FileKind, GeneratedFile, Run, RunEvent
from domain.validation import errors_of, validate_senr, warnings_of
from workflows.files import check_out_dir, keep_file, local_stamp, senr_bytes, write_output
from workflows.run.guards import SenrFacts
from workflows.ports import WorkflowStore
from workflows.run.machine import order_reason
from workflows.run.lifecycle import settings_problem
from workflows.run.stepping import Actor, Recorded, advance

__all__ = ["RequestFile", "create_request"]


@dataclass(frozen=True)
class RequestFile:
    """The outcome of Step 1: the run, the file kept and written, and who was left out and why."""

    run: Run
    file: GeneratedFile
    path: Path
    excluded: list[Exclusion]
    warnings: list[str]


@dataclass
class _Prepared:
    records: list[SenrRecord]
    selection: RequestSelection
    warnings: list[str]
    content: bytes


def create_request(
    store: WorkflowStore,
    run_id: int,
    actor: Actor,
    out_dir: Path,
    *,
    keep: Selection | None = None,
    skip: Selection | None = None,
    accept_warnings: bool = False,
    today: dt.date | None = None,
) -> RequestFile:
    """Build, check and keep the run's SSID request file; write it to ``out_dir``."""
    check_out_dir(out_dir)
    prepared: list[_Prepared] = []

    def facts(run: Run) -> SenrFacts:
        settings = store.district_settings()
        problem = settings_problem(settings)
        if problem is not None or order_reason(RunEvent.CREATE_SENR, run.state) is not None:
            return SenrFacts(problem, 0)
        assert settings.lea is not None and settings.year is not None
        day = today or local_stamp(actor.now()).date()
        selection = select_request(
            store.iter_students(without_ssid=True),
            selected_schools=frozenset(settings.schools),
            year=settings.year,
            today=day,
            keep=keep,
            skip=skip,
        )
        translate = CodeTranslator(store.code_translations())
        try:
            records = build_senr_records(selection.included, lea=settings.lea, year=settings.year, translate=translate)
        except TranslationMissing as missing:
            return SenrFacts(None, len(selection.included), (str(missing),))
        violations = validate_senr(records, lea=settings.lea, current_year=settings.year, today=day)
        errors = tuple(str(v) for v in errors_of(violations))
        warnings = [str(v) for v in warnings_of(violations)]
        content = b""
        if not errors:
            try:
                content, _ = senr_bytes(records)
            except WriteRefused as refused:
                errors = (str(refused),)
        prepared.append(_Prepared(records, selection, warnings, content))
        return SenrFacts(None, len(records), errors, len(warnings), accept_warnings)

    def effects(run: Run) -> tuple[GeneratedFile, bytes]:
        records, content, count = prepared[-1].records, prepared[-1].content, len(prepared[-1].records)
        store.save_request(run.id, records)
        name = request_file_name(local_stamp(actor.now()))
        return keep_file(store, FileKind.REQUEST, name, content, count, actor, run.id), content

    run, (kept, content) = advance(
        store,
        run_id,
        RunEvent.CREATE_SENR,
        facts,
        actor,
        effects,
        lambda done: Recorded(
            done[0].name,
            done[0].sha256,
            {"records": done[0].records, "excluded": len(prepared[-1].selection.excluded)},
        ),
    )
    path = write_output(out_dir, kept.name, content)
    return RequestFile(run, kept, path, prepared[-1].selection.excluded, prepared[-1].warnings)
