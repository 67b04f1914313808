"""Turn a resolved :class:`~kg.model.Corpus` into an RDF dataset (CONTRACT.md).

Layout of the dataset
---------------------
* ``kgd:graph/entities`` holds what no single notice owns: the description of
  every organisational entity (type, ``skos:prefLabel`` per language,
  ``skos:altLabel``, ``kgo:acronym``, ``rdfs:label``, ``org:subOrganizationOf``
  its parents, ``kgo:firstSeen`` / ``kgo:lastSeen``), the ``org:Role`` nodes and
  the superiors' posts (``org:Post`` with ``org:postIn`` and ``org:role``).
* One named graph per notice, named by the posting's IRI
  (``kgd:notice/<slug>``), holds everything that notice states: the
  ``schema:JobPosting`` and its salary and place, the advertised ``org:Post``,
  the ``org:reportsTo`` chain, the relations (``org:subOrganizationOf``,
  ``kgo:supports``, ``kgo:heads``, ``kgo:oversees``, ``kgo:coordinatesWith``),
  ``kgo:mentions``, and the evidence for each of them.

Provenance
----------
Each relation and each step of a reporting line gets a ``kgo:Evidence`` node
that reifies the triple it attests (``rdf:subject``, ``rdf:predicate``,
``rdf:object``) and carries ``kgo:sentence`` (tagged with its language),
``kgo:section`` and ``prov:wasDerivedFrom`` the posting.  Each mention gets an
evidence node with ``kgo:evidenceFor`` the entity and ``kgo:surfaceForm``.
The posting itself is ``prov:wasDerivedFrom`` a ``prov:Entity`` standing for
the source file (its name and the SHA-256 of its normalised text).  So a
relation can be traced by SPARQL to its sentence and to the file it came from,
and the named graph tells which notice stated what.

IRIs are built from keys, slugs and hashes only, and there are no blank nodes,
so the same corpus always gives the same dataset.

Terms
-----
A corpus of ten thousand notices makes millions of quads, so the triples are
made of plain values rather than rdflib terms: an IRI is a ``str`` and a
literal a :class:`Lit` (lexical form, language, datatype).  They hash and
compare at the speed of strings, and each distinct term is turned into an
rdflib or Oxigraph term once, by whoever consumes the quads:
:func:`build_quads` streams them for the writers (:mod:`kg.store`), and
:func:`build_dataset` loads them into an rdflib Dataset for the Python API.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SKOS
from rdflib.term import Identifier

from kg.config import KGD, KGO, ORG, SCHEMA
from kg.model import ENTITY_TYPES, POST, ROLES, Corpus, Entity, Evidence, Fact, Posting, Superior


class Lit(NamedTuple):
    """A literal: its lexical form and a language tag or a datatype IRI (neither: a plain string)."""

    value: str
    lang: str | None = None
    datatype: str | None = None


#: An IRI (a plain ``str``) or a literal.
Term = str | Lit
Triple = tuple[str, str, Term]
#: (subject, predicate, object, graph name).
Quad = tuple[str, str, Term, str]


class Vocabulary:
    """The IRIs of one namespace as plain strings: ``kgo.sentence`` is ``".../ontology#sentence"``."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        iri = self._namespace + name
        setattr(self, name, iri)  # the next look-up finds a plain attribute
        return iri


#: Prefixes bound on every graph written or queried, in a fixed order.
PREFIXES: dict[str, Namespace] = {
    "kgd": KGD,
    "kgo": KGO,
    "org": ORG,
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "schema": SCHEMA,
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}

KGD_BASE = str(KGD)
kgo, org, schema = Vocabulary(str(KGO)), Vocabulary(str(ORG)), Vocabulary(str(SCHEMA))
rdf, rdfs, xsd = Vocabulary(str(RDF)), Vocabulary(str(RDFS)), Vocabulary(str(XSD))
skos, prov = Vocabulary(str(SKOS)), Vocabulary(str(PROV))

ENTITIES_GRAPH = KGD["graph/entities"]
ENTITIES_GRAPH_IRI = str(ENTITIES_GRAPH)

#: Entity type name -> the kgo class and the org: class it specialises.
TYPE_CLASSES: dict[str, tuple[str, str]] = {
    name: (getattr(kgo, name), org.FormalOrganization if name == "Organization" else org.OrganizationalUnit)
    for name in ENTITY_TYPES
}

#: Relation name (model.RELATION_KINDS) -> predicate.
FACT_PREDICATES: dict[str, str] = {
    "partOf": org.subOrganizationOf,
    "supports": kgo.supports,
    "heads": kgo.heads,
    "oversees": kgo.oversees,
    "coordinatesWith": kgo.coordinatesWith,
}

#: Where the subject is the advertised post, a post sits *in* a unit rather than being part of it.
POST_SUBJECT_PREDICATES: dict[str, str] = {"partOf": org.postIn}

#: French names of the roles, as the bilingual notices give them.
ROLE_LABELS_FR: dict[str, str] = {
    "Deputy Assistant Secretary General": "Secrétaire général adjoint délégué",
    "Assistant Secretary General": "Secrétaire général adjoint",
    "Deputy Secretary General": "Secrétaire général délégué",
    "Secretary General": "Secrétaire général",
    "Deputy Director": "Directeur adjoint",
    "Director": "Directeur",
    "Head": "Chef",
}

#: Salary period as written -> schema:unitText.
SALARY_PERIODS: dict[str, str] = {
    "hourly": "HOUR",
    "daily": "DAY",
    "weekly": "WEEK",
    "monthly": "MONTH",
    "yearly": "YEAR",
    "annual": "YEAR",
    "annually": "YEAR",
}

#: Schedule as written -> schema:employmentType value.
EMPLOYMENT_TYPES: dict[str, str] = {
    "full-time": "FULL_TIME",
    "full time": "FULL_TIME",
    "part-time": "PART_TIME",
    "part time": "PART_TIME",
    "temporary": "TEMPORARY",
}

#: Cache sizes for the IRIs every notice names again (units, superiors' posts, roles).
IRI_CACHE_SIZE = 1 << 16


# ------------------------------------------------------------------ naming


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Deputy Director" -> "deputy-director"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


@lru_cache(maxsize=IRI_CACHE_SIZE)
def unit_iri(key: str) -> str:
    return KGD_BASE + "unit/" + quote(key, safe="/-._~")


@lru_cache(maxsize=IRI_CACHE_SIZE)
def role_iri_text(role: str) -> str:
    return KGD_BASE + "role/" + slug(role)


@lru_cache(maxsize=IRI_CACHE_SIZE)
def superior_post_iri_text(unit_key: str, roles: tuple[str, ...]) -> str:
    main_role = slug(roles[0]) if roles else "superior"
    return KGD_BASE + "post/" + quote(unit_key, safe="/-._~") + "/" + main_role


def evidence_iri_text(notice_slug: str, *parts: str) -> str:
    digest = hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{KGD_BASE}evidence/{notice_slug}/{digest}"


def entity_iri(key: str) -> URIRef:
    return URIRef(unit_iri(key))


def role_iri(role: str) -> URIRef:
    return URIRef(role_iri_text(role))


def superior_post_iri(unit_key: str, roles: tuple[str, ...]) -> URIRef:
    return URIRef(superior_post_iri_text(unit_key, roles))


def posting_iri(notice_slug: str) -> URIRef:
    return KGD["notice/" + notice_slug]


def advertised_post_iri(notice_slug: str) -> URIRef:
    return KGD["post/notice/" + notice_slug]


def evidence_iri(notice_slug: str, *parts: str) -> URIRef:
    return URIRef(evidence_iri_text(notice_slug, *parts))


def notice_slugs(postings: Iterable[Posting]) -> dict[str, str]:
    """Source file -> slug of the notice, from its reference, else its file name.

    Two files with the same reference number keep distinct IRIs: the second
    and later get the file name appended.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for posting in sorted(postings, key=lambda p: p.source):
        base = slug(posting.header.reference or posting.source)
        chosen = base if base not in taken else f"{base}-{slug(posting.source)}"
        taken.add(chosen)
        out[posting.source] = chosen
    return out


# ----------------------------------------------------------------- helpers


def date_literal(text: str | None) -> Lit | None:
    """An ``xsd:date`` for an ISO date, None when the text is not one."""
    parsed = parse_date(text)
    return day_literal(parsed) if parsed else None


def day_literal(day: date) -> Lit:
    return Lit(day.isoformat(), datatype=xsd.date)


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def best_label(entity: Entity | None, fallback: str) -> tuple[str, str]:
    """(label, language) naming an entity: English first, then French."""
    if entity is not None:
        for lang in ("en", "fr"):
            if entity.labels.get(lang):
                return entity.labels[lang], lang
        for lang in sorted(entity.labels):
            return entity.labels[lang], lang
    return fallback, "en"


def role_in_title(title: str | None) -> str | None:
    """The role a title starts with ("Head, Resilience Section" -> "Head"), most specific first."""
    if not title:
        return None
    lowered = title.strip().lower()
    return next((role for role in ROLES if re.match(re.escape(role.lower()) + r"\b", lowered)), None)


def referenced_entities(posting: Posting) -> set[str]:
    """Every entity key a posting refers to: mentions, unit, body, relations, superiors."""
    keys = {m.entity for m in posting.mentions}
    keys |= {k for k in (posting.unit, posting.body) if k}
    keys |= {side for f in posting.facts for side in (f.subject, f.object) if side != POST}
    keys |= {s.unit for s in posting.superiors}
    return keys


def ordered_superiors(posting: Posting) -> list[Superior]:
    return sorted(posting.superiors, key=lambda s: (s.order, s.roles, s.unit))


# ------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class CorpusIndex:
    """Facts about the whole corpus that single notices need: slugs, seen dates, superiors' roles."""

    slugs: dict[str, str]
    seen: dict[str, tuple[date, date]]
    superior_roles: dict[str, tuple[str, tuple[str, ...]]]  # post IRI -> (unit key, roles)


def index_corpus(corpus: Corpus) -> CorpusIndex:
    return CorpusIndex(
        slugs=notice_slugs(corpus.postings),
        seen=seen_dates(corpus),
        superior_roles=superior_posts(corpus.postings),
    )


def seen_dates(corpus: Corpus) -> dict[str, tuple[date, date]]:
    """Entity key -> (earliest, latest) deadline of the notices that mention it."""
    dates: dict[str, list[date]] = defaultdict(list)
    deadline_of = {p.source: parse_date(p.header.deadline) for p in corpus.postings}
    for posting in corpus.postings:
        if deadline_of[posting.source]:
            for key in referenced_entities(posting):
                dates[key].append(deadline_of[posting.source])
    for key, entity in corpus.entities.items():
        dates[key].extend(d for d in (deadline_of.get(s) for s in entity.sources) if d)
    return {key: (min(ds), max(ds)) for key, ds in dates.items() if ds}


def superior_posts(postings: Iterable[Posting]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Superior post IRI -> (unit key, every role it holds across notices, main role first)."""
    roles: dict[str, list[str]] = {}
    units: dict[str, str] = {}
    for posting in postings:
        for superior in posting.superiors:
            iri = superior_post_iri_text(superior.unit, superior.roles)
            units[iri] = superior.unit
            known = roles.setdefault(iri, [])
            known.extend(r for r in superior.roles if r not in known)
    return {iri: (units[iri], tuple(roles[iri][:1]) + tuple(sorted(roles[iri][1:]))) for iri in roles}


def build_graphs(corpus: Corpus) -> Iterator[tuple[str, Iterator[Triple]]]:
    """(graph name, its triples) for the shared graph of entities, then each notice in source order.

    Each graph's triples are generated while the consumer reads them, so a
    whole corpus never sits in memory as terms.
    """
    index = index_corpus(corpus)
    yield ENTITIES_GRAPH_IRI, entities_triples(corpus, index)
    for posting in sorted(corpus.postings, key=lambda p: p.source):
        notice_slug = index.slugs[posting.source]
        yield KGD_BASE + "notice/" + notice_slug, notice_triples(posting, notice_slug)


def build_quads(corpus: Corpus) -> Iterator[Quad]:
    """Every quad of the dataset, graph after graph, as plain terms (see :class:`Lit`)."""
    for graph_name, triples in build_graphs(corpus):
        for subject, predicate, obj in triples:
            yield subject, predicate, obj, graph_name


def build_dataset(corpus: Corpus) -> Dataset:
    """The corpus as an rdflib Dataset: one shared graph of entities, one named graph per notice."""
    ds = new_dataset()
    to_rdflib = RdflibTerms()
    for graph_name, triples in build_graphs(corpus):
        graph = ds.graph(URIRef(graph_name))
        for subject, predicate, obj in triples:
            graph.add((to_rdflib(subject), to_rdflib(predicate), to_rdflib(obj)))
    return ds


class RdflibTerms:
    """Turns plain terms into rdflib terms, each distinct term once."""

    def __init__(self) -> None:
        self._terms: dict[Term, Identifier] = {}

    def __call__(self, term: Term) -> Identifier:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = rdflib_term(term)
        return found


def rdflib_term(term: Term) -> Identifier:
    if isinstance(term, Lit):
        return Literal(term.value, lang=term.lang or None, datatype=URIRef(term.datatype) if term.datatype else None)
    return URIRef(term)


def new_dataset() -> Dataset:
    ds = Dataset()
    bind_prefixes(ds)
    return ds


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def compact_iri(iri: str) -> str:
    """``kgd:notice/240696`` for a term under a bound namespace, else ``<iri>``: for messages and tables."""
    matches = [(len(str(ns)), prefix) for prefix, ns in PREFIXES.items() if iri.startswith(str(ns))]
    if not matches:
        return f"<{iri}>"
    length, prefix = max(matches)
    return f"{prefix}:{iri[length:]}"


def union_graph(ds: Dataset) -> Graph:
    """All triples of all graphs of the dataset in one graph, prefixes bound."""
    graph = Graph()
    bind_prefixes(graph)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


# ---------------------------------------------------------- shared graph


def entities_triples(corpus: Corpus, index: CorpusIndex) -> Iterator[Triple]:
    for key in sorted(corpus.entities):
        yield from entity_triples(corpus.entities[key], index.seen.get(key))
    yield from roles_triples(corpus, index)
    for post, (unit_key, roles) in sorted(index.superior_roles.items()):
        yield from superior_post_triples(post, unit_key, roles, corpus.entities.get(unit_key))


def entity_triples(entity: Entity, seen: tuple[date, date] | None) -> Iterator[Triple]:
    node = unit_iri(entity.key)
    if entity.type not in TYPE_CLASSES:
        raise ValueError(f"entity {entity.key!r} has type {entity.type!r}; expected one of {', '.join(ENTITY_TYPES)}")
    for cls in TYPE_CLASSES[entity.type]:
        yield node, rdf.type, cls
    for lang, label in sorted(entity.labels.items()):
        yield node, skos.prefLabel, Lit(label, lang)
    for lang, labels in sorted(entity.alt_labels.items()):
        for label in sorted(labels - {entity.labels.get(lang)}):
            yield node, skos.altLabel, Lit(label, lang)
    for acronym in sorted(entity.acronyms):
        yield node, kgo.acronym, Lit(acronym)
    if entity.labels:
        label, lang = best_label(entity, entity.key)
        yield node, rdfs.label, Lit(label, lang)
    for parent in sorted(entity.parents):
        yield node, org.subOrganizationOf, unit_iri(parent)
    if seen:
        yield node, kgo.firstSeen, day_literal(seen[0])
        yield node, kgo.lastSeen, day_literal(seen[1])


def roles_triples(corpus: Corpus, index: CorpusIndex) -> Iterator[Triple]:
    used = {role for _, roles in index.superior_roles.values() for role in roles}
    used |= {r for r in (role_in_title(p.title or p.header.title) for p in corpus.postings) if r}
    for role in sorted(used):
        node = role_iri_text(role)
        yield node, rdf.type, org.Role
        yield node, rdfs.label, Lit(role, "en")
        if role in ROLE_LABELS_FR:
            yield node, rdfs.label, Lit(ROLE_LABELS_FR[role], "fr")


def superior_post_triples(post: str, unit_key: str, roles: tuple[str, ...], unit: Entity | None) -> Iterator[Triple]:
    yield post, rdf.type, org.Post
    yield post, org.postIn, unit_iri(unit_key)
    for role in roles:
        yield post, org.role, role_iri_text(role)
    unit_label, _ = best_label(unit, unit_key)
    yield post, rdfs.label, Lit(f"{'/'.join(roles) or 'Superior'}, {unit_label}", "en")
    if unit is not None and unit.labels.get("fr") and roles and all(r in ROLE_LABELS_FR for r in roles):
        roles_fr = "/".join(ROLE_LABELS_FR[r] for r in roles)
        yield post, rdfs.label, Lit(f"{roles_fr}, {unit.labels['fr']}", "fr")


# ----------------------------------------------------------- one notice


@dataclass(frozen=True)
class NoticeNodes:
    """The IRIs one notice's triples are built around."""

    slug: str
    posting: str
    post: str

    def node(self, key: str) -> str:
        """An entity key, or POST for the advertised post."""
        return self.post if key == POST else unit_iri(key)


def notice_triples(posting: Posting, notice_slug: str) -> Iterator[Triple]:
    nodes = NoticeNodes(notice_slug, KGD_BASE + "notice/" + notice_slug, KGD_BASE + "post/notice/" + notice_slug)
    yield from posting_triples(posting, nodes)
    yield from source_triples(posting, nodes)
    yield from advertised_post_triples(posting, nodes)
    yield from reporting_triples(posting, nodes)
    for fact in posting.facts:
        yield from fact_triples(fact, posting, nodes)
    for key in sorted(referenced_entities(posting)):
        yield nodes.posting, kgo.mentions, unit_iri(key)
    for mention in posting.mentions:
        yield from mention_triples(mention.entity, mention.surface, mention.evidence, nodes)


def mention_triples(entity_key: str, surface: str, evidence: Evidence, nodes: NoticeNodes) -> Iterator[Triple]:
    entity = unit_iri(entity_key)
    node = evidence_iri_text(nodes.slug, entity, kgo.evidenceFor, surface, evidence.sentence)
    yield node, kgo.evidenceFor, entity
    yield node, kgo.surfaceForm, Lit(surface, evidence.lang)
    yield from evidence_triples(node, evidence, nodes)


def posting_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    header = posting.header
    node = nodes.posting
    yield node, rdf.type, schema.JobPosting
    yield node, kgo.sourceFile, Lit(posting.source)
    yield node, kgo.advertises, nodes.post
    title = posting.title or header.title
    if title:
        yield node, schema.title, Lit(title, "en")
    if posting.title_fr:
        yield node, schema.title, Lit(posting.title_fr, "fr")
    plain_fields = {
        schema.identifier: header.reference,
        kgo.grade: header.grade,
        schema.securityClearanceRequirement: header.clearance,
        schema.employmentType: employment_type(header.schedule),
    }
    for predicate, value in plain_fields.items():
        if value:
            yield node, predicate, Lit(value)
    deadline = date_literal(header.deadline)
    if deadline is not None:
        yield node, schema.validThrough, deadline
    if posting.body:
        yield node, schema.hiringOrganization, unit_iri(posting.body)
    yield from salary_triples(posting, nodes)
    yield from place_triples(posting, nodes)


def employment_type(schedule: str | None) -> str | None:
    if not schedule:
        return None
    return EMPLOYMENT_TYPES.get(schedule.strip().lower(), schedule.strip())


def salary_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    header = posting.header
    if header.salary is None:
        return
    node = f"{nodes.posting}/salary"
    yield nodes.posting, schema.baseSalary, node
    yield node, rdf.type, schema.MonetaryAmount
    yield node, schema.value, Lit(str(Decimal(f"{header.salary:.2f}")), datatype=xsd.decimal)
    yield node, schema.currency, Lit(header.currency or "EUR")
    unit_text = SALARY_PERIODS.get((header.salary_period or "").strip().lower())
    if unit_text:
        yield node, schema.unitText, Lit(unit_text)


def place_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    location = posting.header.location
    if not location:
        return
    place = KGD_BASE + "place/" + slug(location)
    yield nodes.posting, schema.jobLocation, place
    yield place, rdf.type, schema.Place
    yield place, schema.name, Lit(location)


def source_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    source = KGD_BASE + "source/" + slug(posting.source)
    yield nodes.posting, prov.wasDerivedFrom, source
    yield source, rdf.type, prov.Entity
    yield source, rdfs.label, Lit(posting.source)
    if posting.sha256:
        yield source, kgo.sha256, Lit(posting.sha256)


def advertised_post_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    post = nodes.post
    yield post, rdf.type, org.Post
    title = posting.title or posting.header.title
    if title:
        yield post, rdfs.label, Lit(title, "en")
    if posting.title_fr:
        yield post, rdfs.label, Lit(posting.title_fr, "fr")
    if posting.unit:
        yield post, org.postIn, unit_iri(posting.unit)
    role = role_in_title(title)
    if role:
        yield post, org.role, role_iri_text(role)
    counts = {kgo.directReports: posting.direct_reports, kgo.indirectReports: posting.indirect_reports}
    for predicate, count in counts.items():
        if count is not None:
            yield post, predicate, Lit(str(count), datatype=xsd.integer)


def reporting_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    """post -> superior 1 -> superior 2 ...: each step an org:reportsTo with its evidence."""
    lower = nodes.post
    for superior in ordered_superiors(posting):
        upper = superior_post_iri_text(superior.unit, superior.roles)
        yield from attested((lower, org.reportsTo, upper), superior.evidence, nodes)
        lower = upper


def fact_triples(fact: Fact, posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    if fact.predicate not in FACT_PREDICATES:
        raise ValueError(
            f"{posting.source}: unknown relation {fact.predicate!r}; expected one of {', '.join(FACT_PREDICATES)}"
        )
    table = POST_SUBJECT_PREDICATES if fact.subject == POST else {}
    predicate = table.get(fact.predicate, FACT_PREDICATES[fact.predicate])
    yield from attested((nodes.node(fact.subject), predicate, nodes.node(fact.object)), fact.evidence, nodes)


def attested(triple: tuple[str, str, str], evidence: Evidence, nodes: NoticeNodes) -> Iterator[Triple]:
    """The triple itself and an evidence node that reifies it."""
    s, p, o = triple
    yield triple
    node = evidence_iri_text(nodes.slug, s, p, o, evidence.sentence)
    yield node, rdf.subject, s
    yield node, rdf.predicate, p
    yield node, rdf.object, o
    yield from evidence_triples(node, evidence, nodes)


def evidence_triples(node: str, evidence: Evidence, nodes: NoticeNodes) -> Iterator[Triple]:
    yield node, rdf.type, kgo.Evidence
    yield node, kgo.sentence, Lit(evidence.sentence, evidence.lang)
    if evidence.section:
        yield node, kgo.section, Lit(evidence.section)
    yield node, prov.wasDerivedFrom, nodes.posting
