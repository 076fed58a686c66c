"""Run one measured thing in a fresh process and print one JSON line: seconds and peak memory.

    python -m bench.child '{"argv": ["ssid", "run", "start", ...], "cwd": "...", "env": {...}}'
    python -m bench.child '{"call": "bench.floors:csv_parse", "args": ["file.txt"]}'

``argv``: the command runs as this process's only child; its peak resident memory is the larger
of ``RUSAGE_CHILDREN.ru_maxrss`` (the largest single process's own peak, as no other child ever ran
here) and the highest sum, sampled every :data:`SAMPLE_SECONDS`, of the proportional set sizes of
the command and every process it started (a process that forks a helper shares its pages with
it: each shared page counts once in all, never twice, never not at all).
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
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["main", "SAMPLE_SECONDS", "tree_pss_kib"]

SAMPLE_SECONDS = 0.2
"""How often the memory of a command's processes is summed while it runs."""


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process under it (Linux ``/proc``; a process gone meanwhile is left out)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                waiting.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def tree_pss_kib(pid: int) -> int:
    """The proportional set size, in KiB, of ``pid`` and its descendants together (0 where ``/proc`` has none)."""
    total = 0
    for member in _descendants(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return total


def _run_command(spec: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, **spec.get("env", {})}
    started = time.perf_counter()
    process = subprocess.Popen(spec["argv"], cwd=spec.get("cwd"), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    sampled = [0]
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(SAMPLE_SECONDS):
            sampled[0] = max(sampled[0], tree_pss_kib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    finished.set()
    sampler.join()
    done = subprocess.CompletedProcess(spec["argv"], process.returncode, stdout, stderr)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kib, cpu = max(usage.ru_maxrss, sampled[0]), usage.ru_utime + usage.ru_stime
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
