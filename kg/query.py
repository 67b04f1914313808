"""Run read-only SPARQL against the built store or an rdflib graph, and format the answers.

Queries see the union of the named graphs as their default graph, so they need
no ``GRAPH`` clause, and may use the project's prefixes (``kgo:``, ``kgd:``,
``org:``, ``schema:``, ``skos:``, ``prov:``...) without declaring them.
SPARQL Update is refused: the store is opened read-only.

Parameters are bound as RDF terms, never pasted into the text: each value
becomes an IRI or a literal that Oxigraph checks and escapes, and one
``VALUES`` row at the start of the query's WHERE group binds the variables.
A parameter is therefore seen by the triple patterns, FILTERs and EXISTS of
that group, but not by a FILTER inside a nested group or a subquery, which
SPARQL evaluates on its own.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from kg.build import PREFIXES, compact_iri, union_graph
from kg.errors import QueryError
from kg.order import OrderKey, sort_solutions
from kg.store import rdflib_from_ox, to_ox_term

Cell = Node | None

#: First keywords of the SPARQL Update operations.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

#: Suffixes of files that hold a query.
QUERY_SUFFIXES = (".rq", ".sparql")

READ_ONLY_MESSAGE = "SPARQL Update is not allowed: the store is read-only"
LONGEST_PARSER_MESSAGE = 300

#: The pieces of SPARQL text that matter to find the WHERE group.  Comments,
#: strings and IRIs are matched only so that the braces and words in them are skipped.
SPARQL_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3} | '{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[?$]?[A-Za-z_][\w.:-]*)
    | (?P<open>[{(])
    | (?P<close>[})])
    """,
    re.VERBOSE,
)
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PREFIXED_NAME = re.compile(r"(?P<prefix>[A-Za-z][\w-]*):(?P<local>[^\s<>\"{}|^`\\]*)")
WEB_IRI = re.compile(r"https?://\S+")


@dataclass
class QueryResult:
    """What a query answered, as RDF terms and as plain strings.

    ``kind`` is SELECT, ASK or CONSTRUCT (DESCRIBE answers like CONSTRUCT,
    with the variables subject, predicate, object).  ``rows`` holds the
    values as strings (IRIs, lexical forms of literals; None where unbound),
    ``terms`` the same cells as rdflib terms, ``boolean`` the answer of an
    ASK.  ``raw`` is the engine's own result object; it has been read
    through already.

    ``cells`` holds the engine's own terms (Oxigraph's or rdflib's), which
    the formatters read; ``terms`` is made from them when first read: on a
    long listing from the store that takes as long as the query itself, and a
    caller that reads ``rows`` never needs it.
    """

    kind: str
    variables: list[str]
    rows: list[tuple[str | None, ...]]
    raw: Any = None
    boolean: bool | None = None
    cells: list[tuple[Any, ...]] = field(default_factory=list, repr=False, compare=False)

    @cached_property
    def terms(self) -> list[tuple[Cell, ...]]:
        return [tuple(map(rdflib_cell, row)) for row in self.cells]


# ------------------------------------------------------------- the query text


def load_query_text(arg: str) -> str:
    """The text of a query file when ``arg`` names one, else ``arg`` itself as SPARQL."""
    path = Path(arg)
    if is_existing_file(path):
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"cannot read the query file: {error}", path) from error
    if looks_like_file_name(arg):
        raise QueryError("no such query file", path)
    return arg


def is_existing_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a long query is not a valid file name
        return False


def looks_like_file_name(arg: str) -> bool:
    return arg.strip().lower().endswith(QUERY_SUFFIXES) and not re.search(r"[\s{}]", arg.strip())


def first_keyword(sparql: str) -> str:
    """The first keyword after the PREFIX and BASE declarations, in upper case."""
    text = re.sub(r"<[^<>\s]*>", " ", sparql)  # IRIs first: they may contain '#'
    text = re.sub(r"#[^\n]*", " ", text)
    tokens = re.findall(r"[^\s{}()]+", text)
    position = 0
    while position < len(tokens) and tokens[position].upper() in ("PREFIX", "BASE"):
        position += 2 if tokens[position].upper() == "PREFIX" else 1
    return tokens[position].upper() if position < len(tokens) else ""


def refuse_update(sparql: str) -> None:
    if first_keyword(sparql) in UPDATE_KEYWORDS:
        raise QueryError(READ_ONLY_MESSAGE)


def one_line(message: str) -> str:
    text = re.sub(r"\s+", " ", message).strip()
    return text if len(text) <= LONGEST_PARSER_MESSAGE else text[: LONGEST_PARSER_MESSAGE - 1] + "…"


# -------------------------------------------------------------- parameters


def parameter_term(value: str) -> URIRef | Literal:
    """The RDF term a parameter value stands for.

    ``<iri>``, ``https://...`` and ``prefix:name`` with one of the project's
    prefixes (``kgd:unit/...``) give an IRI when it is a valid one; any other
    text is a plain literal, which the library's queries compare with
    ``STR()`` so that it needs no language tag.
    """
    iri = iri_in(value)
    return URIRef(iri) if iri is not None else Literal(value)


def iri_in(value: str) -> str | None:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        candidate = text[1:-1]
    elif WEB_IRI.fullmatch(text):
        candidate = text
    else:
        match = PREFIXED_NAME.fullmatch(text)
        if not match or match["prefix"] not in PREFIXES:
            return None
        candidate = str(PREFIXES[match["prefix"]]) + match["local"]
    return candidate if is_valid_iri(candidate) else None


def is_valid_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def sparql_term(term: Node) -> str:
    """An IRI or a literal in SPARQL syntax, checked and escaped by Oxigraph."""
    if not isinstance(term, (URIRef, Literal)):
        raise QueryError(f"a parameter is an IRI or a literal, not {term!r}")
    try:
        return str(to_ox_term(term))
    except ValueError as error:
        raise QueryError(f"not a valid RDF term: {term!r} ({error})") from error


#: What a variable may be bound to: one term, or a list of terms (None: left unbound), one VALUES row each.
Binding = Node | list[Node | None]


#: Most rows one VALUES block may get from the product of the lists; past it each list gets a block of its own.
MAX_VALUES_ROWS = 1024


def values_clause(bindings: Mapping[str, Binding], empty_block: bool = False) -> str:
    """One ``VALUES (?a ?b) { (term term) ... }`` block binding every variable at once.

    A list binds its variable to each of its terms in turn (``UNDEF`` for
    None): the block holds one row per combination of the lists' terms. An
    empty list makes the whole group fail, so the query answers nothing: with
    ``empty_block``, as an empty block, which Oxigraph takes and answers at
    once; else as a FILTER that any engine takes, but that Oxigraph applies
    only after matching every pattern (a second at 10,000 notices). One
    block rather than one per variable matters for speed: given
    ``VALUES ?a {...} VALUES ?b {...}``, Oxigraph joins the two blocks after
    matching the patterns, while the rows of one block seed the patterns
    (a look-up from a post's role and unit: 19 ms against 0.1 ms on 10,000
    notices). Past ``MAX_VALUES_ROWS`` combinations each list gets a block of its own.
    """
    for name in bindings:
        if not VARIABLE_NAME.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    if not bindings:
        return ""
    choices = {name: term if isinstance(term, list) else [term] for name, term in bindings.items()}
    for name, terms in choices.items():
        if not terms:  # an empty VALUES block is valid SPARQL, but rdflib's engine fails on it
            return f"VALUES ?{name} {{ }}" if empty_block else f"VALUES ?{name} {{ UNDEF }} FILTER(1 = 0)"
    if math.prod(len(terms) for terms in choices.values()) > MAX_VALUES_ROWS:
        return " ".join(_values_block({name: terms}) for name, terms in choices.items())
    return _values_block(choices)


def _values_block(choices: Mapping[str, list[Node | None]]) -> str:
    """``VALUES (?a ?b) { (a1 b1) (a1 b2) ... }``: a row for each combination of the variables' terms."""
    variables = " ".join(f"?{name}" for name in choices)
    texts = [["UNDEF" if term is None else sparql_term(term) for term in terms] for terms in choices.values()]
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*texts))
    return f"VALUES ({variables}) {{ {rows} }}"


def where_group_start(sparql: str) -> int:
    """Offset of the brace that opens the query's WHERE group.

    That is the first top-level ``{`` after the keyword WHERE or, in a query
    written without the keyword, the first top-level ``{``.
    """
    depth = 0
    after_where = False
    first_open: int | None = None
    for token in SPARQL_TOKEN.finditer(sparql):
        kind, text = token.lastgroup, token.group()
        if kind == "open":
            if depth == 0 and text == "{":
                if after_where:
                    return token.start()
                first_open = token.start() if first_open is None else first_open
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "word" and depth == 0 and text.upper() == "WHERE":
            after_where = True
    if first_open is None or after_where:
        raise QueryError("the query has no WHERE clause to bind the parameters in")
    return first_open


def bind_values(sparql: str, bindings: Mapping[str, Binding] | None, for_oxigraph: bool = False) -> str:
    """The query with a VALUES row for ``bindings`` at the start of its WHERE group.

    The row goes on the line of the opening brace, so that a syntax error
    elsewhere is still reported at its own line.  ``for_oxigraph``: the
    query is for Oxigraph, which takes an empty VALUES block (see :func:`values_clause`).
    """
    if not bindings:
        return sparql
    position = where_group_start(sparql) + 1
    return f"{sparql[:position]} {values_clause(bindings, empty_block=for_oxigraph)} {sparql[position:]}"

def split_order_by(sparql: str) -> tuple[str, list[OrderKey]] | None:
    """The query without its closing ``ORDER BY``, and the variables it ordered by; None when it has none
    that :func:`kg.order.sort_solutions` can do instead.

    That is an ORDER BY of plain variables, each alone or in ``ASC()`` or
    ``DESC()``, after the query's last closing brace and at its very end
    (no LIMIT or OFFSET, which would need the engine's order).
    """
    tokens = list(SPARQL_TOKEN.finditer(sparql))
    last_brace = max((i for i, t in enumerate(tokens) if t.group() == "}"), default=None)
    if last_brace is None:
        return None
    tail = [t for t in tokens[last_brace + 1:] if t.lastgroup != "comment"]
    order_at = next((i for i in range(len(tail) - 1)
                     if tail[i].group().upper() == "ORDER" and tail[i + 1].group().upper() == "BY"), None)
    if order_at is None:
        return None
    keys = _order_keys([t.group() for t in tail[order_at + 2:]])
    start = tail[order_at].start()
    rest = SPARQL_TOKEN.sub("", sparql[start:])  # what no token matched: only spaces may be left
    if not keys or rest.strip():
        return None
    return sparql[:start], keys


def _order_keys(words: list[str]) -> list[OrderKey]:
    """``?a DESC(?b) ASC(?c)`` as [("a", False), ("b", True), ("c", False)]; [] for anything else."""
    keys: list[OrderKey] = []
    position = 0
    while position < len(words):
        word = words[position]
        if word.startswith(("?", "$")) and VARIABLE_NAME.fullmatch(word[1:]):
            keys.append((word[1:], False))
            position += 1
        elif word.upper() in ("ASC", "DESC") and words[position + 1:position + 2] == ["("] \
                and words[position + 3:position + 4] == [")"] and words[position + 2][:1] in "?$" \
                and VARIABLE_NAME.fullmatch(words[position + 2][1:]):
            keys.append((words[position + 2][1:], word.upper() == "DESC"))
            position += 4
        else:
            return []
    return keys


# ----------------------------------------------------------------- running


def run_query(target: Any, sparql: str, bindings: Mapping[str, Binding] | None = None) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query.

    ``target`` is what :func:`kg.store.open_store` returns, a
    :class:`pyoxigraph.Store`, or an rdflib Graph or Dataset.  ``bindings``
    gives variables a value (see :func:`parameter_term`), bound by a VALUES row.
    """
    if not sparql.strip():
        raise QueryError("the query is empty")
    refuse_update(sparql)
    oxigraph = target if isinstance(target, ox.Store) else getattr(target, "oxigraph", None)
    sparql = bind_values(sparql, bindings, for_oxigraph=isinstance(oxigraph, ox.Store))
    if isinstance(oxigraph, ox.Store):
        answers = getattr(target, "answers", None)
        return run_on_oxigraph(oxigraph, sparql) if answers is None else run_keeping_answers(oxigraph, sparql, answers)
    if isinstance(target, Graph):
        return run_on_rdflib(target, sparql)
    raise TypeError(f"cannot run SPARQL on {type(target).__name__}")


def run_keeping_answers(store: ox.Store, sparql: str, answers: Path, keep_after: float | None = None) -> QueryResult:
    """The answer kept in ``answers`` for this query, else the engine's, kept there when it took at least
    ``keep_after`` seconds (:data:`kg.answers.KEEP_AFTER_SECONDS` by default; 0 keeps every answer)."""
    from kg.answers import KEEP_AFTER_SECONDS, keep, recall

    kept = recall(answers, sparql)
    if kept is not None:
        return kept
    start = time.perf_counter()
    result = run_on_oxigraph(store, sparql)
    if time.perf_counter() - start >= (KEEP_AFTER_SECONDS if keep_after is None else keep_after):
        keep(answers, sparql, result)
    return result


def run_on_oxigraph(store: ox.Store, sparql: str) -> QueryResult:
    """The engine's answer; a SELECT's closing ORDER BY is done here on the rows it gives (see :mod:`kg.order`)."""
    return _run_on_oxigraph(store, sparql, split_order_by(sparql) if first_keyword(sparql) == "SELECT" else None)


def _run_on_oxigraph(store: ox.Store, sparql: str, ordered: tuple[str, list[OrderKey]] | None) -> QueryResult:
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    try:
        raw = store.query(sparql if ordered is None else ordered[0], use_default_graph_as_union=True, prefixes=prefixes)
    except SyntaxError as error:
        raise QueryError(oxigraph_syntax_message(str(error))) from error
    except OSError as error:
        raise QueryError(f"cannot read the store: {error}") from error
    if isinstance(raw, ox.QueryBoolean):
        return boolean_result(bool(raw), raw)
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        solutions = [tuple(solution) for solution in raw]  # a solution's values come in the order of the variables
        if ordered is not None:
            if not all(name in variables for name, _ in ordered[1]):  # ordered by a variable it does not show
                return _run_on_oxigraph(store, sparql, None)
            solutions = sort_solutions(variables, solutions, ordered[1])
        rows = [tuple(map(ox_text, solution)) for solution in solutions]
        return QueryResult(kind="SELECT", variables=variables, rows=rows, raw=raw, cells=solutions)
    triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in raw]
    return graph_result(triples, raw)


def ox_text(term: Any) -> str | None:
    """An Oxigraph term as :func:`as_text` writes its rdflib term: the IRI, the lexical form, ``_:id``."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return as_text(from_ox(term))


def oxigraph_syntax_message(message: str) -> str:
    """Oxigraph's "error at 1:27: expected ..." as "SPARQL syntax error at line 1, column 27: expected ..." """
    match = re.match(r"error at (\d+):(\d+)(?:-\d+:\d+)?: (.*)", message, re.DOTALL)
    if match:
        line, column, detail = match.groups()
        detail = re.split(r",? \[", detail, maxsplit=1)[0]  # drop the lists of character classes
        if "Prefix not found" in detail:
            detail = "unknown prefix: declare it with PREFIX"
        return one_line(f"SPARQL syntax error at line {line}, column {column}: {detail}")
    return one_line(f"SPARQL syntax error: {message}")


def rdflib_cell(cell: Any) -> Cell:
    """A result cell as an rdflib term, whichever engine gave it (or a kept answer, see :mod:`kg.answers`)."""
    if cell is None or isinstance(cell, Node):
        return cell
    if isinstance(cell, TermView):
        return rdflib_of_view(cell)
    return from_ox(cell)


def rdflib_of_view(view: TermView) -> Node:
    if view.kind == "uri":
        return URIRef(view.value)
    if view.kind == "bnode":
        return BNode(view.value)
    return Literal(view.value, lang=view.language, datatype=URIRef(view.datatype) if view.datatype else None)


def from_ox(term: Any) -> Cell:
    """An Oxigraph term as an rdflib term; a quoted triple as its text."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return rdflib_from_ox(term)
    return Literal(str(term))


def run_on_rdflib(graph: Graph, sparql: str) -> QueryResult:
    if isinstance(graph, Dataset) and not graph.default_union:
        graph = union_graph(graph)
    try:
        prepared = prepareQuery(sparql, initNs=dict(PREFIXES))
    except ParseException as error:
        raise QueryError(one_line(f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}")) from error
    except Exception as error:  # rdflib reports an unknown prefix as a bare Exception
        raise QueryError(one_line(f"SPARQL syntax error: {error}")) from error
    raw = graph.query(prepared)
    if raw.type == "ASK":
        return boolean_result(bool(raw.askAnswer), raw)
    if raw.type == "SELECT":
        variables = [str(v) for v in raw.vars or []]
        terms = [tuple(row.get(name) for name in variables) for row in raw]
        return table_result("SELECT", variables, terms, raw)
    return graph_result(list(raw.graph), raw)


def boolean_result(answer: bool, raw: Any) -> QueryResult:
    return QueryResult(kind="ASK", variables=[], rows=[], raw=raw, boolean=answer)


def table_result(kind: str, variables: list[str], terms: list[tuple[Cell, ...]], raw: Any) -> QueryResult:
    rows = [tuple(as_text(cell) for cell in row) for row in terms]
    return QueryResult(kind=kind, variables=variables, rows=rows, raw=raw, cells=terms)


def graph_result(triples: Iterable[tuple[Cell, Cell, Cell]], raw: Any) -> QueryResult:
    ordered = sorted(set(triples), key=lambda triple: tuple(cell.n3() for cell in triple))
    return table_result("CONSTRUCT", ["subject", "predicate", "object"], ordered, raw)


def as_text(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, BNode):
        return f"_:{cell}"
    return str(cell)


# -------------------------------------------------------------- formatting


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as an aligned text table, SPARQL 1.1 CSV or TSV, or SPARQL 1.1 Query Results JSON."""
    formatter = FORMATTERS.get(fmt)
    if formatter is None:
        raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(FORMATTERS)}")
    return formatter(result)


@dataclass(frozen=True)
class TermView:
    """What the formatters need of a term, from Oxigraph's or rdflib's: its kind, text, language, datatype."""

    kind: str  # "uri", "bnode" or "literal"
    value: str
    language: str | None = None
    datatype: str | None = None  # None for a plain or language-tagged string


#: Datatypes a result format leaves out: a plain string's and a language-tagged string's.
IMPLICIT_DATATYPES = frozenset({str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})


def term_view(cell: Any) -> TermView | None:
    """The :class:`TermView` of an Oxigraph or rdflib term (None stays None: unbound)."""
    if cell is None or isinstance(cell, TermView):
        return cell
    if isinstance(cell, ox.NamedNode):
        return TermView("uri", cell.value)
    if isinstance(cell, URIRef):
        return TermView("uri", str(cell))
    if isinstance(cell, ox.BlankNode):
        return TermView("bnode", cell.value)
    if isinstance(cell, BNode):
        return TermView("bnode", str(cell))
    if isinstance(cell, ox.Literal):
        datatype = cell.datatype.value
        return TermView("literal", cell.value, cell.language, None if datatype in IMPLICIT_DATATYPES else datatype)
    if isinstance(cell, Literal):
        datatype = str(cell.datatype) if cell.datatype is not None else None
        return TermView("literal", str(cell), cell.language, None if datatype in IMPLICIT_DATATYPES else datatype)
    return TermView("literal", str(cell))  # a quoted triple, as its text


def format_table(result: QueryResult) -> str:
    if result.kind == "ASK":
        return "true" if result.boolean else "false"
    header = list(result.variables)
    body = table_texts(result)
    widths = [max([len(name)] + [len(row[i]) for row in body]) for i, name in enumerate(header)]
    lines = [join_cells(header, widths), "  ".join("-" * w for w in widths)]
    lines += [join_cells(row, widths) for row in body]
    count = len(body)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines)


def table_texts(result: QueryResult) -> list[list[str]]:
    """The cells as the table writes them (see :func:`table_cell`).

    A kept answer says which of its cells are IRIs without making a view of
    each (:meth:`kg.answers.KeptCells.iri_cells`): the rows' texts then only
    need their IRIs shortened, ten times faster for a listing of thousands.
    """
    iri_cells = getattr(result.cells, "iri_cells", None)
    if iri_cells is None:
        return [[table_cell(cell) for cell in row] for row in result.cells]
    is_iri = iri_cells()
    width = len(result.variables)
    return [["" if text is None else compact_iri(text) if is_iri[start + column] else text
             for column, text in enumerate(row)]
            for start, row in zip(range(0, len(is_iri), width), result.rows)]


def join_cells(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()


def table_cell(term: Any) -> str:
    """IRIs in short with the project's prefixes; blank nodes as ``_:id``; literals as their text."""
    cell = term_view(term)
    if cell is None:
        return ""
    if cell.kind == "uri":
        return compact_iri(cell.value)
    if cell.kind == "bnode":
        return f"_:{cell.value}"
    return cell.value


def format_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ASK":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
    else:
        writer.writerow(result.variables)
        writer.writerows([["" if value is None else value for value in row] for row in result.rows])
    return buffer.getvalue()


def format_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV results: ``?name`` headers, terms in Turtle syntax, empty cells where unbound."""
    if result.kind == "ASK":
        return "true\n" if result.boolean else "false\n"
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join(tsv_term(cell) for cell in row) for row in result.cells]
    return "\n".join(lines) + "\n"


#: What a Turtle string escapes, and the tab, which would split a TSV cell.
TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def tsv_term(term: Any) -> str:
    """An Oxigraph or rdflib term in Turtle syntax, as a TSV cell."""
    cell = term_view(term)
    if cell is None:
        return ""
    if cell.kind == "uri":
        return f"<{cell.value}>"
    if cell.kind == "bnode":
        return f"_:{cell.value}"
    text = '"' + cell.value.translate(TSV_ESCAPES) + '"'
    if cell.language:
        return f"{text}@{cell.language}"
    if cell.datatype:
        return f"{text}^^<{cell.datatype}>"
    return text


def format_json(result: QueryResult) -> str:
    if result.kind == "ASK":
        document: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {name: json_term(cell) for name, cell in zip(result.variables, row) if cell is not None}
            for row in result.cells
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2)


def json_term(term: Any) -> dict[str, str]:
    """One Oxigraph or rdflib term in the SPARQL 1.1 Query Results JSON form."""
    cell = term_view(term)
    assert cell is not None  # unbound cells are left out of a binding
    written = {"type": cell.kind, "value": cell.value}
    if cell.language:
        written["xml:lang"] = cell.language
    elif cell.datatype:
        written["datatype"] = cell.datatype
    return written


FORMATTERS: dict[str, Callable[[QueryResult], str]] = {
    "table": format_table,
    "csv": format_csv,
    "json": format_json,
    "tsv": format_tsv,
}
