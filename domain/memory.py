"""Pausing Python's cycle collector while millions of small, acyclic objects are built and kept.

Each collection walks every live object (600,000 people and their records), so with the
collector on, a large read spends much of its time walking them again and again, freeing
nothing; reference counting frees everything once it is done. The switch is process-wide:
another thread's garbage waits, and two overlapping pauses only re-enable it early.

Used by the local duplicate check (reading the students and searching: 600,000 students spent
10.4 s in 7,085 collections, 2.4 s in 4 once paused), the duplicate search, the match result
load (0.4 s of a 100,000-line file), the SSID Extract's reading and staging (about 0.3 s of
185,000 lines), the roster import (10-15 % of 600,000 students), the OneRoster import (about
half its reading time at 600,000 students) and the SENR ODS audit, in both its processes (0.1 s of
the 2.4 s of 1,000,000 lines).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (the collector as it was after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
