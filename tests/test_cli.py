"""The natokg command, run as a user runs it: exit codes and what it prints."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from kg.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_cli_build_prints_summary_and_writes_outputs(tmp_path: Path) -> None:
    result = run("build", str(SEEDS), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "notices built" in result.output and "entities: Section" in result.output
    assert (tmp_path / "graph.ttl").is_file() and (tmp_path / "store").is_dir()


def test_cli_build_reports_with_the_collector_paused_then_turns_it_back_on(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import kg.cli

    states = []
    report = kg.cli._print_report
    monkeypatch.setattr(kg.cli, "_print_report", lambda *args: states.append(gc.isenabled()) or report(*args))
    assert gc.isenabled()
    assert run("build", str(SEEDS), "--out", str(tmp_path)).exit_code == 0
    assert states == [False], "the report is printed before the collector walks the build's objects again"
    assert gc.isenabled(), "a program that runs the command in its own process gets its collector back"


def test_cli_build_says_when_the_library_answers_are_prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.pipeline

    small = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path / "small")])
    assert small.exit_code == 0 and "answers are prepared" not in small.stdout
    monkeypatch.setattr(kg.pipeline, "PREPARE_FROM_NOTICES", 1)  # the seeds as a big corpus
    big = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path / "big")])
    assert big.exit_code == 0
    answers = tmp_path / "big" / "store" / "answers"
    assert "answers are prepared in" in big.stdout and any(answers.glob("*.pickle"))


def test_cli_build_missing_source_is_one_line_error(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.output
    assert "Traceback" not in result.output


def test_cli_validate_seeds_conforms(seeds_out: Path) -> None:
    result = run("validate", "--store", str(seeds_out))
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


BROKEN = """
@prefix schema: <https://schema.org/> .
@prefix kgo: <https://w3id.org/natokg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://w3id.org/natokg/id/notice/1> a schema:JobPosting ;
    kgo:sourceFile "a.txt", "b.txt" ;
    kgo:advertises <https://w3id.org/natokg/id/post/1> .
<https://w3id.org/natokg/id/post/1> a org:Post .
"""


def test_cli_validate_broken_graph_fails_readably(tmp_path: Path) -> None:
    graph = tmp_path / "broken.ttl"
    graph.write_text(BROKEN)
    result = run("validate", "--graph", str(graph))
    assert result.exit_code == 1
    assert "sourceFile" in result.output
    assert "does not conform" in result.output


@pytest.mark.parametrize("content", [None, "this is not turtle {"])
def test_cli_validate_bad_input_exits_2(tmp_path: Path, content: str | None) -> None:
    graph = tmp_path / "graph.ttl"
    if content is not None:
        graph.write_text(content)
    result = run("validate", "--graph", str(graph))
    assert result.exit_code == 2
    assert str(graph) in result.output.replace("\n", "")


def test_cli_validate_without_store_exits_2(tmp_path: Path) -> None:
    result = run("validate", "--store", str(tmp_path))
    assert result.exit_code == 2
    assert "natokg build" in result.output


SECTIONS = "SELECT ?label WHERE { ?s a kgo:Section ; skos:prefLabel ?label FILTER(lang(?label) = 'en') } ORDER BY ?label"


def test_cli_query_table(seeds_out: Path) -> None:
    result = run("query", SECTIONS, "--store", str(seeds_out))
    assert result.exit_code == 0, result.output
    assert "Resilience Section" in result.output and "(5 rows)" in result.output


def test_cli_query_csv_and_json(seeds_out: Path) -> None:
    as_csv = run("query", SECTIONS, "--store", str(seeds_out), "--format", "csv")
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    assert rows[0] == ["label"] and ["Divisional Support Section"] in rows
    as_json = json.loads(run("query", SECTIONS, "--store", str(seeds_out), "--format", "json").output)
    labels = [b["label"]["value"] for b in as_json["results"]["bindings"]]
    assert "Defence Planning Section" in labels


def test_cli_query_rq_file(seeds_out: Path) -> None:
    result = run("query", "queries/reporting-lines.rq", "--store", str(seeds_out))
    assert result.exit_code == 0, result.output
    assert "Head, Resilience Section" in result.output


@pytest.mark.parametrize(
    "sparql, expected",
    [("SELECT ?s WHERE { ?s ?p }", "line"), ("DROP ALL", "read-only"), ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only")],
)
def test_cli_query_refuses_bad_queries(seeds_out: Path, sparql: str, expected: str) -> None:
    result = run("query", sparql, "--store", str(seeds_out))
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_cli_query_unknown_format(seeds_out: Path) -> None:
    result = run("query", SECTIONS, "--store", str(seeds_out), "--format", "xml")
    assert result.exit_code == 2
    assert "table, csv, json" in result.output


def test_cli_console_script_is_the_one_that_ends_a_build_without_freeing_it() -> None:
    from importlib.metadata import entry_points

    from kg import cli

    [script] = entry_points(group="console_scripts", name="natokg")
    assert script.load() is cli.main  # not the bare app: its exit would free the build's objects one by one


def test_cli_console_build_ends_with_its_exit_code_and_every_line_printed(tmp_path: Path) -> None:
    """The console script ends a build without freeing its objects: nothing printed may be lost on the way out."""
    import subprocess
    import sys

    from conftest import ROOT

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    command = [sys.executable, "-m", "kg.cli", "build", str(SEEDS), str(bad), "--out", str(tmp_path / "out")]
    ended = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ended.returncode == 1, ended.stderr  # the seeds built, one input failed
    assert ended.stdout.rstrip().endswith("org-graph.html")  # the last line, flushed before the exit
    assert "bad.pdf" in ended.stderr
    assert (tmp_path / "out" / "store").is_dir()
    good = subprocess.run([*command[:5], str(ROOT / "tests" / "data" / "fmt_notice.txt"), "--out", str(tmp_path / "good")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert good.returncode == 0, good.stderr
