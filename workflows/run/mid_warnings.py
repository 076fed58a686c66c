"""Warnings that keep a decision from creating a MID (product.md, Step 3), in a coordinator's words.

- **New SSID despite a strong candidate**: a candidate CALPADS rates at least
  :data:`STRONG_MATCH_PERCENT`, or our comparison does (it reads nicknames, swapped day and month,
  compound surnames that CALPADS' score may underrate);
- **an SSID another local student holds** (the child may already be in the SIS twice);
- **the same SSID for two students of this run**;
- **a candidate with the twin pattern** selected (same birth date and last name, another first
  name: likely a sibling).

A warning never refuses: the person may decide anyway, and the warning is logged with the
decision. Messages name local ids and candidate numbers only, never names, dates or SSIDs.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.model import DecisionKind, MatchDecision
from domain.records import MatchCandidate, SenrRecord
from domain.values import LocalId, Ssid
from workflows.ports import UnitOfWork

__all__ = ["STRONG_MATCH_PERCENT", "decision_warnings", "mid_warnings"]

STRONG_MATCH_PERCENT = 90.0
"""A candidate at or above this percentage (CALPADS' or ours) makes "New SSID" worth a warning."""


def mid_warnings(
    decision: MatchDecision,
    record: SenrRecord | None,
    candidates: Sequence[MatchCandidate],
    holders: Sequence[LocalId],
    selected_for: Sequence[LocalId],
) -> list[str]:
    """The warnings for ``decision`` given the student's request record and candidates, the local
    students holding the SSID selected (``holders``) and the students of the run for whom it is
    already selected (``selected_for``), the student themself left out of both."""
    # The matching assistant (its name tables): imported when a decision is checked, not by every
    # command that imports the run's steps.
    from domain.matching import compare_candidates

    local_id = decision.local_id
    warnings: list[str] = []
    ours = compare_candidates(record, candidates) if record is not None else [None] * len(candidates)
    if decision.kind is DecisionKind.NEW_SSID:
        for number, (candidate, comparison) in enumerate(zip(candidates, ours), start=1):
            calpads = candidate.percent or 0.0
            our = comparison.percent if comparison is not None and not comparison.is_twin_pattern else 0.0
            if calpads >= STRONG_MATCH_PERCENT or our >= STRONG_MATCH_PERCENT:
                shown = f"CALPADS {candidate.score_text or '—'}" + (f", our comparison {our:g} %" if comparison else "")
                warnings.append(
                    f"student {local_id} has a strong candidate (candidate {number}: {shown}); New SSID may create a MID"
                )
                break
    elif decision.kind is DecisionKind.SELECT:
        if holders:
            warnings.append(f"the SSID selected is already held by local student {holders[0]}")
        if selected_for:
            warnings.append(f"the same SSID is selected for student {selected_for[0]} of this run")
        for number, (candidate, comparison) in enumerate(zip(candidates, ours), start=1):
            if candidate.ssid == decision.ssid and comparison is not None and comparison.is_twin_pattern:
                warnings.append(
                    f"candidate {number} has the twin pattern (same birth date and last name, another first name): "
                    "it may be a sibling of student " + local_id
                )
    return warnings


def decision_warnings(
    uow: UnitOfWork, run_id: int, local_id: LocalId, kind: DecisionKind, ssid: Ssid | None,
    candidates: Sequence[MatchCandidate] | None = None,
) -> list[str]:
    """The warnings deciding ``kind`` (``ssid``) for ``local_id`` in the run would give now (reads only).

    None for a decision the workflow would refuse anyway (a student not requested, an SSID that
    is not one of the student's candidates): the refusal says what is wrong.
    """
    decision = MatchDecision(local_id, kind, ssid)
    if candidates is None:
        candidates = uow.matches.candidates(run_id, local_id).get(local_id, [])
    record = uow.requests.request_record(run_id, local_id)
    if record is None or (ssid is not None and ssid not in {c.ssid for c in candidates}):
        return []
    holders: list[LocalId] = []
    selected_for: list[LocalId] = []
    if ssid is not None:
        holders = [h for h in uow.students.local_ids_with_ssid(ssid) if h != local_id]
        selected_for = [other for other in uow.matches.selected_for(run_id, ssid) if other != local_id]
    return mid_warnings(decision, record, candidates, holders, selected_for)
