"""`ssid run issues` and `ssid run bulk-accept`: the matching assistant on the command line.

- ``issues``: the stored local duplicate check (run again when out of date, or on ``--recheck``),
  each issue with its evidence and the decision taken on it; decide "same child", mark "not a
  duplicate" (different children), say which record keeps a shared SSID, acknowledge, or forget a mark.
- ``bulk-accept RUN``: every Single Match at 100 % whose comparison agrees on every field,
  listed with ``--dry-run``, recorded (each decision logged as bulk) without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from console.cli.common import CliContext, common_options, counting_bar
from console.cli.workflow_cli import actor_of, refused, workflow_store
from domain.duplicates import IssueDecision, IssueKey, LocalIssue
from workflows.run import duplicate_check, duplicate_decisions, lifecycle
from workflows.run.duplicate_check import CheckView

__all__ = ["add_assistant_commands", "issue_json", "evidence_line"]


def evidence_line(issue: LocalIssue) -> str:
    """A look-alike pair's evidence in one line: ``First name: same · Birth date: day and month swapped``."""
    return " · ".join(f"{r.field.label}: {r.label}" for r in issue.evidence)


def issue_json(issue: LocalIssue, decision: IssueDecision | None = None) -> dict[str, Any]:
    """An issue as ``ssid run issues --json`` gives it (with the decision taken on it, if any)."""
    return {
        "decision": None if decision is None else {
            "resolution": decision.resolution.value, "chosen": decision.chosen, "by": decision.decided_by,
            "text": decision.text,
        },
        "key": str(issue.key),
        "kind": issue.kind.value,
        "local_ids": list(issue.local_ids),
        "message": issue.message,
        "acknowledged": issue.acknowledged,
        "percent": issue.percent,
        "evidence": [
            {"field": r.field.value, "agreement": r.agreement.value, "evidence": r.evidence.value, "note": r.note}
            for r in issue.evidence
        ],
    }


def _check_json(view: CheckView) -> dict[str, Any]:
    s = view.summary
    return {
        "id": s.id, "at": s.checked_at.isoformat(), "by": s.checked_by, "students": s.students, "compared": s.compared,
        "lookalike_percent": s.lookalike_percent, "seconds": s.seconds, "current": view.current,
    }


def _issues_human(view: CheckView, decisions: Mapping[IssueKey, IssueDecision]) -> str:
    s = view.summary
    lines = [
        f"local duplicate check of {s.checked_at:%Y-%m-%d %H:%M} UTC by {s.checked_by}: {s.students} students, "
        f"{len(view.issues)} issue(s), {view.open_issues} open"
        + (f", {view.hidden} pair(s) marked not a duplicate left out" if view.hidden else "")
    ]
    for issue in view.issues:
        lines.append(f"{issue.key}: {issue.message}{' (acknowledged)' if issue.acknowledged else ''}")
        if issue.evidence:
            lines.append(f"    {evidence_line(issue)}")
        if issue.key in decisions:
            lines.append(f"    decided: {decisions[issue.key].text}")
    if not view.issues:
        lines.append("no local issue")
    return "\n".join(lines)


def add_assistant_commands(group: click.Group) -> None:
    """Add ``issues`` and ``bulk-accept`` to the ``ssid run`` group."""

    @group.command("issues")
    @click.option("--recheck", is_flag=True, help="Run the check again now, even when the stored one is current.")
    @click.option("--acknowledge", "acknowledge", multiple=True, metavar="KEY", help="Acknowledge an issue; repeatable.")
    @click.option("--not-duplicate", "not_duplicate", multiple=True, metavar="KEY",
                  help="Mark a look-alike pair as two different children (it is not listed again); repeatable.")
    @click.option("--unmark", "unmark", multiple=True, metavar="KEY", help="Forget a 'not a duplicate' mark; repeatable.")
    @click.option("--same-child", "same_child", multiple=True, metavar="KEY",
                  help="A look-alike pair is one child: the record without an SSID (or the newer) is left out of every "
                  "SSID request until the SIS merges them; repeatable.")
    @click.option("--keeps", "keeps", multiple=True, nargs=2, metavar="KEY LOCAL_ID",
                  help="Two records sharing an SSID: LOCAL_ID keeps it; repeatable.")
    @common_options
    def issues_command(
        ctx: CliContext, recheck: bool, acknowledge: tuple[str, ...], not_duplicate: tuple[str, ...], unmark: tuple[str, ...],
        same_child: tuple[str, ...], keeps: tuple[tuple[str, str], ...],
    ) -> None:
        """The local duplicate check: issues that block resolve-mids until resolved by a decision.

        A look-alike pair: --same-child KEY (one child: the record without an SSID, or the newer, is
        left out of SSID requests, "possible duplicate of …: merge the two records in your SIS") or
        --not-duplicate KEY (two children); --acknowledge on a pair decides "same child". An SSID
        held twice: --keeps KEY LOCAL_ID. A retired SSID: --acknowledge.

        The stored check is used while it is current (no student changed since); else, or with
        --recheck, it runs again (a progress bar on a terminal) and is stored.
        """
        from domain.duplicates import SEARCH_STEPS  # the duplicate search's: loaded when this command runs

        store = workflow_store(ctx)
        actor = actor_of(ctx)
        with refused(ctx), counting_bar(ctx, SEARCH_STEPS, "comparing students") as bar:
            progress = (lambda done, total: bar(done)) if bar is not None else None
            if recheck:
                duplicate_check.run_check(store, actor, progress)
            else:
                duplicate_check.current_check(store, actor, progress=progress)
            for key in unmark:
                duplicate_check.unmark_not_duplicate(store, key, actor)
            if not_duplicate:
                duplicate_check.mark_not_duplicate(store, not_duplicate, actor)
            if acknowledge:
                lifecycle.acknowledge_issues(store, acknowledge, actor)
            for key in same_child:
                duplicate_decisions.decide_same_child(store, key, actor)
            for key, keeper in keeps:
                duplicate_decisions.decide_keeps_ssid(store, key, keeper, actor)
            view = duplicate_check.latest_check(store)
        assert view is not None
        decisions = {d.key: d for d in store.issue_decisions()}
        ctx.emit(
            {"check": _check_json(view), "issues": [issue_json(i, decisions.get(i.key)) for i in view.issues],
             "open": view.open_issues, "hidden": view.hidden},
            _issues_human(view, decisions),
        )

    @group.command("bulk-accept")
    @click.argument("run_id", type=int, metavar="RUN")
    @click.option("--dry-run", is_flag=True, help="Only list the students who would be accepted; record nothing.")
    @click.option("--include-decided", is_flag=True, help="Also students who already have a decision (it is replaced).")
    @click.option("--expect", "expected", metavar="LIST",
                  help="Record only if the list is still the one --dry-run showed (its 'list' value).")
    @common_options
    def bulk_accept_command(
        ctx: CliContext, run_id: int, dry_run: bool, include_decided: bool, expected: str | None
    ) -> None:
        """Accept every Single Match at 100 % whose comparison agrees on every field (never twins).

        Each decision is Select of that one candidate, logged as bulk. Students already decided
        are left alone unless --include-decided.
        """
        from workflows.run import bulk_accept  # the matching assistant's comparison: loaded when this command runs

        store = workflow_store(ctx)
        with refused(ctx):
            plan = bulk_accept.plan_bulk_accept(store, run_id, include_decided=include_decided)
            if not dry_run:
                accepted = bulk_accept.bulk_accept(
                    store, run_id, actor_of(ctx), include_decided=include_decided, expected=expected or plan.digest
                )
                plan = bulk_accept.BulkPlan(accepted.run, accepted.accepted, plan.left_out, include_decided)
        students = [
            {"local_id": s.local_id, "ssid": s.ssid, "calpads": s.score_text, "ours": s.our_percent} for s in plan.included
        ]
        counts = {reason.value: count for reason, count in plan.counts().items()}
        verb = "would be accepted" if dry_run else "accepted"
        human = [f"{s['local_id']}  {s['ssid']}  CALPADS {s['calpads']}  ours {s['ours']:g} %" for s in students]
        human.append(f"run {run_id}: {len(students)} student(s) {verb} (list {plan.digest})")
        human += [f"  left out, {reason.label}: {count}" for reason, count in plan.counts().items()]
        ctx.emit(
            {"run": run_id, "dry_run": dry_run, "list": plan.digest, "accepted": len(students), "students": students,
             "left_out": counts},
            "\n".join(human),
        )
