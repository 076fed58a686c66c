"""The public contract of ``domain.matching``: what tools and the review page rely on."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import domain.matching as matching
from domain.matching import (
    Agreement,
    Evidence,
    MatchField,
    PersonFacts,
    candidate_facts,
    compare,
    population_frequencies,
    request_facts,
)
from domain.matching import fold, phonetic_code
from domain.records import MatchCandidate, MatchCategory, SenrRecord
from domain.values import Ssid

ANA = PersonFacts(
    legal_first="Ana",
    legal_middle="Sofía",
    legal_last="Ruiz",
    birth_date=dt.date(2013, 9, 14),
    gender="F",
    birth_city="Santa Ana",
    birth_state="US-CA",
    birth_country="US",
)


def test_person_facts_takes_keywords_only_and_defaults_to_blank() -> None:
    with pytest.raises(TypeError):
        PersonFacts("Ana")  # type: ignore[call-arg]
    blank = PersonFacts()
    assert [getattr(blank, f.name) for f in dataclasses.fields(blank)] == [None] * 11 + [()]
    assert [f.name for f in dataclasses.fields(PersonFacts)][:8] == [field.value for field in MatchField][:8]


def test_public_names() -> None:
    assert set(matching.__all__) >= {"PersonFacts", "compare", "Comparison", "FieldResult", "Agreement", "MatchField"}


def test_every_field_has_a_result_in_display_order_with_labels() -> None:
    comparison = compare(ANA, ANA)
    assert list(comparison.fields) == list(MatchField)
    assert [field.label for field in comparison.fields] == [
        "First name", "Middle name", "Last name", "Birth date", "Gender",
        "Birth city", "Birth state", "Birth country", "Parents/guardians",
    ]
    first = comparison.fields[MatchField.LEGAL_FIRST]
    assert (first.field, first.agreement, first.label, first.local, first.candidate) == (
        MatchField.LEGAL_FIRST, Agreement.EXACT, "same", "Ana", "Ana",
    )
    assert comparison.fields[MatchField.BIRTH_DATE].local == "2013-09-14"
    assert comparison.fields[MatchField.GUARDIAN_NAMES].evidence is Evidence.NEUTRAL


def test_agreement_labels_are_in_a_coordinators_words() -> None:
    assert {agreement: agreement.label for agreement in Agreement} == {
        Agreement.EXACT: "same",
        Agreement.NICKNAME: "nickname",
        Agreement.SHORTENED: "shortened form",
        Agreement.SPELLING_VARIANT: "spelled differently",
        Agreement.DAY_MONTH_SWAPPED: "day and month swapped",
        Agreement.DIGIT_TYPO: "one digit differs",
        Agreement.FIRST_LAST_SWAPPED: "first and last name swapped",
        Agreement.COMPOUND_SURNAME_PART: "part of a two-part surname",
        Agreement.MIDDLE_IN_FIRST: "middle name in the first name",
        Agreement.MISSING: "blank on one side",
        Agreement.DIFFERENT: "different",
    }


def test_identical_records_are_100_percent_and_agree_on_every_field() -> None:
    comparison = compare(ANA, ANA)
    assert comparison.percent == 100.0
    assert comparison.agrees_on_every_field
    assert not comparison.is_twin_pattern
    assert comparison.disagreements == ()


def test_case_accents_and_punctuation_do_not_matter() -> None:
    shouted = dataclasses.replace(ANA, legal_first="ANA", legal_middle="SOFIA", legal_last=" ruiz ", birth_city="SANTA ANA")
    assert compare(ANA, shouted).agrees_on_every_field
    assert fold("José  de-la Peña") == "JOSE DE LA PENA"
    assert fold("O’Brien") == fold("O'Brien") == "OBRIEN"
    assert fold("Đặng") == "DANG"


@pytest.mark.parametrize(("local", "candidate"), [("US-CA", "California"), ("CA", "US-CA"), ("ca", "Calif.")])
def test_birth_state_spellings(local: str, candidate: str) -> None:
    agreement = compare(dataclasses.replace(ANA, birth_state=local), dataclasses.replace(ANA, birth_state=candidate))
    expected = Agreement.DIFFERENT if candidate == "Calif." else Agreement.EXACT
    assert agreement.fields[MatchField.BIRTH_STATE].agreement is expected


def test_birth_country_names_and_codes_agree() -> None:
    mexico = dataclasses.replace(ANA, birth_country="México", birth_state=None, birth_city="Guadalajara")
    coded = dataclasses.replace(mexico, birth_country="MX")
    assert compare(mexico, coded).fields[MatchField.BIRTH_COUNTRY].agreement is Agreement.EXACT
    usa = compare(mexico, ANA).fields[MatchField.BIRTH_COUNTRY]
    assert (usa.agreement, usa.evidence) == (Agreement.DIFFERENT, Evidence.AGAINST)


def test_a_nickname_is_below_100_percent_and_blocks_bulk_acceptance() -> None:
    comparison = compare(dataclasses.replace(ANA, legal_first="Anita"), ANA)
    assert comparison.fields[MatchField.LEGAL_FIRST].agreement is Agreement.NICKNAME
    assert 90.0 < comparison.percent < 100.0
    assert not comparison.agrees_on_every_field


def test_disagreements_list_the_fields_against_strongest_first() -> None:
    other = dataclasses.replace(ANA, birth_date=dt.date(2011, 1, 2), birth_city="Fresno")
    assert [result.field for result in compare(ANA, other).disagreements] == [MatchField.BIRTH_DATE, MatchField.BIRTH_CITY]


def test_alias_names_are_compared_when_they_agree_better() -> None:
    local = dataclasses.replace(ANA, legal_first="Minh", legal_middle=None, legal_last="Tran", alias_first="Emily")
    candidate = dataclasses.replace(local, legal_first="Emily", alias_first=None)
    first = compare(local, candidate).fields[MatchField.LEGAL_FIRST]
    assert (first.agreement, first.local, first.candidate) == (Agreement.EXACT, "Emily", "Emily")
    assert "via an alias" in first.note


def test_a_guardian_in_common_counts_for_the_match() -> None:
    local = dataclasses.replace(ANA, guardian_names=("Rosa Ruiz", "Pedro Ruiz"))
    same = compare(local, dataclasses.replace(ANA, guardian_names=("RUIZ, ROSA",))).fields[MatchField.GUARDIAN_NAMES]
    other = compare(local, dataclasses.replace(ANA, guardian_names=("Carmen Soto",))).fields[MatchField.GUARDIAN_NAMES]
    assert (same.agreement, same.evidence) == (Agreement.EXACT, Evidence.FOR)
    assert (other.agreement, other.evidence) == (Agreement.DIFFERENT, Evidence.AGAINST)


def test_rare_values_count_for_more_than_common_ones_in_a_population() -> None:
    common = [dataclasses.replace(ANA, legal_first="Maria", birth_date=dt.date(2013, 1, 1 + n)) for n in range(20)]
    others = [dataclasses.replace(ANA, legal_first=f"Name{chr(65 + n)}") for n in range(20)]
    rare = dataclasses.replace(ANA, legal_first="Xochitl")
    frequencies = population_frequencies([*common, *others, rare])
    maria = compare(common[0], common[0], frequencies=frequencies).fields[MatchField.LEGAL_FIRST]
    xochitl = compare(rare, rare, frequencies=frequencies).fields[MatchField.LEGAL_FIRST]
    assert xochitl.weight > compare(rare, rare).fields[MatchField.LEGAL_FIRST].weight > maria.weight
    assert "rare in this population" in xochitl.note and "common in this population" in maria.note


def test_comparison_is_symmetric_in_its_percent() -> None:
    local = dataclasses.replace(ANA, legal_first="Ana Sofía", legal_middle=None, legal_last="Ruiz Soto")
    assert compare(local, ANA).percent == compare(ANA, local).percent


def test_a_calpads_candidate_becomes_facts_with_blanks_neutral() -> None:
    candidate = MatchCandidate(
        ssid=Ssid("1234567890"), ssid_created=None, category=MatchCategory.SINGLE, score_text="97%", percent=97.0,
        legal_last="RUIZ", legal_first="ANA", legal_middle="", gender="F", birth_date=dt.date(2013, 9, 14),
        birth_state="US-CA",
    )
    facts = candidate_facts(candidate)
    assert (facts.legal_first, facts.legal_middle, facts.birth_city, facts.birth_state) == ("ANA", None, None, "US-CA")
    comparison = compare(ANA, facts)
    assert comparison.agrees_on_every_field and comparison.percent == 100.0
    assert [field for field, result in comparison.fields.items() if result.agreement is Agreement.MISSING] == [
        MatchField.LEGAL_MIDDLE, MatchField.BIRTH_CITY, MatchField.BIRTH_COUNTRY, MatchField.GUARDIAN_NAMES,
    ]


def test_a_calpads_candidate_with_every_column_becomes_facts_with_every_field() -> None:
    candidate = MatchCandidate(
        ssid=Ssid("1234567890"), ssid_created=None, category=MatchCategory.SINGLE, score_text="97%", percent=97.0,
        legal_last="RUIZ", legal_first="ANA", legal_middle="SOFIA", gender="F", birth_date=dt.date(2013, 9, 14),
        birth_city="SANTA ANA", birth_state="US-CA", birth_country="US",
    )
    assert candidate_facts(candidate) == PersonFacts(
        legal_first="ANA", legal_middle="SOFIA", legal_last="RUIZ", birth_date=dt.date(2013, 9, 14), gender="F",
        birth_city="SANTA ANA", birth_state="US-CA", birth_country="US",
    )


def test_the_request_record_becomes_facts_with_every_field_it_sent_and_blanks_as_none() -> None:
    full = SenrRecord(
        legal_first="ANA", legal_middle="SOFIA", legal_last="RUIZ", alias_first="ANNIE", alias_middle="S",
        alias_last="SOTO", birth_date="20130914", gender="F", birth_city="SANTA ANA", birth_state="US-CA",
        birth_country="US",
    )
    assert request_facts(full) == PersonFacts(
        legal_first="ANA", legal_middle="SOFIA", legal_last="RUIZ", birth_date=dt.date(2013, 9, 14), gender="F",
        birth_city="SANTA ANA", birth_state="US-CA", birth_country="US", alias_first="ANNIE", alias_middle="S",
        alias_last="SOTO",
    )
    assert request_facts(SenrRecord(birth_date="20130231")) == PersonFacts()


def test_nickname_is_said_only_of_known_nicknames() -> None:
    # "Anh" and "Anhh": one letter more is a typing slip, not a nickname nor a shortened form.
    slip = compare(dataclasses.replace(ANA, legal_first="Anhh"), dataclasses.replace(ANA, legal_first="Anh"))
    assert slip.fields[MatchField.LEGAL_FIRST].agreement is Agreement.SPELLING_VARIANT
    # "Alexandra" begins with "Alexa", which the nickname table does not list: a shortened form.
    short = compare(dataclasses.replace(ANA, legal_first="Alexandra"), dataclasses.replace(ANA, legal_first="Alexa"))
    first = short.fields[MatchField.LEGAL_FIRST]
    assert (first.agreement, first.label) in ((Agreement.SHORTENED, "shortened form"), (Agreement.NICKNAME, "nickname"))
    unknown = compare(dataclasses.replace(ANA, legal_first="Marisela"), dataclasses.replace(ANA, legal_first="Mari"))
    assert unknown.fields[MatchField.LEGAL_FIRST].label != "nickname"


def test_a_field_blank_on_both_sides_says_so() -> None:
    both = compare(dataclasses.replace(ANA, legal_middle=""), dataclasses.replace(ANA, legal_middle=""))
    one = compare(dataclasses.replace(ANA, legal_middle="Luz"), dataclasses.replace(ANA, legal_middle=""))
    assert both.fields[MatchField.LEGAL_MIDDLE].label == "blank on both sides"
    assert one.fields[MatchField.LEGAL_MIDDLE].label == "blank on one side"


def test_a_one_letter_slip_is_not_called_one_hundred_percent_alike() -> None:
    slip = compare(dataclasses.replace(ANA, legal_last="Gonzales"), dataclasses.replace(ANA, legal_last="Gonzalez"))
    last = slip.fields[MatchField.LEGAL_LAST]
    assert last.agreement is Agreement.SPELLING_VARIANT and "1.00" not in last.note and "typing slip" in last.note


def test_phonetic_code_is_the_soundex_of_the_letters_of_a_word() -> None:
    assert [phonetic_code(word) for word in ("ANA", "A1NA", "MCDONALD", "123", "")] == ["A500", "A500", "M235", "", ""]


def test_fold_keeps_letters_of_any_script_and_drops_or_spaces_the_rest() -> None:
    assert [fold(text) for text in ("José–Luis", "Ó'Brien", "Zoë·Ann", "李 Wei")] == ["JOSE LUIS", "OBRIEN", "ZOE ANN", "李 WEI"]
