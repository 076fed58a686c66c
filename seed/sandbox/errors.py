"""The CALPADS sandbox's exceptions (the sandbox is a SIMULATOR for demos and tests)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["SandboxError", "PostingRefused", "MatchToolRefused"]


class SandboxError(Exception):
    """Base of every error the sandbox raises on purpose (a refused file, an empty sandbox)."""


class PostingRefused(SandboxError):
    """A posted SENR file was refused whole; ``problems`` lists every error, first one in the message.

    Problems name the record number, the student's local id, the field and the rule, never a
    name, birth date or SSID.
    """

    def __init__(self, file: str, problems: Sequence[str]) -> None:
        self.file = file
        self.problems = tuple(problems)
        more = f" (and {len(self.problems) - 1} more errors)" if len(self.problems) > 1 else ""
        super().__init__(f"{file}: refused whole, nothing posted: {self.problems[0]}{more}")


class MatchToolRefused(SandboxError):
    """An SENR file the SSID Matching Tool refused at pre-validation, as CALPADS does: no result
    file. ``problems`` name the record (line), student's local id, field and rule."""

    def __init__(self, file: str, problems: Sequence[str]) -> None:
        self.file = file
        self.problems = tuple(problems)
        more = f" (and {len(self.problems) - 1} more errors)" if len(self.problems) > 1 else ""
        super().__init__(f"{file}: refused by the SSID Matching Tool, no result: {self.problems[0]}{more}")
