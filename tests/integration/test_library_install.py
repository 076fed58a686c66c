"""The domain installs as a typed library: a wheel, a fresh environment, a developer's script.

What a developer outside the project does: ``pip install ssid-workbench`` (no extras) into a new
virtual environment, then ``mypy --strict`` a script that imports the public names. The wheel
must carry ``domain/py.typed`` (without it mypy refuses the installed package) and the domain's
data, and must pull nothing but the domain's dependencies (no Flask, no peewee).

Slow: it builds the wheel and installs it (jellyfish comes from the package index, or pip's cache).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.integration.test_library_docs import doc_examples

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ("values", "records", "layouts", "readers", "writers", "validation", "matching", "duplicates", "planning")
_COPIED = ("pyproject.toml", "README.md", "domain", "workflows", "store", "console", "seed")


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def _wheel(tmp_path: Path) -> Path:
    """The project's wheel, built from a copy (a build writes build/ and *.egg-info beside the sources)."""
    source = tmp_path / "source"
    source.mkdir()
    for name in _COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    built = _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp_path / "dist", source, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("ssid_workbench-*.whl")
    return wheel


def _user_script() -> str:
    """Every public name of the domain's entrances, the page's examples, and one deliberate type error."""
    lines = ['"""A developer\'s script against the installed domain library."""', "from __future__ import annotations"]
    for family in PUBLIC:
        names: list[str] = list(importlib.import_module(f"domain.{family}").__all__)
        assert names, family
        lines.append(f"from domain.{family} import {', '.join(names)}")
    lines += [example.code for example in doc_examples()]
    lines.append("not_a_number: int = compare  # the one error mypy must find: the types are there")
    return "\n".join(lines) + "\n"


def test_the_wheel_installed_alone_is_a_typed_library_without_the_console(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [line for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")]
    assert {"domain/py.typed", "domain/data/nicknames.csv", "domain/matching/__init__.py"} <= names
    assert [line for line in requires if "extra ==" not in line] == ["Requires-Dist: jellyfish==1.3.0"]

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path).returncode == 0
    python = venv / "bin" / "python"
    installed = _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "work"
    work.mkdir()
    listed = _run(python, "-c", "import importlib.metadata as m; print(sorted(d.metadata['Name'].lower() for d in m.distributions()))", cwd=work)
    assert listed.stdout.strip() == "['jellyfish', 'ssid-workbench']", listed.stderr
    where = _run(python, "-c", "import domain.matching; print(domain.matching.__file__)", cwd=work)
    assert where.stdout.startswith(str(venv)), where.stderr

    script = work / "user.py"
    script.write_text(_user_script(), encoding="utf-8")
    (work / "mypy.ini").write_text("[mypy]\nstrict = True\n", encoding="utf-8")
    checked = _run(
        sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--no-incremental", "--python-executable", python, "user.py",
        cwd=work,
    )
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, checked.stdout
    assert 'has type "def compare(local: PersonFacts, candidate: PersonFacts' in errors[0]

    ran = _run(python, "user.py", cwd=work)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout == "".join(example.output for example in doc_examples())
