"""A person's decision on a local issue: which record is left out of SSID requests, and what they are told."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.duplicates import (
    CheckedStudent,
    IssueDecision,
    IssueKey,
    IssueKind,
    Resolution,
    left_out_record,
    possible_duplicate_text,
    possible_duplicates,
)
from domain.matching import PersonFacts
from domain.values import LocalId, Ssid

AT = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.timezone.utc)


def student(local_id: str, ssid: str | None = None, active: bool = True) -> CheckedStudent:
    return CheckedStudent(LocalId(local_id), Ssid(ssid) if ssid else None, active, PersonFacts())


def decision(resolution: Resolution, chosen: str, pair: tuple[str, str] = ("100004", "100005")) -> IssueDecision:
    kind = IssueKind.LOOKALIKE if resolution is Resolution.SAME_CHILD else IssueKind.SHARED_SSID
    return IssueDecision(
        key=IssueKey.of(kind, pair), resolution=resolution, chosen=LocalId(chosen), decided_by="coordinator", decided_at=AT
    )


@pytest.mark.parametrize(
    ("first", "second", "left_out"),
    [
        (student("100004"), student("100005", "1234567890"), "100004"),  # the one without an SSID
        (student("100005", "1234567890"), student("100004"), "100004"),
        (student("100004"), student("100005"), "100005"),  # neither has one: the newer record
        (student("100005"), student("100004"), "100005"),
        (student("100004", "1234567890"), student("100005", "1234567891"), "100005"),  # both have one: the newer
    ],
)
def test_the_record_left_out_is_the_one_without_an_ssid_else_the_newer(
    first: CheckedStudent, second: CheckedStudent, left_out: str
) -> None:
    assert left_out_record(first, second) == left_out


def test_a_same_child_decision_holds_the_chosen_record_while_both_are_there_and_active() -> None:
    both = {s.local_id: s for s in (student("100004"), student("100005"), student("100006"), student("100007"))}
    decisions = [
        decision(Resolution.KEEPS_SSID, "100004", ("100004", "100006")),  # not about requests
        decision(Resolution.SAME_CHILD, "100005"),
        decision(Resolution.SAME_CHILD, "100006", ("100006", "100007")),
    ]
    assert possible_duplicates(decisions, both) == {"100005": "100004", "100006": "100007"}


@pytest.mark.parametrize(
    "students",
    [
        [student("100004", active=False), student("100005")],
        [student("100004"), student("100005", active=False)],
        [student("100004")],  # merged away in the SIS
        [student("100005")],
    ],
    ids=["other inactive", "chosen inactive", "chosen gone", "other gone"],
)
def test_a_same_child_decision_ends_when_one_record_is_deactivated_or_gone(students: list[CheckedStudent]) -> None:
    assert possible_duplicates([decision(Resolution.SAME_CHILD, "100005")], {s.local_id: s for s in students}) == {}


def test_a_decision_says_what_it_decided_and_what_follows() -> None:
    same = decision(Resolution.SAME_CHILD, "100005")
    keeps = decision(Resolution.KEEPS_SSID, "100005")
    assert (same.other, keeps.other) == ("100004", "100004")
    assert same.text == (
        "same child: 100005 is left out of SSID requests (possible duplicate of 100004: merge the two records in "
        "your SIS) until one of the two is deactivated or merged"
    )
    assert keeps.text == "100005 keeps the SSID; fix 100004's in your SIS"
    assert possible_duplicate_text(LocalId("100004")) == "possible duplicate of 100004: merge the two records in your SIS"
