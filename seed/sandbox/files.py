"""Small file helpers of the CALPADS sandbox (a SIMULATOR): chunking, atomic writes, file names."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

__all__ = ["chunks", "replace_atomically", "timestamped_name"]

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (the last may be shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@contextmanager
def replace_atomically(target: Path) -> Iterator[BinaryIO]:
    """Write ``target`` through a temporary file beside it: a failure leaves no partial file behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with open(partial, "wb") as out:
            yield out
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def timestamped_name(kind: str, lea: str, now: dt.datetime, suffix: str = ".txt") -> str:
    """``SSIDExtract_1964212_2025_08_20_101500.txt``: kind, LEA and the moment the sandbox made it."""
    return f"{kind}_{lea}_{now:%Y_%m_%d_%H%M%S}{suffix}"
