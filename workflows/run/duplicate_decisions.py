"""Local issues resolved by a decision, and what the decision does to SSID requests.

- ``same child`` on a look-alike pair: the record without an SSID (else the newer one) is left out
  of every SSID request ("possible duplicate of LOCAL_ID: merge the two records in your SIS") until
  one of the two is deactivated or merged away. Acknowledging a look-alike pair records this
  decision too: a pair a person let pass is never requested twice.
- ``different children``: the "not a duplicate" mark (:func:`workflows.run.duplicate_check.mark_not_duplicate`);
  it also ends a same-child decision on the pair.
- an SSID held twice: which record keeps it.

Each decision also acknowledges the issue, so that ``resolve_mids`` counts it as resolved.
"""

from __future__ import annotations

from domain.duplicates import (
    CheckedStudent,
    IssueDecision,
    IssueKey,
    IssueKind,
    Resolution,
    left_out_record,
    possible_duplicates,
)
from domain.values import LocalId
from workflows.errors import StepRefused
from workflows.ports import UnitOfWork
from workflows.run.duplicate_check import parse_issue_key, shown_issues
from workflows.run.stepping import Actor

__all__ = ["decide_same_child", "decide_keeps_ssid", "record_same_child", "held_back"]


def _listed(uow: UnitOfWork, text: str, kind: IssueKind, actor: Actor) -> IssueKey:
    key = parse_issue_key(text)
    if key.kind is not kind or len(key.local_ids) != 2:
        raise StepRefused(f"{key} is not {kind.label}: {'same child' if kind is IssueKind.LOOKALIKE else 'keeps'} decides only those")
    if key not in {issue.key for issue in shown_issues(uow, actor)}:
        raise StepRefused(f"no listed local issue {key}")
    return key


def _students(uow: UnitOfWork, local_ids: set[LocalId]) -> dict[LocalId, CheckedStudent]:
    return {s.local_id: s for s in uow.duplicates.check_students(local_ids)}


def record_same_child(uow: UnitOfWork, key: IssueKey, actor: Actor) -> IssueDecision:
    """Record that the look-alike pair ``key`` is one child (inside the caller's transaction)."""
    first, second = key.local_ids
    found = _students(uow, {first, second})
    if first not in found or second not in found:
        raise StepRefused(f"{key}: one of the two records is no longer there")
    decision = IssueDecision(
        key=key, resolution=Resolution.SAME_CHILD, chosen=left_out_record(found[first], found[second]),
        decided_by=actor.name, decided_at=actor.now(),
    )
    uow.marks.decide_issue(decision)
    uow.marks.acknowledge_issue(key, actor.name, actor.now())
    return decision


def decide_same_child(uow: UnitOfWork, key_text: str, actor: Actor) -> IssueDecision:
    """The look-alike pair is one child: the record without an SSID, or the newer, is left out of
    SSID requests until the SIS merges the two."""
    key = _listed(uow, key_text, IssueKind.LOOKALIKE, actor)
    with uow.atomic():
        return record_same_child(uow, key, actor)


def decide_keeps_ssid(uow: UnitOfWork, key_text: str, keeper: str, actor: Actor) -> IssueDecision:
    """Of two records sharing an SSID, ``keeper`` keeps it (the other is to be fixed in the SIS)."""
    key = _listed(uow, key_text, IssueKind.SHARED_SSID, actor)
    if keeper not in key.local_ids:
        raise StepRefused(f"{keeper} is not one of the records of {key}")
    decision = IssueDecision(
        key=key, resolution=Resolution.KEEPS_SSID, chosen=LocalId(keeper), decided_by=actor.name, decided_at=actor.now()
    )
    with uow.atomic():
        uow.marks.decide_issue(decision)
        uow.marks.acknowledge_issue(key, actor.name, actor.now())
    return decision


def held_back(uow: UnitOfWork) -> dict[LocalId, LocalId]:
    """Each record left out of SSID requests as a possible duplicate → the record it duplicates
    (same-child decisions whose pair is not marked "not a duplicate" and whose records are both
    still there and active)."""
    marked = {mark.key for mark in uow.marks.not_duplicate_marks()}
    decisions = [
        d for d in uow.marks.issue_decisions() if d.resolution is Resolution.SAME_CHILD and d.key not in marked
    ]
    if not decisions:
        return {}
    return possible_duplicates(decisions, _students(uow, {i for d in decisions for i in d.key.local_ids}))
