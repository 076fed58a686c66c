"""Checking the lines of a caret-delimited CALPADS file: SENR, its ODS download, SELA, SSID Extract,
Replacement SSIDs.

Unlike a reader, which stops at a file's first bad line (a load is all or nothing), the checker
goes on: every line, every field. SENR and SENR-R records go through SENR pre-validation
(:mod:`domain.validation`, CALPADS' rule ids); the other kinds through their layout table (digits,
dates, codes, required fields). A line that the layout's compiled pattern accepts needs nothing
more (one C-level call), so a clean file of millions of lines is checked at reading speed.

Memory: a finding is handed on as soon as it is found. A file whose records are one district's
students (SENR, SSID Extract, Replacement, SELA) keeps one hash per line to find repeated lines,
and an SENR file the enrollment periods its rule across records (SENR0178) needs; a ten-year ODS
download (``SENR-R``, ``SELA-R``, millions of lines) keeps nothing per line: only a line repeating
the line just before it is found there (a copy saved twice, or every line doubled).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from dataclasses import fields

from domain.checking._findings import CheckOptions, Finding, Rule, field_rule
from domain.layouts import Layout, field_problem, line_pattern
from domain.records import SenrRecord
from domain.validation import Severity, Violation, validate_record, validate_senr
from domain.values import CdsCode

__all__ = ["CaretChecker"]

_SENR_ATTRS = tuple(f.name for f in fields(SenrRecord))
_DOWNLOADS = ("SENR-R", "SELA-R")
_CODE_OUT_OF_YEARS = "GERR0007"


def _senr_builder(where: Layout) -> Callable[[list[str]], SenrRecord]:
    """A function making the SENR record of a line of ``where`` (SENR or SENR-R, any version);
    field 1 always reads ``SENR`` (the download's ``SENR-R`` is checked by the layout)."""
    attrs = [f.attr for f in where.fields]
    if attrs[: len(_SENR_ATTRS)] == list(_SENR_ATTRS):
        end = len(_SENR_ATTRS)
        return lambda values: SenrRecord("SENR", *values[1:end])
    kept = [(i, attr) for i, attr in enumerate(attrs) if attr in _SENR_ATTRS and attr != "record_type"]
    return lambda values: SenrRecord(**{attr: values[i] for i, attr in kept})


def _field_numbers(where: Layout) -> dict[int, int]:
    """SENR field number (validation numbers fields as the current SENR does) -> the field's number
    in ``where`` (before 2018-19, Primary Language Code at 22 put every later field one place on)."""
    return {_SENR_ATTRS.index(f.attr) + 1: f.number for f in where.fields if f.attr in _SENR_ATTRS}


def _from_violation(line: int, violation: Violation, numbers: dict[int, int], download: bool = False) -> Finding:
    """A violation as a finding of ``line``, its field numbered as in the file's layout (``numbers``:
    :func:`_field_numbers`; a field the file's version lacks keeps the current SENR's number)."""
    severity, message = violation.severity, violation.message
    if download and violation.rule == _CODE_OUT_OF_YEARS:
        # A download is CALPADS' own record: a student's codes as they are now stand on the records
        # of earlier years (gender X on a record of 2016-17), which could not be posted for that year.
        severity, message = Severity.WARNING, f"{message} (as CALPADS holds it now)"
    return Finding(
        line=line, field_number=numbers.get(violation.field_number, violation.field_number), field_name=violation.field_name,
        rule=violation.rule, message=message, severity=severity,
    )


class CaretChecker:
    """Checks the lines of one caret file of layout ``where``, handing on findings line by line."""

    def __init__(self, where: Layout, options: CheckOptions, first_line: str) -> None:
        self.layout = where
        self.options = options
        self.delimiter = where.delimiter
        self.senr = where.record_type in ("SENR", "SENR-R")
        self.download = where.record_type in _DOWNLOADS
        self.clean = line_pattern(where, not self.senr).fullmatch
        first = first_line.split(self.delimiter)
        self.lea_spec = next((f for f in where.fields if f.attr == "reporting_lea"), None)
        lea = options.lea
        if lea is None and self.lea_spec is not None and len(first) > self.lea_spec.number - 1:
            lea = CdsCode(first[self.lea_spec.number - 1])
        self.lea = lea
        self.make_senr = _senr_builder(where) if self.senr else None
        self.numbers = _field_numbers(where)
        # The SENR fields after the 35 (the download's Upload Date, Last Date Updated): checked here
        # for the SENR kinds (the fields of the other kinds are all checked by the layout table).
        self.extra = [f for f in where.fields if f.attr not in _SENR_ATTRS]

    def findings(self, lines: Iterator[str]) -> Iterator[Finding]:
        """Every finding of the file's lines, in line order; ``lines`` is consumed."""
        if self.senr and not self.download:
            yield from self._senr_file(lines)
            return
        previous: str | None = None
        seen: dict[int, int] = {}
        for number, line in enumerate(lines, start=1):
            yield from self._duplicate(number, line, previous, seen)
            previous = line
            yield from self.line(number, line)

    def _duplicate(self, number: int, line: str, previous: str | None, seen: dict[int, int]) -> Iterator[Finding]:
        if self.download:
            if line == previous:
                yield Finding(line=number, field_number=None, field_name="", rule=Rule.DUPLICATE.value,
                              message=f"repeats line {number - 1} exactly (was the file pasted or saved twice?)")
            return
        first = seen.setdefault(hash(line), number)
        if first != number:
            yield Finding(line=number, field_number=None, field_name="", rule=Rule.DUPLICATE.value,
                          message=f"repeats line {first} exactly (was the file pasted or saved twice?)")

    def line(self, number: int, line: str) -> list[Finding]:
        """Every finding of one line (its field count, then field by field)."""
        if not self.senr and self.clean(line) is not None:
            return self._lea(number, line.split(self.delimiter))
        values = line.split(self.delimiter)
        if len(values) != self.layout.width:
            return [Finding(line=number, field_number=None, field_name="", rule=Rule.LAYOUT.value,
                            message=f"has {len(values)} fields; {self.layout.title} has {self.layout.width}")]
        found = self._layout_fields(number, values)
        if self.make_senr is not None:
            options = self.options
            violations = validate_record(
                self.make_senr(values), lea=self.lea or CdsCode(values[3]), current_year=options.current_year,
                today=options.today,
            )
            found = [*found, *(_from_violation(number, v, self.numbers, self.download) for v in violations)]
            found.sort(key=lambda f: f.field_number or 0)
        elif not found:
            found = self._lea(number, values)
        return found

    def _layout_fields(self, number: int, values: list[str]) -> list[Finding]:
        """Field problems by the layout table (for SENR kinds: the record type and the fields after the 35)."""
        where = self.layout
        specs = [where.fields[0], *self.extra] if self.senr else where.fields
        found = []
        for spec in specs:
            value = values[spec.number - 1]
            problem = field_problem(spec, value, True, where.record_type, self.delimiter)
            if problem:
                rule = Rule.LAYOUT.value if spec.number == 1 and where.record_type else field_rule(spec, value, self.delimiter)
                found.append(Finding(line=number, field_number=spec.number, field_name=spec.name, rule=rule, message=problem))
        return found

    def _lea(self, number: int, values: list[str]) -> list[Finding]:
        spec = self.lea_spec
        if spec is None or self.lea is None or values[spec.number - 1] == self.lea:
            return []
        return [Finding(line=number, field_number=spec.number, field_name=spec.name, rule=Rule.LEA.value,
                        message=f"is not the district's Reporting LEA {self.lea}")]

    def _senr_file(self, lines: Iterator[str]) -> Iterator[Finding]:
        """An SENR file: layout findings as the lines come, then pre-validation of its records with
        the rule across records (SENR0178), merged in line order."""
        assert self.make_senr is not None
        make = self.make_senr
        at_line = array("l")  # record number - 1 -> line number
        layout: list[Finding] = []
        seen: dict[int, int] = {}

        def records() -> Iterator[SenrRecord]:
            for number, line in enumerate(lines, start=1):
                layout.extend(self._duplicate(number, line, None, seen))
                values = line.split(self.delimiter)
                if len(values) != self.layout.width:
                    layout.append(Finding(line=number, field_number=None, field_name="", rule=Rule.LAYOUT.value,
                                          message=f"has {len(values)} fields; {self.layout.title} has {self.layout.width}"))
                    continue
                layout.extend(self._layout_fields(number, values))
                at_line.append(number)
                yield make(values)

        options = self.options
        violations = validate_senr(
            records(), lea=self._senr_lea(), current_year=options.current_year, today=options.today,
        )
        found = layout + [_from_violation(at_line[(v.record or 1) - 1], v, self.numbers) for v in violations]
        found.sort(key=lambda f: (f.line, f.field_number or 0))
        yield from found

    def _senr_lea(self) -> CdsCode:
        # Without a district LEA and without a readable first line there is nothing to compare with:
        # an impossible code makes every line SENR0001, which is what such a file deserves.
        return self.lea if self.lea is not None else CdsCode("")
