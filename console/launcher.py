"""The ``ssid`` console script: the command line, or the one line that says which extra it needs.

``pip install ssid-workbench`` installs the domain library alone; the command line, the console
and the store come with the ``console`` extra. The script still exists without the extra, so it
must answer with what to install rather than a traceback. That is why this module imports nothing
of the extra (not even click) before it has looked for the extra's packages, and why it lives
beside ``console.cli`` rather than inside it (importing ``console.cli`` imports click).
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["MISSING_EXTRA", "main", "missing_modules"]

MISSING_EXTRA = "ssid: the command line needs the console extra: pip install 'ssid-workbench[console]'"

# The top-level modules of the `console` extra's distributions (pyproject.toml): looked up, not
# imported, so that `ssid` still pays at start-up only for what the command runs.
EXTRA_MODULES = ("click", "flask", "flask_admin", "flask_login", "peewee", "playhouse", "psycopg", "transitions", "waitress", "wtforms", "wtfpeewee")


def missing_modules() -> list[str]:
    """The modules of the ``console`` extra that cannot be found here, in ``EXTRA_MODULES`` order."""
    missing = []
    for name in EXTRA_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ImportError:
            found = False
        if not found:
            missing.append(name)
    return missing


def main() -> None:
    """Run ``ssid`` (:data:`console.cli.main`); exit 2 naming the extra when its packages are missing."""
    if missing_modules():
        print(MISSING_EXTRA, file=sys.stderr)
        raise SystemExit(2)
    from console.cli import main as ssid

    # Named here, not from argv[0], so `python -m console.launcher` shows the same usage line.
    ssid(prog_name="ssid")


if __name__ == "__main__":
    main()
