"""Write the built graph to disk and open the persistent store.

``write_outputs`` writes, in the output folder:

* ``graph.ttl``: every triple of every named graph, in Turtle;
* ``graph.trig``: the same quads with their named graphs, in TriG;
* ``store/``: an on-disk Oxigraph store holding the quads, which the other
  commands open read-only instead of parsing Turtle again.

A corpus of ten thousand notices makes millions of quads, too many for an
rdflib graph, so the writers hold none.  A :class:`QuadTable` numbers each
distinct term once and keeps the quads as four columns of numbers; numpy
sorts and deduplicates the columns, and Oxigraph's serializers write the
quads in that order.  The order follows the terms' text (``rdf:type`` first,
then IRIs, then literals), never a hash or an insertion order, so the same
quads give the same bytes in any process.  ``kgd:`` is left out of the
written prefixes: its local names hold ``/``, which a Turtle writer must
escape (``kgd:unit\\/x``), so those IRIs read better in full.

Each file is written beside its target and moved into place with
``os.replace``; the store is built in a fresh folder and swapped in, so a
reader never sees half an output.  A big store is filled by a loader
process fed N-Quads through a pipe (from the corpus in a first build, else
from the table), while this one goes on with the other outputs
(:class:`StoreLoad`): Oxigraph's loader then runs on the second core, and
its memory is not added to the build's.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import count, islice, repeat
from pathlib import Path
from typing import IO, NamedTuple, Union

import numpy as np
import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Identifier, Node

from kg.build import PREFIXES, Lit, bind_prefixes, build_graphs, rdf
from kg.config import ANSWERS_DIRNAME, GRAPH_TRIG, GRAPH_TTL, STORE_DIRNAME
from kg.errors import StoreError
from kg.forked import ForkedTask
from kg.model import Corpus
from kg.names import NAME_INDEX, index_while_filling, write_name_index
from kg.turtle import term_texts, write_statements

#: A file Oxigraph (RocksDB) always keeps in a store folder.
STORE_MARKER = "CURRENT"

#: Prefixes written in graph.ttl and graph.trig (see the module's docstring for kgd:).
WRITTEN_PREFIXES: dict[str, str] = {prefix: str(ns) for prefix, ns in PREFIXES.items() if prefix != "kgd"}

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Quads handed to Oxigraph's loader at a time.  Its memory grows fast with the batch (for
#: five million quads: about 450 MB in batches of 250,000, 1.3 GB of 500,000, 1.8 GB in one).
LOAD_BATCH = 250_000
#: Oxigraph loaders that share the start of a store's N-Quads, the blocks dealt to them, and how
#: far they share it.  Oxigraph's loader indexes a batch of a million quads on one thread: a store
#: of fewer quads keeps one core busy (two loaders fill 1,000 notices' store a fifth faster), while a
#: bigger stream keeps the cores busy with its own batches, where a second loader all along was no
#: faster and doubled the memory (3.1 GB against 1.8 GB for 10,000 notices).  128 MiB is about
#: 600,000 quads.
LOAD_THREADS = min(2, os.cpu_count() or 1)
LOAD_BLOCK_BYTES = 1 << 22
SHARED_LOAD_BYTES = 128 << 20
#: Stores of more quads than this are filled by a child process (:class:`StoreLoad`).
BACKGROUND_LOAD_QUADS = 200_000
#: Rows of the sorted columns turned into Python numbers at a time while writing.
WRITE_CHUNK = 1 << 16


class Blank(NamedTuple):
    """A blank node: the graphs built here have none, but a dataset given to the writers may."""

    id: str


#: A term as the table keeps it: an IRI (``str``), a literal, a blank node, or None for the default graph.
PlainTerm = Union[str, Lit, Blank, None]
OxTerm = Union[ox.NamedNode, ox.Literal, ox.BlankNode, ox.DefaultGraph]


# ------------------------------------------------------------------ terms


def ox_term(term: PlainTerm) -> OxTerm:
    if type(term) is str:
        return ox.NamedNode(term)
    if isinstance(term, Lit):
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)
    if isinstance(term, Blank):
        return ox.BlankNode(term.id)
    if term is None:
        return ox.DefaultGraph()
    raise TypeError(f"cannot store the RDF term {term!r}")


def plain_from_ox(term: OxTerm) -> PlainTerm:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return Lit(term.value, term.language, None if term.language or datatype == XSD_STRING else datatype)
    if isinstance(term, ox.BlankNode):
        return Blank(term.value)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"cannot store the RDF term {term!r}")


def plain_from_rdflib(term: Node | None) -> PlainTerm:
    if isinstance(term, URIRef):
        return str(term) if term != DATASET_DEFAULT_GRAPH_ID else None
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype and not term.language else None
        return Lit(str(term), term.language or None, None if datatype == XSD_STRING else datatype)
    if isinstance(term, BNode):
        return Blank(str(term))
    if term is None:
        return None
    raise TypeError(f"cannot store the RDF term {term!r}")


def rdflib_from_ox(term: OxTerm) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"not a node of a triple: {term!r}")


def rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    """An in-memory rdflib graph of the triples of ``quads``, their graph names dropped (as in graph.ttl)."""
    graph = Graph()
    for quad in quads:
        graph.add((rdflib_from_ox(quad.subject), rdflib_from_ox(quad.predicate), rdflib_from_ox(quad.object)))
    return graph


def to_ox_term(term: Node) -> OxTerm:
    """An rdflib term as an Oxigraph term (for binding query parameters)."""
    return ox_term(plain_from_rdflib(term))


_RDF_TYPE = rdf.type


def sort_key(term: PlainTerm) -> str:
    """Where a term goes in the written order: the default graph, rdf:type, IRIs, literals, blank nodes.

    Literals sort as rdflib sorts them: by datatype (a language-tagged
    literal counting as a string), then language (untagged first), then
    text; so an English title comes before its French one, as it did when
    rdflib wrote the files, and readers that take a property's first value
    still find the English one.  The control characters in front keep the
    kinds of terms apart.
    """
    if type(term) is str:
        return "\x02" if term == _RDF_TYPE else "\x03" + term
    if isinstance(term, Lit):
        return f"\x04{term.datatype or XSD_STRING}\x00{term.lang or ''}\x00{term.value}"
    if isinstance(term, Blank):
        return "\x05" + term.id
    return "\x01"


# ---------------------------------------------------------------- the table


_UNWRITTEN = object()  # a table's term texts before they are made


class QuadTable:
    """Quads as four columns of term numbers: cheap to hold, sort and deduplicate by the million.

    Quads are added graph by graph; the first read seals the table: the
    terms are renumbered in their written order (:func:`sort_key`), turned
    into Oxigraph terms once each, and the columns become numpy arrays, so
    that sorting the quads is sorting numbers.
    """

    def __init__(self) -> None:
        self._ids: defaultdict[PlainTerm, int] | None = defaultdict(count().__next__)
        self._columns = tuple(array("I") for _ in range(4))  # graph, subject, predicate, object
        self._terms: list[OxTerm] = []
        self._sealed: tuple[np.ndarray, ...] = ()
        self._quad_order: np.ndarray | None = None
        self._triple_order: np.ndarray | None = None
        self._predicates: dict[str, int] | None = None
        self._subject_offsets: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._texts: tuple[str, list[str]] | None | object = _UNWRITTEN

    # ----------------------------------------------------------- filling

    @classmethod
    def of_corpus(cls, corpus: Corpus) -> QuadTable:
        table = cls()
        for graph_name, triples in build_graphs(corpus):
            table.add_graph(graph_name, triples)
        return table

    @classmethod
    def of_dataset(cls, dataset: Dataset | Graph) -> QuadTable:
        """The quads of an rdflib Dataset (or the triples of a Graph, in the default graph)."""
        oxigraph = getattr(dataset, "oxigraph", None)
        if isinstance(oxigraph, ox.Store):
            return cls.of_store(oxigraph)
        table = cls()
        if isinstance(dataset, Dataset):
            quads = ((s, p, o, getattr(g, "identifier", g)) for s, p, o, g in dataset.quads((None, None, None, None)))
        else:
            quads = ((s, p, o, None) for s, p, o in dataset)
        table.add_quads(tuple(map(plain_from_rdflib, quad)) for quad in quads)
        return table

    @classmethod
    def of_store(cls, store: ox.Store) -> QuadTable:
        table = cls()
        table.add_quads(
            (plain_from_ox(q.subject), plain_from_ox(q.predicate), plain_from_ox(q.object), plain_from_ox(q.graph_name))
            for q in store.quads_for_pattern(None, None, None, None)
        )
        return table

    def add_graph(self, graph_name: PlainTerm, triples: Iterable[tuple[PlainTerm, PlainTerm, PlainTerm]]) -> None:
        """Add one graph's triples: a whole graph at a time lets C loops number the terms."""
        rows = list(triples)
        if not rows:
            return
        number = self._open_ids().__getitem__
        graphs, subjects, predicates, objects = self._columns
        column_s, column_p, column_o = zip(*rows)
        subjects.extend(map(number, column_s))
        predicates.extend(map(number, column_p))
        objects.extend(map(number, column_o))
        graphs.extend(repeat(number(graph_name), len(rows)))

    def add_quads(self, quads: Iterable[tuple[PlainTerm, PlainTerm, PlainTerm, PlainTerm]]) -> None:
        number = self._open_ids().__getitem__
        graphs, subjects, predicates, objects = self._columns
        for s, p, o, g in quads:
            subjects.append(number(s))
            predicates.append(number(p))
            objects.append(number(o))
            graphs.append(number(g))

    def _open_ids(self) -> defaultdict[PlainTerm, int]:
        if self._ids is None:
            raise RuntimeError("the quad table has been read: no quad can be added any more")
        return self._ids

    # ----------------------------------------------------------- sealing

    def _seal(self) -> tuple[np.ndarray, ...]:
        """Renumber the terms in written order, once, and free what numbering them took."""
        if self._ids is None:
            return self._sealed
        terms = list(self._ids)  # a term's number is its place in insertion order
        self._ids = None
        keys = [sort_key(term) for term in terms]
        order = sorted(range(len(terms)), key=keys.__getitem__)
        del keys
        rank = np.empty(len(terms), dtype=np.uint32)
        rank[np.asarray(order, dtype=np.int64)] = np.arange(len(terms), dtype=np.uint32)
        self._terms = [ox_term(terms[i]) for i in order]
        del terms, order
        self._sealed = tuple(rank[np.frombuffer(column, dtype=np.uint32)] for column in self._columns)
        self._columns = tuple(array("I") for _ in range(4))
        return self._sealed

    def _order(self, columns: tuple[np.ndarray, ...]) -> np.ndarray:
        """Row numbers sorted by ``columns`` (first column first), each distinct row once."""
        order = np.lexsort(columns[::-1])
        if len(order) < 2:
            return order
        changed = np.zeros(len(order) - 1, dtype=bool)
        for column in columns:
            ordered = column[order]
            changed |= ordered[1:] != ordered[:-1]
        return order[np.concatenate(([True], changed))]

    def quad_order(self) -> np.ndarray:
        if self._quad_order is None:
            self._quad_order = self._order(self._seal())
        return self._quad_order

    def triple_order(self) -> np.ndarray:
        if self._triple_order is None:
            _, subjects, predicates, objects = self._seal()
            self._triple_order = self._order((subjects, predicates, objects))
        return self._triple_order

    # ----------------------------------------------------------- reading

    def __len__(self) -> int:
        """The number of distinct quads."""
        return len(self.quad_order())

    def _made(self, make: Callable, order: np.ndarray, columns: tuple[np.ndarray, ...]) -> Iterator:
        """``make(term, term, ...)`` for each row of ``columns`` in ``order``, a chunk at a time.

        ``map`` over the columns' terms makes the Oxigraph quads and triples
        without running a Python statement for each of the millions.
        """
        term = self._terms.__getitem__
        for start in range(0, len(order), WRITE_CHUNK):
            chunk = order[start:start + WRITE_CHUNK]
            yield from map(make, *(map(term, column[chunk].tolist()) for column in columns))

    def quads(self) -> Iterator[ox.Quad]:
        """Every distinct quad, by graph, subject, predicate and object."""
        graphs, subjects, predicates, objects = self._seal()
        return self._made(ox.Quad, self.quad_order(), (subjects, predicates, objects, graphs))

    def triples(self) -> Iterator[ox.Triple]:
        """Every distinct triple of the union of the graphs, by subject, predicate and object."""
        _, subjects, predicates, objects = self._seal()
        return self._made(ox.Triple, self.triple_order(), (subjects, predicates, objects))

    def columns(self) -> tuple[np.ndarray, ...]:
        """The graph, subject, predicate and object columns of term numbers (see :meth:`term`), row by row as added."""
        return self._seal()

    @property
    def terms(self) -> list[OxTerm]:
        """The terms by number: numbers sort as their terms do."""
        self._seal()
        return self._terms

    def term_texts(self) -> tuple[str, list[str]] | None:
        """The prefix lines and each term as Oxigraph writes them in Turtle and TriG, by number, made once:
        a build makes them before its writers fork, so that they share them (see :func:`kg.turtle.term_texts`)."""
        if self._texts is _UNWRITTEN:
            self._texts = term_texts(self.terms, WRITTEN_PREFIXES)
        return self._texts  # type: ignore[return-value]

    def graph_digests(self) -> dict[str, str]:
        """A digest of each graph's distinct quads, by graph IRI ("" for the default graph).

        It depends on the quads only, never on the other graphs or on the
        numbering of a build, so two builds give the same digest to a graph
        with the same quads: that is how a rebuild knows which graphs of the
        store it keeps (:class:`StoreLoad`).
        """
        graphs, subjects, predicates, objects = self._seal()
        term_hash = np.fromiter(
            (int.from_bytes(hashlib.blake2b(str(t).encode(), digest_size=8).digest(), "little") for t in self._terms),
            dtype=np.uint64, count=len(self._terms))
        order = self.quad_order()
        graph_of_row = graphs[order]
        rows = np.stack([term_hash[column[order]] for column in (subjects, predicates, objects)], axis=1)
        starts = np.flatnonzero(np.concatenate(([True], graph_of_row[1:] != graph_of_row[:-1]))) if len(order) else []
        ends = [*starts[1:], len(order)]
        return {_graph_key(self._terms[graph_of_row[start]]): hashlib.blake2b(rows[start:end].tobytes()).hexdigest()
                for start, end in zip(starts, ends)}

    def graph_quads(self, names: Iterable[str]) -> Iterator[ox.Quad]:
        """The distinct quads of the graphs named (IRIs, "" for the default graph), in written order."""
        graphs, subjects, predicates, objects = self._seal()
        return self._made(ox.Quad, self._graph_rows(names), (subjects, predicates, objects, graphs))

    def graph_names(self) -> list[str]:
        """The IRI of each graph that holds quads ("" for the default graph), in written order."""
        return [_graph_key(self._terms[n]) for n in np.unique(self._seal()[0]).tolist()]

    def graph_quad_count(self, names: Iterable[str]) -> int:
        return len(self._graph_rows(names))

    def _graph_rows(self, names: Iterable[str]) -> np.ndarray:
        graphs = self._seal()[0]
        wanted = set(names)
        numbers = [n for n in np.unique(graphs).tolist() if _graph_key(self._terms[n]) in wanted]
        order = self.quad_order()
        return order[np.isin(graphs[order], np.asarray(numbers, dtype=np.uint32))]

    def term(self, number: int) -> OxTerm:
        """The term a number stands for in :meth:`pairs`; numbers sort as their terms do."""
        self._seal()
        return self._terms[number]

    def pairs(self, predicate: str) -> tuple[np.ndarray, np.ndarray]:
        """The (subjects, objects) of the distinct triples of the union with ``predicate``, as term numbers.

        They come sorted by subject, then object; an unused predicate has none.
        """
        return self._with_predicate(predicate, distinct=True)

    def predicate_pairs(self, predicate: str) -> tuple[np.ndarray, np.ndarray]:
        """The (subjects, objects) of the quads with ``predicate``, as term numbers, in no order and
        once a graph: :meth:`pairs` without sorting the triples."""
        return self._with_predicate(predicate, distinct=False)

    def _with_predicate(self, predicate: str, distinct: bool) -> tuple[np.ndarray, np.ndarray]:
        _, subjects, predicates, objects = self._seal()
        number = self._predicate_numbers().get(predicate)
        if number is None:
            return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint32)
        if distinct:
            order = self.triple_order()
            rows = order[predicates[order] == number]
        else:
            rows = predicates == number
        return subjects[rows], objects[rows]

    def subject_objects(self, predicate: str) -> Iterator[tuple[int, int]]:
        """(subject, object) term numbers of the triples with ``predicate``, as rdflib's Graph gives terms."""
        subjects, objects = self.pairs(predicate)
        return zip(subjects.tolist(), objects.tolist())

    def objects(self, subject: int, predicate: str) -> list[int]:
        """The objects of ``subject`` and ``predicate``, as term numbers: a look-up in arrays, no dict."""
        offsets, objects = self._by_subject(predicate)
        if subject + 1 >= len(offsets):
            return []
        return objects[offsets[subject]:offsets[subject + 1]].tolist()

    def _by_subject(self, predicate: str) -> tuple[np.ndarray, np.ndarray]:
        """Where each subject's objects start in the predicate's objects (they come sorted by subject)."""
        if predicate not in self._subject_offsets:
            subjects, objects = self.pairs(predicate)
            counts = np.bincount(subjects, minlength=len(self._terms))
            self._subject_offsets[predicate] = (np.concatenate(([0], np.cumsum(counts))), objects)
        return self._subject_offsets[predicate]

    def _predicate_numbers(self) -> dict[str, int]:
        if self._predicates is None:
            used = np.unique(self._seal()[2])
            self._predicates = {self._terms[i].value: int(i) for i in used if isinstance(self._terms[i], ox.NamedNode)}
        return self._predicates


def _graph_key(term: OxTerm) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def quad_table(source: QuadTable | Dataset | Graph | Corpus) -> QuadTable:
    """A table of the quads of a built corpus, an rdflib Dataset or Graph, or an opened store."""
    if isinstance(source, QuadTable):
        return source
    if isinstance(source, Corpus):
        return QuadTable.of_corpus(source)
    return QuadTable.of_dataset(source)


def to_ox_quads(source: QuadTable | Dataset | Corpus) -> list[ox.Quad]:
    """The distinct quads as Oxigraph quads, in written order."""
    return list(quad_table(source).quads())


# ------------------------------------------------------------ serialising


def write_turtle(table: QuadTable, output: Path | None = None) -> bytes | None:
    """The union of the graphs in Turtle, to ``output`` (a file) or as bytes (see :mod:`kg.turtle`)."""
    return _write_statements(table, output, in_graphs=False)


def write_trig(table: QuadTable, output: Path | None = None) -> bytes | None:
    """The named graphs in TriG, to ``output`` (a file) or as bytes (see :mod:`kg.turtle`)."""
    return _write_statements(table, output, in_graphs=True)


def _write_statements(table: QuadTable, output: Path | None, in_graphs: bool) -> bytes | None:
    """The table's statements from its terms' texts, or by Oxigraph's writer from its quads where those
    cannot be made; TriG ``in_graphs``, else the Turtle of their union."""
    written = table.term_texts()
    if written is None:
        quads, syntax = (table.quads(), ox.RdfFormat.TRIG) if in_graphs else (table.triples(), ox.RdfFormat.TURTLE)
        return ox.serialize(quads, _output(output), syntax, prefixes=WRITTEN_PREFIXES)
    graphs, subjects, predicates, objects = table.columns()
    order = table.quad_order() if in_graphs else table.triple_order()
    rows = (subjects[order], predicates[order], objects[order])
    graph_of_row = graphs[order] if in_graphs else None
    return _written(output, written[0], len(order),
                    lambda stream: write_statements(stream, written[1], table.terms, rows, graph_of_row))


def _written(output: Path | None, header: str, statements: int, write: Callable[[IO[bytes]], None]) -> bytes | None:
    """The ``header`` and ``write``'s statements, to the file ``output`` or as bytes; nothing at all without
    statements (as Oxigraph writes it)."""
    stream: IO[bytes] = open(output, "wb") if output is not None else io.BytesIO()  # noqa: SIM115
    with stream:
        if statements:
            stream.write(header.encode("utf-8"))
            write(stream)
        return stream.getvalue() if isinstance(stream, io.BytesIO) else None


def _output(path: Path | None) -> str | None:
    return None if path is None else str(path)


def turtle_bytes(source: QuadTable | Dataset | Corpus) -> bytes:
    return write_turtle(quad_table(source)) or b""


def trig_bytes(source: QuadTable | Dataset | Corpus) -> bytes:
    return write_trig(quad_table(source)) or b""


# ----------------------------------------------------------------- writing


def write_outputs(source: QuadTable | Dataset | Corpus, out_dir: Path) -> dict[str, Path]:
    """Write graph.ttl, graph.trig and store/ under ``out_dir``; returns their paths by name."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = quad_table(source)
    return {
        "turtle": write_file_atomically(out_dir / GRAPH_TTL, lambda path: write_turtle(table, path)),
        "trig": write_file_atomically(out_dir / GRAPH_TRIG, lambda path: write_trig(table, path)),
        "store": write_store(out_dir / STORE_DIRNAME, table),
    }


def write_file_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, then move it over ``path``."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp_name))
        _sync(tmp_name)
        os.chmod(tmp_name, 0o644)  # mkstemp makes the file private
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then move it over ``path``."""
    return write_file_atomically(path, lambda tmp: tmp.write_bytes(data))


def _sync(name: str) -> None:
    with open(name, "rb") as handle:
        os.fsync(handle.fileno())


def write_store(store_dir: Path, table: QuadTable) -> Path:
    """Build a new Oxigraph store of the table's quads, with its index of names, beside ``store_dir`` and swap it in."""
    fresh = new_store_folder(store_dir)
    try:
        fill_store(fresh, table.quads())
        write_name_index(table, fresh / NAME_INDEX)
        swap_directory(fresh, store_dir)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return store_dir


def new_store_folder(store_dir: Path) -> Path:
    fresh = Path(tempfile.mkdtemp(dir=store_dir.parent, prefix=f".{store_dir.name}.new."))
    fresh.chmod(0o755)  # mkdtemp makes the folder private
    return fresh


def fill_store(path: Path, quads: Iterable[ox.Quad], prepare: bool = False) -> None:
    """Bulk-load ``quads`` in batches, then compact the store for reading; with ``prepare``, then answer
    the library's queries (see :func:`kg.answers.prepare_answers`)."""
    store = ox.Store(str(path))
    iterator = iter(quads)
    while batch := list(islice(iterator, LOAD_BATCH)):
        store.bulk_extend(batch)
    store.flush()
    store.optimize()
    _prepared(store, path, prepare)
    del store  # closes the database before it is moved


def _prepared(store: ox.Store, path: Path, prepare: bool) -> None:
    if prepare:
        from kg.answers import prepare_answers  # the SPARQL side, which only a big store's loader needs

        prepare_answers(store, path)


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


class StoreLoad:
    """Fill a new store with a table's quads, or update the last build's, in a child process for a big one.

    Oxigraph's bulk loader takes most of the time of writing a big build:
    run in a child process, it uses the second core while this process
    writes the outputs, and its memory stays out of the build's.  A full load
    waits for no output file: a forked child, which starts with the table
    (or, from :meth:`from_corpus`, the corpus) in memory, writes the quads as
    N-Quads into a pipe that the loader process reads; a small store is
    filled in this process, where a child would cost more than it saves.

    Each store keeps the digest of each of its graphs (:data:`GRAPH_DIGESTS`,
    :meth:`QuadTable.graph_digests`).  When ``previous`` is the last build's
    store and few of its graphs changed, as after editing a few notices, the
    new store starts as a copy of it (hard links, no data copied), drops the
    graphs that changed or went and loads the changed and new ones only:
    the same quads as a full load, in a fraction of the time.
    """

    def __init__(self, store_dir: Path, table: QuadTable | None = None, previous: Path | None = None,
                 prepare: bool = False) -> None:
        self.store_dir = store_dir
        self.prepare = prepare  # whether the loader prepares the library's answers (see kg.answers)
        self.fresh = new_store_folder(store_dir)
        self.names = index_while_filling(self.fresh)  # moved into the store's folder once it is complete
        self.child: subprocess.Popen | None = None
        self.task: ForkedTask | None = None
        self._update_files: tuple[Path, ...] = ()  # what an update is given, removed once done
        self.digests: dict[str, str] = {}
        if table is not None:
            self._start(table, previous)

    @classmethod
    def from_corpus(cls, store_dir: Path, corpus: Corpus, prepare: bool = False) -> StoreLoad:
        """Start loading a new store from the corpus itself, before its quad table is made.

        The loader needs no order, so it starts while this process numbers
        and sorts the quads for the files; :meth:`table_made` then gives the
        table the graphs' digests come from.
        """
        load = cls(store_dir, prepare=prepare)
        try:
            load._start_loader(partial(write_corpus_nquads, corpus))
        except BaseException:
            load.abandon()
            raise
        return load

    def table_made(self, table: QuadTable) -> StoreLoad:
        """Write the index of the names of ``table``, the quads being loaded, and note its graphs' digests."""
        try:
            write_name_index(table, self.names)
            self.digests = table.graph_digests()
        except BaseException:
            self.abandon()
            raise
        return self

    def _start(self, table: QuadTable, previous: Path | None) -> None:
        quads = len(table)
        update = None
        if previous is not None:  # the plan needs the digests first
            self.digests = table.graph_digests()
            update = update_plan(previous, self.digests, table)
        try:
            write_name_index(table, self.names)  # before a loader or an updater prepares answers with it
            if update is not None:
                self._start_update(table, previous, update, quads)  # type: ignore[arg-type]
            elif quads > BACKGROUND_LOAD_QUADS:
                self._start_loader(partial(write_nquads, table))
            else:
                fill_store(self.fresh, table.quads(), self.prepare)
            if previous is None:  # a full load does not wait for the digests
                self.digests = table.graph_digests()
        except BaseException:
            self.abandon()
            raise

    def _start_loader(self, write: Callable[[IO[bytes]], None]) -> None:
        """The loader process, and a forked child that writes N-Quads into its standard input.

        The loader is a new process: RocksDB's threads do not survive a fork,
        so no forked child may open a store.  The forked writer spares this
        process making an Oxigraph quad of each row.
        """
        self.child = self._start_child(LOAD_FROM_STDIN, str(self.fresh), *self._prepare_args(), stdin=subprocess.PIPE)
        pipe = self.child.stdin
        assert pipe is not None
        try:
            self.task = ForkedTask(partial(write, pipe))
        finally:
            pipe.close()  # the writer holds its own copy: the loader sees the end when the writer closes it
            self.child.stdin = None

    def _prepare_args(self) -> tuple[str, ...]:
        return (PREPARE,) if self.prepare else ()

    def _start_child(self, code: str, *args: str, stdin: int = subprocess.DEVNULL) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", code, *args], env=_child_environment(),
                                stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _start_update(self, table: QuadTable, previous: Path, stale: list[str], quads: int) -> None:
        changes = self.fresh.with_name(self.fresh.name + ".changes.nq")
        ox.serialize(table.graph_quads(set(stale) & set(self.digests)), str(changes), ox.RdfFormat.N_QUADS)
        stale_list = self.fresh.with_name(self.fresh.name + ".stale.json")
        stale_list.write_text(json.dumps(stale), encoding="utf-8")
        self._update_files = (changes, stale_list)
        removed = len(set(stale) - set(self.digests))
        compact = (table.graph_quad_count(stale) > COMPACT_UPDATES_FROM * quads
                   or removed > COMPACT_UPDATES_FROM * len(self.digests))
        if quads > BACKGROUND_LOAD_QUADS:
            self.child = self._start_child(UPDATE_IN_CHILD, str(previous), str(self.fresh), str(stale_list), str(changes),
                                           "compact" if compact else "", *self._prepare_args())
        else:
            update_store(previous, self.fresh, stale_list, changes, compact, self.prepare)

    def finish(self, notes: dict[str, str] | None = None) -> Path:
        """Wait for the store, note its graphs' digests in it, then swap it in at ``store_dir``.

        ``notes`` are more files to write into the store's folder (name -> text).
        """
        try:
            writer_error = self._wait_for_writer()
            if self.child is not None:
                _, errors = self.child.communicate()
                if self.child.returncode != 0:  # its own words say more than the writer's broken pipe
                    raise StoreError(f"could not fill the store: {_last_line(errors)}", self.store_dir)
            if writer_error is not None:
                raise StoreError(f"could not fill the store: {writer_error}", self.store_dir) from writer_error
            (self.fresh / GRAPH_DIGESTS).write_text(json.dumps(self.digests, sort_keys=True), encoding="utf-8")
            for name, text in (notes or {}).items():
                (self.fresh / name).write_text(text, encoding="utf-8")
            if self.names.is_file():
                os.replace(self.names, self.fresh / NAME_INDEX)
            swap_directory(self.fresh, self.store_dir)
        except BaseException:
            self.abandon()
            raise
        finally:
            self._remove_update_files()
        return self.store_dir

    def _wait_for_writer(self) -> Exception | None:
        if self.task is None:
            return None
        try:
            self.task.wait()
        except Exception as error:  # noqa: BLE001 - reported once the loader has ended too
            return error
        return None

    def abandon(self) -> None:
        """Stop the child, if any, and remove the half-filled store."""
        if self.task is not None:
            self.task.abandon()
        if self.child is not None and self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        shutil.rmtree(self.fresh, ignore_errors=True)
        self.names.unlink(missing_ok=True)
        self._remove_update_files()

    def _remove_update_files(self) -> None:
        for path in self._update_files:
            path.unlink(missing_ok=True)


def _last_line(errors: bytes) -> str:
    """What a child said last on its standard error: the error itself, not the traceback before it."""
    lines = [line.strip() for line in errors.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "the loader process ended without a word"


#: The file in a store's folder that holds the digest of each of its graphs (see StoreLoad).
GRAPH_DIGESTS = "natokg-graph-digests.json"
#: An update replaces at most this share of a store's quads; past it, a full load is faster.
UPDATE_AT_MOST = 0.5


def previous_digests(store_dir: Path) -> dict[str, str] | None:
    """The digests of the graphs of the store at ``store_dir``; None when it holds none that can be read."""
    try:
        digests = json.loads((store_dir / GRAPH_DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
        return None
    return digests


def update_plan(previous: Path, digests: dict[str, str], table: QuadTable) -> list[str] | None:
    """The graphs of the store at ``previous`` to drop (changed or gone), or None to load the store anew.

    None when there is no previous store, it holds no digests (or unreadable
    ones), or the graphs to load again hold more than :data:`UPDATE_AT_MOST`
    of the quads.
    """
    old = previous_digests(previous)
    if old is None:
        return None
    stale = sorted(name for name in set(old) | set(digests) if old.get(name) != digests.get(name))
    reloaded = table.graph_quad_count(set(stale) & set(digests))
    return stale if reloaded <= UPDATE_AT_MOST * len(table) else None


#: An update that loads again more than this share of the quads, or removes more than this share of
#: the graphs, compacts the store after (see update_store).
COMPACT_UPDATES_FROM = 0.05


def update_store(previous: Path, fresh: Path, stale_list: Path, changes: Path, compact: bool = True,
                 prepare: bool = False) -> None:
    """Make ``fresh`` a copy of the store at ``previous`` with the stale graphs replaced by those in ``changes``.

    With ``compact``, the store is compacted after (``optimize``).  That is
    worth it after a large update, but after a rebuild that changed a few
    notices it costs more than the update itself (1.3 s of 1.5 s on a
    1,000-notice store) and makes queries faster by a tenth at most, until
    RocksDB's own compactions catch up.

    When no graph changed, the new store holds the same quads as the last:
    every answer the last store kept still holds and is kept in the new one
    (hard links where the file system allows), so none is computed again.
    """
    shutil.rmtree(fresh, ignore_errors=True)  # the copy makes the folder
    ox.Store.read_only(str(previous)).backup(str(fresh))
    (fresh / GRAPH_DIGESTS).unlink(missing_ok=True)
    stale = json.loads(stale_list.read_text(encoding="utf-8"))
    store = ox.Store(str(fresh))
    for name in stale:
        store.remove_graph(ox.NamedNode(name) if name else ox.DefaultGraph())
    store.bulk_load(path=str(changes), format=ox.RdfFormat.N_QUADS, lenient=True)  # written by Oxigraph: valid
    store.flush()
    if compact:
        store.optimize()
    if not stale:
        copy_answers(previous, fresh)
    _prepared(store, fresh, prepare)
    del store


def copy_answers(previous: Path, fresh: Path) -> None:
    """The answers kept by the store at ``previous``, kept by the store at ``fresh`` too (best effort)."""
    source = previous / ANSWERS_DIRNAME
    if not source.is_dir():
        return
    try:
        shutil.copytree(source, fresh / ANSWERS_DIRNAME, copy_function=_link_or_copy, dirs_exist_ok=True)
    except OSError:  # an answer not kept is computed when asked
        shutil.rmtree(fresh / ANSWERS_DIRNAME, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_nquads(table: QuadTable, output: IO[bytes]) -> None:
    """The table's quads as N-Quads to ``output``, which is closed at the end."""
    with output:
        ox.serialize(table.quads(), output, ox.RdfFormat.N_QUADS)


def write_corpus_nquads(corpus: Corpus, output: IO[bytes]) -> None:
    """The corpus's quads as N-Quads to ``output`` (closed at the end), graph by graph, unsorted.

    Each distinct term is written by Oxigraph once and its text kept; a
    quad stated twice is written twice (the store keeps it once).
    """
    text = _TermTexts()  # text[term]: a dict look-up, the term written on first use

    with output:
        for graph_name, triples in build_graphs(corpus):
            graph = "" if graph_name is None else " " + text[graph_name]
            lines = [f"{text[s]} {text[p]} {text[o]}{graph} .\n" for s, p, o in triples]
            output.write("".join(lines).encode("utf-8"))


class _TermTexts(dict):
    """Each term's N-Quads text, written by Oxigraph the first time the term is looked up."""

    def __missing__(self, term: PlainTerm) -> str:
        written = self[term] = str(ox_term(term))
        return written


def fill_store_from_stdin(path: Path, prepare: bool = False) -> None:
    """Fill a store with the N-Quads read from standard input, then compact it for reading; with
    ``prepare``, then answer the library's queries (see :func:`kg.answers.prepare_answers`)."""
    store = ox.Store(str(path))
    bulk_load_in_threads(store, sys.stdin.buffer, LOAD_THREADS, SHARED_LOAD_BYTES)
    store.flush()
    store.optimize()
    _prepared(store, path, prepare)
    del store  # closes the database before it is moved


def bulk_load_in_threads(store: ox.Store, source: IO[bytes], threads: int, shared_bytes: int | None = None) -> None:
    """Bulk-load an N-Quads stream with ``threads`` of Oxigraph's loaders sharing its first ``shared_bytes``.

    Oxigraph's loader indexes a batch of about a million quads on one
    thread: a smaller store, loaded by one loader, keeps one core busy and
    ends last in a build.  The first ``shared_bytes`` of the stream (all of
    it when None) are cut at line ends into blocks dealt in turn to the
    loaders, each reading its share as one stream; then the other loaders'
    streams end and the first loader reads the rest alone.  N-Quads lines
    stand alone, and a store holds a quad once, whichever loader wrote it.
    Only a blank node's label is the stream's own (each loader names the
    blank nodes it reads anew), so every line that may hold one goes to the
    first loader.  The stream is the build's own, each term written by
    Oxigraph: it is read without checking IRIs again (``lenient``; loaded
    into memory, 10,000 notices' quads take 16.4 s instead of 19.3 s).
    """
    if threads <= 1:
        store.bulk_load(source, ox.RdfFormat.N_QUADS, lenient=True)
        return
    shares = [_BlockStream() for _ in range(threads)]
    errors: list[BaseException] = []

    def load(share: _BlockStream) -> None:
        try:
            store.bulk_load(share, ox.RdfFormat.N_QUADS, lenient=True)
        except BaseException as error:  # noqa: BLE001 - raised in the calling thread
            errors.append(error)
            share.fail()

    loaders = [threading.Thread(target=load, args=(share,), daemon=True) for share in shares]
    for loader in loaders:
        loader.start()
    try:
        blocks, dealt = _line_blocks(source, LOAD_BLOCK_BYTES), 0
        for index, block in enumerate(blocks):
            dealt += len(block)
            with_blanks, block = _blank_node_lines(block)
            shares[0].put(with_blanks)
            shares[index % threads].put(block)
            if shared_bytes is not None and dealt >= shared_bytes:
                break
        for share in shares[1:]:
            share.end()  # the others' loaders finish and free their batches
        for block in blocks:
            shares[0].put(block)
    finally:
        for share in shares:
            share.end()
        for loader in loaders:
            loader.join()
    if errors:
        raise errors[0]


def _line_blocks(source: IO[bytes], size: int) -> Iterator[bytes]:
    """The stream in blocks of about ``size`` bytes, each ending at a line end."""
    rest = b""
    while chunk := source.read(size):
        block = rest + chunk
        end = block.rfind(b"\n") + 1
        if end:
            yield block[:end]
        rest = block[end:]
    if rest:
        yield rest


def _blank_node_lines(block: bytes) -> tuple[bytes, bytes]:
    """The lines of a block that may name a blank node (``_:`` anywhere), and the others."""
    if b"_:" not in block:
        return b"", block
    lines = block.splitlines(keepends=True)
    return b"".join(line for line in lines if b"_:" in line), b"".join(line for line in lines if b"_:" not in line)


class _BlockStream(io.RawIOBase):
    """A readable stream of the blocks put into it until :meth:`end`; bounded, so the reader sets the pace."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._current = memoryview(b"")
        self._ended = False  # the reader saw the end, or stopped
        self._closed = False  # the writer put the end

    def put(self, block: bytes) -> None:
        if block and not self._ended and not self._closed:
            self._blocks.put(block)

    def end(self) -> None:
        """No more blocks: the reader sees the end once it has read those put before (a second call does nothing)."""
        if not self._ended and not self._closed:
            self._closed = True
            self._blocks.put(None)

    def fail(self) -> None:
        """The reader stopped: take no more blocks, and free a writer waiting for room."""
        self._ended = True
        while not self._blocks.empty():
            self._blocks.get_nowait()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._current and not self._ended:
            block = self._blocks.get()
            if block is None:
                self._ended = True
            else:
                self._current = memoryview(block)
        count = min(len(buffer), len(self._current))
        buffer[:count] = self._current[:count]
        self._current = self._current[count:]
        return count


#: The argument that has a loader or updater process prepare the library's answers once the store is filled.
PREPARE = "prepare"
LOAD_FROM_STDIN = "import sys; from pathlib import Path; from kg.store import fill_store_from_stdin; " \
    f"fill_store_from_stdin(Path(sys.argv[1]), prepare=sys.argv[2:] == [{PREPARE!r}])"
UPDATE_IN_CHILD = "import sys; from pathlib import Path; from kg.store import update_store; " \
    f"update_store(*map(Path, sys.argv[1:5]), compact=sys.argv[5] == 'compact', prepare=sys.argv[6:] == [{PREPARE!r}])"


def _child_environment() -> dict[str, str]:
    """This environment, with the folder that holds this very ``kg`` package first on the path."""
    root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


# ----------------------------------------------------------------- reading


class StoreDataset(Dataset):
    """An rdflib Dataset over an on-disk Oxigraph store opened read-only.

    The default graph is the union of the named graphs, as in the built
    Turtle.  ``oxigraph`` is the underlying :class:`pyoxigraph.Store`, for
    SPARQL without going through rdflib; ``path`` is the store folder;
    ``answers`` the folder where slow answers are kept for the next time
    they are asked (see :mod:`kg.answers`), None to keep none; ``names``
    the store's index of names (see :mod:`kg.names`), in its folder by default.
    """

    def __init__(self, oxigraph: ox.Store, path: Path, answers: Path | None = None, names: Path | None = None) -> None:
        from oxrdflib import OxigraphStore  # with rdflib's SPARQL engine, which a build never needs

        super().__init__(store=OxigraphStore(store=oxigraph), default_union=True)
        bind_prefixes(self)
        self.oxigraph = oxigraph
        self.path = path
        self.answers = answers
        self.names = path / NAME_INDEX if names is None else names

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


def open_store(path: Path, keep_answers: bool = True) -> StoreDataset:
    """Open the store under an output folder (or a store folder) read-only.

    With ``keep_answers``, a slow query's answer is kept in the store's
    folder and read back when the same query is asked again (see :mod:`kg.answers`).
    """
    store_dir = store_dir_of(path)
    if not (store_dir / STORE_MARKER).is_file():
        raise StoreError(f"no store at {store_dir}: run `natokg build` first")
    try:
        oxigraph = ox.Store.read_only(str(store_dir))
    except OSError as error:
        raise StoreError(f"cannot open the store at {store_dir}: {error}") from error
    return StoreDataset(oxigraph, store_dir, store_dir / ANSWERS_DIRNAME if keep_answers else None)
