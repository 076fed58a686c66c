"""The people's entrances: the web console (:func:`create_app`) and the ``ssid`` command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from collections.abc import Mapping

    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web console (see :func:`console.app.create_app`)."""
    # Imported on call so that `ssid` commands do not pay for Flask-Admin at start-up.
    from console.app import create_app as _create_app

    return _create_app(config)
