"""Is this match result file the answer to this run's request? (the ``load_results`` guard)

A result file is bound to its run by what it carries, in the order a coordinator's mistakes are
most simply named: the LEA must be ours; a name carrying another request file's time stamp, or a
file (SHA-256) already loaded in another run and not named after this run's request, belongs to
that run; every row must echo what this
run's request sent for its student (line and field named); and every requested student must be in
it. When the file answers another run's request, the refusal names that run. A renamed file whose
content answers this request is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import FileProblem
from domain.planning.answers import first_unanswered
from domain.records import MatchResultRow, SenrRecord
from domain.runs import FileKind, Run
from domain.values import LocalId
from workflows.ports import UnitOfWork

__all__ = ["Binding", "binding_problem", "FIRST_SHOWN"]

FIRST_SHOWN = 5
"""How many missing students a refusal names before saying how many more."""

_STAMP = re.compile(r"(\d{4}_\d{2}_\d{2}_\d{6})")


@dataclass(frozen=True, slots=True)
class Binding:
    """Why a result file is not this run's answer, and the file problem behind it (line, field)."""

    reason: str
    cause: FileProblem | None = None


def _stamped_requests(uow: UnitOfWork, name: str) -> list[tuple[int, str]]:
    """The runs (and request file names) whose request file's time stamp ``name`` carries."""
    stamp = _STAMP.search(name)
    if stamp is None:
        return []
    return [
        (kept.run, kept.name) for kept in uow.files.generated_files(include_retired=True)
        if kept.kind is FileKind.REQUEST and kept.run is not None and stamp.group(1) in kept.name
    ]


def _echo_problem(rows: Sequence[MatchResultRow], sent: dict[LocalId, SenrRecord], run_id: int, name: str) -> FileProblem | None:
    found = first_unanswered(rows, sent)
    if found is None:
        return None
    row, differs = found
    if differs is None:
        return FileProblem(
            name, row.line, f"student {row.local_id} is not in run {run_id}'s request file", 4, "Submitted_SENR_LocalID"
        )
    return FileProblem(
        name, row.line, f"differs from what run {run_id}'s request sent for student {row.local_id}",
        differs.number, differs.column,
    )


def _answered_run(uow: UnitOfWork, run: Run, rows: Sequence[MatchResultRow], name: str) -> int | None:
    """Another run whose request this file answers exactly (every row echoes it), newest first."""
    for other in uow.requests.runs_requesting({row.local_id for row in rows}):
        if other == run.id:
            continue
        sent = {LocalId(r.local_student_id): r for r in uow.requests.request_records(other)}
        if _echo_problem(rows, sent, other, name) is None:
            return other
    return None


def binding_problem(uow: UnitOfWork, run: Run, rows: Sequence[MatchResultRow], name: str, sha256: str) -> Binding | None:
    """Why the result rows are not the answer to ``run``'s request (``None`` when they are)."""
    if not rows:
        return Binding(f"{name}: the match result file has no rows")
    lea = uow.settings.district_settings().lea
    for row in rows:
        if row.reporting_lea != lea:
            foreign = FileProblem(name, row.line, f"LEA {row.reporting_lea} is not ours ({lea})", 1, "Submitted_SENR_ReportingLEA")
            return Binding(str(foreign), foreign)
    mine = f"load the match result of run {run.id}'s own request file instead"
    stamped = _stamped_requests(uow, name)
    own_stamp = any(owner == run.id for owner, _ in stamped)  # another run may share it to the second
    if stamped and not own_stamp:
        owner, request = stamped[0]
        return Binding(
            f"{name} carries the time stamp of run {owner}'s request file ({request}): it is run {owner}'s "
            f"match result, not run {run.id}'s; {mine}"
        )
    # The same bytes loaded elsewhere: a stale answer, unless named after this run's own request
    # (CALPADS may well answer an identical request with identical bytes).
    loaded = [r for r in uow.files.runs_that_loaded(FileKind.MATCH_RESULT, sha256) if r != run.id]
    if loaded and not own_stamp:
        return Binding(
            f"{name} was loaded in run {loaded[0]} (the same file, by its SHA-256): it is run {loaded[0]}'s match result, "
            f"not run {run.id}'s; {mine}"
        )
    sent = {LocalId(r.local_student_id): r for r in uow.requests.request_records(run.id)}
    problem = _echo_problem(rows, sent, run.id, name)
    if problem is not None:
        other = _answered_run(uow, run, rows, name)
        if other is not None:
            return Binding(f"{name} is the match result of run {other}'s request file, not of run {run.id}'s; {mine}", problem)
        return Binding(f"{problem}; {mine}", problem)
    missing = sorted(set(sent) - {row.local_id for row in rows})
    if missing:
        shown = ", ".join(missing[:FIRST_SHOWN]) + (f" and {len(missing) - FIRST_SHOWN} more" if len(missing) > FIRST_SHOWN else "")
        return Binding(
            f"{name} lacks {len(missing)} of the {len(sent)} students of run {run.id}'s request file ({shown}): "
            f"it answers another request; {mine}"
        )
    return None
