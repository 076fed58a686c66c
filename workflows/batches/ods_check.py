"""Every line of an SENR ODS download checked in a second process while the audit compares its
audited year (:func:`workflows.batches.ods_audit.plan_ods_audit`).

A ten-year download of a large district is millions of lines, and checking each one (field
count, record type, lengths) took as long as everything else the audit does. The audit's own
process reads only the audited year's lines (:func:`domain.readers.open_ods_year_blocks`); this
module's process reads the whole file with the reader's own line-for-line check
(:func:`domain.readers.open_ods_checked_blocks`, the check of :func:`~domain.readers.open_ods_year`),
on the other core. It hands back what the audit needs of
the lines it does not read itself: how many there are, each Reporting LEA's count, the earlier
years' count, the previous year's enrollments still open, and the file's first problem, so that
a broken file is refused at the same line with the same words as when one process read it all.

When the second process cannot be started, or ends without an answer, the same check runs in the
audit's process: slower, never different.

Run as ``python -m workflows.batches.ods_check PATH NAME YEAR LEA``: the answer as JSON on
standard output (never in a log: it holds Local Student IDs).
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.errors import FileProblem
from domain.memory import collection_paused
from domain.processes import HelperAnswer, helper_command
from domain.planning.ods import OdsOpenEnrollment, open_enrollment
from domain.readers import open_ods_checked_blocks
from domain.values import AcademicYear, CdsCode, LocalId

__all__ = ["OdsLinesChecked", "check_ods_lines", "OdsLineCheck"]

_COMMAND = helper_command(__name__)
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OdsLinesChecked:
    """What the audit needs of a download's lines besides the audited year's records.

    ``lines`` counts the lines (of no use once there is a ``problem``); ``leas`` counts
    every line's Reporting LEA; ``earlier_years`` the lines of another year than the audited one;
    ``prior_year_open`` the previous year's enrollments at ``lea`` without an exit date, in file
    order; ``apart`` whether the second process gave the answer.
    """

    lines: int
    leas: dict[str, int]
    earlier_years: int
    prior_year_open: list[OdsOpenEnrollment]
    problem: FileProblem | None
    apart: bool = False


def check_ods_lines(path: Path, name: str, year: AcademicYear, lea: CdsCode) -> OdsLinesChecked:
    """Read every line of the download at ``path`` (shown as ``name``) with its check, counting
    what :class:`OdsLinesChecked` holds; a problem ends the reading and is handed back."""
    previous = AcademicYear(year.start_year - 1)
    leas: Counter[str] = Counter()
    earlier = lines = 0
    still_open: list[OdsOpenEnrollment] = []
    problem: FileProblem | None = None
    try:
        with collection_paused():  # each line's match and values are freed as they go: no cycle to collect
            for held, audited, reporting, others in open_ods_checked_blocks(path, year.code, previous.code, name):
                lines += held
                earlier += held - audited
                leas.update(reporting)
                for values in others:
                    found = open_enrollment(values, lea=lea, previous=previous)
                    if found is not None:
                        still_open.append(found)
    except FileProblem as raised:
        problem = raised
    return OdsLinesChecked(lines, dict(leas), earlier, still_open, problem)


def _as_json(checked: OdsLinesChecked) -> dict[str, Any]:
    problem = checked.problem
    return {
        "lines": checked.lines,
        "leas": checked.leas,
        "earlier_years": checked.earlier_years,
        "prior_year_open": [[e.local_id, e.school, e.enroll_start, e.academic_year] for e in checked.prior_year_open],
        "problem": None if problem is None else list(problem.as_fields()),
    }


def _of_json(answer: dict[str, Any]) -> OdsLinesChecked:
    problem = answer["problem"]
    return OdsLinesChecked(
        int(answer["lines"]),
        {str(lea): int(n) for lea, n in answer["leas"].items()},
        int(answer["earlier_years"]),
        [OdsOpenEnrollment(LocalId(i), CdsCode(s), start, year) for i, s, start, year in answer["prior_year_open"]],
        None if problem is None else FileProblem(*problem),
        apart=True,
    )


class OdsLineCheck:
    """:func:`check_ods_lines` of one download, started in a second process on construction;
    :meth:`result` waits for its answer, :meth:`cancel` stops it."""

    def __init__(self, path: Path, name: str, year: AcademicYear, lea: CdsCode) -> None:
        self._question = (path, name, year, lea)
        self._helper = HelperAnswer([*_COMMAND, str(path), name, year.code, lea])

    def result(self) -> OdsLinesChecked:
        """The check's answer: the second process's, or (when it gave none) the check run here."""
        answer = self._helper.answer()
        if answer is not None:
            return _of_json(answer)
        _log.warning("the ODS download's lines are checked in the audit's process: the second process gave no answer")
        path, name, year, lea = self._question
        return check_ods_lines(path, name, year, lea)

    def cancel(self) -> None:
        """Stop the second process (the audit ended early); no answer is waited for."""
        self._helper.cancel()


def main() -> None:
    """Answer one question, ``path name year lea`` as arguments, with :class:`OdsLinesChecked` as JSON."""
    if len(sys.argv) != 5:
        raise SystemExit("usage: python -m workflows.batches.ods_check PATH NAME YEAR LEA (the ODS audit starts it)")
    path, name, year, lea = sys.argv[1:]
    checked = check_ods_lines(Path(path), name, AcademicYear.parse(year), CdsCode(lea))
    sys.stdout.buffer.write(json.dumps(_as_json(checked)).encode("utf-8"))


if __name__ == "__main__":
    main()
