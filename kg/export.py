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
gives the same bytes, and Turtle and TriG are the bytes ``natokg build``
wrote.  Turtle, TriG and N-Triples stream from the store through Oxigraph's
writers (:class:`kg.store.QuadTable`), and the networks are projected from
the part of the graph they show (:func:`kg.visualise.project.projection_graph`),
so a store of millions of quads is never loaded into rdflib for them; only
JSON-LD, written by rdflib, needs the whole graph in memory.  Files are
written beside their target and moved into place
(:func:`kg.store.write_file_atomically`).
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
from rdflib import Dataset, Graph

from kg.build import PREFIXES, bind_prefixes, union_graph
from kg.errors import NatoKGError
from kg.store import (
    QuadTable,
    StoreDataset,
    open_store,
    quad_table,
    rdflib_graph,
    store_dir_of,
    write_file_atomically,
    write_trig,
    write_turtle,
)

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
    #: Writes the format straight into a file, without holding its bytes, where it can.
    stream: Callable[[Dataset, Path], object] | None = None


# ------------------------------------------------------------------ reading


def load_dataset(store: StoreDataset) -> Dataset:
    """The store as the exporters read it: the opened store itself, loaded into nothing.

    Each format reads what it needs from the store when it is written (see
    the module's docstring); any rdflib Dataset can be exported as well.
    """
    return store


def rdflib_union(dataset: Dataset) -> Graph:
    """Every triple of the dataset in one in-memory rdflib graph, prefixes bound."""
    oxigraph = getattr(dataset, "oxigraph", None)
    if not isinstance(oxigraph, ox.Store):
        return union_graph(dataset)
    graph = rdflib_graph(oxigraph.quads_for_pattern(None, None, None, None))
    bind_prefixes(graph)
    return graph


# ------------------------------------------------------------------- RDF


def turtle_bytes(dataset: Dataset) -> bytes:
    return write_turtle(quad_table(dataset)) or b""


def trig_bytes(dataset: Dataset) -> bytes:
    return write_trig(quad_table(dataset)) or b""


def write_ntriples(table: QuadTable, output: Path | None = None) -> bytes | None:
    return ox.serialize(table.triples(), None if output is None else str(output), ox.RdfFormat.N_TRIPLES)


def ntriples_bytes(dataset: Dataset) -> bytes:
    """N-Triples, one triple a line, in the fixed order of the Turtle (by subject, predicate, object)."""
    return write_ntriples(quad_table(dataset)) or b""


def turtle_file(dataset: Dataset, path: Path) -> None:
    write_turtle(quad_table(dataset), path)


def trig_file(dataset: Dataset, path: Path) -> None:
    write_trig(quad_table(dataset), path)


def ntriples_file(dataset: Dataset, path: Path) -> None:
    write_ntriples(quad_table(dataset), path)


def jsonld_bytes(dataset: Dataset) -> bytes:
    """JSON-LD of the merged graph with the prefixes as ``@context``; nodes sorted by ``@id``."""
    text = rdflib_union(dataset).serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    document = json.loads(text)
    if isinstance(document.get("@graph"), list):
        document["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


# --------------------------------------------------------------- networks


def org_network(dataset: Dataset) -> nx.MultiDiGraph:
    """The organisational network: units, committees and posts, with their relations as ``kind``."""
    from kg.visualise import to_networkx
    from kg.visualise.project import projection_graph

    return to_networkx(projection_graph(quad_table(dataset)), include_posts=True)


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
        ExportFormat("ttl", ".ttl", "Turtle, every notice's graph merged", turtle_bytes, turtle_file),
        ExportFormat("trig", ".trig", "TriG, one named graph per notice", trig_bytes, trig_file),
        ExportFormat("jsonld", ".jsonld", "JSON-LD with a compact @context", jsonld_bytes),
        ExportFormat("nt", ".nt", "N-Triples, sorted", ntriples_bytes, ntriples_file),
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
    writer = file_writer(exporter, dataset)
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        return write_file_atomically(Path(out), writer)
    except OSError as error:
        raise ExportError(f"cannot write: {error.strerror or error}", out) from error


def file_writer(exporter: ExportFormat, dataset: Dataset) -> Callable[[Path], object]:
    """What fills the file: the format's own streaming writer, else its bytes, made before the file is."""
    stream = exporter.stream
    if stream is not None:
        return lambda path: stream(dataset, path)
    data = exporter.render(dataset)
    return lambda path: path.write_bytes(data)


def export(store: Path, fmt: str, out: Path | None = None) -> Path:
    """Export the store under ``store`` (a build folder or a store folder) in ``fmt``."""
    return write_export(load_dataset(open_store(store)), fmt, out, store)
