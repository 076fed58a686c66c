"""The table of equivalent mutants that ``make mutate`` leaves out of the score reads as written."""

from __future__ import annotations

from tests.mutation.mutate import EQUIVALENTS, load_equivalents


def test_every_row_of_the_table_is_read() -> None:
    rows = [line for line in EQUIVALENTS.read_text().splitlines() if line.startswith("| `domain.")]
    found = load_equivalents()
    assert len(found) == len(rows)
    assert all(e.change and e.reason for e in found.values())


def test_a_change_holding_a_pipe_is_read_whole() -> None:
    found = load_equivalents()["domain.duplicates._blocking.x__block_pairs__mutmut_34"]
    assert found.change == (
        "pairs.append(left << 32 | right if left < right else right << 32 | left) → "
        "pairs.append(left << 32 | right if left <= right else right << 32 | left)"
    )
    assert found.reason.startswith("the two members of a pair in a block are two different positions")
