"""A checker for any CALPADS file: every problem of every line, with its line, field and rule.

A district checks the files its own SIS produced before uploading them, and the files CALPADS
handed it before loading them. :func:`check_file` recognises the kind from line 1 (SENR, SSID
Extract of 14 or 16 columns, Replacement SSIDs, SSID Match result, SENR or SELA ODS download,
SELA), then reads every line and reports each problem the project knows: the layout (field count,
lengths, digits, dates, code sets, required fields), SENR pre-validation with CALPADS' rule ids
(calpads-files.md §3), lines repeated, a Reporting LEA of another district. Where a load stops at
the first bad line, the checker goes on to the end.

Nothing here needs a database: what a check is judged against (today, the district's LEA, the
academic year) is handed in as :class:`CheckOptions`. Findings stream: iterating a
:class:`FileCheck` reads the file once and hands each finding on as it is found (see
:mod:`domain.checking._caret` for what is kept per line).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from domain.checking._caret import CaretChecker
from domain.checking._findings import CheckOptions, CheckOutcome, Finding, Rule
from domain.checking._match import match_findings
from domain.errors import FileProblem
from domain.layouts import Layout, layouts_of_kind
from domain.readers import Source, TextSource, detect_kind
from domain.validation import Severity

__all__ = ["CheckOptions", "CheckOutcome", "FileCheck", "Finding", "Rule", "check_file", "KINDS"]

KINDS = (
    "SENR", "SENR ODS download", "SSID Extract", "Replacement SSIDs Extract", "SSID Match result", "SELA",
    "SELA ODS download",
)
"""The kinds of file the checker knows (the human kind names of :mod:`domain.layouts`)."""


class FileCheck:
    """The check of one file: its kind and layout are known on creation; iterating yields its
    findings in line order. After iterating, ``lines``, ``errors``, ``warnings`` and ``outcome``
    say how it went."""

    _text: TextSource | None  # the file's text, once it was found readable

    def __init__(self, source: Source, options: CheckOptions, name: str | None = None) -> None:
        self._source = source
        self._options = options
        self.name = name or (source.name if isinstance(source, Path) else "uploaded file")
        self.kind = "unknown"
        self.layout: Layout | None = None
        self.lines = 0
        self.errors = 0
        self.warnings = 0
        self.read_warnings: list[str] = []
        self._unreadable: Finding | None = None
        self._text = None
        try:
            text = TextSource(source, name)
            self.name = text.name
            self.kind = detect_kind(source)
        except FileProblem as problem:
            self._unreadable = _read_finding(problem.line, problem.message)
            return
        self._text = text
        self.read_warnings = text.warnings
        if self.kind not in KINDS:
            self._unreadable = _read_finding(1, f"is {self.kind}, not a CALPADS file the checker knows")
            return
        assert text.first_line is not None
        self.layout = _layout_of(self.kind, text.first_line)
        if self.layout is None:
            widths = " or ".join(f"{v.width} ({v.version})" for v in layouts_of_kind(self.kind))
            width = len(text.first_line.split("^"))
            self._unreadable = _read_finding(1, f"has {width} fields; {self.kind} has {widths}")

    @property
    def outcome(self) -> CheckOutcome:
        """Clean, problems found (errors; warnings alone leave a file clean), or unreadable."""
        if self._unreadable is not None:
            return CheckOutcome.UNREADABLE
        return CheckOutcome.PROBLEMS if self.errors else CheckOutcome.CLEAN

    def __iter__(self) -> Iterator[Finding]:
        for finding in self._findings():
            if finding.severity is Severity.WARNING:
                self.warnings += 1
            else:
                self.errors += 1
            yield finding

    def _findings(self) -> Iterator[Finding]:
        if self._unreadable is not None:
            yield self._unreadable
            return
        text, where = self._text, self.layout
        assert text is not None
        assert where is not None
        assert text.first_line is not None
        lines = self._counted(text.lines())
        try:
            if where.kind == "SSID Match result":
                yield from match_findings(self._source, text.first_line, lines, where, self._options)
            else:
                yield from CaretChecker(where, self._options, text.first_line).findings(lines)
        except FileProblem as problem:  # the text itself stops: not UTF-8 or Windows-1252, a blank line ...
            self._unreadable = _read_finding(problem.line, problem.message)
            yield self._unreadable

    def _counted(self, lines: Iterator[str]) -> Iterator[str]:
        """The lines, counted into ``self.lines`` as they are read."""
        for line in lines:
            self.lines += 1
            yield line


def _read_finding(line: int, message: str) -> Finding:
    return Finding(line=max(line, 1), field_number=None, field_name="", rule=Rule.READ.value, message=message)


def _layout_of(kind: str, first_line: str) -> Layout | None:
    """The version of ``kind`` whose width line 1 has (the match result: its one layout)."""
    versions = layouts_of_kind(kind)
    if versions[0].delimiter != "^":
        return versions[0]
    width = len(first_line.split("^"))
    return next((v for v in versions if v.width == width), None)


def check_file(source: Source, options: CheckOptions, name: str | None = None) -> FileCheck:
    """Check a file (a path, or a seekable binary stream at its first byte) of any kind the
    project knows; iterate the result for its findings.

    A file that cannot be read as a CALPADS file at all (missing, empty, binary, UTF-16, of an
    unknown kind, line 1 of no known width, text that stops being text) yields one ``READ``
    finding naming the line, and its ``outcome`` is ``UNREADABLE``.
    """
    return FileCheck(source, options, name)
