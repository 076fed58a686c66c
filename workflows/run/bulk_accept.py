"""Bulk acceptance in SSID Match review: "accept every Single Match at 100 % whose comparison agrees
on every field", listed first, then recorded on confirmation, each decision logged as bulk.

A requested student is accepted only when all of this holds, else they are left out with the
first reason that applies (:class:`LeftOut`), for a person to decide one by one:

- no decision yet (unless asked to include decided students; one already decided the same way
  is left alone);
- CALPADS gave exactly one candidate, as a Single Match, at 100 %;
- our comparison of the request record with it agrees exactly on every field filled on both sides
  (first, last name and birth date filled), which also rules out the twin pattern;
- no other local student shares the requested student's birth date and last name with another
  first name (twins are never accepted in bulk, even when CALPADS is sure);
- no other local student holds the SSID, and no other student of the run has it selected or
  is accepted for it in the same list (none of the MID warnings would be given).

The list a person confirms is identified by a digest of its students and SSIDs; recording refuses
if the list changed since it was shown (someone decided meanwhile, a student changed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

from domain.matching import Agreement, PersonFacts, candidate_facts, compare
from domain.matching import fold, significant_words
from domain.model import DecisionKind, MatchDecision
from domain.records import MatchCandidate, MatchCategory
from domain.runs import Run, RunAction
from domain.values import LocalId, Ssid
from workflows.errors import StepRefused
from domain.matching import request_facts
from workflows.ports import Students, UnitOfWork
from workflows.run.machine import order_reason
from workflows.run.stepping import Actor, attempt, load_run

__all__ = ["LeftOut", "BulkStudent", "BulkPlan", "BulkAccepted", "plan_bulk_accept", "bulk_accept"]


class LeftOut(Enum):
    """Why a requested student is not in the bulk list (the value is a stable code)."""

    ALREADY_DECIDED = "already_decided"
    SAME_DECISION = "same_decision"
    NOT_SINGLE = "not_single"
    BELOW_100 = "below_100"
    TWIN_PATTERN = "twin_pattern"
    DIFFERENCE = "difference"
    LOCAL_TWIN = "local_twin"
    HELD_LOCALLY = "held_locally"
    SSID_TWICE = "ssid_twice"

    @property
    def label(self) -> str:
        """The reason in a coordinator's words."""
        return _LABELS[self]


_LABELS = {
    LeftOut.ALREADY_DECIDED: "already decided",
    LeftOut.SAME_DECISION: "already decided so",
    LeftOut.NOT_SINGLE: "not a Single Match (no candidate, or several)",
    LeftOut.BELOW_100: "CALPADS below 100 %",
    LeftOut.TWIN_PATTERN: "the candidate has the twin pattern",
    LeftOut.DIFFERENCE: "our comparison finds a difference",
    LeftOut.LOCAL_TWIN: "a twin in the district (same birth date and last name)",
    LeftOut.HELD_LOCALLY: "another local student holds the SSID",
    LeftOut.SSID_TWICE: "the SSID goes to another student of the run too",
}


@dataclass(frozen=True, slots=True)
class BulkStudent:
    """A requested student and their one candidate: CALPADS' score as given, our percent, the
    decision recorded so far (``None``: none), and why they are left out (``None``: accepted)."""

    local_id: LocalId
    ssid: Ssid | None
    score_text: str
    our_percent: float | None
    current: MatchDecision | None
    left_out: LeftOut | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class BulkPlan:
    """Who bulk acceptance would accept (in request-file order), and everyone else with why."""

    run: Run
    included: tuple[BulkStudent, ...]
    left_out: tuple[BulkStudent, ...]
    include_decided: bool

    @property
    def digest(self) -> str:
        """Identifies this list (its students and SSIDs): what a confirmation must name."""
        text = "\n".join(f"{s.local_id}:{s.ssid}" for s in self.included)
        return hashlib.sha256(f"{self.include_decided}\n{text}".encode()).hexdigest()[:16]

    def counts(self) -> dict[LeftOut, int]:
        """How many students are left out for each reason, in the order of :class:`LeftOut`."""
        found = Counter(s.left_out for s in self.left_out)
        return {reason: found[reason] for reason in LeftOut if found[reason]}


@dataclass(frozen=True, slots=True)
class BulkAccepted:
    """The decisions bulk acceptance recorded."""

    run: Run
    accepted: tuple[BulkStudent, ...]


def _surname_words(last: str | None) -> frozenset[str]:
    return frozenset(significant_words(fold(last)))


def _local_twins(students: Students, wanted: Mapping[LocalId, PersonFacts]) -> set[LocalId]:
    """Which of ``wanted`` have a twin among the district's students (the twin pattern between them)."""
    born: dict[dt.date, list[LocalId]] = defaultdict(list)
    for local_id, facts in wanted.items():
        if facts.birth_date is not None:
            born[facts.birth_date].append(local_id)
    twins: set[LocalId] = set()
    for other_id, other in students.people_born_on(list(born)):
        for local_id in born.get(other.birth_date, []) if other.birth_date else []:
            mine = wanted[local_id]
            if other_id == local_id or not _surname_words(mine.legal_last) & _surname_words(other.legal_last):
                continue  # the comparison only for the few who share a surname word
            if compare(mine, other).is_twin_pattern:
                twins.add(local_id)
    return twins


def _first_check(
    current: MatchDecision | None, candidates: list[MatchCandidate], include_decided: bool
) -> tuple[LeftOut | None, MatchCandidate | None]:
    """The reasons that need nothing but the student's own candidates and decision."""
    if current is not None and not include_decided:
        return LeftOut.ALREADY_DECIDED, None
    if len(candidates) != 1 or candidates[0].category is not MatchCategory.SINGLE:
        return LeftOut.NOT_SINGLE, None
    candidate = candidates[0]
    if current is not None and current.kind is DecisionKind.SELECT and current.ssid == candidate.ssid:
        return LeftOut.SAME_DECISION, candidate
    if candidate.percent is None or candidate.percent < 100.0:
        return LeftOut.BELOW_100, candidate
    return None, candidate


def plan_bulk_accept(uow: UnitOfWork, run_id: int, *, include_decided: bool = False) -> BulkPlan:
    """Who "accept every Single Match at 100 % that agrees on every field" would accept now (reads only)."""
    run = load_run(uow.runs, run_id)
    refusal = order_reason(RunAction.BULK_ACCEPT, run.state)
    if refusal is not None:
        raise StepRefused(refusal, RunAction.BULK_ACCEPT.value)
    decisions = uow.matches.decisions(run_id)
    candidates = uow.matches.candidates(run_id)
    students: list[BulkStudent] = []
    provisional: dict[LocalId, PersonFacts] = {}
    for record in uow.requests.request_records(run_id):
        local_id = LocalId(record.local_student_id)
        current = decisions.get(local_id)
        reason, candidate = _first_check(current, candidates.get(local_id, []), include_decided)
        detail, ours = "", None
        if reason is None and candidate is not None:
            facts = request_facts(record)
            comparison = compare(facts, candidate_facts(candidate))
            ours = comparison.percent
            if comparison.is_twin_pattern:
                reason = LeftOut.TWIN_PATTERN
            elif not comparison.agrees_on_every_field:
                reason = LeftOut.DIFFERENCE
                detail = "; ".join(
                    f"{r.field.label}: {r.label}" for r in comparison.fields.values()
                    if r.agreement not in (Agreement.EXACT, Agreement.MISSING)
                ) or "first name, last name or birth date blank"
            else:
                provisional[local_id] = facts
        ssid = candidate.ssid if candidate is not None else None
        score = candidate.score_text if candidate is not None else ""
        students.append(BulkStudent(local_id, ssid, score, ours, current, reason, detail))
    late = _late_reasons(uow.students, decisions, [s for s in students if s.local_id in provisional], provisional)
    planned = [replace(s, left_out=late[s.local_id]) if s.local_id in late else s for s in students]
    return BulkPlan(
        run,
        tuple(s for s in planned if s.left_out is None),
        tuple(s for s in planned if s.left_out is not None),
        include_decided,
    )


def _late_reasons(
    students_of_district: Students, decisions: Mapping[LocalId, MatchDecision], students: list[BulkStudent],
    facts: Mapping[LocalId, PersonFacts],
) -> dict[LocalId, LeftOut]:
    """The reasons that need the rest of the district: twins, SSIDs held or given twice."""
    ssids = [s.ssid for s in students if s.ssid is not None]
    holders = students_of_district.ssid_holders(ssids)
    wanted = Counter(ssids)
    for decision in decisions.values():
        if decision.ssid is not None and decision.local_id not in facts:
            wanted[decision.ssid] += 1
    twins = _local_twins(students_of_district, facts)
    late: dict[LocalId, LeftOut] = {}
    for student in students:
        assert student.ssid is not None
        if student.local_id in twins:
            late[student.local_id] = LeftOut.LOCAL_TWIN
        elif [h for h in holders.get(student.ssid, []) if h != student.local_id]:
            late[student.local_id] = LeftOut.HELD_LOCALLY
        elif wanted[student.ssid] > 1:
            late[student.local_id] = LeftOut.SSID_TWICE
    return late


def bulk_accept(
    uow: UnitOfWork, run_id: int, actor: Actor, *, include_decided: bool = False, expected: str | None = None
) -> BulkAccepted:
    """Record Select for every student :func:`plan_bulk_accept` lists, each logged as bulk.

    ``expected`` is the digest of the list the person saw (:attr:`BulkPlan.digest`): when given,
    a list that changed since is refused and nothing is recorded. An empty list is refused.
    The run's history gets one ``bulk_accept`` entry with the number accepted.
    """
    with attempt(uow, run_id, RunAction.BULK_ACCEPT, actor) as step, step.commit():
        plan = plan_bulk_accept(uow, step.run.id, include_decided=include_decided)
        if expected is not None and plan.digest != expected:
            step.refuse("the list of students to accept changed since it was shown; look at it again")
        if not plan.included:
            step.refuse("no student qualifies for bulk acceptance")
        decisions = [MatchDecision(s.local_id, DecisionKind.SELECT, s.ssid) for s in plan.included]
        uow.matches.save_bulk_decisions(step.run.id, decisions, actor.name, actor.now())
        step.record(counts={"accepted": len(plan.included)})
    return BulkAccepted(step.run, plan.included)
