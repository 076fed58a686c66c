"""Identifiers, Local duplicates tab: the stored local duplicate check that feeds the ``resolve_mids``
guard (:mod:`workflows.run.duplicate_check`).

Every suspected pair or group with its evidence (a badge per field), shared and retired SSIDs;
acknowledge, or mark a look-alike pair "not a duplicate" (remembered: it is not listed again,
and the mark can be undone here). The check runs once and is stored with its time; "Check again"
runs it at once for a district of up to ``LONG_CHECK_STUDENTS`` students (config, else
``SSID_LONG_CHECK_STUDENTS``, else 20,000: about a second), as a background job with a progress bar
beyond. Looking at the page never runs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.jobs import JobRunner, ProgressReport
from console.display import people
from console.views.base import GuardedView, back_to, flash_refusal
from console.views.tabs import render_tab
from console.views.workflow_support import acting, workflow_store
from domain.duplicates import SEARCH_STEPS
from domain.duplicates import IssueKind, issue_groups
from store.students import count_students
from workflows.run.duplicate_check import latest_check, mark_not_duplicate, run_check, unmark_not_duplicate
from workflows.errors import StepRefused
from workflows.run.duplicate_decisions import decide_keeps_ssid, decide_same_child
from workflows.run.lifecycle import acknowledge_issues
from workflows.run.stepping import Actor

__all__ = ["DuplicatesView", "DEFAULT_LONG_CHECK_STUDENTS", "long_check", "check_now_or_in_background", "GROUPS_PER_PAGE"]

DEFAULT_LONG_CHECK_STUDENTS = 20_000
"""Beyond this many students the check runs as a background job (it takes about 1 s per 16,000)."""

GROUPS_PER_PAGE = 25


def long_check() -> bool:
    """Whether the district is large enough for the check to run in the background."""
    limit = current_app.config.get("LONG_CHECK_STUDENTS") or os.environ.get("SSID_LONG_CHECK_STUDENTS")
    return count_students() > int(limit or DEFAULT_LONG_CHECK_STUDENTS)


def _summary(found: Mapping[str, Any]) -> str:
    return f"Local duplicate check done: {found['issues']} issue(s), {found['open']} open."


def check_now_or_in_background(done_url: str) -> BaseResponse:
    """Run the check at once (small district) and go to ``done_url``, or as a job whose page polls it."""
    actor = acting()
    if not long_check():
        view = run_check(workflow_store(), actor)
        flash(_summary({"issues": len(view.issues), "open": view.open_issues}), "success")
        return redirect(done_url)
    steps = SEARCH_STEPS

    def in_background(report: ProgressReport) -> Mapping[str, Any]:
        report(0, steps, "reading the students")
        view = run_check(workflow_store(), Actor(actor.name), lambda done, total: report(done, total, "comparing students"))
        found = {"issues": len(view.issues), "open": view.open_issues}
        return {**found, "summary": _summary(found)}

    runner: JobRunner = current_app.extensions["ssid_jobs"]
    job_id = runner.submit("duplicate_check", actor.name, in_background, total=steps, message="queued: local duplicate check")
    return redirect(url_for("jobs.show", job_id=job_id, done=done_url))


class DuplicatesView(GuardedView):
    """``/admin/duplicates/`` (``?page=N``), and its POSTs: check, decide (acknowledge or not a
    duplicate, the ticked issues), unmark."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        view = latest_check(workflow_store())
        groups = issue_groups(view.issues) if view is not None else []
        raw_page = request.args.get("page", "0")
        pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
        page = min(int(raw_page), pages - 1) if raw_page.isdigit() else 0
        shown = groups[page * GROUPS_PER_PAGE:(page + 1) * GROUPS_PER_PAGE]
        marks = workflow_store().not_duplicate_marks()[:200]
        listed = [i for group in shown for issue in group for i in issue.local_ids]
        return render_tab(
            self,
            "console/duplicates.html",
            check=view,
            groups=shown,
            names=people([*listed, *(i for m in marks for i in (m.first, m.second))]),
            group_count=len(groups),
            page=page,
            pages=pages,
            marks=marks,
            decisions={d.key: d for d in workflow_store().issue_decisions()},
            long=long_check(),
            IssueKind=IssueKind,
        )

    @expose("/check", methods=("POST",))
    def check(self) -> BaseResponse:
        return check_now_or_in_background(url_for(".index"))

    @expose("/decide", methods=("POST",))
    def decide(self) -> BaseResponse:
        keys = request.form.getlist("issue")
        action = request.form.get("action", "")
        page = request.form.get("page", "0")
        if not keys:
            flash_refusal("Tick the issues you have looked at first.")
            return back_to(".index", page=page)
        store = workflow_store()
        try:
            if action == "not_duplicate":
                marked = mark_not_duplicate(store, keys, acting())
                flash(f"{marked} pair(s) marked not a duplicate: they are not listed again.", "success")
            elif action == "same_child":
                for key in keys:
                    decided = decide_same_child(store, key, acting())
                    flash(f"{decided.key}: {decided.text}.", "success")
            elif action == "keeps":
                for key in keys:
                    keeper = request.form.get(f"keeps:{key}", "")
                    if not keeper:
                        raise StepRefused(f"{key}: choose which record keeps the SSID")
                    decided = decide_keeps_ssid(store, key, keeper, acting())
                    flash(f"{decided.key}: {decided.text}.", "success")
            elif action == "acknowledge":
                acknowledge_issues(store, keys, acting())
                flash(f"{len(keys)} local issue(s) acknowledged.", "success")
            else:
                flash_refusal("Choose Acknowledge or Not a duplicate.")
        except StepRefused as refused:
            flash_refusal(refused.reason)
        return back_to(".index", page=page)

    @expose("/unmark", methods=("POST",))
    def unmark(self) -> BaseResponse:
        key = request.form.get("key", "")
        try:
            unmark_not_duplicate(workflow_store(), key, acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
        else:
            flash("The mark is undone: the pair is listed again wherever a check found it.", "success")
        return back_to(".index")
