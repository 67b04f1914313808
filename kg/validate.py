"""Check a built graph against the SHACL shapes of ``ontology/shapes.ttl``.

Validation runs with RDFS inference over ``ontology/natokg.ttl``, so a node
typed ``kgo:Section`` counts as an ``org:Organization`` where a shape asks for
one, as the ontology says.
"""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg import config
from kg.build import bind_prefixes, compact_iri
from kg.errors import ValidationInputError

SH = Namespace("http://www.w3.org/ns/shacl#")
ONTOLOGY_FILE = "natokg.ttl"
SHAPES_FILE = "shapes.ttl"

#: Holds the project's prefixes, for writing datatypes of literals in short.
NAMESPACES = Graph(bind_namespaces="none")
bind_prefixes(NAMESPACES)


def load_turtle(path: Path) -> Graph:
    """Parse one Turtle file, or say which file is missing or broken."""
    if not path.is_file():
        raise ValidationInputError("no such file", path)
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises many kinds of parse errors
        raise ValidationInputError(f"cannot parse as Turtle: {error}", path) from error
    return graph


def validate(data_graph: Graph, shapes_dir: Path = config.ONTOLOGY_DIR) -> tuple[bool, Graph, str]:
    """(conforms, SHACL results graph, pySHACL's text report) for ``data_graph``."""
    shapes_dir = Path(shapes_dir)
    shapes = load_turtle(shapes_dir / SHAPES_FILE)
    ontology = load_turtle(shapes_dir / ONTOLOGY_FILE)
    conforms, results, text = shacl_validate(
        data_graph,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=True,
    )
    return bool(conforms), results, str(text)


# ---------------------------------------------------------------- reporting


def compact(term: Node) -> str:
    """A short readable form: ``kgd:notice/240696``, ``skos:prefLabel``, ``"text"@en``."""
    if isinstance(term, URIRef):
        return compact_iri(str(term))
    if isinstance(term, Literal):
        return term.n3(NAMESPACES.namespace_manager)
    return str(term)


def describe_path(results: Graph, path: Node | None) -> str:
    """A property path as text, with a leading space; nothing for a node-level result."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return f" {compact(path)}"
    inverse = results.value(path, SH.inversePath)
    return f" ^{compact(inverse)}" if inverse is not None else " (complex path)"


def summarise_violations(results_graph: Graph) -> list[str]:
    """One line per SHACL result, "Violation <focus> <path>: <message> (value: ...)", sorted."""
    lines = {describe_result(results_graph, result) for result in results_graph.subjects(RDF.type, SH.ValidationResult)}
    return sorted(lines)


def describe_result(results: Graph, result: Node) -> str:
    severity = str(results.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
    focus = compact(results.value(result, SH.focusNode))
    path = describe_path(results, results.value(result, SH.resultPath))
    message = results.value(result, SH.resultMessage) or compact(results.value(result, SH.sourceConstraintComponent))
    value = results.value(result, SH.value)
    suffix = f" (value: {compact(value)})" if value is not None else ""
    return f"{severity} {focus}{path}: {message}{suffix}"
