"""Files in and out of a step: SHA-256 fingerprints, SENR content, and writing an output file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from domain.records import SenrRecord
from domain.runs import CalpadsAction, CalpadsHistoryEntry, FileKind, GeneratedFile
from domain.writers import write_senr
from workflows.errors import StepRefused
from workflows.ports import Files
from workflows.run.stepping import Actor

__all__ = ["Progress", "counted", "count_lines", "sha256_bytes", "sha256_file", "FileDigest", "senr_bytes", "check_out_dir", "write_output", "local_stamp", "keep_file", "note_loaded"]


R = TypeVar("R")

Progress = Callable[[int], None]
"""Told how many more lines were read (for a progress bar)."""


def count_lines(path: Path) -> int:
    """How many lines the file has (line ends counted in blocks; a last line without one counts)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def counted(rows: Iterable[R], progress: Progress | None, every: int = 10_000) -> Iterator[R]:
    """``rows`` unchanged, telling ``progress`` every ``every`` rows and at the end."""
    if progress is None:
        yield from rows
        return
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == every:
            progress(pending)
            pending = 0
    if pending:
        progress(pending)


def sha256_bytes(content: bytes) -> str:
    """The SHA-256 of ``content``, in hex."""
    return hashlib.sha256(content).hexdigest()


def sha256_file(path: Path, stop: threading.Event | None = None) -> str:
    """The SHA-256 of the file at ``path``, read in blocks (given up, ``""``, once ``stop`` is set)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            if stop is not None and stop.is_set():
                return ""
            digest.update(block)
    return digest.hexdigest()


class FileDigest:
    """The SHA-256 of a file, computed in a thread while the caller reads the file itself
    (hashlib and file reads release the GIL: on a second core, a district-sized file's hash
    costs no wall time). :meth:`result` waits for it; :meth:`cancel` gives it up."""

    def __init__(self, path: Path) -> None:
        self._stop = threading.Event()
        self._digest = ""
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), name="ssid-sha256", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._digest = sha256_file(path, self._stop)
        except BaseException as error:  # handed to the caller by result()
            self._error = error

    def result(self) -> str:
        """The hex digest (raises what hashing raised, e.g. the file could not be read)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digest

    def cancel(self) -> None:
        """Stop hashing (the file was refused: its fingerprint is not needed)."""
        self._stop.set()


def senr_bytes(records: Iterable[SenrRecord]) -> tuple[bytes, int]:
    """An SENR file's exact bytes and its record count."""
    buffer = io.BytesIO()
    count = write_senr(records, buffer)
    return buffer.getvalue(), count


def check_out_dir(out_dir: Path) -> Path:
    """The output folder, created if missing; refused when it cannot be written to."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StepRefused(f"{out_dir}: cannot create the output folder ({error.strerror})") from None
    if not out_dir.is_dir() or not os.access(out_dir, os.W_OK):
        raise StepRefused(f"{out_dir}: not a folder that can be written to")
    return out_dir


def write_output(out_dir: Path, name: str, content: bytes) -> Path:
    """Write ``content`` as ``out_dir/name`` all at once (a temporary file renamed into place)."""
    target = check_out_dir(out_dir) / name
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def local_stamp(at: dt.datetime) -> dt.datetime:
    """``at`` in the machine's local time, as file names show it to the people who download them."""
    return at.astimezone() if at.tzinfo is not None else at


def keep_file(
    files: Files, kind: FileKind, name: str, content: bytes, *, records: int, actor: Actor, run_id: int | None
) -> GeneratedFile:
    """Keep a produced file (File Download list, with its SHA-256) and note it in the CALPADS History."""
    at = actor.now()
    kept = files.add_generated_file(kind, name, content, records=records, at=at, actor=actor.name, run_id=run_id)
    files.add_calpads_history(
        CalpadsHistoryEntry(
            at=at, actor=actor.name, action=CalpadsAction.PRODUCED, kind=kind, file_name=name, sha256=kept.sha256,
            records=records, run=run_id,
        )
    )
    return kept


def note_loaded(
    files: Files,
    kind: FileKind,
    name: str,
    sha256: str,
    *,
    records: int,
    actor: Actor,
    run_id: int | None = None,
    batch_id: int | None = None,
) -> None:
    """Note a loaded CALPADS file in the CALPADS History."""
    files.add_calpads_history(
        CalpadsHistoryEntry(
            at=actor.now(), actor=actor.name, action=CalpadsAction.LOADED, kind=kind, file_name=name, sha256=sha256,
            records=records, run=run_id, batch=batch_id,
        )
    )
