"""The size limit of a loaded file, the same for the console's uploads and the command line's files.

Kept apart from :mod:`console.privacy` so that the command line, which checks it for every file it
loads, does not import Flask to learn one number.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_UPLOAD_MB", "upload_limit_message"]

DEFAULT_MAX_UPLOAD_MB = 200
"""Megabytes, unless ``SSID_MAX_UPLOAD_MB`` says otherwise."""


def upload_limit_message(limit_mb: int) -> str:
    """What a person is told when a file is over the limit."""
    return (
        f"The file is larger than the upload limit of {limit_mb} MB (SSID_MAX_UPLOAD_MB); "
        "nothing was loaded or changed."
    )
