"""Keep slow answers beside the store, so that a query asked again is answered at once.

A built store never changes: a new build fills a fresh folder and swaps it
in (see :mod:`kg.store`).  The answer to a query is therefore the same each
time it is asked of one store, and one that took the engine a while to
compute (a listing of every unit of ten thousand notices takes seconds) is
written in the store's ``answers/`` folder, keyed by the query's text with
its parameters bound.  The next time the same query meets the same store,
the answer is read back instead; a new build starts with no answers, as its
store folder is new.

A big store has the library's answers prepared when it is built
(:func:`prepare_answers`): its loader answers every library query at its
default parameters once the quads are in, so that even the first
``natokg query units`` of ten thousand notices is read back, not computed.

An answer is kept as plain data: the rows' strings, and for each cell the
index of its kind, language and datatype in a short table, so that reading
one back makes no term until a formatter asks for it (:class:`KeptCells`).
Keeping is best effort: an answer that cannot be written (a read-only
store, a full disk) or read back (a damaged file) is computed again.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, overload

import pyoxigraph as ox

from kg.config import ANSWERS_DIRNAME
from kg.query import IMPLICIT_DATATYPES, QueryResult, TermView, term_view

#: Answers the engine computes faster than this are not kept: reading one back would save nothing.
KEEP_AFTER_SECONDS = 0.05
#: The answers of one store take at most this much disk; the least recently used go first.
MAX_ANSWERS_BYTES = 512 * 2**20
#: Changes when the kept form changes, so that no older answer is read in a newer form.
ANSWER_FORM = b"natokg-answer-1\0"


def answer_path(folder: Path, sparql: str) -> Path:
    digest = hashlib.sha256(ANSWER_FORM + sparql.encode("utf-8")).hexdigest()
    return folder / f"{digest}.pickle"


def recall(folder: Path, sparql: str) -> QueryResult | None:
    """The answer kept for ``sparql``, or None when there is none that can be read."""
    path = answer_path(folder, sparql)
    try:
        with path.open("rb") as stream, _collector_paused():  # tens of thousands of rows, none of them cyclic
            kept = pickle.load(stream)
        os.utime(path)  # recently used: kept longest when the folder is full
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign file is an answer not kept
        return None
    return _result_of(kept)


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep(folder: Path, sparql: str, result: QueryResult) -> Path | None:
    """Write the answer atomically beside the store; None when it cannot be written."""
    path = answer_path(folder, sparql)
    try:
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(_kept_form(result), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        _make_room(folder, MAX_ANSWERS_BYTES)
    except OSError:
        return None
    return path


def prepare_answers(store: ox.Store, store_dir: Path, queries: Path | None = None, threads: int = 2) -> list[str]:
    """Answer every library query of ``queries`` (the library by default) at its default parameters and
    keep each answer, fast or slow, in the store's ``answers/`` folder; the names of the queries answered.

    Called by the process that filled the store, once its quads are in: its
    answers then never change.  A node parameter's name is looked up in the
    index of names the build writes beside the store meanwhile
    (:func:`kg.names.index_while_filling`), or by comparing every name if
    it is not there yet.  The store's engine leaves Python's lock while
    it computes, so ``threads`` queries are answered at once.  Preparing is
    best effort, like keeping: a query that fails here (a library query
    edited into bad SPARQL) is left for ``natokg query`` to report, and the
    others are still prepared.
    """
    from concurrent.futures import ThreadPoolExecutor

    from kg.names import index_while_filling
    from kg.queries import query_names
    from kg.store import StoreDataset

    dataset = StoreDataset(store, store_dir, store_dir / ANSWERS_DIRNAME, names=index_while_filling(store_dir))
    names = query_names(queries)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        answered = list(pool.map(partial(_prepare, dataset, queries), names))
    return [name for name, ok in zip(names, answered) if ok]


def _prepare(dataset: Any, queries: Path | None, name: str) -> bool:
    """Keep the answer of one library query at its defaults, as ``natokg query NAME`` will ask it."""
    from kg.queries import bind_parameters, resolve_named
    from kg.query import bind_values, run_keeping_answers

    try:
        query = resolve_named(name, queries)
        sparql = bind_values(query.text, bind_parameters(dataset, query.params), for_oxigraph=True)  # as run_query binds it
        run_keeping_answers(dataset.oxigraph, sparql, dataset.answers, keep_after=0)
    except Exception:  # noqa: BLE001 - an answer not prepared is computed when asked; the build goes on
        return False
    return True


def _make_room(folder: Path, limit: int) -> None:
    """Remove the least recently used answers until the folder holds at most ``limit`` bytes."""
    entries = sorted((entry.stat().st_mtime_ns, entry.stat().st_size, entry.path)
                     for entry in os.scandir(folder) if entry.name.endswith(".pickle"))
    total = sum(size for _, size, _ in entries)
    for _, size, path in entries[:-1]:  # the answer just written stays
        if total <= limit:
            return
        Path(path).unlink(missing_ok=True)
        total -= size


# ------------------------------------------------------------- the kept form

#: The kind of a cell in the kept form: an IRI, a blank node or a literal.
KINDS = ("uri", "bnode", "literal")


def _kept_form(result: QueryResult) -> dict[str, Any]:
    views: dict[tuple[str, str | None, str | None], int] = {}
    looks = array("H")
    for row in result.cells:
        for cell in row:
            looks.append(_look_index(views, _look(cell)))
    return {"kind": result.kind, "variables": result.variables, "rows": result.rows, "boolean": result.boolean,
            "looks": list(views), "cells": looks.tobytes()}


_IRI_LOOK = ("uri", None, None)


def _look(cell: Any) -> tuple[str, str | None, str | None] | None:
    """A cell's kind, language and datatype, as its :class:`TermView` has them; read off an Oxigraph
    IRI or literal directly, the commonest cells of a long answer."""
    kind = type(cell)
    if kind is ox.NamedNode:
        return _IRI_LOOK
    if kind is ox.Literal:
        datatype = cell.datatype.value
        return "literal", cell.language, None if datatype in IMPLICIT_DATATYPES else datatype
    view = term_view(cell)
    return None if view is None else (view.kind, view.language, view.datatype)


def _look_index(views: dict[tuple[str, str | None, str | None], int], look: tuple[str, str | None, str | None] | None) -> int:
    """0 for an unbound cell, else 1 + the index of the cell's kind, language and datatype."""
    if look is None:
        return 0
    index = views.get(look)
    if index is None:
        index = views[look] = len(views)
    return index + 1


def _result_of(kept: dict[str, Any]) -> QueryResult:
    looks = array("H")
    looks.frombytes(kept["cells"])
    rows = kept["rows"]
    cells = KeptCells(rows, looks, kept["looks"], len(kept["variables"]))
    return QueryResult(kind=kept["kind"], variables=kept["variables"], rows=rows, boolean=kept["boolean"],
                       cells=cells)  # type: ignore[arg-type]


class KeptCells(Sequence):
    """The cells of a kept answer, as :class:`~kg.query.TermView` rows made when read."""

    def __init__(self, rows: list[tuple[str | None, ...]], looks: array, table: list[tuple], width: int) -> None:
        self._rows = rows
        self._looks = looks
        self._table = table
        self._width = width

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> tuple[TermView | None, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[TermView | None, ...]]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = self._rows[index]
        start = (index if index >= 0 else len(self._rows) + index) * self._width
        return tuple(self._view(text, self._looks[start + column]) for column, text in enumerate(row))

    def __iter__(self) -> Iterator[tuple[TermView | None, ...]]:
        for index in range(len(self._rows)):
            yield self[index]

    def iri_cells(self) -> list[bool]:
        """Whether each cell, row after row, is an IRI: what a text table needs, without making views."""
        is_iri = [False] + [kind == "uri" for kind, _, _ in self._table]  # look 0: unbound
        return [is_iri[look] for look in self._looks]

    def _view(self, text: str | None, look: int) -> TermView | None:
        if look == 0 or text is None:
            return None
        kind, language, datatype = self._table[look - 1]
        if kind == "bnode":
            text = text.removeprefix("_:")
        return TermView(kind, text, language, datatype)
