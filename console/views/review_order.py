"""Where a student stands in the review: the run's requested students in the request file's
order, all of them or only those without a decision yet.

The database answers each question (the first undecided student, the one before and after, the
position, how many are listed) with one small query: a run holds tens of thousands of students,
and none of them is read into the page to find its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from store.tables import MatchDecisionRow, MatchRequestRow

__all__ = ["Place", "requested", "first_to_review", "next_undecided", "place"]


@dataclass(frozen=True)
class Place:
    """A student's place among those listed: 1-based position (``None`` when not listed), how
    many are listed, and the local ids before and after (``None`` at either end)."""

    position: int | None
    listed: int
    previous: str | None
    next: str | None


def requested(run_id: int, local_id: str) -> MatchRequestRow | None:
    """The student's line of the run's request file (``None`` when not requested in this run)."""
    row: MatchRequestRow | None = MatchRequestRow.get_or_none((MatchRequestRow.run == run_id) & (MatchRequestRow.local_id == local_id))
    return row


def _listed(run_id: int, undecided_only: bool) -> peewee.ModelSelect[MatchRequestRow]:
    r, d = MatchRequestRow, MatchDecisionRow
    query = r.select(r.local_id).where(r.run == run_id)
    if undecided_only:
        on = (d.run == r.run) & (d.local_id == r.local_id)
        query = query.join(d, peewee.JOIN.LEFT_OUTER, on=on).where(d.local_id.is_null())
    return query


def _first(query: peewee.ModelSelect[MatchRequestRow], ascending: bool = True) -> str | None:
    line = MatchRequestRow.line
    found = query.order_by(line if ascending else line.desc()).limit(1).scalar()
    return str(found) if found is not None else None


def first_to_review(run_id: int) -> str | None:
    """Where the review resumes: the first student without a decision, else the first of all."""
    return _first(_listed(run_id, True)) or _first(_listed(run_id, False))


def next_undecided(run_id: int, line: int) -> str | None:
    """The next student without a decision after request line ``line``, wrapping round to the
    first (``None`` when every other student is decided)."""
    undecided = _listed(run_id, True)
    return _first(undecided.where(MatchRequestRow.line > line)) or _first(undecided.where(MatchRequestRow.line < line))


def place(run_id: int, line: int, undecided_only: bool, listed_here: bool) -> Place:
    """The place of the student on request line ``line`` among those listed (``listed_here``:
    whether that student is among them)."""
    listed = _listed(run_id, undecided_only)
    every = int(_listed(run_id, False).count())
    if undecided_only:  # every decision is of a requested student: a subtraction, not a join
        every -= int(MatchDecisionRow.select().where(MatchDecisionRow.run == run_id).count())
    return Place(
        position=int(listed.where(MatchRequestRow.line <= line).count()) if listed_here else None,
        listed=every,
        previous=_first(listed.where(MatchRequestRow.line < line), ascending=False),
        next=_first(listed.where(MatchRequestRow.line > line)),
    )
