"""Turtle and TriG written from a quad table's columns, byte for byte as Oxigraph's writer writes them.

Oxigraph writes Turtle fast, but it is handed one Python quad object per
quad: at 10,000 notices, making the five million objects takes more time
than the writing.  Here each distinct term is written once, by Oxigraph
itself (a throw-away document of one statement per term gives each term's
text), and the statements are put together from the texts of their terms,
a chunk of rows at a time, with numpy choosing where each subject, each
predicate and each graph starts.  The layout is Oxigraph's: a subject's
statements grouped with ``;``, a predicate's objects with ``,``, a named
graph's statements in braces, one tab of indent per level.

Tables that hold anything this writer does not lay out (quads in the
default graph, for TriG; RDF-star quoted triples) are handed to Oxigraph's
writer whole.
"""

from __future__ import annotations

from typing import IO, Any

import numpy as np
import pyoxigraph as ox

#: Rows put together at a time (bounds the memory the text takes on its way to the file).
CHUNK_ROWS = 1 << 17
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PLACEHOLDERS = (ox.NamedNode("urn:natokg:a"), ox.NamedNode("urn:natokg:b"))
_PLACEHOLDER_PREDICATE = ox.NamedNode("urn:natokg:p")


def term_texts(terms: list[Any], prefixes: dict[str, str]) -> tuple[str, list[str]] | None:
    """The ``@prefix`` lines Oxigraph writes first, and each term as it writes it in object position
    with ``prefixes``; None if one cannot be read back.

    The terms are the objects of one statement each, under two subjects in
    turn, so that Oxigraph writes every statement whole on a line of its own
    (a literal's line breaks are escaped).
    """
    if any(isinstance(term, (ox.Triple, ox.DefaultGraph)) for term in terms):
        return None
    statements = (ox.Triple(_PLACEHOLDERS[index & 1], _PLACEHOLDER_PREDICATE, term) for index, term in enumerate(terms))
    text = ox.serialize(statements, None, ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
    every_line = text.split("\n")
    header = "".join(f"{line}\n" for line in every_line if line.startswith("@prefix "))
    lines = [line for line in every_line if line and not line.startswith("@prefix ")]
    heads = [f"<{subject.value}> <{_PLACEHOLDER_PREDICATE.value}> " for subject in _PLACEHOLDERS]
    if len(lines) != len(terms):
        return None
    texts = []
    for index, line in enumerate(lines):
        head = heads[index & 1]
        if not (line.startswith(head) and line.endswith(" .")):
            return None
        texts.append(line[len(head):-2])
    return header, texts


def write_statements(output: IO[bytes], texts: list[str], terms: list[Any], rows: tuple[np.ndarray, ...],
                     graphs: np.ndarray | None) -> None:
    """Write the rows (subject, predicate and object term numbers, in written order) as Turtle statements,
    or as TriG with ``graphs`` (each row's graph), after the ``@prefix`` lines."""
    subjects, predicates, objects = rows
    table = np.array(texts, dtype=object)
    verbs = table.copy()  # a term as a predicate: rdf:type is "a"
    verbs[[index for index, term in enumerate(terms) if isinstance(term, ox.NamedNode) and term.value == _RDF_TYPE]] = "a"
    count = len(subjects)
    new_graph = _starts(graphs) if graphs is not None else np.zeros(count, dtype=bool)
    new_subject = new_graph | _starts(subjects)
    new_predicate = new_subject | _starts(predicates)
    indent, more = ("\t", "\t\t") if graphs is not None else ("", "\t")
    for start in range(0, count, CHUNK_ROWS):
        chunk = slice(start, min(start + CHUNK_ROWS, count))
        heads = np.full(chunk.stop - chunk.start, " , ", dtype=object)
        predicate_starts = new_predicate[chunk] & ~new_subject[chunk]
        heads[predicate_starts] = f" ;\n{more}" + verbs[predicates[chunk][predicate_starts]] + " "
        subject_starts = new_subject[chunk]
        first = np.arange(chunk.start, chunk.stop)[subject_starts] == 0
        opening = np.full(int(subject_starts.sum()), " .\n", dtype=object)
        if graphs is not None:
            graph_starts = new_graph[chunk][subject_starts]
            names = table[graphs[chunk][subject_starts]] + " {\n"
            opening[graph_starts] = " .\n}\n" + names[graph_starts]
            opening[first] = names[first]
        else:
            opening[first] = ""
        heads[subject_starts] = (opening + indent + table[subjects[chunk][subject_starts]] + " "
                                 + verbs[predicates[chunk][subject_starts]] + " ")
        pieces = np.empty(2 * len(heads), dtype=object)  # each row's head, then its object: joined, not added
        pieces[0::2] = heads
        pieces[1::2] = table[objects[chunk]]
        output.write("".join(pieces.tolist()).encode("utf-8"))
    if count:
        output.write(b" .\n}\n" if graphs is not None else b" .\n")


def _starts(column: np.ndarray) -> np.ndarray:
    """True where a row's value differs from the row before (and at the first row)."""
    changed = np.empty(len(column), dtype=bool)
    if len(column):
        changed[0] = True
        np.not_equal(column[1:], column[:-1], out=changed[1:])
    return changed
