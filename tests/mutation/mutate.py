"""``make mutate``: mutation testing of ``domain/`` against the unit tests, as one table.

    .venv/bin/python -m tests.mutation.mutate [PATH ...] [--exclude PATH ...] [--workers 2]
                                              [--keep-stats] [--no-fresh]

mutmut (configured in ``[tool.mutmut]`` of ``pyproject.toml``) copies the project to ``mutants/``,
changes one thing at a time in the functions of the files under PATH (default ``domain``) and runs
the unit tests that reach the changed function. A mutant the tests do not notice *survived*.

mutmut runs each mutant in a process forked after the whole suite ran once, so a value computed
at import time or cached by the unchanged code can hide a change. Every survivor is therefore run
again in a fresh process (``MUTANT_UNDER_TEST`` set before anything is imported); one that fails
there counts as killed. A function the module calls at import time is run against every test
that reaches its module (mutmut credits it to whichever test imported the module first).
Mutants listed in ``docs/mutation-equivalents.md`` (with the reason each cannot change
behaviour) are not counted.

Prints the per-module table (mutants, killed, survived, not reached by any unit test, equivalent,
score = killed / counted) and, for each survivor, where it is, the change, and the tests that
reached it (the ones that should have caught it). Both are written to ``mutants/report.md``.
Not part of ``make test``; run it before resolving an issue that changes ``domain/``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "docs" / "mutation-equivalents.md"
STATS = MUTANTS / "mutmut-stats.json"
CLASS_SEPARATOR = "ǁ"

# mutmut's exit codes (mutmut.stats.status_by_exit_code): 1 and 3 killed, a timeout or a crash
# also means the tests noticed; 0 survived; 33 and 5 no test reached the function.
KILLED_CODES = {1, 3, 24, -24, 152, 255, 36, -11, -9}
SURVIVED_CODES = {0}
NOT_REACHED_CODES = {5, 33}


@dataclass(frozen=True)
class Mutant:
    """One mutant of one function: where it is and what it changes."""

    key: str
    path: str
    line: int
    function: str
    before: str
    after: str


@dataclass(frozen=True)
class Equivalent:
    key: str
    change: str
    reason: str


def _module_of(path: Path) -> str:
    module = ".".join(path.with_suffix("").parts)
    return module.removesuffix(".__init__")


def selected_files(paths: Sequence[str], excluded: Sequence[str]) -> list[Path]:
    """The ``.py`` files under ``paths`` and not under ``excluded``, relative to the project."""
    files: set[Path] = set()
    for given in paths:
        path = Path(given.rstrip("/"))
        if (ROOT / path).is_dir():
            files.update(p.relative_to(ROOT) for p in (ROOT / path).rglob("*.py"))
        elif (ROOT / path).is_file():
            files.add(path)
        else:
            raise SystemExit(f"mutate: {given} is neither a file nor a directory of the project")
    drop = [Path(e.rstrip("/")) for e in excluded]
    return sorted(f for f in files if not any(f == d or d in f.parents for d in drop))


def run_mutmut(files: Sequence[Path], workers: int, keep_stats: bool) -> None:
    """``mutmut run`` on the mutants of ``files`` (every one run again: no stale verdicts)."""
    if not keep_stats and STATS.exists():
        STATS.unlink()  # which tests reach which function: measured afresh, tests change
    globs = [f"{_module_of(f)}.x*" for f in files]
    MUTANTS.mkdir(exist_ok=True)
    log = MUTANTS / "mutmut-run.log"
    print(f"mutmut run on {len(files)} files, {workers} workers (log: {log.relative_to(ROOT)})", flush=True)
    with log.open("w") as out:
        done = subprocess.run(
            ["nice", "-n", "19", str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(workers), *globs],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        print(log.read_text()[-3000:])
        raise SystemExit(f"mutate: mutmut run failed (exit {done.returncode}); see {log}")


def exit_codes(files: Iterable[Path]) -> dict[str, tuple[Path, int | None]]:
    """Each mutant of ``files`` with its source file and mutmut's exit code."""
    codes: dict[str, tuple[Path, int | None]] = {}
    for path in files:
        meta = MUTANTS / f"{path}.meta"
        if meta.exists():
            for key, code in json.loads(meta.read_text())["exit_code_by_key"].items():
                codes[key] = (path, code)
    return codes


def tests_reaching(key: str, stats: dict[str, list[str]]) -> list[str]:
    return sorted(stats.get(key.partition("__mutmut_")[0], []))


def tests_for_fresh_run(key: str, path: Path, stats: dict[str, list[str]]) -> list[str]:
    """The tests to run mutant ``key`` against in a fresh process.

    A function the module calls at import time (``_NICKNAMES = _load_nickname_table()``) is
    credited by mutmut's stats to whichever test happened to import the module first, which may
    not depend on it at all; such a mutant is run against every test that reaches the module.
    """
    tests = set(tests_reaching(key, stats))
    if _function_name(key) in called_at_import(path):
        module = key.rpartition(".")[0] + "."
        tests.update(test for name, reached in stats.items() if name.startswith(module) for test in reached)
    return sorted(tests)


def _function_name(key: str) -> str:
    mangled = key.rpartition(".")[2].partition("__mutmut_")[0]
    return mangled.rpartition(CLASS_SEPARATOR)[2] if CLASS_SEPARATOR in mangled else mangled[2:]


def called_at_import(path: Path) -> set[str]:
    """The names the module at ``path`` calls in its top-level statements (not inside a def or class)."""
    tree = ast.parse((ROOT / path).read_text())
    called: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called.add(node.func.id)
    return called


def rerun_fresh(key: str, tests: Sequence[str], pytest_args: Sequence[str]) -> bool:
    """Whether the tests fail on mutant ``key`` in a new process (so nothing cached the original)."""
    env = dict(os.environ, MUTANT_UNDER_TEST=key, PY_IGNORE_IMPORTMISMATCH="1")
    done = subprocess.run(
        ["nice", "-n", "19", sys.executable, "-m", "pytest", "-x", "-q", "--no-header", *pytest_args, *tests],
        cwd=MUTANTS,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=600,
    )
    return done.returncode not in (0, 5)


def describe(key: str, path: Path) -> Mutant:
    """Where mutant ``key`` is (file and line of the source) and what it changes."""
    from mutmut.mutation.diff_apply import read_functions_from_index, read_mutant_function, read_original_function, read_mutants_module

    import libcst as cst

    cwd = os.getcwd()
    os.chdir(ROOT)  # mutmut reads mutants/<path>
    try:
        functions = read_functions_from_index(key, path)
        if functions is None:
            module = read_mutants_module(path)
            functions = (read_original_function(module, key), read_mutant_function(module, key))
    finally:
        os.chdir(cwd)
    before_lines, after_lines = (cst.Module([f]).code.splitlines() for f in functions)
    mangled = key.rpartition(".")[2].partition("__mutmut_")[0]
    if mangled.startswith("x" + CLASS_SEPARATOR):
        class_name, _, name = mangled[2:].partition(CLASS_SEPARATOR)
    else:
        class_name, name = "", mangled[2:]
    opcodes = [op for op in difflib.SequenceMatcher(a=before_lines, b=after_lines).get_opcodes() if op[0] != "equal"]
    _, i1, i2, j1, j2 = opcodes[0] if opcodes else ("equal", 0, 0, 0, 0)
    def_index = next(i for i, line in enumerate(before_lines) if line.lstrip().startswith(("def ", "async def ")))
    line = _def_line(ROOT / path, class_name, name) + (i1 - def_index)
    before = " / ".join(s.strip() for s in before_lines[i1:i2])
    after = " / ".join(s.strip() for s in after_lines[j1:j2])
    return Mutant(key, str(path), line, f"{class_name}.{name}" if class_name else name, before, after)


def _def_line(source: Path, class_name: str, name: str) -> int:
    tree = ast.parse(source.read_text())
    scope: Iterable[ast.stmt] = tree.body
    if class_name:
        scope = next(n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    return next(n.lineno for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name)


def change_text(mutant: Mutant) -> str:
    return f"{mutant.before} → {mutant.after}"


def load_equivalents() -> dict[str, Equivalent]:
    """The table of ``docs/mutation-equivalents.md``: | `key` | `change` | reason |, a pipe in a cell as ``\\|``."""
    found: dict[str, Equivalent] = {}
    if not EQUIVALENTS.exists():
        return found
    for line in EQUIVALENTS.read_text().splitlines():
        # a change that holds a pipe (``left << 32 | right``) writes it ``\|``, as Markdown does
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 3 and cells[0].startswith("`domain."):
            key, change = cells[0].strip("`"), cells[1].strip("`")
            found[key] = Equivalent(key, change, cells[2])
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=["domain"], help="files or folders to mutate (default: domain)")
    parser.add_argument("--exclude", nargs="*", default=[], help="files or folders left out")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-stats", action="store_true", help="reuse which tests reach which function")
    parser.add_argument("--no-fresh", action="store_true", help="skip re-running survivors in a fresh process")
    parser.add_argument("--report-only", action="store_true", help="format the last run's results")
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    files = selected_files(args.paths, args.exclude)
    if not args.report_only:
        run_mutmut(files, args.workers, args.keep_stats)
    codes = exit_codes(files)
    stats: dict[str, list[str]] = json.loads(STATS.read_text())["tests_by_mangled_function_name"]
    pytest_args: list[str] = _pytest_args()
    equivalents = load_equivalents()

    survivors = [key for key, (_, code) in codes.items() if code in SURVIVED_CODES]
    fresh_kills: set[str] = set()
    if survivors and not args.no_fresh:
        print(f"re-running {len(survivors)} survivors in a fresh process each", flush=True)
        with ThreadPoolExecutor(args.workers) as pool:
            verdicts = pool.map(
                lambda k: rerun_fresh(k, tests_for_fresh_run(k, codes[k][0], stats), pytest_args), survivors
            )
            fresh_kills = {key for key, killed in zip(survivors, verdicts) if killed}

    rows: dict[str, Counter[str]] = {}
    details: list[tuple[Mutant, list[str]]] = []
    stale: list[str] = []
    used: set[str] = set()
    for key, (path, code) in sorted(codes.items()):
        row = rows.setdefault(str(path), Counter())
        row["mutants"] += 1
        if code in KILLED_CODES or key in fresh_kills:
            row["killed"] += 1
            continue
        if code is None:
            row["not run"] += 1  # an interrupted run: shown, left out of the score
            continue
        mutant = describe(key, path)
        equivalent = equivalents.get(key)
        if equivalent is not None:
            used.add(key)
            if equivalent.change == change_text(mutant):
                row["equivalent"] += 1
                continue
            stale.append(f"{key}: listed as `{equivalent.change}`, now `{change_text(mutant)}`")
        if code in NOT_REACHED_CODES:
            row["not reached"] += 1
        elif code in SURVIVED_CODES:
            row["survived"] += 1
        else:
            row["other"] += 1
        details.append((mutant, tests_reaching(key, stats)))

    report = _table(rows) + "\n" + _survivors(details, stale)
    print(report)
    (MUTANTS / "report.md").write_text(report)
    return 0


def _pytest_args() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return [str(arg) for arg in config.get("pytest_add_cli_args", [])]


def _table(rows: dict[str, Counter[str]]) -> str:
    lines = [
        "| module | mutants | killed | survived | not reached | equivalent | not run | score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    total: Counter[str] = Counter()
    for path, row in sorted(rows.items()):
        total.update(row)
        lines.append(_row(path, row))
    lines.append(_row(f"all {len(rows)}", total))
    return "\n".join(lines) + "\n"


def _row(name: str, row: Counter[str]) -> str:
    counted = row["mutants"] - row["equivalent"] - row["not run"]
    score = 100.0 * row["killed"] / counted if counted else 100.0
    survived = row["survived"] + row["other"]
    return f"| {name} | {row['mutants']:,} | {row['killed']:,} | {survived:,} | {row['not reached']:,} | {row['equivalent']:,} | {row['not run']:,} | {score:.1f} % |"


def _survivors(details: list[tuple[Mutant, list[str]]], stale: list[str]) -> str:
    if not details and not stale:
        return "No survivors.\n"
    lines = [f"## {len(details)} mutants no unit test noticed", ""]
    for mutant, tests in sorted(details, key=lambda d: (d[0].path, d[0].line)):
        lines.append(f"{mutant.path}:{mutant.line}  {mutant.function}   [{mutant.key}]")
        lines.append(f"    - {mutant.before}")
        lines.append(f"    + {mutant.after}")
        if tests:
            modules = sorted({t.partition("::")[0] for t in tests})
            names = ", ".join(t.partition("::")[2] for t in tests[:3])
            lines.append(f"    reached by {len(tests)} tests in {', '.join(modules)}; should fail one of: {names}{' …' if len(tests) > 3 else ''}")
        else:
            lines.append("    reached by no unit test: write one that calls it")
    if stale:
        lines += ["", "## Equivalents listed for a change that is no longer there (update docs/mutation-equivalents.md)", ""]
        lines += [f"- {s}" for s in stale]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
