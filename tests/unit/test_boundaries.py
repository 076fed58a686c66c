"""The arrows of style.md point one way; this test keeps them pointing that way."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"domain", "workflows", "store", "console", "seed", "bench", "tests"}


def _imports(package: str) -> dict[str, set[str]]:
    """Top-level names each module of ``package`` imports (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("domain", (OURS - {"domain"}) | {"peewee", "playhouse", "flask", "flask_admin", "wtforms", "psycopg", "click"}),
        ("workflows", {"peewee", "playhouse", "flask", "flask_admin", "wtforms", "psycopg", "console", "store", "seed"}),
        ("store", {"workflows", "console", "flask", "flask_admin", "seed"}),
    ],
)
def test_package_imports_only_what_its_layer_may(package: str, forbidden: set[str]) -> None:
    offenders = {
        module: sorted(names & forbidden) for module, names in _imports(package).items() if names & forbidden
    }
    assert offenders == {}


def test_domain_public_names_exist_and_are_documented() -> None:
    import domain

    for info in pkgutil.walk_packages(domain.__path__, "domain."):
        module = importlib.import_module(info.name)
        exported = getattr(module, "__all__", None)
        if info.name.endswith("__init__") or exported is None:
            continue
        for name in exported:
            assert hasattr(module, name), f"{info.name}.__all__ names {name}, which does not exist"
            obj = getattr(module, name)
            if callable(obj) and getattr(obj, "__module__", None) == info.name:
                assert obj.__doc__, f"{info.name}.{name} has no docstring"


def test_every_domain_module_declares_its_public_api() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "domain").rglob("*.py")
        if path.name != "__init__.py" and "__all__" not in path.read_text(encoding="utf-8")
    ]
    assert missing == []
