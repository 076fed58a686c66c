"""docs/library.md's examples run as written and print what the page says they print.

The page is where a developer learns the domain library; an example that no longer runs, or
prints something else, would teach them wrong. Its ``python`` blocks run in order in one
namespace, in an empty working directory (they write their own small files); the ``text`` block
right after a ``python`` block is its exact output.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

LIBRARY_MD = Path(__file__).resolve().parents[2] / "docs" / "library.md"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, kw_only=True)
class Example:
    """One ``python`` block of the page and the output the page shows for it (``""``: none)."""

    line: int
    code: str
    output: str


def doc_examples(page: Path = LIBRARY_MD) -> list[Example]:
    """The page's ``python`` blocks in order, each with the ``text`` block that follows it."""
    text = page.read_text(encoding="utf-8")
    found: list[Example] = []
    for fence in _FENCE.finditer(text):
        language, body = fence.group(1), fence.group(2)
        if language == "python":
            found.append(Example(line=text.count("\n", 0, fence.start()) + 2, code=body, output=""))
        elif language == "text":
            assert found and found[-1].output == "", f"docs/library.md: an output block must follow a python block ({body[:40]!r})"
            last = found.pop()
            found.append(Example(line=last.line, code=last.code, output=body))
    return found


def test_the_page_shows_reading_validating_writing_and_comparing() -> None:
    code = "".join(example.code for example in doc_examples())
    for used in ("open_ssid_extract(", "open_senr(", "validate_record(", "validate_senr(", "write_senr(", "compare(", "PersonFacts("):
        assert used in code


def test_every_example_prints_what_the_page_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "library_md"}
    examples = doc_examples()
    assert len(examples) >= 8
    for example in examples:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(example.code, f"docs/library.md:{example.line}", "exec"), namespace)
        assert printed.getvalue() == example.output, f"the example at docs/library.md line {example.line}"
