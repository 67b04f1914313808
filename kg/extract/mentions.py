"""Finding the organisational names in an English sentence, token by token.

A name is found from its head noun ("Section", "Committee", "Staff"...),
then grown to the left over capitalised words, joining words ("and", ",")
and an embedded acronym ("Defence Policy and Planning (DPP) Division"),
and to the right for the heads that take a complement ("Office of Legal
Affairs"). The functions here are pure: they read the tokens of a spaCy
``Doc`` as plain values (:class:`Tokens`) and return :class:`OrgMention`
values; the pipeline component in ``components.py`` only wires them into
the ``Doc``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import overload

from spacy.attrs import IDX, ORTH, SPACY
from spacy.lang.lex_attrs import is_punct
from spacy.tokens import Doc

from kg.extract.acronyms import looks_like_acronym, matches_long_form, strip_plural
from kg.extract.lexicon import (
    EN_GENERIC_PLURALS,
    EN_HEAD_FIRST,
    EN_HEADS,
    GENERIC_MODIFIERS,
    IMPERATIVE_VERBS,
    ROLE_WORDS,
    UNIT_ADJECTIVES,
    fold,
)

#: Leading words that make the whole phrase generic whatever follows ("national authorities").
STRONG_GENERIC = GENERIC_MODIFIERS - {"allied", "partner", "senior"}

DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "their", "our", "his", "her", "these", "those"})

#: Lower-case words that may follow a name used as a noun ("the Section contributes",
#: "the Division in", "the Committee which"). Any other lower-case word right after
#: the head shows the name used as a modifier ("Council guidance", "Office suite").
FOLLOWERS = frozenset(
    "and or of in on at to for with by from as that which who whose is are was were has have had will "
    "would can could may might must should shall through within across under over into between among "
    "about during including such the a an its their also both where while when regarding concerning via "
    "per not nor but than then so if itself".split()
)


class Tok:
    """One token as plain data, with the lexical tests of spaCy's ``Token`` (the same functions of its text)."""

    __slots__ = ("text", "whitespace_", "lower_", "idx", "role")

    def __init__(self, text: str, whitespace_: str, idx: int, role: bool | None) -> None:
        self.text = text
        self.whitespace_ = whitespace_
        self.lower_ = text.lower()
        self.idx = idx  # offset of the first character in the Doc's text
        self.role = role  # inside a ROLE entity; None when the Doc has no entity annotation

    @property
    def text_with_ws(self) -> str:
        return self.text + self.whitespace_

    @property
    def is_title(self) -> bool:
        return self.text.istitle()

    @property
    def is_upper(self) -> bool:
        return self.text.isupper()

    @property
    def is_lower(self) -> bool:
        return self.text.islower()

    @property
    def is_alpha(self) -> bool:
        return self.text.isalpha()

    @property
    def is_punct(self) -> bool:
        return is_punct(self.text)


class Tokens(Sequence[Tok]):
    """The tokens of a Doc as parallel lists of plain values, read once.

    Indexing a Doc makes a new ``Token`` object each time, and the rules look
    at each token many times; scans over every token read the lists, the
    rules near a head noun read :class:`Tok` values made on demand.
    """

    __slots__ = ("texts", "spaces", "offsets", "roles")

    def __init__(self, texts: list[str], spaces: list[str], offsets: list[int], roles: frozenset[int] | None) -> None:
        self.texts = texts
        self.spaces = spaces
        self.offsets = offsets  # of each token's first character in the Doc's text
        self.roles = roles  # the tokens inside ROLE entities; None when the Doc has no entity annotation

    @classmethod
    def of(cls, doc: Doc) -> Tokens:
        """The Doc's tokens, with the ROLE entities the pipeline marked."""
        orths, spaces, offsets = doc.to_array([ORTH, SPACY, IDX]).T.tolist() if len(doc) else ([], [], [])
        strings = doc.vocab.strings
        roles = None
        if doc.has_annotation("ENT_IOB"):
            roles = frozenset(i for ent in doc.ents if ent.label_ == "ROLE" for i in range(ent.start, ent.end))
        return cls([strings[orth] for orth in orths], [" " if space else "" for space in spaces], offsets, roles)

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, index: int) -> Tok: ...

    @overload
    def __getitem__(self, index: slice) -> list[Tok]: ...

    def __getitem__(self, index: int | slice) -> Tok | list[Tok]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.texts)))]
        text = self.texts[index]  # IndexError past the end, as for a list
        index = index + len(self.texts) if index < 0 else index
        role = None if self.roles is None else index in self.roles
        return Tok(text, self.spaces[index], self.offsets[index], role)

    def span_text(self, start: int, end: int) -> str:
        """The words of tokens [start, end) as written, as spaCy's ``Span.text`` gives them."""
        if end <= start:
            return ""
        words = [text + space for text, space in zip(self.texts[start:end - 1], self.spaces[start:end - 1])]
        return "".join(words) + self.texts[end - 1]


@dataclass(frozen=True)
class OrgMention:
    """A name found in a Doc, with token offsets [start, end)."""

    start: int
    end: int
    name: str  # the name without determiners or parenthesised acronym
    type: str | None  # entity type, None for a bare acronym not yet known
    acronym: str | None = None
    owner: tuple[int, int] | None = None  # token span of "X's" in "X's Y"
    qualifier: str | None = None  # leading acronym naming the parent: "DPP" in "DPP Resilience Section"
    generic: bool = False  # names a class of bodies ("other divisions"), not one
    anaphor: bool = False  # "the Division", "the Section": refers back to a unit
    plural: bool = False


def is_capword(token: Tok) -> bool:
    return _is_capitalised(token.text)


def _is_capitalised(text: str) -> bool:
    """A capitalised word, as :func:`is_capword` says of a token with this text."""
    if not text or not text[0].isalpha():
        return False
    return text[0].isupper() and (text.istitle() or text.isupper() or any(c.isupper() for c in text[1:]) or len(text) > 1)


def _embedded_acronym(doc: Tokens, close: int) -> str | None:
    """The acronym in "( ACR )" whose ")" is at ``close``."""
    texts = doc.texts
    if close >= 2 and texts[close] == ")" and texts[close - 2] == "(" and looks_like_acronym(texts[close - 1]):
        return texts[close - 1]
    return None


def _following_acronym(doc: Tokens, after: int) -> str | None:
    texts = doc.texts
    if after + 2 < len(texts) and texts[after] == "(" and texts[after + 2] == ")" \
            and looks_like_acronym(texts[after + 1]):
        return texts[after + 1]
    return None


def _is_role_word(token: Tok) -> bool:
    """Whether a word names a role, not a unit: inside a role phrase the pipeline marked
    ("Head", "Executive Officer"), or, on a Doc without role marks, a role word.
    A role word outside any role phrase may open a name ("Executive Management Division")."""
    if token.role is not None:
        return token.role
    return fold(token.text) in ROLE_WORDS


def _is_role_at(doc: Tokens, index: int) -> bool:
    """:func:`_is_role_word` of the token at ``index``."""
    if doc.roles is not None:
        return index in doc.roles
    return fold(doc.texts[index]) in ROLE_WORDS


def _grow_left(doc: Tokens, head: int, floor: int) -> tuple[int, str | None, tuple[int, int] | None]:
    """Start token of the name ending at ``head``, its embedded acronym, and the owner span of "X's"."""
    texts = doc.texts
    start, acronym, j = head, None, head - 1
    while j >= floor:
        text = texts[j]
        embedded = _embedded_acronym(doc, j)
        if embedded and j - 3 >= floor and texts[j - 3] in ("'s", "’s"):
            return start, acronym, _owner_span(doc, j - 3, floor)
        if embedded and j - 3 >= floor and _is_capitalised(texts[j - 3]):
            acronym, j = embedded, j - 3
            continue
        if text in ("'s", "’s", "'", "’"):
            return start, acronym, _owner_span(doc, j, floor)
        if _is_capitalised(text) and not _is_role_at(doc, j) and fold(text) not in DETERMINERS \
                and not (_is_bare_acronym(text) and start < head and _is_bare_acronym(texts[start])):
            start, j = j, j - 1  # two acronyms in a row ("DPPC RC NPG Staff Group") are a list, not one name
            continue
        if _joins_name_words(doc, j, floor) and start == j + 1:
            start, j = j - 1, j - 2
            continue
        break
    return start, acronym, None


def _is_bare_acronym(text: str) -> bool:
    return text.isupper() and looks_like_acronym(text)


def _joins_name_words(doc: Tokens, j: int, floor: int) -> bool:
    """Whether token j joins two words of one name: "Innovation, Hybrid and Cyber", "Euro-Atlantic".

    A comma joins only title-case words: after an acronym ("the IS, IMS") it separates names.
    """
    token, left = doc[j], doc[j - 1] if j - 1 >= floor else None
    if left is None or not is_capword(left) or _is_role_word(left) or fold(left.text) in DETERMINERS:
        return False
    if left.lower_ in EN_HEADS and token.lower_ in ("and", "&", ","):
        return False  # "the Council and Defence Policy Planning Committee": a name ends at its head
    if token.text == ",":
        return left.is_title and doc[j + 1].is_title and _and_follows(doc, j + 1)
    return token.lower_ in ("and", "&", "-")


def _and_follows(doc: Tokens, start: int) -> bool:
    """Whether the capitalised run from ``start`` holds an "and": a comma joins the
    words of one name only in a list closed by "and" ("Innovation, Hybrid and Cyber"),
    not a role and a unit ("Senior Policy Adviser, Multilateral Organizations Section")."""
    for token in islice(doc, start, None):
        if token.lower_ in ("and", "&"):
            return True
        if not (is_capword(token) or token.text == ","):
            return False
    return False


def _owner_span(doc: Tokens, apostrophe: int, floor: int) -> tuple[int, int] | None:
    """The words before "'s": "the Civil Emergency Planning Committee's (CEPC)" -> its tokens."""
    end = apostrophe
    j = apostrophe - 1
    while j >= floor and (is_capword(doc[j]) or doc[j].lower_ in ("and", "&")):
        j -= 1
    start = j + 1
    if start < end and doc[end - 1].lower_ not in ("and", "&"):
        return start, end
    return None


def _grow_right(doc: Tokens, head: int, ceiling: int) -> int:
    """End (exclusive) of a head-first name: "Office of Legal Affairs", "Organisation for Security and Cooperation in Europe"."""
    preps = EN_HEAD_FIRST.get(doc[head].lower_)
    if not preps or head + 1 >= ceiling or doc[head + 1].lower_ not in preps:
        return head + 1
    j = head + 2
    if j < ceiling and doc[j].lower_ == "the":
        j += 1
    end = head + 1
    while j < ceiling:
        if is_capword(doc[j]):
            end = j = j + 1
            continue
        if doc[j].text == "-" and end == j and j + 1 < ceiling and doc[j + 1].is_alpha:
            end = j = j + 2  # "Co-operation"
            continue
        if doc[j].lower_ in ("and", "&", "in", "of", "-") and j + 1 < ceiling and is_capword(doc[j + 1]) \
                and not looks_like_acronym(doc[j + 1].text):  # "the Office of Security and NATO": another name
            j += 1
            continue
        break
    return end


def _is_attributive(doc: Tokens, after: int, ceiling: int) -> bool:
    """Whether the word after a name shows it used as a modifier: "Council guidance"."""
    if after >= ceiling:
        return False
    word = doc[after]
    if not word.is_alpha or not word.is_lower or word.lower_ in FOLLOWERS or word.lower_.endswith("ly"):
        return False
    lower = word.lower_
    if lower.endswith("ly") or (len(lower) > 4 and lower.endswith("ed") and not lower.endswith("eed")):
        return False  # an adverb or a verb: "the Committee weekly", "the Division approved"
    return not (lower.endswith("s") and not lower.endswith("ss"))


def _is_generic(words: list[str], previous: Tok | None) -> bool:
    folded = [fold(w) for w in words]
    if previous is not None and previous.is_lower and previous.lower_ in STRONG_GENERIC:
        return True
    if folded and folded[0] in STRONG_GENERIC:
        return True
    modifiers = folded[:-1]
    if modifiers == ["international"] and folded[-1] in ("organisation", "organization"):
        return True  # "experience in an International Organisation": a kind of body
    return all(w in GENERIC_MODIFIERS or w in UNIT_ADJECTIVES or w in ("and", ",", "&") for w in modifiers)


def _trim_start(doc: Tokens, start: int, head: int, sentence_start: int) -> int:
    texts = doc.texts
    while start < head and (fold(texts[start]) in DETERMINERS or texts[start] in (",", "-", "&")):
        start += 1
    if start < head and start == sentence_start and fold(texts[start]) in IMPERATIVE_VERBS:
        start += 1
    return start


def _name_text(doc: Tokens, start: int, end: int) -> str:
    """The words of [start, end) without a parenthesised acronym, spaced as written."""
    texts, spaces = doc.texts, doc.spaces
    parts: list[str] = []
    j = start
    while j < end:
        if texts[j] == "(" and j + 2 < end + 1 and j + 2 <= end - 1 and texts[j + 2] == ")":
            j += 3
            continue
        parts.append(texts[j] + spaces[j] if j < end - 1 else texts[j])
        j += 1
    return "".join(parts).strip().rstrip(",").strip()


def head_mentions(doc: Tokens, head: int, sentence_start: int, sentence_end: int) -> list[OrgMention]:
    """The mention(s) a head noun at token ``head`` closes, or none."""
    text = doc.texts[head]
    lower = text.lower()
    if lower in EN_GENERIC_PLURALS:
        return _distributed_plural(doc, head, sentence_start) or _generic_plural(doc, head, sentence_start)
    if lower not in EN_HEADS or not _is_capitalised(text):
        return []
    if head + 1 < sentence_end and fold(doc.texts[head + 1]) in ("head", "heads", "chief", "chiefs"):
        return []  # "the Section Head, CRSE": a role, not a unit
    start, acronym, owner = _grow_left(doc, head, sentence_start)
    start = _trim_start(doc, start, head, sentence_start)
    end = _grow_right(doc, head, sentence_end)
    following = _following_acronym(doc, end)
    if not following and end < sentence_end and doc.texts[end] in ("'s", "’s"):
        following = _following_acronym(doc, end + 1)
    if following and (acronym is None) and matches_long_form(following, _name_text(doc, start, end)):
        acronym = following
    after = end if not following else sentence_end  # "Committee (PPC) weekly": the bracket ends the name
    words = [word for word in doc.texts[start:end] if word not in ("(", ")")]
    previous = doc[start - 1] if start > sentence_start else None
    if start == head and end == head + 1:
        is_anaphor = previous is not None and previous.lower_ in ("the",) and owner is None
        return [OrgMention(start, end, text, EN_HEADS[lower], acronym, owner, None,
                           generic=not is_anaphor, anaphor=is_anaphor)]
    if _is_attributive(doc, after, sentence_end) and owner is None and not following and acronym is None:
        return []
    name = _name_text(doc, start, end)
    qualifier = _qualifier(doc, start, head)
    if acronym is None and head == start + 1 and end == head + 1 and looks_like_acronym(doc.texts[start]):
        acronym = doc.texts[start]  # "DPP Division", "OPS Division": the acronym names the unit
    return [OrgMention(start, end, name, EN_HEADS[lower], acronym, owner, qualifier,
                       generic=_is_generic(words, previous))]


def _qualifier(doc: Tokens, start: int, head: int) -> str | None:
    """A leading acronym that names the parent unit: "DPP Resilience Section", "RC Crisis Management Element"."""
    first = doc[start].text
    if start + 1 < head and looks_like_acronym(first) and is_capword(doc[start + 1]):
        return first
    return None


def _distributed_plural(doc: Tokens, head: int, sentence_start: int) -> list[OrgMention]:
    """"the Innovation, Hybrid and Cyber (IHC) and Defence Investment (DI) divisions": one mention each.

    Only names closed by their own acronym are split this way, so that a
    plural head with a plain adjective ("other divisions") stays generic.
    """
    singular = doc[head].lower_[:-1] if not doc[head].lower_.endswith("ies") else doc[head].lower_[:-3] + "y"
    if singular.endswith("che"):
        singular = singular[:-1]
    entity_type = EN_HEADS.get(singular)
    if entity_type is None or head == 0 or doc[head - 1].text != ")":
        return []
    mentions: list[OrgMention] = []
    close = head - 1
    while close > sentence_start:
        acronym = _embedded_acronym(doc, close)
        if not acronym:
            break
        start, _, _ = _grow_left(doc, close - 2, sentence_start)
        start = _trim_start(doc, start, close - 2, sentence_start)
        if start > close - 3 or not is_capword(doc[close - 3]):
            break
        words = _name_text(doc, start, close - 2)
        name = f"{words} {singular.capitalize()}"
        mentions.append(OrgMention(start, close + 1, name, entity_type, acronym))
        joint = start - 1
        if joint > sentence_start and doc[joint].lower_ in ("and", ",") and doc[joint - 1].text == ")":
            close = joint - 1
            continue
        break
    return list(reversed(mentions))


def _generic_plural(doc: Tokens, head: int, sentence_start: int) -> list[OrgMention]:
    """"relevant CEPC Planning Groups": a class of bodies; its words name no body on their own."""
    start, _, _ = _grow_left(doc, head, sentence_start)
    start = _trim_start(doc, start, head, sentence_start)
    if start == head:
        return []
    return [OrgMention(start, head + 1, _name_text(doc, start, head + 1), None, generic=True, plural=True)]


def _is_heading(doc: Tokens, sentence_start: int, sentence_end: int) -> bool:
    """"ESSENTIAL", "DESIRABLE": a line of capitals is a heading, not a list of acronyms."""
    words = [text for text in doc.texts[sentence_start:sentence_end] if text.isalpha()]
    return bool(words) and all(text.isupper() for text in words)


MAX_ACRONYM_LENGTH = 7
_ROMAN = re.compile(r"^[IVX]+$")  # language levels: "V (Advanced)", "III"
#: What an acronym's text opens with (see ``looks_like_acronym``, which strips the text first).
_ACRONYM_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def acronym_mentions(doc: Tokens, taken: set[int], sentence_start: int, sentence_end: int) -> list[OrgMention]:
    """Upper-case tokens outside names: candidate acronyms, typed later when known."""
    found: list[OrgMention] = []
    if _is_heading(doc, sentence_start, sentence_end):
        return found
    texts = doc.texts
    for j in range(sentence_start, sentence_end):
        text = texts[j]
        if (text[:1] not in _ACRONYM_FIRST and not text[:1].isspace()) or j in taken:
            continue
        if (not looks_like_acronym(text) or "/" in text or "." in text or len(text) > MAX_ACRONYM_LENGTH
                or _ROMAN.match(text)):
            continue
        if j > 0 and texts[j - 1] == "(" and j + 1 < len(texts) and texts[j + 1] == ")":
            continue  # a definition's short form, read with its long form
        found.append(OrgMention(j, j + 1, text, None, acronym=text))
    return found


def definition_pairs(doc: Tokens) -> list[tuple[str, str]]:
    """Every "long form (ACR)" in the Doc, organisational or not: ("critical infrastructure protection", "CIP")."""
    pairs: list[tuple[str, str]] = []
    texts = doc.texts
    for j in (i for i, text in enumerate(texts) if text == "(" and 1 <= i < len(texts) - 2):
        if texts[j + 2] != ")" or not looks_like_acronym(texts[j + 1]):
            continue
        short = texts[j + 1]
        letters = len(strip_plural(short))
        for k in range(max(0, j - letters - 5), j):
            long = doc.span_text(k, j)
            if is_punct(texts[k]) or texts[k].lower() in DETERMINERS:
                continue
            if matches_long_form(short, long) and long[:1].lower() == strip_plural(short)[:1].lower():
                pairs.append((long, short))
                break
    return pairs
