"""The library of named queries: one ``.rq`` file each in ``queries/``.

A query file opens with comments that describe it::

    # title: Unit tree of a division
    # description: Every unit under a division, with its depth and parent.
    # param: division = Defence Policy and Planning Division (the division's name, acronym or IRI)

Each ``param`` is a variable of the query (``?division``) with a default, so
every query runs bare.  Values are bound as RDF terms by
:func:`kg.query.run_query` (a VALUES row), never pasted into the text; see
:func:`kg.query.parameter_term` for how a value becomes an IRI or a literal.
A library query uses its parameters in its top-level WHERE group, where that
row is in scope.

A ``node`` line declares a parameter that stands for a node of the graph::

    # node: division = Defence Policy and Planning Division (the division's name, acronym or IRI)

Its value is looked up before the query runs (:func:`named_nodes`): an IRI
stands for itself, ``*`` for any node (the variable is left unbound), and
any other text for every node with that name, acronym, label or notice
reference, matched exactly and else ignoring case.  The variable is bound to
those nodes, one VALUES row each, so the query starts from them through the
store's indexes instead of comparing every name in the graph.  In another
SPARQL tool, bind such a variable to the node's IRI.

The library is ``queries/`` beside the package in a checkout, else the copy
under ``kg/data/queries``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.config import project_folder
from kg.errors import QueryError
from kg.names import NAME_PATH, REFERENCE_PATH, nodes_named_ignoring_case
from kg.query import (
    Binding,
    QueryResult,
    is_existing_file,
    looks_like_file_name,
    parameter_term,
    run_query,
    sparql_term,
)

QUERY_SUFFIX = ".rq"
#: What a library name looks like: a file stem such as ``division-tree``.
QUERY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
HEADER_LINE = re.compile(r"#\s*(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.*?)\s*$")
PARAM_LINE = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*"
    r"(?P<default>\"[^\"]*\"|[^()]*?)\s*"
    r"(?:\((?P<description>[^()]*)\))?"
)
PARAM_SYNTAX = "# param: NAME = default value (description)"
#: A value that leaves a node parameter unbound: any node.
ANY = "*"


def find_queries_dir() -> Path:
    """``queries/`` of a checkout, else the copy installed with the package."""
    return project_folder("queries")


QUERIES_DIR = find_queries_dir()


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    description: str = ""
    #: Whether the value names a node of the graph, looked up before the query runs.
    node: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path | None
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    text: str = ""

    @property
    def param_names(self) -> list[str]:
        return [param.name for param in self.params]


@dataclass(frozen=True)
class Header:
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)


# ----------------------------------------------------------------- headers


def header_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the comment block that opens the query."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        if stripped:
            lines.append((number, stripped))
    return lines


def parse_header(text: str, source: str | Path | None = None) -> Header:
    """Title, description and parameters from the query's opening comments."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    for number, line in header_lines(text):
        match = HEADER_LINE.fullmatch(line)
        if not match:
            continue
        key, value = match["key"].lower(), match["value"]
        if key in ("param", "node"):
            params.append(parse_param(value, number, source, node=key == "node"))
        elif key in ("title", "description"):
            fields[key] = value
    check_unique(params, source)
    return Header(fields.get("title", ""), fields.get("description", ""), params)


def parse_param(value: str, line: int, source: str | Path | None, node: bool = False) -> Param:
    match = PARAM_LINE.fullmatch(value)
    if not match or not match["default"]:
        raise QueryError(f"line {line}: a parameter reads {PARAM_SYNTAX!r}, not {value!r}", source)
    default = match["default"]
    if len(default) >= 2 and default.startswith('"') and default.endswith('"'):
        default = default[1:-1]
    return Param(match["name"], default, (match["description"] or "").strip(), node)


def check_unique(params: list[Param], source: str | Path | None) -> None:
    names = [param.name for param in params]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise QueryError(f"parameter declared twice: {', '.join(repeated)}", source)


# ----------------------------------------------------------------- library


def read_query_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read the query file: {error}", path) from error


def load_named_query(path: Path) -> NamedQuery:
    text = read_query_file(path)
    header = parse_header(text, path)
    return NamedQuery(path.stem, path, header.title or path.stem, header.description, header.params, text)


def query_names(folder: Path | None = None) -> list[str]:
    folder = Path(folder) if folder is not None else QUERIES_DIR
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.glob(f"*{QUERY_SUFFIX}") if path.is_file())


def library(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Name (file stem) -> query, for every ``.rq`` file of the library, by name."""
    folder = Path(folder) if folder is not None else QUERIES_DIR
    return {name: load_named_query(folder / f"{name}{QUERY_SUFFIX}") for name in query_names(folder)}


def close_names(name: str, names: list[str]) -> list[str]:
    """Library names that look like ``name``: misspelt, or containing it."""
    close = difflib.get_close_matches(name, names, n=4, cutoff=0.5)
    containing = [other for other in names if name.lower() in other.lower() and other not in close]
    return (close + containing)[:5]


def unknown_name_error(name: str, names: list[str]) -> QueryError:
    suggestions = close_names(name, names)
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    return QueryError(f"no query named {name!r} in the library{hint} (`natokg queries` lists them)")


# --------------------------------------------------------------- resolving


def resolve_named(arg: str, folder: Path | None = None) -> NamedQuery:
    """A library name, a ``.rq`` file or SPARQL text, as a query with its parameters.

    A library name wins over a file of the same name in the working folder;
    ``name.rq`` also finds the library query when no such file exists.
    """
    folder = Path(folder) if folder is not None else QUERIES_DIR
    names = query_names(folder)
    stripped = arg.strip()
    if stripped in names:
        return load_named_query(folder / f"{stripped}{QUERY_SUFFIX}")
    path = Path(stripped)
    if is_existing_file(path):
        return named_from_text(path.stem, read_query_file(path), path)
    if looks_like_file_name(stripped):
        if path.parent == Path(".") and path.stem in names:
            return load_named_query(folder / f"{path.stem}{QUERY_SUFFIX}")
        raise QueryError("no such query file", path)
    if QUERY_NAME.fullmatch(stripped):
        raise unknown_name_error(stripped, names)
    return named_from_text("query", arg, None)


def named_from_text(name: str, text: str, path: Path | None) -> NamedQuery:
    header = parse_header(text, path)
    return NamedQuery(name, path, header.title or name, header.description, header.params, text)


def resolve_query(arg: str, folder: Path | None = None) -> tuple[str, list[Param]]:
    """(SPARQL text, declared parameters) for a library name, a ``.rq`` path or SPARQL text."""
    query = resolve_named(arg, folder)
    return query.text, query.params


# -------------------------------------------------------------- parameters


def parameter_bindings(params: list[Param], values: Mapping[str, str] | None = None) -> dict[str, Node]:
    """Variable -> RDF term for every declared parameter: the value given, else the default.

    A value for an undeclared parameter is an error that names the valid ones.
    A node parameter is given here as its term; :func:`bind_parameters` looks it up.
    """
    values = dict(values or {})
    declared = {param.name: param for param in params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryError(unknown_parameter_message(unknown, params))
    return {param.name: parameter_term(values.get(param.name, param.default)) for param in params}


def bind_parameters(target: Any, params: list[Param], values: Mapping[str, str] | None = None) -> dict[str, Binding]:
    """Like :func:`parameter_bindings`, with each node parameter bound to the nodes its value names in ``target``."""
    bindings: dict[str, Binding] = dict(parameter_bindings(params, values))
    for param in params:
        if param.node:
            bindings[param.name] = named_nodes(target, bindings[param.name])  # type: ignore[arg-type]
    return bindings


def named_nodes(target: Any, term: Node) -> list[Node | None]:
    """The nodes a node parameter's value stands for, in IRI order.

    ``*`` stands for any node ([None]: left unbound); an IRI for itself; a
    text for the nodes with that name, acronym, label or notice reference,
    compared exactly first (index look-ups), else ignoring case (the store's
    index of names in lower case; a scan of every name elsewhere).
    """
    text = str(term)
    if isinstance(term, Literal) and text.strip() == ANY:
        return [None]
    if isinstance(term, URIRef):
        return [term]
    found = _nodes_named(target, text) or _nodes_named_ignoring_case(target, text)
    return sorted(found, key=str)


def _nodes_named(target: Any, text: str) -> set[Node]:
    forms = " ".join(sparql_term(form) for form in (Literal(text, lang="en"), Literal(text, lang="fr"), Literal(text)))
    return _nodes_found(target, f"VALUES ?name {{ {forms} }} ?node {NAME_PATH}|{REFERENCE_PATH} ?name")


def _nodes_named_ignoring_case(target: Any, text: str) -> set[Node]:
    """From the store's index of names (see :mod:`kg.names`), else by comparing every name."""
    index = getattr(target, "names", None)
    indexed = nodes_named_ignoring_case(index, text) if isinstance(index, Path) else None
    if indexed is not None:
        return {URIRef(node) for node in indexed}
    key = sparql_term(Literal(text.lower()))
    return _nodes_found(target, f"?node {NAME_PATH}|{REFERENCE_PATH} ?name FILTER(LCASE(STR(?name)) = {key})")


def _nodes_found(target: Any, pattern: str) -> set[Node]:
    """The values of ``?node`` that ``pattern`` finds in ``target``."""
    rows = run_query(target, f"SELECT DISTINCT ?node WHERE {{ {pattern} }}").terms
    return {node for (node,) in rows if node is not None}


def unknown_parameter_message(unknown: list[str], params: list[Param]) -> str:
    names = ", ".join(repr(name) for name in unknown)
    if not params:
        return f"unknown parameter {names}: this query takes no parameters"
    valid = ", ".join(f"{param.name} (default {param.default!r})" for param in params)
    return f"unknown parameter {names}: valid parameters are {valid}"


def parse_param_options(options: list[str]) -> dict[str, str]:
    """``["division=DPP", ...]`` (the ``--param`` options) as a dict; the value may hold ``=``."""
    values: dict[str, str] = {}
    for option in options:
        name, separator, value = option.partition("=")
        if not separator or not name.strip():
            raise QueryError(f"a parameter reads NAME=VALUE, not {option!r}")
        values[name.strip()] = value
    return values


def run_named(target: Any, arg: str, values: Mapping[str, str] | None = None, folder: Path | None = None) -> QueryResult:
    """Run a library query, a ``.rq`` file or SPARQL text with its parameters bound."""
    query = resolve_named(arg, folder)
    return run_query(target, query.text, bind_parameters(target, query.params, values))
