"""Groups of records that are one person, from the evidence between every two of them.

Linking every pair above a threshold and taking connected components lets one vague record
("John Smith", no birth date) chain two different John Smiths into one group. Here groups grow
by *average linkage* instead: two groups merge, best-supported first, only when the average
evidence over **every** pair between them is at or above the threshold. Pairs the blocking keys
did not put together are compared when a merge is considered, so the vague record still joins
the group it fits best, but the two John Smiths, whose records disagree on the birth date, stay
apart.

The work is bounded by the pairs inside the groups formed (and the merges refused), not by the
square of the population: a merge is only considered along a compared pair.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

__all__ = ["average_linkage_groups", "MAX_MEMBERS_SAMPLED"]

MAX_MEMBERS_SAMPLED = 24
"""When two groups are weighed, at most this many members of each (evenly spread) are compared."""


def _sample(members: list[int]) -> list[int]:
    if len(members) <= MAX_MEMBERS_SAMPLED:
        return members
    step = len(members) / MAX_MEMBERS_SAMPLED
    return [members[int(position * step)] for position in range(MAX_MEMBERS_SAMPLED)]


class _Link:
    """The evidence between two groups: sum and count of pair scores; ``complete`` once every pair is in."""

    __slots__ = ("total", "count", "complete")

    def __init__(self, total: float, count: int, complete: bool) -> None:
        self.total, self.count, self.complete = total, count, complete

    @property
    def mean(self) -> float:
        return self.total / self.count


def average_linkage_groups(
    size: int,
    scored: Iterable[tuple[int, int, float]],
    threshold: float,
    score: Callable[[int, int], float],
) -> list[list[int]]:
    """Groups (of two or more positions in ``range(size)``) by average linkage.

    ``scored`` gives (position, position, score) for the pairs already compared; ``score`` compares
    any other pair on demand. Two groups merge when the mean score over all pairs between them
    (over a sample of :data:`MAX_MEMBERS_SAMPLED` members a side for big groups) is at least
    ``threshold``. Groups are returned largest first, members in ascending order.
    """
    known: dict[tuple[int, int], float] = {}
    links: list[dict[int, _Link]] = [{} for _ in range(size)]
    for left, right, value in scored:
        if left == right:
            continue
        pair = (left, right) if left < right else (right, left)
        known[pair] = value
        if value >= threshold:
            link = _Link(value, 1, True)
            links[left][right] = link
            links[right][left] = link
    members: list[list[int]] = [[position] for position in range(size)]
    heap = [(-link.mean, group, other) for group in range(size) for other, link in links[group].items() if group < other]
    heapq.heapify(heap)

    def weigh(group: int, other: int) -> _Link:
        total, count = 0.0, 0
        for left in _sample(members[group]):
            for right in _sample(members[other]):
                pair = (left, right) if left < right else (right, left)
                value = known.get(pair)
                if value is None:
                    value = known[pair] = score(*pair)
                total += value
                count += 1
        return _Link(total, count, True)

    while heap:
        negative_mean, group, other = heapq.heappop(heap)
        queued = links[group].get(other)
        if queued is None or queued.mean != -negative_mean:
            continue  # stale: merged away, or the link changed since it was queued
        if not queued.complete:
            weighed = links[group][other] = links[other][group] = weigh(group, other)
            if weighed.mean >= threshold:
                heapq.heappush(heap, (-weighed.mean, group, other))
            continue
        link = queued
        if link.mean < threshold:
            continue
        keep, gone = (group, other) if len(members[group]) >= len(members[other]) else (other, group)
        members[keep].extend(members[gone])
        members[gone] = []
        del links[keep][gone]
        for neighbour, moved in links[gone].items():
            if neighbour == keep:
                continue
            del links[neighbour][gone]
            existing = links[keep].get(neighbour)
            # Only one side was linked before: the pairs to the other side are not weighed yet.
            merged = moved if existing is None else _Link(existing.total + moved.total, existing.count + moved.count, False)
            merged.complete = False
            links[keep][neighbour] = links[neighbour][keep] = merged
            heapq.heappush(heap, (-merged.mean, min(keep, neighbour), max(keep, neighbour)))
        links[gone] = {}
        for neighbour, existing in links[keep].items():
            if existing.complete:
                existing.complete = False  # the group grew: its pairs to every neighbour must be weighed again
                heapq.heappush(heap, (-existing.mean, min(keep, neighbour), max(keep, neighbour)))
    groups = [sorted(group) for group in members if len(group) > 1]
    groups.sort(key=lambda group: (-len(group), group[0]))
    return groups
