"""pyproject.toml installs the domain library alone, and the rest only with the ``console`` extra.

``pip install ssid-workbench`` is for a developer who wants the typed domain library: it must
pull exactly the third-party packages the domain imports, no web framework or database driver.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("domain", "workflows", "store", "console", "seed")


def _project() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project: dict[str, Any] = tomllib.load(file)
    return project


def _names(requirements: list[str]) -> set[str]:
    """Normalised distribution names of requirement strings (``psycopg[binary]==3`` -> ``psycopg``)."""
    return {_normalised(re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0]) for requirement in requirements}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _third_party_imports(package: str) -> set[str]:
    """Top-level modules imported anywhere in ``package`` that are neither ours nor the standard library."""
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(PRODUCT) - {"__future__"}


def test_the_base_dependencies_are_exactly_what_the_domain_imports() -> None:
    distributions = packages_distributions()
    imported = _third_party_imports("domain")
    assert imported == {"jellyfish"}
    needed = {_normalised(dist) for module in imported for dist in distributions[module]}
    assert _names(_project()["project"]["dependencies"]) == needed


def test_the_console_extra_holds_the_web_store_and_command_line_packages() -> None:
    extras = _project()["project"]["optional-dependencies"]
    assert _names(extras["console"]) == {
        "flask", "flask-admin", "flask-login", "transitions", "peewee", "wtforms", "wtf-peewee", "psycopg", "click", "waitress",
    }
    # aiosmtpd is the tests' local mail server: only the dev extra has it, and no product code imports it.
    assert "aiosmtpd" in _names(extras["dev"])
    assert all("aiosmtpd" not in _third_party_imports(package) for package in PRODUCT)


def test_every_dependency_is_pinned_to_one_version() -> None:
    project = _project()["project"]
    requirements = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", requirement) for requirement in requirements), requirements


def test_the_domain_is_marked_typed_and_the_marker_is_package_data() -> None:
    assert (ROOT / "domain" / "py.typed").is_file()
    assert "py.typed" in _project()["tool"]["setuptools"]["package-data"]["domain"]


def test_the_ssid_script_is_the_launcher_that_names_the_extra() -> None:
    assert _project()["project"]["scripts"] == {"ssid": "console.launcher:main"}
