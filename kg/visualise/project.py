"""Project the RDF graph onto an org chart: a networkx graph of units, committees (and posts).

Every node carries what the page shows about it: names in both languages,
acronym, other names, the notices that mention it, evidence sentences, and its
place in the chart (division, parents, children, committees served, other
relations), so that a neighbourhood cut out of the projection still knows
what lies around it.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any, Iterable

import networkx as nx
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg.config import KGO, ORG, SCHEMA
from kg.model import ENTITY_TYPES
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
    return literal.language.split("-")[0].lower() if literal.language else None


def _literals(graph: Graph, node: URIRef, predicate: URIRef, lang: str | None) -> list[str]:
    """Sorted string values of ``predicate`` in ``lang`` (None: untagged only)."""
    values = {
        str(o)
        for o in graph.objects(node, predicate)
        if isinstance(o, Literal) and _language(o) == lang
    }
    return sorted(values)


def _first_literal(
    graph: Graph, node: URIRef, predicate: URIRef, langs: Iterable[str | None]
) -> str:
    for lang in langs:
        values = _literals(graph, node, predicate, lang)
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
    for predicate in predicates:
        for posting, target in graph.subject_objects(predicate):
            notice = _notice(graph, posting)
            if notice["file"]:
                found.setdefault(target, {})[notice["file"]] = notice
    return {target: [by_file[f] for f in sorted(by_file)] for target, by_file in found.items()}


def _evidence_file(graph: Graph, evidence: URIRef) -> str:
    for posting in sorted(graph.objects(evidence, PROV.wasDerivedFrom)):
        file = _first_literal(graph, posting, KGO.sourceFile, (None, "en", "fr"))
        if file:
            return file
    return ""


def _evidence_sentences(graph: Graph) -> dict[URIRef, list[dict[str, str]]]:
    """Entity IRI -> up to MAX_EVIDENCE sentences (text, language, notice file) naming it."""
    found: dict[URIRef, set[tuple[str, str, str]]] = {}
    for evidence, target in graph.subject_objects(KGO.evidenceFor):
        file = _evidence_file(graph, evidence)
        for sentence in graph.objects(evidence, KGO.sentence):
            if isinstance(sentence, Literal):
                found.setdefault(target, set()).add((file, _language(sentence) or "", str(sentence)))
    return {
        target: [{"file": f, "lang": lang, "text": text} for f, lang, text in _spread(rows)]
        for target, rows in found.items()
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


def to_networkx(graph: Graph, include_posts: bool = False) -> nx.MultiDiGraph:
    """Project the RDF graph onto units, committees (and posts) and their relations.

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
