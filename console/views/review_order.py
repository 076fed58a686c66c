"""Where a student stands in the review: the run's requested students in the request file's
order, all of them or only those without a decision yet.

The database answers each question (the first undecided student, the one before and after, the
position, how many are listed) with one small subquery, and a page's questions travel together in
one statement: a run holds tens of thousands of students, none of them is read into the page to
find its neighbours, and a reviewer's page makes one round trip for them, not six. Each statement's
SQL is built once (:class:`store.fixed_sql.FixedQuery`): the page's statement of neighbours took
peewee a millisecond to build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import peewee

from store.bulk import questions
from store.fixed_sql import FixedQuery
from store.tables import MatchDecisionRow, MatchRequestRow

__all__ = ["Place", "requested", "first_to_review", "next_undecided", "place"]


@dataclass(frozen=True)
class Place:
    """A student's place among those listed: 1-based position (``None`` when not listed), how
    many are listed, the local ids before and after (``None`` at either end), and the next
    student without a decision (after this one, wrapping round; ``None`` when every other
    student is decided)."""

    position: int | None
    listed: int
    previous: str | None
    next: str | None
    next_undecided: str | None


_REQUESTED: FixedQuery[MatchRequestRow] = FixedQuery(
    lambda run_id, local_id: MatchRequestRow.select()
    .where((MatchRequestRow.run == run_id) & (MatchRequestRow.local_id == local_id)).limit(1)
)


def requested(run_id: int, local_id: str) -> MatchRequestRow | None:
    """The student's line of the run's request file (``None`` when not requested in this run)."""
    return _REQUESTED.first(run_id, local_id)


def _listed(run_id: int, undecided_only: bool) -> peewee.ModelSelect[MatchRequestRow]:
    r, d = MatchRequestRow, MatchDecisionRow
    query = r.select(r.local_id).where(r.run == run_id)
    if undecided_only:
        on = (d.run == r.run) & (d.local_id == r.local_id)
        query = query.join(d, peewee.JOIN.LEFT_OUTER, on=on).where(d.local_id.is_null())
    return query


def _first(query: peewee.ModelSelect[MatchRequestRow], ascending: bool = True) -> peewee.ModelSelect[MatchRequestRow]:
    line = MatchRequestRow.line
    return query.order_by(line if ascending else line.desc()).limit(1)


def _next_undecided(run_id: int, line: peewee.Node | int) -> peewee.Node:
    undecided = _listed(run_id, True)
    after, before = _first(undecided.where(MatchRequestRow.line > line)), _first(undecided.where(MatchRequestRow.line < line))
    return peewee.fn.COALESCE(after, before)


_FIRST_TO_REVIEW: FixedQuery[tuple[Any, ...]] = FixedQuery(
    lambda run_id: questions(peewee.fn.COALESCE(_first(_listed(run_id, True)), _first(_listed(run_id, False))))
)


def first_to_review(run_id: int) -> str | None:
    """Where the review resumes: the first student without a decision, else the first of all."""
    found = _FIRST_TO_REVIEW.scalar(run_id)
    return str(found) if found is not None else None


def _after(run_id: int, local_id: str) -> peewee.Select:
    r = MatchRequestRow
    return questions(_next_undecided(run_id, r.select(r.line).where((r.run == run_id) & (r.local_id == local_id))))


_NEXT_UNDECIDED: FixedQuery[tuple[Any, ...]] = FixedQuery(_after)


def next_undecided(run_id: int, local_id: str) -> str | None:
    """The next student without a decision after ``local_id`` in request order, wrapping round to
    the first (``None`` when every other student is decided, or ``local_id`` is not requested)."""
    found = _NEXT_UNDECIDED.scalar(run_id, local_id)
    return str(found) if found is not None else None


def _place(run_id: int, line: int, undecided_only: bool) -> peewee.Select:
    listed = _listed(run_id, undecided_only)
    count = peewee.fn.COUNT(peewee.SQL("*"))
    every = MatchRequestRow.select(count).where(MatchRequestRow.run == run_id)
    decided = MatchDecisionRow.select(count).where(MatchDecisionRow.run == run_id)
    before = listed.where(MatchRequestRow.line <= line).select(count).order_by()
    return questions(
        every, decided, before, _first(listed.where(MatchRequestRow.line < line), ascending=False),
        _first(listed.where(MatchRequestRow.line > line)), _next_undecided(run_id, line),
    )


_PLACES: dict[bool, FixedQuery[tuple[Any, ...]]] = {
    undecided_only: FixedQuery(lambda run_id, line, only=undecided_only: _place(run_id, line, only)) for undecided_only in (False, True)
}


def place(run_id: int, line: int, undecided_only: bool, listed_here: bool) -> Place:
    """The place of the student on request line ``line`` among those listed (``listed_here``:
    whether that student is among them)."""
    found = _PLACES[undecided_only].first(run_id, line)
    assert found is not None  # a select of answers answers one row
    every_n, decided_n, position, previous, following, undecided = found
    return Place(
        position=int(position) if listed_here else None,
        # every decision is of a requested student: a subtraction, not a join
        listed=int(every_n) - (int(decided_n) if undecided_only else 0),
        previous=previous,
        next=following,
        next_undecided=undecided,
    )
