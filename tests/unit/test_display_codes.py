"""Codes shown with their meaning (issue 16, finding 1): the code stays visible beside the words."""

from __future__ import annotations

import pytest

from console.display import code_meaning, code_text


@pytest.mark.parametrize(
    ("code_set", "code", "shown"),
    [
        ("grade", "KN", "Kindergarten (KN)"),
        ("exit_reason", "E230", "Completer (E230)"),
        ("exit_reason", "T160", "Transfer to another California public school (T160)"),
        ("elas", "EL", "English Learner (EL)"),
        ("exit_reason", "ZZZZ", "ZZZZ"),
        ("grade", None, "—"),
    ],
)
def test_a_code_is_shown_with_its_meaning_and_stays_visible(code_set: str, code: str | None, shown: str) -> None:
    assert code_text(code_set, code) == shown


def test_an_unknown_code_has_no_meaning_to_hover() -> None:
    assert code_meaning("exit_reason", "E230") == "Completer" and code_meaning("exit_reason", "ZZZZ") == ""
