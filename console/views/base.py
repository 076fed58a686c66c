"""What every console view shares: signed-in users only, admin-only endpoints, the secure form.

The global role check (:mod:`console.auth`) already answers 403 to any POST by an auditor; the
views here add the read-only endpoints that hand out student data (exports, downloads), and
hide buttons an auditor could not use anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.contrib.peewee import ModelView
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from console.display import count_label
from console.auth import current_user, is_admin
from console.security import ConsoleSecureForm
from console.spreadsheet import spreadsheet_cell
from console.views.filters import ConsoleFilterConverter

__all__ = ["RoleGuard", "GuardedView", "TableView", "flash_refusal", "back_to", "json_counts", "format_counts"]


class RoleGuard:
    """Signed-in users only; ``admin_only_views`` (method names) answer 403 to auditors."""

    admin_only_views: frozenset[str] = frozenset()

    def is_accessible(self) -> bool:
        return current_user() is not None

    def inaccessible_callback(self, name: Any, **kwargs: Any) -> BaseResponse:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        refused = super()._handle_view(name, **kwargs)  # type: ignore[misc]
        if refused is not None:
            return refused
        if (name in self.admin_only_views or request.method not in ("GET", "HEAD")) and not is_admin():
            abort(403, description="Auditors can read but not change or download student data.")
        return None


class GuardedView(RoleGuard, BaseView):
    """A custom console page (``BaseView`` + ``@expose``)."""


class TableView(RoleGuard, ModelView):
    """A peewee table: searchable, filterable; admins may change and export, auditors only read."""

    form_base_class = ConsoleSecureForm
    filter_converter = ConsoleFilterConverter()
    admin_only_views = frozenset({"create_view", "edit_view", "delete_view", "action_view", "ajax_update", "export"})
    page_size = 50
    can_set_page_size = True
    can_view_details = True
    export_types = ["csv"]
    # Whether admins may change or export this table at all (auditors never may).
    allow_create = True
    allow_edit = True
    allow_delete = True
    allow_export = True

    # Flask-Admin reads these flags per request; they answer for the signed-in person. The setters
    # keep them writeable, as Flask-Admin declares them, and set what admins may do.
    @property
    def can_create(self) -> bool:
        return self.allow_create and is_admin()

    @can_create.setter
    def can_create(self, value: bool) -> None:
        self.allow_create = value

    @property
    def can_edit(self) -> bool:
        return self.allow_edit and is_admin()

    @can_edit.setter
    def can_edit(self, value: bool) -> None:
        self.allow_edit = value

    @property
    def can_delete(self) -> bool:
        return self.allow_delete and is_admin()

    @can_delete.setter
    def can_delete(self, value: bool) -> None:
        self.allow_delete = value

    @property
    def can_export(self) -> bool:
        return self.allow_export and is_admin()

    @can_export.setter
    def can_export(self, value: bool) -> None:
        self.allow_export = value

    def is_action_allowed(self, name: str) -> bool:
        return is_admin() and bool(super().is_action_allowed(name))

    def _get_column_by_idx(self, idx: int | None) -> Any:
        # ``?sort=N`` of a column that cannot be sorted is ignored (Flask-Admin would answer 500).
        column = super()._get_column_by_idx(idx)
        return column if column is not None and column[0] in self._sortable_columns else None

    def get_export_value(self, model: Any, name: Any) -> Any:
        # Every CSV export: a cell a spreadsheet would run as a formula is written as text.
        return spreadsheet_cell(super().get_export_value(model, name))


def flash_refusal(reason: str) -> None:
    """Show a refused step's reason at the top of the next page."""
    flash(reason, "error")


def back_to(endpoint: str, **values: Any) -> BaseResponse:
    """Redirect after a POST (so a reload never repeats it)."""
    return redirect(url_for(endpoint, **values))


def json_counts(text: str | None) -> Mapping[str, Any]:
    """A JSON counts column read back (``{}`` when blank or unreadable)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def format_counts(view: Any, context: Any, model: Any, name: str) -> Markup:
    """A column formatter showing a JSON counts column as ``key: value`` pairs."""
    counts = json_counts(getattr(model, name))
    return Markup(", ").join(Markup('<span title="{}">{}: {}</span>').format(k, count_label(k), v) for k, v in counts.items())


Formatter = Callable[[Any, Any, Any, str], Any]
