"""The CALPADS sandbox's SSID Matching Tool — a SIMULATOR for demos and tests, not CALPADS.

Reads an SENR request file (every SSID blank) and writes a match result CSV in the ordinary
CALPADS format (calpads-files.md §4): a header row, one row per submitted student × candidate,
category No Match / Single Match / Multiple Match, a percentage score (seed.sandbox.scoring),
the candidate's SSID, creation date and demographics. Nothing is assigned.

Candidates are found through blocking: a chunk of submitted students asks the sandbox database
once for every active statewide student sharing a birth date or a name key with any of them
(both indexed), so matching 20,000 students takes seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from domain.errors import FileProblem, InvalidValue
from domain.readers import open_senr
from domain.records import MatchCandidate, MatchCategory, MatchResultRow, SenrRecord
from domain.values import CdsCode, LocalId, Ssid, parse_calpads_date
from domain.writers import write_match_result
from domain.validation import errors_of
from seed.sandbox.errors import MatchToolRefused
from seed.sandbox.files import chunks, replace_atomically
from seed.sandbox.prevalidation import prevalidate, submitting_lea
from seed.sandbox.models import StateEnrollment, StateStudent, open_sandbox, tuples
from seed.sandbox.scoring import CANDIDATE_THRESHOLD, MAX_CANDIDATES, Person, blocking_keys, match_score

__all__ = ["MatchSummary", "match_file", "match_result_name"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class MatchSummary:
    """What ``sandbox match`` reports: the result file, submitted students, candidate rows."""

    file: Path
    students: int
    candidates: int


@dataclass(frozen=True, slots=True)
class _Statewide:
    ssid: str
    person: Person
    gender: str
    created: dt.date
    birth_city: str
    birth_state: str
    birth_country: str
    name_key: str
    year_key: str


def match_result_name(senr_file: Path) -> str:
    """``2025_08_20_101500_SENR_SSID.txt`` -> ``2025_08_20_101500_SENR_SSID_MatchResults.csv``."""
    return f"{senr_file.stem}_MatchResults.csv"


def match_file(sandbox_url: str, senr_file: Path, out_dir: Path, *, today: dt.date | None = None) -> MatchSummary:
    """Match every student of the SENR request ``senr_file`` against the sandbox; write the result CSV in ``out_dir``.

    Raises :class:`domain.errors.FileProblem` (or ``WrongFileKind``) for a file that is not an
    SENR request, naming line and field, and :class:`MatchToolRefused` for one CALPADS'
    pre-validation refuses (as of ``today``, default the real date), naming rule and line; no
    result file is left behind then.
    """
    parsed = open_senr(senr_file)
    target = out_dir.resolve() / match_result_name(senr_file)
    counts = {"students": 0, "candidates": 0}
    with open_sandbox(sandbox_url):
        first = next(iter(parsed), None)
        if first is not None:
            found = errors_of(prevalidate(parsed, lea=submitting_lea(first), today=today or dt.date.today()))
            if found:
                raise MatchToolRefused(parsed.name, [str(v) for v in found])
        with replace_atomically(target) as out:
            write_match_result(_result_rows(parsed, parsed.name, counts), out)
    return MatchSummary(target, counts["students"], counts["candidates"])


def _submitted(record: SenrRecord, file: str, line: int) -> Person:
    if record.ssid:
        raise FileProblem(file, line, "must be blank in a file for the SSID Matching Tool", 8, "SSID")
    try:
        birth = parse_calpads_date(record.birth_date, "Student Birth Date")
    except InvalidValue as error:
        raise FileProblem(file, line, error.reason, 17, "Student Birth Date") from None
    if birth is None:
        raise FileProblem(file, line, "is required", 17, "Student Birth Date")
    if not record.legal_first or not record.legal_last:
        number, name = (10, "Student Legal First Name") if not record.legal_first else (12, "Student Legal Last Name")
        raise FileProblem(file, line, "is required", number, name)
    return Person(record.legal_first, record.legal_middle, record.legal_last, birth)


def _result_rows(records: Iterable[SenrRecord], file: str, counts: dict[str, int]) -> Iterator[MatchResultRow]:
    for chunk in chunks(enumerate(records, start=1), _CHUNK):
        submitted = [(line, record, _submitted(record, file, line)) for line, record in chunk]
        pool = _Pool([person for _, _, person in submitted])
        places = _last_enrollments({s.ssid for s in pool.students})
        for line, record, person in submitted:
            found = pool.candidates(person)
            counts["students"] += 1
            counts["candidates"] += len(found)
            yield from _rows(line, record, person, found, places)


class _Pool:
    """Every active statewide student sharing a blocking key with a chunk of submitted students."""

    def __init__(self, people: list[Person]) -> None:
        keys = [blocking_keys(p.last, p.first, p.birth_date) for p in people]
        dates = {p.birth_date for p in people}
        names = {k[0] for k in keys}
        years = {k[1] for k in keys}
        query = (
            StateStudent.select(
                StateStudent.ssid, StateStudent.legal_first, StateStudent.legal_middle, StateStudent.legal_last,
                StateStudent.birth_date, StateStudent.gender, StateStudent.created, StateStudent.birth_city,
                StateStudent.birth_state, StateStudent.birth_country, StateStudent.name_key, StateStudent.year_key,
            )
            .where(
                StateStudent.replaced_by.is_null()
                & (StateStudent.birth_date.in_(dates) | StateStudent.name_key.in_(names) | StateStudent.year_key.in_(years))
            )
        )  # fmt: skip
        self.students: list[_Statewide] = []
        self.by_date: defaultdict[dt.date, list[_Statewide]] = defaultdict(list)
        self.by_name: defaultdict[str, list[_Statewide]] = defaultdict(list)
        self.by_year: defaultdict[str, list[_Statewide]] = defaultdict(list)
        for ssid, first, middle, last, birth, gender, created, city, state, country, name_key, year_key in tuples(query):
            one = _Statewide(ssid, Person(first, middle, last, birth), gender, created, city, state, country, name_key, year_key)
            self.students.append(one)
            self.by_date[birth].append(one)
            self.by_name[name_key].append(one)
            self.by_year[year_key].append(one)

    def candidates(self, person: Person) -> list[tuple[int, _Statewide]]:
        """Candidates scoring at least the threshold, best first (ties by SSID), at most MAX_CANDIDATES."""
        name_key, year_key = blocking_keys(person.last, person.first, person.birth_date)
        seen: dict[str, _Statewide] = {}
        for block in (self.by_date.get(person.birth_date, []), self.by_name.get(name_key, []), self.by_year.get(year_key, [])):
            for one in block:
                seen[one.ssid] = one
        scored = [(match_score(person, one.person), one) for one in seen.values()]
        kept = sorted((s for s in scored if s[0] >= CANDIDATE_THRESHOLD), key=lambda s: (-s[0], s[1].ssid))
        return kept[:MAX_CANDIDATES]


def _last_enrollments(ssids: set[str]) -> dict[str, tuple[str, str]]:
    """SSID -> (LEA, school) of the student's latest enrollment."""
    latest: dict[str, tuple[dt.date, int, str, str]] = {}
    for chunk in chunks(sorted(ssids), 1000):
        query = StateEnrollment.select(
            StateEnrollment.ssid, StateEnrollment.start, StateEnrollment.id, StateEnrollment.lea, StateEnrollment.school
        ).where(StateEnrollment.ssid.in_(chunk))
        for ssid, start, row_id, lea, school in tuples(query):
            # The latest start; of two on one day, the first posted (ties must not depend on the database).
            if ssid not in latest or (start, -row_id) > (latest[ssid][0], -latest[ssid][1]):
                latest[ssid] = (start, row_id, lea, school)
    return {ssid: (lea, school) for ssid, (_, _, lea, school) in latest.items()}


def _rows(
    line: int, record: SenrRecord, person: Person, found: list[tuple[int, _Statewide]], places: dict[str, tuple[str, str]]
) -> Iterator[MatchResultRow]:
    def row(category: MatchCategory, candidate: MatchCandidate | None) -> MatchResultRow:
        return MatchResultRow(
            line, CdsCode(record.reporting_lea), CdsCode(record.school), LocalId(record.local_student_id),
            record.legal_last, record.legal_first, record.legal_middle, record.gender, person.birth_date,
            category, candidate,
        )  # fmt: skip

    if not found:
        yield row(MatchCategory.NO_MATCH, None)
        return
    category = MatchCategory.SINGLE if len(found) == 1 else MatchCategory.MULTIPLE
    for score, one in found:
        lea, school = places.get(one.ssid, ("", ""))
        yield row(
            category,
            MatchCandidate(
                Ssid(one.ssid), one.created, category, f"{score}%", float(score),
                one.person.last, one.person.first, one.person.middle, one.gender, one.person.birth_date,
                lea, school, one.birth_city, one.birth_state, one.birth_country,
            ),
        )  # fmt: skip
