"""Loads that may be long: run at once when the file is short, else as a background job whose
progress the page polls (:mod:`console.jobs`). Either way, the uploaded copy is removed after."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app, flash, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse

from console.jobs import EXPECTED_FAILURES, JobRunner, ProgressReport
from console.views.base import flash_refusal
from console.views.workflow_support import Upload, acting, count_lines

__all__ = ["LoadWork", "LinesRead", "run_load", "lines_read"]

LoadWork = Callable[["LinesRead"], Mapping[str, Any]]
"""The load itself: given a lines-read counter, call the workflow service and return its counts."""

LinesRead = Callable[[int], None]
"""What the workflow services report: how many more lines were read (``workflows.files.Progress``)."""


def lines_read(report: ProgressReport, total: int | None, name: str) -> LinesRead:
    """Turn the services' "n more lines read" into the job's "done of total" progress."""
    done = 0

    def more(count: int) -> None:
        nonlocal done
        done += count
        report(done, total, f"reading {name}")

    return more


def _no_progress(count: int) -> None:
    return None


def run_load(
    kind: str, upload: Upload, work: LoadWork, done_url: str, success: Callable[[Mapping[str, Any]], str],
    refused_url: str | None = None,
) -> BaseResponse:
    """Run ``work`` on ``upload``: inline for a short file, as a job beyond ``LONG_LOAD_LINES`` lines.

    Inline, a refusal is flashed and the person goes back to ``refused_url`` (the page of the
    upload; default ``done_url``), a success to ``done_url``; a job's page shows
    its progress (percent and lines) and sends the person to ``done_url`` when it is done, or
    says why it failed.
    """
    lines = count_lines(upload.path)
    if lines <= current_app.config["LONG_LOAD_LINES"]:
        try:
            result = work(_no_progress)
        except EXPECTED_FAILURES as refused:
            flash_refusal(str(refused).splitlines()[0] if str(refused) else type(refused).__name__)
            return redirect(refused_url or done_url)
        else:
            flash(success(result), "success")
        finally:
            upload.discard()
        return redirect(done_url)

    def in_background(report: ProgressReport) -> Mapping[str, Any]:
        try:
            report(0, lines, f"reading {upload.name}")
            result = dict(work(lines_read(report, lines, upload.name)))
            result["summary"] = success(result)
            return result
        finally:
            upload.discard()

    runner: JobRunner = current_app.extensions["ssid_jobs"]
    job_id = runner.submit(kind, acting().name, in_background, total=lines, message=f"queued: {upload.name}")
    return redirect(url_for("jobs.show", job_id=job_id, done=done_url))
