"""Write the built graph to disk and open the persistent store.

``write_outputs`` writes, in the output folder:

* ``graph.ttl``: every triple of every named graph, in Turtle;
* ``graph.trig``: the same quads with their named graphs, in TriG;
* ``store/``: an on-disk Oxigraph store holding the quads, which the other
  commands open read-only instead of parsing Turtle again.

rdflib's Turtle writer sorts prefixes, subjects, predicates and objects, so
the same dataset gives the same bytes in any process; its TriG writer lists
the named graphs by iterating a set, whose order follows the hash seed, so
``SortedTrigSerializer`` sorts them.  Each file is written beside its target
and moved into place with ``os.replace``; the store is built in a fresh folder
and swapped in, so a reader never sees half an output.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.term import Node

from kg.build import bind_prefixes, union_graph
from kg.config import GRAPH_TRIG, GRAPH_TTL, STORE_DIRNAME
from kg.errors import StoreError

#: A file Oxigraph (RocksDB) always keeps in a store folder.
STORE_MARKER = "CURRENT"


# ------------------------------------------------------- rdflib -> Oxigraph


def to_ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store the RDF term {term!r}")


def to_ox_quads(ds: Dataset) -> list[ox.Quad]:
    """The dataset's quads as Oxigraph quads; triples of the default graph stay in the default graph."""
    quads = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        graph_name = getattr(g, "identifier", g)
        terms = (to_ox_term(s), to_ox_term(p), to_ox_term(o))
        if graph_name is None or graph_name == DATASET_DEFAULT_GRAPH_ID:
            quads.append(ox.Quad(*terms))
        else:
            quads.append(ox.Quad(*terms, to_ox_term(graph_name)))
    return quads


# ------------------------------------------------------------ serialising


class SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with the named graphs in IRI order.

    rdflib lists a dataset's graphs by iterating a set, whose order follows
    the process's hash seed; subjects, predicates, objects and prefixes are
    already sorted.
    """

    def __init__(self, store: Graph) -> None:
        super().__init__(store)
        self.contexts = sorted(self.contexts, key=lambda graph: str(graph.identifier))


def turtle_bytes(ds: Dataset) -> bytes:
    return union_graph(ds).serialize(format="turtle", encoding="utf-8")


def trig_bytes(ds: Dataset) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Dataset.contexts(), called by rdflib itself
        SortedTrigSerializer(ds).serialize(buffer, encoding="utf-8")
    return buffer.getvalue()


# ----------------------------------------------------------------- writing


def write_outputs(ds: Dataset, out_dir: Path) -> dict[str, Path]:
    """Write graph.ttl, graph.trig and store/ under ``out_dir``; returns their paths by name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "turtle": write_atomically(out_dir / GRAPH_TTL, turtle_bytes(ds)),
        "trig": write_atomically(out_dir / GRAPH_TRIG, trig_bytes(ds)),
        "store": write_store(out_dir / STORE_DIRNAME, to_ox_quads(ds)),
    }


def write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary file beside ``path``, then move it over ``path``."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes the file private
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def write_store(store_dir: Path, quads: list[ox.Quad]) -> Path:
    """Build a new Oxigraph store beside ``store_dir`` and swap it in."""
    fresh = Path(tempfile.mkdtemp(dir=store_dir.parent, prefix=f".{store_dir.name}.new."))
    fresh.chmod(0o755)  # mkdtemp makes the folder private
    try:
        fill_store(fresh, quads)
        swap_directory(fresh, store_dir)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return store_dir


def fill_store(path: Path, quads: list[ox.Quad]) -> None:
    store = ox.Store(str(path))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    del store  # closes the database before it is moved


def swap_directory(fresh: Path, target: Path) -> None:
    """Rename the old folder away, rename the new one in, then delete the old one."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old."))
        old.rmdir()
        os.replace(target, old)
    os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ----------------------------------------------------------------- reading


class StoreDataset(Dataset):
    """An rdflib Dataset over an on-disk Oxigraph store opened read-only.

    The default graph is the union of the named graphs, as in the built
    Turtle.  ``oxigraph`` is the underlying :class:`pyoxigraph.Store`, for
    SPARQL without going through rdflib; ``path`` is the store folder.
    """

    def __init__(self, oxigraph: ox.Store, path: Path) -> None:
        super().__init__(store=OxigraphStore(store=oxigraph), default_union=True)
        bind_prefixes(self)
        self.oxigraph = oxigraph
        self.path = path

    def quad_count(self) -> int:
        return len(self.oxigraph)

    def notice_graphs(self) -> Iterator[URIRef]:
        """The names of the named graphs, in order."""
        names = sorted(g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))
        return (URIRef(name) for name in names)


def store_dir_of(path: Path) -> Path:
    """The store folder for an output folder, or the folder itself when it is a store."""
    path = Path(path)
    if (path / STORE_MARKER).is_file():
        return path
    return path / STORE_DIRNAME


def open_store(path: Path) -> StoreDataset:
    """Open the store under an output folder (or a store folder) read-only."""
    store_dir = store_dir_of(path)
    if not (store_dir / STORE_MARKER).is_file():
        raise StoreError(f"no store at {store_dir}: run `natokg build` first")
    try:
        oxigraph = ox.Store.read_only(str(store_dir))
    except OSError as error:
        raise StoreError(f"cannot open the store at {store_dir}: {error}") from error
    return StoreDataset(oxigraph, store_dir)
