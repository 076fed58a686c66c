"""Every line of a large SSID Extract checked in a second process while the load stages it
(:func:`workflows.run.extract.stage_extract_file`).

Loading an extract reads each line, checks it against the layout (field count, digits, codes,
lengths, real calendar dates) and its Reporting LEA, and stages it in the database. In one
process the checking took about a third of the load's reading and staging. From
:data:`APART_BYTES` on, the load's own process only reads and stages the lines
(:meth:`domain.readers.CheckedBlocks.load_blocks`) while this module's process, on the other
core, reads the same file with the whole check and hands back its first problem, if any. Nothing
is kept before that answer: the staged lines are a temporary table, and a refused file is refused
at the same line with the same words as when one process read it all.

When the second process cannot be started, or ends without an answer, the same check runs in the
load's process: slower, never different.

Run as ``python -m workflows.run.extract_check PATH NAME LEA`` (``LEA`` empty when the district
has none set): the answer as JSON on standard output (it names a line, never a value in it).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from domain.errors import FileProblem
from domain.processes import HelperAnswer, helper_command
from domain.readers import CheckedLines, open_ssid_extract_blocks
from domain.values import CdsCode
from workflows.batches.shared import other_lea_problem

__all__ = ["APART_BYTES", "ExtractLinesChecked", "ExtractLineCheck", "check_extract_lines", "lea_checked_blocks"]

APART_BYTES = 4 * 1024 * 1024
"""From this file size (about 40,000 extract lines) on, the lines are checked in a second process:
starting one (a new interpreter importing the reader) costs a few tenths of a second."""

_COMMAND = helper_command(__name__)
_log = logging.getLogger(__name__)


def lea_checked_blocks(blocks: Iterable[CheckedLines], lea: CdsCode | None, name: str) -> Iterator[CheckedLines]:
    """``blocks`` of an extract as they stream, refusing a download of another LEA (field 1,
    Reporting LEA) at its first such line (the lines before it are handed on first)."""
    at_lea = itemgetter(0)
    for block in blocks:
        if lea is not None and set(map(at_lea, block.values)) != {lea}:
            other = next(i for i, values in enumerate(block.values) if values[0] != lea)
            if other:
                yield CheckedLines(block.first, block.lines[:other], block.values[:other])
            line = block.first + other
            raise other_lea_problem(name, line, block.values[other][0], lea)
        yield block


@dataclass(frozen=True)
class ExtractLinesChecked:
    """The whole check of an extract's lines: how many (of no use once there is a ``problem``),
    the first problem in file order, and whether the second process gave the answer."""

    lines: int
    problem: FileProblem | None
    apart: bool = False


def check_extract_lines(path: Path, name: str, lea: CdsCode | None) -> ExtractLinesChecked:
    """Read every line of the extract at ``path`` (shown as ``name``) with the load's whole check;
    the first problem ends the reading and is handed back."""
    lines = 0
    try:
        for block in lea_checked_blocks(open_ssid_extract_blocks(path, name).blocks(), lea, name):
            lines += len(block.lines)
    except FileProblem as problem:
        return ExtractLinesChecked(lines, problem)
    return ExtractLinesChecked(lines, None)


def _as_json(checked: ExtractLinesChecked) -> dict[str, Any]:
    problem = checked.problem
    shown = None if problem is None else list(problem.as_fields())
    return {"lines": checked.lines, "problem": shown}


def _of_json(answer: dict[str, Any]) -> ExtractLinesChecked:
    problem = answer["problem"]
    return ExtractLinesChecked(int(answer["lines"]), None if problem is None else FileProblem(*problem), apart=True)


class ExtractLineCheck:
    """:func:`check_extract_lines` of one file, started in a second process on construction;
    :meth:`result` waits for its answer, :meth:`cancel` stops it."""

    def __init__(self, path: Path, name: str, lea: CdsCode | None) -> None:
        self._question = (path, name, lea)
        self._helper = HelperAnswer([*_COMMAND, str(path), name, lea or ""])

    def result(self) -> ExtractLinesChecked:
        """The check's answer: the second process's, or (when it gave none) the check run here."""
        answer = self._helper.answer()
        if answer is not None:
            return _of_json(answer)
        _log.warning("the SSID Extract's lines are checked in the load's process: the second process gave no answer")
        return check_extract_lines(*self._question)

    def cancel(self) -> None:
        """Stop the second process (the load ended early); no answer is waited for."""
        self._helper.cancel()


def main() -> None:
    """Answer one question, ``path name lea`` as arguments, with :class:`ExtractLinesChecked` as JSON."""
    if len(sys.argv) != 4:
        raise SystemExit("usage: python -m workflows.run.extract_check PATH NAME LEA (loading an SSID Extract starts it)")
    path, name, lea = sys.argv[1:]
    checked = check_extract_lines(Path(path), name, CdsCode(lea) if lea else None)
    sys.stdout.buffer.write(json.dumps(_as_json(checked)).encode("utf-8"))


if __name__ == "__main__":
    main()
