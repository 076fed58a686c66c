"""``make bench``: every district-scale operation of issue 6, measured in one run, as one table.

    .venv/bin/python -m bench [--scale 1.0 | --quick] [--only startup,extract,ods,...] [--pg URL | --no-pg]
    make bench ARGS=--quick        (or: make bench-quick)
    make bench ARGS="--only linkage"   (the public linkage data sets alone: quality, calibration, ranking)

Sizes are a 600,000-student district at ``--scale 1`` (smaller scales for a quick look; ``--quick`` is
scale 0.1, a few minutes once its inputs are cached, to run before every performance change). Inputs are
made by the project itself and cached under ``bench/out/cache/``. Each row: operation, size, wall
seconds, peak resident MB, the floor measured in the same run, the ratio to it, the target, and
whether it is met. PostgreSQL rows appear when a server answers (``SSID_BENCH_DATABASE_URL``, else
the local server's ``postgres`` database; the bench's own databases are named after it).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import re
import sys
from pathlib import Path

from bench.data import ROOT, Workspace
from bench.ops import OPERATIONS, Result
from bench.ops_console import CONSOLE_OPERATIONS
from bench.ops_linkage import LINKAGE_OPERATIONS
from bench.ops_scale import SCALE_OPERATIONS

__all__ = ["main"]

_LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
QUICK_SCALE = 0.1

OPERATIONS.update(CONSOLE_OPERATIONS)  # the console's page times (bench/ops_console.py)
OPERATIONS.update(SCALE_OPERATIONS)  # imports and the duplicate check at district scale (bench/ops_scale.py)
OPERATIONS.update(LINKAGE_OPERATIONS)  # the public linkage data sets: quality, blocking, calibration (bench/ops_linkage.py)


def _postgres(url: str | None) -> str | None:
    if url is None:
        return None
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return url
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL rows
        return None


def _table(results: list[Result]) -> str:
    header = (
        f"{'operation':<48} {'size':<28} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'floor s':>8} {'ratio':>6}  "
        f"{'target':<32} met"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        floor = f"{r.floor_seconds:8.2f}" if r.floor_seconds else f"{'-':>8}"
        ratio = f"{r.ratio:6.2f}" if r.ratio is not None else f"{'-':>6}"
        met = "yes" if not r.missed else "NO (" + ", ".join(r.missed) + ")"
        lines.append(
            f"{r.operation:<48} {r.size:<28} {r.measured.seconds:8.2f} {r.measured.cpu_seconds:7.2f} "
            f"{r.measured.peak_mb:8.0f} {floor} {ratio}  "
            f"{r.target.describe():<32} {met}"
        )
        lines += [f"{'':<48}   {line}" for line in r.note.splitlines()]
    return "\n".join(lines)


# A 600,000-student district's ten-year SENR ODS download is about 490 MB: over the default file
# limit of 200 MB (SSID_MAX_UPLOAD_MB), which such a district raises, as the bench does here.
_DISTRICT_FILE_LIMIT_MB = "2000"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("SSID_MAX_UPLOAD_MB", _DISTRICT_FILE_LIMIT_MB)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (1 = 600,000 students)")
    parser.add_argument("--quick", action="store_true", help=f"scale {QUICK_SCALE}: the quick look before a performance change")
    parser.add_argument("--only", default=",".join(OPERATIONS), help=f"comma-separated operations, of: {', '.join(OPERATIONS)}")
    parser.add_argument("--pg", default=os.environ.get("SSID_BENCH_DATABASE_URL", _LOCAL_PG), help="PostgreSQL URL")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the day the inputs are made for (YYYY-MM-DD; the cache is kept per day)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="work folder")
    args = parser.parse_args(argv)
    scale = QUICK_SCALE if args.quick else args.scale
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in OPERATIONS]
    if unknown:
        parser.error(f"unknown operation(s): {', '.join(unknown)}; known: {', '.join(OPERATIONS)}")
    # Measured as installed: an installation has its bytecode compiled (pip does it), so compile
    # ours once here even where PYTHONDONTWRITEBYTECODE keeps the interpreter from writing it.
    compileall.compile_dir(ROOT, quiet=1, rx=re.compile(r"/(\.venv|bench/out|\.git|tests)/"))
    pg = None if args.no_pg else _postgres(args.pg)
    workspace = Workspace(args.out.resolve(), args.today, pg)  # the ssid commands run in other folders
    results: list[Result] = []
    for name in names:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results.extend(OPERATIONS[name](workspace, scale))
    print(f"scale {scale:g}")
    print(_table(results))
    print("seconds: wall time (what the targets are about); cpu s: processor time of the measured process,")
    print(f"which is what it cost when other work shares the {os.cpu_count()} cores (load average then: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    if pg is None and not args.no_pg:
        print("(PostgreSQL did not answer: SQLite rows only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
