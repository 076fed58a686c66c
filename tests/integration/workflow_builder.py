"""Bring a real run to any state through the real services, against the CALPADS sandbox.

Shared by the workflow integration tests: a small demo district in the test's database, the
sandbox (a simulator) in a SQLite file beside it, and a fixed clock so file names and "today"
do not depend on when the tests run.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import peewee

from domain.model import DecisionKind
from domain.records import SelaRecord, SenrRecord
from domain.runs import RunState
from domain.values import AcademicYear, LocalId, Ssid, parse_calpads_date
from seed.demo import DemoDistrict, generate_district
from seed.demo.load import load_demo
from seed.sandbox import init_population, match_file, post_file, write_extract, write_replacement_extract
from store.bulk import tuples
from store.schema import ALL_TABLES
from store.tables import EnrollmentRow, MatchCandidateRow, MatchRequestRow, RunTransitionRow, StudentDataVersionRow, StudentRow
from store.workflow_store import DatabaseWorkflowStore
from workflows.batches import replacement
from workflows.run import extract, lifecycle, request, results
from workflows.run.stepping import Actor

__all__ = ["TODAY", "NOW", "actor", "Snapshot", "snapshot", "history_rows", "last_history", "sela_record", "RunBuilder", "STATE_ORDER", "calpads_is_sure"]

R = TypeVar("R")

TODAY = dt.date(2025, 10, 15)
NOW = dt.datetime(2025, 10, 15, 19, 30, tzinfo=dt.UTC)


def actor(name: str = "maria", at: dt.datetime = NOW) -> Actor:
    """An acting user whose clock always reads ``at``."""
    return Actor(name, clock=lambda: at)


def sela_record(local_id: str, ssid: str, elas: str, start: str) -> SelaRecord:
    """A SELA ODS download record (``SELA-R``) of the demo LEA for one student."""
    return SelaRecord(
        "SELA-R", "", "", "1964212", "6019715", "2025-2026", ssid, "A", "B", "20150101", "F", local_id, elas, start, "01", ""
    )


Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(*, skip: tuple[type[peewee.Model], ...] = ()) -> Snapshot:
    """Every row of every table of the district database (but ``skip``), in primary-key order.

    The students' data version is left out: it counts changes (an apply and its undo move it on
    twice), it holds no data.
    """
    taken: Snapshot = {}
    for table in ALL_TABLES:
        if table in skip or table is StudentDataVersionRow:
            continue
        key: Any = table._meta.primary_key
        taken[table._meta.table_name] = list(tuples(table.select().order_by(key)))
    return taken


def history_rows() -> list[tuple[Any, ...]]:
    """The run history table's rows (event, source, dest, accepted, reason), in order."""
    t = RunTransitionRow
    return list(tuples(t.select(t.event, t.source, t.dest, t.accepted, t.reason).order_by(t.id)))


def last_history() -> RunTransitionRow:
    """The newest row of the run history table."""
    key: Any = RunTransitionRow._meta.primary_key
    row: RunTransitionRow = RunTransitionRow.select().order_by(key.desc()).get()
    return row


STATE_ORDER = (
    RunState.NEW,
    RunState.MIDS_RESOLVED,
    RunState.SENR_CREATED,
    RunState.RESULTS_LOADED,
    RunState.ALL_CONFIRMED,
    RunState.UPDATED,
    RunState.EXTRACT_LOADED,
)


@dataclass
class RunBuilder:
    """A demo district and its sandbox; :meth:`to` walks a new run through the steps up to a state."""

    database: peewee.Database
    folder: Path
    students: int = 40
    store: DatabaseWorkflowStore = field(init=False)
    district: DemoDistrict = field(init=False)
    sandbox_url: str = field(init=False)
    files: dict[str, Path] = field(init=False, default_factory=dict)
    run_id: int = 0
    summer: bool = False

    def __post_init__(self) -> None:
        self.district = generate_district(self.students, 1, TODAY)
        load_demo(self.district, fresh=True, with_users=False)
        self.sandbox_url = f"sqlite:///{self.folder / 'sandbox.db'}"
        init_population(self.sandbox_url, self.district)
        self.store = DatabaseWorkflowStore(self.database)

    def out(self, name: str) -> Path:
        return self.folder / name

    def write(self, name: str, writer: Callable[[Iterable[R], BinaryIO], int], records: Iterable[R]) -> Path:
        """A file ``name`` in the test's folder, written by a domain writer."""
        buffer = io.BytesIO()
        writer(records, buffer)
        path = self.out(name)
        path.write_bytes(buffer.getvalue())
        return path

    def decide_all(self, choose: Callable[[LocalId, list[Ssid]], tuple[DecisionKind, Ssid | None]] | None = None) -> None:
        """Decide every requested student: the best candidate when there is one, else New SSID."""
        candidates = self.store.candidates(self.run_id)
        for local_id in sorted(self.store.requested_ids(self.run_id)):
            ssids = [c.ssid for c in candidates.get(local_id, [])]
            kind, ssid = choose(local_id, ssids) if choose else (
                (DecisionKind.SELECT, ssids[0]) if ssids else (DecisionKind.NEW_SSID, None)
            )
            results.decide(self.store, self.run_id, local_id, kind, actor("jose"), ssid)

    def step(self, state: RunState) -> None:
        """Take the one step that enters ``state`` from the state before it."""
        store, who = self.store, actor()
        if state is RunState.NEW:
            self.run_id = lifecycle.start_run(store, who, summer=self.summer).id
        elif state is RunState.MIDS_RESOLVED:
            lifecycle.acknowledge_issues(store, ["all"], who)
            lifecycle.resolve_mids(store, self.run_id, who, attested=True)
        elif state is RunState.SENR_CREATED:
            self.files["request"] = request.create_request(store, self.run_id, who, self.out("request")).path
        elif state is RunState.RESULTS_LOADED:
            self.files["results"] = match_file(self.sandbox_url, self.files["request"], self.out("results")).file
            results.load_results(store, self.run_id, self.files["results"], who)
        elif state is RunState.ALL_CONFIRMED:
            self.decide_all()
            results.confirm_all(store, self.run_id, who)
        elif state is RunState.UPDATED:
            made = results.create_updated(store, self.run_id, self.out("updated"), who)
            self.files["updated"] = made.path
            if made.summer_sela_path is not None:
                self.files["summer_sela"] = made.summer_sela_path
            post_file(self.sandbox_url, self.files["updated"], today=TODAY)
            self.files["extract"] = write_extract(self.sandbox_url, self.out("extract"), today=TODAY, now=NOW).file
            self.files["replacements"] = write_replacement_extract(
                self.sandbox_url, self.out("replacements"), today=TODAY, now=NOW
            ).file
        elif state is RunState.EXTRACT_LOADED:
            extract.load_extract(store, self.run_id, self.files["extract"], who)
            extract.apply_extract(store, self.run_id, who)
        elif state is RunState.CANCELLED:
            lifecycle.cancel_run(store, self.run_id, who)

    def to(self, state: RunState) -> int:
        """A new run brought to ``state`` (cancelled: cancelled right after it started); its id."""
        path = (RunState.NEW, RunState.CANCELLED) if state is RunState.CANCELLED else STATE_ORDER[: STATE_ORDER.index(state) + 1]
        for step in path:
            self.step(step)
        return self.run_id


def calpads_is_sure(run_id: int, local_id: str) -> Ssid:
    """Arrange CALPADS' answer for one requested student as a Single Match at 100 % with the request
    record's own values (its best candidate kept, the others dropped); returns that SSID.

    The sandbox is rarely that sure of a demo student (it spells them a little differently), so
    tests of bulk acceptance set up the case CALPADS would give for an exactly known child.
    """
    request = MatchRequestRow.get((MatchRequestRow.run == run_id) & (MatchRequestRow.local_id == local_id))
    record = SenrRecord(*request.senr_line.split("^"))
    c = MatchCandidateRow
    mine = (c.run == run_id) & (c.local_id == local_id) & c.ssid.is_null(False)
    best = c.select().where(mine).order_by(c.percent.desc()).first()
    assert best is not None, f"student {local_id} has no candidate"
    c.delete().where(mine & (c.id != best.id)).execute()
    c.update(
        category="Single Match", score="100%", percent=100, legal_first=record.legal_first, legal_middle=record.legal_middle,
        legal_last=record.legal_last, gender=record.gender, birth_date=parse_calpads_date(record.birth_date),
        birth_city=record.birth_city, birth_state=record.birth_state, birth_country=record.birth_country,
    ).where(c.id == best.id).execute()
    return Ssid(best.ssid)


def audited_district(database: peewee.Database, tmp_path: Path, students: int = 200) -> RunBuilder:
    """A district after a whole run (SSIDs loaded) and the Replacement SSIDs applied: ready for an ODS audit."""
    builder = RunBuilder(database, tmp_path, students=students)
    builder.to(RunState.EXTRACT_LOADED)
    preview = replacement.load_replacements(builder.store, builder.files["replacements"], actor())
    replacement.apply_replacements(builder.store, preview.batch.id, actor())
    student_left(builder)
    return builder


def student_left(builder: RunBuilder) -> str:
    """The first student holding an SSID with a current-year enrollment left: the SIS removed that
    enrollment, so an ODS audit deletes CALPADS' record (the demo has no such case of its own). Their local id."""
    year = builder.store.district_settings().year
    assert year is not None
    query = EnrollmentRow.select().join(StudentRow).where(
        (EnrollmentRow.start_date >= year.first_day) & (EnrollmentRow.start_date <= year.last_day)
        & StudentRow.ssid.is_null(False) & StudentRow.active
    ).order_by(StudentRow.id, EnrollmentRow.id)
    enrollment = query.first()
    assert enrollment is not None
    local_id = str(StudentRow.get_by_id(enrollment.student_id).local_id)
    EnrollmentRow.delete().where(EnrollmentRow.student == enrollment.student_id).where(
        (EnrollmentRow.start_date >= year.first_day) & (EnrollmentRow.start_date <= year.last_day)
    ).execute()
    return local_id


def edited_ods(download: Path, year: str, *, only_current: bool = False, reopen: int = 0) -> Path:
    """A copy of an SENR ODS download beside it: only its lines of ``year`` (``only_current``, the
    "Active Student" kind of download), or with the exit of ``reopen`` lines of the year before
    blanked (enrollments CALPADS still holds open)."""
    previous = AcademicYear.parse(year).start_year - 1
    out: list[str] = []
    for line in download.read_bytes().decode().split("\r\n")[:-1]:
        values = line.split("^")
        if only_current and values[6] != year:
            continue
        if reopen and values[6] == f"{previous}-{previous + 1}" and values[24]:
            values[24:27] = ["", "", ""]  # exit date, exit reason, completion status
            reopen -= 1
        out.append("^".join(values))
    target = download.with_name("edited_" + download.name)
    target.write_bytes(("\r\n".join(out) + "\r\n").encode())
    return target
