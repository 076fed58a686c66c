"""The console's menu, rendered once for each page and each set of menu items shown, then reused.

Flask-Admin renders its menu anew on every page: for each item whether it may be shown, whether it
is the page's own, its link, its icon. That was a quarter of the review page's rendering (0.8 ms),
for the same few lines of HTML on every page. What the menu shows depends only on which page it
is on (the item marked active), on which items are shown (each asked again on every page: a view
that starts or stops being shown is seen at once), and on the address the console is served under;
the rest (names, links, icons) is fixed when the app is built.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from flask import Flask, current_app, request
from markupsafe import Markup

__all__ = ["remembered_menu", "init_menu_cache"]

_KEY = "ssid_menus"


def _shown(items: Iterable[Any]) -> tuple[Hashable, ...]:
    """Which items are shown, in order: a category by the children it shows (it is shown when it
    shows any), any other item by whether it may be shown and is."""
    return tuple(
        (id(item), _shown(item.get_children())) if item.is_category() else (id(item), item.is_accessible() and item.is_visible())
        for item in items
    )


def remembered_menu(view: Any, render: Callable[[], str]) -> Markup:
    """The menu of ``view``'s page, as ``render`` makes it (the first time for this page, these
    items shown and this address)."""
    menus: dict[Hashable, Markup] = current_app.extensions[_KEY]
    key = (view.endpoint, request.script_root, _shown(view.admin.menu()))
    found = menus.get(key)
    if found is None:
        found = menus[key] = Markup(render())
    return found


def init_menu_cache(app: Flask) -> None:
    """Give the templates :func:`remembered_menu` and the app its store of menus."""
    app.extensions[_KEY] = {}
    app.jinja_env.globals.update(remembered_menu=remembered_menu)
