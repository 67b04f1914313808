"""Load the built graph into an external SPARQL 1.1 server over the Graph Store HTTP Protocol.

Each named graph of the store (one per notice, and the shared entities graph)
goes in one ``PUT <graph store>?graph=<IRI>`` whose body is the graph in
N-Triples.  A PUT replaces the graph on the server, so pushing again gives the
same graphs rather than a second copy.  Graphs the server holds but the store
does not (a notice since removed) are left alone.

Examples of Graph Store endpoints: Oxigraph server ``http://HOST:7878/store``,
Apache Jena Fuseki ``http://HOST:3030/DATASET/data``.

A dropped connection, a timeout, a 429 or a 5xx answer is tried again, up to
:data:`MAX_TRIES` times with a doubling pause.  An error answer that persists
raises :class:`PushRefused` naming the graph and the status; a server that
cannot be reached raises :class:`EndpointUnreachable`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from kg.errors import NatoKGError
from kg.store import open_store

#: Path of the Graph Store endpoint when the URL given is only a server (Oxigraph server's).
DEFAULT_GRAPH_STORE_PATH = "/store"
MAX_TRIES = 3
#: Pause before the second try, in seconds; it doubles before each further try.
FIRST_PAUSE_SECONDS = 0.5
REQUEST_TIMEOUT_SECONDS = 60.0
UPLOAD_FORMAT = ox.RdfFormat.N_TRIPLES
UPLOAD_MEDIA_TYPE = "application/n-triples"
#: Answers worth trying again: the server is busy or failed, not refusing the data.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LONGEST_SERVER_MESSAGE = 200


class PushRefused(NatoKGError):
    """The server answered a graph's PUT with an error status."""

    exit_code = 1


class EndpointUnreachable(NatoKGError):
    """No answer from the server, even after the retries, or the URL is not one."""

    exit_code = 2


@dataclass(frozen=True)
class GraphUpload:
    """One graph to send: its name (None for the default graph), its body and its size."""

    name: str | None
    body: bytes
    triples: int

    @property
    def label(self) -> str:
        return f"<{self.name}>" if self.name else "the default graph"

    @property
    def params(self) -> dict[str, str]:
        return {"graph": self.name} if self.name else {"default": ""}


@dataclass(frozen=True)
class PushSummary:
    url: str
    graphs: int
    triples: int


# ---------------------------------------------------------------- the data


def graph_uploads(store: ox.Store) -> Iterator[GraphUpload]:
    """Every non-empty graph of the store, named graphs in IRI order, then the default graph."""
    named = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    for graph in [*named, ox.DefaultGraph()]:
        triples = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        if triples:
            name = graph.value if isinstance(graph, ox.NamedNode) else None
            yield GraphUpload(name, store.dump(format=UPLOAD_FORMAT, from_graph=graph), triples)


# ----------------------------------------------------------------- the URL


def graph_store_url(endpoint: str, graph_store_path: str | None = None) -> str:
    """The Graph Store endpoint: ``endpoint`` itself, or with ``graph_store_path`` (default /store when it has no path)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointUnreachable(f"not an http(s) URL: {endpoint!r}")
    if parts.query or parts.fragment:
        raise EndpointUnreachable(f"give the endpoint without ?query or #fragment: {endpoint!r}")
    path = graph_store_path if graph_store_path is not None else (None if parts.path.strip("/") else DEFAULT_GRAPH_STORE_PATH)
    if path is None:
        return endpoint
    return endpoint.rstrip("/") + "/" + path.lstrip("/")


# ---------------------------------------------------------------- sending


def put_graph(
    client: httpx.Client,
    url: str,
    upload: GraphUpload,
    tries: int = MAX_TRIES,
    first_pause: float = FIRST_PAUSE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """PUT one graph, trying again after a dropped connection or a transient error status."""
    headers = {"Content-Type": UPLOAD_MEDIA_TYPE}
    for attempt in range(1, tries + 1):
        try:
            response = client.put(url, params=upload.params, content=upload.body, headers=headers)
        except httpx.TransportError as error:
            if attempt == tries:
                raise EndpointUnreachable(f"no answer from {url} for {upload.label} after {tries} tries: {error}") from error
        else:
            if response.status_code not in RETRY_STATUSES or attempt == tries:
                return check_answer(response, upload, attempt)
        sleep(first_pause * 2 ** (attempt - 1))
    raise AssertionError("unreachable: the last try returns or raises")


def check_answer(response: httpx.Response, upload: GraphUpload, attempt: int) -> httpx.Response:
    if response.is_success:
        return response
    after = f" after {attempt} tries" if attempt > 1 else ""
    raise PushRefused(
        f"the server refused {upload.label} with {response.status_code} {response.reason_phrase}{after}"
        + server_message(response)
    )


def server_message(response: httpx.Response) -> str:
    """The first line of the server's explanation, if it gave one, shortened."""
    text = " ".join(response.text.split())
    if not text:
        return ""
    if len(text) > LONGEST_SERVER_MESSAGE:
        text = text[: LONGEST_SERVER_MESSAGE - 1] + "…"
    return f": {text}"


def push_store(
    store: Path,
    endpoint: str,
    graph_store_path: str | None = None,
    *,
    on_start: Callable[[int], None] = lambda total: None,
    on_graph: Callable[[GraphUpload], None] = lambda upload: None,
    transport: httpx.BaseTransport | None = None,
    tries: int = MAX_TRIES,
    first_pause: float = FIRST_PAUSE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> PushSummary:
    """PUT every graph of the store under ``store`` (a build folder or its store/) to the server.

    ``on_start`` receives the number of graphs, ``on_graph`` each graph once
    the server has taken it.  ``transport`` replaces httpx's network transport
    (``httpx.MockTransport`` in tests).
    """
    url = graph_store_url(endpoint, graph_store_path)
    uploads = list(graph_uploads(open_store(store).oxigraph))
    on_start(len(uploads))
    with httpx.Client(transport=transport, timeout=REQUEST_TIMEOUT_SECONDS) as client:
        for upload in uploads:
            put_graph(client, url, upload, tries=tries, first_pause=first_pause, sleep=sleep)
            on_graph(upload)
    return PushSummary(url, len(uploads), sum(upload.triples for upload in uploads))
