"""Values that travel together are passed by name: no call to a method of the store seam
(``workflows.ports``) or to the records a step writes (:class:`~domain.runs.HistoryEntry`,
:class:`~domain.runs.CalpadsHistoryEntry`, :class:`~domain.runs.NewBatch` …) passes more than
four positional values, anywhere in the project, tests included; and every dataclass of more than
three fields in ``domain.runs`` is keyword-only.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

import domain.runs

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("domain", "workflows", "store", "console", "seed", "bench", "tests")
MOST_POSITIONAL = 4
RECORDS = {"HistoryEntry", "CalpadsHistoryEntry", "NewBatch", "Batch", "OutboxMessage"}


def _seam_methods() -> set[str]:
    """Every method a Protocol of ``workflows/ports`` declares."""
    names: set[str] = set()
    for path in (ROOT / "workflows" / "ports").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id == "Protocol" for base in node.bases
            ):
                names |= {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
    return names


def _long_positional_calls(source: str, watched: set[str]) -> list[tuple[int, str, int]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if name in watched and len(positional) > MOST_POSITIONAL:
            found.append((node.lineno, name, len(positional)))
    return found


def test_the_seam_and_the_records_are_called_by_keyword() -> None:
    watched = _seam_methods() | RECORDS
    assert {"add_batch", "add_history", "add_calpads_history", "save_decision"} <= watched
    offenders = {}
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            found = _long_positional_calls(path.read_text(encoding="utf-8"), watched)
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_check_sees_a_long_positional_call() -> None:
    old_style = "store.add_batch(kind, state, name, sha, at, who, run, overwrite, {}, ())\n"
    assert _long_positional_calls(old_style, {"add_batch"}) == [(1, "add_batch", 10)]


def test_records_of_more_than_three_fields_are_keyword_only() -> None:
    wide = [
        cls.__name__
        for _, cls in inspect.getmembers(domain.runs, inspect.isclass)
        if dataclasses.is_dataclass(cls) and cls.__module__ == "domain.runs" and len(dataclasses.fields(cls)) > 3
        and not all(f.kw_only for f in dataclasses.fields(cls))
    ]
    assert wide == []
