"""Is this candidate the same person? Field-by-field agreement of two person records, and a percent.

The matching assistant shows a reviewer, for a local student and each candidate (from CALPADS or
from the district's own records), how every field agrees: exactly, as a nickname ("Pepe" for
"José"), as a spelling variant, with day and month swapped, as one part of a compound surname,
and so on. The agreements add up, as bits of evidence, to the percent used to rank candidates.

Two rules sit above the sum. A blank field is neutral: it neither helps nor hurts. Same birth
date and surname with a clearly different first name is the pattern of twins, which is strong
evidence *against* (:attr:`Comparison.is_twin_pattern`): the percent is capped however much
else agrees, at :data:`TWIN_CAP_PERCENT` by default, and in a duplicate search at the share of
one-child pairs its population shows among such pairs (:attr:`MatchModel.twin_bits`). A pair with
the pattern is never accepted in bulk.

For a review page: iterate ``comparison.fields.values()`` (display order) and show, per
:class:`FieldResult`, ``field.label`` ("First name"), ``label`` ("nickname") and ``evidence``
(for / neutral / against, for the badge's colour). For a bulk action:
:attr:`Comparison.agrees_on_every_field` and :attr:`Comparison.is_twin_pattern`.
"""

from __future__ import annotations

from domain.matching._compare import Comparison, Evidence, FieldResult, candidate_facts, compare, compare_prepared
from domain.matching._facts import PersonFacts, PreparedFacts, population_frequencies, prepare
from domain.matching._fields import Agreement, MatchField, forget_name_comparisons
from domain.matching._frequencies import ValueFrequencies
from domain.matching._model import DEFAULT_MODEL, GUARDIANS_SAME_SURNAME, MIN_PAIRS, MIN_PEOPLE, PRIOR_PAIRS, PRIOR_SHARE, TYPICAL_M, Level, MatchModel, Pattern, estimate_model, model_bits, pattern_of, verdict_at
from domain.matching._names import NameForm
from domain.matching._review import compare_candidates, request_facts
from domain.matching._score import EVEN_ODDS_BITS, HIGHEST_SHOWN_PERCENT, TWIN_CAP_BITS, TWIN_CAP_PERCENT, bits_of, evaluate, percent_of
from domain.matching._text import fold, nickname_roots, phonetic_code, significant_words, squash

__all__ = [
    "Agreement",
    "Evidence",
    "MatchField",
    "PersonFacts",
    "FieldResult",
    "Comparison",
    "PreparedFacts",
    "ValueFrequencies",
    "MatchModel",
    "Level",
    "Pattern",
    "DEFAULT_MODEL",
    "GUARDIANS_SAME_SURNAME",
    "MIN_PAIRS",
    "MIN_PEOPLE",
    "PRIOR_PAIRS",
    "PRIOR_SHARE",
    "TYPICAL_M",
    "estimate_model",
    "model_bits",
    "pattern_of",
    "verdict_at",
    "EVEN_ODDS_BITS",
    "HIGHEST_SHOWN_PERCENT",
    "TWIN_CAP_PERCENT",
    "TWIN_CAP_BITS",
    "candidate_facts",
    "compare",
    "compare_prepared",
    "prepare",
    "population_frequencies",
    "NameForm",
    "bits_of",
    "percent_of",
    "evaluate",
    "fold",
    "nickname_roots",
    "phonetic_code",
    "significant_words",
    "forget_name_comparisons",
    "squash",
    "compare_candidates",
    "request_facts",
]
