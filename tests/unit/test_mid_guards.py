"""The MID warnings of a decision (product.md, Step 3) and our comparison of the candidates, as the
review page and `ssid run decide` give them: from CALPADS' percentage *or* ours, never for a twin,
local ids and candidate numbers only in the words."""

from __future__ import annotations

import datetime as dt

from domain.matching import Agreement, MatchField
from domain.model import DecisionKind, MatchDecision
from domain.records import MatchCandidate, MatchCategory, SenrRecord
from domain.values import LocalId, Ssid
from workflows.run.mid_warnings import STRONG_MATCH_PERCENT, mid_warnings
from domain.matching import compare_candidates, request_facts

LOCAL = SenrRecord(
    local_student_id="100101", legal_first="William", legal_middle="James", legal_last="Nguyen", birth_date="20140305",
    gender="M", birth_city="San Jose", birth_state="US-CA", birth_country="US",
)


def candidate(ssid: str, score: int, **fields: object) -> MatchCandidate:
    values: dict[str, object] = {
        "ssid": Ssid(ssid), "ssid_created": None, "category": MatchCategory.MULTIPLE, "score_text": f"{score}%",
        "percent": float(score), "legal_first": "William", "legal_middle": "James", "legal_last": "Nguyen",
        "gender": "M", "birth_date": dt.date(2014, 3, 5), "birth_city": "San Jose", "birth_state": "US-CA",
        "birth_country": "US",
    }
    values.update(fields)
    return MatchCandidate(**values)  # type: ignore[arg-type]


def new_ssid() -> MatchDecision:
    return MatchDecision(LocalId("100101"), DecisionKind.NEW_SSID)


def select(ssid: str) -> MatchDecision:
    return MatchDecision(LocalId("100101"), DecisionKind.SELECT, Ssid(ssid))


def test_the_request_record_is_compared_field_by_field_in_the_order_given() -> None:
    facts = request_facts(LOCAL)
    assert (facts.legal_first, facts.birth_date, facts.birth_state, facts.alias_first) == ("William", dt.date(2014, 3, 5), "US-CA", None)
    assert request_facts(SenrRecord(birth_date="2014")).birth_date is None  # malformed: neutral, not a crash
    bill = candidate("2000000002", 80, legal_first="Bill", legal_middle=None)
    twin = candidate("2000000003", 78, legal_first="Henry", legal_middle=None)
    ours = compare_candidates(LOCAL, [candidate("2000000001", 100), bill, twin])
    assert ours[0].percent == 100.0 and ours[0].agrees_on_every_field
    assert ours[1].fields[MatchField.LEGAL_FIRST].agreement is Agreement.NICKNAME and ours[1].percent >= STRONG_MATCH_PERCENT
    assert ours[2].is_twin_pattern and ours[2].percent <= 5.0


def test_new_ssid_despite_a_candidate_calpads_rates_strong_is_a_warning() -> None:
    warnings = mid_warnings(new_ssid(), LOCAL, [candidate("2000000001", 96)], [], [])
    assert warnings == [
        "student 100101 has a strong candidate (candidate 1: CALPADS 96%, our comparison 100 %); New SSID may create a MID"
    ]


def test_new_ssid_despite_a_candidate_only_our_comparison_rates_strong_is_a_warning_too() -> None:
    # CALPADS underrates the nickname (80 %); our comparison reads Bill as William.
    bill = candidate("2000000002", 80, legal_first="Bill", legal_middle=None)
    [warning] = mid_warnings(new_ssid(), LOCAL, [candidate("2000000009", 60, legal_first="Kevin", birth_date=dt.date(2011, 1, 1)), bill], [], [])
    assert warning.startswith("student 100101 has a strong candidate (candidate 2: CALPADS 80%, our comparison 9")


def test_a_twin_is_no_strong_candidate_for_new_ssid_and_selecting_one_is_a_warning() -> None:
    twin = candidate("2000000003", 85, legal_first="Henry", legal_middle=None)
    assert mid_warnings(new_ssid(), LOCAL, [twin], [], []) == []
    assert mid_warnings(select("2000000003"), LOCAL, [twin], [], []) == [
        "candidate 1 has the twin pattern (same birth date and last name, another first name): it may be a sibling "
        "of student 100101"
    ]


def test_an_ssid_held_locally_or_selected_for_another_student_is_a_warning() -> None:
    chosen = candidate("2000000001", 100)
    assert mid_warnings(select("2000000001"), LOCAL, [chosen], [], []) == []
    assert mid_warnings(select("2000000001"), LOCAL, [chosen], [LocalId("100004")], [LocalId("100102")]) == [
        "the SSID selected is already held by local student 100004",
        "the same SSID is selected for student 100102 of this run",
    ]
    assert mid_warnings(MatchDecision(LocalId("100101"), DecisionKind.NO_MATCH), LOCAL, [chosen], [], []) == []


def test_no_candidate_or_weak_candidates_give_no_warning() -> None:
    weak = candidate("2000000009", 72, legal_first="Kevin", legal_last="Tran", birth_date=dt.date(2011, 1, 1))
    assert mid_warnings(new_ssid(), LOCAL, [], [], []) == []
    assert mid_warnings(new_ssid(), LOCAL, [weak], [], []) == []
