"""Text lines out of a file or an uploaded stream, without ever holding the whole file.

Bytes are read in blocks and cut at line ends; each block is decoded as UTF-8 (a BOM at the start
is dropped) and, when that fails, line by line with a fall-back to Windows-1252 and a warning.
CR LF and LF both end a line; blank lines at the end are ignored, a blank line followed by more
data is a problem. ``ParsedFile`` is what every ``open_*`` reader returns.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Generator, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, BinaryIO, Generic, Literal, TypeVar, overload

from domain.errors import FileProblem
from domain.layouts import Layout

__all__ = ["Source", "TextSource", "ParsedFile", "source_name", "utf8_line_blocks", "utf8_lines"]

Source = Path | BinaryIO
"""A file path, or a binary stream (an upload) positioned at the file's first byte."""

T = TypeVar("T")

_BLOCK = 1 << 20
_LONGEST_LINE = 1 << 16  # far beyond any CALPADS record; a longer "line" is not a text file
_CP1252 = "read as Windows-1252 (the file is not UTF-8), from line {line}"


def source_name(source: Source, name: str | None) -> str:
    """The file name messages use: ``name`` if given, else the path's or stream's base name."""
    if name:
        return name
    if isinstance(source, Path):
        return source.name
    stream_name = getattr(source, "name", None)
    if isinstance(stream_name, str) and stream_name:
        return os.path.basename(stream_name)
    return "uploaded file"


class TextSource:
    """The lines of one file as text; re-readable for paths and seekable streams.

    ``first_line`` is the first line (``None`` for an empty file), read on construction so a
    reader knows the file kind before iterating. Decoding warnings go to ``warnings``.
    """

    def __init__(self, source: Source, name: str | None = None) -> None:
        self.name = source_name(source, name)
        self.warnings: list[str] = []
        self._source = source
        self._start: int | None = None
        self._pending: Iterator[str] | None = None
        self._cp1252_warned = False
        if not isinstance(source, Path):
            try:
                self._start = source.tell() if source.seekable() else None
            except OSError:
                self._start = None
        blocks = self._open_blocks()
        first = next(blocks, None)
        self.first_line: str | None = first[0] if first else None
        if self._start is None and not isinstance(source, Path):
            # A one-way stream: keep reading where the peek stopped.
            self._pending = chain.from_iterable(chain([first[1:]] if first else [], blocks))
        else:
            blocks.close()
            if self._start is not None and not isinstance(source, Path):
                source.seek(self._start)  # leave the stream as it was handed over

    def lines(self) -> Iterator[str]:
        """Every line from line 1 on, line ends removed, trailing blank lines left out."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            if self.first_line is not None:
                yield self.first_line
            yield from pending
            return
        if self._start is None and not isinstance(self._source, Path):
            raise FileProblem(self.name, 1, "the stream was already read and cannot be read again")
        # Lines are handed on a block at a time (C-level chaining): a Python step per line of a
        # file of millions of lines costs more than anything done with the line.
        yield from chain.from_iterable(self._open_blocks())

    def line_blocks(self, digest: Callable[[bytes], None] | None = None) -> Iterator[list[str]]:
        """Every line from line 1 on, as :meth:`lines`, in the lists they are decoded in (a block of
        the file at a time; none empty). ``digest`` is handed every byte of the file as it is read
        (e.g. a hash's ``update``), so that a file is read once; a one-way stream cannot be."""
        if self._pending is not None or (self._start is None and not isinstance(self._source, Path)):
            raise FileProblem(self.name, 1, "the stream cannot be read again from its start")
        return self._open_blocks(digest)

    def byte_blocks(self) -> Iterator[tuple[bytes, int]]:
        """The file's bytes from line 1 on, in blocks of whole lines (the last may lack its line end;
        a BOM at the start dropped), each with its number of line ends; undecoded and unchecked:
        for a reader that decodes only the few lines it needs and has every line checked elsewhere."""
        if self._pending is not None or (self._start is None and not isinstance(self._source, Path)):
            raise FileProblem(self.name, 1, "the stream cannot be read again from its start")
        return self._open_blocks(undecoded=True)

    def warn(self, message: str) -> None:
        """Record a warning once."""
        if message not in self.warnings:
            self.warnings.append(message)

    @overload
    def _open_blocks(self, digest: Callable[[bytes], None] | None = None) -> Generator[list[str], None, None]: ...
    @overload
    def _open_blocks(self, *, undecoded: Literal[True]) -> Generator[tuple[bytes, int], None, None]: ...

    def _open_blocks(
        self, digest: Callable[[bytes], None] | None = None, *, undecoded: bool = False
    ) -> Generator[list[str] | tuple[bytes, int], None, None]:
        if isinstance(self._source, Path):
            try:
                stream: BinaryIO = open(self._source, "rb")
            except OSError as error:
                raise FileProblem(self.name, 1, f"cannot be opened ({error.strerror})") from None
            with stream:
                yield from self._cut(stream) if undecoded else self._blocks(stream, digest)
        else:
            if self._start is not None:
                self._source.seek(self._start)
            yield from self._cut(self._source) if undecoded else self._blocks(self._source, digest)

    def _blocks(self, stream: BinaryIO, digest: Callable[[bytes], None] | None = None) -> Iterator[list[str]]:
        """The lines in non-empty lists, blank lines left out; a blank line followed by more data
        is a problem, raised once the lines before it were handed on."""
        blank_from = 0  # number of the first of a run of blank lines, 0 when none is pending
        number = 0
        for block in self._decoded(stream, digest):
            if not blank_from and "" not in block and not any(map(str.isspace, block)):
                if block:
                    number += len(block)
                    yield block
                continue
            kept: list[str] = []
            for line in block:
                number += 1
                if line and not line.isspace():
                    if blank_from:
                        if kept:
                            yield kept
                        raise FileProblem(self.name, blank_from, "blank line in the middle of the file")
                    kept.append(line)
                elif not blank_from:
                    blank_from = number
            if kept:
                yield kept

    def _decoded(self, stream: BinaryIO, digest: Callable[[bytes], None] | None = None) -> Iterator[list[str]]:
        done = 0  # lines decoded so far
        for block, ends in self._cut(stream, digest):
            lines = self._decode_block(block, done, ends)
            if block.endswith(b"\n"):
                lines.pop()  # the block ends with a line end: the last piece is empty
            done += len(lines)
            yield lines

    def _cut(self, stream: BinaryIO, digest: Callable[[bytes], None] | None = None) -> Iterator[tuple[bytes, int]]:
        """The stream's bytes in blocks cut after a line end (the last block may end without
        one), a BOM starting the first dropped; each with its number of line ends."""
        carry = b""
        done = 0  # line ends cut so far (a line too long is named by its number)
        first = True
        while True:
            chunk = stream.read(_BLOCK)
            if not chunk:
                break
            if digest is not None:
                digest(chunk)
            data = carry + chunk if carry else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                if len(carry) > _LONGEST_LINE:
                    raise FileProblem(self.name, done + 1, "line is far too long: this is not a CALPADS text file")
                continue
            block, carry = data[:cut], data[cut:]
            if first:
                block = block.removeprefix(b"\xef\xbb\xbf")
                first = False
            ends = block.count(b"\n")
            done += ends
            yield block, ends
        if carry:
            if first:
                carry = carry.removeprefix(b"\xef\xbb\xbf")
            yield carry, 0

    def _decode_block(self, block: bytes, done: int, ends: int) -> list[str]:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            return [self._decode_line(raw, done + i) for i, raw in enumerate(block.split(b"\n"), start=1)]
        if "\r" in text:
            # Lines that all end CR LF (as CALPADS writes them) are cut there: replacing every CR LF
            # first would copy the block once more (about 0.2 s of each 100 MB, more than the split).
            lines = text.split("\r\n")
            if len(lines) - 1 == ends:  # no LF without its CR
                return lines
            text = text.replace("\r\n", "\n")
        return text.split("\n")

    def _decode_line(self, raw: bytes, number: int) -> str:
        raw = raw.removesuffix(b"\r")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise FileProblem(self.name, number, "is neither UTF-8 nor Windows-1252 text") from None
        if not self._cp1252_warned:
            self._cp1252_warned = True
            self.warn(_CP1252.format(line=number))
        return text


class ParsedFile(Generic[T]):
    """A file opened by a reader: its name, layout and warnings are known; iterating yields its records lazily.

    Iterating reads the file (again, for a path or a seekable stream); a problem found on the way
    raises :class:`domain.errors.FileProblem` naming the line and field.
    """

    def __init__(self, text: TextSource, layout: Layout, rows: Callable[[Iterator[str]], Iterator[T]]) -> None:
        self._text = text
        self._rows = rows
        self.name = text.name
        self.layout = layout
        self.warnings = text.warnings

    @property
    def kind(self) -> str:
        """Human name of the file kind, e.g. ``SSID Extract``."""
        return self.layout.kind

    def __iter__(self) -> Iterator[T]:
        return self._rows(self._text.lines())

    def __repr__(self) -> str:
        return f"ParsedFile({self.name!r}, {self.layout.title})"


def utf8_lines(handle: IO[bytes], name: str, at_once: int = 1) -> Iterator[str]:
    """The lines of a district's own CSV file (a roster, a OneRoster export), which must be UTF-8:
    an encoding problem names its line (raised once the lines before it are handed on); a BOM at
    the start dropped. ``at_once``: about how many bytes of lines are read and decoded at a time
    (one line by default: a zip member's damage is found by the read that reaches its end, and
    the lines before that read are handed on first; a plain file can be read a megabyte at once).
    (CALPADS' own files fall back to Windows-1252 instead: :class:`TextSource`.)"""
    for lines in utf8_line_blocks(handle, name, at_once):
        yield from lines


def utf8_line_blocks(handle: IO[bytes], name: str, at_once: int = 1) -> Iterator[list[str]]:
    """The lines of :func:`utf8_lines`, in lists of the lines decoded at once (a line that is not
    UTF-8 is refused once the lines before it are handed on, each in a list of its own)."""
    number = 0  # lines read so far
    # Many lines decoded at once (a million-line roster spent a tenth of its reading in one decode
    # call per line); a block that is not UTF-8 is handed on line by line, up to the line to name.
    # UTF-8 maps b"\n" to "\n" and no multi-byte sequence holds that byte, so the decoded block
    # splits into the same lines.
    while raws := handle.readlines(at_once):
        if number == 0 and raws[0].startswith(codecs.BOM_UTF8):
            raws[0] = raws[0][len(codecs.BOM_UTF8) :]
        try:
            text = b"".join(raws).decode("utf-8")
        except UnicodeDecodeError:
            for raw in raws:
                number += 1
                try:
                    yield [raw.decode("utf-8")]
                except UnicodeDecodeError:
                    raise FileProblem(name, number, "is not UTF-8 text") from None
            continue
        *ended, last = text.split("\n")
        number += len(raws)
        lines = [line + "\n" for line in ended]
        if not raws[-1].endswith(b"\n"):  # the file's last line, without a line end
            lines.append(last)
        yield lines
