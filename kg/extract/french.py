"""French names from the French half of a notice, paired with the English entities.

French unit names open with their head noun ("Section Résilience",
"Comité pour la résilience", "autorités militaires de l'OTAN"), so every
run of words that starts at a head noun is a candidate. A candidate is
paired with the English entity whose name it translates best, word by
word: same word, same first four letters ("politique"/"policy"), or a
pair from the organisational vocabulary ("soutien"/"support"). An acronym
in brackets after the candidate that equals the entity's settles it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract.acronyms import looks_like_acronym
from kg.extract.lexicon import (
    FR_HEADS,
    FR_LOWERCASE_HEADS,
    FR_NAME_CONNECTORS,
    VOCABULARY,
    content_words,
    fold,
    words_correspond,
)

MAX_NAME_TOKENS = 14
_STOP_TOKENS = frozenset({".", ";", ":", "!", "?", "«", "»", "\"", "–", "—"})
#: Words that end a French name when met: verbs and pronouns that follow a name.
_BREAK_WORDS = frozenset(
    {"qui", "que", "dont", "est", "sont", "a", "ont", "assure", "conduit", "traite", "pilote", "contribue",
     "selon", "afin", "lorsque", "avec", "ainsi", "ou", "par", "chargé", "chargée", "ce", "cet",
     "cette", "ces", "elle", "il", "elles", "ils", "son", "sa", "ses", "leur", "leurs", "à", "entre"}
)


@dataclass(frozen=True)
class Candidate:
    text: str  # as written, without a trailing bracketed acronym
    acronym: str | None  # "(DPP)" right after it
    words: tuple[str, ...]  # folded content words


_TOKEN = re.compile(r"\w[\w-]*(?:'|’)?|[^\w\s]")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


_FOLDED_HEADS = frozenset(fold(h) for h in FR_HEADS)
_FOLDED_LOWER_HEADS = frozenset(fold(h) for h in FR_LOWERCASE_HEADS)
#: Any folded head noun, in a text folded to ASCII (see :func:`_may_hold_head`).
_ANY_HEAD = re.compile("|".join(sorted(_FOLDED_HEADS, key=len, reverse=True)))


def _may_hold_head(text: str) -> bool:
    """Whether a word of ``text`` may fold to a head noun: many paragraphs hold none, and this
    costs less than reading them word by word.  The text is folded as :func:`fold` does, then
    stripped of what is not ASCII, which keeps every folded head noun it holds."""
    bare = unicodedata.normalize("NFKD", text).casefold().encode("ascii", "ignore").decode()
    return _ANY_HEAD.search(bare) is not None


def _is_head(token: str) -> bool:
    """A head noun opening a name: capitalised, or one of the heads that stay lower case."""
    word = fold(token)
    return word in _FOLDED_HEADS and (token[:1].isupper() or word in _FOLDED_LOWER_HEADS)


@lru_cache(maxsize=8192)
def candidates(text: str) -> tuple[Candidate, ...]:
    """Every run of words opening at a French head noun, at each length that ends on a word.

    Kept for the next notice that holds the same paragraph, as notices of one
    employer repeat many.
    """
    return tuple(_candidates(text))


def _candidates(text: str) -> list[Candidate]:
    if not _may_hold_head(text):
        return []
    tokens = _tokens(text)
    found: list[Candidate] = []
    for i in [i for i, (token, _, _) in enumerate(tokens) if fold(token.rstrip("'’")) in _FOLDED_HEADS]:
        token, start, _ = tokens[i]
        if _is_head(token.rstrip("'’")):
            found.extend(_runs_from(text, tokens, i, start))
    return found


def _runs_from(text: str, tokens: list[tuple[str, int, int]], i: int, start: int) -> list[Candidate]:
    runs: list[Candidate] = []
    open_brackets = 0
    for j in range(i, min(len(tokens), i + MAX_NAME_TOKENS)):
        token, _, end = tokens[j]
        if token in _STOP_TOKENS or (j > i and fold(token) in _BREAK_WORDS):
            break
        if token == "(":
            acronym = _bracketed_acronym(tokens, j)
            if acronym:
                runs.append(_candidate(text[start:tokens[j - 1][2]], acronym))
                break
            if j + 1 < len(tokens) and tokens[j + 1][0] in ("e", "es"):
                open_brackets += 1
                continue
            break
        if token == ")":
            if not open_brackets:
                break
            open_brackets -= 1
            runs.append(_candidate(text[start:end], None))
            continue
        if token == ",":
            if j + 1 < len(tokens) and tokens[j + 1][0][:1].islower() and not _is_connector(tokens[j + 1][0]):
                continue
            break
        if token[0].isalnum() and not _is_connector(token) and not open_brackets:
            runs.append(_candidate(text[start:end], None))
    return runs


def _is_connector(token: str) -> bool:
    word = fold(token)
    return word in FR_NAME_CONNECTORS or word.rstrip("'’") in ("l", "d", "qu")


def _bracketed_acronym(tokens: list[tuple[str, int, int]], j: int) -> str | None:
    if j + 2 < len(tokens) and tokens[j + 2][0] == ")" and looks_like_acronym(tokens[j + 1][0]):
        return tokens[j + 1][0]
    return None


def _candidate(text: str, acronym: str | None) -> Candidate:
    text = text.strip()
    return Candidate(text, acronym, tuple(w for w in content_words(text) if len(w) > 1))


def correspondence(english: list[str], french: tuple[str, ...]) -> tuple[int, int, int]:
    """(matched, English words left over, French words left over), pairing each word once."""
    left = list(english)
    matched = 0
    unmatched_fr = 0
    for word in french:
        for position, english_word in enumerate(left):
            if words_correspond(english_word, word):
                del left[position]
                matched += 1
                break
        else:
            unmatched_fr += 1
    return matched, len(left), unmatched_fr


def score(english_words: list[str], candidate: Candidate) -> float:
    """How well a French candidate translates an English name; below zero means not at all."""
    matched, left_en, left_fr = correspondence(english_words, candidate.words)
    if not matched or matched < 0.6 * len(english_words) or matched < 0.5 * len(candidate.words):
        return -1.0
    return matched - (left_en + left_fr)


def english_word_lists(names: list[str], expansions: dict[str, str]) -> list[list[str]]:
    """Content words of each English name, and again with any acronym in it spelled out."""
    lists = []
    for name in names:
        words = content_words(name)
        lists.append(words)
        spelled = [w for raw in name.split() for w in content_words(expansions.get(raw, raw))]
        if spelled != words:
            lists.append(spelled)
    return lists


@dataclass
class CandidatePool:
    """The French candidates of a notice, indexed by their words, their first three letters and their acronym,
    so that an English name is scored only against the candidates that share a word with it."""

    candidates: list[Candidate]
    by_word: dict[str, list[int]] = field(default_factory=dict)
    by_prefix: dict[str, list[int]] = field(default_factory=dict)
    by_acronym: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, candidate in enumerate(self.candidates):
            for word in set(candidate.words):
                self.by_word.setdefault(word, []).append(index)
                if len(word) >= 3:
                    self.by_prefix.setdefault(word[:3], []).append(index)
            if candidate.acronym:
                self.by_acronym.setdefault(candidate.acronym, []).append(index)

    def sharing(self, word_lists: list[list[str]], acronyms: list[str]) -> list[Candidate]:
        """In pool order, the candidates that may translate a word of the lists (see ``words_correspond``:
        the same word, a vocabulary pair, or a cognate with the same first three letters) or carry an acronym."""
        english = {word for words in word_lists for word in words}
        found: set[int] = set()
        for word in english:
            for french_word in (word, *VOCABULARY.get(word, ())):
                found.update(self.by_word.get(french_word, ()))
            if word not in VOCABULARY and len(word) >= 3:
                found.update(self.by_prefix.get(word[:3], ()))
        for acronym in acronyms:
            found.update(self.by_acronym.get(acronym, ()))
        return [self.candidates[index] for index in sorted(found)]


def _best_score(word_lists: list[list[str]], candidate: Candidate) -> float:
    return max((score(words, candidate) for words in word_lists), default=-1.0)


def _scorable(word_lists: list[list[str]]) -> Callable[[tuple[str, ...]], bool]:
    """A quick test that a candidate's words may score above zero against one of the word lists.

    At most as many words pair as the candidate has words that translate some
    English word (see ``words_correspond``) and as the list has words; a
    candidate that cannot reach a positive :func:`score` with that many is
    not scored (only positive scores are kept, an acronym's bonus aside).
    """
    english = {word for words in word_lists for word in words}
    exact = set(english).union(*(VOCABULARY.get(word, ()) for word in english))
    prefixes = {word[:3] for word in english if word not in VOCABULARY and len(word) >= 3}
    sizes = {len(words) for words in word_lists}

    def may_score(words: tuple[str, ...]) -> bool:
        pairable = sum(1 for word in words if word in exact or (len(word) >= 3 and word[:3] in prefixes))
        return any(_may_be_positive(min(pairable, size), size, len(words)) for size in sizes)

    return may_score


def _may_be_positive(matched: int, english: int, french: int) -> bool:
    """Whether :func:`score` is above zero with this many words paired (it grows with them)."""
    return bool(matched) and matched >= 0.6 * english and matched >= 0.5 * french and 3 * matched > english + french


def best_french_names(
    english_names: list[str], acronyms: list[str], pool: Sequence[Candidate] | CandidatePool, expansions: dict[str, str]
) -> list[tuple[float, Candidate]]:
    """The French candidates that best name the entity, with their score, best first."""
    scored: list[tuple[float, Candidate]] = []
    word_lists = english_word_lists(english_names, expansions)
    if not isinstance(pool, CandidatePool):
        pool = CandidatePool(list(pool))
    values: dict[tuple[str, ...], float] = {}  # a name often comes back in several paragraphs
    may_score = _scorable(word_lists)
    for candidate in pool.sharing(word_lists, acronyms):
        value = values.get(candidate.words)
        if value is None:
            value = values[candidate.words] = _best_score(word_lists, candidate) if may_score(candidate.words) else -1.0
        if candidate.acronym and candidate.acronym in acronyms:
            value = max(value, 0.0) + 3.0
        if value > 0:
            scored.append((value, candidate))
    if not scored:
        return []
    top = max(v for v, _ in scored)
    seen: set[str] = set()
    best = []
    for value, candidate in scored:
        if value == top and candidate.text not in seen:
            seen.add(candidate.text)
            best.append((value, candidate))
    return best
