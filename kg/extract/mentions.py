"""Finding the organisational names in an English sentence, token by token.

A name is found from its head noun ("Section", "Committee", "Staff"...),
then grown to the left over capitalised words, joining words ("and", ",")
and an embedded acronym ("Defence Policy and Planning (DPP) Division"),
and to the right for the heads that take a complement ("Office of Legal
Affairs"). The functions here are pure: they read a spaCy ``Doc`` and
return :class:`OrgMention` values; the pipeline component in
``components.py`` only wires them into the ``Doc``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

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


def is_capword(token: Token) -> bool:
    text = token.text
    if not text or not text[0].isalpha():
        return False
    return text[0].isupper() and (token.is_title or token.is_upper or any(c.isupper() for c in text[1:]) or len(text) > 1)


def _embedded_acronym(doc: Doc, close: int) -> str | None:
    """The acronym in "( ACR )" whose ")" is at ``close``."""
    if close >= 2 and doc[close].text == ")" and doc[close - 2].text == "(" and looks_like_acronym(doc[close - 1].text):
        return doc[close - 1].text
    return None


def _following_acronym(doc: Doc, after: int) -> str | None:
    if after + 2 < len(doc) and doc[after].text == "(" and doc[after + 2].text == ")" and looks_like_acronym(doc[after + 1].text):
        return doc[after + 1].text
    return None


def _is_role_word(token: Token) -> bool:
    """Whether a word names a role, not a unit: inside a role phrase the pipeline marked
    ("Head", "Executive Officer"), or, on a Doc without role marks, a role word.
    A role word outside any role phrase may open a name ("Executive Management Division")."""
    if token.doc.has_annotation("ENT_IOB"):
        return token.ent_type_ == "ROLE"
    return fold(token.text) in ROLE_WORDS


def _grow_left(doc: Doc, head: int, floor: int) -> tuple[int, str | None, tuple[int, int] | None]:
    """Start token of the name ending at ``head``, its embedded acronym, and the owner span of "X's"."""
    start, acronym, j = head, None, head - 1
    while j >= floor:
        token = doc[j]
        embedded = _embedded_acronym(doc, j)
        if embedded and j - 3 >= floor and doc[j - 3].text in ("'s", "’s"):
            return start, acronym, _owner_span(doc, j - 3, floor)
        if embedded and j - 3 >= floor and is_capword(doc[j - 3]):
            acronym, j = embedded, j - 3
            continue
        if token.text in ("'s", "’s", "'", "’"):
            return start, acronym, _owner_span(doc, j, floor)
        if is_capword(token) and not _is_role_word(token) and fold(token.text) not in DETERMINERS \
                and not (_is_bare_acronym(token) and start < head and _is_bare_acronym(doc[start])):
            start, j = j, j - 1  # two acronyms in a row ("DPPC RC NPG Staff Group") are a list, not one name
            continue
        if _joins_name_words(doc, j, floor) and start == j + 1:
            start, j = j - 1, j - 2
            continue
        break
    return start, acronym, None


def _is_bare_acronym(token: Token) -> bool:
    return token.text.isupper() and looks_like_acronym(token.text)


def _joins_name_words(doc: Doc, j: int, floor: int) -> bool:
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


def _and_follows(doc: Doc, start: int) -> bool:
    """Whether the capitalised run from ``start`` holds an "and": a comma joins the
    words of one name only in a list closed by "and" ("Innovation, Hybrid and Cyber"),
    not a role and a unit ("Senior Policy Adviser, Multilateral Organizations Section")."""
    for token in doc[start:]:
        if token.lower_ in ("and", "&"):
            return True
        if not (is_capword(token) or token.text == ","):
            return False
    return False


def _owner_span(doc: Doc, apostrophe: int, floor: int) -> tuple[int, int] | None:
    """The words before "'s": "the Civil Emergency Planning Committee's (CEPC)" -> its tokens."""
    end = apostrophe
    j = apostrophe - 1
    while j >= floor and (is_capword(doc[j]) or doc[j].lower_ in ("and", "&")):
        j -= 1
    start = j + 1
    if start < end and doc[end - 1].lower_ not in ("and", "&"):
        return start, end
    return None


def _grow_right(doc: Doc, head: int, ceiling: int) -> int:
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


def _is_attributive(doc: Doc, after: int, ceiling: int) -> bool:
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


def _is_generic(words: list[str], previous: Token | None) -> bool:
    folded = [fold(w) for w in words]
    if previous is not None and previous.is_lower and previous.lower_ in STRONG_GENERIC:
        return True
    if folded and folded[0] in STRONG_GENERIC:
        return True
    modifiers = folded[:-1]
    if modifiers == ["international"] and folded[-1] in ("organisation", "organization"):
        return True  # "experience in an International Organisation": a kind of body
    return all(w in GENERIC_MODIFIERS or w in UNIT_ADJECTIVES or w in ("and", ",", "&") for w in modifiers)


def _trim_start(doc: Doc, start: int, head: int, sentence_start: int) -> int:
    while start < head and (fold(doc[start].text) in DETERMINERS or doc[start].text in (",", "-", "&")):
        start += 1
    if start < head and start == sentence_start and fold(doc[start].text) in IMPERATIVE_VERBS:
        start += 1
    return start


def _name_text(doc: Doc, start: int, end: int) -> str:
    """The words of [start, end) without a parenthesised acronym, spaced as written."""
    parts: list[str] = []
    j = start
    while j < end:
        if doc[j].text == "(" and j + 2 < end + 1 and j + 2 <= end - 1 and doc[j + 2].text == ")":
            j += 3
            continue
        parts.append(doc[j].text_with_ws if j < end - 1 else doc[j].text)
        j += 1
    return "".join(parts).strip().rstrip(",").strip()


def head_mentions(doc: Doc, head: int, sentence_start: int, sentence_end: int) -> list[OrgMention]:
    """The mention(s) a head noun at token ``head`` closes, or none."""
    token = doc[head]
    lower = token.lower_
    if lower in EN_GENERIC_PLURALS:
        return _distributed_plural(doc, head, sentence_start) or _generic_plural(doc, head, sentence_start)
    if lower not in EN_HEADS or not is_capword(token):
        return []
    if head + 1 < sentence_end and fold(doc[head + 1].text) in ("head", "heads", "chief", "chiefs"):
        return []  # "the Section Head, CRSE": a role, not a unit
    start, acronym, owner = _grow_left(doc, head, sentence_start)
    start = _trim_start(doc, start, head, sentence_start)
    end = _grow_right(doc, head, sentence_end)
    following = _following_acronym(doc, end)
    if not following and end < sentence_end and doc[end].text in ("'s", "’s"):
        following = _following_acronym(doc, end + 1)
    if following and (acronym is None) and matches_long_form(following, _name_text(doc, start, end)):
        acronym = following
    after = end if not following else sentence_end  # "Committee (PPC) weekly": the bracket ends the name
    words = [t.text for t in doc[start:end] if t.text not in ("(", ")")]
    previous = doc[start - 1] if start > sentence_start else None
    if start == head and end == head + 1:
        is_anaphor = previous is not None and previous.lower_ in ("the",) and owner is None
        return [OrgMention(start, end, token.text, EN_HEADS[lower], acronym, owner, None,
                           generic=not is_anaphor, anaphor=is_anaphor)]
    if _is_attributive(doc, after, sentence_end) and owner is None and not following and acronym is None:
        return []
    name = _name_text(doc, start, end)
    qualifier = _qualifier(doc, start, head)
    if acronym is None and head == start + 1 and end == head + 1 and looks_like_acronym(doc[start].text):
        acronym = doc[start].text  # "DPP Division", "OPS Division": the acronym names the unit
    return [OrgMention(start, end, name, EN_HEADS[lower], acronym, owner, qualifier,
                       generic=_is_generic(words, previous))]


def _qualifier(doc: Doc, start: int, head: int) -> str | None:
    """A leading acronym that names the parent unit: "DPP Resilience Section", "RC Crisis Management Element"."""
    first = doc[start].text
    if start + 1 < head and looks_like_acronym(first) and is_capword(doc[start + 1]):
        return first
    return None


def _distributed_plural(doc: Doc, head: int, sentence_start: int) -> list[OrgMention]:
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


def _generic_plural(doc: Doc, head: int, sentence_start: int) -> list[OrgMention]:
    """"relevant CEPC Planning Groups": a class of bodies; its words name no body on their own."""
    start, _, _ = _grow_left(doc, head, sentence_start)
    start = _trim_start(doc, start, head, sentence_start)
    if start == head:
        return []
    return [OrgMention(start, head + 1, _name_text(doc, start, head + 1), None, generic=True, plural=True)]


def _is_heading(doc: Doc, sentence_start: int, sentence_end: int) -> bool:
    """"ESSENTIAL", "DESIRABLE": a line of capitals is a heading, not a list of acronyms."""
    words = [t for t in doc[sentence_start:sentence_end] if t.is_alpha]
    return bool(words) and all(t.is_upper for t in words)


MAX_ACRONYM_LENGTH = 7
_ROMAN = re.compile(r"^[IVX]+$")  # language levels: "V (Advanced)", "III"


def acronym_mentions(doc: Doc, taken: set[int], sentence_start: int, sentence_end: int) -> list[OrgMention]:
    """Upper-case tokens outside names: candidate acronyms, typed later when known."""
    found: list[OrgMention] = []
    if _is_heading(doc, sentence_start, sentence_end):
        return found
    for j in range(sentence_start, sentence_end):
        if j in taken:
            continue
        text = doc[j].text
        if (not looks_like_acronym(text) or "/" in text or "." in text or len(text) > MAX_ACRONYM_LENGTH
                or _ROMAN.match(text)):
            continue
        if j > 0 and doc[j - 1].text == "(" and j + 1 < len(doc) and doc[j + 1].text == ")":
            continue  # a definition's short form, read with its long form
        found.append(OrgMention(j, j + 1, text, None, acronym=text))
    return found


def definition_pairs(doc: Doc) -> list[tuple[str, str]]:
    """Every "long form (ACR)" in the Doc, organisational or not: ("critical infrastructure protection", "CIP")."""
    pairs: list[tuple[str, str]] = []
    for j in range(1, len(doc) - 2):
        if doc[j].text != "(" or doc[j + 2].text != ")" or not looks_like_acronym(doc[j + 1].text):
            continue
        short = doc[j + 1].text
        letters = len(strip_plural(short))
        for k in range(max(0, j - letters - 5), j):
            long = doc[k:j].text
            if doc[k].is_punct or doc[k].lower_ in DETERMINERS:
                continue
            if matches_long_form(short, long) and long[:1].lower() == strip_plural(short)[:1].lower():
                pairs.append((long, short))
                break
    return pairs
