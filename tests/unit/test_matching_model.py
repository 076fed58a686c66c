"""The Fellegi–Sunter model the duplicate search estimates from its own population (issue 15)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import replace

import pytest

from domain.duplicates import search_duplicates
from domain.matching import (
    DEFAULT_MODEL,
    EVEN_ODDS_BITS,
    TWIN_CAP_BITS,
    TWIN_CAP_PERCENT,
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
    bits_of,
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
    # An estimate's own share of one-child pairs among its twin patterns caps them instead.
    archive = MatchModel(
        {(3, (Agreement.EXACT, 9)): 40.0}, prior_bits=0.0, estimated_from=5000, share=0.5, twin_bits=bits_of(80.0)
    )
    assert model_bits(archive, evaluation) == bits_of(80.0)
    assert compare_prepared(left, right, None, archive).percent == 80.0
    assert compare_prepared(left, right, None, archive).is_twin_pattern


FIRST_SAME: Level = (Agreement.EXACT, 5)
FIRST_OTHER: Level = (Agreement.DIFFERENT, -4)


def _family_pattern(first: Level, date: Level, last: Level) -> Pattern:
    return (first, None, last, date, None, None, None, None, None, None)


def _twin_population(renamed: int, twins: int) -> tuple[Counter[Pattern], Counter[Pattern], dict[int, dict[Level, int]]]:
    """3,000 children entered twice: 1,000 with the same birth date and surname (900 with the same
    first name, the rest would show the twin pattern), 2,000 with the birth date mistyped, of whom
    ``renamed`` carry another first name; 9,000 look-alike pairs of two children; and ``twins``
    pairs of twins, whose birth date and surname agree and first names do not."""
    patterns: Counter[Pattern] = Counter()
    patterns[_family_pattern(FIRST_SAME, EXACT, NAME_SAME)] += 900
    patterns[_family_pattern(FIRST_OTHER, SWAPPED, NAME_SAME)] += renamed
    patterns[_family_pattern(FIRST_SAME, SWAPPED, NAME_SAME)] += 2000 - renamed
    patterns[_family_pattern(FIRST_OTHER, DIFFERENT, NAME_OTHER)] += 6000
    patterns[_family_pattern(FIRST_OTHER, EXACT, NAME_OTHER)] += 3000
    with_pattern: Counter[Pattern] = Counter({_family_pattern(FIRST_OTHER, EXACT, NAME_SAME): twins + 100})
    unrelated = {
        0: {FIRST_SAME: 300, FIRST_OTHER: 9700},
        DATE: {EXACT: 10, SWAPPED: 2, DIFFERENT: 9988},
        LAST: {NAME_SAME: 10, NAME_OTHER: 9990},
    }
    return patterns, with_pattern, unrelated


def _m_of_another_first_name(model: MatchModel) -> float:
    u = (9700 + 0.5) / (10000 + 1.0)
    return float(u * 2 ** model.weights[(0, FIRST_OTHER)])


def test_the_twin_pattern_weighs_as_the_share_of_one_child_pairs_among_its_pairs() -> None:
    defaults = {**DEFAULTS, (0, FIRST_SAME): 5.0, (0, FIRST_OTHER): -4.0}
    # A district: duplicates rarely carry another first name, twins are many. Of the 1,000 one-child
    # pairs with the same birth date and surname, the model expects a few to show the pattern: the
    # thousand twins are nearly all two children, well below the default 5 %.
    patterns, with_pattern, unrelated = _twin_population(renamed=20, twins=1000)
    district = estimate_model(patterns, defaults, unrelated, PEOPLE, with_pattern)
    assert not district.is_default and district.estimated_from == 11900 + 1100
    q = _m_of_another_first_name(district)
    assert q < 0.05
    expected = 900 * q / (1 - q) / 1100
    assert percent_of(district.twin_bits) == pytest.approx(100 * expected, rel=0.02)
    assert percent_of(district.twin_bits) < TWIN_CAP_PERCENT
    # An archive of transcribed records: a third of the duplicates carry another first name and no
    # twin is there. The 100 pairs with the pattern are one child each, most likely.
    patterns, with_pattern, unrelated = _twin_population(renamed=700, twins=0)
    archive = estimate_model(patterns, defaults, unrelated, PEOPLE, with_pattern)
    q = _m_of_another_first_name(archive)
    assert q > 0.15
    assert percent_of(archive.twin_bits) == pytest.approx(min(100 * 900 * q / (1 - q) / 100, 99.9), rel=0.02)
    assert percent_of(archive.twin_bits) > 90.0
    # Without a pair with the pattern there is nothing to estimate: the default cap.
    patterns, _, unrelated = _twin_population(renamed=700, twins=0)
    assert estimate_model(patterns, defaults, unrelated, PEOPLE).twin_bits == TWIN_CAP_BITS


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


def test_twins_in_a_district_stay_unlisted_and_below_the_default_cap() -> None:
    people = _district(3000)
    twins = {}
    for person_id, person in list(people):
        if person_id.startswith("S") and int(person_id[1:]) % 7 == 0:
            other = "Rosa" if person.legal_first != "Rosa" else "Elena"
            twins[person_id] = f"T{person_id[1:]}"
            people.append((twins[person_id], replace(person, legal_first=other)))
    search = search_duplicates(people)
    assert not search.model.is_default
    cap = percent_of(search.model.twin_bits)
    assert cap < TWIN_CAP_PERCENT
    listed = {(pair.left, pair.right) for pair in search.suspected()}
    assert not any(left.startswith("T") or right.startswith("T") for left, right in listed)
    ids = search.ids
    twin_pairs = {frozenset(pair) for pair in twins.items()}
    shown = [
        percent_of(bits) for left, right, bits in search.scored_pairs() if frozenset((ids[left], ids[right])) in twin_pairs
    ]
    assert len(shown) == len(twins) and max(shown) <= cap + 1e-9
