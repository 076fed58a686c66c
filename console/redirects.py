"""The one check every redirect target taken from a request goes through (``?next=`` after
sign-in, ``?done=`` of a background job's page).

A browser reading a URL first removes tab, CR and LF wherever they are and strips leading and
trailing control characters and spaces, and treats ``\\`` as ``/``: ``/\\t/evil.example/`` is
``//evil.example/``, another site. The target is cleaned the same way first, then parsed; only
a path of this site (no scheme, no host, no backslash, not ``//``) is accepted, and what is
returned is the cleaned path the browser would have followed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["safe_return_path"]

_REMOVED_ANYWHERE = re.compile(r"[\t\r\n]")
_STRIPPED = "".join(chr(c) for c in range(0x21)) + "\x7f"  # C0 controls, space, DEL
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_return_path(target: str | None) -> str | None:
    """``target`` as the browser would read it, when that is a path on this site; else ``None``."""
    if not target:
        return None
    cleaned = _REMOVED_ANYWHERE.sub("", target).strip(_STRIPPED)
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned or _CONTROL.search(cleaned):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned
