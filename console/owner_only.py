"""Files the workbench writes for people to take away (exports of student data, findings): created
readable and writable by their owner only (0600), whatever the process's umask.

An existing file is replaced by a new one (so a file once shared keeps none of its permissions),
never written through: a symbolic link at the path is refused rather than followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

__all__ = ["owner_only_binary", "owner_only_text", "OWNER_ONLY"]

OWNER_ONLY = 0o600


def _open(path: Path) -> int:
    if path.is_symlink():
        raise OSError(f"{path} is a symbolic link: not written through")
    path.unlink(missing_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), OWNER_ONLY)


@contextmanager
def owner_only_binary(path: Path) -> Iterator[BinaryIO]:
    """A new file at ``path`` (mode 0600) open for writing bytes."""
    with os.fdopen(_open(path), "wb") as stream:
        yield stream


@contextmanager
def owner_only_text(path: Path) -> Iterator[TextIO]:
    """A new file at ``path`` (mode 0600) open for writing UTF-8 text (line ends as written)."""
    with os.fdopen(_open(path), "w", encoding="utf-8", newline="") as stream:
        yield stream
