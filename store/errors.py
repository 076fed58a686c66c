"""The store's exceptions: one base class; each subclass says what went wrong and carries where."""

from __future__ import annotations

__all__ = ["StoreError", "NotFound", "StaleWrite", "UnknownSetting"]


class StoreError(Exception):
    """Base of every error the store raises on purpose (bad URL, missing row, lost race)."""


class NotFound(StoreError):
    """A row looked up by its key does not exist (names the kind and the key, never student data)."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key}")


class StaleWrite(StoreError):
    """A compare-and-set update found the row changed by someone else in the meantime."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key} was changed by someone else; reload and try again")


class UnknownSetting(StoreError):
    """A setting name the workbench does not know."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown setting {name!r}")
