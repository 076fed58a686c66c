"""Reading a large roster in a second process while this one writes it.

A roster import alternates between reading and checking a block of the file (Python) and
writing it (the database). In one process the two take turns; a second thread does not help,
as Python runs one thread at a time and the writer, woken by the database, waits for the reader
to let go (measured: slower than one thread). So a roster larger than :data:`APART_BYTES` is read,
checked and made into table rows in a second process (``python -m store.roster_apart PATH``), on
the other core, and handed over block by block through a pipe, at most a block or two ahead;
this process only writes. The import then takes about as long as the longer of the two, not
their sum.

Nothing else changes: the blocks come in file order, and a problem the reader meets (a bad line)
is raised here, where that block would have been read, after the blocks before it were written;
the import's transaction then rolls everything back, as without a second process. When no
second process can be started, or it ends without an answer, the rest of the file is read here
(a warning is logged; student data is never logged, and the second process's own error output
is dropped for that reason). The reader never touches the database.
"""

from __future__ import annotations

import logging
import pickle
import sys
from collections.abc import Generator
from itertools import islice
from pathlib import Path
from typing import Any

from domain.errors import FileProblem
from domain.memory import collection_paused
from domain.processes import helper_command, start_helper

__all__ = ["APART_BYTES", "read_apart"]

APART_BYTES = 4 * 1024 * 1024
"""From this file size (about 10,000 roster records) on, the roster is read in a second process:
starting one (a new interpreter importing the reader) costs a few tenths of a second."""

_log = logging.getLogger(__name__)
_COMMAND = helper_command("store.roster_apart")

Block = tuple[Any, ...]


def read_apart(path: Path) -> Generator[Block, None, None]:
    """The roster's blocks as :func:`store.roster_import.roster_blocks` makes them, made in a second
    process; its :class:`~domain.errors.FileProblem` is raised here, in its place."""
    from store.roster_import import roster_blocks

    try:
        reader = start_helper([*_COMMAND, str(path)])
    except OSError:
        _log.warning("the roster is read in the import's own process: no second process could be started")
        yield from roster_blocks(path)
        return
    assert reader.stdout is not None
    received = 0
    with reader:
        try:
            while True:
                try:
                    kind, payload = pickle.load(reader.stdout)
                except (EOFError, pickle.UnpicklingError):  # it ended without its last word
                    break
                if kind == "end":
                    return
                if kind == "problem":
                    raise _rebuilt(payload)
                received += 1
                yield payload
        finally:
            reader.kill()  # done, refused, or the import failed: nothing more is wanted of it
    _log.warning("the roster is read in the import's own process: the second process ended early")
    yield from islice(roster_blocks(path), received, None)


def _rebuilt(payload: tuple[type[FileProblem], dict[str, Any], tuple[Any, ...]]) -> FileProblem:
    """The reader's problem, as it raised it (sent as class and attributes: pickle rebuilds an
    exception from its ``args``, which FileProblem's constructor does not take)."""
    kind, attributes, args = payload
    problem = kind.__new__(kind)
    problem.__dict__.update(attributes)
    problem.args = args
    return problem


def main() -> None:
    """The second process: ``PATH`` as argument; every block pickled to standard output, then
    ``end``, or the first problem."""
    from store.roster_import import roster_blocks

    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m store.roster_apart ROSTER.csv (the roster import starts it)")
    out = sys.stdout.buffer
    with collection_paused():
        try:
            for block in roster_blocks(Path(sys.argv[1])):
                pickle.dump(("block", block), out, pickle.HIGHEST_PROTOCOL)
                out.flush()
        except FileProblem as problem:
            pickle.dump(("problem", (type(problem), vars(problem), problem.args)), out, pickle.HIGHEST_PROTOCOL)
        else:
            pickle.dump(("end", None), out, pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
