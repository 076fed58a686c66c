"""Readers stay flat in memory: read a 100,000-line and a 1,000,000-line SENR ODS download, each in a fresh
process, and print each one's seconds and peak resident memory.

    .venv/bin/python -m bench.bench_readers [--sizes 100000,1000000]

Files are generated into a temporary directory (with the project's own ODS writer, which is timed
too) and removed afterwards. Peak memory is the child process's ``ru_maxrss``; ``baseline`` is the
same process after imports and before reading, so ``peak - baseline`` is what reading cost.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from domain.readers import open_ods_senr
from domain.records import OdsSenrRecord, SenrRecord
from domain.writers import write_ods_senr

__all__ = ["main"]

_FIRST = ("MARIA", "JOSÉ", "LI", "AALIYAH", "NGUYEN", "OLUWASEUN")
_LAST = ("LOPEZ", "PEÑA", "SMITH", "TRAN", "GARCIA-HERNANDEZ", "O'BRIEN")
_GRADES = ("KN", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")


def _records(count: int) -> Iterator[OdsSenrRecord]:
    for n in range(count):
        year = 2016 + n % 10
        exited = n % 3 == 0
        yield OdsSenrRecord(
            SenrRecord(
                record_type="SENR-R", local_record_id=f"R{n}", reporting_lea="1964212",
                school=f"60{n % 97:05d}", academic_year=f"{year}-{year + 1}", ssid=f"{1_000_000_000 + n}",
                local_student_id=f"{100_000 + n}", legal_first=_FIRST[n % 6], legal_middle="A" if n % 2 else "",
                legal_last=_LAST[n % 6], birth_date=f"{2005 + n % 15}0{1 + n % 9}1{n % 9}", gender="MFX"[n % 3],
                birth_city="LOS ANGELES", birth_state="US-CA", birth_country="US",
                enroll_start=f"{year}0814", enroll_status="10", grade=_GRADES[n % 13],
                exit_date=f"{year + 1}0605" if exited else "", exit_reason="E155" if exited else "",
            ),
            upload_date=f"{year}0901",
            last_updated=f"{year}0915",
        )


def _read(path: Path) -> None:
    """Child process: read every record, print JSON with lines, seconds and memory (KiB)."""
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    parsed = open_ods_senr(path)
    lines = 0
    for _ in parsed:
        lines += 1
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"lines": lines, "seconds": seconds, "baseline_kib": baseline, "peak_kib": peak}))


def main(argv: list[str] | None = None) -> int:
    """Generate the files, read each in a child process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated line counts")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.read:
        _read(args.read)
        return 0
    print(f"{'lines':>10} {'MB':>8} {'write s':>8} {'read s':>8} {'us/line':>8} {'baseline MiB':>13} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory(prefix="bench_readers_") as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(folder) / f"ods_{size}.txt"
            started = time.perf_counter()
            with path.open("wb") as out:
                write_ods_senr(_records(size), out)
            wrote = time.perf_counter() - started
            child = subprocess.run(
                [sys.executable, "-m", "bench.bench_readers", "--read", str(path)],
                check=True, capture_output=True, text=True,
            )
            got = json.loads(child.stdout)
            assert got["lines"] == size
            print(
                f"{size:>10} {path.stat().st_size / 1e6:>8.1f} {wrote:>8.2f} {got['seconds']:>8.2f} "
                f"{got['seconds'] / size * 1e6:>8.2f} {got['baseline_kib'] / 1024:>13.1f} {got['peak_kib'] / 1024:>9.1f}"
            )
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
