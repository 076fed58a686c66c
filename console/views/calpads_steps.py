"""What the coordinator does in CALPADS between two steps of the workbench, in their words, with
the exact file names to use. The workbench cannot do these steps: CALPADS has no API for them.

Each function returns a :class:`CalpadsSteps`; the templates show it where it happens (after
Create SENR, after the updated file, after a partial file, before each load).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = [
    "CalpadsSteps",
    "match_request_steps",
    "updated_file_steps",
    "partial_file_steps",
    "replacement_steps",
    "sela_steps",
    "ods_download_steps",
    "ods_posting_steps",
]


@dataclass(frozen=True)
class CalpadsSteps:
    """A titled list of steps done in the CALPADS portal; file names are marked up for the page."""

    title: str
    steps: tuple[Markup, ...]


def _file(name: str) -> Markup:
    return Markup('<span class="file-name">{}</span>').format(name)


def _step(text: str, **names: str) -> Markup:
    return Markup(escape(text).format(**{key: _file(value) for key, value in names.items()}))


def _download(name: str) -> Markup:
    return _step("Download {file} from the File Download tab.", file=name)


def _post_senr(name: str, then: str = "") -> Markup:
    return _step(
        "In CALPADS, upload {file} as a batch file of type SSID Enrollment (SENR), review its validation "
        "results, and post it." + (" " + then if then else ""),
        file=name,
    )


def match_request_steps(request_file: str) -> CalpadsSteps:
    """Between Create SENR and Load match results: the SSID Matching Tool."""
    return CalpadsSteps(
        "In CALPADS: match the request file",
        (
            _download(request_file),
            _step("In CALPADS, open Online Maintenance → SSID Matching Tool and upload {file}.", file=request_file),
            _step(
                "When CALPADS has processed it, download the match result file (a CSV file). "
                "Renaming it is fine: the workbench recognises it by its content."
            ),
            _step("Come back to the Run tab and load the result file under “Load match results”."),
        ),
    )


def updated_file_steps(updated_file: str) -> CalpadsSteps:
    """Between Create updated SENR and Load SSID: post the file, request the SSID Extract."""
    return CalpadsSteps(
        "In CALPADS: post the updated file and request the SSID Extract",
        (
            _download(updated_file),
            _post_senr(
                updated_file,
                "CALPADS issues a new SSID to every student sent with a blank SSID (the students you marked “New SSID”).",
            ),
            _step("Request the SSID Extract for your LEA and download it when it is ready."),
            _step("Load it in the Load SSID tab: you will see every change before anything is written."),
        ),
    )


def partial_file_steps(partial_file: str) -> CalpadsSteps:
    """After Download Partial Extract: upload it, then start over."""
    return CalpadsSteps(
        "In CALPADS: post the partial file, then start over",
        (
            _download(partial_file),
            _post_senr(partial_file),
            _step(
                "Then start over: cancel this run on the Run tab and start a new one. The students in "
                "{file} come back from the SSID Matching Tool with the SSID CALPADS now holds for them; "
                "the others are requested again.",
                file=partial_file,
            ),
        ),
    )


def replacement_steps() -> CalpadsSteps:
    """Before loading the Replacement SSIDs Extract."""
    return CalpadsSteps(
        "In CALPADS: the Replacement SSIDs Extract",
        (
            _step("In CALPADS, request the Replacement SSIDs Extract for your LEA and download it."),
            _step(
                "Load it below. Each retired SSID moves to Old State ID and the replacement becomes "
                "the student's SSID, after you review the preview."
            ),
        ),
    )


def sela_steps() -> CalpadsSteps:
    """Before loading the SELA ODS download."""
    return CalpadsSteps(
        "In CALPADS: the SELA ODS Download",
        (
            _step("In CALPADS, request the English Language Acquisition (SELA) ODS Download for your LEA and download it."),
            _step(
                "Load it below. Students the state's testing vendor identified as EL or IFEP whose local status "
                "is missing or TBD get that status and its start date, after you review the preview."
            ),
        ),
    )


def ods_download_steps() -> CalpadsSteps:
    """Before loading the SENR ODS download."""
    return CalpadsSteps(
        "In CALPADS: the SSID Enrollment ODS Download",
        (
            _step(
                "In CALPADS, request the SSID Enrollment (SENR) ODS Download for your LEA by Date Range "
                "(not \"Active Student\"): enrollment start dates from July 1 ten years back through today, "
                "and download it."
            ),
            _step("Load it below. The SELA ODS Download has its own page, linked below."),
        ),
    )


def ods_posting_steps(file_names: tuple[str, ...]) -> CalpadsSteps:
    """After the ODS audit wrote its files: post them in order."""
    ordered = tuple(
        _post_senr(name, "Wait until it has posted.") for name in file_names
    )
    return CalpadsSteps(
        "In CALPADS: post the audit files in this order",
        (
            *ordered,
            _step(
                "The order matters: deletes, then replaces, then adds. One rejected record rejects its "
                "whole file, so post the next file only after the previous one posted."
            ),
        ),
    )
