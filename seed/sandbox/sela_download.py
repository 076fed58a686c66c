"""(Simulator) The SELA ODS download: the English Language Acquisition Status CALPADS holds for an
LEA's students, so the EL/IFEP import (``ssid ods audit … --sela FILE``) can be rehearsed.

One ``SELA-R`` record per student currently enrolled in the LEA who has an ELAS, with its start
date and primary language, for the academic year containing ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from domain.records import SelaRecord
from domain.values import AcademicYear
from domain.writers import write_sela
from seed.sandbox.extracts import ExtractSummary, current_rows, reporting_lea
from seed.sandbox.files import replace_atomically, timestamped_name
from seed.sandbox.models import open_sandbox

__all__ = ["write_sela_download"]


def _calpads(day: dt.date | None) -> str:
    return day.strftime("%Y%m%d") if day is not None else ""


def write_sela_download(
    sandbox_url: str, out_dir: Path, *, today: dt.date, now: dt.datetime, lea: str | None = None
) -> ExtractSummary:
    """Write the SELA ODS download of ``lea`` (default: the LEA that posted most recently) into ``out_dir``."""
    year = AcademicYear.containing(today).code
    with open_sandbox(sandbox_url):
        code = reporting_lea(lea)

        def records() -> Iterator[SelaRecord]:
            for row in current_rows(code, today):
                if row.elas:
                    yield SelaRecord(
                        "SELA-R", "", "", code, row.school, year, row.ssid, row.legal_first, row.legal_last,
                        _calpads(row.birth_date), row.gender, row.local_id, row.elas, _calpads(row.elas_start),
                        row.primary_language or "", "",
                    )

        target = out_dir.resolve() / timestamped_name("SELA_ODS", code, now)
        with replace_atomically(target) as out:
            count = write_sela(records(), out)
    return ExtractSummary(target, count)
