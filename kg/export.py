"""Export the built graph for other tools.

Every format reads the quads of the store (:func:`kg.store.open_store`):

* ``ttl``, ``nt``, ``jsonld``: the whole graph, every notice's graph merged,
  for Protégé, GraphDB or any RDF library; JSON-LD with a compact ``@context``
  of the project's prefixes;
* ``trig``: the same with one named graph per notice, so provenance survives;
* ``graphml``: the organisational network (units, committees, posts and their
  relations, from :func:`kg.visualise.to_networkx`) for Gephi or networkx;
* ``csv``: the same network as an edge list, for a spreadsheet or pandas.

The RDF outputs list their triples in a fixed order, so the same store always
gives the same bytes.  Files are written beside their target and moved into
place (:func:`kg.store.write_atomically`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, URIRef

from kg.build import PREFIXES, new_dataset, union_graph
from kg.errors import NatoKGError
from kg.query import from_ox
from kg.store import StoreDataset, open_store, store_dir_of, trig_bytes, turtle_bytes, write_atomically

#: The JSON-LD ``@context``: the project's prefixes, so IRIs read ``org:postIn``, ``kgd:unit/...``.
JSONLD_CONTEXT: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
EDGE_LIST_HEADER = ("source", "source_label", "relation", "target", "target_label")


class ExportError(NatoKGError):
    """The export format is unknown or the graph cannot be written in it."""


@dataclass(frozen=True)
class ExportFormat:
    name: str
    suffix: str
    description: str
    render: Callable[[Dataset], bytes]


# ------------------------------------------------------------------ reading


def load_dataset(store: StoreDataset) -> Dataset:
    """The store's quads in an in-memory rdflib Dataset, each in its named graph."""
    dataset = new_dataset()
    for quad in store.oxigraph.quads_for_pattern(None, None, None, None):
        name = quad.graph_name
        graph = dataset.graph(URIRef(name.value)) if isinstance(name, ox.NamedNode) else dataset.default_graph
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return dataset


# ------------------------------------------------------------------- RDF


def ntriples_bytes(dataset: Dataset) -> bytes:
    """N-Triples, one triple a line, lines sorted."""
    text = union_graph(dataset).serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8")


def jsonld_bytes(dataset: Dataset) -> bytes:
    """JSON-LD of the merged graph with the prefixes as ``@context``; nodes sorted by ``@id``."""
    text = union_graph(dataset).serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    document = json.loads(text)
    if isinstance(document.get("@graph"), list):
        document["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


# --------------------------------------------------------------- networks


def org_network(dataset: Dataset) -> nx.MultiDiGraph:
    """The organisational network: units, committees and posts, with their relations as ``kind``."""
    from kg.visualise import to_networkx

    return to_networkx(union_graph(dataset), include_posts=True)


def flat_value(value: Any) -> str:
    """A node or edge attribute as text: GraphML holds no lists or mappings.

    Lists are joined with "; "; a mapping (a notice, a linked node) stands
    for its label, file or text.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("label", "file", "text", "id"):
            if value.get(key):
                return str(value[key])
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [flat_value(item) for item in value]
        return "; ".join(sorted(items) if isinstance(value, (set, frozenset)) else items)
    return str(value)


def flat_network(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all text, as GraphML requires."""
    flat = nx.MultiDiGraph()
    for node, data in network.nodes(data=True):
        flat.add_node(node, **{name: flat_value(value) for name, value in data.items()})
    for source, target, key, data in network.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **{name: flat_value(value) for name, value in data.items()})
    return flat


def graphml_bytes(dataset: Dataset) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat_network(org_network(dataset)), buffer, encoding="utf-8")
    return buffer.getvalue()


def edge_rows(network: nx.MultiDiGraph) -> list[tuple[str, str, str, str, str]]:
    def label(node: str) -> str:
        return flat_value(network.nodes[node].get("label")) or node

    rows = {
        (source, label(source), str(data.get("kind", key)), target, label(target))
        for source, target, key, data in network.edges(keys=True, data=True)
    }
    return sorted(rows)


def edge_list_bytes(dataset: Dataset) -> bytes:
    """CSV: one row per relation of the network, with both ends' IRIs and labels."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EDGE_LIST_HEADER)
    writer.writerows(edge_rows(org_network(dataset)))
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- formats


EXPORTERS: dict[str, ExportFormat] = {
    exporter.name: exporter
    for exporter in (
        ExportFormat("ttl", ".ttl", "Turtle, every notice's graph merged", turtle_bytes),
        ExportFormat("trig", ".trig", "TriG, one named graph per notice", trig_bytes),
        ExportFormat("jsonld", ".jsonld", "JSON-LD with a compact @context", jsonld_bytes),
        ExportFormat("nt", ".nt", "N-Triples, sorted", ntriples_bytes),
        ExportFormat("graphml", ".graphml", "GraphML of the organisational network (Gephi)", graphml_bytes),
        ExportFormat("csv", ".csv", "CSV edge list of the organisational network", edge_list_bytes),
    )
}


def export_format(name: str) -> ExportFormat:
    exporter = EXPORTERS.get(name.strip().lower())
    if exporter is None:
        raise ExportError(f"unknown export format {name!r}: choose one of {', '.join(EXPORTERS)}")
    return exporter


def export_bytes(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in the named format."""
    return export_format(fmt).render(dataset)


def default_export_path(store: Path, fmt: str) -> Path:
    """``graph.<ext>`` in the build folder that holds the store."""
    return store_dir_of(Path(store)).parent / f"graph{export_format(fmt).suffix}"


def write_export(dataset: Dataset, fmt: str, out: Path | None = None, store: Path | None = None) -> Path:
    """Write the dataset in ``fmt`` to ``out`` (default: graph.<ext> beside ``store``), atomically."""
    exporter = export_format(fmt)
    if out is None:
        if store is None:
            raise ExportError("give the file to write, or the store it comes from")
        out = default_export_path(store, exporter.name)
    data = exporter.render(dataset)
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        return write_atomically(Path(out), data)
    except OSError as error:
        raise ExportError(f"cannot write: {error.strerror or error}", out) from error


def export(store: Path, fmt: str, out: Path | None = None) -> Path:
    """Export the store under ``store`` (a build folder or a store folder) in ``fmt``."""
    return write_export(load_dataset(open_store(store)), fmt, out, store)
