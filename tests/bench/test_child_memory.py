"""The bench's memory figure counts a command's forked helpers too (bench.child)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bench.child import _run_command

_MB = 150

# The command fills _MB of its own, forks, and the copy writes every page again: _MB more in all.
_FORKING = f"""
import os, time
block = bytearray({_MB} << 20)
block[::4096] = b"x" * len(range(0, len(block), 4096))
pid = os.fork()
if pid == 0:
    block[::4096] = b"y" * len(range(0, len(block), 4096))
    time.sleep(1.5)
    os._exit(0)
time.sleep(1.5)
os.waitpid(pid, 0)
"""


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="sums the processes' memory from Linux /proc")
def test_a_command_that_forks_is_measured_with_its_helper_not_as_its_largest_process() -> None:
    measured = _run_command({"argv": [sys.executable, "-c", _FORKING]})
    assert "failed" not in measured, json.dumps(measured)
    # Each process alone peaks at a little over _MB; together they hold twice that.
    assert 2 * _MB <= measured["peak_mb"] < 2 * _MB + 100
