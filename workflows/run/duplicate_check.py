"""The local duplicate check, run once and stored: what the Run tab, the Duplicates page,
``ssid run issues`` and the ``resolve_mids`` guard read, instead of comparing every student again
on every look (about 40 s for 600,000 students).

A stored check is **current** when nothing it read has changed since it started:

- no change to a student's compared fields (local id, SSID, active, legal and alias names, birth
  date, gender, birth place) nor to any guardian — the store's ``student_data_version``, a
  counter database triggers move on every such write, by any path (a change back to the same
  value counts too);
- the same SSIDs retired by loaded Replacement extracts;
- the same look-alike threshold (:data:`~domain.duplicates.LOOKALIKE_PERCENT`).

Acknowledgements and "not a duplicate" marks are not part of it: they are applied each time the
stored issues are read, so acknowledging an issue, or marking a pair, does not make the check out
of date. A marked pair is left out of every list (this check's and later ones').
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from domain.duplicates import DuplicateCheckSummary, IssueKey, IssueKind, LocalIssue
from domain.errors import InvalidValue
from domain.values import LocalId
from workflows.errors import StepRefused
from workflows.ports import UnitOfWork
from workflows.run.stepping import Actor

__all__ = [
    "CheckView",
    "CheckProgress",
    "fingerprint",
    "run_check",
    "latest_check",
    "current_check",
    "shown_issues",
    "mark_not_duplicate",
    "unmark_not_duplicate",
]

CheckProgress = Callable[[int, int], None]
"""Told (steps done, steps in all) as a check advances."""


@dataclass(frozen=True, slots=True)
class CheckView:
    """A stored check as a person sees it now: its summary, whether it is current, its issues
    (acknowledged ones flagged, pairs marked "not a duplicate" left out), and who acknowledged what."""

    summary: DuplicateCheckSummary
    current: bool
    issues: list[LocalIssue]
    hidden: int
    acknowledgements: dict[IssueKey, tuple[str, dt.datetime]]

    @property
    def open_issues(self) -> int:
        """How many listed issues nobody has acknowledged: what keeps ``resolve_mids`` back."""
        return sum(1 for issue in self.issues if not issue.acknowledged)


def fingerprint(uow: UnitOfWork) -> str:
    """What a check read, in short: the students' data version, the retired SSIDs, the threshold."""
    # The duplicate search (and the matching assistant under it) is imported where the check needs
    # it, not by every command that imports this module.
    from domain.duplicates import LOOKALIKE_PERCENT

    retired = hashlib.sha256("\n".join(sorted(uow.duplicates.retired_ssids())).encode()).hexdigest()[:32]
    return f"{uow.duplicates.student_data_version()}:{retired}:{LOOKALIKE_PERCENT:g}"


def _view(uow: UnitOfWork, summary: DuplicateCheckSummary, current: bool) -> CheckView:
    acknowledgements = uow.marks.issue_acknowledgements()
    marked = {mark.key for mark in uow.marks.not_duplicate_marks()}
    issues: list[LocalIssue] = []
    hidden = 0
    for issue in uow.duplicates.duplicate_check_issues(summary.id):
        if issue.kind is IssueKind.LOOKALIKE and issue.key in marked:
            hidden += 1
            continue
        issues.append(replace(issue, acknowledged=issue.key in acknowledgements))
    return CheckView(summary, current, issues, hidden, dict(acknowledgements))


def run_check(uow: UnitOfWork, actor: Actor, progress: CheckProgress | None = None) -> CheckView:
    """Run the local duplicate check over every student now and store what it found."""
    from domain.duplicates import LOOKALIKE_PERCENT, find_issues

    started = time.perf_counter()
    read_as = fingerprint(uow)  # before reading: a change made meanwhile makes the check out of date
    retired = uow.duplicates.retired_ssids()
    findings = find_issues(uow.duplicates.check_students(), retired, progress=progress)
    with uow.atomic():
        summary = uow.duplicates.save_duplicate_check(
            checked_at=actor.now(), checked_by=actor.name, students=findings.students, compared=findings.compared,
            lookalike_percent=LOOKALIKE_PERCENT, fingerprint=read_as, seconds=round(time.perf_counter() - started, 2),
            issues=findings.issues,
        )
    return _view(uow, summary, True)


def latest_check(uow: UnitOfWork, *, verify: bool = True) -> CheckView | None:
    """The newest stored check (``None`` when the check never ran), and whether it is current
    (``verify=False`` leaves that unasked and says "current")."""
    summary = uow.duplicates.latest_duplicate_check()
    if summary is None:
        return None
    return _view(uow, summary, not verify or summary.fingerprint == fingerprint(uow))


def current_check(
    uow: UnitOfWork, actor: Actor, *, recheck: bool = True, progress: CheckProgress | None = None
) -> CheckView:
    """The stored check when it is current; else a new one (``recheck``), or a refusal saying why."""
    stored = latest_check(uow)
    if stored is not None and stored.current:
        return stored
    if recheck:
        return run_check(uow, actor, progress)
    if stored is None:
        raise StepRefused("the local duplicate check has not run yet: run it first (Duplicates page)")
    at = stored.summary.checked_at.strftime("%Y-%m-%d %H:%M UTC")
    raise StepRefused(
        f"the local duplicate check of {at} is out of date (student records changed since): run it again"
    )


def shown_issues(uow: UnitOfWork, actor: Actor) -> list[LocalIssue]:
    """The issues of the newest stored check, current or not (a check is run when none is stored):
    what a person was shown, and so what they can acknowledge or mark."""
    stored = latest_check(uow, verify=False)
    return (stored if stored is not None else run_check(uow, actor)).issues


def parse_issue_key(text: str) -> IssueKey:
    """A local issue's key as a person typed or a page posted it; refused, saying what a key looks like."""
    try:
        return IssueKey.parse(text)
    except InvalidValue as error:
        raise StepRefused.of(error) from None


def _pairs(keys: Collection[str]) -> list[IssueKey]:
    pairs = []
    for text in keys:
        key = parse_issue_key(text)
        if key.pair is None:
            raise StepRefused(f"{key} is not a pair of look-alike records: only those can be marked not a duplicate")
        pairs.append(key)
    return pairs


def mark_not_duplicate(uow: UnitOfWork, keys: Collection[str], actor: Actor) -> int:
    """Mark look-alike pairs (by issue key) as two different children; how many were marked.

    Only pairs the newest check lists can be marked (an unknown key changes nothing).
    """
    pairs = _pairs(keys)
    listed = {issue.key for issue in shown_issues(uow, actor)}
    unknown = sorted(str(key) for key in set(pairs) - listed)
    if unknown:
        raise StepRefused(f"no listed look-alike pair {unknown[0]}")
    with uow.atomic():
        for key in pairs:
            first, second = key.local_ids
            uow.marks.mark_not_duplicate(first, second, actor.name, actor.now())
    return len(pairs)


def unmark_not_duplicate(uow: UnitOfWork, key: str, actor: Actor) -> None:
    """Forget a "not a duplicate" mark: the pair is listed again wherever a check found it."""
    [pair] = _pairs([key])
    first, second = pair.local_ids
    with uow.atomic():
        if not uow.marks.unmark_not_duplicate(first, second):
            raise StepRefused(f"{key} is not marked not a duplicate")
