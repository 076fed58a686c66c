"""Identifiers, SSID Match review tab (Step 3): one requested student at a time, the local student
in the first column and CALPADS' candidates beside it, highest percentage first, differences
marked field by field; No Match / New SSID / Select; Previous / Next; Download Partial Extract.

Coming back resumes the run: without a student named, the page opens at the first requested
student who has no decision yet. The warnings the workflow gives with a decision (New SSID
despite a strong candidate, an SSID another student holds or was given in this run) are shown to
the person, who stays on that student to reconsider.

Beside CALPADS' percentage (shown exactly as given, and still what orders the candidates) the page
shows our comparison (:func:`domain.matching.compare_candidates`): our estimate of how likely the candidate
is the same child, the three strongest reasons for and against (:mod:`console.views.review_reasons`),
and per field a badge saying how the values agree, coloured by whether that counts for the match or
against it; the twin pattern is called out. A decision that would give a MID warning is not recorded at once: the page shows
the warnings first (``?confirm=KIND&candidate=N``) with a "Decide anyway" button, and the warnings
are then logged with the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from werkzeug.wrappers import Response as BaseResponse

from console.auth import is_admin
from console.views.base import GuardedView, flash_refusal
from console.views.calpads_steps import partial_file_steps
from console.views.review_compare import compare_with_candidates
from console.views.review_reasons import estimate_text, reasons
from console.views.files import file_response
from console.views.review_order import first_to_review, next_undecided, place, requested
from console.display import school_label
from console.views.tabs import newest_files, render_tab
from console.views.workflow_support import acting, current_run, output_folder, run_or_404, workflow_store
from domain.model import DecisionKind, MatchDecision
from domain.records import MatchCandidate, SenrRecord
from domain.runs import FileKind, RunAction, RunState
from workflows.run.machine import allowed_actions
from domain.values import LocalId, Ssid
from store.fixed_sql import FixedQuery
from store.students import student_by_local_id
from store.tables import GeneratedFileRow, MatchDecisionRow
from workflows.errors import NotFound, StepRefused
from workflows.run.mid_warnings import decision_warnings
from domain.matching import compare_candidates
from workflows.run.results import SeenDecision, decide, partial_file

__all__ = ["ReviewView", "ReviewToggles", "PendingDecision", "DECISION_LABELS", "SEEN_FIELD", "WEAK_BELOW", "seen_decision"]

WEAK_BELOW = 50.0
"""A candidate our comparison rates below this percent is shown weaker, and selecting it asks first."""

SEEN_FIELD = "seen"
"""The hidden field of every decision form: the version of the decision the page showed ("none")."""


def _seen_value(row: MatchDecisionRow | None) -> str:
    return str(row.version) if row is not None else "none"


def seen_decision(value: str | None) -> SeenDecision | None:
    """What the posted page showed (``None`` when the form did not say: no compare-and-set)."""
    if value is None:
        return None
    if value == "none":
        return SeenDecision(None)
    if not value.isdigit():
        abort(400, description="The page sent an unreadable decision version; reload it.")
    return SeenDecision(int(value))

DECISION_LABELS: Mapping[DecisionKind, str] = {
    DecisionKind.NO_MATCH: "No Match",
    DecisionKind.NEW_SSID: "New SSID",
    DecisionKind.SELECT: "Select",
}

_DECISION: FixedQuery[MatchDecisionRow] = FixedQuery(
    lambda run_id, local_id: MatchDecisionRow.select()
    .where((MatchDecisionRow.run == run_id) & (MatchDecisionRow.local_id == local_id)).limit(1)
)
"""The student's decision, as the page shows it (its version is the page's ``seen``)."""

_REVIEWED = frozenset({RunState.RESULTS_LOADED, RunState.ALL_CONFIRMED, RunState.UPDATED, RunState.EXTRACT_LOADED})


@dataclass(frozen=True)
class PendingDecision:
    """A decision held back for a second look: its kind, the candidate (1-based; 0 for none) and SSID,
    and the warnings it would give now."""

    kind: DecisionKind
    candidate: int
    ssid: Ssid | None
    warnings: list[str]
    seen: str | None = None


def _pending(run_id: int, local_id: LocalId, candidates: list[MatchCandidate]) -> PendingDecision | None:
    """The decision named by ``?confirm=KIND&candidate=N``, with its warnings (``None`` when none is named)."""
    try:
        kind = DecisionKind(request.args.get("confirm", ""))
    except ValueError:
        return None
    number = request.args.get("candidate", "0")
    position = int(number) if number.isdigit() else 0
    ssid: Ssid | None = None
    if kind is DecisionKind.SELECT:
        if not 1 <= position <= len(candidates):
            return None
        ssid = candidates[position - 1].ssid
    warnings = decision_warnings(workflow_store(), run_id, local_id, kind, ssid, candidates)
    return PendingDecision(kind, position, ssid, warnings, request.args.get(SEEN_FIELD))


@dataclass(frozen=True)
class ReviewToggles:
    """What the reviewer chose to see: undecided students only, guardians, addresses, language."""

    undecided: bool = False
    guardians: bool = False
    addresses: bool = False
    language: bool = False

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> ReviewToggles:
        return cls(*(values.get(name) == "1" for name in ("undecided", "guardians", "addresses", "language")))

    def as_args(self) -> dict[str, Any]:
        """The toggles as URL arguments (only those switched on)."""
        return {name: "1" for name, on in vars(self).items() if on}


class ReviewView(GuardedView):
    """``/admin/review/``: ``?student=LOCAL_ID`` plus the toggles ``undecided``, ``guardians``,
    ``addresses``, ``language`` (``=1``)."""

    def is_visible(self) -> bool:
        return False  # a tab of Identifiers

    @expose("/")
    def index(self) -> str:
        run = current_run()
        toggles = ReviewToggles.from_values(request.args)
        if run is None or run.state not in _REVIEWED:
            return render_tab(self, "console/review.html", run=run, toggles=toggles, local=None)
        wanted = requested(run.id, request.args.get("student", ""))
        if wanted is None:
            first = first_to_review(run.id)
            wanted = requested(run.id, first) if first is not None else None
        if wanted is None:
            return render_tab(self, "console/review.html", run=run, toggles=toggles, local=None)
        local_id = LocalId(wanted.local_id)
        store = workflow_store()
        candidates = store.candidates(run.id, local_id).get(local_id, [])
        # Shown on the candidate before any click: another local student already holds its SSID.
        holders = store.ssid_holders({c.ssid for c in candidates if c.ssid})
        held_by = {ssid: [other for other in ids if other != local_id] for ssid, ids in holders.items()}
        local = SenrRecord(*wanted.senr_line.split("^"))
        editable = RunAction.DECIDE in allowed_actions(run.state) and is_admin()
        row = _DECISION.first(run.id, local_id)
        decision = MatchDecision(local_id, DecisionKind(row.kind), Ssid(row.ssid) if row.ssid else None) if row else None
        at = place(run.id, wanted.line, toggles.undecided, listed_here=not toggles.undecided or row is None)
        files = newest_files(run.id)
        partial = files.get(FileKind.PARTIAL) if RunAction.PARTIAL in allowed_actions(run.state) else None
        ours = compare_candidates(local, candidates)
        return render_tab(
            self,
            "console/review.html",
            run=run,
            toggles=toggles,
            local=local,
            student=student_by_local_id(local_id) if toggles.guardians or toggles.addresses or toggles.language else None,
            candidates=candidates,
            held_by={ssid: ids for ssid, ids in held_by.items() if ids},
            rows=compare_with_candidates(local, candidates),
            ours=ours,
            estimates=[estimate_text(o) for o in ours],
            reasons=[reasons(o) for o in ours],
            weak=[o.percent < WEAK_BELOW for o in ours],
            weak_below=WEAK_BELOW,
            next_undecided=at.next_undecided,
            school=school_label(local.school),
            pending=_pending(run.id, local_id, candidates) if editable else None,
            decision=decision,
            seen=_seen_value(row),
            decision_warnings=[w for w in (row.warnings.splitlines() if row is not None else []) if w],
            position=at.position,
            listed=at.listed,
            previous=at.previous,
            next=at.next,
            editable=editable,
            labels=DECISION_LABELS,
            DecisionKind=DecisionKind,
            partial=partial,
            partial_steps=partial_file_steps(partial.name) if partial is not None else None,
            newest=files,
        )

    @expose("/<int:run_id>/decide", methods=("POST",))
    def decide(self, run_id: int) -> BaseResponse:
        toggles = ReviewToggles.from_values(request.form)
        local_id = LocalId(request.form.get("local_id", ""))
        try:
            kind = DecisionKind(request.form.get("decision", ""))
        except ValueError:
            abort(400, description="Choose No Match, New SSID or Select.")
        ssid = Ssid(request.form.get("ssid", "")) if kind is DecisionKind.SELECT else None
        seen = request.form.get(SEEN_FIELD)
        shown = seen_decision(seen)
        anyway = request.form.get("anyway") == "yes"
        try:
            decided = decide(workflow_store(), run_id, local_id, kind, acting(), ssid, shown, unless_warned=not anyway)
        except NotFound:  # the run (the decision loads it once)
            abort(404, description=f"There is no run {run_id}.")
        except StepRefused as refused:
            flash_refusal(refused.reason)
            return redirect(url_for(".index", student=local_id, **toggles.as_args()))
        if not decided.recorded:
            # Nothing recorded yet: the page shows the warnings and asks whether to decide anyway.
            candidates = workflow_store().candidates(run_id, local_id).get(local_id, [])
            number = next((n for n, c in enumerate(candidates, start=1) if c.ssid == ssid), 0)
            flash(f"Student {local_id}: not recorded yet. Look at the warning below first.", "warning")
            return redirect(
                url_for(".index", **{
                    "student": local_id, "confirm": kind.value, "candidate": number,
                    **({SEEN_FIELD: seen} if seen is not None else {}), **toggles.as_args(),
                })
            )
        # Local ids only: flashed messages travel in the session cookie.
        flash(f"Student {local_id}: {DECISION_LABELS[decided.decision.kind]} recorded.", "success")
        if decided.warnings:
            for warning in decided.warnings:
                flash(f"Warning: {warning}. The decision is recorded; change it here if it is a mistake.", "warning")
            return redirect(url_for(".index", student=local_id, **toggles.as_args()))
        following = next_undecided(run_id, local_id)  # read after the commit: decisions just made count
        if following is None:
            flash("Every requested student has a decision: look them over here, then confirm all.", "info")
            return redirect(url_for("decisions.index"))
        return redirect(url_for(".index", student=following, **toggles.as_args()))

    @expose("/<int:run_id>/partial", methods=("POST",))
    def partial(self, run_id: int) -> BaseResponse:
        run_or_404(run_id)
        toggles = ReviewToggles.from_values(request.form)
        try:
            produced = partial_file(workflow_store(), run_id, output_folder(), acting())
        except StepRefused as refused:
            flash_refusal(refused.reason)
            return redirect(url_for(".index", student=request.form.get("local_id", ""), **toggles.as_args()))
        # The file itself, downloaded at once; the review page says what to do with it while that applies.
        return file_response(GeneratedFileRow.get_by_id(produced.file.id))

