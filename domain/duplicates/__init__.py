"""Suspected duplicate students within one population: two records that may be one child.

Only pairs that share a blocking key are compared (the blocking keys), each with
the matching assistant's comparison, weighted by how common each value is in this population
(two "Garcia"s share less than two "Xochicale"s). :func:`find_duplicates` lists the pairs at or
above a percent; :meth:`DuplicateSearch.groups` gathers records that are one person into groups
without letting one vague record chain two different people together
.

The district's local duplicate check builds on it: students sharing an SSID, students who look like
one child (at :data:`LOOKALIKE_PERCENT`), SSIDs a Replacement extract retired, each a
:class:`LocalIssue` with a stable key (:func:`find_issues`). Storing the check is the workflow's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain._entrance import names_on_demand

# The family's names are imported from their modules when first asked for (PEP 562): a command that
# only reads or stores issues (their keys, kinds and decisions) does not pay at start for the
# duplicate search and the matching assistant it builds on.
if TYPE_CHECKING:
    from domain.duplicates._blocking import KEY_KINDS, MAX_BLOCK, RARE_PAIRS, RARE_SHARE
    from domain.duplicates._findings import (
        LOOKALIKE_PERCENT,
        Findings,
        checked_student,
        find_issues,
        person_facts,
        student_facts,
        with_acknowledged,
    )
    from domain.duplicates._local import (
        CheckedStudent,
        DuplicateCheckSummary,
        IssueKey,
        IssueKind,
        LocalIssue,
        NotDuplicateMark,
        issue_groups,
        issue_key,
        lookalike_ids,
    )
    from domain.duplicates._decisions import (
        IssueDecision,
        Resolution,
        left_out_record,
        possible_duplicate_text,
        possible_duplicates,
    )
    from domain.duplicates._apart import APART_PEOPLE
    from domain.duplicates._search import (
        LIKELY_DUPLICATE_PERCENT,
        UNRELATED_PAIRS,
        NAMESAKE_PAIRS,
        SCORING_STEPS,
        SEARCH_STEPS,
        DuplicateSearch,
        Progress,
        SuspectedDuplicate,
        find_duplicates,
        search_duplicates,
    )

_HOMES: dict[str, tuple[str, ...]] = {
    "domain.duplicates._apart": ("APART_PEOPLE",),
    "domain.duplicates._blocking": ("KEY_KINDS", "MAX_BLOCK", "RARE_PAIRS", "RARE_SHARE"),
    "domain.duplicates._findings": (
        "LOOKALIKE_PERCENT", "Findings", "checked_student", "find_issues", "person_facts", "student_facts",
        "with_acknowledged",
    ),
    "domain.duplicates._local": (
        "CheckedStudent", "DuplicateCheckSummary", "IssueKey", "IssueKind", "LocalIssue", "NotDuplicateMark",
        "issue_groups", "issue_key", "lookalike_ids",
    ),
    "domain.duplicates._decisions": (
        "IssueDecision", "Resolution", "left_out_record", "possible_duplicate_text", "possible_duplicates",
    ),
    "domain.duplicates._search": (
        "LIKELY_DUPLICATE_PERCENT", "UNRELATED_PAIRS", "NAMESAKE_PAIRS", "SCORING_STEPS", "SEARCH_STEPS", "DuplicateSearch", "Progress",
        "SuspectedDuplicate", "find_duplicates", "search_duplicates",
    ),
}
__getattr__ = names_on_demand(__name__, _HOMES)

__all__ = [
    "SuspectedDuplicate",
    "DuplicateSearch",
    "Progress",
    "LIKELY_DUPLICATE_PERCENT",
    "UNRELATED_PAIRS",
    "NAMESAKE_PAIRS",
    "SCORING_STEPS",
    "SEARCH_STEPS",
    "APART_PEOPLE",
    "find_duplicates",
    "search_duplicates",
    "KEY_KINDS",
    "MAX_BLOCK",
    "RARE_PAIRS",
    "RARE_SHARE",
    "IssueKind",
    "IssueKey",
    "LocalIssue",
    "CheckedStudent",
    "DuplicateCheckSummary",
    "NotDuplicateMark",
    "issue_key",
    "lookalike_ids",
    "student_facts",
    "issue_groups",
    "LOOKALIKE_PERCENT",
    "Findings",
    "person_facts",
    "checked_student",
    "find_issues",
    "with_acknowledged",
    "Resolution",
    "IssueDecision",
    "left_out_record",
    "possible_duplicates",
    "possible_duplicate_text",
]
