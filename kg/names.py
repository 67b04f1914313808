"""A store's names in lower case, each with the nodes it names: a node parameter's look-up ignoring case.

A node parameter's text (``--param unit="resilience section"``) names the
nodes with that name, acronym, label or notice reference, compared exactly
and else ignoring case (see :func:`kg.queries.named_nodes`).  The engine
finds exact names through its indexes, but has no index of names in lower
case: ignoring case, it compares every name of the graph, each read back
from disk (0.7 s at 10,000 notices).  So a build writes this index, in
SQLite, from the quads it has in memory, and keeps it in the store's
folder; looking a name up in it takes a fraction of a millisecond.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDFS, SKOS

from kg.config import KGO, SCHEMA

#: The index's file in a store's folder.
NAME_INDEX = "natokg-names.sqlite"
#: The properties whose values name a node, and the path from a notice reference to its post.
NAME_PATH = "skos:prefLabel|skos:altLabel|kgo:acronym|rdfs:label"
REFERENCE_PATH = "^kgo:advertises/schema:identifier"
#: The same properties and path, as IRIs.
NAME_PREDICATES = tuple(str(iri) for iri in (SKOS.prefLabel, SKOS.altLabel, KGO.acronym, RDFS.label))
ADVERTISES, IDENTIFIER = str(KGO.advertises), str(SCHEMA.identifier)
#: Node IRIs are kept one per line in the index's cells.
_SEPARATOR = "\n"


def index_while_filling(store_dir: Path) -> Path:
    """Where the index of a store being filled at ``store_dir`` waits, beside it, until the store is complete.

    The store's loader answers queries before its folder is complete (see
    :func:`kg.answers.prepare_answers`) and an update starts by replacing
    the folder: the index goes in once the store is done.
    """
    return store_dir.with_name(store_dir.name + ".names.sqlite")


def write_name_index(table: Any, path: Path) -> Path:
    """Write the index of the names among the quads of ``table`` (a :class:`kg.store.QuadTable`) at ``path``.

    Written whole beside ``path``, then moved there: a reader finds either no index or a complete one.
    """
    nodes_of: defaultdict[str, set[str]] = defaultdict(set)
    for node, name in _names(table):
        nodes_of[name.lower()].add(node)
    fresh = path.with_name(path.name + ".new")
    fresh.unlink(missing_ok=True)
    database = sqlite3.connect(fresh)
    try:
        with database:
            database.execute("CREATE TABLE names (name TEXT PRIMARY KEY, nodes TEXT NOT NULL) WITHOUT ROWID")
            database.executemany("INSERT INTO names VALUES (?, ?)",
                                 ((name, _SEPARATOR.join(sorted(nodes))) for name, nodes in sorted(nodes_of.items())))
    finally:
        database.close()
    fresh.replace(path)
    return path


def _names(table: Any) -> Iterator[tuple[str, str]]:
    """(node IRI, name) for each name of a node: its labels and acronyms, a post's notice references."""
    for predicate in NAME_PREDICATES:
        yield from _iri_literal_pairs(table, *_pairs(table, predicate))
    references: defaultdict[int, list[int]] = defaultdict(list)
    for posting, reference in zip(*_pairs(table, IDENTIFIER)):
        references[posting].append(reference)
    for posting, post in zip(*_pairs(table, ADVERTISES)):
        yield from _iri_literal_pairs(table, [post] * len(references[posting]), references[posting])


def _pairs(table: Any, predicate: str) -> tuple[list[int], list[int]]:
    subjects, objects = table.predicate_pairs(predicate)
    return subjects.tolist(), objects.tolist()


def _iri_literal_pairs(table: Any, nodes: list[int], names: list[int]) -> Iterator[tuple[str, str]]:
    for node, name in zip(map(table.term, nodes), map(table.term, names)):
        if isinstance(node, ox.NamedNode) and isinstance(name, ox.Literal):
            yield node.value, name.value


def nodes_named_ignoring_case(index: Path, text: str) -> list[str] | None:
    """The IRIs of the nodes named ``text`` ignoring case, in IRI order; None when there is no readable index."""
    if not index.is_file():
        return None
    try:
        database = sqlite3.connect(f"{index.absolute().as_uri()}?mode=ro", uri=True)  # a store named from here
        try:
            row = database.execute("SELECT nodes FROM names WHERE name = ?", (text.lower(),)).fetchone()
        finally:
            database.close()
    except sqlite3.Error:
        return None  # a damaged index: the caller compares every name instead
    return row[0].split(_SEPARATOR) if row else []
