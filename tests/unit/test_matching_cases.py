"""Synthetic California cases: for a local student and the candidates CALPADS might list, the true
record ranks first, and the field that differs shows the agreement a coordinator should see."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from domain.matching import TWIN_CAP_PERCENT, Agreement, Comparison, Evidence, MatchField, PersonFacts, compare

BORN = dt.date(2014, 3, 5)


def student(**fields: object) -> PersonFacts:
    """A Los Angeles-born student; keyword arguments override any field."""
    values: dict[str, object] = {
        "legal_first": "José",
        "legal_middle": "Luis",
        "legal_last": "García López",
        "birth_date": BORN,
        "gender": "M",
        "birth_city": "Los Angeles",
        "birth_state": "US-CA",
        "birth_country": "US",
    }
    values.update(fields)
    return PersonFacts(**values)  # type: ignore[arg-type]


def distractors(local: PersonFacts) -> list[PersonFacts]:
    """Other children a statewide search would also list for ``local``."""
    born = local.birth_date or BORN
    return [
        # an older sibling: same surname, other first name, two years older
        replace(local, legal_first="Daniela", legal_middle=None, gender="F", birth_date=born.replace(year=born.year - 2)),
        # a namesake born the next year in another city
        replace(local, birth_date=born.replace(year=born.year + 1), birth_city="Fresno"),
        # a classmate born the same day with another name
        student(legal_first="Kevin", legal_middle=None, legal_last="Nguyen", birth_date=born, birth_city="San Jose"),
    ]


def rank_of(local: PersonFacts, true_record: PersonFacts, others: list[PersonFacts]) -> int:
    """1-based rank of ``true_record`` among all candidates, by evidence (ties count against it)."""
    target = compare(local, true_record).bits
    return 1 + sum(compare(local, other).bits >= target for other in others)


def only_difference(comparison: Comparison) -> dict[MatchField, Agreement]:
    """The fields that do not agree exactly and are not blank on both sides."""
    return {
        field: result.agreement
        for field, result in comparison.fields.items()
        if result.agreement is not Agreement.EXACT and (result.local or result.candidate)
    }


@pytest.mark.parametrize(
    ("local", "true_record", "field", "agreement"),
    [
        pytest.param(student(), student(birth_date=dt.date(2014, 5, 3)), MatchField.BIRTH_DATE,
                     Agreement.DAY_MONTH_SWAPPED, id="day-month-swap"),
        pytest.param(student(), student(birth_date=dt.date(2014, 3, 8)), MatchField.BIRTH_DATE,
                     Agreement.DIGIT_TYPO, id="day-digit-typo"),
        pytest.param(student(), student(birth_date=dt.date(2015, 3, 5)), MatchField.BIRTH_DATE,
                     Agreement.DIGIT_TYPO, id="year-digit-typo"),
        pytest.param(student(legal_first="Bill", legal_last="Smith"), student(legal_first="William", legal_last="Smith"),
                     MatchField.LEGAL_FIRST, Agreement.NICKNAME, id="bill-william"),
        pytest.param(student(legal_first="Pepe"), student(legal_first="José"), MatchField.LEGAL_FIRST,
                     Agreement.NICKNAME, id="pepe-jose"),
        pytest.param(student(legal_first="Lupe", gender="F"), student(legal_first="Guadalupe", gender="F"),
                     MatchField.LEGAL_FIRST, Agreement.NICKNAME, id="lupe-guadalupe"),
        pytest.param(student(legal_first="Memo"), student(legal_first="Guillermo"), MatchField.LEGAL_FIRST,
                     Agreement.NICKNAME, id="memo-guillermo"),
        pytest.param(student(legal_first="Guillermo"), student(legal_first="William"), MatchField.LEGAL_FIRST,
                     Agreement.NICKNAME, id="guillermo-william-translation"),
        pytest.param(student(), student(legal_last="López García"), MatchField.LEGAL_LAST,
                     Agreement.COMPOUND_SURNAME_PART, id="compound-surname-other-order"),
        pytest.param(student(), student(legal_last="García"), MatchField.LEGAL_LAST,
                     Agreement.COMPOUND_SURNAME_PART, id="compound-surname-first-part-only"),
        pytest.param(student(), student(legal_last="López"), MatchField.LEGAL_LAST,
                     Agreement.COMPOUND_SURNAME_PART, id="compound-surname-second-part-only"),
        pytest.param(student(legal_last="De la Cruz"), student(legal_last="Delacruz"), MatchField.LEGAL_LAST,
                     Agreement.COMPOUND_SURNAME_PART, id="particle-surname-spacing"),
        pytest.param(student(legal_last="Hernández"), student(legal_last="Hernandes"), MatchField.LEGAL_LAST,
                     Agreement.SPELLING_VARIANT, id="surname-spelling"),
        pytest.param(student(legal_first="María Elena", legal_middle=None, gender="F"),
                     student(legal_first="María", legal_middle="Elena", gender="F"), MatchField.LEGAL_FIRST,
                     Agreement.MIDDLE_IN_FIRST, id="middle-inside-first"),
        pytest.param(student(legal_first="Elena", legal_middle=None, gender="F"),
                     student(legal_first="María", legal_middle="Elena", gender="F"), MatchField.LEGAL_FIRST,
                     Agreement.MIDDLE_IN_FIRST, id="goes-by-middle-name"),
        pytest.param(student(), student(legal_first="García López", legal_last="José"), MatchField.LEGAL_FIRST,
                     Agreement.FIRST_LAST_SWAPPED, id="first-last-swapped"),
        pytest.param(student(gender="X"), student(gender="F"), MatchField.GENDER, Agreement.DIFFERENT,
                     id="gender-x-against-f"),
        pytest.param(student(legal_middle=None), student(), MatchField.LEGAL_MIDDLE, Agreement.MISSING,
                     id="missing-middle-name"),
    ],
)
def test_true_record_ranks_first_and_shows_how_it_differs(
    local: PersonFacts, true_record: PersonFacts, field: MatchField, agreement: Agreement
) -> None:
    comparison = compare(local, true_record)
    assert comparison.fields[field].agreement is agreement
    assert set(only_difference(comparison)) <= {field, MatchField.LEGAL_MIDDLE, MatchField.LEGAL_LAST}
    assert rank_of(local, true_record, distractors(local)) == 1
    assert not comparison.agrees_on_every_field or agreement is Agreement.MISSING
    assert not comparison.is_twin_pattern


def test_day_month_swap_outranks_a_different_child_with_the_local_date() -> None:
    local = student(legal_first="Ana", legal_middle=None, legal_last="Ruiz", gender="F")
    swapped = replace(local, birth_date=dt.date(2014, 5, 3))
    same_day_other_child = replace(local, legal_first="Andrea")
    assert rank_of(local, swapped, [same_day_other_child]) == 1
    assert compare(local, same_day_other_child).is_twin_pattern


def test_twins_are_strong_evidence_against() -> None:
    sofia = student(legal_first="Sofía", legal_middle="Isabel", legal_last="Hernández", gender="F")
    twin = replace(sofia, legal_first="Valentina", legal_middle="María")
    brother = replace(sofia, legal_first="Mateo", legal_middle=None, gender="M")
    for other in (twin, brother):
        comparison = compare(sofia, other)
        assert comparison.is_twin_pattern
        assert comparison.percent <= TWIN_CAP_PERCENT
        assert not comparison.agrees_on_every_field
        assert comparison.fields[MatchField.LEGAL_FIRST].evidence is Evidence.AGAINST
        assert "twins" in comparison.fields[MatchField.LEGAL_FIRST].note
    # Sofía's own record, retyped without accents, still ranks above her twin.
    assert rank_of(sofia, replace(sofia, legal_first="Sofia", legal_last="Hernandez"), [twin, brother]) == 1


def test_twins_with_alike_names_of_opposite_sexes_are_twins_too() -> None:
    mario = student(legal_first="Mario", legal_middle=None, legal_last="Reyes", gender="M")
    maria = replace(mario, legal_first="Maria", gender="F")
    assert compare(mario, maria).is_twin_pattern


def test_a_nickname_of_the_same_child_is_not_the_twin_pattern() -> None:
    assert not compare(student(legal_first="Pepe"), student()).is_twin_pattern


def test_gender_x_is_only_a_weak_disagreement() -> None:
    local = student(gender="X")
    against_f = compare(local, student(gender="F")).fields[MatchField.GENDER]
    m_against_f = compare(student(gender="M"), student(gender="F")).fields[MatchField.GENDER]
    assert against_f.agreement is m_against_f.agreement is Agreement.DIFFERENT
    assert m_against_f.weight < against_f.weight < 0
    assert compare(local, student(gender="x")).fields[MatchField.GENDER].agreement is Agreement.EXACT
    assert compare(local, student(gender="Non-binary")).agrees_on_every_field


@pytest.mark.parametrize("blank", ["legal_middle", "birth_city", "birth_state", "birth_country", "gender"])
def test_missing_data_is_neutral(blank: str) -> None:
    local = student(**{blank: None})
    full = compare(local, student())
    without = compare(local, student(**{blank: None}))
    assert full.fields[MatchField(blank)].agreement is Agreement.MISSING
    assert full.fields[MatchField(blank)].evidence is Evidence.NEUTRAL
    assert full.bits == without.bits
    assert full.agrees_on_every_field and full.percent == 100.0


def test_a_blank_birth_date_is_neutral_but_prevents_bulk_acceptance() -> None:
    comparison = compare(student(birth_date=None), student())
    assert comparison.fields[MatchField.BIRTH_DATE].agreement is Agreement.MISSING
    assert comparison.fields[MatchField.BIRTH_DATE].weight == 0
    assert not comparison.agrees_on_every_field
