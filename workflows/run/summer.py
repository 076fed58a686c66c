"""A summer run's SELA file (Summer ELPAC testing): beside the updated SENR file, the ``TBD``
records of the students it sends whose language is not English and who have no ELAS yet
(:mod:`domain.planning.summer`), pre-validated, kept in the File Download list and the CALPADS
History within the same step, and written beside the updated file."""

from __future__ import annotations

import io
from dataclasses import dataclass

from domain.errors import WriteRefused
from domain.planning.summer import summer_sela
from domain.planning.updated import build_updated_records
from domain.runs import FileKind, GeneratedFile, Run
from domain.validation import errors_of, validate_sela
from domain.values import CdsCode, LocalId
from domain.writers import write_sela
from workflows.errors import StepRefused
from workflows.files import keep_file
from workflows.ports import UnitOfWork
from workflows.run.stepping import Actor

__all__ = ["SummerSelaFile", "keep_summer_sela", "summer_sela_file_name"]


@dataclass(frozen=True)
class SummerSelaFile:
    """The SELA TBD file kept (``None`` when no student needs one), its bytes, and the students
    sent for a new SSID who need one once CALPADS has issued it."""

    file: GeneratedFile | None
    content: bytes
    waiting: tuple[LocalId, ...]


def summer_sela_file_name(updated_name: str) -> str:
    """``…_SENR_SSID_Updated.txt`` → ``…_SELA_Summer_TBD.txt`` (the same time stamp: they go together)."""
    return updated_name.replace("_SENR_SSID_Updated.txt", "_SELA_Summer_TBD.txt")


def keep_summer_sela(uow: UnitOfWork, run: Run, lea: CdsCode, updated_name: str, actor: Actor) -> SummerSelaFile:
    """Build, pre-validate and keep the summer run's SELA TBD file (inside the caller's transaction)."""
    sent = build_updated_records(uow.requests.request_records(run.id), uow.matches.decisions(run.id), partial=False)
    wanted = {LocalId(r.local_student_id) for r in sent}
    students = {s.local_id: s for s in uow.students.iter_students() if s.local_id in wanted}
    planned = summer_sela(sent, students)
    if not planned.records:
        return SummerSelaFile(None, b"", tuple(planned.waiting))
    errors = errors_of(validate_sela(planned.records, lea=lea))
    if errors:
        raise StepRefused(f"the summer SELA file failed pre-validation: {errors[0]}")
    buffer = io.BytesIO()
    try:
        count = write_sela(planned.records, buffer)
    except WriteRefused as refused:
        raise StepRefused.of(refused) from None
    name = summer_sela_file_name(updated_name)
    kept = keep_file(uow.files, FileKind.SUMMER_SELA, name, buffer.getvalue(), records=count, actor=actor, run_id=run.id)
    return SummerSelaFile(kept, buffer.getvalue(), tuple(planned.waiting))
