"""Table filters for the store's UTC timestamp columns (Flask-Admin only knows naive datetimes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_admin.contrib.peewee import filters
from flask_admin.model.filters import convert

__all__ = ["ConsoleFilterConverter"]


def _utc(value: Any) -> Any:
    # What a person types in the filter is read as UTC, the zone every timestamp is kept in.
    if isinstance(value, list):
        return [_utc(v) for v in value]
    return value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) else value


def _aware(base: type[filters.BasePeeweeFilter]) -> type[filters.BasePeeweeFilter]:
    class Aware(base):  # type: ignore[valid-type,misc]
        def clean(self, value: str) -> Any:
            return _utc(super().clean(value))

    Aware.__name__ = base.__name__
    return Aware


_UTC_FILTERS = tuple(
    _aware(f) if f is not filters.FilterEmpty else f for f in filters.FilterConverter.datetime_filters
)


class ConsoleFilterConverter(filters.FilterConverter):
    """Flask-Admin's peewee filters, plus the store's ``UtcDateTimeField``."""

    @convert("UtcDateTimeField")
    def conv_utc_datetime(self, column: Any, name: str) -> list[filters.BasePeeweeFilter]:
        return [f(column, name) for f in _UTC_FILTERS]
