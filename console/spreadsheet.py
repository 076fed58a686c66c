"""CSV for people: cells a spreadsheet program would run as a formula are written as text.

A roster, a CALPADS file or an upload's name can carry ``=HYPERLINK(...)``, ``+1+1``, ``-2+3``
or ``@SUM(1)``; Excel, LibreOffice and Google Sheets run such a cell when the CSV is opened.
Following OWASP's CSV injection guidance, a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading ``'`` (shown as text, never run). Only CSV meant for people
(the console's table exports, the history, the command line's ``--csv``) goes through here;
files sent to CALPADS are written exactly as their layout says.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "spreadsheet_cell", "spreadsheet_line"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a cell a spreadsheet shows as text (``None`` and harmless values as they are)."""
    if value is None:
        return None
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else value


def spreadsheet_line(values: Iterable[Any], lineterminator: str = "\r\n") -> str:
    """One CSV line of ``values``, each made safe by :func:`spreadsheet_cell`."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=lineterminator).writerow([spreadsheet_cell(v) for v in values])
    return buffer.getvalue()
