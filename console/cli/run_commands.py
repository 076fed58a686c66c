"""`ssid run ...`: every step of the SSID workflow, headless (contract: shared/spec/cli.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from console.cli.assistant_commands import add_assistant_commands
from console.cli.common import CliContext, Refusal, common_options
from console.jobs import tracked
from console.cli.workflow_cli import actor_of, emit_listed, existing_file, note, out_dir_option, progress_for, refused, workflow_store
from domain.errors import InvalidValue
from domain.model import DecisionKind
from domain.runs import HistoryEntry, Run, RunState
from store.workflow_store import DatabaseWorkflowStore
from domain.values import LocalId, parse_ssid
from workflows.run import extract, lifecycle

if TYPE_CHECKING:
    from domain.planning.request import Selection

# The modules of the request, the match results and the duplicate check are imported by the
# commands that use them: the other commands (the SSID Extract's two, the status) start without
# them, about 20 ms sooner (issue 20: a command's start-up counts).

__all__ = ["COMMANDS"]


def _state(run: Run) -> dict[str, Any]:
    return {"run": run.id, "state": run.state.value}


@click.group("run")
def run_group() -> None:
    """The SSID workflow: request file, match results, decisions, updated file, SSID Extract."""


@run_group.command("start")
@click.option(
    "--summer", is_flag=True,
    help="A Summer ELPAC run: also request pre-enrolled students (enrollment starting in the future), and write a "
    "SELA file giving the TBD status beside the updated file.",
)
@common_options
def start_command(ctx: CliContext, summer: bool) -> None:
    """Open a new run (refused while another run is open)."""
    store = workflow_store(ctx)
    with refused(ctx):
        run = lifecycle.start_run(store, actor_of(ctx), summer=summer)
    ctx.emit({**_state(run), "summer": run.summer}, f"{run.label} opened (state {run.state.value})")


@run_group.command("status")
@click.argument("run_id", type=int, metavar="RUN")
@common_options
def status_command(ctx: CliContext, run_id: int) -> None:
    """A run's state and counts: students requested, decided, and candidates proposed; and when the
    Replacement SSIDs were last loaded ("replacements_loaded", ISO time UTC, null when never)."""
    store = workflow_store(ctx)
    with refused(ctx):
        status = lifecycle.run_status(store, run_id)
    loaded = status.replacements_loaded
    ctx.emit(
        {**_state(status.run), "summer": status.run.summer, "requested": status.requested, "decided": status.decided,
         "candidates": status.candidates, "replacements_loaded": loaded.isoformat() if loaded is not None else None}
    )


@run_group.command("resolve-mids")
@click.argument("run_id", type=int, metavar="RUN")
@click.option("--attest", is_flag=True, help="I attest that the MIDs in CALPADS are resolved.")
@click.option("--acknowledge", "keys", multiple=True, metavar="KEY", help="Acknowledge a local issue (see `ssid run issues`); repeatable.")
@click.option("--acknowledge-all", is_flag=True, help="Acknowledge every open local issue.")
@common_options
def resolve_mids_command(ctx: CliContext, run_id: int, attest: bool, keys: tuple[str, ...], acknowledge_all: bool) -> None:
    """MIDs resolved: your attestation, and no unacknowledged local duplicate issue.

    Warns on stderr when the Replacement SSIDs were never loaded or more than 30 days ago.
    """
    store = workflow_store(ctx)
    actor = actor_of(ctx)
    with refused(ctx):
        if keys or acknowledge_all:
            from workflows.run import duplicate_check

            duplicate_check.current_check(store, actor)  # acknowledge what a current check finds
            lifecycle.acknowledge_issues(store, ("all",) if acknowledge_all else keys, actor)
        resolved = lifecycle.resolve_mids(store, run_id, actor, attested=attest)
    due = lifecycle.replacements_warning(store, actor.now())
    if due is not None:  # after the step: a refusal stays one line
        note(f"warning: {due}")
    ctx.emit(_state(resolved))


def _selection(path: Path | None) -> Selection | None:
    from domain.planning.request import Selection

    if path is None:
        return None
    try:
        return Selection.of_ids(existing_file(path).read_text(encoding="utf-8-sig").splitlines())
    except UnicodeDecodeError:
        raise Refusal(f"{path}: not a UTF-8 text file of local ids, one a line") from None


@run_group.command("create-senr")
@click.argument("run_id", type=int, metavar="RUN")
@out_dir_option
@click.option("--keep", type=click.Path(dir_okay=False, path_type=Path), help="Only these students (one local id a line).")
@click.option("--skip", type=click.Path(dir_okay=False, path_type=Path), help="All but these students (one local id a line).")
@click.option("--accept-warnings", is_flag=True, help="Accept pre-validation warnings (e.g. age out of range).")
@common_options
def create_senr_command(
    ctx: CliContext, run_id: int, out_dir: Path, keep: Path | None, skip: Path | None, accept_warnings: bool
) -> None:
    """Step 1: write the SSID request file (students without an SSID), and say who was left out and why."""
    if keep is not None and skip is not None:
        raise Refusal("give --keep or --skip, not both")
    from workflows.run import request

    store = workflow_store(ctx)
    with refused(ctx):
        made = request.create_request(
            store, run_id, actor_of(ctx), out_dir,
            keep=_selection(keep), skip=_selection(skip), accept_warnings=accept_warnings,
        )
    for warning in made.warnings:
        click.echo(f"ssid: warning: {warning}", err=True)
    ctx.emit(
        {
            **_state(made.run),
            "file": str(made.path),
            "records": made.file.records,
            "excluded": [{"local_id": e.local_id, "reason": e.text} for e in made.excluded],
        },
        f"run {made.run.id}: {made.file.records} students in {made.path} ({len(made.excluded)} without SSID left out)",
    )


@run_group.command("load-results")
@click.argument("run_id", type=int, metavar="RUN")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def load_results_command(ctx: CliContext, run_id: int, file: Path) -> None:
    """Step 3: load CALPADS' match result file for the run's request."""
    from workflows.run import results

    store = workflow_store(ctx)
    with refused(ctx), progress_for(ctx, existing_file(file), "reading match results") as progress:
        loaded = results.load_results(store, run_id, file, actor_of(ctx), progress=progress)
    ctx.emit({**_state(loaded.run), "students": loaded.students, "candidates": loaded.candidates})


@run_group.command("decide")
@click.argument("run_id", type=int, metavar="RUN")
@click.argument("local_id")
@click.option("--select", "select_ssid", metavar="SSID", help="Select this candidate's SSID.")
@click.option("--new", "new_ssid", is_flag=True, help="Ask CALPADS for a new SSID.")
@click.option("--no-match", is_flag=True, help="No action for this student.")
@click.option("--anyway", is_flag=True, help="Decide even when the decision gives a MID warning (it is logged with it).")
@common_options
def decide_command(
    ctx: CliContext, run_id: int, local_id: str, select_ssid: str | None, new_ssid: bool, no_match: bool, anyway: bool
) -> None:
    """Record (or change) one student's decision.

    A decision that could create a MID (New SSID despite a strong candidate, an SSID another local
    student holds or another student of the run was given, a candidate with the twin pattern) is
    refused with the warning unless --anyway; with it, the warning is logged with the decision.
    """
    if sum((select_ssid is not None, new_ssid, no_match)) != 1:
        raise Refusal("give exactly one of --select SSID, --new, --no-match")
    ssid = None
    if select_ssid is not None:
        with ctx.refusing(InvalidValue):
            ssid = parse_ssid(select_ssid)
    kind = DecisionKind.SELECT if ssid else DecisionKind.NEW_SSID if new_ssid else DecisionKind.NO_MATCH
    from workflows.run import results

    store = workflow_store(ctx)
    with refused(ctx):
        decided = results.decide(store, run_id, LocalId(local_id), kind, actor_of(ctx), ssid, unless_warned=not anyway)
    if not decided.recorded:
        raise Refusal(f"warning: {'; '.join(decided.warnings)}; nothing recorded (decide anyway with --anyway)")
    for warning in decided.warnings:
        click.echo(f"ssid: warning: {warning}", err=True)
    ctx.emit({"run": run_id, "local_id": local_id, "decision": kind.value, "ssid": decided.decision.ssid})


@run_group.command("partial")
@click.argument("run_id", type=int, metavar="RUN")
@out_dir_option
@common_options
def partial_command(ctx: CliContext, run_id: int, out_dir: Path) -> None:
    """The updated SENR file of the students decided so far."""
    from workflows.run import results

    store = workflow_store(ctx)
    with refused(ctx):
        made = results.partial_file(store, run_id, out_dir, actor_of(ctx))
    ctx.emit({"run": run_id, "file": str(made.path), "records": made.file.records})


@run_group.command("confirm")
@click.argument("run_id", type=int, metavar="RUN")
@common_options
def confirm_command(ctx: CliContext, run_id: int) -> None:
    """Every requested student is decided: make the decisions final."""
    from workflows.run import results

    store = workflow_store(ctx)
    with refused(ctx):
        ctx.emit(_state(results.confirm_all(store, run_id, actor_of(ctx))))


@run_group.command("create-updated")
@click.argument("run_id", type=int, metavar="RUN")
@out_dir_option
@common_options
def create_updated_command(ctx: CliContext, run_id: int, out_dir: Path) -> None:
    """Step 4: write the updated SENR file from the decisions.

    A summer run also writes beside it the SELA file giving its students whose language is not
    English and who have no ELAS the status TBD (--json adds sela_file, sela_records and
    sela_waiting: the students sent for a new SSID, whose SELA record waits for it)."""
    from workflows.run import results

    store = workflow_store(ctx)
    with refused(ctx):
        made = results.create_updated(store, run_id, out_dir, actor_of(ctx))
    result: dict[str, Any] = {**_state(made.run), "file": str(made.path), "records": made.file.records}
    if made.run.summer and made.summer_sela is not None:  # the summer run's SELA TBD file beside it
        result["sela_file"] = str(made.summer_sela_path) if made.summer_sela_path else None
        result["sela_records"] = made.summer_sela.file.records if made.summer_sela.file else 0
        result["sela_waiting"] = list(made.summer_sela.waiting)
    ctx.emit(result)


@run_group.command("load-extract")
@click.argument("run_id", type=int, metavar="RUN")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace a different existing SSID (discouraged; the old one moves to Old State ID).")
@common_options
def load_extract_command(ctx: CliContext, run_id: int, file: Path, overwrite: bool) -> None:
    """Step 7: load the SSID Extract and preview every change (nothing is written to students).

    First on stderr: whether the extract can be this run's answer (none of the students the run
    sent has an SSID in it: most likely downloaded before the updated file was posted), the sent
    students who did not come back, and unusual ELAS changes; then the lines not applied. With
    --json, besides the counts: "changed" (every change: local_id, field, old, new), "sent",
    "not_back" and "warnings".
    """
    store = workflow_store(ctx)
    existing_file(file)
    with refused(ctx), tracked("load_extract", ctx.actor, file.name), progress_for(ctx, file, "reading SSID Extract") as progress:
        preview = extract.load_extract(
            store, run_id, file, actor_of(ctx), overwrite=overwrite, progress=progress
        )
    for warning in preview.answer.warnings:
        note(f"warning: {warning}")
    emit_listed(ctx, store, preview.batch.id)
    run = store.get_run(run_id)
    ctx.emit(
        {"run": run_id, "state": run.state.value if run else None, "changes": preview.changes,
         "conflicts": preview.conflicts, "unmatched": preview.unmatched,
         "changed": _changes(store, preview.batch.id) if ctx.as_json else [],
         "sent": preview.answer.sent, "not_back": list(preview.answer.not_back), "warnings": preview.answer.warnings},
        f"run {run_id}: {preview.changes} student(s) would change, {preview.conflicts} conflict(s), "
        f"{preview.unmatched} line(s) not applied; nothing is written until `ssid run apply-extract {run_id}`",
    )


def _changes(store: DatabaseWorkflowStore, batch_id: int) -> list[dict[str, Any]]:
    """Every change applying the batch would make: local id, field, old and new value (dates ISO)."""
    def shown(value: object) -> object:
        return value.isoformat() if isinstance(value, dt.date) else value

    return [
        {"local_id": c.local_id, "field": c.field.value, "old": shown(c.old), "new": shown(c.new)}
        for item in store.iter_preview_changes(batch_id) for c in item.changes
    ]


@run_group.command("apply-extract")
@click.argument("run_id", type=int, metavar="RUN")
@click.option(
    "--anyway", is_flag=True,
    help="Apply even though none of the students the run sent has an SSID in the extract (else refused, exit 2).",
)
@common_options
def apply_extract_command(ctx: CliContext, run_id: int, anyway: bool) -> None:
    """Step 7: apply the previewed SSID Extract (one transaction; can be undone).

    Refused (exit 2) when none of the students the run sent (Select or New SSID) has an SSID in
    the extract, most likely downloaded before the updated file was posted, unless --anyway.
    """
    store = workflow_store(ctx)
    with refused(ctx), tracked("apply_extract", ctx.actor, f"run {run_id}"):
        applied = extract.apply_extract(store, run_id, actor_of(ctx), confirmed=True, anyway=anyway)
    ctx.emit({**_state(applied.run), "updated": applied.updated})


@run_group.command("undo-extract")
@click.argument("run_id", type=int, metavar="RUN")
@common_options
def undo_extract_command(ctx: CliContext, run_id: int) -> None:
    """Undo the applied SSID Extract: every changed field restored, the run back in `updated`, its
    request file back in File Download (load another extract, or cancel the run)."""
    store = workflow_store(ctx)
    with refused(ctx):
        undone = extract.undo_extract(store, run_id, actor_of(ctx))
    ctx.emit({**_state(undone.run), "restored": undone.restored})


@run_group.command("cancel")
@click.argument("run_id", type=int, metavar="RUN")
@common_options
def cancel_command(ctx: CliContext, run_id: int) -> None:
    """Cancel the run (not once its extract was applied)."""
    store = workflow_store(ctx)
    with refused(ctx):
        ctx.emit(_state(lifecycle.cancel_run(store, run_id, actor_of(ctx))))


_EVENT_KEYS = ("at", "actor", "event", "source", "dest", "accepted", "reason")


def _event(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(), "actor": entry.actor, "event": entry.event, "source": entry.source,
        "dest": entry.dest, "accepted": entry.accepted, "reason": entry.reason,
    }


@run_group.command("history")
@click.argument("run_id", type=int, metavar="RUN")
@click.option("--csv", "as_csv", is_flag=True, help="Print the history as CSV.")
@common_options
def history_command(ctx: CliContext, run_id: int, as_csv: bool) -> None:
    """Every attempted step of the run, accepted and refused, with actor and time."""
    store = workflow_store(ctx)
    with refused(ctx):
        events = [_event(e) for e in lifecycle.run_history(store, run_id)]
    if as_csv:
        from console.spreadsheet import spreadsheet_line

        click.echo(spreadsheet_line(_EVENT_KEYS, "\n"), nl=False)
        for event in events:
            click.echo(spreadsheet_line([event[key] for key in _EVENT_KEYS], "\n"), nl=False)
        return
    human = "\n".join(
        f"{e['at']} {e['actor']}: {e['event']} {e['source'] or '-'} -> "
        + (e["dest"] if e["accepted"] else f"refused: {e['reason']}")
        for e in events
    )
    ctx.emit({"run": run_id, "events": events}, human)


add_assistant_commands(run_group)

COMMANDS: list[click.Command] = [run_group]
