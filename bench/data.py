"""District-scale inputs for the benchmarks, made deterministically and kept between runs.

Everything comes from the project itself: the demo district generator (``ssid seed demo``), the
CALPADS sandbox (``ssid sandbox populate/extract/ods``) and the domain writers. Inputs are kept
under ``bench/out/cache/`` keyed by size, seed and date, so a second ``make bench`` the same day
reuses them; each operation then works on a fresh copy of the district database.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from domain.model import Student
from domain.readers import open_senr
from domain.records import MatchCandidate, MatchCategory, MatchResultRow
from domain.values import CdsCode, LocalId, Ssid
from domain.writers import write_match_result
from seed.demo import generate_district
from store.roster_import import ROSTER_COLUMNS

__all__ = ["Workspace", "SEED"]

SEED = 1
ROOT = Path(__file__).resolve().parents[1]
SSID = str(ROOT / ".venv" / "bin" / "ssid")


def _run(argv: Sequence[str], cwd: Path) -> Any:
    done = subprocess.run([SSID, *argv, "--json"], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ssid {' '.join(argv)}: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Workspace:
    """The bench's folder: cached inputs, and a scratch folder per operation."""

    def __init__(self, root: Path, today: dt.date, pg_url: str | None) -> None:
        self.root = root
        self.today = today
        self.pg_url = pg_url
        self.cache = root / "cache" / today.isoformat()
        self.cache.mkdir(parents=True, exist_ok=True)

    def ssid(self, *argv: str, cwd: Path | None = None) -> Any:
        """Run an ``ssid`` command for set-up (not measured); its JSON result."""
        return _run(argv, cwd or self.root)

    def scratch(self, name: str) -> Path:
        """An empty folder for one operation."""
        folder = self.root / "scratch" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    # -- the district and its statewide population -------------------------------------------
    def district(self, students: int) -> tuple[Path, Path]:
        """SQLite files of the seeded district and of its sandbox (built once per size and day)."""
        db = self.cache / f"district_{students}.db"
        sandbox = self.cache / f"sandbox_{students}.db"
        if not (db.exists() and sandbox.exists()):
            for path in (db, sandbox):
                path.unlink(missing_ok=True)
            partial = db.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            url, sandbox_url = f"sqlite:///{partial}", f"sqlite:///{sandbox}"
            self.ssid("db", "init", "--db", url)
            self.ssid(
                "seed", "demo", "--students", str(students), "--seed", str(SEED), "--today", self.today.isoformat(),
                "--db", url, "--sandbox-db", sandbox_url,
            )
            if not sandbox.exists() or not self._sandbox_filled(sandbox):
                self.ssid(
                    "sandbox", "populate", "--students", str(students), "--seed", str(SEED),
                    "--today", self.today.isoformat(), "--sandbox-db", sandbox_url,
                )
            partial.rename(db)
        return db, sandbox

    @staticmethod
    def _sandbox_filled(path: Path) -> bool:
        import sqlite3

        from seed.sandbox.models import StateStudent

        with sqlite3.connect(path) as connection:
            try:
                query = f"SELECT 1 FROM {StateStudent._meta.table_name} LIMIT 1"  # seed demo fills it
                return bool(connection.execute(query).fetchone())
            except sqlite3.OperationalError:
                return False

    def copy_of(self, db: Path, name: str) -> Path:
        """A fresh copy of a cached SQLite database for one operation."""
        target = self.scratch(name) / "ssid.db"
        shutil.copyfile(db, target)
        self.ssid("db", "init", "--db", f"sqlite:///{target}")  # inputs cached by an older schema
        # On disk before anything is timed: the copy's write-back (hundreds of MB at district scale)
        # would otherwise run beside the measured command, and not beside its floor, measured before.
        os.sync()
        return target

    def postgres_copy(self, students: int, name: str) -> str:
        """A PostgreSQL database holding the seeded district (built once per run; a fresh copy per use)."""
        assert self.pg_url is not None
        import psycopg

        base, own = self.pg_url.rsplit("/", 1)
        # Named after the bench's own database and the day: engineers sharing one server keep
        # apart, and a district seeded for another day (the extract is made for today) is not reused.
        template = f"{own}_district_{students}_{self.today:%Y%m%d}"
        name = f"{own}_{name}"
        with psycopg.connect(self.pg_url, autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{template}"')
                url = f"{base}/{template}"
                try:
                    self.ssid("db", "init", "--db", url)
                    self.ssid(
                        "seed", "demo", "--students", str(students), "--seed", str(SEED),
                        "--today", self.today.isoformat(), "--db", url, "--no-sandbox",
                    )
                except BaseException:
                    admin.execute(f'DROP DATABASE IF EXISTS "{template}"')
                    raise
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.ssid("db", "init", "--db", f"{base}/{name}")
        return f"{base}/{name}"

    def postgres_district_to(self, students: int, ods: Path, name: str) -> str:
        """A PostgreSQL copy of the seeded district reduced to the students up to the last one the
        ODS download ``ods`` lists (as :meth:`ods_district` reduces the SQLite one)."""
        import psycopg

        with ods.open("rb") as listed:
            last = b""
            for line in listed:
                last = line.split(b"^", 9)[8]
        url = self.postgres_copy(students, name)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DELETE FROM student WHERE CAST(local_id AS INTEGER) > %s", (int(last),))
            connection.execute("VACUUM ANALYZE")
        return url

    # -- files CALPADS would give ---------------------------------------------------------------
    def sandbox_file(self, students: int, kind: str) -> Path:
        """The sandbox's ``extract`` or ``ods`` file for the district of ``students`` (kept)."""
        target = self.cache / f"{kind}_{students}.txt"
        if not target.exists():
            _, sandbox = self.district(students)
            out = self.scratch(f"make_{kind}")
            made = self.ssid("sandbox", kind, "--out", str(out), "--today", self.today.isoformat(),
                             "--sandbox-db", f"sqlite:///{sandbox}")
            Path(made["file"]).rename(target)
        return target

    def ods_district(self, students: int, lines: int) -> tuple[Path, Path]:
        """A district of the first students of ``students`` and their ten-year ODS download of about
        ``lines`` lines (cut after a student's last record), as SQLite file and download.

        The download lists students by local id, each one's records together: cut there, and the
        district reduced to the students up to the last one listed, it is the download of that
        smaller district (made from one seeded district instead of seeding one per size).
        """
        whole = self.sandbox_file(students, "ods")
        part = self.cache / f"ods_{students}_{lines}.txt"
        last = b""
        if not part.exists():
            partial = part.with_suffix(".partial")
            with whole.open("rb") as download, partial.open("wb") as out:
                count = 0
                for line in download:
                    local_id = line.split(b"^", 9)[8]
                    if count >= lines and local_id != last:
                        break
                    out.write(line)
                    count, last = count + 1, local_id
            partial.rename(part)
        with part.open("rb") as listed:
            for line in listed:
                last = line.split(b"^", 9)[8]
        db = self.cache / f"district_{students}_to_{last.decode()}.db"
        if not db.exists():
            import sqlite3

            seeded, _ = self.district(students)
            partial_db = db.with_suffix(".partial")
            shutil.copyfile(seeded, partial_db)
            connection = sqlite3.connect(partial_db)
            try:
                connection.execute("PRAGMA foreign_keys = ON")
                with connection:
                    connection.execute("DELETE FROM student WHERE CAST(local_id AS INTEGER) > ?", (int(last),))
            finally:
                connection.close()  # checkpoints the write-ahead log into the file before it is renamed
            partial_db.rename(db)
        return db, part

    def roster(self, students: int) -> Path:
        """A roster CSV (shared/spec/cli.md) of the demo district: one row per enrollment."""
        target = self.cache / f"roster_{students}.csv"
        if not target.exists():
            partial = target.with_suffix(".partial")
            with partial.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\r\n")
                writer.writerow(ROSTER_COLUMNS)
                for demo in generate_district(students, SEED, self.today).students():
                    writer.writerows(_roster_rows(demo.student))
            partial.rename(target)
        return target

    def match_result(self, request_file: Path, candidates: int) -> Path:
        """A match result file for ``request_file``: ``candidates`` candidates per student."""
        target = request_file.with_name(request_file.stem + "_MatchResults.csv")
        rng = random.Random(SEED)
        with target.open("wb") as out:
            write_match_result(_candidate_rows(request_file, candidates, rng), out)
        return target


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _roster_rows(student: Student) -> Iterator[list[str]]:
    language = student.language
    swd = student.special_education.swd if student.special_education else ""
    guardians = [*student.guardians, None, None][:2]
    address = student.addresses[0] if student.addresses else None
    alias = student.alias
    common = {
        "local_id": student.local_id, "legal_first": student.legal.first, "legal_middle": student.legal.middle,
        "legal_last": student.legal.last, "suffix": student.suffix,
        "alias_first": alias.first if alias else "", "alias_middle": alias.middle if alias else "",
        "alias_last": alias.last if alias else "", "birth_date": _day(student.birth_date), "gender": student.gender,
        "birth_city": student.birth_city, "birth_state": student.birth_state, "birth_country": student.birth_country,
        "ssid": student.ssid or "", "elas": (language.elas or "") if language else "",
        "elas_date": _day(language.elas_start) if language else "",
        "primary_language": (language.primary_language or "") if language else "", "swd": swd or "",
        "guardian1_first": guardians[0].first if guardians[0] else "", "guardian1_last": guardians[0].last if guardians[0] else "",
        "guardian2_first": guardians[1].first if guardians[1] else "", "guardian2_last": guardians[1].last if guardians[1] else "",
        "address": address.street if address else "", "city": address.city if address else "",
        "state": address.state if address else "", "zip": address.zip if address else "",
        "active": "Y" if student.active else "N",
    }  # fmt: skip
    for enrollment in student.enrollments:
        row = {
            **common, "school": enrollment.school, "grade": enrollment.grade, "enroll_start": _day(enrollment.start),
            "enroll_exit": _day(enrollment.exit_date), "exit_reason": enrollment.exit_reason,
            "enroll_status": enrollment.status,
        }  # fmt: skip
        yield [row[column] for column in ROSTER_COLUMNS]


def _candidate_rows(request_file: Path, per_student: int, rng: random.Random) -> Iterator[MatchResultRow]:
    line = 1
    for record in open_senr(request_file):
        birth = dt.date(int(record.birth_date[:4]), int(record.birth_date[4:6]), int(record.birth_date[6:]))
        category = MatchCategory.SINGLE if per_student == 1 else MatchCategory.MULTIPLE
        for _ in range(per_student):
            line += 1
            score = rng.randint(60, 100)
            candidate = MatchCandidate(
                Ssid(f"{rng.randint(6_000_000_000, 6_999_999_999)}"), birth, category, f"{score}%", float(score),
                record.legal_last, record.legal_first, record.legal_middle, record.gender, birth,
                record.reporting_lea, record.school, record.birth_city, record.birth_state, record.birth_country,
            )
            yield MatchResultRow(
                line, CdsCode(record.reporting_lea), CdsCode(record.school), LocalId(record.local_student_id),
                record.legal_last, record.legal_first, record.legal_middle, record.gender, birth, category, candidate,
            )

