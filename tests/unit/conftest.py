"""Every unit test starts with the domain's caches empty.

The domain memoizes a few pure functions (``functools.lru_cache``: line patterns, dates, code
sets). A result cached by an earlier test must not answer for a later one: mutation testing
(``make mutate``) runs each mutant in a process forked after the whole suite ran once, and a
cache filled by the unchanged code would hide the change.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator

import pytest


def _domain_caches() -> Iterator[functools._lru_cache_wrapper[object]]:
    for name, module in list(sys.modules.items()):
        if name == "domain" or name.startswith("domain."):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    yield value


@pytest.fixture(autouse=True)
def _empty_domain_caches() -> None:
    for cache in _domain_caches():
        cache.cache_clear()
