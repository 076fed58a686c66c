"""How common each name, birth date and birth city is in a population, as evidence adjustments.

Two students both named "Garcia" share less than two both named "Xochicale": the same surname is
weaker evidence when half the district has it. Likewise a placeholder birth date (1900-01-01,
or 01-01 when only the year was known) says little. Given a population, each exact agreement is
adjusted by ``log2(typical / share)`` bits: ``share`` is how many people have this value,
``typical`` is the chance two people picked at random agree on the field at all. A value as
common as typical is not adjusted; rarer ones gain, commoner ones lose, within
:data:`MAX_ADJUSTMENT` bits either way.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ValueFrequencies", "MAX_ADJUSTMENT", "FREQUENCY_KINDS"]

MAX_ADJUSTMENT = 5.0
"""The largest adjustment, in bits, for a rare or a common value."""

FREQUENCY_KINDS = ("first", "last", "birth_date", "city")
"""The fields whose exact agreement is adjusted by value frequency."""


@dataclass(frozen=True, slots=True)
class ValueFrequencies:
    """Adjustments in bits per (field kind, value), built by :meth:`count` from a population."""

    adjustments: Mapping[tuple[str, Hashable], float]
    unseen: Mapping[str, float]

    @classmethod
    def count(cls, values: Iterable[tuple[str, Hashable]]) -> ValueFrequencies:
        """Build the adjustments from (kind, value) observations, one per person and field filled."""
        counts = Counter(values)
        totals: Counter[str] = Counter()
        for (kind, _), number in counts.items():
            totals[kind] += number
        typical: dict[str, float] = {}
        for (kind, _), number in counts.items():
            typical[kind] = typical.get(kind, 0.0) + (number / totals[kind]) ** 2
        adjustments = {
            (kind, value): _clamp(math.log2(typical[kind] * totals[kind] / number))
            for (kind, value), number in counts.items()
        }
        # A value nobody in the population has is as rare as can be: seen once.
        unseen = {kind: _clamp(math.log2(typical[kind] * totals[kind])) for kind in totals}
        return cls(MappingProxyType(adjustments), MappingProxyType(unseen))

    def adjustment(self, kind: str, value: Hashable) -> float:
        """Bits to add to an exact agreement on ``value`` of field ``kind`` (0.0 for unknown kinds)."""
        found = self.adjustments.get((kind, value))
        return found if found is not None else self.unseen.get(kind, 0.0)


def _clamp(bits: float) -> float:
    return max(-MAX_ADJUSTMENT, min(MAX_ADJUSTMENT, bits))
