"""Reading relations from sentences whose names are already found.

Each sentence is first *masked*: every organisational mention becomes a
placeholder ``{e3}`` (its local entity id) and every role phrase becomes
``[Head]``, ``[Director]``... The rules below are small regular
expressions over that masked text, so they read like the sentences they
model ("reports to the [Head], {e3} and, through them, to the [Director]
for the {e5}") and are tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

ENTITY = re.compile(r"\{(e\d+)\}")
ROLE = re.compile(r"\[([A-Za-z ]+)\]")
_OWNER = re.compile(r"\{e\d+\}\s*['’]s\s*(?:\([^)]*\)\s*)?(?=\{e\d+\})")


@dataclass
class MaskedSentence:
    """A sentence with its mentions replaced by ``{id}`` and roles by ``[Role]``."""

    text: str  # as written
    masked: str
    section: str

    def entities(self) -> list[tuple[str, int]]:
        """(id, position in the masked text) of each mention, in order, but for owners:
        in "the {e5}'s (CEPC) {e6}" the sentence speaks of {e6}, not of {e5}."""
        return list(self._entities)

    @cached_property
    def _entities(self) -> tuple[tuple[str, int], ...]:
        """Read once: every rule asks for them, the masked text does not change."""
        if "{" not in self.masked:
            return ()
        owners = {m.start() for m in _OWNER.finditer(self.masked)}
        return tuple((m.group(1), m.start()) for m in ENTITY.finditer(self.masked) if m.start() not in owners)

    def ids(self) -> list[str]:
        return [i for i, _ in self.entities()]

    @cached_property
    def names_post(self) -> bool:
        """Whether the sentence names the post ("the incumbent", "s/he"): several rules ask."""
        return bool(POST_SUBJECT.search(self.text))


@dataclass(frozen=True)
class SuperiorPhrase:
    order: int
    roles: tuple[str, ...]
    unit_id: str | None  # an entity placeholder after the role
    unit_words: str | None  # or a bare name after it: "Operations", "Defence Policy and Planning"


# ----------------------------------------------------------------- reporting

_REPORTS = re.compile(r"\breport(?:s|ing)?\s+(?:directly\s+)?to\s+", re.I)
_THROUGH = re.compile(
    r"\bthrough\s+(?:him/her|her/him|them|him|her|whom|this\s+person|the\s+latter)\s*,?\s*(?:to\s+)?", re.I
)
_ROLES = re.compile(
    r"(?:the\s+)?(?:[A-Z][a-z]+\s+){0,2}"  # "the Branch [Head]", "the Assistant [Director]"
    r"((?:\[[A-Za-z ]+\])(?:\s*(?:/|and|or|and/or)\s*\[[A-Za-z ]+\])*)"
)
_UNIT_AFTER_ROLE = re.compile(
    r"(?:\s*,\s*|\s+of\s+|\s+for\s+|\s+in\s+|\s+)(?:the\s+)?"
    r"(?:\{(?P<id>e\d+)\}|(?P<words>(?:[A-Z][\w'-]*)(?:\s+(?:and\s+|&\s+|of\s+)?[A-Z][\w'-]*)*))"
)


#: Words that open the next sentence, never part of a unit's name.
_NEXT_SENTENCE = re.compile(r"\s+(?:They|He|She|It|This|These|Those|The|We|Our|Their|His|Her|Its)\b.*$")


def _superior_at(masked: str, position: int, order: int) -> SuperiorPhrase | None:
    match = _ROLES.match(masked, position)
    if not match:
        return None
    roles = tuple(ROLE.findall(match.group(1)))
    unit = _UNIT_AFTER_ROLE.match(masked, match.end())
    unit_id = unit.group("id") if unit else None
    words = unit.group("words") if unit and not unit_id else None
    if words:
        words = _NEXT_SENTENCE.sub("", words)  # "Director Operations They will": a full stop lost in a copy
    return SuperiorPhrase(order, roles, unit_id, words)


def reporting_phrases(sentence: MaskedSentence) -> list[SuperiorPhrase]:
    """The superiors a "reports to ... and, through them, to ..." sentence names, in order."""
    found = _REPORTS.search(sentence.masked)
    if not found:
        return []
    first = _superior_at(sentence.masked, found.end(), 1)
    if first is None:
        return []
    phrases = [first]
    through = _THROUGH.search(sentence.masked, found.end())
    if through:
        second = _superior_at(sentence.masked, through.end(), 2)
        if second is not None:
            phrases.append(second)
    return phrases


# -------------------------------------------------------------- containment

_POSSESSIVE_IN = re.compile(r"\{(e\d+)\}\s+(?:in|within)\s+(?:the\s+)?\{(e\d+)\}")
_WITHIN_LEAD = re.compile(r"^\s*(?:Within|In|Inside)\s+(?:the\s+)?\{(e\d+)\}\s*,\s*(?:the\s+)?\{(e\d+)\}")
_OF_THE = re.compile(r"\{(e\d+)\}\s+of\s+the\s+\{(e\d+)\}")
_OTHER_UNITS_OF = re.compile(r"\bother\s+(sections|directorates|units|teams|branches)\s+(?:of|in|within)\s+the\s+\{(e\d+)\}", re.I)


def containment_pairs(sentence: MaskedSentence) -> list[tuple[str, str]]:
    """(child, parent) pairs: "{e2} in {e1}", "Within {e1}, the {e2}", "{e2} of the {e1}"."""
    pairs = [(c, p) for c, p in _POSSESSIVE_IN.findall(sentence.masked)]
    lead = _WITHIN_LEAD.match(sentence.masked)
    if lead:
        pairs.append((lead.group(2), lead.group(1)))
    pairs += [(c, p) for c, p in _OF_THE.findall(sentence.masked)]
    return pairs


def other_units_of(sentence: MaskedSentence) -> list[tuple[str, str]]:
    """("sections", id) for "other sections of the {id}": the post's own unit sits in {id}."""
    return [(kind.lower(), parent) for kind, parent in _OTHER_UNITS_OF.findall(sentence.masked)]


# ---------------------------------------------------------- post relations

POST_SUBJECT = re.compile(
    r"\b(?:incumbent|post[- ]?holder|jobholder|successful candidate|selected candidate|the officer|"
    r"s/he|he/she|she/he|they|this post|the post)\b",
    re.I,
)
_HEAD_OF = re.compile(
    r"\b(?:be|is|as|serves as|acts as|will be)\s+(?:the\s+)?\[Head\]\s+(?:of\s+)?(?:the\s+)?\{(e\d+)\}", re.I
)
_MANAGES = re.compile(
    r"\b(?:management\s+responsibility\s+(?:over|for)|manage(?:s)?\s+the\s+staff\s+of|head(?:s)?|lead(?:s)?\s+and\s+manage(?:s)?)"
    r"\s+(?:the\s+)?\{(e\d+)\}",
    re.I,
)
_OVERSEES = re.compile(
    r"\b(?:oversee\w*|supervis\w*|steward\w*|management\s+of|manag\w+|chair\w*|run\w*)\b", re.I
)
COORDINATION = re.compile(
    r"\b(?:coordinat\w*|co-ordinat\w*|liais\w*|work(?:s|ing)?\s+(?:closely|effectively|together|in\s+close)|"
    r"working\s+relationships?|collaborat\w*|cooperat\w*|co-operat\w*|interface|interlocutor|"
    r"engag\w*|consult\w*\s+with|exchange\w*\s+information|partner\w*\s+with)\b",
    re.I,
)
_GUIDANCE_AFTER = re.compile(r"^\}?\s*(?:guidance|decisions?|directives?|documents?|products?)\b", re.I)
_SERVED_BY = re.compile(r"\bserved\s+by\s+(?:the\s+)?\{(e\d+)\}", re.I)
_UNIT_SERVES = re.compile(r"\b(?:serves?|supports?|advises?|assists?|runs?\s+the\s+business\s+of|acts?\s+as\s+(?:the\s+)?secretariat)\b", re.I)


def is_post_sentence(sentence: MaskedSentence) -> bool:
    """Whether the sentence speaks of the advertised post (its duties or its ties)."""
    if sentence.section in ("accountabilities", "interrelationships", "title"):
        return True
    return sentence.names_post


def heads_ids(sentence: MaskedSentence) -> list[str]:
    """Units the post heads: "will be the Head of the {e3}", "direct management responsibility over the {e3}"."""
    return _HEAD_OF.findall(sentence.masked) + _MANAGES.findall(sentence.masked)


def overseen_ids(sentence: MaskedSentence, types: dict[str, str]) -> list[str]:
    """Groups the post oversees or stewards: a Group named after "oversee", "management of"..."""
    cue = _OVERSEES.search(sentence.masked)
    if not cue:
        return []
    return [i for i, pos in sentence.entities() if pos > cue.start() and types.get(i) == "Group"]


def committee_ids(sentence: MaskedSentence, types: dict[str, str]) -> list[str]:
    """Committees a post sentence serves: every committee it names, but not as the owner of
    another body ("the CEPC's Group") nor as the source of guidance ("Council guidance")."""
    found = []
    for entity_id, position in sentence.entities():
        if types.get(entity_id) != "Committee":
            continue
        after = sentence.masked[position + len(entity_id) + 2:]
        if _GUIDANCE_AFTER.match(after.lstrip()):
            continue
        found.append(entity_id)
    return found


def coordination_ids(sentence: MaskedSentence) -> list[str]:
    """Entities named after a coordination cue ("liaise closely with", "works effectively with")."""
    cue = COORDINATION.search(sentence.masked)
    if not cue:
        return []
    return [i for i, pos in sentence.entities() if pos > cue.start()]


def unit_support_pairs(sentence: MaskedSentence, subject: str | None, types: dict[str, str]) -> list[tuple[str, str]]:
    """(unit, committee) pairs: "The Division serves the {e4}, the {e5}", "committees served by {e1}"."""
    pairs: list[tuple[str, str]] = []
    committees = [i for i in committee_ids(sentence, types)]
    served = _SERVED_BY.search(sentence.masked)
    if served:
        unit = served.group(1)
        pairs += [(unit, c) for c, pos in sentence.entities() if c in committees and pos > served.start()]
    if subject and _UNIT_SERVES.search(sentence.masked):
        pairs += [(subject, c) for c in committees if c != subject]
    return pairs
