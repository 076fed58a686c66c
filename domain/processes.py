"""Starting one of the project's own modules as a second process, a new Python interpreter.

Three steps hand Python work to the other core this way: the roster import's reader
(:mod:`store.roster_apart`), the ODS audit's line check (:mod:`workflows.batches.ods_check`) and
the duplicate search's pair finder (:mod:`domain.duplicates._apart`). A new interpreter, not a
fork: after ``os.fork`` every page either process changes is copied, and Python changes the
reference counts of whatever it reads. Each caller, when no process can be started or it ends
without its answer, does the work itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["helper_command", "start_helper"]

_ROOT = str(Path(__file__).resolve().parents[1])  # the folder holding the project's packages


def helper_command(module: str) -> tuple[str, ...]:
    """The command that runs ``module`` (``python -m module``) with this interpreter."""
    return (sys.executable, "-m", module)


def start_helper(command: Sequence[str], *, sends: bool = False) -> subprocess.Popen[bytes]:
    """Start ``command`` (a :func:`helper_command` and its arguments) with the project's packages
    importable. Its standard output is piped to the caller; its standard input is piped when the
    caller ``sends`` (else empty); its error output is dropped, as a traceback could hold student
    data. Raises :class:`OSError` when no process can be started."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        command, stdin=subprocess.PIPE if sends else subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
