"""Measure one operation in a fresh process: wall seconds and peak resident memory.

Each measurement runs ``python -m bench.child`` (see :mod:`bench.child`) so that its peak memory
is its own, not the harness's, nor another operation's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BenchFailed", "Measurement", "measure_command", "measure_call", "combined"]


class BenchFailed(RuntimeError):
    """A measured command or call failed (the message carries its stderr tail)."""


@dataclass(frozen=True)
class Measurement:
    """What one child run measured: wall seconds, peak resident MB, the command's JSON result, and
    the processor seconds it used."""

    seconds: float
    peak_mb: float
    detail: Mapping[str, Any] = field(default_factory=dict)
    cpu_seconds: float = 0.0


def _child(spec: Mapping[str, Any]) -> Measurement:
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", json.dumps(spec)], capture_output=True, text=True, check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise BenchFailed(f"bench child failed for {spec}:\n{done.stderr[-4000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if "failed" in data:
        raise BenchFailed(f"{' '.join(spec.get('argv', [spec.get('call', '?')]))}: {data['failed']}")
    return Measurement(float(data["seconds"]), float(data["peak_mb"]), data.get("detail", {}), float(data.get("cpu_seconds", 0.0)))


def measure_command(argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Measurement:
    """Run ``argv`` as a fresh process and measure it."""
    return _child({"argv": list(argv), "cwd": str(cwd) if cwd else None, "env": dict(env or {})})


def measure_call(target: str, *args: str) -> Measurement:
    """Run the Python function ``module:function(*args)`` in a fresh process and measure it."""
    return _child({"call": target, "args": list(args)})


def combined(*parts: Measurement) -> Measurement:
    """Steps measured one after another as one operation: seconds add up, the peak is the highest."""
    detail: dict[str, Any] = {}
    for part in parts:
        detail.update(part.detail)
    return Measurement(
        sum(p.seconds for p in parts), max(p.peak_mb for p in parts), detail, sum(p.cpu_seconds for p in parts)
    )
