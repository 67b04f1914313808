"""A read-only SPARQL 1.1 Protocol endpoint over the built store, with the org graph beside it.

``natokg serve`` answers at:

* ``/sparql``: SPARQL 1.1 Protocol queries (GET ``?query=``, POST form
  ``query=``, POST ``application/sparql-query``); SELECT and ASK answers in
  JSON, CSV, TSV or XML, CONSTRUCT and DESCRIBE in Turtle or N-Triples, chosen
  by the ``Accept`` header.  The default graph is the union of the named
  graphs and the project's prefixes need no declaration, as with
  ``natokg query``.  Updates are refused with 403, malformed queries with 400;
  federated queries (``SERVICE``) are refused so the endpoint never fetches
  from elsewhere.  The store never changes while it is served, so an answer
  that took the engine a while is kept in memory and sent again at once
  when the same query is asked in the same form (:class:`ReplyMemory`).
* ``/``: the build folder's org graph (``org-graph.html``);
* ``/query``: a small page to type a query and see the answer as a table;
* ``/graph.ttl``: the whole graph in Turtle, as a download.

Nothing else is served: each path maps to one named file, so no request can
reach another file.  The server is the standard library's
:class:`http.server.ThreadingHTTPServer`, meant for local use.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.answers import KEEP_AFTER_SECONDS
from kg.build import PREFIXES
from kg.config import GRAPH_TTL, ORG_GRAPH_HTML
from kg.query import READ_ONLY_MESSAGE, UPDATE_KEYWORDS, first_keyword, oxigraph_syntax_message
from kg.store import open_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SPARQL_PATH = "/sparql"
#: Largest request body accepted, in bytes.
MAX_REQUEST_BYTES = 1_000_000
#: Seconds a connection may stay silent before it is closed.
SOCKET_TIMEOUT = 30
#: Bytes of answers the endpoint keeps in memory; the least recently sent go first.
MAX_KEPT_REPLY_BYTES = 256 * 2**20

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"

#: Accepted media type -> the format of SELECT and ASK answers (the first is the default).
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
}

#: Accepted media type -> the format of CONSTRUCT and DESCRIBE answers (the first is the default).
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}

#: Media type sent for each answer format.
CONTENT_TYPES: dict[ox.QueryResultsFormat | ox.RdfFormat, str] = {
    ox.QueryResultsFormat.JSON: "application/sparql-results+json",
    ox.QueryResultsFormat.CSV: "text/csv; charset=utf-8",
    ox.QueryResultsFormat.TSV: "text/tab-separated-values; charset=utf-8",
    ox.QueryResultsFormat.XML: "application/sparql-results+xml",
    ox.RdfFormat.TURTLE: "text/turtle; charset=utf-8",
    ox.RdfFormat.N_TRIPLES: "application/n-triples",
}

TEXT_PLAIN = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"

SERVICE_MESSAGE = "federated queries (SERVICE) are not allowed: the endpoint only answers from its own store"
MISSING_QUERY_MESSAGE = "missing the query: send it as the `query` parameter or as an application/sparql-query body"


@dataclass
class Reply:
    """An HTTP answer: status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str) -> Reply:
    return Reply(status, TEXT_PLAIN, (message.rstrip("\n") + "\n").encode("utf-8"))


# -------------------------------------------------------- content negotiation


def ranked_media_types(accept: str) -> list[str]:
    """The media types of an Accept header, most wanted first, without those of q=0."""
    choices = []
    for position, part in enumerate(accept.split(",")):
        media, *params = [piece.strip() for piece in part.split(";")]
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                quality = parse_quality(value)
        if media and quality > 0:
            choices.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(choices)]


def parse_quality(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def negotiate(accept: str | None, offered: dict[str, ox.QueryResultsFormat | ox.RdfFormat]):
    """The format of ``offered`` the Accept header prefers, the first one when any will do, None when none fits."""
    default = next(iter(offered.values()))
    if not accept or not accept.strip():
        return default
    for media in ranked_media_types(accept):
        if media in offered:
            return offered[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            family = media[: -len("*")]
            match = next((fmt for name, fmt in offered.items() if name.startswith(family)), None)
            if match is not None:
                return match
    return None


# ------------------------------------------------------------ query checks


def without_iris_strings_and_comments(sparql: str) -> str:
    text = re.sub(r"<[^<>\s]*>", " ", sparql)
    text = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', " ", text)
    return re.sub(r"#[^\n]*", " ", text)


def is_update(sparql: str) -> bool:
    return first_keyword(sparql) in UPDATE_KEYWORDS


def uses_service(sparql: str) -> bool:
    """Whether the query calls a remote endpoint with the SERVICE keyword."""
    text = without_iris_strings_and_comments(sparql)
    return re.search(r"(?<![\w:?$.\-])SERVICE(?![\w:\-])", text, re.IGNORECASE) is not None


# --------------------------------------------------------------- answering


class ReplyMemory:
    """The answers that took the engine a while, kept to be sent again, at most ``limit`` bytes of them.

    A key is everything the answer depends on (the query, the Accept header
    and the dataset asked for); the least recently sent answer goes first
    when the memory is full.  Requests are answered on several threads.
    """

    def __init__(self, limit: int = MAX_KEPT_REPLY_BYTES) -> None:
        self.limit = limit
        self.size = 0
        self._replies: OrderedDict[tuple, Reply] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._replies)

    def recall(self, key: tuple) -> Reply | None:
        with self._lock:
            reply = self._replies.get(key)
            if reply is not None:
                self._replies.move_to_end(key)
            return reply

    def keep(self, key: tuple, reply: Reply) -> None:
        if len(reply.body) > self.limit:
            return
        with self._lock:
            if key in self._replies:
                return
            self._replies[key] = reply
            self.size += len(reply.body)
            while self.size > self.limit:
                _, oldest = self._replies.popitem(last=False)
                self.size -= len(oldest.body)


@dataclass
class SparqlEndpoint:
    """Answers SPARQL queries on a read-only Oxigraph store."""

    store: ox.Store
    prefixes: dict[str, str] = field(default_factory=lambda: {p: str(ns) for p, ns in PREFIXES.items()})
    memory: ReplyMemory = field(default_factory=ReplyMemory)

    def answer(
        self,
        sparql: str | None,
        accept: str | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Reply:
        """The HTTP reply to one query: its answer, or the status and message of what is wrong.

        An answer that took longer than :data:`~kg.answers.KEEP_AFTER_SECONDS`
        to compute is kept and sent again when the same query is asked in the same form.
        """
        refusal = self.refusal(sparql)
        if refusal is not None:
            return refusal
        key = (sparql, accept, tuple(default_graphs or ()), tuple(named_graphs or ()))
        kept = self.memory.recall(key)
        if kept is not None:
            return kept
        started = time.perf_counter()
        reply = self.compute(sparql, accept, default_graphs, named_graphs)  # type: ignore[arg-type]
        if reply.status == HTTPStatus.OK and time.perf_counter() - started > KEEP_AFTER_SECONDS:
            self.memory.keep(key, reply)
        return reply

    def compute(self, sparql: str, accept: str | None, default_graphs: list[str] | None,
                named_graphs: list[str] | None) -> Reply:
        """The engine's answer (the solutions are computed as they are serialised)."""
        try:
            result = self.store.query(sparql, prefixes=self.prefixes, **dataset_options(default_graphs, named_graphs))
        except SyntaxError as error:
            return text_reply(HTTPStatus.BAD_REQUEST, oxigraph_syntax_message(str(error)))
        except (OSError, ValueError) as error:
            return text_reply(HTTPStatus.BAD_REQUEST, f"cannot evaluate the query: {error}")
        return serialise(result, accept)

    def refusal(self, sparql: str | None) -> Reply | None:
        if sparql is None or not sparql.strip():
            return text_reply(HTTPStatus.BAD_REQUEST, MISSING_QUERY_MESSAGE)
        if is_update(sparql):
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY_MESSAGE)
        if uses_service(sparql):
            return text_reply(HTTPStatus.FORBIDDEN, SERVICE_MESSAGE)
        return None


def dataset_options(default_graphs: list[str] | None, named_graphs: list[str] | None) -> dict:
    """The protocol's default-graph-uri / named-graph-uri as query options; the union of all graphs otherwise."""
    if not default_graphs and not named_graphs:
        return {"use_default_graph_as_union": True}
    options: dict = {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    return options


def serialise(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, accept: str | None) -> Reply:
    offered = GRAPH_FORMATS if isinstance(result, ox.QueryTriples) else RESULT_FORMATS
    fmt = negotiate(accept, offered)
    if fmt is None:
        return text_reply(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer as {accept}: choose one of {', '.join(offered)}")
    try:
        body = serialise_graph(result, fmt) if isinstance(result, ox.QueryTriples) else result.serialize(format=fmt)
    except (OSError, ValueError) as error:
        return text_reply(HTTPStatus.BAD_REQUEST, f"cannot evaluate the query: {error}")
    return Reply(HTTPStatus.OK, CONTENT_TYPES[fmt], body)


def serialise_graph(triples: ox.QueryTriples, fmt: ox.RdfFormat) -> bytes:
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)


# ------------------------------------------------------------------ pages

#: Path -> (file of the build folder, media type, download name or None).
SITE_FILES: dict[str, tuple[str, str, str | None]] = {
    "/": (ORG_GRAPH_HTML, HTML, None),
    "/graph.ttl": (GRAPH_TTL, "text/turtle; charset=utf-8", GRAPH_TTL),
}

QUERY_PAGE_PATH = "/query"

#: The query page may run only its own inline script and talk only to this server.
QUERY_PAGE_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"

EXAMPLE_QUERY = """SELECT ?unit ?name ?parent WHERE {
  ?unit a org:OrganizationalUnit ; skos:prefLabel ?name ; org:subOrganizationOf ?parent .
  FILTER(lang(?name) = "en")
} ORDER BY ?name LIMIT 50"""

QUERY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>natokg SPARQL</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
textarea{width:100%;height:12em;font:13px monospace}
table{border-collapse:collapse;margin-top:1em}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}#status{margin-left:1em;color:#555}.error{color:#b00;white-space:pre-wrap}
</style></head><body>
<h1>natokg SPARQL</h1>
<p>Queries see every notice's graph as one default graph; the prefixes kgo:, kgd:, org:, schema:, skos:,
prov:, rdf:, rdfs:, xsd: need no declaration. <a href="/">Org graph</a> &middot; <a href="/graph.ttl">graph.ttl</a></p>
<form id="form"><textarea id="query" name="query" spellcheck="false">__EXAMPLE__</textarea><br>
<button type="submit">Run</button><span id="status"></span></form>
<div id="result"></div>
<script>
const form = document.getElementById("form"), result = document.getElementById("result"), status = document.getElementById("status");
function cell(tag, text) { const node = document.createElement(tag); node.textContent = text; return node; }
function show(data) {
  result.replaceChildren();
  if ("boolean" in data) { result.append(cell("p", String(data.boolean))); status.textContent = ""; return; }
  const table = document.createElement("table"), head = document.createElement("tr");
  data.head.vars.forEach(name => head.append(cell("th", name)));
  table.append(head);
  data.results.bindings.forEach(row => {
    const line = document.createElement("tr");
    data.head.vars.forEach(name => line.append(cell("td", row[name] ? row[name].value : "")));
    table.append(line);
  });
  result.append(table);
  status.textContent = data.results.bindings.length + " row(s)";
}
form.addEventListener("submit", async event => {
  event.preventDefault();
  status.textContent = "running...";
  const response = await fetch("/sparql", {method: "POST",
    headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: new URLSearchParams({query: document.getElementById("query").value})});
  const type = response.headers.get("Content-Type") || "";
  if (response.ok && type.startsWith("application/sparql-results+json")) { show(await response.json()); return; }
  result.replaceChildren(cell("pre", await response.text()));
  if (!response.ok) result.firstChild.className = "error";
  status.textContent = response.ok ? "" : response.status + " " + response.statusText;
});
</script></body></html>
"""


def query_page() -> Reply:
    html = QUERY_PAGE.replace("__EXAMPLE__", EXAMPLE_QUERY.replace("&", "&amp;").replace("<", "&lt;"))
    return Reply(HTTPStatus.OK, HTML, html.encode("utf-8"), {"Content-Security-Policy": QUERY_PAGE_POLICY})


def site_file(site_dir: Path, path: str) -> Reply:
    name, content_type, download = SITE_FILES[path]
    file = site_dir / name
    try:
        body = file.read_bytes()
    except OSError:
        return text_reply(HTTPStatus.NOT_FOUND, f"{name} is not in {site_dir}: run `natokg build` to make it")
    headers = {"Content-Disposition": f'attachment; filename="{download}"'} if download else {}
    return Reply(HTTPStatus.OK, content_type, body, headers)


# ------------------------------------------------------------------- HTTP


def first_values(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


class SparqlRequestHandler(BaseHTTPRequestHandler):
    """Routes GET and POST to the endpoint and the pages; the server carries the endpoint and the site folder."""

    server: NatoKGServer
    timeout = SOCKET_TIMEOUT
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == SPARQL_PATH:
            fields = parse_qs(url.query, keep_blank_values=True)
            self.send(self.answer_fields(fields))
        elif url.path == QUERY_PAGE_PATH:
            self.send(query_page())
        elif url.path in SITE_FILES:
            self.send(site_file(self.server.site_dir, url.path))
        else:
            self.send(text_reply(HTTPStatus.NOT_FOUND, f"nothing at {url.path}"))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != SPARQL_PATH:
            self.close_connection = True  # the body is left unread
            self.send(text_reply(HTTPStatus.NOT_FOUND, f"nothing to post to at {url.path}"))
            return
        body = self.read_body()
        if isinstance(body, Reply):
            self.send(body)
            return
        self.send(self.answer_post(parse_qs(url.query, keep_blank_values=True), body))

    def read_body(self) -> bytes | Reply:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            return text_reply(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
        if int(length) > MAX_REQUEST_BYTES:
            self.close_connection = True
            return text_reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request is larger than {MAX_REQUEST_BYTES} bytes")
        return self.rfile.read(int(length))

    def answer_post(self, url_fields: dict[str, list[str]], body: bytes) -> Reply:
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        text = body.decode("utf-8", errors="replace")
        if media_type == FORM_MEDIA_TYPE:
            return self.answer_fields(parse_qs(text, keep_blank_values=True))
        if media_type == QUERY_MEDIA_TYPE:
            return self.answer_fields({**url_fields, "query": [text]})
        if media_type == UPDATE_MEDIA_TYPE:
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY_MESSAGE)
        return text_reply(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"send the query as {FORM_MEDIA_TYPE} or {QUERY_MEDIA_TYPE}, not {media_type or 'no Content-Type'}",
        )

    def answer_fields(self, fields: dict[str, list[str]]) -> Reply:
        if "update" in fields:
            return text_reply(HTTPStatus.FORBIDDEN, READ_ONLY_MESSAGE)
        return self.server.endpoint.answer(
            first_values(fields, "query"),
            self.headers.get("Accept"),
            default_graphs=fields.get("default-graph-uri"),
            named_graphs=fields.get("named-graph-uri"),
        )

    def send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the standard library's name)
        self.server.log(f"{self.address_string()} {format % args}")


class NatoKGServer(ThreadingHTTPServer):
    """A threading HTTP server holding the SPARQL endpoint and the folder of the pages."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        endpoint: SparqlEndpoint,
        site_dir: Path,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        super().__init__(address, SparqlRequestHandler)
        self.endpoint = endpoint
        self.site_dir = site_dir
        self.log = log

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(
    store: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    log: Callable[[str], None] = lambda line: None,
) -> NatoKGServer:
    """A server over the store under ``store`` (a build folder or its store/), bound but not yet serving."""
    dataset = open_store(store)
    return NatoKGServer((host, port), SparqlEndpoint(dataset.oxigraph), dataset.path.parent, log)


def serve(server: NatoKGServer) -> None:
    """Serve until Ctrl-C, SIGTERM or ``server.shutdown()`` from another thread, then close the socket."""
    previous = stop_on_terminate()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def stop_on_terminate():
    """Make SIGTERM stop the server like Ctrl-C; only the main thread can set a handler."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, raise_keyboard_interrupt)


def raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
