"""A family's entrance that imports each public name's module when the name is first asked for.

A package's ``__init__`` lists its public names over private modules (style.md: one entrance);
importing them all up front would make every caller of one name pay at start-up for the whole
family and for what it imports (the matching assistant's name tables, the duplicate search). With
:func:`names_on_demand` as the package's module ``__getattr__`` (PEP 562), ``from package import
name`` imports only the module that defines ``name``. The package keeps its ``TYPE_CHECKING``
imports of the same names for type checkers and readers.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping

__all__ = ["names_on_demand"]


def names_on_demand(package: str, homes: Mapping[str, tuple[str, ...]]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``package`` whose public names live in ``homes`` (module: names).

    A name is imported from its module on first use and then kept in the package's namespace, so
    later lookups cost what any attribute does.
    """
    home_of = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name: str) -> object:
        module = home_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
