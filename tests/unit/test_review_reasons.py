"""The review's reasons for and against a candidate, and our estimate, as a coordinator reads them
(console.views.review_reasons), on comparisons made by hand so the words and the order are exact."""

from __future__ import annotations

from types import MappingProxyType

from console.views.review_reasons import Reasons, estimate_text, reason_text, reasons
from domain.matching import Agreement, Comparison, FieldResult, MatchField


def _comparison(*results: FieldResult, percent: float = 87.0) -> Comparison:
    by_field = {field: FieldResult(field, Agreement.MISSING, 0.0, "", "") for field in MatchField}
    by_field.update({result.field: result for result in results})
    return Comparison(MappingProxyType(by_field), percent, 0.0, False)


def test_a_reason_names_the_field_and_the_agreement_and_the_values_only_for_a_likeness() -> None:
    assert reason_text(FieldResult(MatchField.BIRTH_DATE, Agreement.EXACT, 9.0, "2014-03-05", "2014-03-05")) == "Birth date: same"
    assert reason_text(FieldResult(MatchField.LEGAL_FIRST, Agreement.NICKNAME, 3.0, "José", "Pepe")) == "First name: nickname (Pepe for José)"
    said_twice = FieldResult(MatchField.LEGAL_FIRST, Agreement.NICKNAME, 3.0, "José", "Pepe", "nickname; via an alias")
    assert reason_text(said_twice) == "First name: nickname (Pepe for José; via an alias)"
    assert reason_text(FieldResult(MatchField.LEGAL_LAST, Agreement.DIFFERENT, -6.0, "Garcia", "Nguyen")) == "Last name: different"
    swapped = FieldResult(MatchField.BIRTH_DATE, Agreement.DAY_MONTH_SWAPPED, 4.0, "2014-03-05", "2014-05-03")
    assert reason_text(swapped) == "Birth date: day and month swapped (2014-05-03 for 2014-03-05)"
    twins = FieldResult(MatchField.LEGAL_FIRST, Agreement.DIFFERENT, -4.0, "Ana", "Eva", "same birth date and surname: twins?")
    assert reason_text(twins) == "First name: different (same birth date and surname: twins?)"
    alias = FieldResult(MatchField.LEGAL_FIRST, Agreement.SHORTENED, 2.0, "Alexander", "Alex", "via an alias")
    assert reason_text(alias) == "First name: shortened form (Alex for Alexander; via an alias)"


def test_the_three_strongest_each_way_strongest_first_and_neutral_fields_never() -> None:
    comparison = _comparison(
        FieldResult(MatchField.LEGAL_FIRST, Agreement.NICKNAME, 3.0, "José", "Pepe"),
        FieldResult(MatchField.LEGAL_LAST, Agreement.EXACT, 6.0, "Garcia", "Garcia"),
        FieldResult(MatchField.BIRTH_DATE, Agreement.EXACT, 9.0, "2014-03-05", "2014-03-05"),
        FieldResult(MatchField.BIRTH_COUNTRY, Agreement.EXACT, 0.5, "US", "US"),  # the fourth for: left out
        FieldResult(MatchField.GENDER, Agreement.DIFFERENT, -3.0, "M", "F"),
        FieldResult(MatchField.BIRTH_CITY, Agreement.DIFFERENT, -2.0, "Fresno", "Oakland"),
        FieldResult(MatchField.BIRTH_STATE, Agreement.DIFFERENT, -2.0, "US-CA", "US-NV"),  # ties: display order
        FieldResult(MatchField.LEGAL_MIDDLE, Agreement.DIFFERENT, -1.0, "Luis", "Juan"),  # the fourth against
    )
    assert reasons(comparison) == Reasons(
        ("Birth date: same", "Last name: same", "First name: nickname (Pepe for José)"),
        ("Gender: different", "Birth city: different", "Birth state: different"),
    )


def test_nothing_against_is_an_empty_list_and_the_estimate_reads_as_a_sentence() -> None:
    comparison = _comparison(FieldResult(MatchField.LEGAL_LAST, Agreement.EXACT, 6.0, "Garcia", "Garcia"), percent=99.9)
    assert reasons(comparison) == Reasons(("Last name: same",), ())
    assert estimate_text(comparison) == "Our estimate: 99.9 % likely the same child"
    assert estimate_text(_comparison(percent=87.0)) == "Our estimate: 87 % likely the same child"
    assert estimate_text(_comparison(percent=100.0)) == "Our estimate: 100 % likely the same child"
