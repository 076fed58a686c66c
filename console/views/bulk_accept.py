"""SSID Match review, bulk acceptance: "accept every Single Match at 100 % whose comparison agrees
on every field" (:mod:`workflows.run.bulk_accept`). The page lists the students first (and how many
are left out, and why); confirming records each one's decision, logged as bulk. The confirmation
names the list the person saw, so a list that changed meanwhile is refused, not recorded.
"""

from __future__ import annotations

from flask import flash, request
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.display import people
from console.views.base import GuardedView, back_to, flash_refusal
from console.views.tabs import render_tab
from console.views.workflow_support import acting, current_run, run_or_404, workflow_store
from domain.runs import RunAction
from workflows.run.machine import allowed_actions
from workflows.errors import StepRefused
from workflows.run.bulk_accept import LeftOut, bulk_accept, plan_bulk_accept

__all__ = ["BulkAcceptView", "PER_PAGE"]

PER_PAGE = 100


class BulkAcceptView(GuardedView):
    """``/admin/bulk-accept/`` (``?include_decided=1``, ``?page=N``) and its confirmation (POST)."""

    def is_visible(self) -> bool:
        return False  # reached from the SSID Match review

    @expose("/")
    def index(self) -> str:
        run = current_run()
        include_decided = request.args.get("include_decided") == "1"
        raw_page = request.args.get("page", "0")
        page = int(raw_page) if raw_page.isdigit() else 0
        plan, reason = None, None
        if run is None or RunAction.BULK_ACCEPT not in allowed_actions(run.state):
            reason = "bulk acceptance is for a run whose match results are loaded and not yet confirmed"
        else:
            try:
                plan = plan_bulk_accept(workflow_store(), run.id, include_decided=include_decided)
            except StepRefused as refused:
                reason = refused.reason
        included = plan.included if plan is not None else ()
        pages = max(1, -(-len(included) // PER_PAGE))
        shown = included[page * PER_PAGE:(page + 1) * PER_PAGE]
        left_out = [s for s in plan.left_out if s.left_out is LeftOut.DIFFERENCE][:PER_PAGE] if plan else []
        return render_tab(
            self,
            "console/bulk_accept.html",
            active_tab="review.index",
            plan=plan,
            reason=reason,
            include_decided=include_decided,
            shown=shown,
            people=people([s.local_id for s in shown] + [s.local_id for s in left_out]),
            page=page,
            pages=pages,
            left_out=left_out,
            LeftOut=LeftOut,
        )

    @expose("/<int:run_id>/accept", methods=("POST",))
    def accept(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        include_decided = request.form.get("include_decided") == "1"
        expected = request.form.get("list", "")
        if not expected:
            flash_refusal("Look at the list of students first, then confirm it.")
            return back_to(".index")
        try:
            done = bulk_accept(workflow_store(), run_id, acting(), include_decided=include_decided, expected=expected)
        except StepRefused as refused:
            flash_refusal(refused.reason)
            return back_to(".index", **({"include_decided": "1"} if include_decided else {}))
        flash(f"{len(done.accepted)} Single Match(es) accepted in bulk: Select recorded for each, logged as bulk.", "success")
        return back_to("review.index")
