"""Which pairs of a population are worth comparing: blocking on a few simple keys.

Comparing all pairs of 600,000 students is 180 billion comparisons. Instead every person gets a
few *blocking keys* and only people who share a key are compared. Each kind of key catches one
kind of mistake while the rest of the record still agrees:

=====================  ======================================================  =========================
key                    made of                                                  finds the pair when
=====================  ======================================================  =========================
``date``               birth date + a given name's sound (or the first name's   the first name is another
                       initial) + a surname part's sound, in either order       given name or mistyped,
                                                                                or first and last name
                                                                                are swapped
``date and first``     birth date + the first name's sound                      the surname changed
``date and surname``   birth date + sex + a surname part's sound, or its first  the first name is another
                       :data:`HEAD` letters as written; or a surname part or    name (not a nickname, not
                       the first name as written, the one meeting the other     a typo), even with the
                                                                                surname mistyped after
                                                                                its first letters
                                                                                (Broaby for Broadby); or
                                                                                one name moved to the
                                                                                other field and the other
                                                                                replaced (Seth Wittchen,
                                                                                Wittchen Ewan)
``date and initials``  birth date + sex + the initials of first name and        both names are mistyped
                       surname, in either order                                 after their first letter
``date and one name``  birth date + the sound or initial of the one name there   one side has no first
                       is (one side lacks a first name or a surname)            name or no surname
``day typo``           birth year and month + first and last name sounds (in    the day is mistyped
                       either order, as in the three rows below)
``month typo``         birth year and day + first and last name sounds          the month is mistyped
``day/month swap``     birth year, {month, day} + first and last name sounds    day and month are swapped
``year typo``          birth month and day + first and last name sounds         the year is mistyped
``names``              first and last name sounds, in either order, or as in    a birth date is missing
                       ``date`` (one side lacks a date)
``date and place``     birth date + sex + birth city (its spaces left out), in  both names are another
                       a block of at most :data:`SMALL_BLOCK`                   name or mistyped
``place``              birth city + any one name sound (one side lacks a date   little else is known
                       or a name)
``rare value``         one name sound, the birth date, the birth city or its     every other field is
                       sound alone, in a block of at most :data:`MAX_BLOCK` and  mistyped or missing but
                       :data:`RARE_SHARE` of the people (a block larger is not   one value, shared by few
                       compared at all)
=====================  ======================================================  =========================

A name sound is the Soundex code of a word. For the first name it is also the sound of the formal
names it may be a nickname of ("Bill" also sounds as "William"); a given name is any word of the
first or middle name; a compound surname has a sound for each part. The sex in a key is F or M; a
person with neither (missing, X) gets the key under both. Twins of one sex (same birth date and
surname, other given names) meet under ``date and surname`` (and ``date and place`` when few
children of their sex were born that day in their town), unless their first names begin with the
same letter: such a block is one family's children of one sex born on one day, so twins add a
pair, triplets three, and the sex halves the block of a day's children of a common surname; a
brother and a sister born the same day are not compared. The kinds marked "one side lacks" only
pair a person who lacks the field with everyone in the block.

A value few people share is evidence enough to compare them all (``rare value``): a name sound
in a town's archive, a birth date at the edge of a district's grades, a small town. Few means at
most :data:`MAX_BLOCK` people and at most :data:`RARE_SHARE` of the population, and the kind's
blocks are taken smallest first up to :data:`RARE_PAIRS` pairs in all. In a district
almost every name sound, birth date and birth city is shared by more than :data:`MAX_BLOCK`
students, so the kind adds few pairs there (798 in the 600,000-student bench district); in a
smaller or more varied population it finds the pairs whose every other field was changed.

A block larger than :data:`MAX_BLOCK` (every "Jose Garcia" born in one year) is not dropped: its
members are sorted by name and each is compared with its next :data:`WINDOW` neighbours only,
so the work grows with the population, not with its square.
"""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, groupby, islice
from operator import attrgetter
from typing import NamedTuple

from domain.matching import PreparedFacts
from domain.matching import NameForm
from domain.matching import nickname_roots, phonetic_code, significant_words

__all__ = [
    "BlockingCodes", "DAY_SHARES", "KEY_KINDS", "MAX_BLOCK", "RARE_PAIRS", "RARE_SHARE", "SMALL_BLOCK", "WINDOW", "blocking_codes", "blocking_keys", "candidate_pairs",
    "BlockingInput", "blocking_inputs", "codes_of", "fresh_pairs", "forget_name_codes", "name_ranks", "population_codes",
]


SMALL_BLOCK = 6
"""A block of a kind of key that says little about a person (a day and a town) is compared only
up to this size, a larger one not at all: its members sorted by name would be neighbours by chance."""

MAX_BLOCK = 40
"""A block up to this size is compared all pairs against all; a larger one only within :data:`WINDOW`."""

WINDOW = 12
"""In a block larger than :data:`MAX_BLOCK`, how many sorted neighbours each member is compared with."""

RARE_SHARE = 0.01
"""A value is rare (the ``rare value`` key) when at most this share of the people searched hold it
(and at most :data:`MAX_BLOCK`): two people sharing it is then worth comparing for it alone. A
name held by one child in twenty is not; in a population of a few hundred nothing held by more
than two or three children is."""

RARE_PAIRS = 250_000
"""The most pairs the ``rare value`` key puts together, its smallest blocks (the rarest values)
first: about 5 s of comparing on the bench machine (20 µs a pair), a twelfth of the minute a
district's check may take. A district of 200,000 students has about 35 children born on each day,
a rare value by count and share, and comparing all of them would be 3 million pairs more."""

HEAD = 3
"""How many first letters of a surname part the ``date and surname`` key also keeps as written."""

_SEXES = ("F", "M")
_SOUND_BITS = 15  # a name sound as a number below 2**15; two of them make a 30-bit name key
_SOUNDS: dict[str, int] = {}


def _sound(word: str) -> int:
    """A number for the Soundex code of ``word`` (0 for a word without letters)."""
    code = phonetic_code(word)
    return _sound_number(code) if code else 0


def _sound_number(code: str) -> int:
    number = _SOUNDS.get(code)
    if number is None:
        number = _SOUNDS[code] = len(_SOUNDS) + 1
        if number >= 1 << _SOUND_BITS:
            raise OverflowError("more distinct name sounds than a blocking key can hold")
    return number


_WORD_TAG = 1 << 40  # a word's number, distinct from every sound's (below 2**30): see _word_number
_WORDS: dict[str, int] = {}


def _word_number(text: str) -> int:
    """A number for a text kept as written (a surname's beginning, a name, a town), distinct from every sound's."""
    number = _WORDS.get(text)
    if number is None:
        number = _WORDS[text] = _WORD_TAG | len(_WORDS)
    return number


def _initial(word: str) -> int:
    """A number for the first letter of ``word``, distinct from every sound's number."""
    return _sound_number(f"#{word[:1]}")


def _given_sounds_uncached(first_word: str) -> tuple[int, tuple[int, ...]]:
    """The sound of a first name, and its sounds with those of the formal names it may stand for."""
    own = _sound(first_word)
    rooted = dict.fromkeys((own, *(_sound(root.split(" ", 1)[0]) for root in nickname_roots(first_word))))
    rooted.pop(0, None)
    return own, tuple(rooted)


# Cached by wrapping rather than decorating: mutation testing (``make mutate``) mutates plain functions only.
_given_sounds = lru_cache(maxsize=1 << 16)(_given_sounds_uncached)


def _surname_sounds_uncached(last: str) -> tuple[int, ...]:
    """The sounds of the (up to three) significant parts of a surname."""
    sounds = dict.fromkeys(_sound(part) for part in significant_words(last)[:3])
    sounds.pop(0, None)
    return tuple(sounds)


_surname_sounds = lru_cache(maxsize=1 << 16)(_surname_sounds_uncached)


def _surname_heads_uncached(last: str) -> tuple[int, ...]:
    """The first :data:`HEAD` letters of the (up to three) significant parts of a surname, for a
    surname mistyped after them (Broaby for Broadby) that no longer sounds the same."""
    heads = dict.fromkeys(
        _word_number(head)
        for head in ("".join(char for char in part if char.isalpha())[:HEAD] for part in significant_words(last)[:3])
        if head
    )
    return tuple(heads)


_surname_heads = lru_cache(maxsize=1 << 16)(_surname_heads_uncached)


# The name codes of a person (of each of their name forms), by their place in BlockingCodes.packed
# (the key functions slice it themselves: a property call per key was about a tenth of the
# blocking's time):
_SOUNDS_AT = 0  # the first name's and surname's own sounds (no nickname roots), for the place key
# lower << 15 | higher of a first sound and a surname part's sound, for every first sound (nickname
# roots too) and surname part: in either order, so swapped names meet too
_NAME_PAIRS_AT = 1
# lower << 15 | higher of a given-word sound (first or middle) and a surname part's sound, and the
# first name's initial << 15 | a surname part's sound (a typo after the first letter)
_WORD_PAIRS_AT = 2
_FIRST_SOUNDS_AT = 3  # the first word of the first name
_SURNAME_SOUNDS_AT = 4  # each significant surname part's sound
_HEADS_AT = 5  # each significant surname part's first HEAD letters
# "=" and the first name's first word, and "=" and each significant surname part, as written: a
# name moved to the other field (the other one replaced) meets its place of old
_WRITTEN_AT = 6
_INITIALS_AT = 7  # lower << 15 | higher of the first name's and the surname's initials
# the first name's sound and initial and the surname parts' sounds, each alone: keys a record
# without first name or surname shares with complete ones
_LONE_AT = 8
_NAME_CODE_FIELDS = 9


def _field(packed: array[int], field: int) -> array[int]:
    """One name code of a packed form (see :class:`BlockingCodes`)."""
    return packed[packed[field] : packed[field + 1]]


def _packed(fields: Sequence[Iterable[int]]) -> array[int]:
    """Name codes packed in one array: where each field starts (and where the last ends), then the values."""
    packed = array("q", bytes(8 * (_NAME_CODE_FIELDS + 1)))
    for field, values in enumerate(fields):
        packed[field] = len(packed)
        packed.extend(values)
    packed[_NAME_CODE_FIELDS] = len(packed)
    return packed


class BlockingCodes(NamedTuple):
    """What one person's keys are made of: name sounds (as numbers), birth date, city, sort order.

    A NamedTuple, not a dataclass: 600,000 of them are built per search and tuples build fastest.
    The name codes (see ``_SOUNDS_AT`` and the rest, read with :meth:`code`) are packed in one
    array of machine integers per name form, shared by everyone with that name form: as tuples of
    Python integers they were a third of a district-wide search's memory.
    """

    packed: array[int]  # the name codes: see _packed
    lacks_a_name: bool  # no first name or no surname
    sexes: tuple[str, ...]  # ("F",) or ("M",); both when the gender is missing or neither
    date: dt.date | None
    city: str
    order: int  # the person's rank in name order (name_ranks)

    def code(self, field: int) -> array[int]:
        """One of the name codes (``_SOUNDS_AT`` to ``_LONE_AT``), each value once."""
        return _field(self.packed, field)

    @property
    def lacks_date(self) -> bool:
        """No birth date: only the names and place keys can find this person's duplicates."""
        return self.date is None

    @property
    def lacks_date_or_name(self) -> bool:
        """No birth date, first name or surname: the place key may be all there is."""
        return self.date is None or self.lacks_a_name


def _word_sounds_uncached(first: str, middle: str) -> tuple[int, ...]:
    """The sounds of every given word, first and middle."""
    sounds = dict.fromkeys(_sound(word) for word in (*first.split(), *middle.split()))
    sounds.pop(0, None)
    return tuple(sounds)


_word_sounds = lru_cache(maxsize=1 << 16)(_word_sounds_uncached)


def _name_codes_uncached(name: NameForm) -> array[int]:
    """The codes of one name form, packed (see :class:`BlockingCodes`), each field without repeats."""
    own: list[int] = []
    firsts: list[int] = []
    words: list[int] = []
    lone: list[int] = []
    initials: list[int] = []
    first = name.first.split(" ", 1)[0]
    given: tuple[int, ...] = ()
    surname = _surname_sounds(name.last)
    if first:
        sound, given = _given_sounds(first)
        own.append(sound)
        firsts.append(sound)
        initial = _initial(first)
        words.extend(initial << _SOUND_BITS | last for last in surname)
        lone += (sound, initial)
        if name.last:
            other = _initial(name.last)
            initials.append(min(initial, other) << _SOUND_BITS | max(initial, other))
    own.extend(surname)
    lone.extend(surname)
    words.extend(
        min(word, last) << _SOUND_BITS | max(word, last) for word in _word_sounds(name.first, name.middle) for last in surname
    )
    # A key twice would put a person in one block twice, and pair them with themselves.
    return _packed((
        tuple(sound for sound in dict.fromkeys(own) if sound),
        tuple(dict.fromkeys(min(first, last) << _SOUND_BITS | max(first, last) for first in given for last in surname)),
        tuple(dict.fromkeys(words)),
        tuple(sound for sound in firsts if sound),
        surname,
        _surname_heads(name.last),
        tuple(dict.fromkeys(_word_number("=" + word) for word in (first, *significant_words(name.last)[:3]) if word)),
        tuple(initials),
        tuple(sound for sound in dict.fromkeys(lone) if sound),
    ))


# A district repeats its name forms: the codes of each are worked out once.
_name_codes = lru_cache(maxsize=1 << 17)(_name_codes_uncached)


BlockingInput = tuple[tuple[NameForm, ...], str, dt.date | None, str, int]
"""What a person's blocking codes are made of (:func:`codes_of`'s arguments): their name forms
(legal first), gender, birth date, birth city and rank in name order; plain values a second
process is sent."""


def blocking_inputs(people: Sequence[PreparedFacts]) -> Iterator[BlockingInput]:
    """What the codes of each of ``people`` are made of, in their order, each with its rank among
    them (:func:`name_ranks`)."""
    for person, rank in zip(people, name_ranks(people)):
        yield _made_of(person, rank)


def _made_of(person: PreparedFacts, rank: int) -> BlockingInput:
    return person.names, person.gender, person.facts.birth_date, person.place[0], rank


def name_ranks(people: Sequence[PreparedFacts]) -> list[int]:
    """Each person's place among ``people`` sorted by legal name form, people of one name in their
    order: a large block's members sorted by it are in name order (:func:`_block_pairs`)."""
    ranks = [0] * len(people)
    for rank, index in enumerate(sorted(range(len(people)), key=lambda index: people[index].names[0])):
        ranks[index] = rank
    return ranks


def forget_name_codes() -> None:
    """Let go of the name forms whose codes were worked out (the codes made keep theirs): a
    process holding the codes of a district needs them no longer."""
    _name_codes.cache_clear()


def population_codes(people: Sequence[PreparedFacts]) -> list[BlockingCodes]:
    """The blocking codes of every person of a population, their ranks in name order among them."""
    return [codes_of(*made_of) for made_of in blocking_inputs(people)]


def blocking_codes(person: PreparedFacts, rank: int = 0) -> BlockingCodes:
    """The name sounds, date, city and sort order the blocking keys of ``person`` are made of;
    ``rank``: their place in name order in a population (:func:`population_codes`)."""
    return codes_of(*_made_of(person, rank))


def codes_of(names: tuple[NameForm, ...], gender: str, birth_date: dt.date | None, city: str, rank: int) -> BlockingCodes:
    """The codes of a person made of these (a :data:`BlockingInput`)."""
    codes = _name_codes(names[0])
    for name in names[1:]:  # an alias: each code of either form, once
        its = _name_codes(name)
        codes = _packed(
            [dict.fromkeys(chain(_field(codes, field), _field(its, field))) for field in range(_NAME_CODE_FIELDS)]
        )
    return BlockingCodes(
        codes,
        not (names[0].first and names[0].last),
        (gender,) if gender in _SEXES else _SEXES,
        birth_date,
        sys.intern(city.replace(" ", "")),
        rank,
    )


def _date_keys(field: int) -> Callable[[BlockingCodes], list[Hashable]]:
    """Keys of the exact birth date with the sounds of one name code (its place in ``packed``)."""

    def keys(codes: BlockingCodes) -> list[Hashable]:
        date = codes.date
        if date is None:
            return []
        day = date.toordinal() << 2 * _SOUND_BITS
        packed = codes.packed
        return [day | pair for pair in packed[packed[field] : packed[field + 1]]]

    return keys


def _typo_keys(part: Callable[[dt.date], int]) -> Callable[[BlockingCodes], list[Hashable]]:
    """Keys of first and last name sounds with the part of the birth date a typo leaves intact."""

    def keys(codes: BlockingCodes) -> list[Hashable]:
        date = codes.date
        if date is None:
            return []
        prefix = part(date) << 2 * _SOUND_BITS
        packed = codes.packed
        return [prefix | pair for pair in packed[packed[_NAME_PAIRS_AT] : packed[_NAME_PAIRS_AT + 1]]]

    return keys


def _names_keys(codes: BlockingCodes) -> list[Hashable]:
    return list(dict.fromkeys(chain(codes.code(_NAME_PAIRS_AT), codes.code(_WORD_PAIRS_AT))))


def _date_sex_keys(values: Callable[[BlockingCodes], Iterable[int]]) -> Callable[[BlockingCodes], list[Hashable]]:
    """Keys of the exact birth date and sex with each of the ``values`` of a person (numbers below 2**41):
    one number each, not a tuple, as a district has millions of them."""

    def keys(codes: BlockingCodes) -> list[Hashable]:
        date = codes.date
        if date is None:
            return []
        day = date.toordinal() << 42
        return [day | (sex == "M") << 41 | value for sex in codes.sexes for value in values(codes)]

    return keys


def _date_sex_field_keys(field: int) -> Callable[[BlockingCodes], list[Hashable]]:
    """:func:`_date_sex_keys` of one name code (its place in ``packed``)."""

    def keys(codes: BlockingCodes) -> list[Hashable]:
        date = codes.date
        if date is None:
            return []
        day = date.toordinal() << 42
        packed = codes.packed
        values = packed[packed[field] : packed[field + 1]]
        return [day | (sex == "M") << 41 | value for sex in codes.sexes for value in values]

    return keys


def _place_keys(codes: BlockingCodes) -> list[Hashable]:
    if not codes.city:
        return []
    return [(codes.city, sound) for sound in codes.code(_SOUNDS_AT)]


_Keys = Callable[[BlockingCodes], list[Hashable]]


def _rare_sound_keys(codes: BlockingCodes) -> list[Hashable]:
    return list(codes.code(_SOUNDS_AT))  # numbers below 2**15


def _rare_date_keys(codes: BlockingCodes) -> list[Hashable]:
    return [] if codes.date is None else [codes.date.toordinal() << 16]  # from 2**16, below 2**40


def _rare_city_keys(codes: BlockingCodes) -> list[Hashable]:
    return [_word_number(codes.city)] if codes.city else []  # from 2**40 (_WORD_TAG)


def _rare_city_sound_keys(codes: BlockingCodes) -> list[Hashable]:
    return [_city_sound(codes.city)] if codes.city else []


def _city_sound_uncached(city: str) -> int:
    """A number for the sound of a birth city (its spaces left out; a town mistyped sounds the same),
    distinct from every name sound's and every town's as written."""
    return _word_number("@" + phonetic_code(city))


_city_sound = lru_cache(maxsize=1 << 12)(_city_sound_uncached)


_RARE_PARTS = (_rare_sound_keys, _rare_date_keys, _rare_city_keys, _rare_city_sound_keys)

DAY_SHARES = 8
"""Into how many shares of birth days the kinds of key with the most keys are blocked: keys of
different days (or of different parts of a day a typo leaves intact) are never one key, so each
share is blocked on its own (see ``_KeyKind.day``)."""


@dataclass(frozen=True, slots=True)
class _KeyKind:
    name: str
    keys: _Keys
    needs: Callable[[BlockingCodes], bool] | None = None  # only pairs with such a member count
    largest: int | None = None  # a larger block of this kind is not compared at all
    # ... nor one of more than this share of the people searched (at least 2: a pair), when set
    largest_share: float | None = None
    # When set, the kind's blocks (of every part) are compared smallest first, only while their
    # pairs come to at most this many.
    budget: int | None = None
    # The kind's keys in parts that never share a key (so never a block), blocked one after the
    # other: only one part's blocks are in memory at a time. By default the kind is one part.
    parts: tuple[_Keys, ...] = ()
    # The number each key holds of the birth date, when the kind is blocked in DAY_SHARES shares
    # of it (each part in each share, one at a time); only people with a birth date have keys.
    day: Callable[[dt.date], int] | None = None

    def most(self, people: int) -> int | None:
        """The largest block of this kind compared in a population of ``people`` (``None``: any)."""
        if self.largest_share is None:
            return self.largest
        most = max(2, int(people * self.largest_share))
        return most if self.largest is None else min(self.largest, most)

    @property
    def key_parts(self) -> tuple[_Keys, ...]:
        """The kind's keys, part by part (see ``parts``)."""
        return self.parts or (self.keys,)


def _parted(*parts: _Keys) -> _Keys:
    """The keys of every part, together."""
    return lambda codes: [key for part in parts for key in part(codes)]


def _typo_kind(name: str, day: Callable[[dt.date], int]) -> _KeyKind:
    """A kind of key of first and last name sounds with the part ``day`` of the birth date a typo leaves intact."""
    return _KeyKind(name, _typo_keys(day), day=day)


_SURNAME_PARTS = (
    _date_sex_field_keys(_SURNAME_SOUNDS_AT),
    _date_sex_field_keys(_HEADS_AT),
    _date_sex_field_keys(_WRITTEN_AT),
)

KEY_KINDS: tuple[str, ...] = (
    "date",
    "date and first",
    "date and surname",
    "date and initials",
    "date and one name",
    "day typo",
    "month typo",
    "day/month swap",
    "year typo",
    "names",
    "date and place",
    "place",
    "rare value",
)
"""The kinds of blocking key, in the order their blocks are searched."""

_KINDS = (
    # The kinds whose keys hold the birth date (or the part of it a typo kind keeps) are blocked in
    # shares of birth days, one share's blocks in memory at a time (not "date and one name": only
    # a few blocks of it are kept, those of people who lack a name); "date and surname" also
    # in parts: its surname's sounds (numbers below 2**15), first letters and names as written
    # (numbered texts tagged with _WORD_TAG; the names as written begin with "="; see _word_number).
    _KeyKind("date", _date_keys(_WORD_PAIRS_AT), day=dt.date.toordinal),
    _KeyKind("date and first", _date_keys(_FIRST_SOUNDS_AT), day=dt.date.toordinal),
    _KeyKind("date and surname", _parted(*_SURNAME_PARTS), parts=_SURNAME_PARTS, day=dt.date.toordinal),
    _KeyKind("date and initials", _date_sex_field_keys(_INITIALS_AT), day=dt.date.toordinal),
    _KeyKind("date and one name", _date_keys(_LONE_AT), attrgetter("lacks_a_name")),
    _typo_kind("day typo", lambda date: date.year << 4 | date.month),
    _typo_kind("month typo", lambda date: date.year << 5 | date.day),
    _typo_kind("day/month swap", lambda date: date.year << 10 | min(date.month, date.day) << 5 | max(date.month, date.day)),
    _typo_kind("year typo", lambda date: date.month << 5 | date.day),
    _KeyKind("names", _names_keys, attrgetter("lacks_date")),
    _KeyKind(
        "date and place", _date_sex_keys(lambda codes: (_word_number(codes.city),) if codes.city else ()), None, SMALL_BLOCK,
        day=dt.date.toordinal,
    ),
    _KeyKind("place", _place_keys, attrgetter("lacks_date_or_name")),
    # Its parts (a name sound, a birth date, a birth city, its sound) are blocked one after the
    # other (a key of one part is never one of another); a block larger than MAX_BLOCK is not compared at all.
    _KeyKind("rare value", _parted(*_RARE_PARTS), None, MAX_BLOCK, RARE_SHARE, RARE_PAIRS, parts=_RARE_PARTS),
)
assert tuple(kind.name for kind in _KINDS) == KEY_KINDS


def blocking_keys(person: PreparedFacts) -> frozenset[tuple[str, Hashable]]:
    """The blocking keys of a person, each tagged with its kind (see :data:`KEY_KINDS`)."""
    codes = blocking_codes(person)
    return frozenset((kind.name, key) for kind in _KINDS for key in kind.keys(codes))


def _blocks(
    kind: _KeyKind, codes: Sequence[BlockingCodes], keys_of: _Keys, share: Iterable[int] | None = None
) -> dict[Hashable, int | list[int]]:
    """Members of each block of one kind (of the keys ``keys_of`` gives: the kind's, or one part's;
    of the people at the positions ``share`` alone, when given), in ascending order; for a kind
    that needs it, only blocks with a needy member. A block of one member is its position alone:
    most blocks have one, and a list for each of a district's millions of keys was most of a
    search's memory."""
    blocks: dict[Hashable, int | list[int]] = {}
    needs = kind.needs
    wanted = None if needs is None else {key for person in codes if needs(person) for key in keys_of(person)}
    if wanted is not None and not wanted:  # nobody needs the kind (a district whose records are complete)
        return blocks
    people = enumerate(codes) if share is None else ((index, codes[index]) for index in share)
    for index, person in people:
        for key in keys_of(person):
            if wanted is not None and key not in wanted:
                continue
            members = blocks.get(key)
            if members is None:
                blocks[key] = index
            elif isinstance(members, int):
                blocks[key] = [members, index]
            else:
                members.append(index)
    return blocks


def _block_pairs(
    members: list[int], codes: Sequence[BlockingCodes], needs: Callable[[BlockingCodes], bool] | None, window: int
) -> list[int]:
    """Pairs (packed ``low << 32 | high``) to compare inside one block; members come in ascending order."""
    size = len(members)
    if size > window:
        members = sorted(members, key=lambda index: codes[index].order)
    pairs: list[int] = []
    for position in range(size - 1):
        left = members[position]
        others = members[position + 1 : position + 1 + window]
        needy = needs is None or needs(codes[left])
        for right in others:
            if needy or (needs is not None and needs(codes[right])):
                pairs.append(left << 32 | right if left < right else right << 32 | left)
    return pairs


def candidate_pairs(
    codes: Sequence[BlockingCodes], *, max_block: int = MAX_BLOCK, window: int = WINDOW
) -> Iterator[tuple[str, list[int]]]:
    """For each key kind in turn, its name and the pairs of positions in ``codes`` it puts in one block.

    Pairs come packed as ``low << 32 | high``; a pair may come more than once (from several
    keys). Kinds are searched one at a time, the largest in parts and shares of birth days, so
    only one kind's (or part's, or share's) blocks are in memory at once.
    """
    for kind in _KINDS:
        pairs: list[int] = []
        shares = [None] if kind.day is None else _day_shares(codes, kind.day)
        largest = kind.most(len(codes))
        blocks = (
            members
            for keys_of in kind.key_parts
            for share in shares
            for members in _blocks(kind, codes, keys_of, share).values()
            if isinstance(members, list) and (largest is None or len(members) <= largest)  # 2 or more
        )
        for members in blocks if kind.budget is None else _smallest_within(list(blocks), kind.budget):
            pairs.extend(_block_pairs(members, codes, kind.needs, window if len(members) > max_block else max_block))
        yield kind.name, pairs


def _smallest_within(blocks: list[list[int]], budget: int) -> list[list[int]]:
    """The smallest of ``blocks`` (ties in the order of their members) while their pairs come to at most ``budget``."""
    blocks.sort(key=lambda members: (len(members), members))
    chosen: list[list[int]] = []
    for members in blocks:
        budget -= len(members) * (len(members) - 1) // 2
        if budget < 0:
            break
        chosen.append(members)
    return chosen


def fresh_pairs(codes: Sequence[BlockingCodes]) -> Iterator[array[int]]:
    """For each key kind in turn (:data:`KEY_KINDS`), the pairs of :func:`candidate_pairs` no
    earlier kind put together, each once, in ascending order: every pair to compare, once."""
    seen = _PairSet()
    for _, pairs in candidate_pairs(codes):
        # Each pair once, in place: no set of a kind's million pairs beside the list; the list
        # emptied before the next kind's blocks.
        pairs.sort()
        fresh = seen.added(packed for packed, _ in groupby(pairs))
        pairs.clear()
        yield fresh


class _PairSet:
    """The packed pairs found so far, in an open-addressing table of machine integers (0: a free
    slot; no pair packs to 0): 8 bytes a slot at most half full, where a set of Python integers
    took about 70 bytes a pair (600,000 students: 1.8 million pairs in 34 MB rather than about 126 MB)."""

    _SLICE = 1 << 16  # how many pairs are added between two checks that the table has room

    def __init__(self) -> None:
        self._table = array("q", bytes(8 * self._SLICE * 2))
        self._count = 0

    def added(self, pairs: Iterable[int]) -> array[int]:
        """Those of ``pairs`` (distinct) not held yet, in their order; they are held from now on."""
        fresh = array("q")
        given = iter(pairs)
        while part := list(islice(given, self._SLICE)):
            while 2 * (self._count + len(part)) > len(self._table):
                self._grow()
            before = len(fresh)
            self._insert(part, fresh)
            self._count += len(fresh) - before
        return fresh

    def _insert(self, pairs: Iterable[int], fresh: array[int]) -> None:
        table = self._table
        mask = len(table) - 1
        keep = fresh.append
        for packed in pairs:
            slot = (packed * _SPREAD >> 24) & mask  # the pair's bits spread over the slots
            while True:
                held = table[slot]
                if held == packed:
                    break
                if held == 0:
                    table[slot] = packed
                    keep(packed)
                    break
                slot = (slot + 1) & mask

    def _grow(self) -> None:
        held = self._table
        self._table = array("q", bytes(16 * len(held)))
        self._insert(filter(None, held), array("q"))


_SPREAD = 0x9E3779B97F4A7C15  # 2**64 divided by the golden ratio: Knuth's multiplicative hashing


def _day_shares(codes: Sequence[BlockingCodes], day: Callable[[dt.date], int]) -> list[array[int]]:
    """The positions of the people with a birth date, by the share of their ``day`` (in ascending order)."""
    shares = [array("i") for _ in range(DAY_SHARES)]
    for index, person in enumerate(codes):
        if person.date is not None:
            shares[day(person.date) % DAY_SHARES].append(index)
    return shares
