"""Average linkage over every pair between two groups: one vague record cannot chain two people."""

from __future__ import annotations

from collections.abc import Callable

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
