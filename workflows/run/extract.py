"""Step 7: load the SSID Extract into a preview, apply it (``apply_extract``), undo it.

The file is read and checked before anything is written: its rows are staged in the database
(a temporary table) and the preview is computed from them set-based, by the rules of
domain.planning.extract, and kept as a batch of the run (a 600,000-line extract never becomes
600,000 objects). Applying moves the run to ``extract_loaded`` and the batch
to ``applied`` in one transaction with every field change journaled, retires the request file,
and then mails a summary of counts. Undo (``undo_extract``) restores every changed field from the
journal and returns the run to ``updated`` with its request file back in File Download: another
extract can be loaded and applied, or the run cancelled.

An extract is checked against the run before anything is written: when none of the students the
run sent (Select or New SSID) has an SSID in it, it cannot be this run's answer (most likely it was
downloaded before the updated file was posted); the preview says so first and applying it needs
a second confirmation (``anyway``). Unusual ELAS changes are listed as warnings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from domain.errors import FileProblem
from domain.model import DecisionKind
from domain.planning.elas import ElasWarning, elas_warnings
from domain.planning.extract import ExtractCounts
from domain.readers import LineBlock, open_ssid_extract_blocks
from domain.runs import Batch, BatchKind, BatchState, FileKind, NewBatch, Run, RunAction, RunEvent
from domain.values import LocalId
from workflows.batches.shared import (
    ReadFile,
    apply_batch,
    check_line_end,
    note_batch_loaded,
    undo_batch,
)
from workflows.errors import StepRefused
from workflows.files import Progress
from workflows.run import extract_check
from workflows.run.extract_check import ExtractLineCheck, lea_checked_blocks
from workflows.run.guards import NOT_THIS_RUNS_ANSWER, ExtractFacts, UndoFacts
from workflows.mail import send_apply_summary
from workflows.ports import Batches, UnitOfWork
from workflows.run.stepping import Actor, attempt

__all__ = [
    "ExtractPreview",
    "ExtractAnswer",
    "AppliedExtract",
    "UndoneExtract",
    "extract_counts",
    "pending_extract",
    "extract_answer",
    "load_extract",
    "apply_extract",
    "undo_extract",
]


@dataclass(frozen=True, kw_only=True)
class ExtractAnswer:
    """Whether a loaded extract answers the run: the students the run sent (Select or New SSID),
    those of them without an SSID in the extract, and the unusual ELAS changes it brings."""

    sent: int
    not_back: tuple[LocalId, ...]
    elas_warnings: tuple[ElasWarning, ...] = ()

    @property
    def none_back(self) -> bool:
        """No student the run sent came back: the extract cannot be this run's answer."""
        return self.sent > 0 and len(self.not_back) == self.sent

    @property
    def warnings(self) -> list[str]:
        """What the preview says before anything else: the extract not being the run's answer
        first, then the students sent who did not come back, then unusual ELAS changes."""
        said: list[str] = []
        if self.none_back:
            said.append(NOT_THIS_RUNS_ANSWER.format(sent=self.sent))
        elif self.not_back:
            shown = ", ".join(self.not_back[:20]) + (f" and {len(self.not_back) - 20} more" if len(self.not_back) > 20 else "")
            said.append(f"{len(self.not_back)} of the {self.sent} student(s) this run sent have no SSID in this extract: {shown}")
        said.extend(f"unusual ELAS change: {w}" for w in self.elas_warnings)
        return said


@dataclass(frozen=True)
class ExtractPreview:
    """A loaded extract: its batch, the counts the person reviews before applying, and whether it
    answers the run."""

    batch: Batch
    changes: int
    conflicts: int
    unmatched: int
    answer: ExtractAnswer


@dataclass(frozen=True)
class UndoneExtract:
    """An undone extract: the run (back in ``updated``) and how many values were restored."""

    run: Run
    restored: int


@dataclass(frozen=True)
class AppliedExtract:
    run: Run
    batch: Batch
    updated: int
    counts: Mapping[str, int]


def extract_counts(counts: ExtractCounts, changes: int) -> dict[str, int]:
    """The plan's counts, plus ``changes`` (students changed), ``conflicts`` and ``unmatched``."""
    shown = asdict(counts)
    shown["changes"] = changes
    shown["conflicts"] = shown["conflict"] + shown["held_by_another"]
    shown["unmatched"] = shown["unmatched"] + shown["ambiguous"] + shown["repeated"]
    return shown


def extract_answer(uow: UnitOfWork, run_id: int, batch_id: int) -> ExtractAnswer:
    """Which students the run sent did not come back in the batch's extract, and its unusual ELAS changes."""
    sent = {
        local_id for local_id, decision in uow.matches.decisions(run_id).items()
        if decision.kind in (DecisionKind.SELECT, DecisionKind.NEW_SSID)
    }
    back = uow.batches.preview_local_ids(batch_id, sent)
    return ExtractAnswer(
        sent=len(sent), not_back=tuple(sorted(sent - back)),
        elas_warnings=tuple(elas_warnings(uow.batches.elas_changes(batch_id))),
    )


def pending_extract(batches: Batches, run_id: int) -> Batch | None:
    """The run's newest extract batch if it is loaded and not yet applied."""
    found = batches.batches_of(BatchKind.EXTRACT, run_id)
    return found[0] if found and found[0].state is BatchState.LOADED else None


def _progressed(blocks: Iterable[LineBlock], progress: Progress | None) -> Iterator[LineBlock]:
    for block in blocks:
        yield block
        if progress is not None:
            progress(len(block.lines))


def _repeat_problem(name: str, repeat: tuple[int, int]) -> FileProblem:
    line, first = repeat
    return FileProblem(name, line, f"repeats line {first} exactly (was the file pasted or saved twice?); download it again")


def stage_extract_file(uow: UnitOfWork, path: Path, name: str, progress: Progress | None = None) -> ReadFile:
    """Read the SSID Extract once, checked a block of lines at a time, into the store's staging
    (nothing about students is written). Refused, naming the file, line and field, at the first
    problem in file order: a line that is not a good line of the layout, one of another LEA, one
    repeating an earlier line exactly; then a file cut off in its last line.

    A file of :data:`~workflows.run.extract_check.APART_BYTES` or more is checked in a second
    process while this one stages its lines (:mod:`workflows.run.extract_check`); the staged
    lines are only used once that check has found no problem."""
    lea = uow.settings.district_settings().lea
    staging = uow.extract_staging
    digest = hashlib.sha256()
    check: ExtractLineCheck | None = None
    try:
        opened = open_ssid_extract_blocks(path, name)
        check = ExtractLineCheck(path, name, lea) if path.stat().st_size >= extract_check.APART_BYTES else None
        problem: FileProblem | None = None
        lines = 0
        try:
            blocks: Iterable[LineBlock] = (
                lea_checked_blocks(opened.blocks(digest.update), lea, name) if check is None
                else opened.load_blocks(digest.update, fields=staging.binds_fields)
            )
            lines = staging.stage_extract(opened.layout, _progressed(blocks, progress))
        except FileProblem as raised:
            problem = raised
        if check is not None:  # the whole check's first problem comes first (here only field counts and characters)
            problem = check.result().problem or problem
        # A line repeating an earlier one is the first problem when it comes before the one found.
        repeat = staging.first_repeated_line(before=None if problem is None else problem.line)
        if repeat is not None:
            raise _repeat_problem(name, repeat)
        if problem is not None:
            raise problem
    except FileProblem as problem:
        raise StepRefused.of(problem) from None
    finally:
        if check is not None:
            check.cancel()
    check_line_end(path, name, lines)
    return ReadFile(name, digest.hexdigest(), lines)


def load_extract(
    uow: UnitOfWork,
    run_id: int,
    path: Path,
    actor: Actor,
    *,
    overwrite: bool = False,
    name: str | None = None,
    progress: Progress | None = None,
) -> ExtractPreview:
    """Read and plan the SSID Extract, keep its preview; nothing about students changes yet."""
    with attempt(uow, run_id, RunAction.LOAD_EXTRACT, actor) as step:
        # Read and staged before the transaction: a 600,000-line file keeps no lock meanwhile.
        read = stage_extract_file(uow, path, name or path.name, progress)
        with step.commit():
            batch = uow.batches.add_batch(
                NewBatch(
                    kind=BatchKind.EXTRACT, file_name=read.name, sha256=read.sha256, at=actor.now(), actor=actor.name,
                    run_id=step.run.id, overwrite=overwrite,
                )
            )
            plan_counts, changes = uow.extract_staging.preview_staged_extract(batch.id, overwrite)
            counts = extract_counts(plan_counts, changes)
            answer = extract_answer(uow, step.run.id, batch.id)
            counts.update(sent=answer.sent, sent_back=answer.sent - len(answer.not_back))
            uow.batches.set_batch_counts(batch.id, counts)
            note_batch_loaded(uow.files, BatchKind.EXTRACT, read, batch_id=batch.id, counts=counts, actor=actor, run_id=step.run.id)
            shown_counts = {key: counts[key] for key in ("changes", "conflicts", "unmatched")}
            step.record(file_name=read.name, sha256=read.sha256, counts=shown_counts)
    kept = uow.batches.get_batch(batch.id) or batch
    return ExtractPreview(kept, counts["changes"], counts["conflicts"], counts["unmatched"], answer)


def apply_extract(
    uow: UnitOfWork, run_id: int, actor: Actor, *, confirmed: bool = True, anyway: bool = False
) -> AppliedExtract:
    """Apply the previewed extract (``apply_extract``): one transaction, journaled, then mailed.

    Refused, unless ``anyway``, when none of the students the run sent has an SSID in the extract.
    """
    with attempt(uow, run_id, RunEvent.APPLY_EXTRACT, actor) as step:
        batch = pending_extract(uow.batches, step.run.id)
        answer = extract_answer(uow, step.run.id, batch.id) if batch is not None else None
        sent, back = (answer.sent, answer.sent - len(answer.not_back)) if answer is not None else (0, 0)
        step.check(ExtractFacts(batch is not None, confirmed, sent=sent, sent_back=back, anyway=anyway))
        assert batch is not None and answer is not None
        with step.commit():
            counts = apply_batch(uow, batch, actor)
            uow.files.retire_files(step.run.id, FileKind.REQUEST)
            step.record(file_name=batch.file_name, sha256=batch.sha256, counts=counts)
    applied = uow.batches.get_batch(batch.id) or batch
    send_apply_summary(
        uow, f"SSID Extract applied (run {step.run.id})", counts, actor, warnings=[str(w) for w in answer.elas_warnings]
    )
    return AppliedExtract(step.run, applied, counts.get("students", 0), counts)


def undo_extract(uow: UnitOfWork, run_id: int, actor: Actor) -> UndoneExtract:
    """Undo the run's applied extract (``undo_extract``): every changed field restored from the
    journal, the run back in ``updated`` and its request file back in File Download."""
    with attempt(uow, run_id, RunEvent.UNDO_EXTRACT, actor) as step:
        applied = [b for b in uow.batches.batches_of(BatchKind.EXTRACT, step.run.id) if b.state is BatchState.APPLIED]
        other = uow.runs.open_run()
        step.check(UndoFacts(bool(applied), other.id if other is not None and other.id != step.run.id else None))
        with step.commit():
            restored = undo_batch(uow, applied[0], actor)
            uow.files.restore_files(step.run.id, FileKind.REQUEST)
            step.record(file_name=applied[0].file_name, sha256=applied[0].sha256, counts={"restored": restored})
    return UndoneExtract(step.run, restored)
