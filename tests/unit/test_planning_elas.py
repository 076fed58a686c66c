"""Unusual ELAS changes an extract brings are named (issue 14, finding 8)."""

from __future__ import annotations

import pytest

from domain.planning.elas import elas_warnings, unusual_elas_change
from domain.values import LocalId


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("TBD", "RFEP", "reclassified from a status other than EL"),
        ("EO", "RFEP", "reclassified from a status other than EL"),
        ("EO", "EL", "EO student now an English learner"),
        ("IFEP", "EL", "IFEP student now an English learner"),
        ("RFEP", "TBD", "back to TBD from a settled status"),
        ("EL", "TBD", "back to TBD from a settled status"),
        ("EL", "RFEP", None),
        ("TBD", "EL", None),
        (None, "RFEP", None),
        ("EL", "EL", None),
        ("RFEP", "RFEP", None),
        ("TBD", "TBD", None),
        ("EO", None, None),
        ("RFEP", "", None),
        ("", "RFEP", None),
        ("ADEL", "TBD", "back to TBD from a settled status"),
        ("TBD", "EO", None),
    ],
)
def test_unusual_elas_changes(old: str | None, new: str | None, why: str | None) -> None:
    assert unusual_elas_change(old, new) == why


def test_warnings_name_the_student_and_the_change_in_file_order() -> None:
    found = elas_warnings([(LocalId("100002"), "EL", "RFEP"), (LocalId("100001"), "TBD", "RFEP"), (LocalId("100003"), "IFEP", "EL")])
    assert [str(w) for w in found] == [
        "student 100001: ELAS TBD → RFEP (reclassified from a status other than EL)",
        "student 100003: ELAS IFEP → EL (IFEP student now an English learner)",
    ]
