"""The layout registry: every CALPADS file layout by name and version (calpads-files.md §2-§5).

Layouts are data: readers and writers are driven by these tables, so a new CFS version is a new
table (in ``_senr.py`` / ``_extracts.py``) registered here, not new code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from domain.layouts._extracts import (
    MATCH_RESULT,
    MATCH_RESULT_PUBLISHED,
    REPLACEMENT_SSIDS,
    SSID_EXTRACT_2019,
    SSID_EXTRACT_CURRENT,
)
from domain.layouts._senr import ODS_SENR_VERSIONS, SELA, SELA_R, SENR_VERSIONS
from domain.layouts._spec import FieldKind, FieldSpec, Layout, Required
from domain.layouts._checks import field_pattern, field_problem, first_problem, line_pattern

__all__ = [
    "FieldKind",
    "FieldSpec",
    "Layout",
    "Required",
    "LAYOUTS",
    "layout",
    "layouts_of_kind",
    "MATCH_RESULT_PUBLISHED",
    "field_pattern",
    "field_problem",
    "first_problem",
    "line_pattern",
]


def _registry(*versions: Layout) -> Mapping[str, tuple[Layout, ...]]:
    found: dict[str, list[Layout]] = {}
    for each in versions:
        found.setdefault(each.name, []).append(each)
    for name, listed in found.items():
        widths = [v.width for v in listed]
        # A file says which version it is only through its width: two versions of one width
        # could not be told apart.
        if len(set(widths)) != len(widths):
            raise ValueError(f"two versions of layout {name} have the same number of fields")
    return MappingProxyType({name: tuple(listed) for name, listed in found.items()})


LAYOUTS: Mapping[str, tuple[Layout, ...]] = _registry(
    *SENR_VERSIONS,
    *ODS_SENR_VERSIONS,
    SSID_EXTRACT_2019,
    SSID_EXTRACT_CURRENT,
    REPLACEMENT_SSIDS,
    MATCH_RESULT,
    SELA,
    SELA_R,
)
"""Layout name -> its versions, oldest first (the last one is current)."""


def layout(name: str, version: str | None = None) -> Layout:
    """The layout ``name`` in ``version`` (the current version when ``None``); ``KeyError`` if unknown."""
    versions = LAYOUTS[name]
    if version is None:
        return versions[-1]
    for each in versions:
        if each.version == version:
            return each
    known = ", ".join(v.version for v in versions)
    raise KeyError(f"layout {name} has no version {version!r} (known: {known})")


def layouts_of_kind(kind: str) -> tuple[Layout, ...]:
    """Every registered layout whose human kind name is ``kind`` (e.g. ``SSID Extract``)."""
    return tuple(v for versions in LAYOUTS.values() for v in versions if v.kind == kind)
