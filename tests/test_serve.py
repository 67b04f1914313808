"""The SPARQL endpoint over real sockets on 127.0.0.1: protocol, formats, refusals and pages."""

from __future__ import annotations

import csv
import http.client
import io
import os
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from kg.config import GRAPH_TTL, ORG_GRAPH_HTML
from kg.serve import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    MAX_REQUEST_BYTES,
    NatoKGServer,
    Reply,
    ReplyMemory,
    make_server,
    negotiate,
    ranked_media_types,
    serve,
    uses_service,
)
from kg.store import open_store

WAIT_SECONDS = 20
DIVISIONS = "SELECT ?name WHERE { ?d a kgo:Division ; skos:prefLabel ?name FILTER(lang(?name) = 'en') } ORDER BY ?name"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SECTION_NAME = "Resilience Section"
XML_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


def start_in_thread(server: NatoKGServer) -> threading.Thread:
    thread = threading.Thread(target=serve, args=(server,), daemon=True)
    thread.start()
    return thread


def stop(server: NatoKGServer, thread: threading.Thread) -> None:
    server.shutdown()
    thread.join(WAIT_SECONDS)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def endpoint(seeds_out: Path) -> Iterator[str]:
    """The base URL of a server over the seeds store, on a free loopback port."""
    server = make_server(seeds_out, "127.0.0.1", 0)
    thread = start_in_thread(server)
    try:
        yield server.url
    finally:
        stop(server, thread)


@pytest.fixture(scope="module")
def client(endpoint: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=endpoint, timeout=WAIT_SECONDS, trust_env=False) as http:
        yield http


def bindings(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    return response.json()["results"]["bindings"]


def values(response: httpx.Response, name: str) -> list[str]:
    return [row[name]["value"] for row in bindings(response)]


def store_quad_count(seeds_out: Path) -> int:
    return open_store(seeds_out).quad_count()


# ------------------------------------------------------------------- queries


def test_select_by_get_returns_json_bindings(client: httpx.Client) -> None:
    names = values(client.get("/sparql", params={"query": DIVISIONS}), "name")
    assert "Defence Policy and Planning Division" in names
    assert names == sorted(names)


def test_select_by_form_post_returns_json_bindings(client: httpx.Client) -> None:
    names = values(client.post("/sparql", data={"query": DIVISIONS}), "name")
    assert "Defence Policy and Planning Division" in names


def test_select_by_query_body_post_returns_json_bindings(client: httpx.Client) -> None:
    response = client.post("/sparql", content=DIVISIONS, headers={"Content-Type": "application/sparql-query"})
    assert "Defence Policy and Planning Division" in values(response, "name")


def test_default_graph_is_the_union_of_the_named_graphs(client: httpx.Client, seeds_out: Path) -> None:
    count = values(client.get("/sparql", params={"query": COUNT_ALL}), "n")
    assert int(count[0]) == store_quad_count(seeds_out)


def test_default_graph_uri_narrows_the_dataset(client: httpx.Client) -> None:
    entities = "https://w3id.org/natokg/id/graph/entities"
    query = "ASK { ?posting a schema:JobPosting }"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
    narrowed = client.get("/sparql", params={"query": query, "default-graph-uri": entities})
    assert narrowed.json()["boolean"] is False


def test_csv_by_accept(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": DIVISIONS}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["name"] and ["Defence Policy and Planning Division"] in rows


def test_tsv_by_accept(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": DIVISIONS}, headers={"Accept": "text/tab-separated-values"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    lines = response.text.splitlines()
    assert lines[0] == "?name" and '"Defence Policy and Planning Division"@en' in lines


def test_xml_by_accept(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": DIVISIONS}, headers={"Accept": "application/sparql-results+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(response.content)
    literals = [node.text for node in root.iter(f"{XML_RESULTS}literal")]
    assert "Defence Policy and Planning Division" in literals


def test_accept_with_quality_picks_the_preferred_format(client: httpx.Client) -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv"
    response = client.get("/sparql", params={"query": DIVISIONS}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/csv")


def test_unacceptable_format_is_406(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": DIVISIONS}, headers={"Accept": "image/png"})
    assert response.status_code == 406


@pytest.mark.parametrize(("query", "answer"), [
    (f'ASK {{ ?s skos:prefLabel "{SECTION_NAME}"@en }}', True),
    ('ASK { ?s skos:prefLabel "No Such Section"@en }', False),
])
def test_ask(client: httpx.Client, query: str, answer: bool) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.json() == {"head": {}, "boolean": answer}


def test_construct_as_turtle_parses_with_rdflib(client: httpx.Client) -> None:
    query = "CONSTRUCT { ?d a kgo:Division ; skos:prefLabel ?name } WHERE { ?d a kgo:Division ; skos:prefLabel ?name }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    labels = {str(o) for o in graph.objects()}
    assert "Defence Policy and Planning Division" in labels


def test_describe_as_n_triples(client: httpx.Client) -> None:
    query = f'DESCRIBE ?s WHERE {{ ?s skos:prefLabel "{SECTION_NAME}"@en }}'
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    graph = Graph().parse(data=response.text, format="nt")
    assert SECTION_NAME in {str(o) for o in graph.objects()}


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("send", [
    lambda http: http.post("/sparql", data={"update": "DROP ALL"}),
    lambda http: http.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}),
    lambda http: http.post("/sparql", data={"query": "CLEAR ALL"}),
    lambda http: http.get("/sparql", params={"update": "DROP ALL"}),
    lambda http: http.post("/sparql", content="PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }",
                           headers={"Content-Type": "application/sparql-query"}),
], ids=["form-field", "update-body", "update-as-query", "get-update", "insert-as-query-body"])
def test_updates_are_refused_and_the_store_is_unchanged(client: httpx.Client, seeds_out: Path, send) -> None:
    before = store_quad_count(seeds_out)
    response = send(client)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/plain")
    assert "read-only" in response.text
    assert int(values(client.get("/sparql", params={"query": COUNT_ALL}), "n")[0]) == before
    assert store_quad_count(seeds_out) == before


def test_malformed_query_is_400_with_the_parser_message(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELEC ?x WHERE { ?x ?p ?o }"})
    assert response.status_code == 400
    assert "SPARQL syntax error at line 1" in response.text


def test_missing_query_is_400(client: httpx.Client) -> None:
    response = client.get("/sparql")
    assert response.status_code == 400
    assert "missing the query" in response.text


def test_federated_query_is_refused(client: httpx.Client) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 403
    assert "SERVICE" in response.text


def test_unknown_body_type_is_415(client: httpx.Client) -> None:
    response = client.post("/sparql", content=COUNT_ALL, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_oversized_body_is_413(client: httpx.Client) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_REQUEST_BYTES
    response = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


# --------------------------------------------------------------------- pages


def test_root_serves_the_org_graph(client: httpx.Client, seeds_out: Path) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.content == (seeds_out / ORG_GRAPH_HTML).read_bytes()


def test_query_page_is_self_contained(client: httpx.Client) -> None:
    response = client.get("/query")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<textarea" in response.text and 'fetch("/sparql"' in response.text
    assert "src=" not in response.text and "<link" not in response.text
    assert "connect-src 'self'" in response.headers["content-security-policy"]


def test_graph_ttl_is_a_turtle_download(client: httpx.Client, seeds_out: Path) -> None:
    response = client.get("/graph.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content == (seeds_out / GRAPH_TTL).read_bytes()
    assert len(Graph().parse(data=response.text, format="turtle")) > 0


@pytest.mark.parametrize("path", ["/nope", "/graph.trig", "/store/CURRENT", "/../graph.trig", "/%2e%2e/graph.ttl", "/org-graph.html/x"])
def test_other_paths_are_404(endpoint: str, path: str) -> None:
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=WAIT_SECONDS)
    try:
        connection.request("GET", path)  # sent as written, without normalising ".."
        response = connection.getresponse()
        assert response.status == 404
        assert b"@prefix" not in response.read()
    finally:
        connection.close()


def test_post_elsewhere_is_404(client: httpx.Client) -> None:
    assert client.post("/query", data={"query": COUNT_ALL}).status_code == 404


# ------------------------------------------------------------------ lifecycle


def test_server_stops_cleanly(seeds_out: Path) -> None:
    server = make_server(seeds_out, "127.0.0.1", 0)
    thread = start_in_thread(server)
    url = server.url
    try:
        assert httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=WAIT_SECONDS).status_code == 200
    finally:
        stop(server, thread)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=WAIT_SECONDS)


def test_natokg_serve_prints_the_url_and_stops_on_ctrl_c(seeds_out: Path) -> None:
    command = [str(Path(sys.executable).parent / "natokg"), "serve", "--store", str(seeds_out), "--port", "0"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    try:
        url = read_url(process)
        response = httpx.get(f"{url}/sparql", params={"query": COUNT_ALL}, timeout=WAIT_SECONDS)
        assert int(values(response, "n")[0]) == store_quad_count(seeds_out)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=WAIT_SECONDS)
        assert process.returncode == 0
        assert "stopped" in out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(WAIT_SECONDS)


def read_url(process: subprocess.Popen) -> str:
    """The endpoint's base URL from the first line ``natokg serve`` prints, waiting at most WAIT_SECONDS."""
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(WAIT_SECONDS)
    assert found and "/sparql" in found[0], f"no URL printed: {found}"
    url = found[0].split()[3]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/sparql")
    return url.removesuffix("/sparql")


def test_busy_port_is_a_one_line_error(seeds_out: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    server = make_server(seeds_out, "127.0.0.1", 0)
    try:
        port = str(server.server_address[1])
        result = CliRunner().invoke(app, ["serve", "--store", str(seeds_out), "--port", port])
        assert result.exit_code == 2
        assert "cannot listen on" in result.output and "Traceback" not in result.output
    finally:
        server.server_close()


def test_missing_store_is_a_one_line_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["serve", "--store", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert "no store at" in result.output


# ------------------------------------------------------------ small functions


def test_an_answer_asked_again_is_sent_from_memory_in_the_form_asked(
        seeds_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.serve

    monkeypatch.setattr(kg.serve, "KEEP_AFTER_SECONDS", 0.0)  # every answer took "a while"
    server = make_server(seeds_out, "127.0.0.1", 0)
    computed: list[str | None] = []
    compute = server.endpoint.compute

    def counting(sparql, accept, default_graphs, named_graphs):
        computed.append(accept)
        return compute(sparql, accept, default_graphs, named_graphs)

    monkeypatch.setattr(server.endpoint, "compute", counting)
    thread = start_in_thread(server)
    try:
        with httpx.Client(base_url=server.url, timeout=WAIT_SECONDS, trust_env=False) as http:
            first = http.get("/sparql", params={"query": DIVISIONS})
            again = http.get("/sparql", params={"query": DIVISIONS})
            as_csv = http.get("/sparql", params={"query": DIVISIONS}, headers={"Accept": "text/csv"})
            broken = [http.get("/sparql", params={"query": "SELECT ?x WHERE {"}) for _ in range(2)]
    finally:
        stop(server, thread)
    assert again.content == first.content and values(again, "name") == values(first, "name")
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.text.splitlines()[0] == "name"
    assert [b.status_code for b in broken] == [400, 400]
    assert computed == ["*/*", "text/csv", "*/*", "*/*"], "asked again: from memory; another format or an error: computed"


def test_reply_memory_drops_the_least_recently_sent_when_full() -> None:
    memory = ReplyMemory(limit=10)
    memory.keep(("a",), Reply(200, "text/csv", b"1234"))
    memory.keep(("b",), Reply(200, "text/csv", b"5678"))
    assert memory.recall(("a",)) is not None  # "a" is now the most recently sent
    memory.keep(("c",), Reply(200, "text/csv", b"9abc"))
    assert memory.recall(("b",)) is None and memory.recall(("a",)) and memory.recall(("c",))
    memory.keep(("d",), Reply(200, "text/csv", b"x" * 11))  # larger than the whole memory: not kept
    assert memory.recall(("d",)) is None and memory.size == 8


def test_ranked_media_types_orders_by_quality_then_position() -> None:
    assert ranked_media_types("text/csv;q=0.5, application/json, text/turtle;q=0") == ["application/json", "text/csv"]


@pytest.mark.parametrize(("accept", "media_type"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
    ("text/*", "text/csv; charset=utf-8"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
])
def test_negotiate(accept: str | None, media_type: str) -> None:
    from kg.serve import CONTENT_TYPES, RESULT_FORMATS

    assert CONTENT_TYPES[negotiate(accept, RESULT_FORMATS)] == media_type


@pytest.mark.parametrize(("query", "federated"), [
    ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * { service silent <http://x/> { ?s ?p ?o } }", True),
    ("SELECT ?service { ?service a schema:Service }", False),
    ('SELECT * { ?s ?p "SERVICE" } # SERVICE', False),
])
def test_uses_service(query: str, federated: bool) -> None:
    assert uses_service(query) is federated


def test_cli_defaults_are_the_named_defaults() -> None:
    import inspect

    from kg.cli import serve as serve_command

    parameters = inspect.signature(serve_command).parameters
    assert parameters["host"].default.default == DEFAULT_HOST
    assert parameters["port"].default.default == DEFAULT_PORT
