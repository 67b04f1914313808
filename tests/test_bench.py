"""The benchmark harness on the seeds: rdflib's time budget, lower bounds and skipping rdflib.

No test asserts a timing: only what is recorded and how it is shown.
"""

from __future__ import annotations

import json
from collections import Counter
import shutil
import signal
import time
from pathlib import Path

import pytest
from rich.console import Console

from kg import bench
from kg.bench import BenchConfig, BenchReport, OverBudget, budgeted_seconds, time_budget

SLOW = 30.0
"""Seconds a deliberately slow rdflib step would take if the budget did not stop it."""


def quick_config(budget: float) -> BenchConfig:
    return BenchConfig(notices=5, query_repeats=1, rdflib_repeats=1, rdflib_budget_s=budget)


@pytest.fixture
def few_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three library queries instead of all of them, to keep rdflib's side short."""
    everything = bench.library()
    names = sorted(everything)[:3]
    monkeypatch.setattr(bench, "library", lambda: {name: everything[name] for name in names})
    return names


def on_rdflib(monkeypatch: pytest.MonkeyPatch, name: str, action) -> list[str]:
    """Run ``action`` before library query ``name`` on rdflib (the store is untouched); returns the rdflib calls."""
    calls: list[str] = []
    original = bench.run_named

    def run(target, query, *args, **kwargs):
        if getattr(target, "oxigraph", None) is None:
            calls.append(query)
            if query == name:
                action()
        return original(target, query, *args, **kwargs)

    monkeypatch.setattr(bench, "run_named", run)
    return calls


def test_time_budget_interrupts_and_restores_the_handler():
    def previous(signum, frame):
        raise AssertionError("the previous handler should not fire")

    old = signal.signal(signal.SIGALRM, previous)
    try:
        with pytest.raises(OverBudget):
            with time_budget(0.05):
                time.sleep(SLOW)
        assert signal.getsignal(signal.SIGALRM) is previous
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, old)


def test_budget_survives_except_exception():
    """rdflib and kg.query catch Exception in places; the budget still stops the run."""

    def swallowing() -> None:
        try:
            time.sleep(SLOW)
        except Exception:  # noqa: BLE001 - what a library might do
            pass

    assert budgeted_seconds(swallowing, 0.05) is None


def test_rdflib_query_over_budget_is_a_lower_bound(seeds_out: Path, monkeypatch: pytest.MonkeyPatch,
                                                   few_queries: list[str]):
    names = few_queries
    slow = names[0]
    calls = on_rdflib(monkeypatch, slow, lambda: time.sleep(SLOW))
    lines: list[str] = []
    figures = bench._measure_queries(seeds_out, quick_config(0.2), lines.append)

    row = figures["by_query"][slow]
    assert row["rdflib_p50_ms"] is None and row["rdflib_p95_ms"] is None
    assert row["speed_up"] is None
    assert row["rdflib_over_budget_s"] == 0.2
    assert isinstance(row["speed_up_at_least"], float) and row["speed_up_at_least"] > 0
    assert calls.count(slow) == 1, "an over-budget query runs once on rdflib"
    assert set(figures["by_query"]) == set(names)
    assert any(slow in line and "over budget" in line for line in lines)
    assert figures["rdflib_budget_s"] == 0.2


def test_rdflib_turtle_over_budget_is_a_lower_bound(seeds_out: Path, monkeypatch: pytest.MonkeyPatch):
    from rdflib import Graph

    monkeypatch.setattr(Graph, "serialize", lambda self, *a, **k: time.sleep(SLOW))
    figures, graph = bench._measure_turtle(seeds_out, quick_config(0.2), lambda line: None)
    assert figures["rdflib_seconds"] is None and figures["speed_up"] is None
    assert figures["rdflib_over_budget_s"] == 0.2
    assert figures["speed_up_at_least"] > 0
    assert isinstance(graph, Graph) and len(graph) > 0


def test_the_turtle_graph_is_reused_for_the_queries(seeds_out: Path, monkeypatch: pytest.MonkeyPatch,
                                                    few_queries: list[str]):
    from rdflib import Graph

    turtle, graph = bench._measure_turtle(seeds_out, quick_config(60), lambda line: None)
    assert isinstance(turtle["rdflib_seconds"], float)
    monkeypatch.setattr(Graph, "parse", lambda *a, **k: pytest.fail("graph.ttl parsed again"))
    figures = bench._measure_queries(seeds_out, quick_config(60), lambda line: None, graph)
    assert "rdflib_parse_seconds" not in figures
    assert all("rdflib_p50_ms" in row for row in figures["by_query"].values())


def test_an_rdflib_failure_is_recorded_not_raised(seeds_out: Path, monkeypatch: pytest.MonkeyPatch,
                                                  few_queries: list[str]):
    failing = few_queries[-1]

    def fail() -> None:
        raise ValueError("rdflib cannot do this\nsecond line")

    on_rdflib(monkeypatch, failing, fail)
    lines: list[str] = []
    row = bench._measure_queries(seeds_out, quick_config(60), lines.append)["by_query"][failing]
    assert row["rdflib_error"] == "ValueError: rdflib cannot do this"
    assert row["rdflib_p50_ms"] is None and row["speed_up"] is None
    assert "speed_up_at_least" not in row
    assert any(failing in line and "rdflib failed" in line for line in lines)


def test_budget_zero_skips_rdflib(seeds_out: Path, monkeypatch: pytest.MonkeyPatch):
    from rdflib import Graph

    calls = on_rdflib(monkeypatch, "", lambda: None)
    monkeypatch.setattr(Graph, "parse", lambda *a, **k: pytest.fail("rdflib should not parse"))
    monkeypatch.setattr(bench, "_rdflib_graph", lambda quads: pytest.fail("rdflib graph should not be built"))
    config = quick_config(0)
    turtle, graph = bench._measure_turtle(seeds_out, config, lambda line: None)
    queries = bench._measure_queries(seeds_out, config, lambda line: None, graph)

    assert graph is None and calls == []
    assert turtle["rdflib_seconds"] is None and turtle["speed_up"] is None
    assert queries["by_query"]
    for row in queries["by_query"].values():
        assert set(row) == {"store_p50_ms", "store_p95_ms", "as_built_ms", "first_ask_ms", "asked_again_p50_ms",
                            "asked_again_p95_ms"}
    report = BenchReport(5, {"turtle": turtle, "queries": queries})
    assert json.loads(report.to_json())["queries"]["rdflib_budget_s"] == 0


def figures_for_table(by_query: dict, turtle: dict) -> dict:
    build = {"build_notices_per_s": 1.0, "tokenizer_floor_notices_per_s": 2.0, "ratio_to_tokenizer_floor": 0.5,
             "build_seconds": 1.0, "build_peak_memory_mb": 1, "one_process_seconds": 1.0,
             "one_process_peak_memory_mb": 1, "same_graph_as_one_process": True}
    return {"build": build, "incremental": {"rebuild_one_changed_seconds": 1.0}, "turtle": turtle,
            "queries": {"by_query": by_query},
            "query_command": {"query": "units", "as_built_seconds": 0.5, "first_ask_seconds": 2.0,
                              "seconds_median": 1.0}}


ASKED_AGAIN = {"as_built_ms": 0.8, "first_ask_ms": 9.0, "asked_again_p50_ms": 1.0, "asked_again_p95_ms": 1.5}


def rendered(figures: dict) -> str:
    from kg.cli import _bench_table

    console = Console(width=240, record=True)
    console.print(_bench_table(figures, 5))
    return console.export_text()


def test_the_table_shows_over_budget_and_skipped_rdflib():
    over = {"store_p50_ms": 2.0, "store_p95_ms": 3.0, "rdflib_p50_ms": None, "rdflib_p95_ms": None,
            "rdflib_over_budget_s": 30.0, "speed_up": None, "speed_up_at_least": 15000.0}
    measured = {"store_p50_ms": 2.0, "store_p95_ms": 3.0, "rdflib_p50_ms": 20.0, "rdflib_p95_ms": 30.0, "speed_up": 10.0}
    turtle = {"quads": 10, "natokg_seconds": 0.5, "rdflib_seconds": None, "speed_up": None,
              "rdflib_over_budget_s": 30.0, "speed_up_at_least": 60.0}
    text = rendered(figures_for_table({"slow": {**over, **ASKED_AGAIN}, "fast": {**measured, **ASKED_AGAIN}}, turtle))
    assert "> 30 s" in text and ">= 15000.0x" in text and ">= 60.0x" in text
    assert "20.0 / 30.0 (rdflib)" in text and "10.0x" in text
    assert "None" not in text

    skipped = {"store_p50_ms": 2.0, "store_p95_ms": 3.0}
    turtle = {"quads": 10, "natokg_seconds": 0.5, "rdflib_seconds": None, "speed_up": None, "rdflib_budget_s": 0}
    failed = {"store_p50_ms": 2.0, "store_p95_ms": 3.0, "rdflib_p50_ms": None, "rdflib_p95_ms": None,
              "rdflib_error": "ValueError: no", "speed_up": None}
    text = rendered(figures_for_table({"units": {**skipped, **ASKED_AGAIN}, "tree": {**failed, **ASKED_AGAIN}}, turtle))
    assert "rdflib skipped" in text and "rdflib failed" in text and "None" not in text


def test_the_table_shows_queries_asked_again_beside_their_first_ask():
    measured = {"store_p50_ms": 2.0, "store_p95_ms": 3.0, "rdflib_p50_ms": 20.0, "rdflib_p95_ms": 30.0, "speed_up": 10.0}
    turtle = {"quads": 10, "natokg_seconds": 0.5, "rdflib_seconds": None, "speed_up": None, "rdflib_budget_s": 0}
    text = rendered(figures_for_table({"units": {**measured, **ASKED_AGAIN}}, turtle))
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in text.splitlines() if "│" in line]
    assert ["as built / asked again p50 (ms)", "0.8 / 1.0", "9.0 (computed)", ""] in cells
    assert ["natokg query units (s, with start-up)", "0.5 / 1.0", "2.0 (computed)", ""] in cells


def test_queries_are_measured_on_the_engine_and_asked_again_from_kept_answers(
        seeds_out: Path, monkeypatch: pytest.MonkeyPatch, few_queries: list[str]):
    from kg import answers
    from kg.store import open_store

    monkeypatch.setattr(answers, "KEEP_AFTER_SECONDS", 0.0)  # the seeds' answers come too fast to be kept
    kept: list[str] = []
    original = answers.keep
    monkeypatch.setattr(answers, "keep", lambda folder, sparql, result: kept.append(sparql) or original(folder, sparql, result))
    folder = open_store(seeds_out).answers
    folder.mkdir(exist_ok=True)
    (folder / "stale.pickle").write_bytes(b"an answer of an earlier run")
    try:
        figures = bench._measure_queries(seeds_out, quick_config(0), lambda line: None)
        assert not (folder / "stale.pickle").exists(), "the bench starts with no answers kept"
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the seeds' build is shared with other tests
    assert len(set(kept)) >= len(few_queries) and set(Counter(kept).values()) == {2}, \
        "each query is computed once as built and once after its answer is forgotten, then read back"
    assert set(figures["by_query"]) == set(few_queries)
    assert figures["slowest_asked_again"] in few_queries


def test_queries_as_built_are_read_from_the_answers_a_big_build_prepared(
        seeds_out: Path, monkeypatch: pytest.MonkeyPatch, few_queries: list[str], asked_of_the_engine):
    import pyoxigraph as ox

    from kg.answers import prepare_answers
    from kg.store import open_store

    store_dir = open_store(seeds_out).path
    asked = asked_of_the_engine()
    computed_as_built: list[int] = []
    forget = bench.forget_answers
    monkeypatch.setattr(bench, "forget_answers", lambda store: computed_as_built.append(
        sum("# title:" in sparql for sparql in asked)) or forget(store))
    try:
        prepare_answers(ox.Store.read_only(str(store_dir)), store_dir)  # as the build of a big corpus does
        asked.clear()
        figures = bench._measure_queries(seeds_out, quick_config(0), lambda line: None)
    finally:
        shutil.rmtree(open_store(seeds_out).answers, ignore_errors=True)  # the seeds' build is shared
    assert computed_as_built == [0]  # as built, every library query was read back, none computed
    assert sum("# title:" in sparql for sparql in asked) > 0  # then the engine's own figures were computed
    assert set(figures["by_query"]) == set(few_queries)


# ------------------------------------------------------------ the corpus


def test_renaming_keeps_names_and_acronyms_together():
    renaming = bench.Renaming(
        names=("Defence Policy and Planning (DPP) Division", "Resilience Section", "Staff Group", "NPG Staff Group"),
        french_names=("Section Résilience",),
        acronyms=("DPP",),
    )
    text = ("The Defence Policy and Planning (DPP) Division. The NPG Staff Group and the Staff Group. "
            "In DPP, the Resilience Section; la Section Résilience.")
    assert bench._renamed_text(text, renaming, "Bebeka") == (
        "The Bebeka Defence Policy and Planning (BBKDPP) Division. The Bebeka NPG Staff Group and the "
        "Bebeka Staff Group. In BBKDPP, the Bebeka Resilience Section; la Section Bebeka Résilience."
    )


def test_groups_never_share_a_word_or_an_acronym_prefix():
    words = [bench.made_up_word(group) for group in range(4096)]
    assert len(set(words)) == len(words)
    assert len({bench.acronym_prefix(word) for word in words}) == len(words)


def test_each_group_of_notices_grows_its_own_divisions(tmp_path: Path):
    """Every division a seed names comes back renamed in each group, none taken for a reference body."""
    from kg.extract import extract
    from kg.ingest import read_notice

    def division_names(paths: list[Path], known: bool) -> set[str]:
        return {e.names["en"][0] for path in paths for e in extract(read_notice(path)).entities
                if e.type == "Division" and bool(e.reference_key) == known}

    seeds = sorted(bench.SEEDS_DIR.glob("*.txt"))
    in_seeds = division_names(seeds, True) | division_names(seeds, False)
    paths = bench.generate_corpus(2 * bench.NOTICES_PER_GROUP, tmp_path)
    for group, word in enumerate(("Kakaka", "Lokaka")):
        notices = paths[group * bench.NOTICES_PER_GROUP:(group + 1) * bench.NOTICES_PER_GROUP]
        assert division_names(notices, False) == {f"{word} {name}" for name in in_seeds}


def test_queries_are_timed_on_units_the_synthetic_corpus_holds(tmp_path: Path):
    """A default naming a seed unit is swapped for its first group's name, so the timed query finds rows."""
    from kg.pipeline import build_to
    from kg.store import open_store

    build_to(bench.generate_corpus(bench.NOTICES_PER_GROUP, tmp_path / "corpus"), tmp_path / "out")
    store = open_store(tmp_path / "out")
    queries = bench.library()
    chosen = {name: bench.corpus_values(store, query) for name, query in queries.items()}
    assert chosen["unit-mentions"] == {"unit": "Kakaka Resilience Section"}
    assert chosen["division-tree"] == {"division": "Kakaka Defence Policy and Planning Division"}
    assert chosen["committee-supporters"] == {}, "committees keep their names"
    for name, values in chosen.items():
        if values:
            assert bench.run_named(store, name, values).rows, name
