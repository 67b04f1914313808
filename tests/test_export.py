"""Exports of the built graph: each format read back gives what the store holds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.export import (
    EDGE_LIST_HEADER,
    EXPORTERS,
    ExportError,
    default_export_path,
    export,
    export_bytes,
    flat_value,
    load_dataset,
    org_network,
    write_export,
)
from kg.query import from_ox
from kg.store import open_store

runner = CliRunner()
RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def store(seeds_out: Path):
    return open_store(seeds_out)


@pytest.fixture(scope="module")
def dataset(store) -> Dataset:
    return load_dataset(store)


@pytest.fixture(scope="module")
def store_triples(store) -> set:
    return {(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in store.oxigraph.quads_for_pattern(None, None, None, None)}


@pytest.fixture(scope="module")
def store_quads(store) -> set:
    return {
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), URIRef(q.graph_name.value))
        for q in store.oxigraph.quads_for_pattern(None, None, None, None)
    }


def test_export_formats_are_named():
    assert list(EXPORTERS) == ["ttl", "trig", "jsonld", "nt", "graphml", "csv"]
    assert {exporter.suffix for exporter in EXPORTERS.values()} == {".ttl", ".trig", ".jsonld", ".nt", ".graphml", ".csv"}


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_export_rdf_round_trips(dataset, store_triples, fmt: str):
    parsed = Graph().parse(data=export_bytes(dataset, fmt), format=RDF_FORMATS[fmt])
    assert len(parsed) == len(store_triples)
    assert set(parsed) == store_triples
    expected = Graph()
    for triple in store_triples:
        expected.add(triple)
    assert isomorphic(parsed, expected)


def test_export_trig_keeps_the_named_graphs(dataset, store_quads):
    parsed = Dataset()
    parsed.parse(data=export_bytes(dataset, "trig"), format="trig")
    quads = {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in parsed.quads((None, None, None, None))}
    assert quads == store_quads
    assert len({graph for *_, graph in quads}) == 6  # five notices and the shared entities graph


def test_export_turtle_and_trig_match_the_build(seeds_out: Path, dataset):
    assert export_bytes(dataset, "ttl") == (seeds_out / "graph.ttl").read_bytes()
    assert export_bytes(dataset, "trig") == (seeds_out / "graph.trig").read_bytes()


def test_export_jsonld_has_a_compact_context(dataset):
    document = json.loads(export_bytes(dataset, "jsonld"))
    for prefix in ("org", "schema", "skos", "kgo", "kgd", "prov", "rdfs", "xsd"):
        assert prefix in document["@context"]
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    assert any(key.startswith("org:") for node in document["@graph"] for key in node)


def test_export_rdf_is_the_same_bytes_each_time(store):
    first, second = load_dataset(store), load_dataset(store)
    for fmt in ("ttl", "trig", "jsonld", "nt"):
        assert export_bytes(first, fmt) == export_bytes(second, fmt), fmt


def test_export_graphml_reads_back_with_types_and_labels(dataset):
    network = org_network(dataset)
    parsed = nx.read_graphml(io.BytesIO(export_bytes(dataset, "graphml")))
    assert parsed.number_of_nodes() == network.number_of_nodes()
    assert parsed.number_of_edges() == network.number_of_edges()
    for _, data in parsed.nodes(data=True):
        assert data["type"] and data["label"]
        assert "label_fr" in data and "acronym" in data
    types = {data["type"] for _, data in parsed.nodes(data=True)}
    assert {"Division", "Section", "Committee", "Post"} <= types
    labels = {data["label"] for _, data in parsed.nodes(data=True)}
    assert "Resilience Section" in labels
    kinds = {data["kind"] for *_, data in parsed.edges(data=True)}
    assert {"partOf", "reportsTo", "supports"} <= kinds


def test_export_csv_edge_list(dataset):
    rows = list(csv.reader(io.StringIO(export_bytes(dataset, "csv").decode("utf-8"))))
    assert tuple(rows[0]) == EDGE_LIST_HEADER
    assert len(rows) - 1 == org_network(dataset).number_of_edges()
    assert ["Resilience Section", "partOf", "Defence Policy and Capabilities Directorate"] in [
        [row[1], row[2], row[4]] for row in rows[1:]
    ]


@pytest.mark.parametrize(
    "value, expected",
    [
        (["a", "b"], "a; b"),
        ({"id": "x", "label": "Resilience Section"}, "Resilience Section"),
        ([{"file": "000.txt", "title": "T"}], "000.txt"),
        (None, ""),
        (3, "3"),
    ],
)
def test_export_flat_value_for_graphml(value, expected: str):
    assert flat_value(value) == expected


def test_export_unknown_format_lists_the_valid_ones(dataset):
    with pytest.raises(ExportError, match="ttl, trig, jsonld, nt, graphml, csv"):
        export_bytes(dataset, "xml")


def test_export_default_path_is_beside_the_store(seeds_out: Path):
    assert default_export_path(seeds_out, "jsonld") == seeds_out / "graph.jsonld"
    assert default_export_path(seeds_out / "store", "graphml") == seeds_out / "graph.graphml"


def test_export_writes_atomically(dataset, tmp_path: Path):
    target = tmp_path / "deep" / "org.graphml"
    assert write_export(dataset, "graphml", target) == target
    assert [path.name for path in target.parent.iterdir()] == ["org.graphml"]
    target.write_text("old", encoding="utf-8")
    with pytest.raises(ExportError):
        write_export(dataset, "nope", target)
    assert target.read_text(encoding="utf-8") == "old"


def test_export_from_a_store_folder(seeds_out: Path, tmp_path: Path, store_triples):
    path = export(seeds_out / "store", "nt", tmp_path / "g.nt")
    assert set(Graph().parse(path, format="nt")) == store_triples


# --------------------------------------------------------------------- CLI


def test_export_cli_writes_the_file(seeds_out: Path, tmp_path: Path):
    out = tmp_path / "graph.csv"
    result = runner.invoke(app, ["export", "--format", "csv", "--store", str(seeds_out), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output.replace("\n", "")
    assert out.read_text(encoding="utf-8").startswith(",".join(EDGE_LIST_HEADER))


def test_export_cli_to_stdout(seeds_out: Path, store_triples):
    result = runner.invoke(app, ["export", "-f", "nt", "-s", str(seeds_out), "-o", "-"])
    assert result.exit_code == 0
    assert set(Graph().parse(data=result.stdout, format="nt")) == store_triples


def test_export_cli_bad_format_and_missing_store(seeds_out: Path, tmp_path: Path):
    result = runner.invoke(app, ["export", "--format", "xml", "--store", str(seeds_out)])
    assert result.exit_code == 2 and "ttl, trig, jsonld, nt, graphml, csv" in result.output
    result = runner.invoke(app, ["export", "--store", str(tmp_path)])
    assert result.exit_code == 2 and "natokg build" in result.output


def test_export_streams_rdf_from_the_store_into_the_file(seeds_out: Path, tmp_path: Path, store):
    assert load_dataset(store) is store  # nothing loaded into rdflib
    for fmt, name in (("ttl", "graph.ttl"), ("trig", "graph.trig")):
        target = write_export(load_dataset(store), fmt, tmp_path / name)
        assert target.read_bytes() == (seeds_out / name).read_bytes()
    nt = write_export(load_dataset(store), "nt", tmp_path / "graph.nt")
    assert nt.read_bytes() == export_bytes(load_dataset(store), "nt")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
