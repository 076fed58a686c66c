"""Recognising a file's kind from its first line: record type in field 1, column count, header names."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from domain.errors import FileProblem, WrongFileKind
from domain.layouts import LAYOUTS, MATCH_RESULT_PUBLISHED, Layout, layout
from domain.readers._source import Source, TextSource

__all__ = ["Detected", "detect", "detect_kind", "expect", "CSV_DELIMITERS", "split_csv_line"]

CSV_DELIMITERS = (",", "\t", ";")
"""Delimiters of a match result file: CALPADS' comma, and what a re-save by Excel may produce."""

_ALL = tuple(v for versions in LAYOUTS.values() for v in versions)
_MATCH = layout("SSID Match result")


@dataclass(frozen=True, slots=True)
class Detected:
    """What a first line says: the human kind name and, when the shape fits one, the exact layout."""

    kind: str
    layout: Layout | None
    fields: int = 0


def split_csv_line(line: str) -> tuple[str, list[str]]:
    """The delimiter a CSV line uses and its values: the first of ``CSV_DELIMITERS`` giving 13 columns or more
    (else the one giving most columns)."""
    best: tuple[str, list[str]] = (",", [line])
    for delimiter in CSV_DELIMITERS:
        try:
            values = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(values) >= MATCH_RESULT_PUBLISHED:
            return delimiter, values
        if len(values) > len(best[1]):
            best = (delimiter, values)
    return best


def _utf16(first_line: str) -> bool:
    """Whether the line is UTF-16 read as 8-bit text: its byte-order mark, or every other character NUL."""
    if first_line.startswith(("\ufeff\x00", "\xff\xfe", "\xfe\xff", "ÿþ", "þÿ")):
        return True
    sample = first_line[:64]
    return len(sample) >= 8 and (sample[1::2].count("\x00") == len(sample[1::2]) or sample[::2].count("\x00") == len(sample[::2]))


def detect(first_line: str | None) -> Detected:
    """The kind of file whose first (non-empty) line is ``first_line``."""
    if first_line is None:
        return Detected("an empty file", None)
    if _utf16(first_line):
        return Detected('UTF-16 text (Excel\'s "Unicode Text"): save it as UTF-8 or Windows-1252 text', None)
    parts = first_line.split("^")
    same_type = [v for v in _ALL if v.record_type is not None and v.record_type == parts[0]]
    if same_type:
        fit = [v for v in same_type if v.width == len(parts)]
        return Detected(same_type[0].kind, fit[0] if fit else None, len(parts))
    if len(parts) > 1:
        fit = [v for v in _ALL if v.record_type is None and v.delimiter == "^" and v.width == len(parts)]
        if fit:
            return Detected(fit[0].kind, fit[0], len(parts))
    names = {f.name.lower() for f in _MATCH.fields}
    _, values = split_csv_line(first_line)
    if any(v.strip().lower() in names for v in values) or (
        len(parts) == 1 and len(values) >= MATCH_RESULT_PUBLISHED
    ):
        return Detected(_MATCH.kind, _MATCH, len(values))
    if "\x00" in first_line or first_line.startswith("PK\x03\x04"):
        return Detected("a binary file (an Excel workbook?), not text", None)
    if len(parts) > 1:
        return Detected(f"an unrecognised file (line 1 has {len(parts)} ^-separated fields)", None, len(parts))
    return Detected("an unrecognised file", None)


def detect_kind(source: Source) -> str:
    """The human name of a file's kind (``SENR``, ``SSID Extract``, ``SENR ODS download`` ...).

    Reads only the first line; a seekable stream is put back where it was.
    """
    return detect(TextSource(source).first_line).kind


def expect(text: TextSource, *names: str) -> Layout:
    """The layout of ``text`` if it is one of the layouts ``names``; else the problem, naming what was found."""
    expected = LAYOUTS[names[0]][-1].kind
    found = detect(text.first_line)
    if found.layout is not None and found.layout.name in names:
        return found.layout
    same_kind = found.kind == expected or any(LAYOUTS[n][-1].kind == found.kind for n in names)
    # A caret file of unknown width may well be a file without record type with a column more or less.
    untyped_caret = found.layout is None and found.fields > 1 and LAYOUTS[names[0]][-1].record_type is None
    if same_kind or untyped_caret:
        widths = " or ".join(f"{v.width} ({v.version})" for n in names for v in LAYOUTS[n])
        raise FileProblem(text.name, 1, f"has {found.fields} fields; {expected} has {widths}")
    raise WrongFileKind(text.name, 1, expected, found.kind)
