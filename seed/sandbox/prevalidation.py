"""(Simulator) CALPADS' pre-validation of an uploaded SENR file, shared by the SSID Matching Tool
and posting: the rules of calpads-files.md §3 (domain.validation) against the submitting LEA, so
the rehearsal refuses what CALPADS would (an LEA code ``19642XX``, a bad date, a missing name),
naming rule and line, instead of being kinder than CALPADS.

The submitting LEA is the one signed in to the sandbox: the LEA that posted most recently (the
demo LEA after seeding), else the file's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from domain.records import SenrRecord
from domain.validation import Violation, validate_senr
from domain.values import AcademicYear, CdsCode
from seed.sandbox.errors import SandboxError
from seed.sandbox.extracts import reporting_lea

__all__ = ["submitting_lea", "prevalidate"]


def submitting_lea(first: SenrRecord) -> CdsCode:
    """The LEA the sandbox takes as the submitter (inside an open sandbox)."""
    try:
        return CdsCode(reporting_lea(None))
    except SandboxError:
        return CdsCode(first.reporting_lea)


def prevalidate(records: Iterable[SenrRecord], *, lea: CdsCode, today: dt.date) -> list[Violation]:
    """Every violation CALPADS' pre-validation finds in ``records`` as of ``today``."""
    return validate_senr(records, lea=lea, current_year=AcademicYear.containing(today), today=today)
