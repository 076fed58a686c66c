"""The console's front door: admins land on Identifiers, auditors on History."""

from __future__ import annotations

from flask import redirect, url_for
from flask_admin import AdminIndexView, expose
from werkzeug.wrappers import Response as BaseResponse

from console.auth import is_admin
from console.views.base import RoleGuard

__all__ = ["HomeView"]


class HomeView(RoleGuard, AdminIndexView):
    """``/admin/``: sends each role to its home page."""

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self) -> BaseResponse:
        return redirect(url_for("identifiers.index" if is_admin() else "history.index"))
