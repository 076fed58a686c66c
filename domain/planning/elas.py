"""ELAS changes a loaded file brings that a coordinator should look at before trusting them.

CALPADS allows some ELAS moves only with a correction reason (calpads-files.md §6.5), and a few
others are legal yet rarely right. An extract carrying one is applied as CALPADS has it, but the
preview and the email name them as warnings, so a wrong status is caught in the SIS.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.values import LocalId

__all__ = ["ElasWarning", "unusual_elas_change", "elas_warnings"]

_SETTLED = frozenset({"EO", "IFEP", "EL", "RFEP", "ADEL"})
"""Statuses an assessment settled: going back to TBD from them is unusual."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ElasWarning:
    """One student's unusual ELAS change, and why it is unusual."""

    local_id: LocalId
    old: str
    new: str
    why: str

    def __str__(self) -> str:
        return f"student {self.local_id}: ELAS {self.old} → {self.new} ({self.why})"


def unusual_elas_change(old: str | None, new: str | None) -> str | None:
    """Why the change of ELAS from ``old`` to ``new`` is unusual (``None`` when it is not).

    Unusual: reclassified (RFEP) from anything but EL; EO or IFEP becoming EL; back to TBD from a
    settled status. A first status (``old`` none) and no change are never unusual.
    """
    if not old or not new or old == new:
        return None
    if new == "RFEP" and old != "EL":
        return "reclassified from a status other than EL"
    if new == "EL" and old in ("EO", "IFEP"):
        return f"{old} student now an English learner"
    if new == "TBD" and old in _SETTLED:
        return "back to TBD from a settled status"
    return None


def elas_warnings(changes: list[tuple[LocalId, str | None, str | None]]) -> list[ElasWarning]:
    """The unusual ones among ``(local id, old, new)`` ELAS changes, in the order given."""
    found: list[ElasWarning] = []
    for local_id, old, new in changes:
        why = unusual_elas_change(old, new)
        if why is not None and old and new:
            found.append(ElasWarning(local_id=local_id, old=old, new=new, why=why))
    return found
