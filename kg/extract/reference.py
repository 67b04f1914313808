"""The reference file of public NATO bodies: official names, acronyms and French names.

It helps to recognise and type a mention ("NAC", "the Council") and to pair
an English name with its French one. It never adds a name to the graph: the
graph holds only the names the notices state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.config import PACKAGE_DIR
from kg.extract.lexicon import fold

REFERENCE_FILE = PACKAGE_DIR / "data" / "nato_bodies.json"


@dataclass(frozen=True)
class Body:
    key: str
    type: str
    label: str
    acronym: str | None = None
    label_fr: str | None = None
    acronym_fr: str | None = None
    aliases: tuple[str, ...] = ()
    aliases_fr: tuple[str, ...] = ()

    def names(self, lang: str) -> tuple[str, ...]:
        if lang == "fr":
            return tuple(n for n in (self.label_fr, *self.aliases_fr) if n)
        return (self.label, *self.aliases)

    def acronyms(self) -> tuple[str, ...]:
        return tuple(a for a in (self.acronym, self.acronym_fr) if a)


@dataclass(frozen=True)
class Reference:
    bodies: tuple[Body, ...]
    by_name: dict[str, Body] = field(default_factory=dict)  # folded name (either language) -> body
    by_acronym: dict[str, Body] = field(default_factory=dict)  # acronym as written -> body

    def find_name(self, name: str) -> Body | None:
        return self.by_name.get(fold(name).strip())

    def find_acronym(self, acronym: str) -> Body | None:
        return self.by_acronym.get(acronym)


def _body(raw: dict) -> Body:
    return Body(
        key=raw["key"],
        type=raw["type"],
        label=raw["label"],
        acronym=raw.get("acronym"),
        label_fr=raw.get("label_fr"),
        acronym_fr=raw.get("acronym_fr"),
        aliases=tuple(raw.get("aliases", ())),
        aliases_fr=tuple(raw.get("aliases_fr", ())),
    )


def load_reference(path: Path = REFERENCE_FILE) -> Reference:
    bodies = tuple(_body(raw) for raw in json.loads(path.read_text(encoding="utf-8"))["bodies"])
    by_name: dict[str, Body] = {}
    by_acronym: dict[str, Body] = {}
    for body in bodies:
        for name in (*body.names("en"), *body.names("fr")):
            by_name.setdefault(fold(name), body)
        for acronym in body.acronyms():
            by_acronym.setdefault(acronym, body)
    return Reference(bodies, by_name, by_acronym)


@lru_cache(maxsize=1)
def reference() -> Reference:
    """The bundled reference, read once per process."""
    return load_reference()
