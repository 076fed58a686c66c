"""Finding the pairs to compare in a second process while this one compares them.

A district-wide search spends about a third of its time finding the pairs to compare (the
blocking, :func:`~domain.duplicates._blocking.fresh_pairs`) and most of the rest comparing them,
both in Python, one core at a time; a thread would not help, as Python runs one thread at a
time. So a large search (:data:`APART_PEOPLE`) starts a second interpreter
(``python -m domain.duplicates._apart``), sends it what the blocking codes are made of (names,
gender, birth date, city and rank in name order: :func:`~domain.duplicates._blocking.blocking_inputs`),
and compares the pairs as they come back through a pipe while the second process finds more.
The same pairs come in the same order, so every result is the same.

Memory decides the shape (600,000 students, measured):

- a new interpreter, not ``os.fork``: after a fork every page this process changes is copied,
  and comparing changes the reference counts of every person; the two processes held 1.3 GB
  where one search holds 0.8 GB;
- the pipe is emptied between slices of the comparing, so the second process finds every kind
  without waiting for the comparing to catch up and ends (its codes and blocks freed) about
  halfway through it; held open a kind ahead, it lived to the end and the two held 1.15 GB.

Only on POSIX systems (the pipe is read without blocking). The second process touches no
database or file; its error output is dropped (a traceback could hold a name). If it cannot be
started, or ends without its last word, the rest of the pairs are found here.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
from array import array
from collections.abc import Iterator, Sequence
from itertools import islice
from types import TracebackType

from domain.duplicates._blocking import BlockingCodes, blocking_inputs, codes_of, forget_name_codes, fresh_pairs, population_codes
from domain.matching import PreparedFacts
from domain.memory import collection_paused
from domain.processes import helper_command, start_helper

__all__ = ["APART_PEOPLE", "PairsFoundApart", "can_find_apart"]

APART_PEOPLE = 20_000
"""From this many people on, a search finds its pairs in a second process: below, the blocking
takes about a second or less, and starting an interpreter a few tenths."""

SLICE = 8192
"""How many pairs :class:`PairsFoundApart` gives at a time: the pipe is emptied before each slice."""

_SENT = 20_000  # people a message: the second process works out their codes while the next is sent
_COMMAND = helper_command("domain.duplicates._apart")
_HEADER = 8  # a message's length (little-endian, signed): a kind's pairs as machine integers; -1 for the end
_END = -1
_PIPE_BYTES = 1 << 20  # Linux lets a pipe hold this much without privileges (the default is 64 KB)


def can_find_apart() -> bool:
    """Whether a search can find its pairs in a second process here (a POSIX system)."""
    return os.name == "posix"


class PairsFoundApart:
    """The pairs of :func:`~domain.duplicates._blocking.fresh_pairs`, found by a second process:
    started, and sent the people, when this is built. Iterating gives (kinds found so far, a slice
    of at most :data:`SLICE` pairs), in order; close it (or leave its ``with``) to stop it."""

    def __init__(self, people: Sequence[PreparedFacts]) -> None:
        self._people = people
        self._kinds = 0  # kinds received whole
        self._buffer = bytearray()
        self._ended = False  # the pipe is at its end
        self.received_all = False
        """Whether the second process found every pair (none was found here)."""
        self._process: subprocess.Popen[bytes] | None
        try:
            self._process = start_helper(_COMMAND, sends=True)
        except OSError:  # no process to be had (no interpreter there, a process limit): found here
            self._process = None
            return
        assert self._process.stdin is not None and self._process.stdout is not None
        self._pipe = self._process.stdout.fileno()
        self._widen_pipe()
        os.set_blocking(self._pipe, False)
        try:
            with self._process.stdin as sending:
                inputs = blocking_inputs(people)
                while part := list(islice(inputs, _SENT)):
                    pickle.dump(part, sending, pickle.HIGHEST_PROTOCOL)
                pickle.dump(None, sending, pickle.HIGHEST_PROTOCOL)
        except OSError:  # it ended while being sent the people: found here
            self.close()

    def __iter__(self) -> Iterator[tuple[int, array[int]]]:
        if self._process is not None:
            while (pairs := self._message()) is not None:
                self._kinds += 1
                for start in range(0, len(pairs), SLICE):
                    self._drain()
                    yield self._kinds, pairs[start : start + SLICE]
                if not len(pairs):
                    yield self._kinds, pairs
            self.close()
        if not self.received_all:
            for kinds, pairs in enumerate(islice(fresh_pairs(population_codes(self._people)), self._kinds, None), self._kinds + 1):
                yield kinds, pairs

    def _widen_pipe(self) -> None:
        """Let the pipe hold more than a few thousand pairs (Linux only; elsewhere, or above the
        system's limit, its default size serves)."""
        try:
            import fcntl
        except ImportError:
            return
        setting = getattr(fcntl, "F_SETPIPE_SZ", None)
        if setting is not None:
            try:
                fcntl.fcntl(self._pipe, setting, _PIPE_BYTES)
            except OSError:
                pass

    def _message(self) -> array[int] | None:
        """The next kind's pairs, waiting for them; ``None`` at the end (:attr:`received_all` says
        whether it was the second process's last word)."""
        while True:
            if len(self._buffer) >= _HEADER:
                size = int.from_bytes(self._buffer[:_HEADER], "little", signed=True)
                if size == _END:
                    self.received_all = True
                    return None
                if len(self._buffer) >= _HEADER + size:
                    pairs = array("q")
                    pairs.frombytes(self._buffer[_HEADER : _HEADER + size])
                    del self._buffer[: _HEADER + size]
                    return pairs
            if self._ended:
                return None
            select.select([self._pipe], [], [])
            self._drain()

    def _drain(self) -> None:
        """Take what the pipe holds, without waiting."""
        while not self._ended:
            try:
                data = os.read(self._pipe, _PIPE_BYTES)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._ended = True
            self._buffer += data

    def close(self) -> None:
        """Stop the second process (done, or the search failed or was stopped)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def __enter__(self) -> PairsFoundApart:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()


def main() -> None:
    """The second process: the people's blocking inputs from standard input, in pickled lists
    ended by ``None``; each kind's pairs to standard output as machine integers, after their
    length in bytes, then the length -1."""
    if len(sys.argv) != 1:
        raise SystemExit("usage: python -m domain.duplicates._apart (the duplicate search starts it)")
    receiving, sending = sys.stdin.buffer, sys.stdout.buffer
    with collection_paused():
        codes: list[BlockingCodes] = []
        while (people := pickle.load(receiving)) is not None:
            codes.extend(codes_of(*person) for person in people)
        forget_name_codes()
        for pairs in fresh_pairs(codes):
            sending.write((len(pairs) * pairs.itemsize).to_bytes(_HEADER, "little", signed=True))
            sending.write(pairs.tobytes())
            sending.flush()
        sending.write(_END.to_bytes(_HEADER, "little", signed=True))
        sending.flush()


if __name__ == "__main__":
    main()
