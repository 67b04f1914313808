"""Words that carry organisational meaning in vacancy notices, in English and French.

These are the language's own vocabulary (what an organisational unit is
called, which words name a role, which adjectives make a phrase generic),
not names of particular units: rules built on them carry over to notices of
any division.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

#: English head nouns (last word of a name) and the entity type they give.
EN_HEADS: dict[str, str] = {
    "division": "Division",
    "directorate": "Directorate",
    "section": "Section",
    "branch": "Section",
    "office": "Office",
    "centre": "Office",
    "center": "Office",
    "secretariat": "Office",
    "committee": "Committee",
    "council": "Committee",
    "board": "Committee",
    "conference": "Committee",
    "group": "Group",
    "element": "Group",
    "team": "Group",
    "cell": "Group",
    "unit": "Group",
    "staff": "Organization",
    "command": "Organization",
    "commands": "Organization",
    "authorities": "Organization",
    "union": "Organization",
    "nations": "Organization",
    "organization": "Organization",
    "organisation": "Organization",
    "agency": "Organization",
    "assembly": "Organization",
}

#: Plural heads that name a class of units ("other divisions"), never one unit.
EN_GENERIC_PLURALS: frozenset[str] = frozenset(
    {"divisions", "directorates", "sections", "branches", "offices", "centres", "centers",
     "committees", "councils", "boards", "groups", "elements", "teams", "cells", "units",
     "organizations", "organisations", "agencies", "bodies"}
)

#: Heads whose name may continue to the right: "Office of Legal Affairs".
EN_HEAD_FIRST: dict[str, tuple[str, ...]] = {
    "office": ("of",),
    "organisation": ("for", "of"),
    "organization": ("for", "of"),
    "committee": ("on", "for"),
    "conference": ("of",),
    "agency": ("for",),
}

#: French head nouns (first word of a name) and the entity type they give.
FR_HEADS: dict[str, str] = {
    "division": "Division",
    "direction": "Directorate",
    "section": "Section",
    "bureau": "Office",
    "cabinet": "Office",
    "centre": "Office",
    "comité": "Committee",
    "conseil": "Committee",
    "conférence": "Committee",
    "groupe": "Group",
    "élément": "Group",
    "équipe": "Group",
    "cellule": "Group",
    "secrétariat": "Organization",
    "état-major": "Organization",
    "commandement": "Organization",
    "commandements": "Organization",
    "autorités": "Organization",
    "union": "Organization",
    "organisation": "Organization",
    "agence": "Organization",
    "assemblée": "Organization",
}

#: French heads that still name one body when written in lower case ("autorités militaires de l'OTAN").
FR_LOWERCASE_HEADS: frozenset[str] = frozenset(
    {"autorités", "commandements", "commandement", "élément", "état-major", "secrétariat"}
)

#: Words joining the parts of one name.
EN_NAME_CONNECTORS: frozenset[str] = frozenset({"and", "&", "of", "for", "in", "on"})
FR_NAME_CONNECTORS: frozenset[str] = frozenset(
    {"de", "du", "des", "d'", "la", "le", "les", "l'", "et", "pour", "aux", "au", "en", "dans", "sur"}
)

#: Leading words that make a phrase a class of bodies, not a named one.
GENERIC_MODIFIERS: frozenset[str] = frozenset(
    {"allied", "partner", "national", "other", "relevant", "various", "all", "each", "any",
     "senior", "appropriate", "associated", "subordinate", "respective",
     "several", "many", "some", "such", "these", "those", "their", "its", "our", "your",
     "his", "her", "co-located", "new", "similar", "a", "an"}
)

#: Words that say which kind of unit, not which unit: generic when nothing else names it
#: ("Organisational, Divisional and Directorate objectives"), fine inside a name ("Divisional Support Section").
UNIT_ADJECTIVES: frozenset[str] = frozenset(
    {"organisational", "organizational", "divisional", "directorate", "sectional", "division", "section"}
)

#: Words that open a sentence as a verb (imperatives of job descriptions), never a name.
IMPERATIVE_VERBS: frozenset[str] = frozenset(
    {"act", "advise", "advocate", "analyse", "analyze", "apply", "assist", "be", "brief", "build",
     "channel", "contribute", "coordinate", "create", "design", "determine", "develop", "draft",
     "engage", "ensure", "establish", "evaluate", "execute", "facilitate", "formulate", "identify",
     "influence", "keep", "lead", "liaise", "maintain", "manage", "monitor", "offer", "organise",
     "organize", "oversee", "participate", "perform", "plan", "present", "promote", "provide",
     "rationalise", "report", "represent", "review", "run", "screen", "seek", "share", "supervise",
     "support", "take", "track", "undertake", "work", "write", "regularly", "proactively", "prepare",
     "serve", "champion", "deliver", "direct", "conduct", "implement", "assess", "as", "in", "with",
     "within", "through", "for", "across", "under", "at", "from", "by", "to", "via"}
)

#: Role words: they name a person in a unit, and stop a name when met on its left.
ROLE_WORDS: frozenset[str] = frozenset(
    {"head", "chief", "director", "deputy", "assistant", "secretary", "general", "officer",
     "chair", "chairman", "chairperson", "adviser", "advisor", "executive", "coordinator",
     "manager", "commander", "president"}
)

#: Role phrases, longest first, and the canonical role they stand for.
ROLE_PHRASES: dict[str, str] = {
    "deputy assistant secretary general": "Deputy Assistant Secretary General",
    "assistant secretary general": "Assistant Secretary General",
    "deputy secretary general": "Deputy Secretary General",
    "secretary general": "Secretary General",
    "deputy director": "Deputy Director",
    "director": "Director",
    "executive officer": "Executive Officer",
    "section head": "Head",
    "head of section": "Head",
    "head of division": "Head",
    "head": "Head",
    "chief": "Head",
    "dasg": "Deputy Assistant Secretary General",
    "asg": "Assistant Secretary General",
    "dsg": "Deputy Secretary General",
    "xo": "Executive Officer",
}

#: The type of unit each role most often leads, to read "Director Operations".
ROLE_UNIT_TYPES: dict[str, tuple[str, ...]] = {
    "Deputy Assistant Secretary General": ("Division", "Office"),
    "Assistant Secretary General": ("Division", "Office"),
    "Deputy Secretary General": ("Organization",),
    "Secretary General": ("Organization",),
    "Deputy Director": ("Directorate", "Office"),
    "Director": ("Directorate", "Office"),
    "Executive Officer": ("Division", "Office"),
    "Head": ("Section", "Office", "Group", "Directorate", "Division"),
}

#: Words that carry no meaning in a name, for comparing names.
STOPWORDS: frozenset[str] = frozenset(
    {"the", "and", "of", "for", "in", "on", "a", "an", "to", "&",
     "de", "du", "des", "d", "la", "le", "les", "l", "et", "pour", "aux", "au", "en", "dans", "sur"}
)

#: How alike two words must be, once folded, to be taken as cognates ("politique"/"policy").
COGNATE_SIMILARITY = 0.6

#: Organisational vocabulary across the two languages (English -> French words).
#: Cognates ("capacités"/"capabilities") need no entry.
EN_FR_VOCABULARY: dict[str, tuple[str, ...]] = {
    "support": ("soutien", "appui"),
    "enablement": ("facilitation",),
    "response": ("réponse", "réponses", "riposte"),
    "emergency": ("urgence",),
    "council": ("conseil",),
    "north": ("nord",),
    "staff": ("état-major", "secrétariat", "personnel", "exécutif"),
    "united": ("unies",),
    "management": ("gestion",),
    "office": ("bureau", "cabinet"),
    "private": ("cabinet",),
    "committee": ("comité",),
    "policy": ("politique", "orientations"),
    "nato": ("otan",),
    "affairs": ("affaires",),
    "diplomacy": ("diplomatie",),
    "legal": ("juridiques",),
    "intelligence": ("renseignement",),
    "armaments": ("armements",),
    "procurement": ("acquisition",),
    "partnerships": ("partenariats",),
    "building": ("renforcement",),
    "human": ("humaines",),
    "resources": ("ressources",),
    "lessons": ("enseignements",),
    "learned": ("tirés",),
    "situation": ("situation",),
    "assessment": ("évaluation",),
    "threat": ("menace", "menaces"),
    "digital": ("numérique",),
    "transformation": ("transformation",),
    "planning": ("plans", "planification"),
    "plans": ("plans",),
    "weapons": ("armes",),
    "mass": ("massive",),
    "destruction": ("destruction",),
    "communications": ("communication",),
    "public": ("publique",),
    "financial": ("financier",),
    "control": ("contrôle",),
    "headquarters": ("siège", "quartier"),
}


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and accent-free form of a word or name, for comparison."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold().replace("’", "'")


_WORD = re.compile(r"[^\W\d_](?:[\w'-]*\w)?", re.UNICODE)


def content_words(name: str) -> list[str]:
    """The folded meaningful words of a name: "the Section Résilience" -> ["section", "resilience"]."""
    return list(_content_words(name))


@lru_cache(maxsize=1 << 14)
def _content_words(name: str) -> tuple[str, ...]:
    words = []
    for raw in _WORD.findall(name.replace("’", "'")):
        word = fold(raw)
        if word[:2] in ("d'", "l'"):
            word = word[2:]
        if word and word not in STOPWORDS:
            words.append(word)
    return tuple(words)


def _folded_vocabulary() -> dict[str, frozenset[str]]:
    return {fold(en): frozenset(fold(f) for f in fr) for en, fr in EN_FR_VOCABULARY.items()}


#: EN_FR_VOCABULARY folded: English word -> the French words that translate it.
VOCABULARY = _folded_vocabulary()


@lru_cache(maxsize=1 << 16)
def words_correspond(en_word: str, fr_word: str) -> bool:
    """Whether an English and a French (folded) word translate each other in a unit name."""
    if en_word == fr_word:
        return True
    if fr_word in VOCABULARY.get(en_word, ()):
        return True
    if en_word in VOCABULARY or len(en_word) < 3 or len(fr_word) < 3 or en_word[:3] != fr_word[:3]:
        return False
    return SequenceMatcher(None, en_word, fr_word).ratio() >= COGNATE_SIMILARITY
