"""Who is this? Name normalisation and the match score, as pure functions.

The legal-form table and the transliteration are maintained libraries', not ours:
`fingerprints` (OpenSanctions) strips company types in every script it lists ("Corp.",
"Co., Ltd.", "GmbH", "株式会社"...) and transliterates with `normality` (ICU);
`rapidfuzz` compares what is left. docs/match.md says why these and how the score is built.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from fingerprints import clean_name_ascii, remove_types
from rapidfuzz import fuzz

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")
_EXCHANGE = re.compile(r"^[A-Z]+\s*:\s*")

# Boosts and penalties (see docs/match.md): evidence for moves the score towards 1 by this share
# of the distance left, evidence against multiplies it.
IDENTIFIER_FOR, IDENTIFIER_AGAINST = 0.8, 0.7
COUNTRY_FOR, COUNTRY_AGAINST = 0.2, 0.8
# "Colossus 1" and "Colossus 2", "Phase 1" and "Phase 2": names a number apart are close as text
# but name different things, so differing numbers weigh against them.
NUMBERS_DIFFER = 0.75


def _script(ch: str) -> str:
    """The first word of a character's Unicode name (CJK, HIRAGANA, KATAKANA, LATIN...)."""
    if not ch.isalpha():
        return ""
    return unicodedata.name(ch, "").split(" ", 1)[0]


def _split_scripts(text: str) -> str:
    """Spaces where the script changes, so that "株式会社ソフトバンク" reads as two words and the
    legal form can be recognised as a word of its own."""
    out: list[str] = []
    previous = ""
    for ch in text:
        script = _script(ch)
        if previous and script and script != previous:
            out.append(" ")
        out.append(ch)
        previous = script or previous
    return "".join(out)


@lru_cache(maxsize=65_536)  # the same names come back in every match and report
def normalise(name: str) -> str:
    """A name in lower-case ASCII words, legal forms removed ("Hon Hai Precision Industry Co.,
    Ltd." → "hon hai precision industry"); a name that is nothing but a legal form keeps it."""
    spaced = name if name.isascii() else _split_scripts(unicodedata.normalize("NFKC", name))
    return remove_types(spaced) or clean_name_ascii(spaced) or ""


def words(name: str) -> list[str]:
    """The words of a name after normalisation, for the full-text candidates' query."""
    return _WORD.findall(normalise(name))


def similarity(left: str, right: str) -> float:
    """Similarity of two normalised names in [0, 1]; word order does not count."""
    if not left or not right:
        return 0.0
    value = max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right)) / 100.0
    numbers = _NUMBER.findall(left), _NUMBER.findall(right)  # in order: "Unit 3 4" is not "Unit 4 3"
    if all(numbers) and numbers[0] != numbers[1]:
        value *= NUMBERS_DIFFER
    return value


def ticker(value: str) -> str:
    """A ticker without its exchange ("NASDAQ: NVDA" → "NVDA")."""
    return _EXCHANGE.sub("", value.strip().upper()).strip()


@dataclass(frozen=True)
class Query:
    """What a caller knows about the thing it is looking for."""

    name: str
    aliases: Sequence[str] = ()
    country: str | None = None
    tickers: Sequence[str] = ()
    ids: Sequence[str] = ()


@dataclass(frozen=True)
class Candidate:
    """What the graph knows about an entity that might be it."""

    id: str
    name: str
    other_names: Sequence[str] = ()  # aliases and legal name
    country: str | None = None
    ticker: str | None = None


@dataclass(frozen=True)
class Features:
    """Why a candidate scored what it did; None where one side does not know."""

    name_similarity: float
    alias_hit: bool
    country_match: bool | None
    identifier_match: bool | None


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float
    features: Features


def _normalised(names: Iterable[str]) -> set[str]:
    return {n for n in (normalise(name) for name in names) if n}


def features(query: Query, candidate: Candidate) -> Features:
    """The four features of one query against one candidate."""
    asked = _normalised([query.name, *query.aliases])
    held = _normalised([candidate.name, *candidate.other_names])
    name_similarity = max((similarity(a, h) for a in asked for h in held), default=0.0)
    alias_hit = bool(_normalised(candidate.other_names) & asked) or bool(
        _normalised(query.aliases) & _normalised([candidate.name])
    )
    country_match = (
        None
        if not query.country or not candidate.country
        else query.country.upper() == candidate.country.upper()
    )
    identifier_match: bool | None = None
    if query.ids and candidate.id in query.ids:
        identifier_match = True
    elif query.tickers and candidate.ticker:
        identifier_match = ticker(candidate.ticker) in {ticker(t) for t in query.tickers}
    return Features(round(name_similarity, 4), alias_hit, country_match, identifier_match)


def score(found: Features) -> float:
    """The match score in [0, 1]: the name's (1 on an alias hit), moved by identifiers and
    country where both sides know them; what is unknown leaves it alone."""
    value = 1.0 if found.alias_hit else found.name_similarity
    if found.identifier_match is True:
        value += (1 - value) * IDENTIFIER_FOR
    elif found.identifier_match is False:
        value *= IDENTIFIER_AGAINST
    if found.country_match is True:
        value += (1 - value) * COUNTRY_FOR
    elif found.country_match is False:
        value *= COUNTRY_AGAINST
    return round(min(max(value, 0.0), 1.0), 4)


def rank(query: Query, candidates: Iterable[Candidate], first: int) -> list[Scored]:
    """The best `first` candidates, highest score first (ties by id, so answers are stable)."""
    scored = []
    for candidate in candidates:
        found = features(query, candidate)
        scored.append(Scored(candidate, score(found), found))
    scored.sort(key=lambda s: (-s.score, s.candidate.id))
    return scored[:first]


@dataclass(frozen=True)
class Pair:
    """Two entities that may be one: `left` has the smaller id; `right` carries the score."""

    left: Candidate
    right: Scored


COMMON_BLOCK = 50  # a word shared by more entities than this says nothing about duplicates


def _blocks(candidate: Candidate) -> set[str]:
    found = set()
    for name in [candidate.name, *candidate.other_names]:
        for word in words(name):
            found.add(word)
            found.add(f"{word[:4]}…")  # misspellings mostly keep the start
    return found


def duplicate_pairs(candidates: Sequence[Candidate], min_score: float, first: int) -> list[Pair]:
    """Pairs scoring at least `min_score`, best first. Only entities sharing a word or a word's
    first four letters are compared, so the work grows with the pairs, not the square."""
    blocks: dict[str, list[int]] = {}
    for index, candidate in enumerate(candidates):
        for block in _blocks(candidate):
            blocks.setdefault(block, []).append(index)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for members in blocks.values():
        if len(members) > COMMON_BLOCK:
            continue
        for position, a in enumerate(members):
            for b in members[position + 1 :]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                left, right = sorted((candidates[a], candidates[b]), key=lambda c: c.id)
                query = Query(
                    left.name, tuple(left.other_names), left.country, (left.ticker,) if left.ticker else ()
                )
                found = features(query, right)
                if (value := score(found)) >= min_score:
                    pairs.append(Pair(left, Scored(right, value, found)))
    pairs.sort(key=lambda p: (-p.right.score, p.left.id, p.right.candidate.id))
    return pairs[:first]
