"""The ``natokg`` command: a thin typer layer over the Python API.

Each command calls one function of the API and turns its outcome into
output and an exit code; a :class:`~kg.errors.NatoKGError` ends in one
readable line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.config import ANSWERS_DIRNAME, DEFAULT_OUT, ORG_GRAPH_HTML
from kg.errors import NatoKGError

app = typer.Typer(
    name="natokg",
    help="Turn NATO vacancy notices into an organisational knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)
#: Set once a command has left nothing to clean up but the objects it holds (see :func:`main`).
_quick_exit = False
#: Set by :func:`main`: the process ends with the command, so a build may lower its priority for good.
_process_ends_with_command = False

QUERY_FORMATS = ("table", "csv", "json")


def fail(message: str, code: int = 2) -> None:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def build(
    sources: list[Path] = typer.Argument(
        ..., help="Notices (.txt, .md, .html, .htm, .pdf), folders of notices, or - for standard input."
    ),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Folder for graph.ttl, graph.trig, store/, org-graph.html."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first input that cannot be built."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes reading notices (0: one per core)."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse what unchanged inputs gave last time (OUT/.natokg-cache)."),
) -> None:
    """Build the graph from notices and write it to OUT.

    Each input that cannot be built gets one line naming it and the problem;
    the others are built.  Exit 0 when notices built and none failed, 1 when
    some failed, 2 when none could be built.
    """
    from kg.ingest import find_inputs
    from kg.pipeline import BUILT, FAILED, build_to, cyclic_gc_paused, prepares_answers

    # The collector stays paused until the report is printed: turned back on
    # after build_to, it would walk the build's millions of objects again
    # while the lines below are made (3 s at 10,000 notices, one core busy).
    with cyclic_gc_paused():
        total = len(find_inputs(sources))
        with _progress() as progress:
            task = progress.add_task("reading", total=total)
            try:
                result = build_to(sources, out, progress=lambda name: progress.advance(task), strict=strict,
                                  jobs=jobs or None, cache=cache, lower_priority=_process_ends_with_command)
            except NatoKGError as error:
                fail(str(error), 1)
        _print_report(result, out, BUILT, FAILED, prepares_answers(result.corpus))
    global _quick_exit
    _quick_exit = True  # every output is written and every child process joined
    raise typer.Exit(result.exit_code)


def _print_report(result, out: Path, built: str, failed: str, answers_prepared: bool) -> None:
    """Each input's problems on stderr, the summary table, and what was written."""
    lines = [line for report in result.reports if (line := _report_line(report, built, failed))]
    if lines:  # printed at once: a line each costs rich more than the line is worth on a big batch
        errors.print("\n".join(lines), highlight=False, soft_wrap=True)
    _print_summary(result)
    if result.outputs:
        console.print(f"Wrote {out / 'graph.ttl'}, {out / 'graph.trig'}, {out / 'store'} and {out / ORG_GRAPH_HTML}")
        if answers_prepared:
            console.print(f"The library's answers are prepared in {out / 'store' / ANSWERS_DIRNAME}: "
                          "`natokg query NAME` reads them back")
    else:
        errors.print("no notice could be built: nothing written")


def _report_line(report, built: str, failed: str) -> str | None:
    """The line an input's report gets on stderr, in rich markup: why it failed, its warnings, or why it was skipped."""
    if report.status == failed:
        return f"[red]{escape(report.path)}[/]: {escape(report.message or '')}"
    if report.status == built:
        if not report.warnings:
            return None
        name = report.path + (f"#{report.source.split('#', 1)[1]}" if "#" in (report.source or "") else "")
        return f"[yellow]{escape(name)}[/]: warning: {escape('; '.join(report.warnings))}"
    return f"[dim]{escape(report.path)}: skipped: {escape(report.message or '')}[/]"


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True, disable=not errors.is_terminal,
    )


def _print_summary(result) -> None:
    from kg.pipeline import summary

    counts = summary(result)
    table = Table(title="natokg build", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("notices built", str(counts["notices"]["built"]))
    table.add_row("notices failed", str(counts["notices"]["failed"]))
    for kind, count in counts["entities"].items():
        table.add_row(f"entities: {kind}", str(count))
    for kind, count in counts["relations"].items():
        table.add_row(f"relations: {kind}", str(count))
    table.add_row("warnings", str(counts["warnings"]))
    console.print(table)


@app.command()
def validate(
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/) to validate."),
    graph: Path | None = typer.Option(None, "--graph", "-g", help="A Turtle or TriG file to validate instead of the store."),
) -> None:
    """Check the graph against the SHACL shapes in ontology/ (exit 0 conforms, 1 not, 2 bad input)."""
    from kg.validate import summarise_violations
    from kg.validate import validate as run_validation

    try:
        data = _load_graph(graph) if graph else _store_graph(store)
        conforms, results, _ = run_validation(data)
    except NatoKGError as error:
        fail(str(error))
    if conforms:
        console.print(f"[green]conforms[/]: {len(data)} triples checked against the shapes")
        raise typer.Exit(0)
    lines = summarise_violations(results)
    for line in lines:
        console.print(line, highlight=False, markup=False)
    errors.print(f"[red]does not conform[/]: {len(lines)} violation(s)")
    raise typer.Exit(1)


def _store_graph(store: Path):
    from kg.store import open_store, rdflib_graph

    return rdflib_graph(open_store(store).oxigraph.quads_for_pattern(None, None, None, None))


def _load_graph(path: Path):
    from rdflib import Dataset, Graph

    if not path.is_file():
        raise NatoKGError("no such file", path)
    try:
        if path.suffix in (".trig", ".nq"):
            dataset = Dataset()
            dataset.parse(path)
            graph = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
            return graph
        return Graph().parse(path)
    except Exception as error:  # rdflib raises many kinds of parse errors
        raise NatoKGError(f"cannot parse as RDF: {error}", path) from error


@app.command()
def query(
    sparql: str = typer.Argument(..., help="A library query's name (see `natokg queries`), a .rq file or SPARQL text."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE for one of the query's parameters (repeatable)."),
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, tsv (SPARQL 1.1 CSV/TSV) or json (SPARQL 1.1 Query Results JSON)."),
) -> None:
    """Run a named query, a .rq file or SPARQL text on the built store.

    A slow answer is kept in the store's folder (store/answers/) and read back
    when the same query, with the same parameters, is asked again of the same store.
    """
    from kg.queries import bind_parameters, parse_param_options, resolve_query
    from kg.query import FORMATTERS, format_result, run_query
    from kg.store import open_store

    if fmt not in FORMATTERS:
        fail(f"unknown format {fmt!r}: choose one of {', '.join(FORMATTERS)}")
    try:
        text, params = resolve_query(sparql)
        target = open_store(store)
        result = run_query(target, text, bind_parameters(target, params, parse_param_options(param)))
        output = format_result(result, fmt)
        typer.echo(output, nl=not output.endswith("\n"))  # as is: CSV lines end in CRLF
    except NatoKGError as error:
        fail(str(error))


@app.command("queries")
def list_queries(
    name: str | None = typer.Argument(None, help="Show this query in full: description, parameters, SPARQL."),
) -> None:
    """List the library of named queries with their parameters and defaults (or show one)."""
    from kg.queries import QUERIES_DIR, library, resolve_named

    try:
        if name:
            _print_named_query(resolve_named(name))
            return
        named = library()
    except NatoKGError as error:
        fail(str(error))
    if not named:
        fail(f"no queries found in {QUERIES_DIR}")
    table = Table(title="natokg queries", caption="natokg query NAME [--param NAME=VALUE]...  ·  natokg queries NAME shows one", header_style="bold")
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("title")
    table.add_column("parameters = default")
    for named_query in named.values():
        params = "\n".join(f"{escape(p.name)} = {escape(p.default)}" for p in named_query.params) or "[dim]none[/]"
        table.add_row(named_query.name, escape(named_query.title), params)
    console.print(table)


def _print_named_query(named_query) -> None:
    console.print(f"[bold cyan]{escape(named_query.name)}[/]: [bold]{escape(named_query.title)}[/]", soft_wrap=True)
    if named_query.description:
        console.print(escape(named_query.description), soft_wrap=True)
    for param in named_query.params:
        about = f" ({escape(param.description)})" if param.description else ""
        console.print(f"  --param {escape(param.name)}=VALUE  default {escape(repr(param.default))}{about}", soft_wrap=True)
    if named_query.path:
        console.print(f"[dim]{escape(str(named_query.path))}[/]", soft_wrap=True)
    console.print(named_query.text.rstrip(), highlight=False, markup=False, soft_wrap=True)


@app.command()
def export(
    fmt: str = typer.Option("ttl", "--format", "-f", help="ttl, trig, jsonld, nt, graphml or csv."),
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/)."),
    out: str | None = typer.Option(None, "--out", "-o", help="File to write (default: graph.<ext> in the build folder); - for stdout."),
) -> None:
    """Export the graph for other tools: RDF (Turtle, TriG, JSON-LD, N-Triples), GraphML for Gephi, a CSV edge list."""
    import sys

    from kg.export import export_bytes, export_format, load_dataset, write_export
    from kg.store import open_store

    try:
        export_format(fmt)
        dataset = load_dataset(open_store(store))
        if out == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(export_bytes(dataset, fmt))
            sys.stdout.buffer.flush()
            return
        path = write_export(dataset, fmt, Path(out) if out else None, store)
    except NatoKGError as error:
        fail(str(error))
    console.print(f"Wrote {path}", highlight=False, soft_wrap=True)


@app.command()
def serve(
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", "-p", help="Port to listen on (0 picks a free one)."),
) -> None:
    """Serve the store as a read-only SPARQL endpoint at /sparql, with the org graph at /."""
    from kg.serve import make_server
    from kg.serve import serve as serve_forever

    try:
        server = make_server(store, host, port, log=lambda line: errors.print(line, highlight=False, markup=False, soft_wrap=True))
    except NatoKGError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    console.print(f"SPARQL endpoint at {server.url}/sparql (query page {server.url}/query, org graph {server.url}/); Ctrl-C stops", soft_wrap=True)
    serve_forever(server)
    console.print("stopped")


@app.command()
def push(
    endpoint: str = typer.Option(..., "--endpoint", "-e", help="Graph Store URL: http://HOST:7878/store (Oxigraph), http://HOST:3030/DATASET/data (Fuseki)."),
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/)."),
    graph_store_path: str | None = typer.Option(None, "--graph-store-path", help="Path added to the endpoint for the Graph Store (default: /store when the endpoint has no path)."),
) -> None:
    """Load every named graph into a SPARQL server (one HTTP PUT per graph: a re-push replaces)."""
    from kg.push import push_store

    with _progress() as progress:
        task = progress.add_task("pushing", total=None)
        try:
            summary = push_store(
                store, endpoint, graph_store_path,
                on_start=lambda total: progress.update(task, total=total),
                on_graph=lambda upload: progress.advance(task),
            )
        except NatoKGError as error:
            fail(str(error), getattr(error, "exit_code", 2))
    console.print(f"Pushed {summary.graphs} graphs ({summary.triples} triples) to {summary.url}", highlight=False, soft_wrap=True)


VIZ_INCLUDES = ("posts",)


@app.command()
def viz(
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="HTML file to write (default: org-graph.html in the build folder)."),
    layout: str = typer.Option("org", "--layout", "-l", help="Layout the page opens with: org (chart) or force."),
    focus: str | None = typer.Option(None, "--focus", "-f", help="Draw only around this entity (any name or acronym, EN or FR)."),
    depth: int = typer.Option(1, "--depth", "-d", min=0, help="With --focus: how many relations away to go."),
    include: list[str] = typer.Option([], "--include", "-i", help="Extra nodes to draw: posts."),
) -> None:
    """Draw the org graph from the store as one self-contained HTML page."""
    from kg.store import store_dir_of
    from kg.visualise import LAYOUTS, graph_from_store, project, write_html

    if layout not in LAYOUTS:
        fail(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    unknown = sorted(set(include) - set(VIZ_INCLUDES))
    if unknown:
        fail(f"cannot include {', '.join(unknown)}: choose from {', '.join(VIZ_INCLUDES)}")
    target = out or store_dir_of(store).parent / ORG_GRAPH_HTML
    try:
        projection, title = project(graph_from_store(store), "posts" in include, focus, depth)
        write_html(projection, target, title=title, layout=layout)
    except NatoKGError as error:
        fail(str(error))
    console.print(f"Wrote {target} ({projection.number_of_nodes()} nodes, {projection.number_of_edges()} edges)", highlight=False, soft_wrap=True)


@app.command()
def bench(
    notices: int = typer.Option(1000, "--notices", "-n", help="Size of the synthetic corpus grown from seeds/."),
    workdir: Path = typer.Option(Path("out/bench"), "--workdir", help="Where the corpus and its builds go."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes for the parallel build (0: one per core)."),
    report: Path = typer.Option(Path("out/bench.json"), "--report", help="Where the figures are written as JSON."),
    rdflib_budget: float = typer.Option(
        30.0, "--rdflib-budget", min=0, metavar="SECONDS",
        help="Time each rdflib query and rdflib's Turtle writing may take; past it only a lower bound of the "
             "speed-up is recorded (0: no rdflib comparison at all)."),
) -> None:
    """Measure build throughput, memory, Turtle writing, query latency and incremental rebuilds."""
    from kg.bench import BenchConfig, run_bench, write_report

    config = BenchConfig(notices=notices, workdir=workdir, jobs=jobs or None, rdflib_budget_s=rdflib_budget)
    result = run_bench(config, say=_say_now)
    write_report(result, report)
    console.print(_bench_table(result.figures, notices))
    console.print(f"Figures written to {report}")


def _say_now(line: str) -> None:
    """A progress line on stderr, flushed at once so a long step shows what it is doing."""
    errors.print(f"[dim]{escape(line)}[/]")
    errors.file.flush()


def _bench_table(figures: dict, notices: int) -> Table:
    table = Table(title=f"natokg bench: {notices} notices", header_style="bold")
    for column in ("measure", "natokg", "baseline", "ratio"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    build, turtle = figures["build"], figures["turtle"]
    table.add_row("build throughput (notices/s)", str(build["build_notices_per_s"]),
                  f"{build['tokenizer_floor_notices_per_s']} (blank tokenizer)", f"{build['ratio_to_tokenizer_floor']}x")
    table.add_row("build seconds / peak MB", f"{build['build_seconds']} / {build['build_peak_memory_mb']}",
                  f"{build['one_process_seconds']} / {build['one_process_peak_memory_mb']} (1 process)",
                  "same graph" if build["same_graph_as_one_process"] else "GRAPHS DIFFER")
    table.add_row("rebuild, one notice changed (s)", str(figures["incremental"]["rebuild_one_changed_seconds"]), "", "")
    table.add_row(f"Turtle, {turtle['quads']} quads (s)", str(turtle["natokg_seconds"]),
                  *_rdflib_cells(turtle, turtle.get("rdflib_seconds")))
    for name, row in figures["queries"]["by_query"].items():
        theirs = f"{row['rdflib_p50_ms']} / {row['rdflib_p95_ms']}" if row.get("rdflib_p50_ms") is not None else None
        table.add_row(f"query {name} p50 / p95 (ms)", f"{row['store_p50_ms']} / {row['store_p95_ms']}",
                      *_rdflib_cells(row, theirs))
        table.add_row("  as built / asked again p50 (ms)", f"{row['as_built_ms']} / {row['asked_again_p50_ms']}",
                      f"{row['first_ask_ms']} (computed)", "")
    command = figures["query_command"]
    table.add_row(f"natokg query {command['query']} (s, with start-up)",
                  f"{command['as_built_seconds']} / {command['seconds_median']}",
                  f"{command['first_ask_seconds']} (computed)", "")
    return table


def _rdflib_cells(row: dict, theirs: object) -> tuple[str, str]:
    """The baseline and ratio cells of a comparison with rdflib: measured, over budget, failed or skipped."""
    if row.get("rdflib_over_budget_s") is not None:
        return f"> {row['rdflib_over_budget_s']:g} s (rdflib, over budget)", f">= {row['speed_up_at_least']}x"
    if row.get("rdflib_error"):
        return "rdflib failed (see bench.json)", ""
    if theirs is None:
        return "rdflib skipped", ""
    return f"{theirs} (rdflib)", f"{row['speed_up']}x"


def main() -> None:
    """The console script: the app, then, after a build, an exit that skips freeing the build's objects.

    A build of a thousand notices ends holding millions of objects, which
    the interpreter would free one by one on the way out (about half a
    second) though the process is ending anyway.  As the process ends with
    the command, a big first build may run below its store's loader (see
    :func:`kg.pipeline.build_to`): a process cannot raise its priority again.
    """
    global _process_ends_with_command
    _process_ends_with_command = True
    try:
        app()
    except SystemExit as end:
        if not _quick_exit:
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(end.code if isinstance(end.code, int) else 1)


if __name__ == "__main__":
    main()
