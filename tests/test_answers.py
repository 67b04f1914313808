"""Slow answers kept beside the store and read back when the same query is asked again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from corpus_fixtures import sample_corpus
from rdflib import Literal
from typer.testing import CliRunner

import kg.query
from kg import answers
from kg.build import build_dataset
from kg.cli import app
from kg.config import ANSWERS_DIRNAME, STORE_DIRNAME
from kg.pipeline import build_to
from kg.queries import library, run_named
from kg.query import FORMATTERS, format_result, run_query
from kg.store import open_store, write_outputs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Every kind of cell a formatter writes: IRIs, a blank node, plain, tagged and typed literals, unbound.
EVERY_KIND_OF_CELL = """
SELECT ?unit ?label ?blank ?number ?day ?none WHERE {
  ?unit skos:prefLabel ?label .
  BIND(BNODE("b") AS ?blank)
  BIND(STRLEN(?label) AS ?number)
  BIND("2026-12-04"^^xsd:date AS ?day)
  OPTIONAL { ?unit kgo:noSuchProperty ?none }
} ORDER BY ?unit ?label
"""

UNITS_IN_FRENCH = """
SELECT ?name WHERE { ?u skos:prefLabel ?name FILTER(lang(?name) = "fr") } ORDER BY ?name
"""


@pytest.fixture
def out(tmp_path: Path) -> Path:
    write_outputs(build_dataset(sample_corpus()), tmp_path)
    return tmp_path


@pytest.fixture
def keep_every_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers, "KEEP_AFTER_SECONDS", 0.0)  # the sample's answers come too fast to be kept


def engine_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing(store, sparql):
        raise AssertionError("the engine was asked again")

    monkeypatch.setattr(kg.query, "run_on_oxigraph", refusing)


def test_answers_a_query_asked_again_is_read_back_and_formats_the_same(
        out: Path, keep_every_answer, monkeypatch: pytest.MonkeyPatch) -> None:
    computed = run_query(open_store(out), EVERY_KIND_OF_CELL)
    assert computed.rows and any(row[-1] is None for row in computed.rows)
    kept = list((out / STORE_DIRNAME / ANSWERS_DIRNAME).iterdir())
    assert len(kept) == 1
    engine_refuses(monkeypatch)
    again = run_query(open_store(out), EVERY_KIND_OF_CELL)
    assert again.variables == computed.variables and again.rows == computed.rows
    assert again.terms == computed.terms
    for fmt in FORMATTERS:
        assert format_result(again, fmt) == format_result(computed, fmt), fmt


def test_answers_of_ask_and_construct_are_kept_too(out: Path, keep_every_answer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ask = "ASK { ?u skos:prefLabel ?name }"
    construct = "CONSTRUCT { ?u rdfs:label ?name } WHERE { ?u skos:prefLabel ?name }"
    computed = [run_query(open_store(out), text) for text in (ask, construct)]
    engine_refuses(monkeypatch)
    for text, first in zip((ask, construct), computed):
        again = run_query(open_store(out), text)
        assert (again.kind, again.boolean, again.rows) == (first.kind, first.boolean, first.rows)
        assert [format_result(again, f) for f in FORMATTERS] == [format_result(first, f) for f in FORMATTERS]


def test_answers_parameters_are_part_of_the_query_kept(out: Path, keep_every_answer) -> None:
    query = "SELECT ?name WHERE { ?u skos:prefLabel ?name FILTER(lang(?name) = STR(?lang)) } ORDER BY ?name"
    english = run_query(open_store(out), query, {"lang": Literal("en")})
    french = run_query(open_store(out), query, {"lang": Literal("fr")})
    assert english.rows and french.rows and english.rows != french.rows
    assert run_query(open_store(out), query, {"lang": Literal("fr")}).rows == french.rows


def test_answers_fast_ones_are_not_kept(out: Path) -> None:
    run_query(open_store(out), UNITS_IN_FRENCH)
    assert not (out / STORE_DIRNAME / ANSWERS_DIRNAME).exists()


def test_answers_a_store_opened_without_keeping_computes_every_time(out: Path, keep_every_answer) -> None:
    run_query(open_store(out, keep_answers=False), UNITS_IN_FRENCH)
    assert not (out / STORE_DIRNAME / ANSWERS_DIRNAME).exists()


def test_answers_a_new_build_answers_from_its_own_graph(tmp_path: Path, keep_every_answer) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    notice = sorted(SEEDS.glob("*.txt"))[0]
    (folder / notice.name).write_bytes(notice.read_bytes())
    out = tmp_path / "out"
    build_to([folder], out, jobs=1)
    titles = 'SELECT ?title WHERE { ?posting schema:title ?title FILTER(lang(?title) = "en") } ORDER BY ?title'
    first = run_query(open_store(out), titles).rows
    text = (folder / notice.name).read_text(encoding="utf-8")
    title = first[0][0]
    (folder / notice.name).write_text(text.replace(title, title + " Revised"), encoding="utf-8")
    build_to([folder], out, jobs=1)
    assert run_query(open_store(out), titles).rows == [(title + " Revised",)]


def test_answers_a_damaged_one_is_computed_again(out: Path, keep_every_answer) -> None:
    computed = run_query(open_store(out), UNITS_IN_FRENCH)
    [kept] = (out / STORE_DIRNAME / ANSWERS_DIRNAME).iterdir()
    kept.write_bytes(kept.read_bytes()[:40])
    assert run_query(open_store(out), UNITS_IN_FRENCH).rows == computed.rows


def test_answers_one_that_cannot_be_written_is_still_answered(out: Path, keep_every_answer,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(answers.tempfile, "mkstemp", full_disk)
    assert run_query(open_store(out), UNITS_IN_FRENCH).rows
    assert list((out / STORE_DIRNAME / ANSWERS_DIRNAME).iterdir()) == []


def test_answers_a_full_folder_drops_the_least_recently_used(out: Path, keep_every_answer,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(out)
    texts = [f'SELECT ?name WHERE {{ BIND("{letter}" AS ?name) }}' for letter in "abc"]  # answers of one size
    for text in texts[:2]:
        run_query(store, text)
    folder = out / STORE_DIRNAME / ANSWERS_DIRNAME
    first, second = (answers.answer_path(folder, kg.query.bind_values(t, None)) for t in texts[:2])
    os.utime(second, ns=(1, 1))  # the second answer was used longest ago
    run_query(store, texts[0])  # asked again: recently used
    size = first.stat().st_size
    monkeypatch.setattr(answers, "MAX_ANSWERS_BYTES", 2 * size + size // 2)
    run_query(store, texts[2])
    assert first.exists() and not second.exists()
    assert answers.answer_path(folder, texts[2]).exists()


def test_answers_the_query_command_prints_the_same_table_twice(out: Path, keep_every_answer) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["query", "units", "--store", str(out)])
    assert first.exit_code == 0, first.output
    assert list((out / STORE_DIRNAME / ANSWERS_DIRNAME).iterdir())
    again = runner.invoke(app, ["query", "units", "--store", str(out)])
    assert again.exit_code == 0 and again.output == first.output


# ------------------------------------------------------------ prepared answers


def seeds_built(out: Path, jobs: int = 1) -> Path:
    build_to([SEEDS], out, jobs=jobs)
    return out


@pytest.mark.parametrize("loader", ["in this process", "in a loader process"])
def test_answers_a_big_build_prepares_every_library_query(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          asked_of_the_engine, loader: str) -> None:
    import kg.pipeline
    import kg.store

    monkeypatch.setattr(kg.pipeline, "PREPARE_FROM_NOTICES", 1)  # the seeds count as a big build
    if loader == "in a loader process":
        monkeypatch.setattr(kg.store, "BACKGROUND_LOAD_QUADS", 0)
    out = seeds_built(tmp_path / "out")
    names = sorted(library())
    computed = {name: run_named(open_store(out, keep_answers=False), name) for name in names}
    asked = asked_of_the_engine()
    prepared = {name: run_named(open_store(out), name) for name in names}
    assert not [sparql for sparql in asked if "# title:" in sparql]  # no library query was computed again
    for name in names:
        assert prepared[name].rows == computed[name].rows, name
        assert format_result(prepared[name]) == format_result(computed[name]), name


def test_answers_a_rebuild_prepares_them_again_from_the_new_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 asked_of_the_engine) -> None:
    import kg.pipeline
    import kg.store

    monkeypatch.setattr(kg.pipeline, "PREPARE_FROM_NOTICES", 1)
    monkeypatch.setattr(kg.store, "BACKGROUND_LOAD_QUADS", 0)  # the store is updated by a child process
    folder = tmp_path / "notices"
    folder.mkdir()
    for notice in sorted(SEEDS.glob("*.txt")):
        (folder / notice.name).write_bytes(notice.read_bytes())
    out = tmp_path / "out"
    build_to([folder], out, jobs=1)
    before = run_named(open_store(out), "notices").rows
    (sorted(folder.glob("*.txt"))[0]).unlink()
    build_to([folder], out, jobs=1)
    asked = asked_of_the_engine()
    after = run_named(open_store(out), "notices").rows
    assert not [sparql for sparql in asked if "# title:" in sparql]
    assert len(after) == len(before) - 1
    assert after == run_named(open_store(out, keep_answers=False), "notices").rows


def test_answers_a_small_build_prepares_none(tmp_path: Path) -> None:
    out = seeds_built(tmp_path / "out")  # five notices: every query answers at once anyway
    assert not (out / STORE_DIRNAME / ANSWERS_DIRNAME).exists()


def test_answers_a_library_query_that_fails_leaves_the_others_prepared(out: Path) -> None:
    import pyoxigraph as ox

    library_folder = out / "queries"
    library_folder.mkdir()
    (library_folder / "broken.rq").write_text("# title: Broken\nSELECT ?x WHERE { ?x ?y\n", encoding="utf-8")
    (library_folder / "labels.rq").write_text(f"# title: Labels\n{UNITS_IN_FRENCH}", encoding="utf-8")
    store_dir = out / STORE_DIRNAME
    assert answers.prepare_answers(ox.Store(str(store_dir)), store_dir, library_folder) == ["labels"]
    assert len(list((store_dir / ANSWERS_DIRNAME).glob("*.pickle"))) == 1


def test_answers_prepared_look_names_up_in_the_index_beside_the_store(out: Path, asked_of_the_engine) -> None:
    import pyoxigraph as ox

    from kg.names import NAME_INDEX, index_while_filling

    library_folder = out / "queries"
    library_folder.mkdir()
    (library_folder / "labels.rq").write_text(
        "# title: Labels\n# node: unit = RESILIENCE section (a unit)\n"
        "SELECT ?label WHERE { ?unit skos:prefLabel ?label } ORDER BY ?label\n", encoding="utf-8")
    store_dir = out / STORE_DIRNAME
    os.replace(store_dir / NAME_INDEX, index_while_filling(store_dir))  # as the loader sees it: not in the store yet
    asked = asked_of_the_engine()
    assert answers.prepare_answers(ox.Store(str(store_dir)), store_dir, library_folder) == ["labels"]
    assert not [sparql for sparql in asked if "LCASE" in sparql]  # no name was compared with every other
    assert len(asked) == 2  # the exact look-up, then the query
    labels = run_named(open_store(out), str(library_folder / "labels.rq")).rows
    assert ("Resilience Section",) in labels


@pytest.mark.parametrize("updater", ["in this process", "in a child process"])
def test_answers_a_rebuild_that_changes_no_graph_keeps_every_answer(tmp_path: Path, keep_every_answer,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    asked_of_the_engine, updater: str) -> None:
    import kg.store

    if updater == "in a child process":
        monkeypatch.setattr(kg.store, "BACKGROUND_LOAD_QUADS", 0)
    out = seeds_built(tmp_path / "out")
    computed = run_query(open_store(out), UNITS_IN_FRENCH)  # kept: a query of the user's own
    build_to([SEEDS], out, jobs=1)  # the same notices: the same graphs
    asked = asked_of_the_engine()
    assert run_query(open_store(out), UNITS_IN_FRENCH).rows == computed.rows
    assert asked == []
