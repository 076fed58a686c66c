"""peewee logs every query with its parameters at DEBUG; the parameters are student data (names,
birth dates, SSIDs). This filter, installed on the ``peewee`` logger when :mod:`store` is
imported, keeps the SQL and replaces the parameters by their count, whatever level logging runs at.
"""

from __future__ import annotations

import logging

__all__ = ["QueryParametersHidden", "hide_query_parameters"]


class QueryParametersHidden(logging.Filter):
    """Rewrites peewee's ``(sql, params)`` records to ``sql -- N parameter(s) not logged``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg
        if isinstance(message, tuple) and len(message) == 2:
            sql, params = message
            count = len(params) if isinstance(params, (list, tuple)) else (0 if params is None else 1)
            record.msg = f"{sql} -- {count} parameter(s) not logged"
            record.args = ()
        elif record.args:
            # Any other peewee message: its arguments might be values; keep only the template.
            record.msg = f"{record.msg} (arguments not logged)"
            record.args = ()
        return True


def hide_query_parameters() -> None:
    """Install :class:`QueryParametersHidden` on the ``peewee`` logger (once)."""
    logger = logging.getLogger("peewee")
    if not any(isinstance(f, QueryParametersHidden) for f in logger.filters):
        logger.addFilter(QueryParametersHidden())
