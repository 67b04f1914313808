"""Project the RDF graph onto an org chart: a networkx graph of units, committees (and posts).

Every node carries what the page shows about it: names in both languages,
acronym, other names, the notices that mention it, evidence sentences, and its
place in the chart (division, parents, children, committees served, other
relations), so that a neighbourhood cut out of the projection still knows
what lies around it.

A build draws its page from :func:`projection_graph`: only the triples the
projection reads, with the evidence cut down to the sentences the panel
shows, so that ten thousand notices do not have to be loaded into rdflib to
draw a few thousand units.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import networkx as nx
import numpy as np
import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg.config import KGO, ORG, SCHEMA
from kg.model import ENTITY_TYPES
from kg.store import QuadTable, rdflib_from_ox
from kg.visualise.styles import EDGE_STYLES, INVERSE_NAMES, POST_TYPE, TYPE_LEVELS, UPWARD_KINDS

MAX_EVIDENCE = 10

#: RDF predicate -> (edge kind, whether the edge runs object -> subject).
RELATIONS: tuple[tuple[URIRef, str, bool], ...] = (
    (ORG.subOrganizationOf, "partOf", False),
    (ORG.hasSubOrganization, "partOf", True),
    (ORG.unitOf, "partOf", False),
    (ORG.hasUnit, "partOf", True),
    (ORG.postIn, "partOf", False),
    (KGO.supports, "supports", False),
    (KGO.heads, "heads", False),
    (KGO.oversees, "oversees", False),
    (KGO.coordinatesWith, "coordinatesWith", False),
    (ORG.reportsTo, "reportsTo", False),
)

Reference = dict[str, str]


# ------------------------------------------------------------- RDF reading


def local_name(term: URIRef | str) -> str:
    text = str(term).rstrip("/#")
    return re.split(r"[#/]", text)[-1] or text


def _language(literal: Literal) -> str | None:
    return _base_language(literal.language)


def _base_language(tag: str | None) -> str | None:
    return tag.split("-")[0].lower() if tag else None


#: A literal's (text, base language), or None for another term.
LiteralReader = Callable[[Any], "tuple[str, str | None] | None"]


def _rdflib_literal(term: Any) -> tuple[str, str | None] | None:
    return (str(term), _language(term)) if isinstance(term, Literal) else None


def _ox_literal(term: Any) -> tuple[str, str | None] | None:
    return (term.value, _base_language(term.language)) if isinstance(term, ox.Literal) else None


def _literals(
    graph: Graph | TripleIndex | QuadTable,
    node: Any,
    predicate: Any,
    lang: str | None,
    read: LiteralReader = _rdflib_literal,
) -> list[str]:
    """Sorted string values of ``predicate`` in ``lang`` (None: untagged only)."""
    values = set()
    for o in graph.objects(node, predicate):
        literal = read(o)
        if literal is not None and literal[1] == lang:
            values.add(literal[0])
    return sorted(values)


def _first_literal(
    graph: Graph | TripleIndex | QuadTable,
    node: Any,
    predicate: Any,
    langs: Iterable[str | None],
    read: LiteralReader = _rdflib_literal,
) -> str:
    for lang in langs:
        values = _literals(graph, node, predicate, lang, read)
        if values:
            return values[0]
    return ""


def _all_literals(graph: Graph, node: URIRef, predicate: URIRef) -> list[str]:
    return sorted({str(o) for o in graph.objects(node, predicate) if isinstance(o, Literal)})


def _class_entity_type(graph: Graph, cls: URIRef) -> str | None:
    """The entity type of a class: itself or its nearest declared superclass."""
    for ancestor in graph.transitive_objects(cls, RDFS.subClassOf):
        if str(ancestor).startswith((str(KGO), str(ORG))) and local_name(ancestor) in ENTITY_TYPES:
            return local_name(ancestor)
    return None


def _entity_types(graph: Graph) -> dict[URIRef, str]:
    """Entity IRI -> its most specific entity type."""
    class_types: dict[URIRef, str | None] = {}
    found: dict[URIRef, set[str]] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        if not isinstance(subject, URIRef) or not isinstance(cls, URIRef):
            continue
        if cls not in class_types:
            class_types[cls] = _class_entity_type(graph, cls)
        entity_type = class_types[cls]
        if entity_type:
            found.setdefault(subject, set()).add(entity_type)
    return {node: _most_specific(types) for node, types in found.items()}


def _most_specific(types: set[str]) -> str:
    """Of several types (Organization and Division, say), the lowest in the chart."""
    return max(types, key=lambda name: (TYPE_LEVELS.get(name, 0), name))


def _notice(graph: Graph, posting: URIRef) -> dict[str, str]:
    return {
        "file": _first_literal(graph, posting, KGO.sourceFile, (None, "en", "fr")),
        "title": _first_literal(graph, posting, SCHEMA.title, ("en", None, "fr")),
    }


def _notices_by_target(graph: Graph, predicates: Iterable[URIRef]) -> dict[URIRef, list[dict[str, str]]]:
    """Target IRI -> the notices (file, title) whose posting points at it, by file name."""
    found: dict[URIRef, dict[str, dict[str, str]]] = {}
    notices: dict[URIRef, dict[str, str]] = {}  # a posting points at dozens of targets
    for predicate in predicates:
        for posting, target in graph.subject_objects(predicate):
            notice = notices.get(posting)
            if notice is None:
                notice = notices[posting] = _notice(graph, posting)
            if notice["file"]:
                found.setdefault(target, {})[notice["file"]] = dict(notice)
    return {target: [by_file[f] for f in sorted(by_file)] for target, by_file in found.items()}


def _evidence_file(graph: Graph | QuadTable, evidence: Any, terms: EvidenceTerms, files: dict[Any, str]) -> str:
    """The file of the first posting the evidence comes from; ``files`` remembers each posting's."""
    for posting in sorted(graph.objects(evidence, terms.derived_from)):
        file = files.get(posting)
        if file is None:
            file = files[posting] = _first_literal(graph, posting, terms.source_file, (None, "en", "fr"), terms.read)
        if file:
            return file
    return ""


EvidenceRow = tuple[str, str, str]  # (notice file, language, sentence)


class EvidenceTerms(NamedTuple):
    """The predicates evidence is read by, and how to read a literal, in one kind of terms."""

    evidence_for: Any
    sentence: Any
    derived_from: Any
    source_file: Any
    read: LiteralReader


RDFLIB_EVIDENCE = EvidenceTerms(KGO.evidenceFor, KGO.sentence, PROV.wasDerivedFrom, KGO.sourceFile, _rdflib_literal)


def _evidence_rows(
    graph: Graph | QuadTable, terms: EvidenceTerms = RDFLIB_EVIDENCE
) -> dict[Any, dict[EvidenceRow, set[Any]]]:
    """Entity IRI -> each (file, language, sentence) naming it -> the evidence nodes that give it."""
    found: dict[Any, dict[EvidenceRow, set[Any]]] = {}
    files: dict[Any, str] = {}
    for evidence, target in graph.subject_objects(terms.evidence_for):
        file = _evidence_file(graph, evidence, terms, files)
        for sentence in graph.objects(evidence, terms.sentence):
            literal = terms.read(sentence)
            if literal is not None:
                row = (file, literal[1] or "", literal[0])
                found.setdefault(target, {}).setdefault(row, set()).add(evidence)
    return found


def _evidence_sentences(graph: Graph) -> dict[URIRef, list[dict[str, str]]]:
    """Entity IRI -> up to MAX_EVIDENCE sentences (text, language, notice file) naming it."""
    return {
        target: [{"file": f, "lang": lang, "text": text} for f, lang, text in _spread(set(rows))]
        for target, rows in _evidence_rows(graph).items()
    }


def _spread(rows: set[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """At most MAX_EVIDENCE rows, taking from each notice in turn (first English, then French)."""
    by_file: dict[str, list[tuple[str, str, str]]] = {}
    for row in sorted(rows, key=lambda r: (r[0], r[1] != "en", r[2])):
        by_file.setdefault(row[0], []).append(row)
    queues = [deque(by_file[f]) for f in sorted(by_file)]
    chosen: list[tuple[str, str, str]] = []
    while len(chosen) < MAX_EVIDENCE and any(queues):
        for queue in queues:
            if queue and len(chosen) < MAX_EVIDENCE:
                chosen.append(queue.popleft())
    return sorted(chosen, key=lambda r: (r[0], r[1] != "en", r[2]))


def _entity_label(graph: Graph, node: URIRef) -> str:
    return (
        _first_literal(graph, node, SKOS.prefLabel, ("en", "fr", None))
        or _first_literal(graph, node, KGO.acronym, (None, "en", "fr"))
        or local_name(node)
    )


def _entity_attributes(graph: Graph, node: URIRef, entity_type: str) -> dict[str, Any]:
    return {
        "type": entity_type,
        "label": _entity_label(graph, node),
        "label_fr": _first_literal(graph, node, SKOS.prefLabel, ("fr",)),
        "acronym": _first_literal(graph, node, KGO.acronym, (None, "en", "fr")),
        "alt_labels": _all_literals(graph, node, SKOS.altLabel),
    }


# ------------------------------------------------------------------- posts


def _post_nodes(graph: Graph) -> list[URIRef]:
    posts = set(graph.subjects(RDF.type, ORG.Post))
    posts.update(graph.objects(None, KGO.advertises))
    for subordinate, superior in graph.subject_objects(ORG.reportsTo):
        posts.update((subordinate, superior))
    return sorted(p for p in posts if isinstance(p, URIRef))


def _role_label(graph: Graph, post: URIRef) -> str:
    for role in sorted(graph.objects(post, ORG.role)):
        label = _first_literal(graph, role, RDFS.label, ("en", None, "fr")) or _first_literal(
            graph, role, SKOS.prefLabel, ("en", None, "fr")
        )
        if label:
            return label
    return ""


def _unit_label(graph: Graph, post: URIRef) -> str:
    units = sorted(graph.objects(post, ORG.postIn))
    return _entity_label(graph, units[0]) if units else ""


def _posting_title(graph: Graph, post: URIRef, langs: Iterable[str | None]) -> str:
    for posting in sorted(graph.subjects(KGO.advertises, post)):
        title = _first_literal(graph, posting, SCHEMA.title, langs)
        if title:
            return title
    return ""


def _post_label(graph: Graph, post: URIRef) -> str:
    """The notice title, else "Role, Unit" (e.g. "Head, Resilience Section")."""
    title = _posting_title(graph, post, ("en", None, "fr"))
    if title:
        return title
    role, unit = _role_label(graph, post), _unit_label(graph, post)
    return ", ".join(part for part in (role, unit) if part) or local_name(post)


def _post_attributes(graph: Graph, post: URIRef) -> dict[str, Any]:
    return {
        "type": POST_TYPE,
        "label": _post_label(graph, post),
        "label_fr": _posting_title(graph, post, ("fr",)),
        "acronym": "",
        "alt_labels": [],
    }


def _committees_through_posts(graph: Graph, committees: set[URIRef]) -> dict[str, set[str]]:
    """Unit IRI -> the committees its posts support."""
    served: dict[str, set[str]] = {}
    for post, unit in graph.subject_objects(ORG.postIn):
        for target in graph.objects(post, KGO.supports):
            if target in committees:
                served.setdefault(str(unit), set()).add(str(target))
    return served


# ------------------------------------------------------------- projection


def _relation_edges(graph: Graph, nodes: set[URIRef]) -> set[tuple[str, str, str]]:
    """(source, target, kind) for every relation whose two ends are drawn."""
    edges: set[tuple[str, str, str]] = set()
    for predicate, kind, inverse in RELATIONS:
        for subject, obj in graph.subject_objects(predicate):
            source, target = (obj, subject) if inverse else (subject, obj)
            if source in nodes and target in nodes and source != target:
                edges.add((str(source), str(target), kind))
    return edges


def to_networkx(graph: Graph | TripleIndex, include_posts: bool = False) -> nx.MultiDiGraph:
    """Project the RDF graph onto units, committees (and posts) and their relations.

    ``graph`` is an rdflib Graph, or the smaller :func:`projection_graph` of a
    built corpus, which projects the same.

    Nodes are IRIs (strings) with ``type``, ``label``, ``label_fr``, ``acronym``,
    ``alt_labels``, ``notices`` ([{file, title}]) and ``evidence`` ([{file, lang,
    text}], at most ten), plus their place in the chart: ``division`` (the
    nearest Division above, or the node itself, as {id, label}; None when
    there is none), ``parents``, ``children``, ``committees`` (served by the
    unit or its posts) and ``relations`` (every other edge, named from the
    node's side, with ``relation``), each a list of {id, label}.  Edges
    carry ``kind`` and use it as their key.  Without ``include_posts`` only
    relations between units and committees remain; with it, posts are nodes of
    type "Post" linked by their own relations, ``org:postIn`` (as partOf) and
    ``org:reportsTo``.
    """
    entity_types = _entity_types(graph)
    attributes = {
        node: _entity_attributes(graph, node, entity_type) for node, entity_type in entity_types.items()
    }
    if include_posts:
        for post in _post_nodes(graph):
            attributes.setdefault(post, _post_attributes(graph, post))
    notices = _notices_by_target(graph, (KGO.mentions, KGO.advertises))
    evidence = _evidence_sentences(graph)

    projection = nx.MultiDiGraph()
    for node in sorted(attributes):
        projection.add_node(
            str(node), **attributes[node], notices=notices.get(node, []), evidence=evidence.get(node, [])
        )
    for source, target, kind in sorted(_relation_edges(graph, set(attributes))):
        projection.add_edge(source, target, key=kind, kind=kind)
    committees = {node for node, kind in entity_types.items() if kind == "Committee"}
    _annotate(projection, _committees_through_posts(graph, committees))
    return projection


# ------------------------------------------------------- reduced graph


#: Every predicate :func:`to_networkx` reads: a graph cut down to them projects the same.
PROJECTED_PREDICATES: frozenset[str] = frozenset(
    str(predicate)
    for predicate in (
        RDF.type, RDFS.subClassOf, RDFS.label, SKOS.prefLabel, SKOS.altLabel, KGO.acronym,
        KGO.mentions, KGO.advertises, KGO.sourceFile, SCHEMA.title, ORG.role,
        KGO.evidenceFor, KGO.sentence, PROV.wasDerivedFrom,
        *(relation for relation, _, _ in RELATIONS),
    )
)


class TripleIndex:
    """A read-only graph held as plain dicts: what :func:`to_networkx` asks of an rdflib Graph.

    It answers ``objects``, ``subjects``, ``subject_objects`` and
    ``transitive_objects`` as an rdflib Graph does, for a fraction of the
    time and memory an rdflib Graph takes to hold the same triples.  The
    pairs given for a predicate are taken to be distinct.
    """

    def __init__(self) -> None:
        self._pairs: dict[Any, list[tuple[Any, Any]]] = {}
        self._by_subject: dict[Any, dict[Any, tuple[Any, ...]]] = {}
        self._by_object: dict[Any, dict[Any, list[Any]]] = {}

    def add_pairs(self, predicate: Any, subjects: list[Any], objects: list[Any]) -> None:
        """Add the (subject, object) pairs of one predicate, given as two lists."""
        self._pairs.setdefault(predicate, []).extend(zip(subjects, objects))
        by_subject = self._by_subject.setdefault(predicate, {})
        if not by_subject and len(set(subjects)) == len(subjects):
            by_subject.update(zip(subjects, zip(objects)))  # one object each: made in C, no Python loop
        else:
            grouped: dict[Any, list[Any]] = {}
            for subject, obj in zip(subjects, objects):
                grouped.setdefault(subject, []).append(obj)
            for subject, added in grouped.items():
                by_subject[subject] = (*by_subject.get(subject, ()), *added)
        self._by_object.pop(predicate, None)

    def __len__(self) -> int:
        return sum(map(len, self._pairs.values()))

    def objects(self, subject: Any = None, predicate: Any = None) -> Iterator[Any]:
        if subject is None:
            return (obj for _, obj in self._pairs.get(predicate, ()))
        return iter(self._by_subject.get(predicate, {}).get(subject, ()))

    def subjects(self, predicate: Any = None, obj: Any = None) -> Iterator[Any]:
        if obj is None:
            return (subject for subject, _ in self._pairs.get(predicate, ()))
        if predicate not in self._by_object:
            by_object: dict[Any, list[Any]] = {}
            for subject, value in self._pairs.get(predicate, ()):
                by_object.setdefault(value, []).append(subject)
            self._by_object[predicate] = by_object
        return iter(self._by_object[predicate].get(obj, ()))

    def subject_objects(self, predicate: Any = None) -> Iterator[tuple[Any, Any]]:
        return iter(self._pairs.get(predicate, ()))

    def transitive_objects(self, subject: Any, predicate: Any, remember: dict | None = None) -> Iterator[Any]:
        """``subject``, then what it reaches through ``predicate``, depth first, each once (as rdflib)."""
        remember = {} if remember is None else remember
        if subject in remember:
            return
        remember[subject] = 1
        yield subject
        for obj in self.objects(subject, predicate):
            yield from self.transitive_objects(obj, predicate, remember)


#: What evidence is read by in a projection graph, whose evidence terms are term numbers.
_NUMBERED_EVIDENCE = tuple(str(predicate) for predicate in RDFLIB_EVIDENCE[:4])
_TYPE = str(RDF.type)


def projection_graph(quads: QuadTable) -> TripleIndex:
    """The triples :func:`to_networkx` reads from ``quads``, each evidence sentence it would show and no other.

    An entity named in a thousand notices has thousands of evidence nodes,
    of which the panel shows MAX_EVIDENCE: only the evidence nodes that give
    those sentences are kept, and the evidence nodes' own types are left
    out.  The evidence is chosen on term numbers (which sort as the terms
    do), and only what is kept becomes rdflib terms.  Where each evidence
    node names one entity in one sentence, as in a built graph, the
    projection of the result is the projection of the whole graph.
    """
    shown = np.fromiter(sorted(_shown_evidence(quads)), dtype=np.uint32)
    evidence_nodes = quads.pairs(_NUMBERED_EVIDENCE[1])[0]
    kept: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for predicate in sorted(PROJECTED_PREDICATES):
        subjects, objects = quads.pairs(predicate)
        if predicate in _NUMBERED_EVIDENCE[:3]:
            keep = np.isin(subjects, shown)
        elif predicate == _TYPE:
            keep = ~np.isin(subjects, evidence_nodes)
        else:
            keep = slice(None)
        kept[predicate] = subjects[keep], objects[keep]
    return _rdflib_index(quads, kept)


def _rdflib_index(quads: QuadTable, pairs: dict[str, tuple[np.ndarray, np.ndarray]]) -> TripleIndex:
    """The pairs of term numbers as a TripleIndex of rdflib terms, each term made once."""
    numbers = np.unique(np.concatenate([column for both in pairs.values() for column in both] or [np.empty(0)]))
    term_of = dict(zip(numbers.tolist(), map(rdflib_from_ox, map(quads.term, numbers.tolist()))))
    graph = TripleIndex()
    for predicate, (subjects, objects) in pairs.items():
        to_term = term_of.__getitem__
        graph.add_pairs(URIRef(predicate), list(map(to_term, subjects.tolist())), list(map(to_term, objects.tolist())))
    return graph


def _shown_evidence(quads: QuadTable) -> set[int]:
    """One evidence node for each sentence the panel shows (at most MAX_EVIDENCE an entity).

    The same choice as :func:`_evidence_rows` and :func:`_spread` make for
    the panel, made on the table's columns of term numbers: each evidence
    node's (entity, notice file, sentence), the smallest evidence node of
    each, and per entity the sentences of each file in turn.  Python looks at
    each posting and each sentence once, never at each evidence node.
    """
    evidence_for, sentence, derived_from, source_file = _NUMBERED_EVIDENCE
    literals: dict[int, tuple[str, str | None] | None] = {}

    def read(number: int) -> tuple[str, str | None] | None:
        if number not in literals:
            literals[number] = _ox_literal(quads.term(number))
        return literals[number]

    nodes, targets = quads.pairs(evidence_for)
    sentence_nodes, sentences = quads.pairs(sentence)
    files = _evidence_file_codes(quads, nodes, derived_from, source_file, read)
    # each (evidence, target) with each of the evidence's sentences (pairs come sorted by subject)
    first = np.searchsorted(sentence_nodes, nodes, side="left")
    count = np.searchsorted(sentence_nodes, nodes, side="right") - first
    rows = np.repeat(np.arange(len(nodes)), count)
    picked = np.repeat(first, count) + _place_in_group(rows)
    code = _sentence_codes(sentences[picked], read)
    readable = code >= 0
    rows, code = rows[readable], code[readable]
    evidence, target, file = nodes[rows], targets[rows], files[rows]
    # the smallest evidence node of each (target, file, sentence)
    order = np.lexsort((evidence, code, file, target))
    evidence, target, file, code = evidence[order], target[order], file[order], code[order]
    first_of_row = _place_in_group(target, file, code) == 0
    evidence, target, file, code = (column[first_of_row] for column in (evidence, target, file, code))
    # each file's sentences in turn, the rows being sorted by code within each file: its first (English first,
    # then by text), then its second, ...
    turn = _place_in_group(target, file)
    order = np.lexsort((file, turn, target))
    evidence, target = evidence[order], target[order]
    return set(evidence[_place_in_group(target) < MAX_EVIDENCE].tolist())


def _place_in_group(*keys: np.ndarray) -> np.ndarray:
    """For rows sorted by ``keys``, each row's place among the rows of the same keys (0, 1, 2, ...)."""
    length = len(keys[0])
    changed = np.zeros(length, dtype=bool)
    if length:
        changed[0] = True
        for key in keys:
            changed[1:] |= key[1:] != key[:-1]
    group_start = np.maximum.accumulate(np.where(changed, np.arange(length), 0))
    return np.arange(length) - group_start


def _evidence_file_codes(quads: QuadTable, nodes: np.ndarray, derived_from: str, source_file: str,
                         read: LiteralReader) -> np.ndarray:
    """For each evidence node, the rank (by name) of the file of the first posting it comes from that names one
    (see :func:`_evidence_file`); the file "" when none does."""
    evidence, postings = quads.pairs(derived_from)  # sorted by evidence, then posting
    unique_postings = np.unique(postings)
    names = [_first_literal(quads, int(posting), source_file, (None, "en", "fr"), read)
             for posting in unique_postings.tolist()]
    ranked = sorted(set(names) | {""})
    rank_of = {name: rank for rank, name in enumerate(ranked)}
    posting_file = np.array([rank_of[name] for name in names], dtype=np.int64)
    file = posting_file[np.searchsorted(unique_postings, postings)] if len(postings) else np.empty(0, np.int64)
    named = file != rank_of[""]
    evidence, file = evidence[named], file[named]
    first = _place_in_group(evidence) == 0
    evidence, file = evidence[first], file[first]
    codes = np.full(len(nodes), rank_of[""], dtype=np.int64)
    found = np.searchsorted(evidence, nodes)
    inside = found < len(evidence)
    hit = np.zeros(len(nodes), dtype=bool)
    hit[inside] = evidence[found[inside]] == nodes[inside]
    codes[hit] = file[found[hit]]
    return codes


def _sentence_codes(sentences: np.ndarray, read: LiteralReader) -> np.ndarray:
    """A code for each sentence term (-1 where it is no literal), the same for the same (text, language);
    codes follow the panel's order within a notice: English first, then by text."""
    unique, inverse = np.unique(sentences, return_inverse=True)
    keys = [read(number) for number in unique.tolist()]
    distinct = sorted({(lang or "", text) for text, lang in (key for key in keys if key is not None)},
                      key=lambda key: (key[0] != "en", key[1], key[0]))
    code_of = {key: code for code, key in enumerate(distinct)}
    codes = np.array([-1 if key is None else code_of[(key[1] or "", key[0])] for key in keys], dtype=np.int64)
    return codes[inverse] if len(sentences) else np.empty(0, np.int64)


# ------------------------------------------------------------ chart places


def _reference(nx_graph: nx.MultiDiGraph, node: str) -> Reference:
    return {"id": node, "label": nx_graph.nodes[node]["label"]}


def _references(nx_graph: nx.MultiDiGraph, nodes: Iterable[str]) -> list[Reference]:
    ordered = sorted(set(nodes), key=lambda n: (nx_graph.nodes[n]["label"].casefold(), n))
    return [_reference(nx_graph, node) for node in ordered]


def upward_targets(nx_graph: nx.MultiDiGraph, node: str) -> list[str]:
    """The nodes ``node`` is part of or reports to, sorted."""
    return sorted({t for _, t, kind in nx_graph.out_edges(node, keys=True) if kind in UPWARD_KINDS})


def nearest_division(nx_graph: nx.MultiDiGraph, node: str) -> str:
    """The closest Division above ``node`` (itself when it is one), or ""."""
    seen, queue = {node}, deque([node])
    while queue:
        current = queue.popleft()
        if nx_graph.nodes[current].get("type") == "Division":
            return current
        for parent in upward_targets(nx_graph, current):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return ""


def _relations(nx_graph: nx.MultiDiGraph, node: str, committees: set[str]) -> list[dict[str, str]]:
    """Every edge at ``node`` except part-of and the committees it serves, named from its side."""
    rows: set[tuple[str, str]] = set()
    for _, target, kind in nx_graph.out_edges(node, keys=True):
        if kind != "partOf" and not (kind == "supports" and target in committees):
            rows.add((EDGE_STYLES[kind][2], target))
    for source, _, kind in nx_graph.in_edges(node, keys=True):
        if kind != "partOf":
            rows.add((INVERSE_NAMES[kind], source))
    ordered = sorted(rows, key=lambda r: (r[0], nx_graph.nodes[r[1]]["label"].casefold(), r[1]))
    return [{"relation": name, **_reference(nx_graph, other)} for name, other in ordered]


def _annotate(nx_graph: nx.MultiDiGraph, served_by_posts: dict[str, set[str]]) -> None:
    for node, data in nx_graph.nodes(data=True):
        parents = [t for _, t, kind in nx_graph.out_edges(node, keys=True) if kind == "partOf"]
        children = [s for s, _, kind in nx_graph.in_edges(node, keys=True) if kind == "partOf"]
        committees = {
            t
            for _, t, kind in nx_graph.out_edges(node, keys=True)
            if kind == "supports" and nx_graph.nodes[t]["type"] == "Committee"
        }
        committees |= {c for c in served_by_posts.get(node, ()) if c in nx_graph}
        division = nearest_division(nx_graph, node)
        data["division"] = _reference(nx_graph, division) if division else None
        data["parents"] = _references(nx_graph, parents)
        data["children"] = _references(nx_graph, children)
        data["committees"] = _references(nx_graph, committees)
        data["relations"] = _relations(nx_graph, node, committees)
