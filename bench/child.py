"""Run one measured thing in a fresh process and print one JSON line: seconds and peak memory.

    python -m bench.child '{"argv": ["ssid", "run", "start", ...], "cwd": "...", "env": {...}}'
    python -m bench.child '{"call": "bench.floors:csv_parse", "args": ["file.txt"]}'

``argv``: the command runs as this process's only child; its peak resident memory is
``RUSAGE_CHILDREN.ru_maxrss`` (the child's own peak, as no other child ever ran here).
``cpu_seconds`` is the processor time it used (on a shared machine, wall time also counts the
waits for a core). ``call``: a Python function ``module:function`` runs here, after its imports, and its peak is this
process's ``ru_maxrss``. Either way ``seconds`` is wall time of the command or call alone, and the
function's returned mapping (or the command's last JSON stdout line) is passed through as ``detail``.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

__all__ = ["main"]


def _run_command(spec: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, **spec.get("env", {})}
    started = time.perf_counter()
    done = subprocess.run(spec["argv"], cwd=spec.get("cwd"), env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    if done.returncode != 0:
        return {"failed": f"exit {done.returncode}: {done.stderr.strip()[-2000:]}", "seconds": seconds, "peak_mb": peak_kib / 1024}
    lines = done.stdout.strip().splitlines()
    detail: dict[str, Any] = {}
    if lines:
        try:
            detail = json.loads(lines[-1])
        except json.JSONDecodeError:
            detail = {}
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_kib / 1024, "detail": detail}


def _run_call(spec: dict[str, Any]) -> dict[str, Any]:
    module, _, name = spec["call"].partition(":")
    function = getattr(importlib.import_module(module), name)
    started, cpu_started = time.perf_counter(), time.process_time()
    detail = function(*spec.get("args", []))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_kib / 1024, "detail": dict(detail or {})}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    result = _run_call(spec) if "call" in spec else _run_command(spec)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
