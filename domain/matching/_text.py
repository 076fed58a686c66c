"""Text helpers for person matching: folding, phonetic codes, the nickname table, spelling likeness.

Everything here works on *folded* text: upper-case ASCII words separated by single spaces, the
way CALPADS spells names. The functions are pure and memoised, because a district-wide duplicate
search asks the same questions about the same few thousand names millions of times.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import jellyfish

__all__ = [
    "PARTICLES",
    "fold",
    "words",
    "significant_words",
    "squash",
    "phonetic_code",
    "nickname_roots",
    "nickname_relation",
    "spelling_likeness",
    "one_letter_apart",
]

PARTICLES = frozenset(
    {"DE", "DEL", "LA", "LAS", "LOS", "Y", "E", "DA", "DI", "DOS", "VAN", "VON", "DER", "JR", "SR", "II", "III", "IV"}
)
"""Words of a surname that carry no identity: the particles of compound surnames ("de la Cruz",
"García y López") and generational suffixes ("Smith Jr")."""

# Apostrophes join (O'Brien -> OBRIEN); every other non-letter, non-digit separates words.
_JOINERS = "'’`´"
_ASCII_FOLD = str.maketrans(
    {**{chr(code): " " for code in range(128) if not chr(code).isalnum()}, **dict.fromkeys(_JOINERS)}
)
# Letters that carry no combining accent, so Unicode decomposition leaves them as they are.
_TRANSLITERATED = str.maketrans(
    {"Đ": "D", "đ": "d", "ß": "ss", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ł": "L", "ł": "l", "ı": "i", "’": None, "´": None}
)


def _fold(text: str | None) -> str:
    """Return ``text`` upper-cased, accents removed, punctuation turned into single spaces.

    ``"José  de-la Peña"`` and ``"JOSE DE LA PENA"`` fold to the same string, ``"Đặng"`` to
    ``"DANG"``; ``None`` folds to ``""``. Letters of other scripts are kept (upper-cased).
    """
    if not text:
        return ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATED))
        text = "".join(
            char if char.isascii() or char.isalnum() else " "
            for char in decomposed
            if not unicodedata.combining(char)
        )
    return " ".join(text.translate(_ASCII_FOLD).upper().split())


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
fold = lru_cache(maxsize=1 << 18)(_fold)


def words(folded: str) -> tuple[str, ...]:
    """The words of a folded name."""
    return tuple(folded.split())


def _significant_words(folded: str) -> tuple[str, ...]:
    """The words of a folded surname without particles: ``"DE LA CRUZ"`` -> ``("CRUZ",)``."""
    kept = tuple(word for word in folded.split() if word not in PARTICLES)
    return kept or tuple(folded.split())


significant_words = lru_cache(maxsize=1 << 16)(_significant_words)


def squash(folded: str) -> str:
    """A folded name without spaces, so ``"DE LA CRUZ"`` meets ``"DELACRUZ"``."""
    return folded.replace(" ", "")


def _phonetic_code(word: str) -> str:
    """A Soundex code of one folded word (``""`` for an empty or digit-only word)."""
    letters = "".join(char for char in word if char.isalpha())
    return jellyfish.soundex(letters) if letters else ""


phonetic_code = lru_cache(maxsize=1 << 17)(_phonetic_code)


def _metaphone_uncached(word: str) -> str:
    return jellyfish.metaphone(word)


_metaphone = lru_cache(maxsize=1 << 16)(_metaphone_uncached)


class _NicknameTable(NamedTuple):
    nicknames: dict[str, frozenset[str]]  # name -> formal names, from the English and Spanish rows
    everything: dict[str, frozenset[str]]  # the same, translations included


def _load_nickname_table() -> _NicknameTable:
    """Name -> the formal names whose row it belongs to (itself included when it is the formal name)."""
    text = resources.files("domain.data").joinpath("nicknames.csv").read_text(encoding="utf-8")
    nicknames: dict[str, set[str]] = {}
    everything: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        formal = fold(row["name"])
        for member in (formal, *(fold(nick) for nick in row["nicknames"].split())):
            everything.setdefault(member, set()).add(formal)
            if row["language"] != "translation":
                nicknames.setdefault(member, set()).add(formal)
    return _NicknameTable(
        {name: frozenset(roots) for name, roots in nicknames.items()},
        {name: frozenset(roots) for name, roots in everything.items()},
    )


_NICKNAMES = _load_nickname_table()


def nickname_roots(folded: str) -> frozenset[str]:
    """The formal names a folded given name can stand for; a name outside the table stands for itself.

    ``"BETO"`` -> ``{"ALBERTO", "ROBERTO", ...}``; ``"GUILLERMO"`` -> ``{"GUILLERMO", "WILLIAM"}``.
    """
    return _NICKNAMES.everything.get(folded, frozenset({folded}))


def _share_row(table: dict[str, frozenset[str]], left: str, right: str) -> bool:
    left_roots, right_roots = table.get(left), table.get(right)
    return left_roots is not None and right_roots is not None and not left_roots.isdisjoint(right_roots)


def _nickname_relation(left: str, right: str) -> str:
    """How two different folded given names relate in the project's nickname table.

    ``"nickname"`` (Bill and William, Pepe and José), ``"same name in another language"``
    (Guillermo and William), or ``""`` when the table does not relate them.
    """
    if left == right:
        return ""
    if _share_row(_NICKNAMES.nicknames, left, right):
        return "nickname"
    if _share_row(_NICKNAMES.everything, left, right):
        return "same name in another language"
    return ""


nickname_relation = lru_cache(maxsize=1 << 18)(_nickname_relation)


def _spelling_likeness(left: str, right: str) -> float:
    """How strongly two different folded names look like one name misspelled, from 0.0 to 1.0.

    1.0 is one typing slip (one letter added, dropped, changed or two swapped) in a name of five
    letters or more (shorter names one letter apart are often two names: Pham and Phan, Kim and
    Lim); Jaro-Winkler similarity counts when it is high; names that sound alike (same Metaphone
    code) score at least 0.85. Anything below 0.85 is not a spelling variant.
    """
    if not left or not right or left == right:
        return 0.0
    likeness = jellyfish.jaro_winkler_similarity(left, right)
    if likeness < _HOPELESS:
        return 0.0
    shortest = min(len(left), len(right))
    if shortest >= 5 and jellyfish.damerau_levenshtein_distance(left, right) == 1:
        return 1.0
    if shortest >= 3 and likeness < 0.85 and _metaphone(left) == _metaphone(right):
        likeness = 0.85
    return likeness if likeness >= 0.85 else 0.0


spelling_likeness = lru_cache(maxsize=1 << 18)(_spelling_likeness)


def one_letter_apart(left: str, right: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped, between two folded names."""
    return jellyfish.damerau_levenshtein_distance(left, right) == 1


# Below this Jaro-Winkler similarity two names are neither one slip apart (a slip in a name of five
# letters or more leaves at least 0.75) nor, in practice, sound-alikes: skip the costlier checks.
_HOPELESS = 0.7
