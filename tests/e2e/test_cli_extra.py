"""``ssid`` without the ``console`` extra says which extra to install, in one line, and exits 2.

``pip install ssid-workbench`` installs the domain library only, yet the ``ssid`` script is there:
a person who runs it must read what to install, not a traceback about click.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from console.launcher import EXTRA_MODULES, MISSING_EXTRA, missing_modules

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = "ssid: the command line needs the console extra: pip install 'ssid-workbench[console]'\n"

# A Python without site-packages (-S; -I: nor PYTHONPATH, nor the user's site) is one where none
# of the extra's packages is installed: only the standard library and this checkout.
_LAUNCH = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from console.launcher import main; main()"

# Only click missing (a partial install): a finder ahead of the others refuses it.
_WITHOUT_CLICK = """
import importlib.abc, sys

class WithoutClick(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "click" or name.startswith("click."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, WithoutClick())
from console.launcher import main
main()
"""


def _ssid(*args: str, python: tuple[str, ...] = (), code: str = _LAUNCH) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_without_the_extra_ssid_names_the_extra_on_stderr_and_exits_2() -> None:
    for args in (("--help",), ("run", "list"), ()):
        done = _ssid(*args, python=("-I", "-S"))
        assert (done.returncode, done.stdout, done.stderr) == (2, "", EXPECTED), args
    assert MISSING_EXTRA + "\n" == EXPECTED


def test_with_click_alone_missing_ssid_names_the_extra() -> None:
    done = _ssid("--help", code=_WITHOUT_CLICK)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", EXPECTED)


def test_with_the_extra_the_launcher_runs_the_command_line() -> None:
    assert missing_modules() == []
    done = _ssid("--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Usage: ssid [OPTIONS] COMMAND [ARGS]...")
    assert "  run " in done.stdout


def test_the_launcher_looks_for_a_module_of_every_package_of_the_extra() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        extra = tomllib.load(file)["project"]["optional-dependencies"]["console"]
    wanted = {re.split(r"[\[=]", requirement)[0].lower() for requirement in extra}
    distributions = packages_distributions()
    looked_for = {dist.lower() for module in EXTRA_MODULES for dist in distributions[module]}
    assert looked_for == wanted
