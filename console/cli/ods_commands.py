"""`ssid ods audit|list|show|create-files` (the SENR ODS audit) and `ssid sela load|apply|undo` (the SELA
EL/IFEP import) — contract: shared/spec/cli.md.

`ssid ods audit FILE --out DIR` does the whole audit for a scheduled job: it reads both files
first (a broken one, or records failing pre-validation, refuse with exit 2 and nothing stored),
lists the deletes on stderr, then writes the files. Only the selected schools are reconciled; the
audit is refused for a past academic year in the settings and for a download without earlier
years (not the ten-year Date Range download), and writes no file while CALPADS still holds
previous-year enrollments open unless `--prior-year-reviewed`. `--review` stops after loading, for a person
to look at the deletes (`ssid ods show AUDIT`) before `ssid ods create-files AUDIT --out DIR`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from console.cli.common import CliContext, common_options
from console.jobs import tracked
from console.cli.workflow_cli import (
    LISTED_LIMIT,
    actor_of,
    add_batch_commands,
    emit_listed,
    existing_file,
    note,
    out_dir_option,
    progress_for,
    refused,
    workflow_store,
)
from domain.duplicates import possible_duplicate_text
from domain.runs import BatchKind, OdsAuditState
from store.workflow_store import DatabaseWorkflowStore
from workflows.batches import ods_audit, sela
from workflows.files import check_out_dir
from workflows.batches.ods_audit import OdsAuditReview
from workflows.batches.sela import PlannedSela
from workflows.run.stepping import Actor

__all__ = ["COMMANDS"]


def _note_review(review: OdsAuditReview) -> None:
    audit = review.audit.id
    for line in review.delete_list[:LISTED_LIMIT]:
        note(f"ODS audit {audit}: delete student {line.local_id} at school {line.school} from {line.enroll_start}: {line.reason.text}")
    if len(review.delete_list) > LISTED_LIMIT:
        note(f"ODS audit {audit}: ... and {len(review.delete_list) - LISTED_LIMIT} more deletes (`ssid ods show {audit}`)")
    if review.to_request:
        note(
            f"ODS audit {audit}: {len(review.to_request)} students without a usable SSID left to the SSID workflow: "
            + ", ".join(review.to_request[:LISTED_LIMIT])
        )
    for local_id, other in list(review.possible_duplicates.items())[:LISTED_LIMIT]:
        note(f"ODS audit {audit}: student {local_id}: {possible_duplicate_text(other)} (not to be requested)")
    if review.not_selected:
        note(f"ODS audit {audit}: {review.not_selected} CALPADS records left alone: school not selected")
    for still in review.prior_year_open[:LISTED_LIMIT]:
        note(
            f"ODS audit {audit}: previous year not closed out: student {still.local_id} at school {still.school} "
            f"from {still.enroll_start} ({still.academic_year}) has no exit date in CALPADS"
        )
    if len(review.prior_year_open) > LISTED_LIMIT:
        note(f"ODS audit {audit}: ... and {len(review.prior_year_open) - LISTED_LIMIT} more not closed out (`ssid ods show {audit}`)")
    for warning in review.warnings[:LISTED_LIMIT]:
        note(f"warning: {warning}")


def _plan_sela(ctx: CliContext, store: DatabaseWorkflowStore, file: Path | None) -> PlannedSela | None:
    if file is None:
        return None
    with progress_for(ctx, existing_file(file), "reading SELA download") as progress:
        return sela.plan_sela(store, file, progress=progress)


def _import_sela(ctx: CliContext, store: DatabaseWorkflowStore, planned: PlannedSela | None, actor: Actor) -> int:
    """Keep and apply a planned SELA import; the students updated."""
    if planned is None:
        return 0
    preview = sela.keep_sela(store, planned, actor)
    emit_listed(ctx, store, preview.batch.id)
    if not preview.changes:
        return 0
    return sela.apply_sela(store, preview.batch.id, actor).updated


def _keep_audit(ctx: CliContext, store: DatabaseWorkflowStore, file: Path, actor: Actor, *, check: bool) -> ods_audit.OdsAuditReview:
    """Plan, (with ``check``) pre-validate and keep the audit of ``file``, its review noted on
    stderr and returned. The plan does not outlive the call: it is as long as the district's
    audit, and the files are written after."""
    with progress_for(ctx, file, "reading SENR ODS download") as progress:
        planned = ods_audit.plan_ods_audit(store, file, actor, progress=progress)
    if check:
        ods_audit.check_pre_validation(planned)
    kept = ods_audit.keep_ods_audit(store, planned, actor)
    _note_review(kept)
    return kept


@click.group("ods")
def ods_group() -> None:
    """The SENR ODS audit: SENR files that bring CALPADS' current year in line with the district."""


@ods_group.command("audit")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@out_dir_option
@click.option("--sela", "sela_file", type=click.Path(dir_okay=False, path_type=Path), help="A SELA ODS download: import its new EL/IFEP students.")
@click.option("--review", is_flag=True, help="Only load the audit and list its deletes; write no file yet.")
@click.option(
    "--prior-year-reviewed", is_flag=True,
    help="I reviewed the previous year's enrollments CALPADS still holds open (needed when there are any).",
)
@common_options
def audit_command(
    ctx: CliContext, file: Path, out_dir: Path, sela_file: Path | None, review: bool, prior_year_reviewed: bool
) -> None:
    """Compare the SENR ODS download's current year with local enrollments at the selected schools
    and write the SENR files in posting order (deletes, replaces, adds), each pre-validated.

    Refused (exit 2) when the settings' academic year is not the current one, when the download
    holds no earlier year (request the Date Range download, ten years back, not "Active Student"),
    and, without --prior-year-reviewed, when CALPADS still holds previous-year enrollments open."""
    store = workflow_store(ctx)
    actor = actor_of(ctx)
    existing_file(file)
    with refused(ctx):
        # The output folder and both files are checked before anything is stored.
        if not review:
            check_out_dir(out_dir)
        sela = _plan_sela(ctx, store, sela_file)
        kept = _keep_audit(ctx, store, file, actor, check=not review)
        audit, deletes, replaces, adds = kept.audit.id, kept.deletes, kept.replaces, kept.adds
        sela_updates = _import_sela(ctx, store, sela, actor)
        files: list[str] = []
        if not review:
            evaluated = ods_audit.evaluate_ods_audit(
                store, audit, actor, deletes_reviewed=True, prior_year_reviewed=prior_year_reviewed, review=kept
            )
            files = [str(f.path) for f in ods_audit.create_ods_files(store, audit, out_dir, actor, review=evaluated).files]
    result: dict[str, Any] = {"files": files, "adds": adds, "replaces": replaces, "deletes": deletes, "sela_updates": sela_updates}
    human = f"ODS audit {audit}: {deletes} deletes, {replaces} replaces, {adds} adds"
    if review:
        note(f"ODS audit {audit} kept for review: `ssid ods show {audit}`, then `ssid ods create-files {audit}`")
    ctx.emit(result, "\n".join([human, *files]))


@ods_group.command("list")
@common_options
def list_command(ctx: CliContext) -> None:
    """Every ODS audit, newest first: its number, state, file and counts."""
    store = workflow_store(ctx)
    audits = [
        {"audit": a.id, "state": a.state, "file": a.file_name, "loaded_at": a.loaded_at.isoformat(), "loaded_by": a.loaded_by,
         **{key: a.counts.get(key, 0) for key in ("adds", "replaces", "deletes")}}
        for a in store.batches_of(BatchKind.ODS_AUDIT)
    ]
    human = "\n".join(
        f"ODS audit {a['audit']} ({a['state']}): {a['file']}, {a['deletes']} deletes, {a['replaces']} replaces, {a['adds']} adds"
        for a in audits
    )
    ctx.emit({"audits": audits}, human or "no ODS audit yet")


@ods_group.command("show")
@click.argument("audit_id", type=int, metavar="AUDIT")
@common_options
def show_command(ctx: CliContext, audit_id: int) -> None:
    """An audit's review: counts, every delete with its reason, students without SSID, pre-validation."""
    store = workflow_store(ctx)
    with refused(ctx):
        review = ods_audit.ods_audit_review(store, audit_id, actor_of(ctx))
    result = {
        "audit": audit_id,
        "state": review.audit.state,
        "adds": review.adds,
        "replaces": review.replaces,
        "deletes": review.deletes,
        "delete_list": [
            {"local_id": d.local_id, "school": d.school, "enroll_start": d.enroll_start, "reason": d.reason.value}
            for d in review.delete_list
        ],
        "without_ssid": list(review.without_ssid),
        "possible_duplicates": {local_id: other for local_id, other in review.possible_duplicates.items()},
        "not_selected": review.not_selected,
        "prior_year_open": [
            {"local_id": e.local_id, "school": e.school, "enroll_start": e.enroll_start, "academic_year": e.academic_year}
            for e in review.prior_year_open
        ],
        "errors": list(review.errors),
        "warnings": list(review.warnings),
    }
    lines = [f"ODS audit {audit_id} ({review.audit.state}): {review.deletes} deletes, {review.replaces} replaces, {review.adds} adds"]
    lines += [f"delete student {d.local_id} at school {d.school} from {d.enroll_start}: {d.reason.text}" for d in review.delete_list]
    lines += [f"no SSID (left to the SSID workflow): student {local_id}" for local_id in review.to_request]
    lines += [
        f"no SSID, not to be requested: student {local_id}: {possible_duplicate_text(other)}"
        for local_id, other in review.possible_duplicates.items()
    ]
    if review.not_selected:
        lines.append(f"left alone: school not selected: {review.not_selected} CALPADS records")
    lines += [
        f"previous year not closed out: student {e.local_id} at school {e.school} from {e.enroll_start} ({e.academic_year})"
        for e in review.prior_year_open
    ]
    lines += [f"error: {e}" for e in review.errors] + [f"warning: {w}" for w in review.warnings]
    ctx.emit(result, "\n".join(lines))


@ods_group.command("create-files")
@click.argument("audit_id", type=int, metavar="AUDIT")
@out_dir_option
@click.option("--deletes-reviewed", is_flag=True, help="I reviewed the audit's deletes (needed when it has any).")
@click.option(
    "--prior-year-reviewed", is_flag=True,
    help="I reviewed the previous year's enrollments CALPADS still holds open (needed when there are any).",
)
@common_options
def create_files_command(ctx: CliContext, audit_id: int, out_dir: Path, deletes_reviewed: bool, prior_year_reviewed: bool) -> None:
    """Write a loaded audit's SENR files in posting order (deletes, replaces, adds)."""
    store = workflow_store(ctx)
    actor = actor_of(ctx)
    with refused(ctx), tracked("ods_create_files", ctx.actor, f"ODS audit {audit_id}"):
        review = ods_audit.ods_audit_review(store, audit_id, actor)
        if review.audit.state == OdsAuditState.LOADED.value:
            review = ods_audit.evaluate_ods_audit(
                store, audit_id, actor, deletes_reviewed=deletes_reviewed, prior_year_reviewed=prior_year_reviewed,
                review=review,
            )
        made = ods_audit.create_ods_files(store, audit_id, out_dir, actor, review=review)
    files = [str(f.path) for f in made.files]
    ctx.emit(
        {"files": files, "adds": review.adds, "replaces": review.replaces, "deletes": review.deletes},
        "\n".join([f"ODS audit {audit_id}: {len(files)} files written", *files]),
    )


@click.group("sela")
def sela_group() -> None:
    """The SELA EL/IFEP import: students the state's testing vendor newly identified as EL or IFEP."""


add_batch_commands(
    sela_group,
    "SELA EL/IFEP import",
    "SELA ODS download",
    lambda store, path, actor, progress: sela.load_sela(store, path, actor, progress=progress),
    sela.apply_sela,
    sela.undo_sela,
)

COMMANDS: list[click.Command] = [ods_group, sela_group]
