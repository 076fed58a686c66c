"""Blocking: the keys put a student and each kind of retyped record in one block, and large blocks stay linear."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from domain.duplicates import _blocking
from domain.duplicates._blocking import (
    DAY_SHARES, KEY_KINDS, MAX_BLOCK, RARE_SHARE, SMALL_BLOCK, WINDOW, blocking_codes, blocking_keys, candidate_pairs,
    population_codes,
)
from domain.matching import PersonFacts, prepare

LUPE = PersonFacts(
    legal_first="Guadalupe", legal_middle="Inés", legal_last="Ramírez Soto", birth_date=dt.date(2012, 4, 9),
    gender="F", birth_city="Salinas", birth_state="US-CA", birth_country="US",
)


RARE = "rare value"
"""In a population of a few people every value is rare, and this kind pairs everyone who shares
one: the tests of the other kinds leave it out (``rare=False``); it is tested on its own below."""


def kinds_shared(left: PersonFacts, right: PersonFacts, *, rare: bool = False) -> set[str]:
    """The key kinds under which two people land in one block."""
    shared = blocking_keys(prepare(left)) & blocking_keys(prepare(right))
    return {kind for kind, _ in shared if rare or kind != RARE}


def pairs_of(people: list[PersonFacts], *, rare: bool = False) -> dict[str, set[tuple[int, int]]]:
    codes = population_codes([prepare(person) for person in people])
    return {
        kind: {(packed >> 32, packed & 0xFFFFFFFF) for packed in pairs}
        for kind, pairs in candidate_pairs(codes)
        if rare or kind != RARE
    }


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


def test_twins_of_one_sex_are_compared_once_by_date_and_surname_or_place() -> None:
    # A block is one family's children of one sex born on one day: twins add one pair, not a flood.
    twin = replace(LUPE, legal_first="Valeria", legal_middle="Rosa")
    # Besides, they share only keys that pair a record lacking a date or a name.
    assert kinds_shared(LUPE, twin) == {"place", "date and one name", "date and surname", "date and place"}
    assert compared([LUPE, twin]) == {"date and surname": {(0, 1)}, "date and place": {(0, 1)}}
    assert compared([LUPE, replace(twin, birth_city="Fresno")]) == {"date and surname": {(0, 1)}}


def test_a_brother_born_the_same_day_is_not_compared() -> None:
    brother = replace(LUPE, legal_first="Mateo", legal_middle=None, gender="M")
    assert compared([LUPE, brother]) == {}
    # Without a known sex (or with X) a record meets both.
    assert compared([LUPE, brother, replace(brother, legal_first="Alex", gender="X")]) == {
        "date and surname": {(0, 2), (1, 2)},
        "date and place": {(0, 2), (1, 2)},
    }


def test_both_names_replaced_meet_by_date_sex_and_town() -> None:
    other = replace(LUPE, legal_first="Valeria", legal_middle=None, legal_last="Castillo")
    assert compared([LUPE, other]) == {"date and place": {(0, 1)}}
    assert compared([LUPE, replace(other, birth_city="Fresno")]) == {}
    # A space dropped or added in the town's name.
    assert compared([LUPE, replace(other, birth_city="Sali nas")]) == {"date and place": {(0, 1)}}


@pytest.mark.parametrize(("size", "all_pairs"), [(SMALL_BLOCK, True), (SMALL_BLOCK + 1, False)])
def test_a_day_and_town_is_compared_only_in_a_small_block(size: int, all_pairs: bool) -> None:
    # Children born one day in one town, of one sex, with unrelated names: past SMALL_BLOCK, not compared at all.
    names = ("Castillo", "Nguyen", "Smith", "Kim", "Petrosyan", "Johnson", "Wong", "Xochicale")
    children = [replace(LUPE, legal_first=names[-1 - n], legal_middle=None, legal_last=names[n]) for n in range(size)]
    expected = {(a, b) for a in range(size) for b in range(a + 1, size)} if all_pairs else set()
    assert pairs_of(children)["date and place"] == expected


def test_different_children_share_no_key() -> None:
    other = PersonFacts(legal_first="Kevin", legal_last="Nguyen", birth_date=dt.date(2009, 11, 30), birth_city="Salinas")
    assert kinds_shared(LUPE, other) == set()
    assert set(KEY_KINDS) == set(pairs_of([LUPE, other], rare=True))
    # But the two share a town: among a few people that is a rare value, and they are compared.
    assert kinds_shared(LUPE, other, rare=True) == {RARE}
    assert compared([LUPE, other], rare=True) == {RARE: {(0, 1)}}
    assert compared([LUPE, replace(other, birth_city="Fresno")], rare=True) == {}


def _strangers(count: int, **shared: object) -> list[PersonFacts]:
    """``count`` people whose names sound unlike each other's, with their own birth dates, initials
    and towns, but for what they all share (``shared``)."""

    def word(initials: str, n: int) -> str:  # Soundex: the initial and a digit for each consonant
        digits = "bdlmr"
        return initials[n % len(initials)] + "".join("a" + digits[n // len(initials) // 5**i % 5] for i in range(3))

    people = []
    for n in range(count):
        person = PersonFacts(
            legal_first=word("NOPRSTVWZ", n), legal_last=word("ABCDEFGHIJKLM", n),
            birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=37 * n), birth_city=word("ABCDEFGHIJ", n) + "ton",
        )
        people.append(replace(person, **shared))  # type: ignore[arg-type]
    return people


def _within(pairs: dict[str, set[tuple[int, int]]], size: int) -> dict[str, set[tuple[int, int]]]:
    """The pairs among the first ``size`` people, kinds that put none left out."""
    inside = {kind: {pair for pair in found if pair[1] < size} for kind, found in pairs.items()}
    return {kind: found for kind, found in inside.items() if found}


@pytest.mark.parametrize(
    ("size", "population", "all_pairs"),
    [(2, 2, True), (MAX_BLOCK, 100 * MAX_BLOCK, True), (MAX_BLOCK + 1, 100 * (MAX_BLOCK + 1), False),
     (MAX_BLOCK, 100 * MAX_BLOCK - 1, False), (3, 299, False)],
    ids=["a pair", "MAX_BLOCK among 100 times as many", "past MAX_BLOCK", "past RARE_SHARE", "three among 299"],
)
@pytest.mark.parametrize(
    "shared",
    [{"legal_last": "Xochicale"}, {"birth_date": dt.date(2003, 2, 28)}, {"birth_city": "Xochimilco"}],
    ids=["surname", "birth date", "town"],
)
def test_a_value_shared_by_few_compares_them_all_by_many_none(
    size: int, population: int, all_pairs: bool, shared: dict[str, object]
) -> None:
    # One value in common and nothing else: compared under "rare value" when at most MAX_BLOCK people
    # and RARE_SHARE of the population hold it; otherwise not at all.
    assert RARE_SHARE == 0.01
    people = _strangers(size, **shared) + _strangers(population)[size:]
    expected = {(a, b) for a in range(size) for b in range(a + 1, size)} if all_pairs else set()
    found = _within(pairs_of(people, rare=True), size)
    assert found == ({RARE: expected} if expected else {})


@pytest.mark.parametrize(
    ("budget", "expected"), [(0, set()), (1, {(0, 1)}), (3, {(0, 1)}), (4, {(0, 1), (2, 3), (2, 4), (3, 4)})]
)
def test_rare_values_are_compared_rarest_first_up_to_a_number_of_pairs(
    monkeypatch: pytest.MonkeyPatch, budget: int, expected: set[tuple[int, int]]
) -> None:
    # Two people share one surname, three another: a pair, then three pairs.
    people = [
        *_strangers(2, legal_last="Xochicale"), *_strangers(5, legal_last="Yzaguirre")[2:], *_strangers(300)[5:],
    ]
    assert _blocking.RARE_PAIRS == 250_000
    kinds = tuple(replace(kind, budget=budget) if kind.name == RARE else kind for kind in _blocking._KINDS)
    monkeypatch.setattr(_blocking, "_KINDS", kinds)
    assert _within(pairs_of(people, rare=True), 5) == ({RARE: expected} if expected else {})


def test_a_town_mistyped_is_a_rare_value_by_its_sound() -> None:
    left, right = _strangers(2)
    left, right = replace(left, birth_city="Ringwood"), replace(right, birth_city="Ringwoid")
    assert compared([left, right], rare=True) == {RARE: {(0, 1)}}
    assert compared([left, replace(right, birth_city="Penguin")], rare=True) == {}


def test_a_large_block_is_compared_within_a_window() -> None:
    size = 5 * MAX_BLOCK
    namesakes = [replace(LUPE, legal_middle=f"Middle{n:03d}") for n in range(size)]
    date_pairs = pairs_of(namesakes)["date"]
    assert MAX_BLOCK < size
    assert len(date_pairs) == sum(min(WINDOW, size - 1 - n) for n in range(size))  # each with its next WINDOW
    assert (0, 1) in date_pairs and (0, WINDOW + 1) not in date_pairs


def compared(people: list[PersonFacts], *, rare: bool = False) -> dict[str, set[tuple[int, int]]]:
    """The pairs each key kind puts together, kinds that put none left out."""
    return {kind: pairs for kind, pairs in pairs_of(people, rare=rare).items() if pairs}


def named(first: str | None, last: str | None, born: dt.date | None = dt.date(2012, 4, 9), middle: str | None = None) -> PersonFacts:
    return PersonFacts(legal_first=first, legal_middle=middle, legal_last=last, birth_date=born)


@pytest.mark.parametrize(
    ("left", "right", "kinds"),
    [
        # A typo after the first letter of the first name: the initial and the surname still meet.
        (named("Ethan", "Nguyen"), named("Erhan", "Nguyen"), {"date", "date and surname", "date and initials"}),
        # The first name is another name altogether: the surname as written and the date meet.
        (named("Rosa", "Garcia"), named("Valeria", "Garcia"), {"date and surname"}),
        (named("Rosa", "Ramírez Soto"), named("Valeria", "Soto"), {"date and surname"}),
        (named("Rosa", "Garcia"), named("Valeria", "Garza"), {"date and surname"}),  # alike sounds
        (named("Rosa", "Garcia"), named("Valeria", "Castillo"), set()),
        # Another first name and the surname mistyped after its first three letters, so it no longer sounds the
        # same (Broadby B631, Broaby B610): the first three letters and the date meet.
        (named("Rosa", "Broadby"), named("Valeria", "Broaby"), {"date and surname"}),
        (named("Rosa", "Broadby"), named("Valeria", "Bfoadby"), set()),  # a typo within the first three letters
        # The surname moved to the first name's field and another surname entered: the name as written meets.
        (named("Seth", "Wittchen"), named("Wittchen", "Ewan"), {"date and surname"}),
        (named("Seth", "Wittchen"), named("Witchen", "Ewan"), set()),  # moved and mistyped
        # Both names mistyped after their first letter (Sofia/Sonia, Lopez/Lorez sound apart): the initials meet,
        # in either order.
        (named("Sofia", "Lopez"), named("Sonia", "Lorez"), {"date and initials"}),
        (named("Sofia", "Lopez"), named("Lorez", "Sonia"), {"date and initials"}),
        (named("Sofia", "Lopez"), named("Sonia", "Lorez", dt.date(2012, 4, 19)), set()),
        # No birth date on one side and a typo in the first name: the initial and the surname meet.
        (named("Ethan", "Nguyen", None), named("Erhan", "Nguyen"), {"names"}),
        (named("Ethan", "Nguyen", None), named("Erhan", "Nguyen", None), {"names"}),
        # First and last name swapped, and the day mistyped: name sounds meet in either order.
        (named("Rosa", "Garcia"), named("Garcia", "Rosa", dt.date(2012, 4, 19)), {"day typo"}),
        # The first word of a first name is its sound; the surname changed.
        # (The first name as written meets too, under date and surname: that key pairs a name moved to the other field.)
        (named("Ana Sofía Elena", "Garcia"), named("Ana", "Lopez"), {"date and first", "date and surname"}),
        # A nickname of a formal name of several words sounds as its first word (Chema is José María,
        # Chuy María de Jesús).
        (named("Chema", "Garcia"), named("José", "Garcia", dt.date(2012, 4, 19)), {"day typo"}),
        (named("Chuy", "Garcia"), named("María", "Garcia", dt.date(2012, 4, 19)), {"day typo"}),
        # Up to three parts of a surname make keys, not a fourth.
        (named("Rosa", "Ramírez Soto Ortega"), named("Rosa", "Ortega", dt.date(2012, 4, 19)), {"day typo"}),
        (named("Rosa", "Ramírez Soto Ortega Xochicale"), named("Rosa", "Xochicale", dt.date(2012, 4, 19)), set()),
        # A name without letters has no sound: it pairs nobody.
        (named("1", "Garcia"), named("2", "Garcia"), {"date and surname"}),
        (named("1", "Garcia"), named("2", "Garcia", dt.date(2012, 4, 19)), set()),
        (named("Rosa", "Garcia", middle="1"), named("Ana", "Garcia", middle="2"), {"date and surname"}),
        (named("Rosa", "1"), named("Rosa", "2"), {"date and first", "date and surname"}),
        (named("Rosa", "1"), named("Rosa", "2", dt.date(2012, 4, 19)), set()),
    ],
    ids=["first name typo", "another first name", "another first name, compound surname", "surname sounds alike",
         "another surname", "another first name, surname mistyped", "another first name, surname's beginning mistyped",
         "surname moved, first name replaced", "surname moved and mistyped, first name replaced",
         "both names mistyped", "both names mistyped and swapped", "both names mistyped, day typo",
         "no date, first name typo", "neither date, first name typo", "swapped names, day typo",
         "first word", "two-word formal name", "three-word formal name", "third surname part", "fourth surname part",
         "digits for first names", "digits for first names, day typo", "digits for middle names", "digits for surnames",
         "digits for surnames, day typo"],
)
def test_the_pairs_compared_and_the_keys_that_find_them(left: PersonFacts, right: PersonFacts, kinds: set[str]) -> None:
    assert compared([left, right]) == {kind: {(0, 1)} for kind in kinds}


@pytest.mark.parametrize(("size", "all_pairs"), [(MAX_BLOCK, True), (MAX_BLOCK + 1, False)])
def test_a_block_up_to_max_block_compares_every_pair(size: int, all_pairs: bool) -> None:
    namesakes = [replace(LUPE, legal_middle=f"Middle{n:03d}") for n in range(size)]
    date_pairs = pairs_of(namesakes)["date"]
    assert (date_pairs == {(a, b) for a in range(size) for b in range(a + 1, size)}) is all_pairs


def test_a_large_block_compares_neighbours_in_name_order_not_input_order() -> None:
    size = MAX_BLOCK + 10
    rank = [n * 7 % size for n in range(size)]  # the input order is not the name order
    namesakes = [replace(LUPE, legal_middle=f"Middle{rank[n]:03d}") for n in range(size)]
    by_name = sorted(range(size), key=rank.__getitem__)
    expected = {
        (min(a, b), max(a, b)) for position, a in enumerate(by_name) for b in by_name[position + 1 : position + 1 + WINDOW]
    }
    assert pairs_of(namesakes)["date"] == expected


def test_too_many_name_sounds_for_a_key_is_an_error_not_a_wrong_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # Sounds are numbered from 1 as they are met; a blocking key holds 15 bits of each.
    monkeypatch.setattr(_blocking, "_SOUNDS", {f"S{n}": n + 1 for n in range((1 << 15) - 2)})
    blocking_codes(prepare(PersonFacts(legal_last="Xu")))  # the last sound that fits: 2**15 - 1
    with pytest.raises(OverflowError) as refused:
        blocking_codes(prepare(PersonFacts(legal_last="Yu")))
    assert str(refused.value) == "more distinct name sounds than a blocking key can hold"


def test_a_record_meets_others_under_its_alias_too_and_never_itself() -> None:
    known_as = replace(LUPE, alias_first="María", alias_last="Fitzgerald")
    other = PersonFacts(legal_first="María", legal_last="Fitzgerald", birth_date=LUPE.birth_date)
    assert "date" in kinds_shared(known_as, other) and "date" not in kinds_shared(LUPE, other)
    # The alias repeats the surname's sound: one person is in a block once, not a pair with itself.
    assert compared([replace(LUPE, alias_first="Lupita")]) == {}


def _crowd() -> list[PersonFacts]:
    """Children of a few names, days and towns, with aliases, surnames cut short and names moved between fields."""
    firsts = ("Maria", "Jose", "Lupe", "Seth", "Wittchen", "Ana")
    lasts = ("Garcia", "Broadby", "Broaby", "Wittchen", "De La Cruz", "Nguyen Tran", "Ewan")
    days = (dt.date(2012, 4, 9), dt.date(2012, 9, 4), dt.date(2013, 4, 9), dt.date(2012, 4, 10), dt.date(2012, 5, 9))
    people = []
    for n in range(300):
        child = PersonFacts(legal_first=firsts[n % 6], legal_last=lasts[n % 7], birth_date=days[n % 5],
                            gender="FMX"[n % 3], birth_city=("Fresno", "Los Angeles", None)[n % 5 % 3])  # fmt: skip
        if n % 11 == 0:
            child = replace(child, alias_first=firsts[(n + 1) % 6], alias_last=lasts[(n + 2) % 7])
        people.append(child)
    return people


def test_a_kind_blocked_in_parts_and_day_shares_puts_together_the_same_pairs_as_blocked_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codes = population_codes([prepare(person) for person in _crowd()])
    assert [(kind.name, len(kind.key_parts)) for kind in _blocking._KINDS if len(kind.key_parts) > 1] == [
        ("date and surname", 3), ("rare value", 4),
    ]
    assert [kind.name for kind in _blocking._KINDS if kind.day is not None] == [
        "date", "date and first", "date and surname", "date and initials", "day typo", "month typo", "day/month swap",
        "year typo", "date and place",
    ]
    for kind in _blocking._KINDS:
        parts = [{key for person in codes for key in part(person)} for part in kind.key_parts]
        assert sum(map(len, parts)) == len(set().union(*parts))  # no key of one part is a key of another
        if kind.day is not None:  # nor of one share of days and another
            day = kind.day
            shares = [{key for person in codes if person.date and day(person.date) % DAY_SHARES == share
                       for key in kind.keys(person)} for share in range(DAY_SHARES)]  # fmt: skip
            assert sum(map(len, shares)) == len(set().union(*shares))
    in_parts = list(candidate_pairs(codes))
    monkeypatch.setattr(_blocking, "_KINDS", tuple(replace(kind, parts=(), day=None) for kind in _blocking._KINDS))
    whole = list(candidate_pairs(codes))
    assert [(kind, sorted(pairs)) for kind, pairs in in_parts] == [(kind, sorted(pairs)) for kind, pairs in whole]
    assert len(dict(whole)["date and surname"]) > 1000 and len(dict(whole)["date"]) > 200
    assert all(len(dict(whole)[kind]) > 100 for kind in ("day typo", "month typo", "year typo"))
