"""Project the RDF graph onto an organisation chart and draw it as one offline HTML page.

:func:`to_networkx` reads the units, committees (and, on request, posts) and their
relations out of the RDF graph; :func:`write_html` draws that projection with
pyvis / vis-network; :func:`render` does both.  The page is self-contained (the
vis-network script is inlined, nothing is fetched from another host) and the same
graph always gives the same bytes.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
from pyvis.network import Network
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.config import KGO, ORG, SCHEMA
from kg.errors import NatoKGError
from kg.model import ENTITY_TYPES

__all__ = ["to_networkx", "write_html", "render"]

POST_TYPE = "Post"
MAX_EVIDENCE = 5
DEFAULT_TITLE = "NATO organisation graph"

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

#: Node type -> (colour, vis-network shape).
NODE_STYLES: dict[str, tuple[str, str]] = {
    "Organization": ("#1f3b73", "star"),
    "Division": ("#2e6fba", "hexagon"),
    "Directorate": ("#4f9be0", "square"),
    "Section": ("#8cc4f0", "dot"),
    "Office": ("#5fb37a", "triangleDown"),
    "Committee": ("#e8912d", "diamond"),
    "Group": ("#a569bd", "triangle"),
    POST_TYPE: ("#b0b0b0", "box"),
}
FALLBACK_NODE_STYLE = ("#cccccc", "dot")

#: Edge kind -> (colour, dashed).
EDGE_STYLES: dict[str, tuple[str, bool]] = {
    "partOf": ("#555555", False),
    "supports": ("#e8912d", True),
    "heads": ("#c0392b", False),
    "oversees": ("#8e44ad", True),
    "coordinatesWith": ("#27ae60", True),
    "reportsTo": ("#2c3e50", False),
}
FALLBACK_EDGE_STYLE = ("#999999", False)

#: Row of the org chart a type sits on at least (NATO on top, posts at the bottom).
TYPE_LEVELS: dict[str, int] = {
    "Organization": 0,
    "Division": 1,
    "Committee": 1,
    "Directorate": 2,
    "Section": 3,
    "Office": 3,
    "Group": 4,
    POST_TYPE: 4,
}
#: Edge kinds whose target sits above their source in the chart.
UPWARD_KINDS = frozenset({"partOf", "reportsTo"})

SHAPE_GLYPHS: dict[str, str] = {
    "star": "\u2605",
    "hexagon": "\u2b22",
    "square": "\u25a0",
    "dot": "\u25cf",
    "triangleDown": "\u25bc",
    "diamond": "\u25c6",
    "triangle": "\u25b2",
    "box": "\u25ad",
}

VIS_OPTIONS: dict[str, Any] = {
    "layout": {
        "hierarchical": {
            "enabled": True,
            "direction": "UD",
            "sortMethod": "directed",
            "levelSeparation": 140,
            "nodeSpacing": 190,
            "treeSpacing": 220,
        }
    },
    "physics": {
        "enabled": True,
        "solver": "hierarchicalRepulsion",
        "hierarchicalRepulsion": {"nodeDistance": 190, "avoidOverlap": 1},
        "stabilization": {"enabled": True, "iterations": 400},
    },
    "interaction": {"hover": True, "tooltipDelay": 120},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "smooth": False},
    "nodes": {"font": {"size": 14}},
}

# Tags the pyvis template writes whatever the resource mode: a CDN stylesheet and
# script (bootstrap), an empty heading, and a commented-out local stylesheet.
REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", re.IGNORECASE)
REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE
)
EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*")
LOCAL_STYLESHEET_COMMENT = re.compile(r"<!--[^>]*node_modules.*?-->\s*", re.DOTALL)
REMOTE_REFERENCE = re.compile(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)

# Labels and tooltips are stored html-escaped; this turns them back into plain
# text for the canvas, and makes each tooltip a text-only element so no
# markup from the data is ever parsed.
PLAIN_TEXT_SCRIPT = """<script type="text/javascript">
(function () {
  var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\\"", "&#x27;": "'"};
  function plain(text) {
    return String(text).replace(/&(?:amp|lt|gt|quot|#x27);/g, function (m) { return ENTITIES[m]; });
  }
  function tooltip(text) {
    var box = document.createElement("div");
    box.style.whiteSpace = "pre-line";
    box.textContent = plain(text);
    return box;
  }
  nodes.update(nodes.get().map(function (n) {
    return {id: n.id, label: plain(n.label), title: tooltip(n.title)};
  }));
  edges.update(edges.get().map(function (e) { return {id: e.id, title: tooltip(e.title)}; }));
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: {enabled: false}});
  });
})();
</script>
"""

LEGEND_STYLE = (
    "font-family: sans-serif; font-size: 13px; padding: 6px 10px; "
    "border-bottom: 1px solid lightgray"
)


# ------------------------------------------------------------- RDF reading


def _local_name(term: URIRef | str) -> str:
    text = str(term).rstrip("/#")
    return re.split(r"[#/]", text)[-1] or text


def _literals(graph: Graph, node: URIRef, predicate: URIRef, lang: str | None) -> list[str]:
    """Sorted string values of ``predicate`` in ``lang`` (None: untagged only)."""
    values = {
        str(o)
        for o in graph.objects(node, predicate)
        if isinstance(o, Literal) and _language(o) == lang
    }
    return sorted(values)


def _language(literal: Literal) -> str | None:
    return literal.language.split("-")[0].lower() if literal.language else None


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
        if str(ancestor).startswith((str(KGO), str(ORG))) and _local_name(ancestor) in ENTITY_TYPES:
            return _local_name(ancestor)
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
        if class_types[cls]:
            found.setdefault(subject, set()).add(class_types[cls])
    return {node: _most_specific(types) for node, types in found.items()}


def _most_specific(types: set[str]) -> str:
    """Of several types (Organization and Division, say), the lowest in the chart."""
    return max(types, key=lambda name: (TYPE_LEVELS.get(name, 0), name))


def _postings_by_target(graph: Graph, predicate: URIRef) -> dict[URIRef, list[str]]:
    """Target IRI -> sorted source files of the postings that point at it with ``predicate``."""
    files: dict[URIRef, set[str]] = {}
    for posting, target in graph.subject_objects(predicate):
        for source in graph.objects(posting, KGO.sourceFile):
            files.setdefault(target, set()).add(str(source))
    return {target: sorted(names) for target, names in files.items()}


def _evidence_sentences(graph: Graph) -> dict[URIRef, list[str]]:
    """Entity IRI -> up to MAX_EVIDENCE sentences that support it, sorted."""
    sentences: dict[URIRef, set[str]] = {}
    for evidence, target in graph.subject_objects(KGO.evidenceFor):
        for sentence in graph.objects(evidence, KGO.sentence):
            sentences.setdefault(target, set()).add(str(sentence))
    return {target: sorted(found)[:MAX_EVIDENCE] for target, found in sentences.items()}


def _entity_label(graph: Graph, node: URIRef) -> str:
    return (
        _first_literal(graph, node, SKOS.prefLabel, ("en", "fr", None))
        or _first_literal(graph, node, KGO.acronym, (None, "en", "fr"))
        or _local_name(node)
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
    return ", ".join(part for part in (role, unit) if part) or _local_name(post)


def _post_attributes(graph: Graph, post: URIRef) -> dict[str, Any]:
    return {
        "type": POST_TYPE,
        "label": _post_label(graph, post),
        "label_fr": _posting_title(graph, post, ("fr",)),
        "acronym": "",
        "alt_labels": [],
    }


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
    ``alt_labels``, ``notices`` and ``evidence``; edges carry ``kind`` (and use it
    as their key).  Without ``include_posts`` only relations between units and
    committees remain (partOf, unit-level supports); with it, posts are nodes of
    type "Post" linked by their own relations, ``org:postIn`` (as partOf) and
    ``org:reportsTo``.
    """
    attributes = {
        node: _entity_attributes(graph, node, entity_type)
        for node, entity_type in _entity_types(graph).items()
    }
    if include_posts:
        for post in _post_nodes(graph):
            attributes.setdefault(post, _post_attributes(graph, post))
    notices = _postings_by_target(graph, KGO.mentions)
    advertised = _postings_by_target(graph, KGO.advertises)
    evidence = _evidence_sentences(graph)

    projection = nx.MultiDiGraph()
    for node in sorted(attributes):
        sources = sorted(set(notices.get(node, [])) | set(advertised.get(node, [])))
        projection.add_node(
            str(node), **attributes[node], notices=sources, evidence=evidence.get(node, [])
        )
    for source, target, kind in sorted(_relation_edges(graph, set(attributes))):
        projection.add_edge(source, target, key=kind, kind=kind)
    return projection


# ------------------------------------------------------------------ drawing


def _tooltip(data: dict[str, Any]) -> str:
    """Plain-text tooltip: names in both languages, acronym, other names, notices."""
    lines = [f"{data.get('label', '')} ({data.get('type', '')})"]
    optional_lines = (
        ("French", data.get("label_fr", "")),
        ("Acronym", data.get("acronym", "")),
        ("Also called", "; ".join(data.get("alt_labels", []))),
        ("Notices", ", ".join(data.get("notices", []))),
    )
    lines += [f"{name}: {value}" for name, value in optional_lines if value]
    return html.escape("\n".join(lines))


def _levels(nx_graph: nx.MultiDiGraph) -> dict[str, int]:
    """Chart row of each node: at least its type's row, and below everything it is part of."""
    parents: dict[str, list[str]] = {node: [] for node in nx_graph.nodes}
    for source, target, kind in nx_graph.edges(keys=True):
        if kind in UPWARD_KINDS:
            parents[source].append(target)
    levels: dict[str, int] = {}

    def level_of(node: str, visiting: frozenset[str]) -> int:
        if node in levels:
            return levels[node]
        floor = TYPE_LEVELS.get(nx_graph.nodes[node].get("type", ""), 0)
        above = [level_of(p, visiting | {node}) + 1 for p in parents[node] if p not in visiting]
        levels[node] = max([floor, *above])
        return levels[node]

    for node in sorted(nx_graph.nodes):
        level_of(node, frozenset())
    return levels


def _node_size(degree: int) -> int:
    return 12 + 4 * min(degree, 8)


def _node_options(nx_graph: nx.MultiDiGraph, node: str, level: int) -> dict[str, Any]:
    data = nx_graph.nodes[node]
    colour, shape = NODE_STYLES.get(data.get("type", ""), FALLBACK_NODE_STYLE)
    return {
        "label": html.escape(str(data.get("label") or _local_name(node))),
        "title": _tooltip(data),
        "color": colour,
        "shape": shape,
        "size": _node_size(nx_graph.degree(node)),
        "level": level,
    }


def _edge_options(kind: str, parallel_index: int) -> dict[str, Any]:
    colour, dashed = EDGE_STYLES.get(kind, FALLBACK_EDGE_STYLE)
    options: dict[str, Any] = {"title": html.escape(kind), "color": colour, "dashes": dashed}
    if parallel_index:
        options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * parallel_index}
    return options


def _build_network(nx_graph: nx.MultiDiGraph) -> Network:
    net = Network(
        height="780px",
        width="100%",
        directed=True,
        cdn_resources="in_line",
        select_menu=False,
        filter_menu=False,
        heading="",
    )
    levels = _levels(nx_graph)
    for node in sorted(nx_graph.nodes):
        net.add_node(node, **_node_options(nx_graph, node, levels[node]))
    pairs: Counter[tuple[str, str]] = Counter()
    for source, target, kind in sorted(nx_graph.edges(keys=True)):
        net.add_edge(source, target, **_edge_options(kind, pairs[(source, target)]))
        pairs[(source, target)] += 1
    net.options = VIS_OPTIONS
    return net


def _pyvis_page(net: Network) -> str:
    """pyvis's page for ``net``, with the custom-tooltip mode (which uses innerHTML) off."""
    nodes, edges, _heading, height, width, options = net.get_network_data()
    template = net.templateEnv.get_template(net.path)
    return template.render(
        height=height,
        width=width,
        nodes=nodes,
        edges=edges,
        heading="",
        options=options,
        physics_enabled=True,
        use_DOT=False,
        dot_lang="",
        widget=False,
        bgcolor=net.bgcolor,
        conf=False,
        tooltip_link=False,
        neighborhood_highlight=False,
        select_menu=False,
        filter_menu=False,
        notebook=False,
        cdn_resources="in_line",
    )


def _legend(title: str) -> str:
    types = " ".join(
        f'<span style="color:{colour}">{SHAPE_GLYPHS.get(shape, "")}</span> {html.escape(name)}'
        for name, (colour, shape) in NODE_STYLES.items()
    )
    kinds = " ".join(
        f'<span style="display:inline-block;width:26px;vertical-align:middle;'
        f'border-top:2px {"dashed" if dashed else "solid"} {colour}"></span> {html.escape(kind)}'
        for kind, (colour, dashed) in EDGE_STYLES.items()
    )
    return (
        f'<div id="legend" style="{LEGEND_STYLE}">\n'
        f'<h1 style="font-size:20px;margin:4px 0">{html.escape(title)}</h1>\n'
        f"<div>Types: {types}</div>\n"
        f"<div>Relations: {kinds}</div>\n"
        "</div>\n"
    )


def _offline_page(page: str, title: str) -> str:
    """Strip remote tags and empty headings; add the title, legend and plain-text script."""
    for pattern in (REMOTE_LINK, REMOTE_SCRIPT, EMPTY_HEADING, LOCAL_STYLESHEET_COMMENT):
        page = pattern.sub("", page)
    page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
    page = page.replace("<body>", "<body>\n" + _legend(title), 1)
    return page.replace("</body>", PLAIN_TEXT_SCRIPT + "</body>", 1)


def _check_offline(page: str, path: Path) -> None:
    match = REMOTE_REFERENCE.search(page)
    if match:
        raise NatoKGError(f"the HTML graph would load a remote resource ({match.group(0)!r})", path)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_html(nx_graph: nx.MultiDiGraph, path: Path, title: str = DEFAULT_TITLE) -> Path:
    """Draw the projection as a self-contained, deterministic HTML page at ``path``."""
    path = Path(path)
    page = _offline_page(_pyvis_page(_build_network(nx_graph)), title)
    _check_offline(page, path)
    try:
        _write_atomically(path, page)
    except OSError as exc:
        raise NatoKGError(f"cannot write the HTML graph: {exc.strerror or exc}", path) from exc
    return path


def render(graph: Graph, path: Path, include_posts: bool = False) -> Path:
    """Project ``graph`` and write its HTML org chart to ``path``."""
    return write_html(to_networkx(graph, include_posts=include_posts), path)
