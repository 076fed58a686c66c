"""District-scale imports and searches of issue 20, each run as a user would (the ``ssid``
command, one process per step) on SQLite and, when a server answers, PostgreSQL:

- ``roster``: ``ssid roster import`` of the district's roster CSV into an empty database;
- ``oneroster``: ``ssid roster import`` of the same district as a OneRoster 1.2 export;
- ``match``: ``ssid run load-results`` of a match result of 20,000 students x 5 candidates;
- ``duplicates``: ``ssid run issues --recheck``, the local duplicate check over every student.

The floors are measured in the same run on the same files (:mod:`bench.floors_scale`: csv parse
and a plain bulk insert of every line). The district the match load and the duplicate check work
on is the roster's, imported once per size and day (SQLite file; PostgreSQL database
``scale_district_<size>_<day>`` beside the one in ``--pg``), with the demo's settings.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench.data import SEED, SSID, Workspace
from bench.harness import Measurement, measure_call, measure_command
from bench.ops import Operation, Result, Target, _open_run

__all__ = ["SCALE_OPERATIONS"]

_SECONDS = 60  # issue 20: roster and OneRoster import, duplicate check of 600,000 students


def _ssid(url: str, *argv: str, cwd: Path) -> Measurement:
    return measure_command([SSID, *argv, "--db", url, "--json", "--as", "bench"], cwd=cwd)


def _floor(url: str, *files: Path) -> float:
    return float(measure_call("bench.floors_scale:parse_and_insert", url, *map(str, files)).detail["timed"])


# -- PostgreSQL databases of our own ---------------------------------------------------------------


def _pg_base(ws: Workspace) -> str:
    assert ws.pg_url is not None
    return ws.pg_url.rsplit("/", 1)[0]


def _pg_name(ws: Workspace, name: str) -> str:
    """``name`` after the bench's own database (as :meth:`bench.data.Workspace.postgres_copy` names its
    copies): two engineers benching on one server never drop each other's databases."""
    assert ws.pg_url is not None
    return f"{ws.pg_url.rsplit('/', 1)[1]}_{name}"


def _pg_fresh(ws: Workspace, name: str, template: str | None = None) -> str:
    """An empty PostgreSQL database ``name`` (or a copy of ``template``) on the bench's server."""
    import psycopg

    assert ws.pg_url is not None
    _pg_drop(ws, name)
    with psycopg.connect(ws.pg_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return f"{_pg_base(ws)}/{name}"


def _pg_drop(ws: Workspace, name: str) -> None:
    import psycopg

    assert ws.pg_url is not None
    with psycopg.connect(ws.pg_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _pg_exists(ws: Workspace, name: str) -> bool:
    import psycopg

    assert ws.pg_url is not None
    with psycopg.connect(ws.pg_url, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


# -- the district: the roster imported, with the demo's settings -------------------------------------


def _settle(ws: Workspace, url: str, folder: Path) -> None:
    """The demo district's settings (LEA, year, every school selected) on an imported roster, and
    its local duplicate check stored (copies then open a run without checking again)."""
    from seed.demo import generate_district

    district = generate_district(1, SEED, ws.today)
    schools = ",".join(school.code for school in district.schools)
    ws.ssid("settings", "set", "--lea", district.lea, "--year", district.year.code, "--schools", schools,
            "--db", url, cwd=folder)  # fmt: skip
    ws.ssid("run", "issues", "--db", url, cwd=folder)


def _shown(row: Result) -> Result:
    """``row``, also told on stderr as soon as it is measured (a long bench shows its rows as it goes)."""
    print(f"bench:   {row.operation}: {row.size}, {row.measured.seconds:.1f} s (cpu {row.measured.cpu_seconds:.1f} s), "
          f"{row.measured.peak_mb:.0f} MB, floor {row.floor_seconds or 0:.2f} s", file=sys.stderr, flush=True)  # fmt: skip
    return row


def _district(ws: Workspace, students: int, engine: str) -> str:
    """The URL of a fresh copy of the roster district of ``students`` on ``engine`` (built once)."""
    if engine == "sqlite":
        cached = ws.cache / f"roster_district_{students}.db"
        if not cached.exists():
            folder = ws.scratch("roster_district")
            partial = folder / "ssid.db"
            url = f"sqlite:///{partial}"
            ws.ssid("db", "init", "--db", url)
            ws.ssid("roster", "import", str(ws.roster(students)), "--db", url, cwd=folder)
            _settle(ws, url, folder)
            shutil.move(partial, cached)
        return f"sqlite:///{ws.copy_of(cached, f'district_{students}')}"
    template = _pg_name(ws, f"scale_district_{students}_{ws.today:%Y%m%d}")
    if not _pg_exists(ws, template):
        url = _pg_fresh(ws, template)
        try:
            ws.ssid("db", "init", "--db", url)
            ws.ssid("roster", "import", str(ws.roster(students)), "--db", url)
            _settle(ws, url, ws.root)
        except BaseException:
            _pg_drop(ws, template)  # never a half-built district
            raise
    return _pg_fresh(ws, _pg_name(ws, "scale_work"), template)


def _engines(ws: Workspace) -> list[str]:
    return ["sqlite", "postgresql"] if ws.pg_url else ["sqlite"]


def _empty(ws: Workspace, engine: str, name: str) -> tuple[str, Path]:
    folder = ws.scratch(f"{name}_{engine}")
    url = f"sqlite:///{folder / 'ssid.db'}" if engine == "sqlite" else _pg_fresh(ws, _pg_name(ws, f"scale_{name}"))
    ws.ssid("db", "init", "--db", url)
    return url, folder


def _engine_name(engine: str) -> str:
    return "SQLite" if engine == "sqlite" else "PostgreSQL"


# -- the rows ---------------------------------------------------------------------------------------


def roster_import(ws: Workspace, students: int) -> list[Result]:
    """``ssid roster import`` of the district's roster CSV into an empty database."""
    roster = ws.roster(students)
    lines = sum(1 for _ in roster.open("rb")) - 1
    rows = []
    for engine in _engines(ws):
        floor = _floor("" if engine == "sqlite" else ws.pg_url or "", roster)
        url, folder = _empty(ws, engine, "roster")
        measured = _ssid(url, "roster", "import", str(roster), cwd=folder)
        rows.append(_shown(Result(f"roster import ({_engine_name(engine)})", f"{students:,} students, {lines:,} rows", measured,
                           Target(seconds=_SECONDS), floor, "floor: csv parse + bulk insert of every row")))  # fmt: skip
    return rows


def _oneroster_export(ws: Workspace, students: int) -> Path:
    """The district as a OneRoster 1.2 export (a folder; kept)."""
    from domain.oneroster import OneRosterVersion
    from seed.demo import generate_district
    from seed.demo.oneroster import write_oneroster

    target = ws.cache / f"oneroster_{students}"
    if not target.exists():
        partial = ws.cache / f"oneroster_{students}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        district = generate_district(students, SEED, ws.today)
        write_oneroster(district, (demo.student for demo in district.students()), partial, OneRosterVersion.V1_2)
        partial.rename(target)
    return target


def oneroster_import(ws: Workspace, students: int) -> list[Result]:
    """``ssid roster import`` of the district as a OneRoster 1.2 export into an empty database."""
    export = _oneroster_export(ws, students)
    files = sorted(export.glob("*.csv"))
    size = sum(f.stat().st_size for f in files) / 1024**2
    rows = []
    for engine in _engines(ws):
        floor = _floor("" if engine == "sqlite" else ws.pg_url or "", *files)
        url, folder = _empty(ws, engine, "oneroster")
        ws.ssid("settings", "set", "--oneroster-ssid", "userMasterIdentifier", "--db", url, cwd=folder)
        measured = _ssid(url, "roster", "import", str(export), cwd=folder)
        rows.append(_shown(Result(f"OneRoster 1.2 import ({_engine_name(engine)})", f"{students:,} students ({size:.0f} MB)",
                           measured, Target(seconds=_SECONDS), floor, "floor: csv parse + bulk insert of every line")))  # fmt: skip
    return rows


def _without_ssid(url: str, count: int) -> list[str]:
    """The first ``count`` active students without an SSID, by local id (the run's KEEP list)."""
    query = "SELECT local_id FROM student WHERE ssid IS NULL AND active ORDER BY local_id LIMIT ?"
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return [row[0] for row in connection.execute(query, (count,))]
    import psycopg

    with psycopg.connect(url) as connection:
        return [row[0] for row in connection.execute(query.replace("?", "%s"), (count,))]


def match_load(ws: Workspace, students: int, requested: int, candidates: int = 5) -> list[Result]:
    """``ssid run load-results``: a match result of ``requested`` students x ``candidates``."""
    rows = []
    for engine in _engines(ws):
        url = _district(ws, students, engine)
        folder = ws.scratch(f"match_{engine}")
        keep = folder / "keep.txt"
        keep.write_text("".join(f"{local_id}\n" for local_id in _without_ssid(url, requested)), encoding="utf-8")
        _open_run(ws, url, folder)
        made = ws.ssid("run", "create-senr", "1", "--out", str(folder / "out"), "--keep", str(keep), "--db", url, cwd=folder)
        request = Path(made["file"])
        lines = [line for line in request.read_bytes().split(b"\r\n") if line]
        result = ws.match_result(request, candidates)
        floor = _floor("" if engine == "sqlite" else ws.pg_url or "", result)
        measured = _ssid(url, "run", "load-results", "1", str(result), cwd=folder)
        rows.append(_shown(Result(f"match result load ({_engine_name(engine)})", f"{len(lines):,} students x {candidates}",
                           measured, Target(seconds=5), floor, "floor: csv parse + bulk insert of every line")))  # fmt: skip
    return rows


def duplicate_check(ws: Workspace, students: int) -> list[Result]:
    """``ssid run issues --recheck``: the local duplicate check over every student, stored."""
    rows = []
    for engine in _engines(ws):
        url = _district(ws, students, engine)
        folder = ws.scratch(f"duplicates_{engine}")
        measured = _ssid(url, "run", "issues", "--recheck", cwd=folder)
        issues = len(measured.detail.get("issues", [])) if isinstance(measured.detail.get("issues"), list) else "?"
        rows.append(_shown(Result(f"local duplicate check ({_engine_name(engine)})", f"{students:,} students", measured,
                           Target(seconds=_SECONDS, peak_mb=1000), None,
                           f"{issues} issues; no floor: comparing the pairs is the work")))  # fmt: skip
    return rows


SCALE_OPERATIONS: dict[str, Operation] = {
    "roster": lambda ws, scale: roster_import(ws, int(600_000 * scale)),
    "oneroster": lambda ws, scale: oneroster_import(ws, int(600_000 * scale)),
    "match": lambda ws, scale: match_load(ws, int(600_000 * scale), requested=int(20_000 * scale)),
    "duplicates": lambda ws, scale: duplicate_check(ws, int(600_000 * scale)),
}
"""Issue 20's import and search rows, sized for a district of 600,000 students at ``scale`` 1;
``roster`` and ``match`` take the place of :data:`bench.ops.OPERATIONS`' rows of those names
(these add PostgreSQL and a floor)."""
