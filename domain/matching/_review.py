"""The matching assistant on the SSID Match review: each CALPADS candidate compared, field by field,
with the local student as the request file sent them.

CALPADS' percentage stays what decides the order and what is shown as CALPADS gave it; our
comparison (``domain.matching``) stands beside it and says *why*: per field, how the values agree
(same, nickname, day and month swapped …) and whether that counts for the match or against it,
and whether the candidate shows the twin pattern.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import InvalidValue
from domain.matching._compare import Comparison, candidate_facts, compare
from domain.matching._facts import PersonFacts
from domain.records import MatchCandidate, SenrRecord
from domain.values import parse_calpads_date

__all__ = ["request_facts", "compare_candidates"]


def request_facts(record: SenrRecord) -> PersonFacts:
    """What the request file told CALPADS about a student, as facts to compare candidates with."""
    try:
        born = parse_calpads_date(record.birth_date)
    except InvalidValue:
        born = None  # pre-validation refuses such a record; here it is only neutral
    return PersonFacts(
        legal_first=record.legal_first or None,
        legal_middle=record.legal_middle or None,
        legal_last=record.legal_last or None,
        birth_date=born,
        gender=record.gender or None,
        birth_city=record.birth_city or None,
        birth_state=record.birth_state or None,
        birth_country=record.birth_country or None,
        alias_first=record.alias_first or None,
        alias_middle=record.alias_middle or None,
        alias_last=record.alias_last or None,
    )


def compare_candidates(record: SenrRecord, candidates: Sequence[MatchCandidate]) -> list[Comparison]:
    """Our comparison of the requested student with each candidate, in the order given."""
    local = request_facts(record)
    return [compare(local, candidate_facts(candidate)) for candidate in candidates]
