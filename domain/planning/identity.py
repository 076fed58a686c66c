"""A local student's identity fields as the loaders see and change them, and how they are looked up.

The SSID Extract, Replacement SSIDs and SELA loaders only touch these fields; each change they
plan is a :class:`FieldChange` (old and new value), so a journal can apply it and undo it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from domain.values import LocalId, Ssid

__all__ = [
    "LocalIdentity",
    "IdentityField",
    "FieldValue",
    "FieldChange",
    "LocalLookup",
    "SsidLookup",
    "lookup_by_local_id",
    "lookup_by_ssid",
    "as_lookup",
]


@dataclass(frozen=True, slots=True)
class LocalIdentity:
    """The identity fields of one local student: SSID, Old State ID, ELAS and its start, SWD (``Y``/``N``)."""

    local_id: LocalId
    ssid: Ssid | None = None
    old_state_id: Ssid | None = None
    elas: str | None = None
    elas_start: dt.date | None = None
    swd: str | None = None


class IdentityField(Enum):
    """A field a loader may change; the value is the :class:`LocalIdentity` attribute name."""

    SSID = "ssid"
    OLD_STATE_ID = "old_state_id"
    ELAS = "elas"
    ELAS_START = "elas_start"
    SWD = "swd"


FieldValue = str | dt.date | None
"""What an identity field holds: text (SSID, codes), a date (ELAS start) or nothing."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one local student going from ``old`` to ``new`` (apply forward, undo backward)."""

    local_id: LocalId
    field: IdentityField
    old: FieldValue
    new: FieldValue


LocalLookup = Callable[[LocalId], Sequence[LocalIdentity]]
"""Every local student with this local id (normally one; none or several are reported, not applied)."""

SsidLookup = Callable[[Ssid], Sequence[LocalIdentity]]
"""Every local student whose SSID is this one."""


def lookup_by_local_id(identities: Iterable[LocalIdentity]) -> LocalLookup:
    """A :data:`LocalLookup` over identities held in memory."""
    index: dict[LocalId, list[LocalIdentity]] = {}
    for identity in identities:
        index.setdefault(identity.local_id, []).append(identity)
    return lambda local_id: index.get(local_id, ())


def lookup_by_ssid(identities: Iterable[LocalIdentity]) -> SsidLookup:
    """An :data:`SsidLookup` over identities held in memory (students without SSID are left out)."""
    index: dict[Ssid, list[LocalIdentity]] = {}
    for identity in identities:
        if identity.ssid is not None:
            index.setdefault(identity.ssid, []).append(identity)
    return lambda ssid: index.get(ssid, ())


def as_lookup(local: LocalLookup | Mapping[LocalId, LocalIdentity]) -> LocalLookup:
    """Accept either a lookup or a plain mapping local id → identity (which cannot hold duplicates)."""
    if isinstance(local, Mapping):
        mapping = local
        return lambda local_id: (mapping[local_id],) if local_id in mapping else ()
    return local
