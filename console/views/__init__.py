"""The console's pages, registered on one Flask-Admin instance per app."""

from __future__ import annotations

from flask_admin import Admin

from console.views.tables import table_views

__all__ = ["register_views"]


def register_views(admin: Admin) -> None:
    """Add every console page to ``admin``, in menu order."""
    for view in table_views():
        admin.add_view(view)
