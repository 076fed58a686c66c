"""Which OneRoster ``users.csv`` field holds the district's local id, and which (if any) the SSID.

Districts differ: one SIS puts the student number in ``identifier``, another in ``username`` or
in a typed ``userIds`` entry (``{LocalId:100234}``); 1.2's ``userMasterIdentifier`` often holds
the state id. A field is named as the setting gives it: ``identifier``, ``sourcedId``,
``username``, ``userMasterIdentifier`` (1.2 only) or ``userIds:TYPE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidValue

__all__ = ["OneRosterMapping", "USER_ID_FIELDS", "parse_user_field"]

USER_ID_FIELDS: tuple[str, ...] = ("identifier", "sourcedId", "username", "userMasterIdentifier")
"""The plain ``users.csv`` columns that may carry an id; ``userIds:TYPE`` names a typed entry."""

_TYPED = re.compile(r"userIds:([^{}:,\s]+)")
_USER_IDS = re.compile(r"\{([^{}:]+):([^{}]*)\}")


def parse_user_field(text: str, what: str) -> str:
    """``text`` as a users.csv id field name (see the module), or :class:`InvalidValue`."""
    if text in USER_ID_FIELDS or _TYPED.fullmatch(text):
        return text
    raise InvalidValue(what, text, f"must be one of {', '.join(USER_ID_FIELDS)} or userIds:TYPE")


@dataclass(frozen=True, slots=True)
class OneRosterMapping:
    """Where the local id and the SSID are in ``users.csv`` (``ssid=""``: the export holds none)."""

    local_id: str = "identifier"
    ssid: str = ""

    def __post_init__(self) -> None:
        parse_user_field(self.local_id, "OneRoster local id field")
        if self.ssid:
            parse_user_field(self.ssid, "OneRoster SSID field")

    @staticmethod
    def column(field: str) -> str:
        """The users.csv column a field is read from (``userIds:TYPE`` → ``userIds``)."""
        return "userIds" if field.startswith("userIds:") else field

    @staticmethod
    def value(field: str, values: dict[str, str]) -> str:
        """The field's value in one users.csv record (``""`` when the record has none)."""
        if not field.startswith("userIds:"):
            return values.get(field, "")
        return OneRosterMapping.typed_value(field, values.get("userIds", ""))

    @staticmethod
    def typed_value(field: str, user_ids: str) -> str:
        """A ``userIds:TYPE`` field's value in one record's ``userIds`` (``""`` when it has none)."""
        wanted = field.removeprefix("userIds:")
        found = [v.strip() for t, v in _USER_IDS.findall(user_ids) if t.strip() == wanted]
        return found[0] if found else ""
