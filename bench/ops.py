"""The operations of issue 6, each run as a user would (the ``ssid`` command) and measured.

Each function takes the :class:`~bench.data.Workspace` and a size, prepares its inputs (not
measured), measures the operation in fresh processes, and returns :class:`Result` rows.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.bench_readers import write_generated_ods
from bench.data import ROOT, SSID, Workspace
from bench.harness import Measurement, combined, measure_call, measure_command

__all__ = ["Result", "Target", "OPERATIONS"]


@dataclass(frozen=True)
class Target:
    """What an operation must reach: at most these seconds, MB, and times its floor (``None``: no limit)."""

    seconds: float | None = None
    peak_mb: float | None = None
    ratio: float | None = None

    def describe(self) -> str:
        parts = []
        if self.seconds is not None:
            parts.append(f"<= {self.seconds:.3g} s")
        if self.peak_mb is not None:
            parts.append(f"<= {self.peak_mb:g} MB")
        if self.ratio is not None:
            parts.append(f"<= {self.ratio:g} x floor")
        return ", ".join(parts)


@dataclass(frozen=True)
class Result:
    """One row of the bench table."""

    operation: str
    size: str
    measured: Measurement
    target: Target
    floor_seconds: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.measured.seconds / self.floor_seconds if self.floor_seconds else None

    @property
    def missed(self) -> list[str]:
        """The parts of the target this measurement misses."""
        missed = []
        if self.target.seconds is not None and self.measured.seconds > self.target.seconds:
            missed.append("time")
        if self.target.peak_mb is not None and self.measured.peak_mb > self.target.peak_mb:
            missed.append("memory")
        ratio = self.ratio
        if self.target.ratio is not None and ratio is not None and ratio > self.target.ratio:
            missed.append("ratio")
        return missed


def _ssid(ws: Workspace, db_url: str, *argv: str, cwd: Path) -> Measurement:
    return measure_command([SSID, *argv, "--db", db_url, "--json", "--as", "bench"], cwd=cwd)


def _floor(target: str, path: Path) -> float:
    return float(measure_call(target, str(path)).detail["timed"])


def roster_import(ws: Workspace, students: int) -> list[Result]:
    """``ssid roster import`` of a roster CSV into an empty district database."""
    roster = ws.roster(students)
    folder = ws.scratch("roster")
    url = f"sqlite:///{folder / 'ssid.db'}"
    ws.ssid("db", "init", "--db", url)
    measured = _ssid(ws, url, "roster", "import", str(roster), cwd=folder)
    return [Result("roster import", f"{students:,} students", measured, Target(seconds=60))]


def _open_run(ws: Workspace, url: str, folder: Path) -> None:
    ws.ssid("run", "start", "--db", url, cwd=folder)
    ws.ssid("run", "resolve-mids", "1", "--attest", "--acknowledge-all", "--db", url, cwd=folder)


def request_file(ws: Workspace, students: int) -> list[Result]:
    """Step 1: select the students of the SSID request and write the file."""
    db, _ = ws.district(students)
    copy = ws.copy_of(db, "request")
    url = f"sqlite:///{copy}"
    _open_run(ws, url, copy.parent)
    measured = _ssid(ws, url, "run", "create-senr", "1", "--out", str(copy.parent / "out"), cwd=copy.parent)
    return [Result("SSID request selection + file", f"{students:,} students", measured, Target(seconds=10))]


def match_load(ws: Workspace, students: int, requested: int = 20_000, candidates: int = 5) -> list[Result]:
    """Step 3: load a match result of ``requested`` students with ``candidates`` candidates each."""
    db, _ = ws.district(students)
    copy = ws.copy_of(db, "match")
    url = f"sqlite:///{copy}"
    _open_run(ws, url, copy.parent)
    made = ws.ssid("run", "create-senr", "1", "--out", str(copy.parent / "out"), "--db", url, cwd=copy.parent)
    request = Path(made["file"])
    lines = request.read_bytes().split(b"\r\n")[:requested]
    partial = copy.parent / request.name.replace(".txt", "_first.txt")
    partial.write_bytes(b"".join(line + b"\r\n" for line in lines if line))
    result = ws.match_result(partial, candidates)
    measured = _ssid(ws, url, "run", "load-results", "1", str(result), cwd=copy.parent)
    shown = f"{min(requested, len(lines)):,} students x {candidates}"
    return [Result("match result load", shown, measured, Target(seconds=5))]


def _to_updated(ws: Workspace, url: str, folder: Path, keep_id: str) -> None:
    """A run in state ``updated`` with one requested student (the extract is what is measured)."""
    _open_run(ws, url, folder)
    keep = folder / "keep.txt"
    keep.write_text(keep_id + "\n", encoding="utf-8")
    made = ws.ssid("run", "create-senr", "1", "--out", str(folder / "out"), "--keep", str(keep), "--db", url, cwd=folder)
    result = ws.match_result(Path(made["file"]), 1)
    ws.ssid("run", "load-results", "1", str(result), "--db", url, cwd=folder)
    ws.ssid("run", "decide", "1", keep_id, "--new", "--anyway", "--db", url, cwd=folder)
    ws.ssid("run", "confirm", "1", "--db", url, cwd=folder)
    ws.ssid("run", "create-updated", "1", "--out", str(folder / "out"), "--db", url, cwd=folder)


def _first_requestable(ws: Workspace, url: str, folder: Path) -> str:
    probe = ws.ssid("student", "show", "100009", "--db", url, cwd=folder)  # a new kindergartner (seed.demo)
    return str(probe["local_id"])


def extract_apply(ws: Workspace, students: int) -> list[Result]:
    """Step 7: load + preview + apply the SSID Extract, on SQLite and (when configured) PostgreSQL."""
    db, _ = ws.district(students)
    extract = ws.sandbox_file(students, "extract")
    lines = sum(1 for _ in extract.open("rb"))
    floor = _floor("bench.floors:extract_apply_floor", extract)
    rows: list[Result] = []
    targets = {"sqlite": Target(seconds=20, peak_mb=500, ratio=2.5)}
    urls = [("sqlite", f"sqlite:///{ws.copy_of(db, 'extract_sqlite')}")]
    if ws.pg_url:
        urls.append(("postgresql", ws.postgres_copy(students, "bench_extract")))
    for engine, url in urls:
        folder = ws.scratch(f"extract_{engine}_run")
        _to_updated(ws, url, folder, _first_requestable(ws, url, folder))
        load = _ssid(ws, url, "run", "load-extract", "1", str(extract), cwd=folder)
        # --anyway: the sandbox's extract was made before this run's one student was sent (it is
        # cached for the day), so the run's guard would rightly say the student did not come back.
        apply = _ssid(ws, url, "run", "apply-extract", "1", "--anyway", cwd=folder)
        measured = combined(load, apply)
        if engine == "sqlite":
            rows.append(Result("SSID Extract load + preview + apply (SQLite)", f"{lines:,} lines", measured,
                               targets["sqlite"], floor, f"load {load.seconds:.1f} s + apply {apply.seconds:.1f} s"))
        else:
            sqlite_seconds = rows[0].measured.seconds
            rows.append(Result("SSID Extract load + preview + apply (PostgreSQL)", f"{lines:,} lines", measured,
                               Target(seconds=2 * sqlite_seconds), floor,
                               f"load {load.seconds:.1f} s + apply {apply.seconds:.1f} s; target 2 x SQLite"))
    return rows


def ods_audit(ws: Workspace, students: int, sizes: Sequence[tuple[int, str]]) -> list[Result]:
    """The SENR ODS audit of ten-year downloads of a district's first students (as many as make
    each size), on SQLite and (when configured) PostgreSQL, with the memory of the largest
    compared to the smallest."""
    rows: list[Result] = []
    for size, label in sizes:
        db, ods = ws.ods_district(students, size)
        lines = sum(1 for _ in ods.open("rb"))
        floor = _floor("bench.floors:csv_parse", ods)
        copy = ws.copy_of(db, f"ods_{size}")
        measured = _ssid(ws, f"sqlite:///{copy}", "ods", "audit", str(ods), "--out", str(copy.parent / "out"), cwd=copy.parent)
        shown = f"{lines:,} lines ({label})"
        rows.append(Result("SENR ODS audit (SQLite)", shown, measured, Target(seconds=60, peak_mb=400, ratio=2.0), floor))
        if ws.pg_url:
            url = ws.postgres_district_to(students, ods, f"bench_ods_{size}")
            folder = ws.scratch(f"ods_{size}_postgresql")
            on_pg = _ssid(ws, url, "ods", "audit", str(ods), "--out", str(folder / "out"), cwd=folder)
            rows.append(Result("SENR ODS audit (PostgreSQL)", shown, on_pg, Target(seconds=2 * measured.seconds, peak_mb=400),
                               floor, "target 2 x SQLite"))
    sqlite = [r for r in rows if r.operation.endswith("(SQLite)")]
    if len(sqlite) > 1:
        small, large = sqlite[0].measured.peak_mb, sqlite[-1].measured.peak_mb
        growth = (large - small) / small * 100
        at = rows.index(sqlite[-1])
        rows[at] = Result(rows[at].operation, rows[at].size, rows[at].measured, rows[at].target, rows[at].floor_seconds,
                          f"peak {growth:+.0f} % vs the smaller run (target within 20 %)")
    return rows


_STARTUP_COMMANDS = (
    ("--help",),
    ("run", "--help"),
    ("run", "load-extract", "--help"),
    ("run", "apply-extract", "--help"),
    ("ods", "audit", "--help"),
)


def _import_seconds(*argv: str, cwd: Path) -> float:
    """What ``python -X importtime`` says one run of ``ssid argv`` spent importing (the lowest of three)."""
    runs = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "console.launcher", *argv], cwd=cwd,
                              capture_output=True, text=True, check=False)
        top = [line.split("|") for line in done.stderr.splitlines() if line.startswith("import time:") and "self [us]" not in line]
        runs.append(sum(int(cumulative) for _, cumulative, name in top if not name.startswith("  ")) / 1e6)
    return min(runs)


def startup(ws: Workspace) -> list[Result]:
    """The fixed start-up cost (import time) of ``ssid --help`` and of the run's commands, with the
    interpreter's own start-up (``python -c pass``) as the floor."""
    url = f"sqlite:///{ws.scratch('startup') / 'ssid.db'}"
    ws.ssid("db", "init", "--db", url)
    commands = [*_STARTUP_COMMANDS, ("run", "status", "1", "--db", url)]
    seconds = {" ".join(argv[:3]): _import_seconds(*argv, cwd=ROOT) for argv in commands}
    bare = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], capture_output=True, text=True, check=False)
    floor = sum(int(line.split("|")[1]) for line in bare.stderr.splitlines()
                if line.startswith("import time:") and "self [us]" not in line and not line.split("|")[2].startswith("  ")) / 1e6
    slowest = max(seconds, key=lambda name: seconds[name])
    note = "; ".join(f"{name}: {value:.3f} s" for name, value in seconds.items())
    return [Result("ssid start-up (import time, slowest command)", f"{len(commands)} commands: {slowest}",
                   Measurement(seconds[slowest], 0.0), Target(seconds=0.25), floor, note)]


def streaming_read(ws: Workspace, sizes: Sequence[int]) -> list[Result]:
    """Reading an SENR ODS download keeps memory flat: the same reader on files of each size."""
    rows: list[Result] = []
    for size in sizes:
        path = ws.cache / f"ods_generated_{size}.txt"
        if not path.exists():
            write_generated_ods(path, size)
        measured = measure_call("bench.bench_readers:read_ods", str(path))
        floor = _floor("bench.floors:csv_parse", path)
        rows.append(Result("SENR ODS read (domain reader)", f"{size:,} lines", measured, Target(), floor))
    if len(rows) > 1:
        small, large = rows[0].measured.peak_mb, rows[-1].measured.peak_mb
        rows[-1] = Result(rows[-1].operation, rows[-1].size, rows[-1].measured, rows[-1].target, rows[-1].floor_seconds,
                          f"peak {large - small:+.1f} MB vs the smaller file")
    return rows


Operation = Callable[[Workspace, float], list[Result]]

OPERATIONS: dict[str, Operation] = {
    "read": lambda ws, scale: streaming_read(ws, [int(100_000 * scale), int(1_000_000 * scale)]),
    "roster": lambda ws, scale: roster_import(ws, int(600_000 * scale)),
    "request": lambda ws, scale: request_file(ws, int(600_000 * scale)),
    "match": lambda ws, scale: match_load(ws, int(600_000 * scale), requested=int(20_000 * scale)),
    "extract": lambda ws, scale: extract_apply(ws, int(600_000 * scale)),
    "startup": lambda ws, scale: startup(ws),
    "ods": lambda ws, scale: ods_audit(
        ws, int(600_000 * scale), [(int(1_000_000 * scale), "1M-line run"), (int(3_000_000 * scale), "3M-line run")]
    ),
}
"""Every operation by name, sized for a district of 600,000 students at ``scale`` 1."""
