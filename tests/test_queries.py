"""The library of named queries, parameters bound as RDF terms, and `natokg query` / `natokg queries`."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from kg.build import compact_iri, union_graph
from kg.cli import app
from kg.errors import QueryError
from kg.queries import (
    QUERIES_DIR,
    Param,
    library,
    named_nodes,
    parameter_bindings,
    parse_header,
    parse_param_options,
    resolve_query,
    run_named,
)
from kg.query import bind_values, format_result, parameter_term, run_query, tsv_term, values_clause, where_group_start
from kg.store import open_store

runner = CliRunner()
LIBRARY = library()
RESILIENCE_SECTION = "https://w3id.org/natokg/id/unit/defence-policy-and-planning-division/resilience-section"

#: Values that would break out of a query pasted together as text.
HOSTILE_VALUES = [
    'Resilience Section" } ; DROP ALL #',
    '"',
    "it's",
    '"""',
    "<script>",
    "<http://a> } DROP ALL { <http://b>",
    "x>\n} ; DROP ALL",
    "} ; DROP ALL",
    "Resilience Section\n",
    "line\r\nbreak",
    "\\",
    "\\u0022",
    "tab\there",
    "?unit",
    "",
]


def run_cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def store(seeds_out: Path):
    return open_store(seeds_out)


def iri_of(store, english_name: str) -> str:
    [(iri,)] = run_query(store, "SELECT ?u WHERE { ?u skos:prefLabel ?name }", {"name": Literal(english_name, lang="en")}).rows
    return iri


def column(result, name: str) -> list[str | None]:
    index = result.variables.index(name)
    return [row[index] for row in result.rows]


# ----------------------------------------------------------------- library


def test_queries_library_has_the_named_queries():
    assert len(LIBRARY) >= 14
    assert {"units-by-division", "reporting-lines", "division-tree", "reports-to", "relation-evidence"} <= set(LIBRARY)
    for name, query in LIBRARY.items():
        assert query.name == name == query.path.stem
        assert query.title and query.title != name, name
        assert query.description and "\n" not in query.description, name


def test_queries_every_parameter_is_a_variable_with_a_default():
    for name, query in LIBRARY.items():
        body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
        for param in query.params:
            assert param.default, (name, param.name)
            assert param.description, (name, param.name)
            assert re.search(rf"[?$]{param.name}\b", body), f"{name}: ?{param.name} is not used"


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_queries_every_library_query_runs_bare(store, name: str):
    result = run_named(store, name)
    assert result.kind == "SELECT"
    assert result.variables


def test_queries_nearly_all_return_rows_on_the_seeds(store):
    empty = [name for name in LIBRARY if not run_named(store, name).rows]
    assert len(LIBRARY) - len(empty) >= 12
    assert len(empty) <= 2, empty


def test_queries_same_answers_on_the_store_and_an_rdflib_graph(store):
    graph = union_graph(store)
    for name in ("division-tree", "reports-to", "committee-supporters", "unit-mentions"):
        assert sorted(run_named(store, name).rows) == sorted(run_named(graph, name).rows), name


def test_queries_library_finds_the_checkout_folder():
    assert QUERIES_DIR == Path(__file__).resolve().parent.parent / "queries"


# ----------------------------------------------------------------- answers


def test_queries_division_tree_gives_depth_and_parent(store):
    result = run_named(store, "division-tree")
    rows = {row[result.variables.index("unit")]: row for row in result.rows}
    depth, parent = result.variables.index("depth"), result.variables.index("parent")
    assert rows["Resilience Section"][depth] == "2"
    assert rows["Resilience Section"][parent] == "Defence Policy and Capabilities Directorate"
    assert rows["Defence Policy and Capabilities Directorate"][depth] == "1"
    assert "Operations Directorate" not in rows


def test_queries_division_tree_of_every_division(store):
    every = run_named(store, "division-tree", {"division": "*"})
    one = run_named(store, "division-tree")
    division = every.variables.index("division_name")
    assert {row[division] for row in every.rows} == {"Defence Policy and Planning Division", "Operations Division"}
    assert [row for row in every.rows if row[division] == "Defence Policy and Planning Division"] == one.rows


def test_queries_reports_to_follows_the_line_through_others(store):
    result = run_named(store, "reports-to")
    how = dict(zip(column(result, "subordinate"), column(result, "how")))
    assert how["Head, Resilience Section"] == "directly"
    assert how["Officer, Resilience Policy and Planning"] == "through Head, Resilience Section"


def test_queries_committee_supporters_of_dppc(store):
    units = column(run_named(store, "committee-supporters"), "unit")
    assert {"Defence Policy and Planning Division", "Defence Planning Section", "Crisis Response Systems and Exercises Section"} <= set(units)


def test_queries_vacancies_by_deadline_is_a_timeline(store):
    deadlines = column(run_named(store, "vacancies-by-deadline"), "deadline")
    assert deadlines == sorted(deadlines) and len(deadlines) == 5
    window = run_named(store, "vacancies-by-deadline", {"since": "2025-01-01", "until": "2025-03-31"})
    assert column(window, "reference") == ["250048", "250138"]


def test_queries_unit_mentions_in_both_languages(store):
    result = run_named(store, "unit-mentions")
    assert {"en", "fr"} <= set(column(result, "lang"))
    assert "Section Résilience" in column(result, "surface_form")


def test_queries_labels_are_filtered_by_language(store):
    result = run_named(store, "units", {"entity_type": "Section"})
    names = dict(zip(column(result, "name_en"), column(result, "name_fr")))
    assert names["Resilience Section"] == "Section Résilience"
    assert len(result.rows) == len(set(column(result, "name_en")))


# -------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "written",
    [lambda iri: "Operations Division", lambda iri: "OPS", lambda iri: "division opérations",
     lambda iri: f"<{iri}>", compact_iri, lambda iri: iri],
)
def test_queries_parameter_by_name_acronym_or_iri(store, written):
    value = written(iri_of(store, "Operations Division"))
    units = column(run_named(store, "division-tree", {"division": value}), "unit")
    assert units == ["Operations Directorate", "Crisis Response Systems and Exercises Section"]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize("name, param", [("unit-mentions", "unit"), ("division-tree", "division"), ("relation-evidence", "object")])
def test_queries_hostile_values_are_bound_as_literals(store, name: str, param: str, value: str):
    before = len(store.oxigraph)
    result = run_named(store, name, {param: value})
    assert result.rows == []
    assert len(store.oxigraph) == before


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_queries_hostile_values_on_an_rdflib_graph(store, value: str):
    assert run_named(union_graph(store), "unit-mentions", {"unit": value}).rows == []


def test_queries_bound_value_is_escaped_not_pasted():
    text = bind_values("SELECT * WHERE { ?s ?p ?o }", {"x": Literal('" } ; DROP ALL #\n')})
    assert text == 'SELECT * WHERE { VALUES (?x) { ("\\" } ; DROP ALL #\\n") }  ?s ?p ?o }'


def test_queries_value_with_quotes_finds_the_right_rows(store):
    sparql = 'SELECT ?v WHERE { BIND(CONCAT(STR(?given), "!") AS ?v) }'
    for value in ['say "hi"', "l'OTAN", "a\\b", "<b>bold</b>"]:
        assert run_query(store, sparql, {"given": parameter_term(value)}).rows == [(value + "!",)]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Resilience Section", Literal("Resilience Section")),
        (f"<{RESILIENCE_SECTION}>", URIRef(RESILIENCE_SECTION)),
        ("kgd:unit/defence-policy-and-planning-division/resilience-section", URIRef(RESILIENCE_SECTION)),
        ("org:Post", URIRef("http://www.w3.org/ns/org#Post")),
        ("https://example.org/x", URIRef("https://example.org/x")),
        ("nowhere:thing", Literal("nowhere:thing")),
        ("<not an iri>", Literal("<not an iri>")),
        ("<script>", Literal("<script>")),
        ("CTS/A", Literal("CTS/A")),
    ],
)
def test_queries_parameter_term(value: str, expected):
    term = parameter_term(value)
    assert term == expected and type(term) is type(expected)


def test_queries_values_go_into_the_where_group_not_a_string_or_comment():
    sparql = 'PREFIX ex: <http://ex.org/#> SELECT (CONCAT("{ WHERE", ?x) AS ?y) # { WHERE {\nWHERE {\n  ?s ?p ?x\n}'
    assert sparql[where_group_start(sparql):].startswith("{\n  ?s")
    assert where_group_start("ASK { ?s ?p ?o }") == 4
    construct = "CONSTRUCT { ?s a ?t } WHERE { ?s ?p ?t }"
    assert construct[where_group_start(construct):] == "{ ?s ?p ?t }"


def test_queries_construct_and_ask_take_parameters(store):
    constructed = run_query(store, "CONSTRUCT { ?u a kgo:Section } WHERE { ?u skos:prefLabel ?l FILTER(STR(?l) = ?name) }", {"name": Literal("Resilience Section")})
    assert constructed.rows == [(iri_of(store, "Resilience Section"), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/natokg/ontology#Section")]
    assert run_query(store, "ASK { ?u kgo:acronym ?a }", {"a": Literal("DPP")}).boolean is True


def test_queries_syntax_error_keeps_its_line_with_parameters(store):
    with pytest.raises(QueryError, match="line 3"):
        run_query(store, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  ?s ?p }", {"x": Literal("a")})


def test_queries_unknown_parameter_lists_the_valid_ones():
    params = [Param("division", "DPP", "a division")]
    with pytest.raises(QueryError, match=r"unknown parameter 'divison': valid parameters are division \(default 'DPP'\)"):
        parameter_bindings(params, {"divison": "x"})
    with pytest.raises(QueryError, match="takes no parameters"):
        parameter_bindings([], {"x": "y"})
    assert parameter_bindings(params) == {"division": Literal("DPP")}


def test_queries_param_options_split_at_the_first_equals():
    assert parse_param_options(["unit=a=b", "role="]) == {"unit": "a=b", "role": ""}
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_param_options(["unit"])


# ----------------------------------------------------------------- headers


def test_queries_parse_header():
    header = parse_header(
        "# title: T\n# description: D\n# param: unit = Resilience Section (a unit)\n"
        '# param: role = "Head (acting)" (the role)\n# param: bare = x\nSELECT * WHERE { ?s ?p ?o }\n# param: late = 1 (ignored)\n'
    )
    assert (header.title, header.description) == ("T", "D")
    assert header.params == [Param("unit", "Resilience Section", "a unit"), Param("role", "Head (acting)", "the role"), Param("bare", "x", "")]


@pytest.mark.parametrize("line", ["# param: unit", "# param: unit = (no default)", "# param: 9x = 1"])
def test_queries_malformed_param_line_names_the_line(line: str):
    with pytest.raises(QueryError, match="line 2: a parameter reads"):
        parse_header(f"# title: T\n{line}\nSELECT * WHERE {{}}", "q.rq")


def test_queries_parameter_declared_twice():
    with pytest.raises(QueryError, match="declared twice: a"):
        parse_header("# param: a = 1\n# param: a = 2\nASK {}")


# ---------------------------------------------------------------- resolving


def test_queries_resolve_name_path_and_text(tmp_path: Path):
    text, params = resolve_query("division-tree")
    assert "org:subOrganizationOf+" in text and [p.name for p in params] == ["division"]
    assert resolve_query("division-tree.rq")[0] == text
    assert resolve_query(str(QUERIES_DIR / "division-tree.rq"))[0] == text
    own = tmp_path / "mine.rq"
    own.write_text("# param: x = 1 (a number)\nSELECT ?x WHERE {}", encoding="utf-8")
    assert resolve_query(str(own)) == ("# param: x = 1 (a number)\nSELECT ?x WHERE {}", [Param("x", "1", "a number")])
    assert resolve_query("ASK { ?s ?p ?o }") == ("ASK { ?s ?p ?o }", [])


def test_queries_unknown_name_suggests_close_names():
    with pytest.raises(QueryError, match="did you mean division-tree"):
        resolve_query("divison-tree")
    with pytest.raises(QueryError, match="no such query file"):
        resolve_query("missing/thing.rq")


def test_queries_library_of_another_folder(tmp_path: Path):
    (tmp_path / "b.rq").write_text("# title: B\nASK {}", encoding="utf-8")
    (tmp_path / "a.rq").write_text("SELECT * WHERE {}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a query", encoding="utf-8")
    queries = library(tmp_path)
    assert list(queries) == ["a", "b"]
    assert queries["a"].title == "a" and queries["b"].title == "B"


# ------------------------------------------------------------------- formats


def test_queries_tsv_escapes_terms():
    assert tsv_term(Literal("a\tb\nc\"d\\")) == '"a\\tb\\nc\\"d\\\\"'
    assert tsv_term(Literal("Section", lang="fr")) == '"Section"@fr'
    assert tsv_term(URIRef("http://x/y")) == "<http://x/y>"
    assert tsv_term(None) == ""


def test_queries_tsv_format_is_sparql_tsv(store):
    result = run_named(store, "acronym-index", {"acronym": "RS"})
    lines = format_result(result, "tsv").splitlines()
    assert lines[0] == "?acronym_of\t?name_en\t?name_fr\t?type"
    assert lines[1].split("\t") == ['"RS"', '"Resilience Section"@en', '"Section Résilience"@fr', '"Section"']


# --------------------------------------------------------------------- CLI


def test_queries_cli_lists_the_library():
    result = run_cli("queries")
    assert result.exit_code == 0, result.output
    flat = re.sub(r"\s+", " ", result.output)
    for name in LIBRARY:
        assert name in result.output
    assert "committee = DPPC" in flat


def test_queries_cli_shows_one_query():
    result = run_cli("queries", "reports-to")
    assert result.exit_code == 0, result.output
    assert "--param role=VALUE" in result.output and "org:reportsTo+" in result.output


def test_queries_cli_query_by_name_with_params(seeds_out: Path):
    result = run_cli("query", "reports-to", "--param", "role=Head", "--param", "unit=RS", "--store", str(seeds_out))
    assert result.exit_code == 0, result.output
    assert "Officer, Resilience Policy and Planning" in result.output and "(2 rows)" in result.output


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_queries_cli_formats(seeds_out: Path, fmt: str):
    result = run_cli("query", "division-tree", "-p", "division=DPP", "--store", str(seeds_out), "--format", fmt)
    assert result.exit_code == 0, result.output
    readers = {
        "csv": lambda text: [row[1] for row in list(csv.reader(io.StringIO(text)))[1:]],
        "tsv": lambda text: [line.split("\t")[1] for line in text.splitlines()[1:]],
        "json": lambda text: [b["unit"]["value"] for b in json.loads(text)["results"]["bindings"]],
    }
    units = readers[fmt](result.output)
    assert len(units) == 6 and any("Resilience Section" in unit for unit in units)


def test_queries_cli_unknown_param_answers_with_the_valid_ones(seeds_out: Path):
    result = run_cli("query", "reports-to", "--param", "boss=Head", "--store", str(seeds_out))
    assert result.exit_code == 2
    flat = re.sub(r"\s+", " ", result.output)
    assert "unknown parameter 'boss'" in flat and "role (default 'Director')" in flat and "unit (default" in flat


def test_queries_cli_unknown_name_and_format(seeds_out: Path):
    result = run_cli("query", "reporting-line", "--store", str(seeds_out))
    assert result.exit_code == 2 and "reporting-lines" in result.output
    result = run_cli("query", "units", "--store", str(seeds_out), "--format", "xml")
    assert result.exit_code == 2 and "table, csv, json, tsv" in result.output


def test_queries_cli_hostile_param_is_harmless(seeds_out: Path):
    result = run_cli("query", "unit-mentions", "--param", 'unit=x" } ; DROP ALL #', "--store", str(seeds_out))
    assert result.exit_code == 0, result.output
    assert "(0 rows)" in result.output
    assert run_cli("query", "units", "--store", str(seeds_out)).exit_code == 0


# ------------------------------------------------------------ node parameters


def test_queries_node_line_declares_a_node_parameter():
    header = parse_header("# node: unit = Resilience Section (a unit)\n# param: grade = * (a grade)\nSELECT * {}")
    assert [(p.name, p.node) for p in header.params] == [("unit", True), ("grade", False)]


@pytest.mark.parametrize(
    "value",
    ["Resilience Section", "resilience section", "RS", "Section Résilience", f"<{RESILIENCE_SECTION}>"],
)
def test_queries_node_parameter_by_name_any_case_acronym_french_or_iri(store, value: str):
    assert named_nodes(store, parameter_term(value)) == [URIRef(RESILIENCE_SECTION)]


def test_queries_node_parameter_ignoring_case_finds_what_a_scan_finds(store):
    from kg.names import nodes_named_ignoring_case

    assert nodes_named_ignoring_case(store.names, "RESILIENCE section") == [RESILIENCE_SECTION]  # the build wrote it
    graph = union_graph(store)  # no index: every name compared
    names = column(run_query(store, "SELECT DISTINCT ?name WHERE { ?n skos:prefLabel|skos:altLabel|kgo:acronym|rdfs:label ?name }"), "name")
    names += column(run_query(store, "SELECT ?name WHERE { ?p schema:identifier ?name }"), "name")
    assert len(names) > 100
    for name in names:
        other_case = name.swapcase()
        if other_case != name:
            found = named_nodes(store, parameter_term(other_case))
            assert found == named_nodes(graph, parameter_term(other_case)) != [], name


def test_queries_node_parameter_ignoring_case_in_a_store_named_by_a_relative_path(seeds_out: Path,
                                                                                monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(seeds_out.parent)
    store = open_store(Path(seeds_out.name))  # `natokg query --store out`
    assert not store.names.is_absolute()
    assert named_nodes(store, parameter_term("resilience SECTION")) == [URIRef(RESILIENCE_SECTION)]


def test_queries_node_parameter_without_a_readable_index_compares_every_name(seeds_out: Path, tmp_path: Path):
    import shutil

    from kg.names import NAME_INDEX

    copy = tmp_path / "store"
    shutil.copytree(seeds_out / "store", copy)
    for damage in ("garbage", None):  # a file that is not an index, then no file at all
        if damage:
            (copy / NAME_INDEX).write_text(damage)
        else:
            (copy / NAME_INDEX).unlink()
        assert named_nodes(open_store(copy), parameter_term("resilience SECTION")) == [URIRef(RESILIENCE_SECTION)]


def test_queries_node_parameter_by_notice_reference_is_the_advertised_post(store):
    [post] = named_nodes(store, parameter_term("240696"))
    assert run_query(store, "ASK { ?posting kgo:advertises ?post ; schema:identifier '240696' }", {"post": post}).boolean


def test_queries_node_parameter_star_is_any_and_unknown_is_none(store):
    assert named_nodes(store, parameter_term("*")) == [None]
    assert named_nodes(store, parameter_term("No Such Section")) == []
    assert run_named(store, "unit-mentions", {"unit": "No Such Section"}).rows == []


def test_queries_node_parameter_binds_every_node_of_the_name(store):
    sparql = "SELECT ?label WHERE { ?unit skos:prefLabel ?label FILTER(lang(?label) = 'en') } ORDER BY ?label"
    units = [URIRef(RESILIENCE_SECTION), URIRef(iri_of(store, "Operations Division"))]
    assert column(run_query(store, sparql, {"unit": units}), "label") == ["Operations Division", "Resilience Section"]
    assert run_query(store, sparql, {"unit": []}).rows == []


def test_queries_node_parameters_same_answers_on_an_rdflib_graph(store):
    graph = union_graph(store)
    for name, values in [("unit-mentions", {"unit": "rs"}), ("reports-to", {}), ("reporting-chain", {"post": "240696"})]:
        assert run_named(store, name, values).rows == run_named(graph, name, values).rows != []


def test_queries_every_library_query_same_rows_on_an_rdflib_graph(store):
    graph = union_graph(store)
    for name, query in library().items():
        every = [{}] + [{param.name: "*"} for param in query.params if param.node]
        for values in every:
            assert run_named(store, name, values).rows == run_named(graph, name, values).rows, (name, values)


def test_queries_several_node_values_go_into_one_values_block(store):
    units = [URIRef(RESILIENCE_SECTION), URIRef(iri_of(store, "Operations Division"))]
    bindings = {"unit": units, "role": [None], "lang": Literal("en")}
    clause = values_clause(bindings)
    assert clause.count("VALUES") == 1
    assert clause.startswith("VALUES (?unit ?role ?lang) {") and clause.count("UNDEF") == 2
    sparql = "SELECT ?label WHERE { ?unit skos:prefLabel ?label FILTER(lang(?label) = ?lang) } ORDER BY ?label"
    assert column(run_query(store, sparql, bindings), "label") == ["Operations Division", "Resilience Section"]
    assert run_query(store, sparql, {**bindings, "role": []}).rows == []


@pytest.mark.parametrize("sparql", [
    "SELECT ?unit WHERE { ?unit skos:prefLabel ?label }",
    "SELECT ?unit ?label WHERE { OPTIONAL { ?unit skos:prefLabel ?label } }",  # ?unit in an OPTIONAL only
    "SELECT ?unit WHERE { }",
])
def test_queries_an_empty_list_of_nodes_answers_nothing_on_either_engine(store, sparql: str):
    assert values_clause({"unit": []}, empty_block=True) == "VALUES ?unit { }"  # Oxigraph's: answered at once
    assert run_query(store, sparql, {"unit": []}).rows == [] == run_query(union_graph(store), sparql, {"unit": []}).rows


def test_queries_values_past_the_row_cap_get_a_block_each(store):
    many = [Literal(str(number)) for number in range(40)]
    assert values_clause({"a": many, "b": many}).count("VALUES") == 2
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { }"
    assert run_query(store, sparql, {"a": many, "b": many}).rows == [("1600",)]


def test_queries_reporting_lines_has_no_repeated_rows(store):
    rows = run_named(store, "reporting-lines").rows
    assert len(rows) == len(set(rows))
