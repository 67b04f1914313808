"""Pushing the store to SPARQL servers: a real Oxigraph server, a refusing server, a flaky connection."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.push import (
    DEFAULT_GRAPH_STORE_PATH,
    EndpointUnreachable,
    PushRefused,
    graph_store_url,
    push_store,
)
from kg.store import open_store

WAIT_SECONDS = 20
ENTITIES_GRAPH = "https://w3id.org/natokg/id/graph/entities"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
KNOWN_LABEL = 'ASK { GRAPH ?g { ?unit <http://www.w3.org/2004/02/skos/core#prefLabel> "Resilience Section"@en } }'

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str:
    beside_python = Path(sys.executable).parent / "oxigraph"
    found = str(beside_python) if beside_python.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return found


def wait_until_answering(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the oxigraph server exited"
        try:
            httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1, trust_env=False)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"the oxigraph server did not answer within {WAIT_SECONDS} s")


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """An empty Oxigraph server on a free loopback port; its base URL."""
    port = free_port()
    log = (tmp_path / "oxigraph.log").open("wb")
    command = [oxigraph_binary(), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(WAIT_SECONDS)
        log.close()


def server_query(url: str, sparql: str) -> httpx.Response:
    response = httpx.post(
        f"{url}/query", data={"query": sparql},
        headers={"Accept": "application/sparql-results+json"}, timeout=WAIT_SECONDS, trust_env=False,
    )
    assert response.status_code == 200, response.text
    return response


def server_quad_count(url: str) -> int:
    return int(server_query(url, COUNT_QUADS).json()["results"]["bindings"][0]["n"]["value"])


def server_graphs(url: str) -> list[str]:
    return [row["g"]["value"] for row in server_query(url, LIST_GRAPHS).json()["results"]["bindings"]]


# ------------------------------------------------------------ Oxigraph server


def test_push_to_oxigraph_server_loads_every_graph_and_a_repush_replaces(oxigraph_server: str, seeds_out: Path) -> None:
    store = open_store(seeds_out)
    expected_graphs = [str(name) for name in store.notice_graphs()]
    summary = push_store(seeds_out, oxigraph_server)
    assert summary.url == oxigraph_server + DEFAULT_GRAPH_STORE_PATH
    assert summary.graphs == len(expected_graphs) and summary.triples == store.quad_count()
    assert server_quad_count(oxigraph_server) == store.quad_count()
    assert server_graphs(oxigraph_server) == expected_graphs
    assert ENTITIES_GRAPH in expected_graphs
    assert server_query(oxigraph_server, KNOWN_LABEL).json()["boolean"] is True

    push_store(seeds_out, f"{oxigraph_server}/store")
    assert server_quad_count(oxigraph_server) == store.quad_count()


def test_natokg_push_command_reports_what_it_pushed(oxigraph_server: str, seeds_out: Path) -> None:
    result = runner.invoke(app, ["push", "--store", str(seeds_out), "--endpoint", oxigraph_server])
    assert result.exit_code == 0, result.output
    assert f"to {oxigraph_server}/store" in result.output
    assert server_quad_count(oxigraph_server) == open_store(seeds_out).quad_count()


# ------------------------------------------------------------------ refusals


class RefusingHandler(BaseHTTPRequestHandler):
    """Answers every PUT with 403 and a short explanation."""

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"this dataset is read-only\n"
        self.send_response(403)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@pytest.fixture
def refusing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(WAIT_SECONDS)


def test_refusing_server_is_a_one_line_error_with_exit_1(refusing_server: str, seeds_out: Path) -> None:
    result = runner.invoke(app, ["push", "--store", str(seeds_out), "--endpoint", refusing_server])
    assert result.exit_code == 1
    message = result.output.strip()
    assert len(message.splitlines()) == 1, message
    assert f"<{ENTITIES_GRAPH}>" in message and "403 Forbidden" in message and "read-only" in message
    assert "Traceback" not in result.output


def test_unreachable_endpoint_exits_2(seeds_out: Path) -> None:
    result = runner.invoke(app, ["push", "--store", str(seeds_out), "--endpoint", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2
    assert "no answer from" in result.output and "after 3 tries" in result.output


def test_missing_store_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["push", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "no store at" in result.output


def test_not_an_http_url_exits_2(seeds_out: Path) -> None:
    result = runner.invoke(app, ["push", "--store", str(seeds_out), "--endpoint", "localhost:7878"])
    assert result.exit_code == 2
    assert "not an http(s) URL" in result.output


# ----------------------------------------------------------------- retries


class FlakyServer:
    """A MockTransport handler: the given failures first (exceptions or statuses), then 204 for every PUT."""

    def __init__(self, failures: list[Exception | int]) -> None:
        self.failures = list(failures)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return httpx.Response(failure, text="busy")
        return httpx.Response(204)


def push_through(flaky: FlakyServer, seeds_out: Path, pauses: list[float]):
    return push_store(
        seeds_out, "http://graphs.test:7878", transport=httpx.MockTransport(flaky), sleep=pauses.append,
    )


def test_dropped_connection_is_retried(seeds_out: Path) -> None:
    flaky = FlakyServer([httpx.ConnectError("connection dropped"), httpx.ConnectError("connection dropped")])
    pauses: list[float] = []
    summary = push_through(flaky, seeds_out, pauses)
    graphs = len(list(open_store(seeds_out).notice_graphs()))
    assert summary.graphs == graphs
    assert len(flaky.requests) == graphs + 2
    assert pauses == [0.5, 1.0]
    first = flaky.requests[0]
    assert first.method == "PUT" and first.url.params["graph"] == ENTITIES_GRAPH
    assert first.headers["content-type"] == "application/n-triples"
    assert flaky.requests[2].content == first.content


def test_server_error_is_retried(seeds_out: Path) -> None:
    flaky = FlakyServer([503])
    pauses: list[float] = []
    push_through(flaky, seeds_out, pauses)
    assert pauses == [0.5]


def test_connection_dropped_on_every_try_is_unreachable(seeds_out: Path) -> None:
    flaky = FlakyServer([httpx.ConnectError("connection dropped")] * 3)
    pauses: list[float] = []
    with pytest.raises(EndpointUnreachable, match="after 3 tries") as raised:
        push_through(flaky, seeds_out, pauses)
    assert raised.value.exit_code == 2
    assert len(flaky.requests) == 3 and pauses == [0.5, 1.0]


def test_persistent_server_error_is_refused_after_the_tries(seeds_out: Path) -> None:
    flaky = FlakyServer([500, 500, 500])
    with pytest.raises(PushRefused, match="500 Internal Server Error after 3 tries"):
        push_through(flaky, seeds_out, [])


def test_client_error_is_not_retried(seeds_out: Path) -> None:
    flaky = FlakyServer([400])
    with pytest.raises(PushRefused, match="400 Bad Request: busy") as raised:
        push_through(flaky, seeds_out, [])
    assert raised.value.exit_code == 1
    assert len(flaky.requests) == 1


# ---------------------------------------------------------------- the URL


@pytest.mark.parametrize(("endpoint", "path", "url"), [
    ("http://localhost:7878", None, "http://localhost:7878/store"),
    ("http://localhost:7878/", None, "http://localhost:7878/store"),
    ("http://localhost:7878/store", None, "http://localhost:7878/store"),
    ("http://localhost:3030/ds/data", None, "http://localhost:3030/ds/data"),
    ("http://localhost:3030/ds", "data", "http://localhost:3030/ds/data"),
    ("http://localhost:3030/ds/", "/data", "http://localhost:3030/ds/data"),
])
def test_graph_store_url(endpoint: str, path: str | None, url: str) -> None:
    assert graph_store_url(endpoint, path) == url
