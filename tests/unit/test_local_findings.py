"""The local duplicate check's findings, computed without a database: shared and retired SSIDs,
look-alike pairs at 99.9 % with their evidence read "first local id against second", twins and
inactive students left alone, groups of pairs that share a student, and stable keys."""

from __future__ import annotations

import datetime as dt
from typing import Any
from dataclasses import replace

import pytest

from domain.duplicates import (
    LIKELY_DUPLICATE_PERCENT,
    CheckedStudent,
    IssueKey,
    IssueKind,
    LocalIssue,
    checked_student,
    issue_groups,
    issue_key,
    lookalike_ids,
    person_facts,
    student_facts,
)
from domain.errors import InvalidValue
from domain.matching import Agreement, Evidence, MatchField, PersonFacts
from domain.model import Guardian, PersonName, Student
from domain.values import LocalId, Ssid
from domain.duplicates import LOOKALIKE_PERCENT, find_issues, with_acknowledged

BORN = dt.date(2013, 4, 9)


def child(local_id: str, ssid: str | None = None, *, active: bool = True, **fields: object) -> CheckedStudent:
    values: dict[str, object] = {
        "legal_first": "Guadalupe", "legal_middle": "Itzel", "legal_last": "Ramírez Ortega", "birth_date": BORN,
        "gender": "F", "birth_city": "Santa Ana", "birth_state": "US-CA", "birth_country": "US",
        "guardian_names": ("Rosa Ortega", "Luis Ramírez"),
    }
    values.update(fields)
    return CheckedStudent(LocalId(local_id), Ssid(ssid) if ssid else None, active, PersonFacts(**values))  # type: ignore[arg-type]


def others() -> list[CheckedStudent]:
    """Children who look like nobody else."""
    return [
        child("200001", legal_first="Kevin", legal_middle=None, legal_last="Nguyen", birth_date=dt.date(2012, 1, 2),
              gender="M", guardian_names=("Lan Nguyen",)),
        child("200002", legal_first="Arman", legal_middle=None, legal_last="Petrosyan", birth_date=dt.date(2015, 6, 30),
              gender="M", birth_city="Glendale", guardian_names=("Ani Petrosyan",)),
    ]


def test_the_threshold_is_more_likely_one_child_than_two_the_same_as_the_searchs_default() -> None:
    assert LOOKALIKE_PERCENT == LIKELY_DUPLICATE_PERCENT == 50.0


def test_two_records_of_one_child_are_one_lookalike_issue_with_the_evidence_read_in_key_order() -> None:
    # The second record was typed with the nickname and day and month swapped; listed first in the input.
    nickname = child("100005", legal_first="Lupe", birth_date=dt.date(2013, 9, 4))
    found = find_issues([nickname, child("100004", "2000000001"), *others()], set())
    [issue] = found.issues
    assert (str(issue.key), issue.kind, issue.local_ids) == ("lookalike:100004,100005", IssueKind.LOOKALIKE, ("100004", "100005"))
    assert issue.percent is not None and issue.percent >= 99.9
    assert issue.message == f"students 100004 and 100005 look like one child ({issue.percent:g} %)"
    by_field = {r.field: r for r in issue.evidence}
    assert (by_field[MatchField.LEGAL_FIRST].local, by_field[MatchField.LEGAL_FIRST].candidate) == ("Guadalupe", "Lupe")
    assert by_field[MatchField.LEGAL_FIRST].agreement is Agreement.NICKNAME
    assert by_field[MatchField.BIRTH_DATE].agreement is Agreement.DAY_MONTH_SWAPPED
    assert by_field[MatchField.BIRTH_DATE].local == "2013-04-09"
    assert all(r.evidence is not Evidence.AGAINST for r in issue.evidence)
    assert found.students == 4 and found.compared >= 1


def test_twins_namesakes_below_the_threshold_and_inactive_students_are_not_lookalikes() -> None:
    twin = child("100002", legal_first="Citlali", legal_middle=None)
    namesake = child("100003", birth_city="Fresno", guardian_names=("Ana Ortega", "Juan Ramírez"), birth_date=dt.date(2013, 4, 10))
    gone = child("100009", active=False)
    assert find_issues([child("100001"), twin, *others()], set()).issues == []
    assert find_issues([child("100001"), namesake, *others()], set()).issues == []
    assert find_issues([child("100001"), gone, *others()], set()).issues == []
    assert [i.key for i in find_issues([child("100001"), gone], set(), lookalike_percent=50.0).issues] == []


def test_shared_and_retired_ssids_count_every_student_active_or_not() -> None:
    students = [
        child("300003", "2000000009", active=False, **_unlike(1)),
        child("300001", "2000000009", **_unlike(2)),
        child("300002", "3000000001", **_unlike(3)),
        child("300004", "2000000009", **_unlike(4)),
    ]
    found = find_issues(students, {Ssid("3000000001")})
    assert [(str(i.key), i.message) for i in found.issues] == [
        ("retired_ssid:300002", "student 300002 holds an SSID CALPADS has retired"),
        ("shared_ssid:300001,300003,300004", "students 300001 and 300003 and 300004 share one SSID"),
    ]
    assert [i.evidence for i in found.issues] == [(), ()]


def _unlike(n: int) -> dict[str, Any]:
    names = ("Kevin Nguyen", "Arman Petrosyan", "Sofia Kim", "Liam Smith")
    first, last = names[n - 1].split()
    return {"legal_first": first, "legal_middle": None, "legal_last": last, "birth_date": dt.date(2010 + n, n, n)}


def test_keys_are_stable_and_name_the_pair() -> None:
    key = issue_key(IssueKind.LOOKALIKE, ["100005", "100004"])
    assert key == IssueKey(IssueKind.LOOKALIKE, (LocalId("100004"), LocalId("100005")))
    assert str(key) == "lookalike:100004,100005" and IssueKey.parse(" lookalike:100005,100004 ") == key
    assert key.pair == ("100004", "100005")
    assert lookalike_ids("lookalike:100004,100005") == ("100004", "100005")
    assert lookalike_ids("shared_ssid:1,2") is None and lookalike_ids("lookalike:1") is None
    assert lookalike_ids("lookalike:1,2,3") is None
    assert lookalike_ids("100004,100005") is None


@pytest.mark.parametrize("text", ["100004,100005", "lookalike:", "lookalike:1,,2", "twins:1,2", ""])
def test_a_mistyped_key_is_refused_saying_what_a_key_looks_like(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        IssueKey.parse(text)
    assert str(refused.value) == "local issue key: not a key like lookalike:100004,100005 (kind:local id[,local id])"


def test_pairs_that_share_a_student_form_one_group_and_acknowledgement_is_by_key() -> None:
    def pair(a: str, b: str) -> LocalIssue:
        return LocalIssue(issue_key(IssueKind.LOOKALIKE, [a, b]), IssueKind.LOOKALIKE, (LocalId(a), LocalId(b)), "")

    shared = LocalIssue(IssueKey.parse("shared_ssid:1,2"), IssueKind.SHARED_SSID, (LocalId("1"), LocalId("2")), "")
    issues = [pair("1", "2"), pair("5", "6"), pair("2", "3"), shared]
    groups = issue_groups(issues)
    assert [[str(i.key) for i in g] for g in groups] == [
        ["lookalike:1,2", "lookalike:2,3"], ["lookalike:5,6"], ["shared_ssid:1,2"],
    ]
    flagged = with_acknowledged(issues, {IssueKey.parse("lookalike:5,6")})
    assert [i.acknowledged for i in flagged] == [False, True, False, False]
    assert replace(flagged[1], acknowledged=False) == issues[1]


@pytest.mark.parametrize(
    ("legal", "alias", "guardians", "expected"),
    [
        (
            ("Guadalupe", "Itzel", "Ramírez"), ("Lupe", "", "Ortega"), [("Rosa", "Ortega"), ("", "Ramírez"), ("Luis", "")],
            PersonFacts(
                legal_first="Guadalupe", legal_middle="Itzel", legal_last="Ramírez", birth_date=BORN, gender="F",
                birth_city="Santa Ana", birth_state="US-CA", birth_country="US", alias_first="Lupe", alias_middle=None,
                alias_last="Ortega", guardian_names=("Rosa Ortega", "Ramírez", "Luis"),
            ),
        ),
        (
            ("", "", ""), ("", "Itzel", ""), [],
            PersonFacts(birth_date=BORN, gender="F", birth_city="Santa Ana", birth_state="US-CA", birth_country="US",
                        alias_middle="Itzel"),
        ),
    ],
    ids=["every field", "blanks"],
)
def test_student_facts_keep_every_field_and_turn_blanks_into_none(
    legal: tuple[str, str, str], alias: tuple[str, str, str], guardians: list[tuple[str, str]], expected: PersonFacts
) -> None:
    assert student_facts(legal, alias, BORN, "F", "Santa Ana", "US-CA", "US", guardians) == expected
    assert student_facts(("", "", ""), None, None, "", "", "", "", []) == PersonFacts()


def test_a_student_of_the_sis_is_checked_with_every_fact_the_comparison_reads() -> None:
    lupe = Student(
        LocalId("100004"), PersonName("Guadalupe", "Ramírez", "Itzel"), BORN, "F", alias=PersonName("Lupe", "Ortega"),
        birth_city="Santa Ana", birth_state="US-CA", birth_country="MX", ssid=Ssid("2000000001"), active=False,
        guardians=(Guardian("Rosa", "Ortega"),),
    )
    assert checked_student(lupe) == CheckedStudent(
        LocalId("100004"), Ssid("2000000001"), False,
        PersonFacts(
            legal_first="Guadalupe", legal_middle="Itzel", legal_last="Ramírez", birth_date=BORN, gender="F",
            birth_city="Santa Ana", birth_state="US-CA", birth_country="MX", alias_first="Lupe", alias_last="Ortega",
            guardian_names=("Rosa Ortega",),
        ),
    )
    assert person_facts(replace(lupe, alias=None, guardians=())) == PersonFacts(
        legal_first="Guadalupe", legal_middle="Itzel", legal_last="Ramírez", birth_date=BORN, gender="F",
        birth_city="Santa Ana", birth_state="US-CA", birth_country="MX",
    )


def test_two_records_sharing_an_ssid_are_one_issue_not_acknowledged_and_progress_is_told() -> None:
    steps: list[tuple[int, int]] = []
    found = find_issues(
        [child("300001", "2000000009", **_unlike(1)), child("300002", "2000000009", **_unlike(2))], set(),
        progress=lambda done, total: steps.append((done, total)),
    )
    assert [(str(i.key), i.message, i.acknowledged) for i in found.issues] == [
        ("shared_ssid:300001,300002", "students 300001 and 300002 share one SSID", False),
    ]
    # folding the students, each of the 13 kinds of key, then comparing the pairs in 10 steps
    assert steps == [(done, 24) for done in range(1, 25)]
    [lookalike] = find_issues([child("100005", legal_first="Lupe"), child("100004")], set()).issues
    assert lookalike.acknowledged is False


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("lookalike:A:1,B:2", IssueKey(IssueKind.LOOKALIKE, (LocalId("A:1"), LocalId("B:2")))),  # a colon in a local id
        ("retired_ssid:100004", IssueKey(IssueKind.RETIRED_SSID, (LocalId("100004"),))),
    ],
)
def test_a_key_reads_back_from_its_text(text: str, key: IssueKey) -> None:
    assert IssueKey.parse(text) == key and str(key) == text


def test_a_refused_key_keeps_the_text_typed() -> None:
    with pytest.raises(InvalidValue) as refused:
        IssueKey.parse("twins:1,2")
    assert (refused.value.kind, refused.value.value) == ("local issue key", "twins:1,2")


def test_lookalike_pairs_chain_into_groups_by_shared_students_only() -> None:
    def issue(kind: IssueKind, *ids: str) -> LocalIssue:
        return LocalIssue(issue_key(kind, ids), kind, tuple(LocalId(i) for i in ids), "")

    issues = [
        issue(IssueKind.LOOKALIKE, "7", "8"), issue(IssueKind.LOOKALIKE, "1", "2"), issue(IssueKind.SHARED_SSID, "2", "9"),
        issue(IssueKind.LOOKALIKE, "8", "9"), issue(IssueKind.LOOKALIKE, "3"), issue(IssueKind.RETIRED_SSID, "7"),
        issue(IssueKind.LOOKALIKE, "2", "3"),
    ]
    assert [[str(i.key) for i in group] for group in issue_groups(issues)] == [
        ["lookalike:7,8", "lookalike:8,9"], ["lookalike:1,2", "lookalike:3", "lookalike:2,3"], ["shared_ssid:2,9"],
        ["retired_ssid:7"],
    ]
    assert issue_groups([]) == []
