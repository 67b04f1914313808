"""Plain data passed between the pipeline stages.

ingest -> :class:`Notice` -> extract -> :class:`Extraction` -> resolve ->
:class:`Corpus` -> build -> RDF.  Every stage takes and returns these
dataclasses only, so each stage can be tested (and replaced) on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["en", "fr"]

#: The kinds of organisational entity the graph knows (CONTRACT.md).
ENTITY_TYPES: tuple[str, ...] = (
    "Organization",
    "Division",
    "Directorate",
    "Section",
    "Office",
    "Committee",
    "Group",
)

#: Relations between the advertised post, units and committees.
RELATION_KINDS: tuple[str, ...] = ("partOf", "supports", "heads", "oversees", "coordinatesWith")

#: Roles a superior can hold, most specific first.
ROLES: tuple[str, ...] = (
    "Deputy Assistant Secretary General",
    "Assistant Secretary General",
    "Deputy Secretary General",
    "Secretary General",
    "Deputy Director",
    "Director",
    "Executive Officer",
    "Head",
)

POST = "post"
"""Stands for the advertised post wherever an entity id is expected."""


# --------------------------------------------------------------------- ingest


@dataclass(frozen=True)
class NoticeSection:
    """One numbered section of a notice ("1. Summary", "4. Interrelationships")."""

    key: str  # summary, qualifications, accountabilities, interrelationships, competencies, contract, application, additional, description
    heading: str  # as written
    text: str


@dataclass(frozen=True)
class Header:
    """The header block of one language half of a notice. Unknown fields are None."""

    title: str | None = None
    reference: str | None = None
    location: str | None = None  # "Brussels, Belgium"
    body: str | None = None  # "NATO International Staff (NATO IS)"
    schedule: str | None = None
    deadline: str | None = None  # ISO date, "2024-05-16"
    salary: float | None = None
    currency: str | None = None  # "EUR"
    salary_period: str | None = None  # "Monthly"
    grade: str | None = None  # "G20"
    clearance: str | None = None  # "NS", "CTS/A"


@dataclass(frozen=True)
class NoticePart:
    """The English or the French half of a notice."""

    lang: Lang
    header: Header
    sections: tuple[NoticeSection, ...]

    def section(self, key: str) -> NoticeSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def text_of(self, *keys: str) -> str:
        return "\n\n".join(s.text for s in self.sections if s.key in keys)


@dataclass(frozen=True)
class Notice:
    """A vacancy notice as read from one file, normalised and split."""

    source: str  # the input file's name, "000_bbc9af25ff1dbbb4.txt"
    sha256: str  # of the normalised text
    text: str  # the whole normalised text
    parts: tuple[NoticePart, ...]  # English first when present
    banner: tuple[str, ...] = ()  # organisation names from the letterhead, as written

    def part(self, lang: Lang) -> NoticePart | None:
        return next((p for p in self.parts if p.lang == lang), None)

    @property
    def header(self) -> Header:
        """The header of the first half that has one (English when present)."""
        for part in self.parts:
            if part.header.title or part.header.reference:
                return part.header
        return self.parts[0].header if self.parts else Header()


# -------------------------------------------------------------------- extract


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence, its language and the notice section."""

    sentence: str
    lang: Lang = "en"
    section: str = ""


@dataclass
class LocalEntity:
    """An organisational entity as one notice names it (ids are local: "e1", "e2"...)."""

    id: str
    type: str  # one of ENTITY_TYPES
    names: dict[str, list[str]] = field(default_factory=dict)  # lang -> surface names, first is best
    acronyms: list[str] = field(default_factory=list)
    evidence: list[tuple[str, Evidence]] = field(default_factory=list)  # (surface form, where)
    reference_key: str | None = None  # key in the reference file of NATO bodies, when recognised


@dataclass(frozen=True)
class Relation:
    """subject -(predicate)-> object; ids are LocalEntity ids or POST."""

    subject: str
    predicate: str  # one of RELATION_KINDS
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class ReportingLine:
    """One step of the post's reporting line: order 1 the direct superior, 2 "through them"."""

    order: int
    roles: tuple[str, ...]  # from ROLES, main role first ("Head", "Deputy Director")
    unit: str | None  # LocalEntity id of the superior's unit
    evidence: Evidence


@dataclass(frozen=True)
class PostInfo:
    title: str | None
    unit: str | None  # LocalEntity id of the most specific unit the post sits in
    direct_reports: int | None = None
    indirect_reports: int | None = None


@dataclass
class Extraction:
    """Everything extracted from one notice."""

    notice: Notice
    entities: list[LocalEntity]
    relations: list[Relation]
    reporting: list[ReportingLine]
    post: PostInfo
    body: str | None = None  # LocalEntity id of the NATO body in the header
    warnings: list[str] = field(default_factory=list)

    def entity(self, local_id: str) -> LocalEntity:
        return next(e for e in self.entities if e.id == local_id)


# -------------------------------------------------------------------- resolve


@dataclass
class Entity:
    """One real organisational entity, merged across notices.

    ``key`` is a readable path derived from the canonical name and the scoping
    parent ("defence-policy-and-planning-division/resilience-section"); the
    build stage turns it into an IRI.
    """

    key: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)  # lang -> preferred label
    alt_labels: dict[str, set[str]] = field(default_factory=dict)  # lang -> other surface forms
    acronyms: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)  # keys of direct parents
    sources: set[str] = field(default_factory=set)  # notice file names that mention it


@dataclass(frozen=True)
class Mention:
    """An entity named in a notice, with the words and the sentence."""

    entity: str  # Entity key
    surface: str
    evidence: Evidence


@dataclass(frozen=True)
class Fact:
    """A resolved relation stated by one notice; subject/object are Entity keys or POST."""

    subject: str
    predicate: str
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class Superior:
    """A resolved step of a reporting line: a role in a unit."""

    order: int
    roles: tuple[str, ...]
    unit: str  # Entity key
    evidence: Evidence


@dataclass
class Posting:
    """One notice and the post it advertises, with entity references resolved."""

    source: str
    sha256: str
    header: Header
    title: str | None
    title_fr: str | None
    unit: str | None  # Entity key
    body: str | None  # Entity key of the NATO body
    direct_reports: int | None
    indirect_reports: int | None
    superiors: list[Superior] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    """The resolved graph in plain data: entities plus one Posting per notice."""

    entities: dict[str, Entity]
    postings: list[Posting]
