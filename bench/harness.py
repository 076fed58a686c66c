"""Measure one operation in a fresh process: wall seconds and peak resident memory.

Each operation runs in its own child process (``python -m bench.child NAME ...``) so its peak
memory (``ru_maxrss``) is its own and not the harness's. The child prints one JSON object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Measurement", "measure_child"]


@dataclass(frozen=True)
class Measurement:
    """What one child run of an operation measured."""

    seconds: float
    peak_mb: float
    detail: dict[str, object]


def measure_child(operation: str, *args: str, workdir: Path) -> Measurement:
    """Run ``bench.child`` for ``operation`` and return its measurement (raises on failure)."""
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    completed = subprocess.run(
        [sys.executable, "-m", "bench.child", operation, str(workdir), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{operation} failed:\n{completed.stderr[-4000:]}")
    last = completed.stdout.strip().splitlines()[-1]
    data = json.loads(last)
    return Measurement(float(data.pop("seconds")), float(data.pop("peak_mb")), data)
