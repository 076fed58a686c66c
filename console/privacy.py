"""What the console keeps out of its logs and error pages: student data and tracebacks.

- The request log (werkzeug's, and any access log built on it) shows a path without its query
  string: searches and filters of the Tables page carry names, birth dates and SSIDs.
- An unexpected error (and a save Flask-Admin refused) is logged by its type and frames only (an exception's message may quote a
  value, e.g. a database's "Key (ssid)=(…) already exists"), and the person sees a plain page
  without a traceback, in production and in development alike (``ssid serve --dev`` never runs
  the debugger).
- An upload over the limit (``SSID_MAX_UPLOAD_MB``, 200 MB by default) is refused with 400 and a
  sentence saying so, before anything is stored.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.exceptions import BadRequest, InternalServerError, RequestEntityTooLarge

from console.upload_limit import DEFAULT_MAX_UPLOAD_MB, upload_limit_message

__all__ = ["QueryStringsHidden", "ExceptionMessagesHidden", "ConsoleFlask", "init_privacy", "upload_limit_message", "DEFAULT_MAX_UPLOAD_MB"]

log = logging.getLogger("console")

def _without_query(text: str) -> str:
    # Everything from the first "?" to the request line's " HTTP/x" (or the end) goes: a query
    # string may hold quotes, Unicode spaces, anything a search box accepts.
    head, mark, rest = text.partition("?")
    if not mark:
        return text
    version = rest.rfind(" HTTP/")
    return head + "?…" + (rest[version:] if version >= 0 else "")


class QueryStringsHidden(logging.Filter):
    """Drops the whole query string of the URL in a request-log line (``GET /a?b=c`` → ``GET /a?…``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = _without_query(text)
        record.args = ()
        return True


class ExceptionMessagesHidden(logging.Filter):
    """Keeps an exception's type and frames, drops its message (Flask-Admin logs a failed save
    with the database's words, which may quote the value: "Key (ssid)=(…) already exists")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            record.msg = f"{record.getMessage()} ({kind.__name__})\n{_frames(tb)}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def _frames(tb: TracebackType | None) -> str:
    return "".join(traceback.format_tb(tb))


class ConsoleFlask(Flask):
    """Flask, logging an unexpected error by its type and frames, never its message."""

    def log_exception(self, exc_info: Any) -> None:
        kind, _value, tb = exc_info
        reference = secrets.token_hex(4)
        log.error("unexpected error %s (reference %s)\n%s", getattr(kind, "__name__", kind), reference, _frames(tb))


def init_privacy(app: Flask) -> None:
    """Request logs without query strings, plain error pages, the upload limit's 400."""
    for name, kind in (("werkzeug", QueryStringsHidden), ("flask-admin.peewee", ExceptionMessagesHidden)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        page = BadRequest(description=upload_limit_message(app.config["MAX_UPLOAD_MB"]))
        return str(page.get_body()), 400

    @app.errorhandler(InternalServerError)
    def _unexpected(_error: InternalServerError) -> tuple[str, int]:
        page = InternalServerError(
            description="Something went wrong on the server. Nothing was changed by this request (every step is "
            "one transaction); the server log has the details. Go back and try again."
        )
        return str(page.get_body()), 500
