"""The Fellegi–Sunter model the duplicate search estimates from its own population (issue 15)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter

import pytest

from domain.duplicates import search_duplicates
from domain.matching import (
    DEFAULT_MODEL,
    EVEN_ODDS_BITS,
    TWIN_CAP_BITS,
    Agreement,
    Level,
    MatchField,
    MatchModel,
    Pattern,
    PersonFacts,
    compare,
    compare_prepared,
    estimate_model,
    evaluate,
    model_bits,
    percent_of,
    prepare,
)

EXACT: Level = (Agreement.EXACT, 9)
SWAPPED: Level = (Agreement.DAY_MONTH_SWAPPED, 3)
DIFFERENT: Level = (Agreement.DIFFERENT, -6)
NAME_SAME: Level = (Agreement.EXACT, 6)
NAME_OTHER: Level = (Agreement.DIFFERENT, -5)
DATE, LAST = 3, 2  # positions of the birth date and the last name among the fields
DEFAULTS = {
    (DATE, EXACT): 9.0, (DATE, SWAPPED): 3.0, (DATE, DIFFERENT): -6.0, (LAST, NAME_SAME): 6.0, (LAST, NAME_OTHER): -5.0,
}


PEOPLE = 4473
PAIRS = PEOPLE * (PEOPLE - 1) // 2


def _pattern(date: Level, last: Level) -> Pattern:
    return (None, None, last, date, None, None, None, None, None, None)


def _population(matches: int, others: int, seed: int = 7) -> tuple[Counter[Pattern], dict[int, dict[Level, int]]]:
    """Compared pairs drawn from a known model: one-person pairs mostly agree, others mostly do not."""
    draw = random.Random(seed)
    m = ((EXACT, 0.9), (SWAPPED, 0.05), (DIFFERENT, 0.05)), ((NAME_SAME, 0.95), (NAME_OTHER, 0.05))
    u = ((EXACT, 0.001), (SWAPPED, 0.0002), (DIFFERENT, 0.9988)), ((NAME_SAME, 0.001), (NAME_OTHER, 0.999))

    def pick(table: tuple[tuple[Level, float], ...]) -> Level:
        return draw.choices([level for level, _ in table], [share for _, share in table])[0]

    patterns: Counter[Pattern] = Counter()
    for _ in range(matches):
        patterns[_pattern(pick(m[0]), pick(m[1]))] += 1
    for _ in range(others):
        patterns[_pattern(pick(u[0]), pick(u[1]))] += 1
    unrelated = {DATE: {EXACT: 10, SWAPPED: 2, DIFFERENT: 9988}, LAST: {NAME_SAME: 10, NAME_OTHER: 9990}}
    return patterns, unrelated


def test_too_few_compared_pairs_or_people_keep_the_default_weights_at_even_odds() -> None:
    patterns, unrelated = _population(60, 139)
    assert estimate_model(patterns, DEFAULTS, unrelated, 1415) is DEFAULT_MODEL
    patterns, unrelated = _population(60, 140)
    assert not estimate_model(patterns, DEFAULTS, unrelated, 1415).is_default
    # 499 people are too few to tell how often two people agree.
    assert estimate_model(patterns, DEFAULTS, unrelated, 499) is DEFAULT_MODEL
    assert not estimate_model(patterns, DEFAULTS, unrelated, 500).is_default
    assert DEFAULT_MODEL.is_default and DEFAULT_MODEL.prior_bits == -EVEN_ODDS_BITS


def test_the_share_of_one_person_pairs_and_the_weights_are_recovered_without_labels() -> None:
    # 3,000 one-person pairs among the 10 million pairs of 4,473 people, of which 12,000 were compared.
    patterns, unrelated = _population(3000, 9000)
    model = estimate_model(patterns, DEFAULTS, unrelated, PEOPLE)
    assert not model.is_default and model.estimated_from == 12000
    assert model.share is not None and 2550 <= model.share * PAIRS <= 3450
    assert model.prior_bits == pytest.approx(math.log2(model.share / (1 - model.share)))
    # u is the random pairs' (0.1 % exact dates); m moves towards what the one-person pairs show (90 %).
    assert model.weights[(DATE, EXACT)] == pytest.approx(math.log2(0.9 / ((10 + 0.5) / 10001.5)), abs=0.2)
    assert model.weights[(DATE, DIFFERENT)] < -3 and model.weights[(LAST, NAME_OTHER)] < -3


def test_the_percent_of_an_estimated_model_is_a_probability_on_its_own_pairs() -> None:
    patterns, unrelated = _population(3000, 9000)
    model = estimate_model(patterns, DEFAULTS, unrelated, PEOPLE)
    # The percents of the pairs the model was estimated on add up to about the one-person pairs among them.
    expected = sum(count * percent_of(model.evidence_of(pattern)) / 100 for pattern, count in patterns.items())
    assert 2550 <= expected <= 3450


def test_an_estimate_that_finds_no_likely_pair_keeps_the_default_model() -> None:
    # Half the random pairs share a birth date: agreeing on it says nothing, and no pair is likely.
    patterns: Counter[Pattern] = Counter({_pattern(DIFFERENT, NAME_OTHER): 5000, _pattern(EXACT, NAME_OTHER): 5000})
    unrelated = {DATE: {EXACT: 5000, DIFFERENT: 5000}, LAST: {NAME_SAME: 10, NAME_OTHER: 9990}}
    assert estimate_model(patterns, DEFAULTS, unrelated, 1415) is DEFAULT_MODEL


def _child(first: str, last: str, born: dt.date, **more: str) -> PersonFacts:
    return PersonFacts(legal_first=first, legal_last=last, birth_date=born, **more)  # type: ignore[arg-type]


def test_the_default_model_scores_as_the_default_weights() -> None:
    left = prepare(_child("Guadalupe", "Reyes", dt.date(2013, 9, 4), gender="F"))
    right = prepare(_child("Lupe", "Reyes", dt.date(2013, 4, 9), gender="F"))
    evaluation = evaluate(left, right)
    assert model_bits(DEFAULT_MODEL, evaluation) == evaluation.bits
    shown = compare_prepared(left, right)
    assert [result.weight for result in shown.fields.values()] == [round(v.weight, 2) for v in evaluation.verdicts]
    assert shown.bits == evaluation.bits


def test_an_estimated_model_weighs_each_field_and_adds_the_prior() -> None:
    left = prepare(_child("Guadalupe", "Reyes", dt.date(2013, 9, 4)))
    right = prepare(_child("Guadalupe", "Reyes", dt.date(2013, 4, 9)))
    evaluation = evaluate(left, right)
    weights = {(0, (Agreement.EXACT, 5)): 6.0, (2, (Agreement.EXACT, 6)): 7.5, (3, (Agreement.DAY_MONTH_SWAPPED, 3)): 4.25}
    model = MatchModel(weights, prior_bits=-16.0, estimated_from=5000, share=2**-16)
    assert model_bits(model, evaluation) == EVEN_ODDS_BITS - 16.0 + 6.0 + 7.5 + 4.25
    comparison = compare_prepared(left, right, None, model)
    assert comparison.fields[MatchField.BIRTH_DATE].weight == 4.25
    assert comparison.fields[MatchField.LEGAL_FIRST].weight == 6.0
    assert comparison.percent == math.floor(percent_of(EVEN_ODDS_BITS + 1.75) * 10) / 10
    # A level the estimate never saw keeps its default weight.
    assert model.weight(1, evaluation.verdicts[1]) == 0.0


def test_twins_stay_capped_under_an_estimated_model() -> None:
    left = prepare(_child("Mateo", "Reyes", dt.date(2014, 2, 2), gender="M", birth_city="Fresno"))
    right = prepare(_child("Lucas", "Reyes", dt.date(2014, 2, 2), gender="M", birth_city="Fresno"))
    evaluation = evaluate(left, right)
    assert evaluation.is_twin_pattern
    generous = MatchModel({(3, (Agreement.EXACT, 9)): 40.0}, prior_bits=0.0, estimated_from=5000, share=0.5)
    assert model_bits(generous, evaluation) == TWIN_CAP_BITS
    assert compare_prepared(left, right, None, generous).percent == 5.0


def _district(children: int) -> list[tuple[str, PersonFacts]]:
    """Children with made-up surnames and birth dates, and every third entered twice (a nickname for Jose)."""
    draw = random.Random(3)
    firsts = ["Jose", "Maria", "Juan", "Sofia", "Luis", "Ana", "Carlos", "Elena", "Diego", "Lucia", "Pedro", "Rosa"]
    people: list[tuple[str, PersonFacts]] = []
    for index in range(children):
        first = draw.choice(firsts)
        last = "".join(draw.choice("BCDFGKLMNPRSTVZ") + draw.choice("AEIOU") for _ in range(4)).title()
        born = dt.date(2008, 1, 1) + dt.timedelta(days=draw.randrange(15 * 365))
        people.append((f"S{index:05d}", _child(first, last, born, gender="F" if index % 2 else "M")))
        if index % 3 == 0:
            again = "Pepe" if first == "Jose" else first
            people.append((f"D{index:05d}", _child(again, last, born, gender="F" if index % 2 else "M")))
    return people


def test_a_search_over_enough_students_estimates_its_model_and_lists_the_pairs_by_it() -> None:
    search = search_duplicates(_district(3000))
    model = search.model
    assert not model.is_default and model.estimated_from == search.compared
    listed = search.suspected()
    assert {(pair.left[1:], pair.right[1:]) for pair in listed} == {(f"{i:05d}", f"{i:05d}") for i in range(0, 3000, 3)}
    for pair in listed:
        assert pair.percent == pair.evidence.percent >= 50.0
    # 1,000 pairs of one child among the 4,000 records' 8 million pairs: the prior says about 1 in 8,000.
    assert -14.0 < model.prior_bits < -12.0


@pytest.mark.parametrize(("first", "other"), [("Kia", "Kai"), ("Amy", "Any"), ("Roy", "Rxy"), ("Wil", "Wli")])
def test_short_first_names_one_letter_apart_are_the_weakest_spelling_variant_not_twins(first: str, other: str) -> None:
    left = _child(first, "Reyes", dt.date(2014, 2, 2))
    right = _child(other, "Reyes", dt.date(2014, 2, 2))
    comparison = compare(left, right)
    name = comparison.fields[MatchField.LEGAL_FIRST]
    assert (name.agreement, name.label, name.weight, name.note) == (
        Agreement.SPELLING_VARIANT, "spelled differently", 2.0, "one letter apart (a slip, or two short names)"
    )
    assert not comparison.is_twin_pattern


def test_short_names_two_letters_apart_stay_different() -> None:
    comparison = compare(_child("Kim", "Reyes", dt.date(2014, 2, 2)), _child("Lia", "Reyes", dt.date(2014, 2, 2)))
    assert comparison.fields[MatchField.LEGAL_FIRST].agreement is Agreement.DIFFERENT and comparison.is_twin_pattern
