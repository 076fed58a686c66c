"""The verdict and weight a reviewer is shown for named pairs of birth dates, names and guardians,
and how a population's value frequencies adjust exact agreements.

Pinned as the matching assistant weighs them today (bits of evidence, see ``domain.matching``):
a recalibration changes these numbers on purpose, and this file with it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Any

import pytest

from domain.matching import (
    EVEN_ODDS_BITS,
    Agreement,
    FieldResult,
    MatchField,
    PersonFacts,
    ValueFrequencies,
    bits_of,
    compare,
    population_frequencies,
)

EXACT, SWAPPED, TYPO, DIFFERENT = (
    (Agreement.EXACT, 9.0),
    (Agreement.DAY_MONTH_SWAPPED, 3.0),
    (Agreement.DIGIT_TYPO, 2.0),
    (Agreement.DIFFERENT, -6.0),
)


def birth_date_result(local: str, candidate: str) -> FieldResult:
    facts = [PersonFacts(birth_date=dt.date.fromisoformat(day)) for day in (local, candidate)]
    return compare(*facts).fields[MatchField.BIRTH_DATE]


def verdict(result: FieldResult) -> tuple[Agreement, float]:
    return result.agreement, result.weight


def date_verdicts(local: str, candidate: str) -> set[tuple[Agreement, float]]:
    """The verdict each way round (the comparison is symmetric)."""
    return {verdict(birth_date_result(local, candidate)), verdict(birth_date_result(candidate, local))}


Said = tuple[Agreement, float, str]  # agreement, weight, note


def verdicts_both_ways(field: MatchField, left: str, right: str, base: PersonFacts = PersonFacts()) -> set[Said]:
    """The verdict on ``field`` (its attribute set to ``left`` and ``right``) each way round."""
    said: set[Said] = set()
    for one, other in ((left, right), (right, left)):
        local: dict[str, Any] = {field.value: one}
        candidate: dict[str, Any] = {field.value: other}
        result = compare(replace(base, **local), replace(base, **candidate)).fields[field]
        said.add((result.agreement, result.weight, result.note))
    return said


def test_a_birth_date_blank_on_one_side_is_neutral() -> None:
    result = compare(PersonFacts(birth_date=dt.date(2015, 3, 5)), PersonFacts()).fields[MatchField.BIRTH_DATE]
    assert (result.agreement, result.weight, result.label) == (Agreement.MISSING, 0.0, "blank on one side")


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("2015-03-05", "2015-03-05", EXACT),
        ("2015-03-14", "2015-08-14", TYPO),  # 03 and 08
        ("2015-01-14", "2015-10-14", TYPO),  # 01 and 10: neighbouring digits swapped
        ("2015-02-14", "2015-11-14", DIFFERENT),  # 02 and 11: both digits differ
        ("2015-03-14", "2014-03-15", DIFFERENT),  # a typo in two parts is not one typo
    ],
)
def test_a_month_one_digit_off_in_the_same_year_and_day_is_a_typo(
    local: str, candidate: str, expected: tuple[Agreement, float]
) -> None:
    assert date_verdicts(local, candidate) == {expected}


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("2015-03-05", "2015-05-03", SWAPPED),
        ("2015-03-05", "2010-05-20", DIFFERENT),  # the day is the other's month, nothing more
        ("2015-03-05", "2015-07-03", DIFFERENT),  # the month is the other's day, the day is not its month
        ("2015-03-05", "2015-05-09", DIFFERENT),  # the day is the other's month, the month is not its day
        ("2015-03-05", "2016-05-03", DIFFERENT),  # swapped, but another year
        ("2015-03-03", "2015-04-04", DIFFERENT),
    ],
)
def test_day_and_month_swapped_only_when_both_swap_in_the_same_year(
    local: str, candidate: str, expected: tuple[Agreement, float]
) -> None:
    assert date_verdicts(local, candidate) == {expected}


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("2015-03-12", "2015-03-13", TYPO),  # one digit of the day
        ("2015-03-12", "2015-03-21", TYPO),  # the day's digits swapped
        ("2015-03-01", "2015-03-10", TYPO),  # 01 and 10: the zero counts as a digit
        ("2015-03-12", "2015-03-25", DIFFERENT),  # both digits differ
        ("2015-03-05", "2016-03-05", TYPO),  # one digit of the year
        ("2015-03-05", "2051-03-05", TYPO),  # the last two digits swapped
        ("2015-03-05", "2105-03-05", TYPO),  # the middle two digits swapped
        ("2015-03-05", "2510-03-05", DIFFERENT),  # two digits swapped, but not neighbours
        ("2015-03-05", "5012-03-05", DIFFERENT),  # the first and last swapped
        ("2015-03-05", "2024-03-05", DIFFERENT),  # two neighbours changed, not swapped
        ("2015-03-05", "2052-03-05", DIFFERENT),  # one of the two matches the other's neighbour
        ("2015-03-05", "2071-03-05", DIFFERENT),  # the other one matches its neighbour
        ("2015-03-05", "2150-03-05", DIFFERENT),  # three digits differ
    ],
)
def test_one_digit_differs_or_two_neighbours_swapped(local: str, candidate: str, expected: tuple[Agreement, float]) -> None:
    assert date_verdicts(local, candidate) == {expected}
    if expected == TYPO:
        assert birth_date_result(local, candidate).label == "one digit differs"


def middle_name_result(local: str, candidate: str) -> FieldResult:
    facts = [PersonFacts(legal_first="Ana", legal_middle=middle, legal_last="Ruiz") for middle in (local, candidate)]
    return compare(*facts).fields[MatchField.LEGAL_MIDDLE]


@pytest.mark.parametrize(
    ("local", "candidate", "agreement", "weight", "note"),
    [
        ("Sofía", "Sofia", Agreement.EXACT, 3.0, ""),
        ("Bill", "William", Agreement.NICKNAME, 2.0, "nickname"),
        ("Guillermo", "William", Agreement.NICKNAME, 2.0, "same name in another language"),
        ("Valen", "Valentina", Agreement.SHORTENED, 2.0, "VALEN is the start of VALENTINA"),
        ("Ximena", "Jimena", Agreement.SPELLING_VARIANT, 2.0, "one letter apart (a typing slip?)"),
        ("Jhonatan", "Jonathan", Agreement.SPELLING_VARIANT, 1.5, "92% alike"),
        ("Rose", "Grace", Agreement.DIFFERENT, -2.0, ""),
        ("J", "J.", Agreement.EXACT, 1.5, "initial only"),
        ("J", "Juan", Agreement.SPELLING_VARIANT, 0.5, "initial only"),
        ("J", "Pedro", Agreement.DIFFERENT, -2.0, ""),
        ("Sofia", "", Agreement.MISSING, 0.0, ""),
    ],
)
def test_middle_name_weights(local: str, candidate: str, agreement: Agreement, weight: float, note: str) -> None:
    base = PersonFacts(legal_first="Ana", legal_last="Ruiz")
    assert verdicts_both_ways(MatchField.LEGAL_MIDDLE, local, candidate, base) == {(agreement, weight, note)}


def test_a_middle_name_weighs_less_than_the_same_agreement_of_a_first_name() -> None:
    first = compare(PersonFacts(legal_first="Bill"), PersonFacts(legal_first="William")).fields[MatchField.LEGAL_FIRST]
    middle = middle_name_result("Bill", "William")
    assert (first.weight, middle.weight) == (4.0, 2.0)


def guardian_result(local: tuple[str, ...], candidate: tuple[str, ...]) -> FieldResult:
    return compare(PersonFacts(guardian_names=local), PersonFacts(guardian_names=candidate)).fields[MatchField.GUARDIAN_NAMES]


@pytest.mark.parametrize(
    ("local", "candidate", "agreement", "weight", "note"),
    [
        (("Maria Lopez",), ("Lopez, Maria",), Agreement.EXACT, 3.0, "a guardian in common"),
        (("Jose Ruiz", "Maria Lopez"), ("Ana Perez", "LOPEZ MARÍA"), Agreement.EXACT, 3.0, "a guardian in common"),
        (("Maria Elena Lopez",), ("Maria Lopez Garcia",), Agreement.SPELLING_VARIANT, 1.5, "a guardian shares two names"),
        (("Jose Ruiz", "Maria Lopez"), ("Maria Lopez Garcia",), Agreement.SPELLING_VARIANT, 1.5, "a guardian shares two names"),
        (("Maria Lopez",), ("Maria Garcia",), Agreement.DIFFERENT, -2.0, "no guardian in common"),
        (("Maria Lopez",), ("Ana Perez",), Agreement.DIFFERENT, -2.0, "no guardian in common"),
        (("Maria Lopez",), (), Agreement.MISSING, 0.0, ""),
    ],
)
def test_guardian_weights(
    local: tuple[str, ...], candidate: tuple[str, ...], agreement: Agreement, weight: float, note: str
) -> None:
    for result in (guardian_result(local, candidate), guardian_result(candidate, local)):
        assert (result.agreement, result.weight, result.note) == (agreement, weight, note)


def test_guardians_missing_on_one_side_say_so_and_keep_the_percent() -> None:
    base = PersonFacts(legal_first="Ana", legal_last="Ruiz", birth_date=dt.date(2015, 3, 5))
    with_guardian = PersonFacts(
        legal_first="Ana", legal_last="Ruiz", birth_date=dt.date(2015, 3, 5), guardian_names=("Maria Lopez",)
    )
    one_side = compare(with_guardian, base)
    assert one_side.fields[MatchField.GUARDIAN_NAMES].label == "blank on one side"
    assert one_side.bits == compare(base, base).bits


Name = tuple[str, str, str]  # first, middle, last
SWAPPED_NOTE = "first and last name entered the other way round"
SPLIT_NOTE = "same given names, split differently between first and middle"
TWO_IN_ONE = (Agreement.MIDDLE_IN_FIRST, 3.5, "one first name holds two given names")
MIDDLE_IN_FIRST_NAME = (Agreement.MISSING, 0.0, "the other middle name sits in the first name")
NO_MIDDLE = (Agreement.MISSING, 0.0, "")
SAME_LAST = (Agreement.EXACT, 6.0, "")


def name_results(local: Name, candidate: Name) -> list[Said]:
    facts = [PersonFacts(legal_first=first, legal_middle=middle, legal_last=last) for first, middle, last in (local, candidate)]
    fields = compare(*facts).fields
    return [
        (fields[field].agreement, fields[field].weight, fields[field].note)
        for field in (MatchField.LEGAL_FIRST, MatchField.LEGAL_MIDDLE, MatchField.LEGAL_LAST)
    ]


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        (("Ana", "", "Ruiz"), ("Ruiz", "", "Ana"),
         [(Agreement.FIRST_LAST_SWAPPED, 4.0, SWAPPED_NOTE), NO_MIDDLE, (Agreement.FIRST_LAST_SWAPPED, 5.0, SWAPPED_NOTE)]),
        (("Ana", "Elena", "Ruiz"), ("Ruiz", "Elena", "Ana"),
         [(Agreement.FIRST_LAST_SWAPPED, 4.0, SWAPPED_NOTE), (Agreement.EXACT, 3.0, ""),
          (Agreement.FIRST_LAST_SWAPPED, 5.0, SWAPPED_NOTE)]),
        # a spelling variant on one side: both swapped weights scaled by (6 + 4.5) / 12
        (("Valentina", "", "Gonzalez"), ("Gonzales", "", "Valentina"),
         [(Agreement.FIRST_LAST_SWAPPED, 3.5, SWAPPED_NOTE), NO_MIDDLE, (Agreement.FIRST_LAST_SWAPPED, 4.38, SWAPPED_NOTE)]),
        # a blank on one side: the other half counts, scaled by 6 / 12
        (("Ruiz", "", "Ana"), ("Ana", "", ""), [NO_MIDDLE, NO_MIDDLE, (Agreement.FIRST_LAST_SWAPPED, 2.5, SWAPPED_NOTE)]),
        (("Ruiz", "", ""), ("", "", "Ruiz"), [(Agreement.FIRST_LAST_SWAPPED, 2.0, SWAPPED_NOTE), NO_MIDDLE, NO_MIDDLE]),
        # only one half agrees and the other differs: not a swap
        (("Ana", "", "Ruiz"), ("Ruiz", "", "Perez"),
         [(Agreement.DIFFERENT, -4.5, ""), NO_MIDDLE, (Agreement.DIFFERENT, -5.0, "")]),
    ],
)
def test_first_and_last_name_swapped(local: Name, candidate: Name, expected: list[Said]) -> None:
    assert name_results(local, candidate) == expected


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        (("Maria Elena", "", "Lopez"), ("Maria", "Elena", "Lopez"),
         [(Agreement.MIDDLE_IN_FIRST, 4.0, SPLIT_NOTE), (Agreement.MIDDLE_IN_FIRST, 2.0, SPLIT_NOTE), SAME_LAST]),
        (("Maria Elena", "", "Lopez"), ("Maria", "Sofia", "Lopez"), [TWO_IN_ONE, MIDDLE_IN_FIRST_NAME, SAME_LAST]),
        (("Maria Elena", "", "Lopez"), ("Maria", "", "Lopez"), [TWO_IN_ONE, MIDDLE_IN_FIRST_NAME, SAME_LAST]),
        (("Maria", "", "Lopez"), ("Maria Elena", "", "Lopez"), [TWO_IN_ONE, MIDDLE_IN_FIRST_NAME, SAME_LAST]),
        (("Maria Elena", "", "Lopez"), ("Maria", "Helena", "Lopez"),
         [TWO_IN_ONE, (Agreement.NICKNAME, 2.0, "same name in another language"), SAME_LAST]),
        (("Maria Elena Sofia", "", "Lopez"), ("Maria", "Elena Sofya", "Lopez"),
         [TWO_IN_ONE, (Agreement.SPELLING_VARIANT, 2.0, "one letter apart (a typing slip?)"), SAME_LAST]),
        (("Elena", "", "Lopez"), ("Maria", "Elena", "Lopez"),
         [(Agreement.MIDDLE_IN_FIRST, 2.0, "goes by the middle name"),
          (Agreement.MISSING, 0.0, "used as the first name on the other side"), SAME_LAST]),
        (("Maria", "Elena", "Lopez"), ("Elena", "", "Lopez"),
         [(Agreement.MIDDLE_IN_FIRST, 2.0, "goes by the middle name"),
          (Agreement.MISSING, 0.0, "used as the first name on the other side"), SAME_LAST]),
        # two first names each, only the first in common: compared as written
        (("Maria Elena", "", "Lopez"), ("Maria Sofia", "", "Lopez"),
         [(Agreement.SPELLING_VARIANT, 2.05, "85% alike"), NO_MIDDLE, SAME_LAST]),
        # only the same name or a nickname is looked for across the boxes, not a shortened form
        (("Valen Maria", "", "Lopez"), ("Valentina", "", "Lopez"),
         [(Agreement.SPELLING_VARIANT, 2.04, "85% alike"), NO_MIDDLE, SAME_LAST]),
        (("Maria", "Valen", "Lopez"), ("Valentina", "", "Lopez"), [(Agreement.DIFFERENT, -4.5, ""), NO_MIDDLE, SAME_LAST]),
    ],
)
def test_a_middle_name_in_the_first_name(local: Name, candidate: Name, expected: list[Said]) -> None:
    assert name_results(local, candidate) == expected


# First names ANA (as "Ana Maria Luisa" and "Ana") x2, XI, LUIS, EVA; surnames RUIZ x2, SOTO x3; one birth
# date twice; FRESNO x3, MERCED x2. An exact agreement gains log2(typical * total / count) bits,
# typical being the chance two people agree: for first names 0.4² + 3 x 0.2² = 0.28, so ANA
# gets log2(0.28 x 5 / 2) = -0.51 and XI, or a name nobody has, log2(0.28 x 5) = +0.49.
POPULATION = [
    PersonFacts(legal_first="Ana Maria Luisa", legal_last="Ruiz", birth_date=dt.date(2013, 9, 14), birth_city="Fresno"),
    PersonFacts(legal_first="Ana", legal_last="Ruiz", birth_date=dt.date(2013, 9, 14), birth_city="Fresno"),
    PersonFacts(legal_first="Xi", legal_last="Soto", birth_date=dt.date(2014, 1, 2), birth_city="Fresno"),
    PersonFacts(legal_first="Luis", legal_last="Soto", birth_date=dt.date(2015, 5, 5), birth_city="Merced"),
    PersonFacts(legal_first="Eva", legal_last="Soto", birth_date=dt.date(2016, 6, 6), birth_city="Merced"),
]
ADJUSTED = (MatchField.LEGAL_FIRST, MatchField.LEGAL_LAST, MatchField.BIRTH_DATE, MatchField.BIRTH_CITY)
COMMON, RARE = "common in this population", "rare in this population"


def adjusted(local: PersonFacts, candidate: PersonFacts, frequencies: ValueFrequencies | None) -> list[Said]:
    fields = compare(local, candidate, frequencies=frequencies).fields
    return [(fields[field].agreement, fields[field].weight, fields[field].note) for field in ADJUSTED]


def test_exact_agreements_on_common_and_rare_values_are_adjusted_by_their_frequency() -> None:
    frequencies = population_frequencies(POPULATION)
    ana_maria, _, xi, _, _ = POPULATION
    assert adjusted(ana_maria, ana_maria, frequencies) == [
        (Agreement.EXACT, 4.49, COMMON),  # counted by its first word, ANA
        (Agreement.EXACT, 6.38, RARE),
        (Agreement.EXACT, 8.49, COMMON),
        (Agreement.EXACT, 1.29, COMMON),
    ]
    assert adjusted(xi, xi, frequencies)[:2] == [(Agreement.EXACT, 5.49, RARE), (Agreement.EXACT, 5.79, COMMON)]
    others = compare(ana_maria, ana_maria, frequencies=frequencies).fields
    assert [others[field].weight for field in MatchField if field not in ADJUSTED] == [0.0] * 5


def test_values_nobody_in_the_population_has_count_as_seen_once() -> None:
    nobody = PersonFacts(legal_first="Zoe", legal_last="Zed", birth_date=dt.date(2020, 1, 1), birth_city="Chico")
    assert adjusted(nobody, nobody, population_frequencies(POPULATION)) == [
        (Agreement.EXACT, 5.49, RARE),
        (Agreement.EXACT, 7.38, RARE),
        (Agreement.EXACT, 9.49, RARE),
        (Agreement.EXACT, 2.88, RARE),
    ]


def test_only_exact_agreements_on_a_whole_name_are_adjusted() -> None:
    frequencies = population_frequencies(POPULATION)
    initial = PersonFacts(legal_first="A", legal_last="Ruiz")
    assert adjusted(initial, initial, frequencies)[0] == (Agreement.EXACT, 1.5, "initial only")
    ana = POPULATION[1]
    alike = PersonFacts(legal_first="Anna", legal_last="Ruis", birth_date=dt.date(2013, 9, 15), birth_city="Merced")
    assert adjusted(ana, alike, frequencies) == adjusted(ana, alike, None) == [
        (Agreement.NICKNAME, 4.0, "same name in another language"),
        (Agreement.SPELLING_VARIANT, 2.94, "88% alike"),
        (Agreement.DIGIT_TYPO, 2.0, ""),
        (Agreement.DIFFERENT, -1.0, ""),
    ]


def test_a_field_the_population_never_fills_is_not_adjusted() -> None:
    first_names_only = population_frequencies([PersonFacts(legal_first="Ana"), PersonFacts(legal_first="Eva")])
    ana_maria = POPULATION[0]
    assert adjusted(ana_maria, ana_maria, first_names_only) == [
        (Agreement.EXACT, 5.0, ""),
        (Agreement.EXACT, 6.0, ""),
        (Agreement.EXACT, 9.0, ""),
        (Agreement.EXACT, 1.5, ""),
    ]


def test_every_name_form_counts_once_in_a_population() -> None:
    """Pedro alias Peter Soto, Ana Ruiz alias Ana Lopez, Ana Ruiz: first names PEDRO, PETER, ANA x2
    (the alias's ANA is the legal one again); surnames SOTO (the alias's is the legal one), RUIZ x2, LOPEZ."""
    frequencies = population_frequencies([
        PersonFacts(legal_first="Pedro", legal_last="Soto", alias_first="Peter"),
        PersonFacts(legal_first="Ana", legal_last="Ruiz", alias_last="Lopez"),
        PersonFacts(legal_first="Ana", legal_last="Ruiz"),
    ])

    def first_and_last(first: str, last: str) -> list[float]:
        person = PersonFacts(legal_first=first, legal_last=last)
        fields = compare(person, person, frequencies=frequencies).fields
        return [fields[MatchField.LEGAL_FIRST].weight, fields[MatchField.LEGAL_LAST].weight]

    # seen once: +log2(0.375 x 4) = +0.58; seen twice: log2(0.375 x 4 / 2) = -0.42
    assert first_and_last("Peter", "Soto") == [5.58, 6.58]
    assert first_and_last("Ana", "Lopez") == [4.58, 6.58]
    assert first_and_last("Pedro", "Ruiz") == [5.58, 5.58]


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("Nguyen", "Nguyen", (Agreement.EXACT, 6.0, "")),
        ("De La Cruz", "Delacruz", (Agreement.COMPOUND_SURNAME_PART, 5.0, "spacing differs")),
        ("Garcia Lopez", "Lopez Garcia", (Agreement.COMPOUND_SURNAME_PART, 5.0, "same parts, other order or particles")),
        ("de la Garza", "Garza", (Agreement.COMPOUND_SURNAME_PART, 5.0, "same parts, other order or particles")),
        ("Garcia", "Garcia Lopez", (Agreement.COMPOUND_SURNAME_PART, 5.0, "one side leaves out the second surname")),
        ("Lopez", "Garcia Lopez", (Agreement.COMPOUND_SURNAME_PART, 3.0, "one side has only a later part of the surname")),
        ("Garcia Lopez", "Garcia Ruiz", (Agreement.COMPOUND_SURNAME_PART, 1.0, "one part in common, another differs")),
        ("Hernandez Lopez", "Fernandez Ruiz", (Agreement.COMPOUND_SURNAME_PART, 1.0, "one part in common, another differs")),
        ("Gonzalez", "Gonzales", (Agreement.SPELLING_VARIANT, 4.5, "one letter apart (a typing slip?)")),
        ("Garcia", "Garza", (Agreement.SPELLING_VARIANT, 2.84, "88% alike")),
        ("Perez", "Peres", (Agreement.SPELLING_VARIANT, 4.5, "one letter apart (a typing slip?)")),
        ("Pham", "Phan", (Agreement.SPELLING_VARIANT, 2.94, "88% alike")),  # four letters: no typing slip
        ("Erin", "Eryn", (Agreement.SPELLING_VARIANT, 2.72, "87% alike")),  # sound alike, and look it
        ("Kim", "Kym", (Agreement.SPELLING_VARIANT, 2.5, "85% alike")),  # sound alike: 85% at least
        ("Aaron", "Carol", (Agreement.DIFFERENT, -5.0, "")),  # 73% alike, not the same sound
        ("Eric", "Erick", (Agreement.SPELLING_VARIANT, 3.97, "96% alike")),  # a slip by likeness, weighed by it
        ("Rodriguez", "Rodriques", (Agreement.SPELLING_VARIANT, 3.31, "91% alike")),  # one part each: a variant
        ("Hernandez Lopez", "Fernandez", (Agreement.COMPOUND_SURNAME_PART, 1.0, "one part in common, another differs")),
        # MORA and MORALEDA are exactly 90% alike: enough for a part in common
        ("Lopez Mora", "Ruiz Moraleda", (Agreement.COMPOUND_SURNAME_PART, 1.0, "one part in common, another differs")),
        ("Smith", "Jones", (Agreement.DIFFERENT, -5.0, "")),
    ],
)
def test_surname_verdicts(local: str, candidate: str, expected: Said) -> None:
    assert verdicts_both_ways(MatchField.LEGAL_LAST, local, candidate, PersonFacts(legal_first="Ana")) == {expected}


def test_bits_of_a_percent_is_the_evidence_that_gives_it() -> None:
    assert bits_of(50.0) == EVEN_ODDS_BITS == 11.0
    assert bits_of(75.0) == pytest.approx(11.0 + math.log2(3.0))
    assert bits_of(5.0) == pytest.approx(11.0 - math.log2(19.0))
    # 0 and 100 percent are a billionth of a percent inside, so still a finite number of bits
    assert bits_of(0.0) == pytest.approx(11.0 - math.log2(1e11 - 1.0))
    assert bits_of(100.0) == pytest.approx(11.0 + math.log2(1e11 - 1.0), abs=1e-3)


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("Los Angeles", "LOS ANGELES", (Agreement.EXACT, 1.5, "")),
        ("San Jose", "Sanjose", (Agreement.EXACT, 1.5, "")),
        ("Santa Ana", "Santa Ana Pueblo", (Agreement.SPELLING_VARIANT, 1.0, "one name inside the other")),
        ("Ana Santa", "Santa Ana", (Agreement.SPELLING_VARIANT, 1.0, "one name inside the other")),
        ("Bakersfield", "Bakersfeld", (Agreement.SPELLING_VARIANT, 1.0, "one letter apart (a typing slip?)")),
        ("Fresno", "Merced", (Agreement.DIFFERENT, -1.0, "")),
        ("City of Bristol", "Bristol", (Agreement.EXACT, 1.5, "")),  # filler words dropped
        ("St. Louis", "Saint Louis", (Agreement.EXACT, 1.5, "")),  # abbreviations spelled out
        ("Ciudad de Mexico", "Mexico", (Agreement.SPELLING_VARIANT, 1.0, "one name inside the other")),
        ("Sacramento", "Sacremanto", (Agreement.SPELLING_VARIANT, 0.93, "98% alike")),
    ],
)
def test_birth_city_verdicts(local: str, candidate: str, expected: Said) -> None:
    assert verdicts_both_ways(MatchField.BIRTH_CITY, local, candidate) == {expected}


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("F", "female", (Agreement.EXACT, 0.5, "")),
        ("X", "M", (Agreement.DIFFERENT, -0.5, "X against a binary marker")),
        ("M", "F", (Agreement.DIFFERENT, -3.0, "")),
        ("Q", "q", (Agreement.EXACT, 0.5, "")),  # a marker the table does not know, compared as text
        ("Q", "Z", (Agreement.DIFFERENT, -3.0, "")),
    ],
)
def test_gender_verdicts(local: str, candidate: str, expected: Said) -> None:
    assert verdicts_both_ways(MatchField.GENDER, local, candidate) == {expected}


@pytest.mark.parametrize(
    ("short", "full"),
    [("Isa", "Isadora"), ("Oct", "Octavio"), ("Yesen", "Yesenia"), ("Guada", "Guadalupe")],
)
def test_the_start_of_a_first_name_three_letters_or_more_and_two_short_is_a_shortened_form(short: str, full: str) -> None:
    assert verdicts_both_ways(MatchField.LEGAL_FIRST, short, full) == {
        (Agreement.SHORTENED, 4.0, f"{short.upper()} is the start of {full.upper()}")
    }


MINH = PersonFacts(legal_first="Minh", legal_middle="Thi", legal_last="Tran", birth_date=dt.date(2014, 3, 5))


def shown_names(local: PersonFacts, candidate: PersonFacts) -> list[tuple[str, str, str]]:
    fields = compare(local, candidate).fields
    return [
        (fields[field].local, fields[field].candidate, fields[field].note)
        for field in (MatchField.LEGAL_FIRST, MatchField.LEGAL_MIDDLE, MatchField.LEGAL_LAST)
    ]


def test_names_compared_through_an_alias_are_shown_as_the_alias() -> None:
    alias = "via an alias"
    local = replace(MINH, alias_first="Emily", alias_middle="Rose", alias_last="Nguyen")
    emily = replace(MINH, legal_first="Emily", legal_middle="Rose", legal_last="Nguyen")
    shown = [("Emily", "Emily", alias), ("Rose", "Rose", alias), ("Nguyen", "Nguyen", alias)]
    assert shown_names(local, emily) == shown
    assert shown_names(emily, local) == shown
    # an alias first name brings its own middle name (here none); the legal surname stays
    first_only = replace(MINH, alias_first="Emily")
    assert shown_names(first_only, replace(MINH, legal_first="Emily", legal_middle=None)) == [
        ("Emily", "Emily", alias), ("", "", alias), ("Tran", "Tran", alias)
    ]
    # an alias surname alone keeps the legal first and middle names
    last_only = replace(MINH, alias_last="Nguyen")
    assert shown_names(last_only, replace(MINH, legal_last="Nguyen")) == [
        ("Minh", "Minh", alias), ("Thi", "Thi", alias), ("Nguyen", "Nguyen", alias)
    ]
    # the agreement's own note comes first
    bill = replace(MINH, alias_first="Bill")
    assert shown_names(bill, replace(MINH, legal_first="William", legal_middle=None))[0] == ("Bill", "William", "nickname; via an alias")
    # the alias's own middle name is compared, and only with an alias first name
    middle = compare(local, emily).fields[MatchField.LEGAL_MIDDLE]
    assert (middle.agreement, middle.weight) == (Agreement.EXACT, 3.0)
    middle = compare(last_only, replace(MINH, legal_last="Nguyen")).fields[MatchField.LEGAL_MIDDLE]
    assert (middle.agreement, middle.weight) == (Agreement.EXACT, 3.0)
    # the legal names agreeing best, the alias stays out of sight
    assert shown_names(local, local) == [("Minh", "Minh", ""), ("Thi", "Thi", ""), ("Tran", "Tran", "")]


def test_the_twin_note_follows_the_first_names_own_note() -> None:
    mario = PersonFacts(legal_first="Mario", legal_last="Reyes", birth_date=dt.date(2014, 3, 5), gender="M")
    first = compare(mario, replace(mario, legal_first="Maria", gender="F")).fields[MatchField.LEGAL_FIRST]
    assert first == FieldResult(
        MatchField.LEGAL_FIRST, Agreement.SPELLING_VARIANT, 3.5, "Mario", "Maria",
        "one letter apart (a typing slip?); same birth date and surname: twins?",
    )


@pytest.mark.parametrize(
    ("local", "candidate", "expected"),
    [
        ("Mexico", "MX", (Agreement.EXACT, 0.5, "")),
        ("Atlantis", "ATLANTIS", (Agreement.EXACT, 0.5, "")),  # a country the table does not know, as text
        ("Atlantis", "Lemuria", (Agreement.DIFFERENT, -2.5, "")),
    ],
)
def test_birth_country_verdicts(local: str, candidate: str, expected: Said) -> None:
    assert verdicts_both_ways(MatchField.BIRTH_COUNTRY, local, candidate) == {expected}


def test_alike_first_names_with_an_x_gender_marker_are_not_the_twin_pattern() -> None:
    mario = PersonFacts(legal_first="Mario", legal_last="Reyes", birth_date=dt.date(2014, 3, 5), gender="X")
    comparison = compare(mario, replace(mario, legal_first="Maria", gender="M"))
    assert (comparison.is_twin_pattern, comparison.percent) == (False, 99.2)


def test_of_two_equally_good_name_pairings_the_first_is_shown() -> None:
    minh = PersonFacts(legal_first="Minh", legal_last="Tran", alias_first="Emily")
    emily = PersonFacts(legal_first="Emily", legal_last="Tran", alias_first="Minh")
    first = compare(minh, emily).fields[MatchField.LEGAL_FIRST]
    assert (first.local, first.candidate, first.note) == ("Minh", "Minh", "via an alias")


@pytest.mark.parametrize(
    ("person", "bits", "percent"),
    [
        (PersonFacts(legal_first="Ana"), 5.0, 1.5),
        (PersonFacts(legal_first="Ana", legal_last="Ruiz"), 11.0, 50.0),
        (PersonFacts(legal_first="Ana", legal_last="Ruiz", birth_date=dt.date(2014, 3, 5)), 20.0, 99.8),
    ],
)
def test_the_percent_of_the_bits_of_evidence(person: PersonFacts, bits: float, percent: float) -> None:
    comparison = compare(person, person)
    assert (comparison.bits, comparison.percent) == (bits, percent)


def test_frequency_adjustments_add_to_the_bits() -> None:
    ana_maria = POPULATION[0]
    comparison = compare(ana_maria, ana_maria, frequencies=population_frequencies(POPULATION))
    assert comparison.bits == pytest.approx(4.485 + 6.379 + 8.485 + 1.294, abs=0.002)


def test_guardians_are_shown_as_given_one_after_another() -> None:
    guardians = compare(
        PersonFacts(guardian_names=("Rosa Ruiz", "Pedro Ruiz")), PersonFacts(guardian_names=("Carmen Soto",))
    ).fields[MatchField.GUARDIAN_NAMES]
    assert (guardians.local, guardians.candidate) == ("Rosa Ruiz; Pedro Ruiz", "Carmen Soto")
