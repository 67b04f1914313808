"""The ``natokg`` command: a thin typer layer over the Python API.

Each command calls one function of the API and turns its outcome into
output and an exit code; a :class:`~kg.errors.NatoKGError` ends in one
readable line on stderr, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.config import DEFAULT_OUT, ORG_GRAPH_HTML
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

QUERY_FORMATS = ("table", "csv", "json")


def fail(message: str, code: int = 2) -> None:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def build(
    sources: list[Path] = typer.Argument(..., help="Notice files or folders of notices."),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Folder for graph.ttl, graph.trig, store/, org-graph.html."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first file that cannot be built."),
) -> None:
    """Build the graph from notices and write it to OUT."""
    from kg.ingest import collect
    from kg.pipeline import build_to

    try:
        total = len(collect(sources))
    except NatoKGError as error:
        fail(str(error))
    with _progress() as progress:
        task = progress.add_task("reading", total=2 * total)
        try:
            result = build_to(sources, out, progress=lambda name: progress.advance(task), strict=strict)
        except NatoKGError as error:
            fail(str(error), 1)
    for report in result.failed:
        errors.print(f"[red]{escape(report.path)}[/]: {escape(report.message or '')}", highlight=False, soft_wrap=True)
    _print_summary(result)
    if result.outputs:
        console.print(f"Wrote {out / 'graph.ttl'}, {out / 'graph.trig'}, {out / 'store'} and {out / ORG_GRAPH_HTML}")
    else:
        errors.print("no notice could be built: nothing written")
    raise typer.Exit(result.exit_code)


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
    from rdflib import Graph

    from kg.store import open_store

    dataset = open_store(store)
    union = Graph()
    for triple in dataset.oxigraph.quads_for_pattern(None, None, None, None):
        union.add(_from_ox(triple))
    return union


def _from_ox(quad):
    from kg.query import from_ox

    return from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)


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
    sparql: str = typer.Argument(..., help="SPARQL text or a .rq file."),
    store: Path = typer.Option(DEFAULT_OUT, "--store", "-s", help="Build folder (or its store/)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json (SPARQL 1.1 Query Results JSON)."),
) -> None:
    """Run a SPARQL query on the built store."""
    from kg.query import format_result, load_query_text, run_query
    from kg.store import open_store

    if fmt not in QUERY_FORMATS:
        fail(f"unknown format {fmt!r}: choose one of {', '.join(QUERY_FORMATS)}")
    try:
        result = run_query(open_store(store), load_query_text(sparql))
        console.print(format_result(result, fmt), highlight=False, markup=False, soft_wrap=True)
    except NatoKGError as error:
        fail(str(error))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
