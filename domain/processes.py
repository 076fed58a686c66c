"""Starting one of the project's own modules as a second process, a new Python interpreter.

Four steps hand Python work to the other core this way: the roster import's reader
(:mod:`store.roster_apart`), the ODS audit's line check (:mod:`workflows.batches.ods_check`), the
SSID Extract load's line check (:mod:`workflows.run.extract_check`) and the duplicate search's
pair finder (:mod:`domain.duplicates._apart`). A new interpreter, not a
fork: after ``os.fork`` every page either process changes is copied, and Python changes the
reference counts of whatever it reads. Each caller, when no process can be started or it ends
without its answer, does the work itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["HelperAnswer", "helper_command", "start_helper"]

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


class HelperAnswer:
    """One question answered by a second process as JSON on its standard output, the process
    started (:func:`start_helper`) on construction. :meth:`answer` waits for the answer: ``None``
    when no process could be started or it ended without one, and the caller then works it out
    itself. :meth:`cancel` stops the process without waiting."""

    def __init__(self, command: Sequence[str]) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        try:
            self._process = start_helper(command)
        except OSError:
            pass  # no second process: the caller works the answer out when it asks for it

    def answer(self) -> Any:
        """The decoded answer, or ``None`` (see the class)."""
        process, self._process = self._process, None
        if process is None:
            return None
        with process:
            out, _ = process.communicate()
        return json.loads(out) if process.returncode == 0 and out else None

    def cancel(self) -> None:
        """Stop the second process (the caller ended early); no answer is waited for."""
        process, self._process = self._process, None
        if process is not None:
            with process:
                process.kill()
                process.communicate()
