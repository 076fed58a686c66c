"""Stylesheets, scripts and icons named by their content, so a browser keeps them.

Every ``url_for`` of a static file (the console's own and Flask-Admin's) gives the file's name with
the first 12 hex digits of its SHA-256 before the extension: ``/static/console.1f2e3d4c5b6a.css``.
That name is answered with ``Cache-Control: public, max-age=31536000, immutable``: the browser
never asks again, and a new version of the file has another name, which the next page references.
A review page references 15 such files; without this each was revalidated on every page.

The plain name (``/static/console.css``) is still served, revalidated as before (``no-cache``); a
fingerprinted name whose digits are not the file's content now is not found, rather than answered
with other content under a name the browser would keep for a year.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, abort, send_from_directory
from werkzeug.security import safe_join

__all__ = ["IMMUTABLE", "fingerprinted", "init_static_files"]

IMMUTABLE = "public, max-age=31536000, immutable"
"""The caching of a fingerprinted file: a year, never revalidated (its name changes with it)."""

_DIGITS = 12
_NAMED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{_DIGITS}}})(?P<ext>\.[A-Za-z0-9]+)$")


class _Digests:
    """The content digest of each static file, read once per version of the file (size and time)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()

    def of(self, path: str) -> str | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        version = (stat.st_mtime_ns, stat.st_size)
        known = self._known.get(path)
        if known is not None and known[0] == version:
            return known[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:_DIGITS]
        with self._lock:
            self._known[path] = (version, digest)
        return digest


def fingerprinted(filename: str, digest: str) -> str:
    """``console.css`` with digest ``1f2e…`` → ``console.1f2e….css`` (a name without extension
    gets the digits at its end)."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or "/" in ext:
        return f"{filename}.{digest}"
    return f"{stem}.{digest}.{ext}"


def _static_folders(app: Flask) -> dict[str, str]:
    """Each static endpoint (``static``, ``admin.static``) and the folder it serves."""
    folders: dict[str, str] = {}
    if app.static_folder:
        folders["static"] = app.static_folder
    for name, blueprint in app.blueprints.items():
        if blueprint.static_folder and f"{name}.static" in app.view_functions:
            folders[f"{name}.static"] = blueprint.static_folder
    return folders


def _serving(folder: str, plain: Callable[..., Any], digests: _Digests) -> Callable[..., Any]:
    def static(filename: str) -> Any:
        named = _NAMED.match(filename)
        path = safe_join(folder, filename)
        if named is None or (path is not None and os.path.isfile(path)):
            return plain(filename=filename)
        real = named["stem"] + named["ext"]
        real_path = safe_join(folder, real)
        if real_path is None or digests.of(real_path) != named["digest"]:
            abort(404)
        response = send_from_directory(folder, real)
        response.headers["Cache-Control"] = IMMUTABLE
        return response

    return static


def init_static_files(app: Flask) -> None:
    """Fingerprint every static URL the app builds, and serve fingerprinted names for a year.

    Call once every blueprint with static files is registered (Flask-Admin's among them).
    """
    digests = _Digests()
    folders = _static_folders(app)

    def add_digest(endpoint: str, values: dict[str, Any]) -> None:
        folder = folders.get(endpoint)
        filename = values.get("filename")
        if folder is None or not isinstance(filename, str):
            return
        path = safe_join(folder, filename)
        digest = digests.of(path) if path is not None else None
        if digest is not None:
            values["filename"] = fingerprinted(filename, digest)
            values.pop("v", None)  # Flask-Admin's version parameter: the name says more

    app.url_defaults(add_digest)
    for endpoint, folder in folders.items():
        app.view_functions[endpoint] = _serving(folder, app.view_functions[endpoint], digests)
