"""A large duplicate search finds its pairs in a second process while it compares them
(domain.duplicates._apart). The pairs, their order, every percent, pair and group are the same as
when the search finds them itself; without a working second process the search finds the rest
itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from domain.duplicates import APART_PEOPLE, KEY_KINDS, SCORING_STEPS, DuplicateSearch, search_duplicates
from domain.matching import PersonFacts
from tests.unit.test_duplicates import planted, population


def _people() -> list[tuple[str, PersonFacts]]:
    """3,000 students and a second record of some of them, each with another kind of mistake."""
    people = population(3_000)
    return people + [(f"{person_id}-again", facts) for person_id, facts in planted(people).values()]


def _results(search: DuplicateSearch) -> tuple[object, ...]:
    """What a search gives and shows: every compared pair with its evidence, the model, the suspected pairs, the groups."""
    return (list(search.scored_pairs()), search.model, search.suspected(), search.groups(), search.compared)


def test_pairs_found_apart_give_exactly_the_search_of_pairs_found_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("domain.duplicates._apart.SLICE", 16)  # each kind's pairs given in several slices
    people = _people()
    here = search_duplicates(people, apart=False)
    apart = search_duplicates(people, apart=True)
    assert (here.found_apart, apart.found_apart) == (False, True)
    assert _results(apart) == _results(here)
    # Duplicates were found: the comparison is not between two empty searches.
    assert len(here.suspected()) >= 5 and here.compared > 300


def test_progress_is_reported_step_by_step_to_the_end_with_pairs_found_apart() -> None:
    seen: list[tuple[int, int]] = []
    search = search_duplicates(_people(), apart=True, progress=lambda done, total: seen.append((done, total)))
    assert search.found_apart
    total = 1 + len(KEY_KINDS) + SCORING_STEPS
    assert seen == [(done, total) for done in range(1, total + 1)]


# What the second process is started as, instead of the finder: nothing at all; a process that
# ends at once; one that hands over the first kind's pairs only, then ends.
_FIRST_KIND_ONLY = (
    "import pickle, sys; from domain.duplicates._apart import _HEADER; "
    "from domain.duplicates._blocking import codes_of, fresh_pairs; codes = []\n"
    "while (people := pickle.load(sys.stdin.buffer)) is not None: codes.extend(codes_of(*person) for person in people)\n"
    "pairs = next(fresh_pairs(codes)); data = pairs.tobytes()\n"
    "sys.stdout.buffer.write(len(data).to_bytes(_HEADER, 'little', signed=True) + data)"
)


@pytest.mark.parametrize(
    "command",
    [(str(Path(sys.executable).with_name("no-such-python")),), (sys.executable, "-c", "pass"), (sys.executable, "-c", _FIRST_KIND_ONLY)],
    ids=["cannot start", "ends at once", "ends after one kind"],
)
def test_without_a_working_second_process_the_search_finds_the_rest_itself(
    monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    people = _people()
    here = search_duplicates(people, apart=False)
    monkeypatch.setattr("domain.duplicates._apart._COMMAND", command)
    seen: list[int] = []
    search = search_duplicates(people, apart=True, progress=lambda done, total: seen.append(done))
    assert search.found_apart is False
    assert _results(search) == _results(here)
    assert seen == list(range(1, 1 + len(KEY_KINDS) + SCORING_STEPS + 1))


def test_a_search_finds_its_pairs_apart_from_twenty_thousand_people_on(monkeypatch: pytest.MonkeyPatch) -> None:
    people = _people()
    assert APART_PEOPLE == 20_000
    assert search_duplicates(people).found_apart is False
    monkeypatch.setattr("domain.duplicates._search.APART_PEOPLE", len(people))
    assert search_duplicates(people).found_apart is True


def test_the_second_process_run_by_hand_with_arguments_says_how_it_is_used() -> None:
    done = subprocess.run([sys.executable, "-m", "domain.duplicates._apart", "students"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", "usage: python -m domain.duplicates._apart (the duplicate search starts it)\n"
    )
