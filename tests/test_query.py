"""SPARQL against the store and rdflib graphs, and the result formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from corpus_fixtures import OVERSEES_SENTENCE, SOURCE_0, sample_corpus
from rdflib import Graph

from kg.build import build_dataset, union_graph
from kg.errors import QueryError
from kg.query import QueryResult, format_result, load_query_text, run_query
from kg.store import open_store, write_outputs

REPORTING_LINE = """
SELECT ?step ?role ?unitLabel WHERE {
    ?notice kgo:sourceFile "000_bbc9af25ff1dbbb4.txt" ; kgo:advertises ?post .
    { ?post org:reportsTo ?superior . BIND(1 AS ?step) }
    UNION
    { ?post org:reportsTo/org:reportsTo ?superior . BIND(2 AS ?step) }
    ?superior org:role/rdfs:label ?role ; org:postIn/skos:prefLabel ?unitLabel .
    FILTER(lang(?role) = "en" && lang(?unitLabel) = "en")
} ORDER BY ?step
"""

EVIDENCE_OF_OVERSEES = """
PREFIX kgo: <https://w3id.org/natokg/ontology#>
SELECT ?sentence ?file WHERE {
    ?post kgo:oversees ?group .
    ?e rdf:subject ?post ; rdf:predicate kgo:oversees ; rdf:object ?group ;
       kgo:sentence ?sentence ; prov:wasDerivedFrom/kgo:sourceFile ?file .
}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("out")
    write_outputs(build_dataset(sample_corpus()), out)
    return open_store(out)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return union_graph(build_dataset(sample_corpus()))


@pytest.fixture(params=["store", "graph"])
def target(request: pytest.FixtureRequest, store, graph):
    return store if request.param == "store" else graph


def test_query_select_follows_the_reporting_line(target):
    result = run_query(target, REPORTING_LINE)
    assert result.kind == "SELECT"
    assert result.variables == ["step", "role", "unitLabel"]
    assert result.rows == [
        ("1", "Head", "Resilience Section"),
        ("2", "Director", "Defence Policy and Capabilities Directorate"),
    ]


def test_query_traces_a_relation_to_its_sentence_and_file(target):
    result = run_query(target, EVIDENCE_OF_OVERSEES)
    assert result.rows == [(OVERSEES_SENTENCE, SOURCE_0)]


def test_query_sees_all_named_graphs_without_graph_clause(store):
    result = run_query(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a schema:JobPosting . ?x a kgo:Section }")
    assert result.rows == [("2",)]


def test_query_ask_and_construct(target):
    assert run_query(target, "ASK { ?s a kgo:Committee }").boolean is True
    assert run_query(target, "ASK { ?s a kgo:Office }").boolean is False
    constructed = run_query(target, "CONSTRUCT { ?s a kgo:Committee } WHERE { ?s a kgo:Committee }")
    assert constructed.kind == "CONSTRUCT"
    assert constructed.variables == ["subject", "predicate", "object"]
    assert len(constructed.rows) == 2


def test_query_unbound_values_are_none(target):
    result = run_query(target, "SELECT ?s ?none WHERE { ?s a kgo:Directorate OPTIONAL { ?s kgo:nothing ?none } }")
    assert result.rows == [("https://w3id.org/natokg/id/unit/defence-policy-and-planning-division/defence-policy-and-capabilities-directorate", None)]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
        "delete where { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/#frag> # a comment\nDELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "DROP GRAPH <urn:x:g>",
        "LOAD <http://example.org/data.ttl>",
        "CREATE GRAPH <urn:x:g>",
        "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_query_refuses_updates(target, update: str):
    with pytest.raises(QueryError, match="SPARQL Update is not allowed: the store is read-only"):
        run_query(target, update)


def test_query_syntax_error_gives_line_and_column(target):
    with pytest.raises(QueryError) as caught:
        run_query(target, "SELECT ?s WHERE {\n  ?s ?p ")
    message = str(caught.value)
    assert message.startswith("SPARQL syntax error")
    assert "line 2" in message
    assert "\n" not in message


def test_query_unknown_prefix_is_a_query_error(target):
    with pytest.raises(QueryError, match="prefix"):
        run_query(target, "SELECT * WHERE { ?s a nowhere:Thing }")


def test_query_empty_text_is_a_query_error(target):
    with pytest.raises(QueryError, match="empty"):
        run_query(target, "   ")


def test_query_csv_format(store):
    result = run_query(store, REPORTING_LINE)
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows == [["step", "role", "unitLabel"], ["1", "Head", "Resilience Section"], ["2", "Director", "Defence Policy and Capabilities Directorate"]]


def test_query_json_format_is_sparql_results_json(store):
    result = run_query(store, "SELECT ?s ?label WHERE { ?s a kgo:Section ; skos:prefLabel ?label FILTER(lang(?label) = 'fr') }")
    document = json.loads(format_result(result, "json"))
    assert document["head"] == {"vars": ["s", "label"]}
    [binding] = document["results"]["bindings"]
    assert binding["s"]["type"] == "uri"
    assert binding["label"] == {"type": "literal", "value": "Section Résilience", "xml:lang": "fr"}


def test_query_json_format_types_literals_and_booleans(store):
    result = run_query(store, "SELECT ?d WHERE { ?p kgo:sourceFile '000_bbc9af25ff1dbbb4.txt' ; schema:validThrough ?d }")
    [binding] = json.loads(format_result(result, "json"))["results"]["bindings"]
    assert binding["d"] == {"type": "literal", "value": "2024-05-16", "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert json.loads(format_result(run_query(store, "ASK { ?s a kgo:Group }"), "json")) == {"head": {}, "boolean": True}


def test_query_table_format_shortens_iris(store):
    result = run_query(store, "SELECT ?s WHERE { ?s a kgo:Directorate }")
    table = format_result(result, "table")
    assert "kgd:unit/defence-policy-and-planning-division/defence-policy-and-capabilities-directorate" in table
    assert table.splitlines()[0] == "s"
    assert table.endswith("(1 row)")


MIXED_TERMS = r"""
SELECT ?s ?label ?date ?count ?plain ?missing WHERE {
    ?s a kgo:Section ; skos:prefLabel ?label .
    OPTIONAL { ?p kgo:sourceFile '000_bbc9af25ff1dbbb4.txt' ; schema:validThrough ?date }
    BIND(3 AS ?count) BIND("tab\there \"quoted\"" AS ?plain)
} ORDER BY ?s ?label
"""


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_formats_the_same_from_the_store_and_from_rdflib(store, graph, fmt: str):
    """IRIs, language tags, datatypes, escapes and unbound cells read alike from Oxigraph's terms and rdflib's."""
    ours, theirs = run_query(store, MIXED_TERMS), run_query(graph, MIXED_TERMS)
    assert len(ours.rows) >= 2
    assert format_result(ours, fmt) == format_result(theirs, fmt)


def test_query_tsv_writes_terms_in_turtle_syntax(store):
    text = format_result(run_query(store, MIXED_TERMS), "tsv")
    header, first = text.splitlines()[:2]
    assert header == "?s\t?label\t?date\t?count\t?plain\t?missing"
    cells = first.split("\t")
    assert cells[0].startswith("<https://w3id.org/natokg/id/unit/") and cells[1].endswith(("@en", "@fr"))
    assert cells[2] == '"2024-05-16"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert cells[3] == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert cells[4] == '"tab\\there \\"quoted\\""' and cells[5] == ""


def test_query_wrong_format_lists_the_valid_ones():
    with pytest.raises(QueryError, match="table, csv, json"):
        format_result(QueryResult(kind="ASK", variables=[], rows=[], boolean=True), "xml")


def test_query_load_query_text_reads_a_file(tmp_path: Path):
    path = tmp_path / "sections.rq"
    path.write_text("SELECT ?s WHERE { ?s a kgo:Section }", encoding="utf-8")
    assert load_query_text(str(path)) == "SELECT ?s WHERE { ?s a kgo:Section }"
    assert load_query_text("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"


def test_query_load_query_text_missing_file_is_a_query_error(tmp_path: Path):
    with pytest.raises(QueryError, match="no such query file"):
        load_query_text(str(tmp_path / "missing.rq"))


# ------------------------------------------------------- ORDER BY done in Python

ORDERED_FACTS = b"""
<http://ex/a> <http://ex/n> "10"^^<http://www.w3.org/2001/XMLSchema#integer> ; <http://ex/name> "beta" .
<http://ex/b> <http://ex/n> "9"^^<http://www.w3.org/2001/XMLSchema#integer> ; <http://ex/name> "alpha" .
<http://ex/c> <http://ex/n> "9.5"^^<http://www.w3.org/2001/XMLSchema#decimal> ; <http://ex/name> "Zulu" .
<http://ex/d> <http://ex/name> "gamma" .
<http://ex/e> <http://ex/n> "10"^^<http://www.w3.org/2001/XMLSchema#integer> ; <http://ex/name> "alpha" .
"""


@pytest.fixture(scope="module")
def ordered_store():
    import pyoxigraph as ox

    store = ox.Store()
    store.load(ORDERED_FACTS, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://ex/g"))
    return store


@pytest.mark.parametrize("order", ["?n ?name", "DESC(?n) ?name", "?name DESC(?n)", "ASC(?name) ASC(?s)", "desc(?s)"])
def test_query_order_by_done_in_python_gives_the_engines_order(ordered_store, order: str):
    from kg.query import split_order_by

    sparql = f"SELECT ?s ?n ?name WHERE {{ ?s <http://ex/name> ?name OPTIONAL {{ ?s <http://ex/n> ?n }} }}\nORDER BY {order}"
    assert split_order_by(sparql) is not None
    engine = [tuple(s[v] for v in ("s", "n", "name"))
              for s in ordered_store.query(sparql, use_default_graph_as_union=True)]
    ours = run_query(ordered_store, sparql)
    assert ours.cells == engine  # unbound first, 9 < 9.5 < 10 as numbers, "Zulu" < "alpha" as text


def test_query_order_by_a_variable_not_shown_is_left_to_the_engine(ordered_store):
    sparql = "SELECT ?s WHERE { ?s <http://ex/n> ?n ; <http://ex/name> ?name } ORDER BY DESC(?n) ?name"
    assert run_query(ordered_store, sparql).rows == [("http://ex/e",), ("http://ex/a",), ("http://ex/c",), ("http://ex/b",)]


@pytest.mark.parametrize("sparql", [
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 2",  # LIMIT needs the engine's order
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY LCASE(STR(?s))",  # an expression
    "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s } }",  # a sub-query's
    'SELECT ?s WHERE { ?s ?p "} ORDER BY ?s" }',  # words inside a string
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY (?s)",
])
def test_query_split_order_by_keeps_what_python_cannot_do(sparql: str):
    from kg.query import split_order_by

    assert split_order_by(sparql) is None


def test_query_split_order_by_reads_the_keys_and_keeps_the_rest():
    from kg.query import split_order_by

    text, keys = split_order_by("SELECT ?a ?b { ?a ?p ?b } GROUP BY ?a ?b\n# the order\nORDER BY ?a DESC( ?b ) # last\n")
    assert text == "SELECT ?a ?b { ?a ?p ?b } GROUP BY ?a ?b\n# the order\n"
    assert keys == [("a", False), ("b", True)]
