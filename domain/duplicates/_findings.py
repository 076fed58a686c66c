"""Finding the local issues in the district's records (the computation; storing it is
:mod:`workflows.run.duplicate_check`): students sharing an SSID, students who look like one child
(``domain.duplicates._search`` at :data:`LOOKALIKE_PERCENT`), SSIDs a Replacement extract retired.

Why 99.9 %: on the demo district (seed 1; its name pools are small, so namesakes are far more
common than in a real district) the check at 95 % listed 1,197 pairs among 197,226 active
students of which 21 are real (two records of one child), and 10,115 among 591,496 (60 real);
at 99.9 % it lists 101 and 546, still with every real one (21 and 60). 99.9 % is the strongest
evidence a comparison shows short of exact agreement on every field (odds of at least 999 to 1);
the real pairs sit 2 or more bits above it. At 100 % a real pair entered with a nickname or
without the middle name is missed (5 of 21, 15 of 60). Measured by ``bench/bench_matching.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from domain.duplicates._search import LIKELY_DUPLICATE_PERCENT, Progress, search_duplicates
from domain.duplicates._local import CheckedStudent, IssueKey, IssueKind, LocalIssue, issue_key
from domain.memory import collection_paused
from domain.matching import FieldResult, PersonFacts
from domain.model import Student
from domain.values import LocalId, Ssid

__all__ = [
    "LOOKALIKE_PERCENT", "Findings", "student_facts", "person_facts", "checked_student", "find_issues", "with_acknowledged",
]

LOOKALIKE_PERCENT = LIKELY_DUPLICATE_PERCENT
"""Two students at least this likely (50 %: more likely one child than two) to be one child are reported.

The same threshold as the duplicate search's default: the percent is a probability estimated for
the district's own students (:mod:`domain.matching._model`), so "more likely than not" is chosen
by what it means, not tuned on any data."""


@dataclass(frozen=True, slots=True)
class Findings:
    """What one run of the check found: the issues (stable order), students read, pairs compared."""

    issues: list[LocalIssue]
    students: int
    compared: int


def student_facts(
    legal: tuple[str, str, str],
    alias: tuple[str, str, str] | None,
    birth_date: dt.date | None,
    gender: str,
    birth_city: str,
    birth_state: str,
    birth_country: str,
    guardians: Iterable[tuple[str, str]],
) -> PersonFacts:
    """What the matching assistant compares of a local student: names as (first, middle, last),
    guardians as (first, last); blank text becomes ``None``."""
    first, middle, last = legal
    alias_first, alias_middle, alias_last = alias or ("", "", "")
    return PersonFacts(
        legal_first=first or None,
        legal_middle=middle or None,
        legal_last=last or None,
        birth_date=birth_date,
        gender=gender or None,
        birth_city=birth_city or None,
        birth_state=birth_state or None,
        birth_country=birth_country or None,
        alias_first=alias_first or None,
        alias_middle=alias_middle or None,
        alias_last=alias_last or None,
        guardian_names=tuple(sys.intern(f"{g_first} {g_last}".strip()) for g_first, g_last in guardians),
    )


def person_facts(student: Student) -> PersonFacts:
    """What the matching assistant compares of a local student."""
    legal, alias = student.legal, student.alias
    return student_facts(
        (legal.first, legal.middle, legal.last), (alias.first, alias.middle, alias.last) if alias else None,
        student.birth_date, student.gender, student.birth_city, student.birth_state, student.birth_country,
        ((g.first, g.last) for g in student.guardians),
    )


def checked_student(student: Student) -> CheckedStudent:
    """A local student as the check reads them."""
    return CheckedStudent(student.local_id, student.ssid, student.active, person_facts(student))


def _issue(
    kind: IssueKind, ids: Iterable[LocalId], message: str, percent: float | None = None,
    evidence: tuple[FieldResult, ...] = (),
) -> LocalIssue:
    ordered = tuple(sorted(ids))
    text = message.format(ids=" and ".join(ordered))
    return LocalIssue(issue_key(kind, ordered), kind, ordered, text, False, percent, evidence)


def _read(
    students: Iterable[CheckedStudent], retired: Collection[Ssid]
) -> tuple[list[LocalIssue], int, list[str], list[PersonFacts]]:
    """The issues of shared and retired SSIDs, how many students were read, and the active ones' ids and facts."""
    by_ssid: defaultdict[Ssid, list[LocalId]] = defaultdict(list)
    # Two lists, not a pair per student: they are held through the search (600,000 students).
    active_ids: list[str] = []
    facts: list[PersonFacts] = []
    issues: list[LocalIssue] = []
    count = 0
    for student in students:
        count += 1
        if student.ssid is not None:
            by_ssid[student.ssid].append(student.local_id)
            if student.ssid in retired:
                issues.append(
                    _issue(IssueKind.RETIRED_SSID, [student.local_id], "student {ids} holds an SSID CALPADS has retired")
                )
        if student.active:
            active_ids.append(student.local_id)
            facts.append(student.facts)
    for ids in by_ssid.values():
        if len(ids) > 1:
            issues.append(_issue(IssueKind.SHARED_SSID, ids, "students {ids} share one SSID"))
    return issues, count, active_ids, facts  # by_ssid (every SSID, a list each) is not held through the search


def find_issues(
    students: Iterable[CheckedStudent],
    retired: Collection[Ssid],
    *,
    lookalike_percent: float = LOOKALIKE_PERCENT,
    progress: Progress | None = None,
) -> Findings:
    """Every local issue among ``students``, in a stable order (by kind, then local ids).

    Every student counts for shared and retired SSIDs; only active ones are compared for
    look-alikes. ``progress``: see :func:`search_duplicates`.
    """
    # The collector is paused while the students are read and compared, until what the search
    # made is gone: millions of objects that live until then and die by reference counting, which
    # the collector would walk again and again (600,000 students: 10.4 s in 7,085 collections, 2.4 s
    # in 4 once paused).
    with collection_paused():
        issues, count, active_ids, facts = _read(students, retired)
        search = search_duplicates(zip(active_ids, facts), progress=progress)
        suspected, compared = search.suspected(lookalike_percent), search.compared
        del search, active_ids, facts
    for pair in suspected:
        ids = [LocalId(pair.left), LocalId(pair.right)]
        # The evidence reads "first local id" against "second": swap the sides when left is the greater id.
        evidence = tuple(pair.evidence.fields.values())
        if pair.left > pair.right:
            evidence = tuple(replace(r, local=r.candidate, candidate=r.local) for r in evidence)
        message = f"students {{ids}} look like one child ({pair.percent:g} %)"
        issues.append(_issue(IssueKind.LOOKALIKE, ids, message, pair.percent, evidence))
    issues.sort(key=lambda issue: (issue.kind.value, issue.local_ids))
    return Findings(issues, count, compared)


def with_acknowledged(issues: Iterable[LocalIssue], acknowledged: Collection[IssueKey]) -> list[LocalIssue]:
    """``issues`` with those whose key is in ``acknowledged`` flagged as acknowledged."""
    return [replace(issue, acknowledged=issue.key in acknowledged) for issue in issues]
