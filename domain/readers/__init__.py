"""Readers of every CALPADS file the project meets: the public entrance (implementations in its private modules).

Every reader streams (a generator over lines; memory stays flat on multi-million-line files),
accepts a path or a binary stream (an upload), recognises the file kind on open (``.layout`` is
known before iterating), accepts a BOM, CR LF or LF and trailing blank lines, falls back from
UTF-8 to Windows-1252 with a warning, and reports every problem as
:class:`domain.errors.FileProblem` naming file, line, field number and field name, never the
value itself. A file of another kind raises :class:`domain.errors.WrongFileKind`
("expected SSID Extract, found SENR").
"""

from __future__ import annotations

from domain.readers._caret import (
    CheckedBlocks,
    CheckedLines,
    LineBlock,
    extract_rows,
    open_ods_senr,
    open_ods_year,
    open_ods_year_blocks,
    OdsYearBlock,
    open_ods_checked_blocks,
    OdsCheckedBlock,
    open_replacements,
    open_sela,
    open_senr,
    open_ssid_extract,
    open_ssid_extract_blocks,
)
from domain.readers._detect import detect_kind
from domain.readers._match_result import open_match_result, read_score
from domain.readers._source import ParsedFile, Source, TextSource, utf8_line_blocks, utf8_lines

__all__ = [
    "utf8_line_blocks",
    "utf8_lines",
    "ParsedFile",
    "Source",
    "TextSource",
    "open_senr",
    "open_ods_senr",
    "open_ods_year",
    "open_ods_year_blocks",
    "OdsYearBlock",
    "open_ods_checked_blocks",
    "OdsCheckedBlock",
    "open_ssid_extract",
    "open_ssid_extract_blocks",
    "LineBlock",
    "CheckedLines",
    "CheckedBlocks",
    "extract_rows",
    "open_replacements",
    "open_match_result",
    "open_sela",
    "detect_kind",
    "read_score",
]
