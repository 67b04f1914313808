"""Turning the mentions of one notice into its local entities.

Mentions that name the same body in one notice ("Defence Policy and
Planning (DPP) Division", "the DPP Division", "DPP") become one
:class:`~kg.model.LocalEntity`. Matching is by reference body, acronym, or
the name's key (its meaningful words, so "Division Support Section" and
"Divisional Support Section" agree).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.acronyms import strip_plural
from kg.extract.lexicon import content_words, fold
from kg.extract.reference import Body, reference
from kg.model import Evidence, LocalEntity

#: Adjectives that name a unit by its kind: "Divisional Support Section" = "Division Support Section".
ADJECTIVE_FORMS = {"divisional": "division", "sectional": "section", "directorial": "directorate"}

#: Words a name may carry or drop without naming another body.
OPTIONAL_WORDS = frozenset({"nato", "otan"})

#: Type families that may name one body: a "Division" of the IMS is the IMS when the acronym says so.
_TYPE_ORDER = ("Organization", "Committee", "Division", "Directorate", "Office", "Section", "Group")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Comparison key of a name: folded meaningful words, singular, without "NATO".

    Kept per name: resolving a corpus asks it of the same names thousands of times.
    """
    words = [ADJECTIVE_FORMS.get(w, w) for w in content_words(name)]
    words = [_singular(w) for w in words if w not in OPTIONAL_WORDS]
    return " ".join(words)


def reference_body(name: str | None = None, acronym: str | None = None) -> Body | None:
    """The reference body a name or an acronym denotes, if any."""
    ref = reference()
    if name:
        body = ref.find_name(name) or ref.find_name(re.sub(r"^(?:NATO|OTAN)\s+|\s+(?:de l'OTAN)$", "", name))
        if body:
            return body
    if acronym:
        return ref.find_acronym(acronym) or ref.find_acronym(strip_plural(acronym))
    return None


class EntityTable:
    """The local entities of one notice, found by reference key, acronym or name key."""

    def __init__(self) -> None:
        self.entities: list[LocalEntity] = []
        self._by_ref: dict[str, LocalEntity] = {}
        self._by_acronym: dict[str, LocalEntity] = {}
        self._by_key: dict[str, LocalEntity] = {}

    def get(self, local_id: str) -> LocalEntity:
        return next(e for e in self.entities if e.id == local_id)

    def by_acronym(self, acronym: str) -> LocalEntity | None:
        return self._by_acronym.get(acronym) or self._by_acronym.get(strip_plural(acronym))

    def by_key(self, key: str) -> LocalEntity | None:
        return self._by_key.get(key)

    def of_type(self, *types: str) -> list[LocalEntity]:
        return [e for e in self.entities if e.type in types]

    def add(
        self,
        entity_type: str,
        name: str | None,
        acronym: str | None,
        lang: str = "en",
        surface: str | None = None,
        evidence: Evidence | None = None,
        key: str | None = None,
    ) -> LocalEntity:
        """Record a mention; returns the entity it names, new or already known."""
        body = reference_body(name, None) or (reference_body(None, acronym) if not name or acronym else None)
        key = key if key is not None else (name_key(name) if name else None)
        entity = self._find(body, acronym, key, entity_type)
        if entity is None:
            entity = LocalEntity(id=f"e{len(self.entities) + 1}", type=body.type if body else entity_type)
            self.entities.append(entity)
        self._enrich(entity, body, entity_type, name, acronym, lang)
        self._index(entity, body, acronym, key)
        if evidence is not None:
            entity.evidence.append((surface or name or acronym or "", evidence))
        return entity

    def _find(self, body: Body | None, acronym: str | None, key: str | None, entity_type: str) -> LocalEntity | None:
        if body and body.key in self._by_ref:
            return self._by_ref[body.key]
        if acronym:
            found = self.by_acronym(acronym)
            if found is not None:
                return found
        if key:
            found = self._by_key.get(key)
            if found is not None and (found.type == entity_type or not found.type or not entity_type):
                return found
        return None

    def _enrich(self, entity: LocalEntity, body: Body | None, entity_type: str, name: str | None,
                acronym: str | None, lang: str) -> None:
        if body is not None:
            entity.reference_key = body.key
            entity.type = body.type
        elif not entity.type and entity_type:
            entity.type = entity_type
        if name and name not in entity.names.setdefault(lang, []):
            entity.names[lang].append(name)
        if acronym and acronym not in entity.acronyms and lang == "en":
            entity.acronyms.append(acronym)

    def _index(self, entity: LocalEntity, body: Body | None, acronym: str | None, key: str | None) -> None:
        if body is not None:
            self._by_ref.setdefault(body.key, entity)
        if acronym:
            self._by_acronym.setdefault(acronym, entity)
            self._by_acronym.setdefault(strip_plural(acronym), entity)
        if key:
            self._by_key.setdefault(key, entity)


def restore_case(name: str, lang: str) -> str:
    """An all-capitals letterhead name in the reference's casing when the reference knows it."""
    if not name.isupper():
        return name
    body = reference_body(name)
    if body is None:
        return name
    for candidate in body.names(lang) + body.names("en" if lang == "fr" else "fr"):
        if fold(candidate) == fold(name):
            return candidate
    return name
