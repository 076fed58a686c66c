"""Blocking: the keys put a student and each kind of retyped record in one block, and large blocks stay linear."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from domain.duplicates._blocking import KEY_KINDS, MAX_BLOCK, WINDOW, blocking_codes, blocking_keys, candidate_pairs
from domain.matching import PersonFacts, prepare

LUPE = PersonFacts(
    legal_first="Guadalupe", legal_middle="Inés", legal_last="Ramírez Soto", birth_date=dt.date(2012, 4, 9),
    gender="F", birth_city="Salinas", birth_state="US-CA", birth_country="US",
)


def kinds_shared(left: PersonFacts, right: PersonFacts) -> set[str]:
    """The key kinds under which two people land in one block."""
    shared = blocking_keys(prepare(left)) & blocking_keys(prepare(right))
    return {kind for kind, _ in shared}


def pairs_of(people: list[PersonFacts]) -> dict[str, set[tuple[int, int]]]:
    codes = [blocking_codes(prepare(person)) for person in people]
    return {kind: {(packed >> 32, packed & 0xFFFFFFFF) for packed in pairs} for kind, pairs in candidate_pairs(codes)}


@pytest.mark.parametrize(
    ("retyped", "kind"),
    [
        (replace(LUPE, legal_first="Lupe"), "date"),
        (replace(LUPE, legal_first="Inés", legal_middle=None), "date"),  # goes by the middle name
        (replace(LUPE, legal_last="Soto"), "date"),
        (replace(LUPE, legal_first="Ramírez Soto", legal_last="Guadalupe"), "date"),
        (replace(LUPE, legal_last="Fitzgerald"), "date and first"),  # the surname changed
        (replace(LUPE, birth_date=dt.date(2012, 4, 19)), "day typo"),
        (replace(LUPE, birth_date=dt.date(2012, 7, 9)), "month typo"),
        (replace(LUPE, birth_date=dt.date(2012, 9, 4)), "day/month swap"),
        (replace(LUPE, birth_date=dt.date(2013, 4, 9)), "year typo"),
        (replace(LUPE, legal_first="Lupita", birth_date=dt.date(2013, 4, 9)), "year typo"),
    ],
)
def test_each_kind_of_mistake_shares_a_key(retyped: PersonFacts, kind: str) -> None:
    assert kind in kinds_shared(LUPE, retyped)


def test_a_record_without_birth_date_meets_by_names_and_only_then() -> None:
    no_date = replace(LUPE, birth_date=None)
    assert "names" in kinds_shared(LUPE, no_date)
    found = pairs_of([LUPE, no_date, replace(LUPE, birth_date=dt.date(2015, 1, 1))])
    assert found["names"] == {(0, 1), (1, 2)}  # the two dated records meet by name only through the undated one


def test_a_record_without_first_name_meets_by_date_and_surname() -> None:
    nameless = replace(LUPE, legal_first=None, legal_middle=None)
    found = pairs_of([LUPE, nameless, replace(LUPE, legal_first="Rosa")])
    assert found["date and one name"] == {(0, 1), (1, 2)}


def test_the_place_key_serves_records_with_little_else() -> None:
    only_first = PersonFacts(legal_first="Guadalupe", birth_city="Salinas")
    found = pairs_of([LUPE, only_first, replace(LUPE, legal_first="Rosa")])
    assert found["place"] == {(0, 1)}
    assert found["date"] == {(0, 2)}
    assert found["names"] == set()


def test_twins_share_no_key() -> None:
    # Every pair of children born on one day into one family name would otherwise be compared.
    twin = replace(LUPE, legal_first="Valeria", legal_middle="Rosa")
    # They share only keys that pair a record lacking a date or a name.
    assert kinds_shared(LUPE, twin) == {"place", "date and one name"}
    assert {kind: pairs for kind, pairs in pairs_of([LUPE, twin]).items() if pairs} == {}


def test_different_children_share_no_key() -> None:
    other = PersonFacts(legal_first="Kevin", legal_last="Nguyen", birth_date=dt.date(2009, 11, 30), birth_city="Salinas")
    assert kinds_shared(LUPE, other) == set()
    assert set(KEY_KINDS) == set(pairs_of([LUPE, other]))


def test_a_large_block_is_compared_within_a_window() -> None:
    size = 5 * MAX_BLOCK
    namesakes = [replace(LUPE, legal_middle=f"Middle{n:03d}") for n in range(size)]
    date_pairs = pairs_of(namesakes)["date"]
    assert MAX_BLOCK < size
    assert len(date_pairs) == sum(min(WINDOW, size - 1 - n) for n in range(size))  # each with its next WINDOW
    assert (0, 1) in date_pairs and (0, WINDOW + 1) not in date_pairs
