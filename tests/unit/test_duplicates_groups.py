"""Average linkage over every pair between two groups: one vague record cannot chain two people."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.duplicates._groups import MAX_MEMBERS_SAMPLED, average_linkage_groups


def scorer(table: dict[frozenset[int], float], default: float = -10.0) -> tuple[Callable[[int, int], float], list[tuple[int, int]]]:
    """A score function over ``table`` (pairs not in it score ``default``) that records what it was asked."""
    asked: list[tuple[int, int]] = []

    def score(left: int, right: int) -> float:
        asked.append((left, right))
        return table.get(frozenset((left, right)), default)

    return score, asked


def test_a_vague_record_joins_one_person_not_both() -> None:
    # 0-1 are one person, 2-3 another; 4 is vague and looks a little like everyone.
    table = {frozenset((0, 1)): 20.0, frozenset((2, 3)): 20.0, frozenset((0, 2)): -8.0, frozenset((0, 3)): -8.0,
             frozenset((1, 2)): -8.0, frozenset((1, 3)): -8.0}
    table |= {frozenset((4, n)): 9.0 for n in range(4)}
    table[frozenset((4, 0))] = 9.5
    compared = [(0, 1, 20.0), (2, 3, 20.0), (0, 4, 9.5), (1, 4, 9.0), (2, 4, 9.0), (3, 4, 9.0)]
    score, _ = scorer(table)
    assert average_linkage_groups(5, compared, 5.0, score) == [[0, 1, 4], [2, 3]]


def test_pairs_not_compared_are_weighed_when_a_merge_is_considered() -> None:
    table = {frozenset((0, 1)): 12.0, frozenset((1, 2)): 12.0, frozenset((0, 2)): -30.0}
    score, asked = scorer(table)
    groups = average_linkage_groups(3, [(0, 1, 12.0), (1, 2, 12.0)], 5.0, score)
    assert (0, 2) in asked
    assert groups in ([[0, 1]], [[1, 2]])


def test_connected_evidence_forms_one_group_largest_first() -> None:
    table = {frozenset((a, b)): 15.0 for a in range(4) for b in range(4) if a != b} | {frozenset((5, 6)): 8.0}
    score, _ = scorer(table)
    compared = [(0, 1, 15.0), (1, 2, 15.0), (2, 3, 15.0), (5, 6, 8.0), (4, 5, -3.0)]
    assert average_linkage_groups(7, compared, 5.0, score) == [[0, 1, 2, 3], [5, 6]]
    assert average_linkage_groups(7, compared, 10.0, score) == [[0, 1, 2, 3]]


def test_big_groups_are_weighed_on_a_sample() -> None:
    size = 3 * MAX_MEMBERS_SAMPLED
    score, asked = scorer({}, default=10.0)
    compared = [(n, n + 1, 10.0) for n in range(size - 1)]
    assert average_linkage_groups(size, compared, 5.0, score) == [list(range(size))]
    assert len(asked) <= size * MAX_MEMBERS_SAMPLED * 2


def test_nothing_to_group() -> None:
    score, asked = scorer({})
    assert average_linkage_groups(3, [(0, 1, 1.0)], 5.0, score) == []
    assert average_linkage_groups(0, [], 5.0, score) == []
    assert asked == []


Scored = list[tuple[int, int, float]]


@pytest.mark.parametrize(
    ("size", "compared", "table", "groups", "asked"),
    [
        # 2 was compared with 0 only: when 0 and 1 merge, 2 joins only if it fits 1 as well.
        (3, [(0, 1, 20.0), (0, 2, 12.0)], {(1, 2): 12.0}, [[0, 1, 2]], [(1, 2)]),
        (3, [(0, 1, 20.0), (0, 2, 12.0)], {(1, 2): -30.0}, [[0, 1]], [(1, 2)]),
        (3, [(1, 0, 20.0), (2, 0, 12.0)], {(1, 2): 12.0}, [[0, 1, 2]], [(1, 2)]),  # pairs given high-low
        # 1 was compared with 3 only: when 0 and 3 merge, the link moves to 0's group and 1 must fit 0 too.
        (4, [(0, 3, 20.0), (3, 1, 12.0)], {(0, 1): 12.0}, [[0, 1, 3]], [(0, 1)]),
        (4, [(0, 3, 20.0), (3, 1, 12.0)], {(0, 1): -12.0}, [[0, 3]], [(0, 1)]),
        # 2 did not fit the group of 0 and 3 (3 on average); when 1 joins, 2 is weighed again and fits (26 / 3).
        (4, [(0, 3, 30.0), (3, 2, 6.0), (0, 1, 5.5)], {(0, 2): 0.0, (1, 3): 5.5, (1, 2): 20.0}, [[0, 1, 2, 3]],
         [(0, 2), (1, 2), (1, 3)]),
        # The average over every pair between two groups at the threshold merges them; just below does not.
        (3, [(0, 1, 20.0), (0, 2, 6.0)], {(1, 2): 4.0}, [[0, 1, 2]], [(1, 2)]),
        (3, [(0, 1, 20.0), (0, 2, 6.0)], {(1, 2): 3.0}, [[0, 1]], [(1, 2)]),
        (2, [(0, 1, 5.0)], {}, [[0, 1]], []),  # one pair exactly at the threshold
        (2, [(0, 1, 4.99)], {}, [], []),
        (3, [(2, 2, 50.0), (0, 1, 20.0)], {}, [[0, 1]], []),  # a record against itself counts for nothing
        # Equally supported merges go by the groups' numbers: a merged group keeps the number of its larger
        # side (the first on a tie). Record 2 fits the group of 0 and 3 as well as record 1: it joins 0 and 3.
        (4, [(0, 3, 20.0), (2, 3, 10.0), (1, 2, 10.0)], {(0, 2): 10.0, (0, 1): -30.0, (1, 3): -30.0}, [[0, 2, 3]],
         [(0, 1), (0, 2), (1, 3)]),
        # 0 joins the group of 2 and 3, which stays group 2; record 4 fits it as well as record 1: it joins 1.
        (5, [(2, 3, 30.0), (0, 2, 20.0), (1, 4, 10.0), (3, 4, 10.0)],
         {(0, 3): 20.0, (0, 4): 10.0, (2, 4): 10.0, (0, 1): -30.0, (1, 2): -30.0, (1, 3): -30.0}, [[0, 2, 3], [1, 4]],
         [(0, 1), (0, 3), (0, 4), (1, 2), (1, 3), (2, 4)]),
        # Larger groups first, then by their first member.
        (6, [(0, 5, 20.0), (1, 2, 20.0), (3, 4, 20.0), (4, 1, 20.0)], {(1, 3): 20.0, (2, 3): 20.0, (2, 4): 20.0},
         [[1, 2, 3, 4], [0, 5]], [(1, 3), (2, 3), (2, 4)]),
        (6, [(1, 2, 20.0), (0, 5, 20.0)], {}, [[0, 5], [1, 2]], []),
    ],
)
def test_groups_merge_on_the_average_over_every_pair_between_them(
    size: int, compared: Scored, table: dict[tuple[int, int], float], groups: list[list[int]], asked: list[tuple[int, int]]
) -> None:
    score, was_asked = scorer({frozenset(pair): value for pair, value in table.items()})
    assert average_linkage_groups(size, compared, 5.0, score) == groups
    assert sorted(was_asked) == asked  # each pair not compared yet asked once, the lower position first


def test_the_best_supported_merge_comes_first() -> None:
    # 0 and 1 are one child; 2 fits them on average (20 and 10) and 3 fits 2 alone (12): the group
    # of 0 and 1 weighs 2 first (15 on average), so 3 does not take 2 away from it.
    table = {frozenset((0, 3)): -30.0, frozenset((1, 3)): -30.0}
    score, asked = scorer(table)
    compared = [(0, 1, 30.0), (0, 2, 20.0), (1, 2, 10.0), (2, 3, 12.0)]
    assert average_linkage_groups(4, compared, 5.0, score) == [[0, 1, 2]]
    assert asked == [(0, 3), (1, 3)]


def test_a_big_group_is_weighed_on_members_spread_evenly() -> None:
    # 0..47 are one child; 48 and 49 are another, compared with 47 only (6 < the 10s inside the groups).
    size = 2 * MAX_MEMBERS_SAMPLED
    score, asked = scorer({frozenset((n, m)): -10.0 for n in range(size) for m in (size, size + 1)}, default=10.0)
    compared = [(n, n + 1, 10.0) for n in range(size - 1)] + [(size - 1, size, 6.0), (size, size + 1, 10.0)]
    assert average_linkage_groups(size + 2, compared, 5.0, score) == [list(range(size)), [size, size + 1]]
    assert sorted(left for left, right in asked if right == size) == list(range(0, size, 2))


def test_a_merge_refused_below_the_threshold_does_not_end_the_grouping() -> None:
    # Found by a random search. The link between 1-6 and the group of 0, 2, 3, 4, 5 is queued twice at
    # 3.0 and weighs 3.0: the second time it is already weighed and below the threshold. 7, queued
    # after it, must still be weighed against that group and join it (7.2 on average).
    compared = [(0, 4, 6.0), (0, 5, 6.0), (0, 7, 6.0), (1, 6, 6.0), (2, 3, 6.0), (2, 4, 20.0), (3, 6, 6.0), (5, 6, 6.0)]
    others = {(1, 4): 4.0, (1, 5): 6.0, (2, 6): 4.0, (3, 4): 4.0, (3, 7): 20.0, (4, 5): 20.0, (0, 1): 4.0, (2, 5): 6.0}
    score, _ = scorer({frozenset(pair): value for pair, value in others.items()}, default=0.0)
    assert average_linkage_groups(8, compared, 5.0, score) == [[0, 2, 3, 4, 5, 7], [1, 6]]
