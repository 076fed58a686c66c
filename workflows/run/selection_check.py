"""KEEP and SKIP lists checked before a request file is written (product.md Step 1).

A typo in a list of local ids (``999999``, ``abc``) would otherwise match nobody and silently
change who is requested; every id that is no student's is refused, named, and nothing is written.
"""

from __future__ import annotations

from domain.planning.request import Selection
from workflows.ports import Students

__all__ = ["SHOWN_UNKNOWN", "unknown_ids_problem"]

SHOWN_UNKNOWN = 20
"""How many unknown ids a refusal names before saying how many more."""


def unknown_ids_problem(students: Students, *, keep: Selection | None, skip: Selection | None) -> str | None:
    """Why the KEEP or SKIP selection cannot be used: its local ids that match no student (``None``: all known)."""
    for label, selection in (("KEEP", keep), ("SKIP", skip)):
        if selection is None or not selection.ids:
            continue
        unknown = students.unknown_local_ids(selection.ids)
        if unknown:
            shown = ", ".join(unknown[:SHOWN_UNKNOWN])
            more = f" and {len(unknown) - SHOWN_UNKNOWN} more" if len(unknown) > SHOWN_UNKNOWN else ""
            return (
                f"the {label} list names {len(unknown)} local id(s) that match no student: {shown}{more}; "
                "nothing was written: correct the list and try again"
            )
    return None
