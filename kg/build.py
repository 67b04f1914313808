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
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SKOS

from kg.config import KGD, KGO, ORG, SCHEMA
from kg.model import ENTITY_TYPES, POST, ROLES, Corpus, Entity, Evidence, Fact, Posting, Superior

Triple = tuple[URIRef, URIRef, URIRef | Literal]

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

ENTITIES_GRAPH = KGD["graph/entities"]

#: Entity type name -> the kgo class and the org: class it specialises.
TYPE_CLASSES: dict[str, tuple[URIRef, URIRef]] = {
    name: (KGO[name], ORG.FormalOrganization if name == "Organization" else ORG.OrganizationalUnit)
    for name in ENTITY_TYPES
}

#: Relation name (model.RELATION_KINDS) -> predicate.
FACT_PREDICATES: dict[str, URIRef] = {
    "partOf": ORG.subOrganizationOf,
    "supports": KGO.supports,
    "heads": KGO.heads,
    "oversees": KGO.oversees,
    "coordinatesWith": KGO.coordinatesWith,
}

#: Where the subject is the advertised post, a post sits *in* a unit rather than being part of it.
POST_SUBJECT_PREDICATES: dict[str, URIRef] = {"partOf": ORG.postIn}

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


# ------------------------------------------------------------------ naming


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Deputy Director" -> "deputy-director"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def entity_iri(key: str) -> URIRef:
    return KGD["unit/" + quote(key, safe="/-._~")]


def role_iri(role: str) -> URIRef:
    return KGD["role/" + slug(role)]


def superior_post_iri(unit_key: str, roles: tuple[str, ...]) -> URIRef:
    main_role = slug(roles[0]) if roles else "superior"
    return KGD["post/" + quote(unit_key, safe="/-._~") + "/" + main_role]


def posting_iri(notice_slug: str) -> URIRef:
    return KGD["notice/" + notice_slug]


def advertised_post_iri(notice_slug: str) -> URIRef:
    return KGD["post/notice/" + notice_slug]


def evidence_iri(notice_slug: str, *parts: str) -> URIRef:
    digest = hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:12]
    return KGD[f"evidence/{notice_slug}/{digest}"]


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


def date_literal(text: str | None) -> Literal | None:
    """An ``xsd:date`` for an ISO date, None when the text is not one."""
    parsed = parse_date(text)
    return Literal(parsed) if parsed else None


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
    superior_roles: dict[URIRef, tuple[str, tuple[str, ...]]]  # post -> (unit key, roles)


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


def superior_posts(postings: Iterable[Posting]) -> dict[URIRef, tuple[str, tuple[str, ...]]]:
    """Superior post IRI -> (unit key, every role it holds across notices, main role first)."""
    roles: dict[URIRef, list[str]] = {}
    units: dict[URIRef, str] = {}
    for posting in postings:
        for superior in posting.superiors:
            iri = superior_post_iri(superior.unit, superior.roles)
            units[iri] = superior.unit
            known = roles.setdefault(iri, [])
            known.extend(r for r in superior.roles if r not in known)
    return {iri: (units[iri], tuple(roles[iri][:1]) + tuple(sorted(roles[iri][1:]))) for iri in roles}


def build_dataset(corpus: Corpus) -> Dataset:
    """The corpus as a Dataset: one shared graph of entities, one named graph per notice."""
    index = index_corpus(corpus)
    ds = new_dataset()
    add_all(ds.graph(ENTITIES_GRAPH), sorted(entities_triples(corpus, index), key=triple_key))
    for posting in sorted(corpus.postings, key=lambda p: p.source):
        notice_slug = index.slugs[posting.source]
        add_all(ds.graph(posting_iri(notice_slug)), sorted(notice_triples(posting, notice_slug), key=triple_key))
    return ds


def new_dataset() -> Dataset:
    ds = Dataset()
    bind_prefixes(ds)
    return ds


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def triple_key(triple: Triple) -> tuple[str, ...]:
    """Orders triples by their N-Triples form: terms of different kinds compare safely."""
    return tuple(term.n3() for term in triple)


def add_all(graph: Graph, triples: Iterable[Triple]) -> None:
    for triple in triples:
        graph.add(triple)


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
    node = entity_iri(entity.key)
    if entity.type not in TYPE_CLASSES:
        raise ValueError(f"entity {entity.key!r} has type {entity.type!r}; expected one of {', '.join(ENTITY_TYPES)}")
    for cls in TYPE_CLASSES[entity.type]:
        yield node, RDF.type, cls
    for lang, label in sorted(entity.labels.items()):
        yield node, SKOS.prefLabel, Literal(label, lang=lang)
    for lang, labels in sorted(entity.alt_labels.items()):
        for label in sorted(labels - {entity.labels.get(lang)}):
            yield node, SKOS.altLabel, Literal(label, lang=lang)
    for acronym in sorted(entity.acronyms):
        yield node, KGO.acronym, Literal(acronym)
    if entity.labels:
        label, lang = best_label(entity, entity.key)
        yield node, RDFS.label, Literal(label, lang=lang)
    for parent in sorted(entity.parents):
        yield node, ORG.subOrganizationOf, entity_iri(parent)
    if seen:
        yield node, KGO.firstSeen, Literal(seen[0])
        yield node, KGO.lastSeen, Literal(seen[1])


def roles_triples(corpus: Corpus, index: CorpusIndex) -> Iterator[Triple]:
    used = {role for _, roles in index.superior_roles.values() for role in roles}
    used |= {r for r in (role_in_title(p.title or p.header.title) for p in corpus.postings) if r}
    for role in sorted(used):
        node = role_iri(role)
        yield node, RDF.type, ORG.Role
        yield node, RDFS.label, Literal(role, lang="en")
        if role in ROLE_LABELS_FR:
            yield node, RDFS.label, Literal(ROLE_LABELS_FR[role], lang="fr")


def superior_post_triples(post: URIRef, unit_key: str, roles: tuple[str, ...], unit: Entity | None) -> Iterator[Triple]:
    yield post, RDF.type, ORG.Post
    yield post, ORG.postIn, entity_iri(unit_key)
    for role in roles:
        yield post, ORG.role, role_iri(role)
    unit_label, _ = best_label(unit, unit_key)
    yield post, RDFS.label, Literal(f"{'/'.join(roles) or 'Superior'}, {unit_label}", lang="en")
    if unit is not None and unit.labels.get("fr") and roles and all(r in ROLE_LABELS_FR for r in roles):
        roles_fr = "/".join(ROLE_LABELS_FR[r] for r in roles)
        yield post, RDFS.label, Literal(f"{roles_fr}, {unit.labels['fr']}", lang="fr")


# ----------------------------------------------------------- one notice


@dataclass(frozen=True)
class NoticeNodes:
    """The IRIs one notice's triples are built around."""

    slug: str
    posting: URIRef
    post: URIRef

    def node(self, key: str) -> URIRef:
        """An entity key, or POST for the advertised post."""
        return self.post if key == POST else entity_iri(key)


def notice_triples(posting: Posting, notice_slug: str) -> Iterator[Triple]:
    nodes = NoticeNodes(notice_slug, posting_iri(notice_slug), advertised_post_iri(notice_slug))
    yield from posting_triples(posting, nodes)
    yield from source_triples(posting, nodes)
    yield from advertised_post_triples(posting, nodes)
    yield from reporting_triples(posting, nodes)
    for fact in posting.facts:
        yield from fact_triples(fact, posting, nodes)
    for key in sorted(referenced_entities(posting)):
        yield nodes.posting, KGO.mentions, entity_iri(key)
    for mention in posting.mentions:
        node = evidence_iri(nodes.slug, str(entity_iri(mention.entity)), str(KGO.evidenceFor), mention.surface, mention.evidence.sentence)
        yield node, KGO.evidenceFor, entity_iri(mention.entity)
        yield node, KGO.surfaceForm, Literal(mention.surface, lang=mention.evidence.lang)
        yield from evidence_triples(node, mention.evidence, nodes)


def posting_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    header = posting.header
    node = nodes.posting
    yield node, RDF.type, SCHEMA.JobPosting
    yield node, KGO.sourceFile, Literal(posting.source)
    yield node, KGO.advertises, nodes.post
    title = posting.title or header.title
    if title:
        yield node, SCHEMA["title"], Literal(title, lang="en")
    if posting.title_fr:
        yield node, SCHEMA["title"], Literal(posting.title_fr, lang="fr")
    plain_fields = {
        SCHEMA.identifier: header.reference,
        KGO.grade: header.grade,
        SCHEMA.securityClearanceRequirement: header.clearance,
        SCHEMA.employmentType: employment_type(header.schedule),
    }
    for predicate, value in plain_fields.items():
        if value:
            yield node, predicate, Literal(value)
    deadline = date_literal(header.deadline)
    if deadline is not None:
        yield node, SCHEMA.validThrough, deadline
    if posting.body:
        yield node, SCHEMA.hiringOrganization, entity_iri(posting.body)
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
    node = KGD[f"notice/{nodes.slug}/salary"]
    yield nodes.posting, SCHEMA.baseSalary, node
    yield node, RDF.type, SCHEMA.MonetaryAmount
    yield node, SCHEMA.value, Literal(Decimal(f"{header.salary:.2f}"), datatype=XSD.decimal)
    yield node, SCHEMA.currency, Literal(header.currency or "EUR")
    unit_text = SALARY_PERIODS.get((header.salary_period or "").strip().lower())
    if unit_text:
        yield node, SCHEMA.unitText, Literal(unit_text)


def place_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    location = posting.header.location
    if not location:
        return
    place = KGD["place/" + slug(location)]
    yield nodes.posting, SCHEMA.jobLocation, place
    yield place, RDF.type, SCHEMA.Place
    yield place, SCHEMA.name, Literal(location)


def source_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    source = KGD["source/" + slug(posting.source)]
    yield nodes.posting, PROV.wasDerivedFrom, source
    yield source, RDF.type, PROV.Entity
    yield source, RDFS.label, Literal(posting.source)
    if posting.sha256:
        yield source, KGO.sha256, Literal(posting.sha256)


def advertised_post_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    post = nodes.post
    yield post, RDF.type, ORG.Post
    title = posting.title or posting.header.title
    if title:
        yield post, RDFS.label, Literal(title, lang="en")
    if posting.title_fr:
        yield post, RDFS.label, Literal(posting.title_fr, lang="fr")
    if posting.unit:
        yield post, ORG.postIn, entity_iri(posting.unit)
    role = role_in_title(title)
    if role:
        yield post, ORG.role, role_iri(role)
    counts = {KGO.directReports: posting.direct_reports, KGO.indirectReports: posting.indirect_reports}
    for predicate, count in counts.items():
        if count is not None:
            yield post, predicate, Literal(count, datatype=XSD.integer)


def reporting_triples(posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    """post -> superior 1 -> superior 2 ...: each step an org:reportsTo with its evidence."""
    lower = nodes.post
    for superior in ordered_superiors(posting):
        upper = superior_post_iri(superior.unit, superior.roles)
        yield from attested((lower, ORG.reportsTo, upper), superior.evidence, nodes)
        lower = upper


def fact_triples(fact: Fact, posting: Posting, nodes: NoticeNodes) -> Iterator[Triple]:
    if fact.predicate not in FACT_PREDICATES:
        raise ValueError(
            f"{posting.source}: unknown relation {fact.predicate!r}; expected one of {', '.join(FACT_PREDICATES)}"
        )
    table = POST_SUBJECT_PREDICATES if fact.subject == POST else {}
    predicate = table.get(fact.predicate, FACT_PREDICATES[fact.predicate])
    yield from attested((nodes.node(fact.subject), predicate, nodes.node(fact.object)), fact.evidence, nodes)


def attested(triple: Triple, evidence: Evidence, nodes: NoticeNodes) -> Iterator[Triple]:
    """The triple itself and an evidence node that reifies it."""
    s, p, o = triple
    yield triple
    node = evidence_iri(nodes.slug, str(s), str(p), str(o), evidence.sentence)
    yield node, RDF.subject, s
    yield node, RDF.predicate, p
    yield node, RDF.object, o
    yield from evidence_triples(node, evidence, nodes)


def evidence_triples(node: URIRef, evidence: Evidence, nodes: NoticeNodes) -> Iterator[Triple]:
    yield node, RDF.type, KGO.Evidence
    yield node, KGO.sentence, Literal(evidence.sentence, lang=evidence.lang)
    if evidence.section:
        yield node, KGO.section, Literal(evidence.section)
    yield node, PROV.wasDerivedFrom, nodes.posting
