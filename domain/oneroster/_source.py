"""The files of a OneRoster export handed over as a folder or a zip archive, read safely.

A zip is read in place (nothing is extracted). It is refused when a member's name could
escape a folder (absolute, ``..``, a drive or a backslash), when a member or the whole would
unpack to more than the limits, or when a member is compressed suspiciously well (a zip bomb).
The CSV files sit at the top of the export or inside one top-level folder.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from domain.errors import FileProblem
from domain.readers import utf8_line_blocks

__all__ = ["ExportLimits", "ExportFiles", "is_export"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportLimits:
    """How large an export may be: each CSV file, all of them together, and the compression ratio."""

    file_bytes: int = 2 * 1024**3
    total_bytes: int = 8 * 1024**3
    ratio: int = 200


def is_export(path: Path) -> bool:
    """Whether ``path`` looks like a OneRoster export: a folder or a zip archive (not a roster CSV)."""
    return path.is_dir() or (path.is_file() and zipfile.is_zipfile(path))


class ExportFiles:
    """The CSV files of one export, by name (``users.csv`` ...), opened as UTF-8 text lines."""

    def __init__(self, path: Path, limits: ExportLimits) -> None:
        self._path = path
        self._limits = limits
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self._members = self._folder_members(path)
        else:
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError):
                raise FileProblem(path.name, 1, "is neither a folder nor a readable zip archive") from None
            self._members = self._zip_members(self._zip)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> ExportFiles:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def has(self, name: str) -> bool:
        return name in self._members

    @contextmanager
    def lines(self, name: str) -> Iterator[Iterator[str]]:
        """The lines of ``name`` as text (a UTF-8 BOM dropped); a line that is not UTF-8 is refused by number."""
        with self.line_blocks(name) as blocks:
            yield chain.from_iterable(blocks)

    @contextmanager
    def line_blocks(self, name: str) -> Iterator[Iterator[list[str]]]:
        """The lines of :meth:`lines`, in lists of the lines read at once."""
        member = self._members.get(name)
        if member is None:
            raise FileProblem(name, 1, f"is missing from the export {self._path.name}")
        handle: IO[bytes]
        if self._zip is not None:
            handle, at_once = self._zip.open(member), 1  # a line at a time: damage is named by the line reached
        else:
            handle, at_once = (self._path / member).open("rb"), 1 << 20  # a plain file: a megabyte of lines at a time
        with handle:
            yield _decoded(handle, name, at_once)

    def _folder_members(self, folder: Path) -> dict[str, str]:
        root = folder if any(folder.glob("*.csv")) else _single_subfolder(folder)
        members: dict[str, str] = {}
        total = 0
        for file in sorted(root.glob("*.csv")):
            size = file.stat().st_size
            total += size
            self._check_size(file.name, size, total)
            members[file.name] = str(file.relative_to(folder))
        return members

    def _zip_members(self, archive: zipfile.ZipFile) -> dict[str, str]:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        for info in infos:
            if not _safe_member_name(info.filename):
                raise FileProblem(self._path.name, 1, "holds a file whose name leaves the archive's folder (refused)")
        total = 0
        for info in infos:
            total += info.file_size
            self._check_size(info.filename, info.file_size, total)
            if info.file_size > 1024**2 and info.file_size > self._limits.ratio * max(1, info.compress_size):
                raise FileProblem(self._path.name, 1, f"{info.filename} unpacks to over {self._limits.ratio} times its packed size (refused)")
        csvs = [PurePosixPath(i.filename) for i in infos if i.filename.endswith(".csv")]
        chosen = [p for p in csvs if len(p.parts) == 1]
        if not chosen and len({p.parts[0] for p in csvs if len(p.parts) == 2}) == 1:
            chosen = [p for p in csvs if len(p.parts) == 2]
        return {p.name: str(p) for p in chosen}

    def _check_size(self, name: str, size: int, total: int) -> None:
        limits = self._limits
        if size > limits.file_bytes:
            raise FileProblem(self._path.name, 1, f"{name} is over {limits.file_bytes // 1024**2:,} MB (refused)")
        if total > limits.total_bytes:
            raise FileProblem(self._path.name, 1, f"holds over {limits.total_bytes // 1024**2:,} MB of files (refused)")


def _single_subfolder(folder: Path) -> Path:
    subfolders = [p for p in folder.iterdir() if p.is_dir()]
    return subfolders[0] if len(subfolders) == 1 else folder


def _safe_member_name(name: str) -> bool:
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    return ".." not in PurePosixPath(name).parts


def _decoded(handle: IO[bytes], name: str, at_once: int) -> Iterator[list[str]]:
    number = 0
    try:
        for lines in utf8_line_blocks(handle, name, at_once):
            number += len(lines)
            yield lines
    except zipfile.BadZipFile:
        raise FileProblem(name, number + 1, "is damaged in the zip archive") from None
