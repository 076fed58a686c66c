"""Suspected duplicate students within one population, found without comparing everyone with everyone.

Comparing all pairs of 600,000 students is 180 billion comparisons; instead every person gets a
few *blocking keys* (same birth date and a name sound; same names and birth year; ...) and only
people who share a key are compared. A key shared by too many people (every "Jose Garcia") is not
dropped: its members are sorted (by birth date, or by month and day so that a mistyped year
stays close) and each is compared with its next neighbours only, so the work stays linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from domain.matching import Comparison, PersonFacts, PreparedFacts, compare_prepared, population_frequencies, prepare
from domain.matching_evaluation import evaluate
from domain.matching_text import nickname_roots, phonetic_code, significant_words, words

__all__ = [
    "SuspectedDuplicate",
    "blocking_keys",
    "candidate_pairs",
    "find_duplicates",
    "group_duplicates",
    "MAX_BLOCK",
    "WINDOW",
]

MAX_BLOCK = 40
"""A block up to this size is compared all pairs against all; a larger one only within :data:`WINDOW`."""

WINDOW = 12
"""In a block larger than :data:`MAX_BLOCK`, how many sorted neighbours each member is compared with."""

_MISSING_DATE = (9999, 99, 99)


@dataclass(frozen=True, slots=True)
class SuspectedDuplicate:
    """Two records that may be one person: their ids, the percent, and the field-by-field evidence."""

    left: str
    right: str
    percent: float
    evidence: Comparison


def _given_codes(prepared: PreparedFacts) -> set[str]:
    """Sound codes of the first given name and of the formal names it may be a nickname of."""
    codes: set[str] = set()
    for name in prepared.names:
        first_words = words(name.first)
        if first_words:
            codes.add(phonetic_code(first_words[0]))
            codes.update(phonetic_code(root.split()[0]) for root in nickname_roots(first_words[0]))
    codes.discard("")
    return codes


def _surname_codes(prepared: PreparedFacts) -> set[str]:
    """Sound codes of every significant part of the surname (both parts of "Garcia Lopez")."""
    codes = {phonetic_code(part) for name in prepared.names for part in significant_words(name.last)[:3]}
    codes.discard("")
    return codes


def _keys(prepared: PreparedFacts) -> dict[str, tuple[int, int, int]]:
    """Blocking keys of one person, each with the sort key used when its block is too large."""
    given, surname = _given_codes(prepared), _surname_codes(prepared)
    codes = given | surname
    born = prepared.facts.birth_date
    by_date = (born.year, born.month, born.day) if born else _MISSING_DATE
    by_day = (born.month, born.day, born.year) if born else _MISSING_DATE
    keys: dict[str, tuple[int, int, int]] = {}
    if born is not None:
        year, month, day = f"{born.year:04d}", f"{born.month:02d}", f"{born.day:02d}"
        # Any name sound in common (first, last, or one in the other's place) and the birth date,
        # exact or with one of its parts (year, month, day) mistyped.
        for code in codes:
            keys[f"D{year}{month}{day}{code}"] = by_date
            keys[f"M{month}{day}{code}"] = by_date
            keys[f"Y{year}{month}{code}"] = by_date
            keys[f"Z{year}{day}{code}"] = by_date
        # The date with day and month swapped meets the other record's own date key.
        if born.day <= 12 and born.day != born.month:
            for code in surname:
                keys[f"D{year}{day}{month}{code}"] = by_date
    # Same names whatever the date (mistyped, or missing), sorted by month and day.
    for first in given:
        for last in surname:
            keys[f"N{first}{last}"] = by_day
    # Birth city and a name sound, for records with little else.
    city = prepared.place[0]
    if city:
        for code in codes:
            keys[f"C{city}|{code}"] = by_date
    return keys


def blocking_keys(facts: PersonFacts) -> frozenset[str]:
    """The blocking keys of a person: two people are compared only if they share at least one."""
    return frozenset(_keys(prepare(facts)))


def _block_pairs(members: list[tuple[tuple[int, int, int], int]], max_block: int, window: int) -> Iterator[int]:
    """Pairs (as ``low << 32 | high`` indexes) to compare inside one block."""
    if len(members) <= max_block:
        indexes = [index for _, index in members]
        for position, left in enumerate(indexes):
            for right in indexes[position + 1 :]:
                yield (left << 32 | right) if left < right else (right << 32 | left)
        return
    members.sort()
    for position, (_, left) in enumerate(members):
        for _, right in members[position + 1 : position + 1 + window]:
            yield (left << 32 | right) if left < right else (right << 32 | left)


def candidate_pairs(
    people: Sequence[PreparedFacts], *, max_block: int = MAX_BLOCK, window: int = WINDOW
) -> set[tuple[int, int]]:
    """The pairs of positions in ``people`` that share a blocking key and are close enough to compare."""
    return {(packed >> 32, packed & 0xFFFFFFFF) for packed in _packed_pairs(people, max_block, window)}


def _packed_pairs(people: Sequence[PreparedFacts], max_block: int, window: int) -> set[int]:
    blocks: defaultdict[str, list[tuple[tuple[int, int, int], int]]] = defaultdict(list)
    for index, prepared in enumerate(people):
        for key, order in _keys(prepared).items():
            blocks[key].append((order, index))
    pairs: set[int] = set()
    for members in blocks.values():
        if len(members) > 1:
            pairs.update(_block_pairs(members, max_block, window))
    return pairs


def find_duplicates(
    people: Iterable[tuple[str, PersonFacts]],
    *,
    min_percent: float = 50.0,
    max_block: int = MAX_BLOCK,
    window: int = WINDOW,
) -> list[SuspectedDuplicate]:
    """Pairs of records in ``people`` (id, facts) that may be the same person, highest percent first.

    Only pairs sharing a blocking key are compared (see :func:`blocking_keys`); pairs below
    ``min_percent`` are left out. Agreement on a name, birth date or city that is rare in
    ``people`` counts for more than on a common one (see :func:`population_frequencies`). Each
    result carries the full :class:`Comparison` as evidence.
    """
    ids: list[str] = []
    prepared: list[PreparedFacts] = []
    for person_id, facts in people:
        ids.append(person_id)
        prepared.append(prepare(facts))
    frequencies = population_frequencies(prepared)
    found: list[SuspectedDuplicate] = []
    for packed in _packed_pairs(prepared, max_block, window):
        left, right = packed >> 32, packed & 0xFFFFFFFF
        if evaluate(prepared[left], prepared[right], frequencies).percent >= min_percent:
            evidence = compare_prepared(prepared[left], prepared[right], frequencies)
            found.append(SuspectedDuplicate(ids[left], ids[right], evidence.percent, evidence))
    found.sort(key=lambda duplicate: (-duplicate.percent, duplicate.left, duplicate.right))
    return found


def group_duplicates(
    duplicates: Iterable[SuspectedDuplicate],
    *,
    min_percent: float = 50.0,
    keep: Callable[[SuspectedDuplicate], bool] | None = None,
) -> list[frozenset[str]]:
    """Groups of ids linked, directly or through others, by suspected duplicates at ``min_percent`` or more.

    ``keep`` can veto links (for example those a reviewer already rejected). Groups are returned
    largest first; an id appears in at most one group.
    """
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for duplicate in duplicates:
        if duplicate.percent >= min_percent and (keep is None or keep(duplicate)):
            left, right = root(duplicate.left), root(duplicate.right)
            if left != right:
                parent[max(left, right)] = min(left, right)
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for item in parent:
        groups[root(item)].add(item)
    return sorted((frozenset(group) for group in groups.values()), key=lambda group: (-len(group), min(group)))
