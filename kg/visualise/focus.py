"""Find an entity by any of its names and cut out its neighbourhood; read a built store."""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.errors import NatoKGError

MAX_SUGGESTIONS = 5


def name_key(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def names_of(data: dict) -> list[str]:
    """Every name of a node: English and French labels, acronym, other names."""
    names = [data.get("label", ""), data.get("label_fr", ""), data.get("acronym", "")]
    return [name for name in (*names, *data.get("alt_labels", [])) if name]


def find_node(nx_graph: nx.MultiDiGraph, name: str) -> str:
    """The node one of whose names (EN or FR, or acronym) is ``name``.

    An unknown or ambiguous name raises a one-line :class:`NatoKGError` that
    lists the close matches.
    """
    key = name_key(name)
    matches = sorted(n for n, data in nx_graph.nodes(data=True) if key in map(name_key, names_of(data)))
    if len(matches) == 1:
        return matches[0]
    if matches:
        preferred = [n for n in matches if key in _preferred_keys(nx_graph.nodes[n])]
        if len(preferred) == 1:
            return preferred[0]
        listed = "; ".join(f"{nx_graph.nodes[n]['label']} <{n}>" for n in matches)
        raise NatoKGError(f"{name!r} names several entities: {listed}")
    raise NatoKGError(f"no entity named {name!r}{_suggestions(nx_graph, key)}")


def _preferred_keys(data: dict) -> set[str]:
    return {name_key(data.get(field, "")) for field in ("label", "label_fr", "acronym")}


def _suggestions(nx_graph: nx.MultiDiGraph, key: str) -> str:
    by_key: dict[str, str] = {}
    for _, data in sorted(nx_graph.nodes(data=True)):
        for name in names_of(data):
            by_key.setdefault(name_key(name), name)
    close = difflib.get_close_matches(key, sorted(by_key), n=MAX_SUGGESTIONS, cutoff=0.6)
    if not close:
        close = sorted(k for k in by_key if key and (key in k or k in key))[:MAX_SUGGESTIONS]
    return f"; close matches: {', '.join(by_key[k] for k in close)}" if close else ""


def neighbourhood(nx_graph: nx.MultiDiGraph, node: str, depth: int) -> nx.MultiDiGraph:
    """The nodes at most ``depth`` edges from ``node`` (either direction) and the edges between them."""
    if depth < 0:
        raise NatoKGError(f"the depth must be 0 or more, not {depth}")
    distances = nx.single_source_shortest_path_length(nx_graph.to_undirected(as_view=True), node, cutoff=depth)
    return nx_graph.subgraph(sorted(distances)).copy()


def graph_from_store(path: Path) -> Graph:
    """Every triple of the store under a build folder (or a store folder), in memory."""
    from kg.store import open_store, rdflib_graph

    return rdflib_graph(open_store(path).oxigraph.quads_for_pattern(None, None, None, None))
