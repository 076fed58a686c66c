"""The menu, rendered once per page and reused (console.menu_cache), is still each page's own: the
page's item marked active, whichever page came before, and an item that stops being shown gone
from the next page."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.e2e.conftest import Signed
from tests.e2e.console_html import elements


def _menu(page: str) -> tuple[list[str], list[str]]:
    """The menu's item names, and the names of those marked active."""
    shown = [" ".join(a.text.split()) for a in elements(page, "a", class_="nav-link")]
    active = [" ".join(li.text.split()) for li in elements(page, "li", class_="active")]
    return shown, active


def test_each_page_marks_its_own_item_whichever_page_came_before(admin: Signed) -> None:
    for path, name in [("/admin/history/", "History"), ("/admin/settings/", "Settings"), ("/admin/history/", "History"),
                       ("/admin/identifiers/", "Identifiers"), ("/admin/settings/", "Settings")]:
        shown, active = _menu(admin.page(path))
        assert shown[:3] == ["Identifiers", "History", "Settings"]
        assert active == [name], path


def test_an_item_no_longer_shown_leaves_the_menu_of_the_next_page(app: Flask, admin: Signed, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Settings" in _menu(admin.page("/admin/history/"))[0]
    settings = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "settings")
    monkeypatch.setattr(settings, "is_visible", lambda: False)
    assert _menu(admin.page("/admin/history/"))[0][:2] == ["Identifiers", "History"]
    assert "Settings" not in _menu(admin.page("/admin/history/"))[0]
    monkeypatch.undo()
    assert "Settings" in _menu(admin.page("/admin/history/"))[0]
