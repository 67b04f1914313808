"""Benchmarks: a synthetic corpus grown from the seeds, and side-by-side timings.

Every figure is measured in one run and reported next to its baseline, as
a ratio, because a shared machine is noisy: build throughput against
spaCy's blank tokenizer alone over the same text, our Turtle writer against
rdflib's, each library query on the store against rdflib's in-memory graph.
rdflib is given a time budget per query and for its Turtle writing: past it
the run is stopped and only a lower bound of the speed-up is recorded.

The corpus: notice ``i`` copies seed ``i % 5`` with a new reference number,
and the units of every group of notices are renamed (a made-up word is put
into each unit name and its initials in front of its acronym), so the
graph grows with the corpus as it would with real notices of many units.
Units to rename are found by running the extractor on the seeds, so no
unit name is written here.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal

from kg.config import PACKAGE_DIR
from kg.queries import ANY, NamedQuery, library, named_nodes, run_named

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.store import StoreDataset

SEEDS_DIR = PACKAGE_DIR.parent / "seeds"
UNIT_TYPES = ("Division", "Directorate", "Section", "Office", "Group")
NOTICES_PER_GROUP = 5
_SYLLABLES = ("ka", "lo", "mi", "nu", "ra", "se", "ti", "vo", "za", "be", "do", "fu", "ge", "hi", "jo", "pe")


# ---------------------------------------------------------------- corpus


def made_up_word(group: int) -> str:
    """A pronounceable capitalised word for a group number: 0 -> "Kakaka", 1 -> "Lokaka"..."""
    letters = []
    value = group
    for _ in range(3):
        letters.append(_SYLLABLES[value % len(_SYLLABLES)])
        value //= len(_SYLLABLES)
    return "".join(letters).capitalize()


def acronym_prefix(word: str) -> str:
    """The initials of a made-up word's syllables ("Bebeka" -> "BBK"): distinct for distinct words.

    Every syllable starts with its own consonant, so two groups never share a
    prefix and an acronym of one group never names a unit of another.
    """
    return "".join(word[i] for i in range(0, len(word), 2)).upper()


@dataclass(frozen=True)
class Renaming:
    """The names (English, French) and acronyms of one seed's units, to rename per group."""

    names: tuple[str, ...]
    french_names: tuple[str, ...]
    acronyms: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        """One alternation of every name and acronym, longest first, matched as whole words."""
        words = sorted({*self.names, *self.french_names, *self.acronyms}, key=len, reverse=True)
        return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")


def renamings(seeds: list[Path]) -> dict[str, Renaming]:
    """Per seed file, the unit names (English and French) and acronyms its extraction finds.

    A name that holds one of the acronyms outside brackets ("DPP Division") is
    left to the acronym's renaming, as a real notice would write it.
    """
    from kg.extract import extract
    from kg.ingest import read_notice

    found: dict[str, Renaming] = {}
    for path in seeds:
        extraction = extract(read_notice(path))
        units = [e for e in extraction.entities if e.type in UNIT_TYPES and not e.reference_key]
        units += [e for e in extraction.entities if e.type == "Division" and e.reference_key]
        acronyms = {a for e in units for a in e.acronyms}

        def names_in(lang: str) -> tuple[str, ...]:
            names = {n for e in units for n in e.names.get(lang, [])}
            return tuple(sorted(n for n in names if not acronyms & set(re.findall(r"[\w-]+", re.sub(r"\(.*?\)", "", n)))))

        found[path.name] = Renaming(names_in("en"), names_in("fr"), tuple(sorted(acronyms)))
    return found


def _renamed_text(text: str, renaming: Renaming, word: str) -> str:
    """Put ``word`` into every unit name and its initials in front of every acronym.

    The word goes where each language puts a qualifier: in front of an English
    name ("Kakaka Resilience Section"), after the head of a French one
    ("Section Kakaka Résilience"). The acronym keeps abbreviating the name
    ("Kakaka Operations Division (KKKOPS)"), so it is read as the name's.
    One pass over the text, so a name inside a longer one ("Staff Group" in
    "NPG Staff Group") is renamed once, and a name written with its acronym
    ("Defence Policy and Planning (DPP) Division") is found whole.
    """
    acronyms = set(renaming.acronyms)
    french = set(renaming.french_names) - set(renaming.names)
    prefix = acronym_prefix(word)

    def renamed_acronym(acronym: str) -> str:
        return prefix + acronym if acronym in acronyms else acronym

    def rename(match: re.Match[str]) -> str:
        found = match.group(1)
        if found in acronyms:
            return renamed_acronym(found)
        name = re.sub(r"\((\w+)\)", lambda m: f"({renamed_acronym(m.group(1))})", found)
        head, _, rest = name.partition(" ")
        return f"{head} {word} {rest}" if found in french and rest else f"{word} {name}"

    return renaming.pattern().sub(rename, text)


def _new_reference(text: str, number: int) -> str:
    return re.sub(r"(?<!\d)(2[45]\d{4})(?!\d)", str(number), text)


def generate_corpus(count: int, out_dir: Path, seeds_dir: Path = SEEDS_DIR) -> list[Path]:
    """Write ``count`` notices into ``out_dir`` (deterministic: the same count gives the same files)."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds}
    plans = renamings(seeds)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        seed = seeds[index % len(seeds)]
        word = made_up_word(index // NOTICES_PER_GROUP)
        text = _renamed_text(texts[seed.name], plans[seed.name], word)
        path = out_dir / f"{index:06d}_{seed.stem[4:]}.txt"
        path.write_text(_new_reference(text, 300000 + index), encoding="utf-8")
        written.append(path)
    return written


# -------------------------------------------------------------- measures


@dataclass
class Timing:
    seconds: float
    value: object = None


def timed(action: Callable[[], object]) -> Timing:
    start = time.perf_counter()
    value = action()
    return Timing(time.perf_counter() - start, value)


def tokenizer_floor(paths: list[Path]) -> float:
    """Seconds for spaCy's blank English tokenizer alone over the full text of every notice."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    texts = [p.read_text(encoding="utf-8") for p in paths]
    start = time.perf_counter()
    for doc in tokenizer.pipe(texts, batch_size=64):
        len(doc)
    return time.perf_counter() - start


def build_in_subprocess(corpus: Path, out: Path, extra: tuple[str, ...] = ()) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of ``natokg build`` run as its own process.

    The peak is that of the largest process of this build (its workers and
    children included), read from ``wait4``: the rusage of all children
    together would keep the peak of an earlier build.
    """
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), *extra]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, usage.ru_maxrss * 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


#: A run slower than this is repeated only SLOW_REPEATS times: its p50 is clear, and the bench stays short.
SLOW_RUN_SECONDS = 1.0
SLOW_REPEATS = 3


def latency_figures(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2)}


class OverBudget(BaseException):
    """A budgeted run took longer than its budget.

    A BaseException, like KeyboardInterrupt, so that the ``except Exception``
    clauses inside rdflib and kg.query cannot swallow it.
    """


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget in the block once ``seconds`` of wall time have passed.

    SIGALRM interrupts pure-Python work such as rdflib's SPARQL evaluation;
    the previous handler is put back on the way out. Without a budget, off
    the main thread or where there is no interval timer, the block runs
    unbounded.
    """
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise OverBudget(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def budgeted_seconds(action: Callable[[], object], budget_s: float) -> float | None:
    """Wall seconds of one run of ``action``, or None when it went over ``budget_s``."""
    try:
        with time_budget(budget_s):
            return timed(action).seconds
    except OverBudget:
        return None


def latency(run: Callable[[], object], repeats: int, budget_s: float = 0) -> dict[str, float] | None:
    """p50 / p95 milliseconds of ``run``, run ``repeats`` times after one warm-up (fewer when it is slow).

    Every run gets ``budget_s`` seconds (0: no budget); None as soon as one
    goes over, so a run that cannot finish within the budget is tried once.
    """
    warm_up = budgeted_seconds(run, budget_s)
    if warm_up is None:
        return None
    if warm_up >= SLOW_RUN_SECONDS:
        repeats = min(repeats, SLOW_REPEATS)
    samples = []
    for _ in range(repeats):
        seconds = budgeted_seconds(run, budget_s)
        if seconds is None:
            return None
        samples.append(seconds * 1000)
    return latency_figures(samples)


def error_line(error: BaseException) -> str:
    """The error's type and the first line of its message, short enough for a table cell."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0][:160]}" if message else type(error).__name__


def ratio(slow: float, fast: float) -> float | None:
    return round(slow / fast, 1) if fast else None


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


@dataclass
class BenchReport:
    notices: int
    figures: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"notices": self.notices, "machine": machine(), **self.figures}, indent=2, sort_keys=True) + "\n"


def clean(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------- the run


@dataclass
class BenchConfig:
    notices: int = 1000
    workdir: Path = Path("out/bench")
    query_repeats: int = 20
    rdflib_repeats: int = 3
    jobs: int | None = None
    rdflib_budget_s: float = 30.0
    """Seconds each rdflib query and rdflib's Turtle writing may take; 0 skips rdflib altogether."""


def say_now(line: str) -> None:
    """Print a progress line at once, even when stdout is a pipe."""
    print(line, flush=True)


def run_bench(config: BenchConfig, say: Callable[[str], None] = say_now) -> BenchReport:
    """Every measure, side by side, on a corpus of ``config.notices`` notices."""
    report = BenchReport(config.notices)
    corpus = config.workdir / f"corpus-{config.notices}"
    out = config.workdir / f"out-{config.notices}"
    if not corpus.is_dir() or len(list(corpus.glob("*.txt"))) != config.notices:
        clean(corpus)
        say(f"generating {config.notices} notices in {corpus}")
        generate_corpus(config.notices, corpus)
    paths = sorted(corpus.glob("*.txt"))
    report.figures["build"] = _measure_build(corpus, out, paths, config, say)
    report.figures["incremental"] = _measure_incremental(corpus, out, paths, say)
    report.figures["turtle"], graph = _measure_turtle(out, config, say)
    report.figures["queries"] = _measure_queries(out, config, say, graph)
    del graph
    report.figures["query_command"] = _measure_query_command(out, report.figures["queries"], say)
    return report


def _measure_build(corpus: Path, out: Path, paths: list[Path], config: BenchConfig, say) -> dict:
    say("blank spaCy tokenizer over the full text (the floor for any spaCy extractor)")
    floor = tokenizer_floor(paths)
    say("natokg build, one process, no cache")
    single = out.with_name(out.name + "-single")
    clean(single)
    one_seconds, one_peak = build_in_subprocess(corpus, single, ("--jobs", "1", "--no-cache"))
    say("natokg build, all cores, first build (an empty cache, filled as it goes)")
    clean(out)
    jobs = ("--jobs", str(config.jobs)) if config.jobs else ()
    seconds, peak = build_in_subprocess(corpus, out, jobs)
    same = (single / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    clean(single)
    count = len(paths)
    return {
        "tokenizer_floor_notices_per_s": round(count / floor, 1),
        "build_notices_per_s": round(count / seconds, 1),
        "build_seconds": round(seconds, 2),
        "build_peak_memory_mb": round(peak / 2**20),
        "one_process_seconds": round(one_seconds, 2),
        "one_process_peak_memory_mb": round(one_peak / 2**20),
        "ratio_to_tokenizer_floor": round((count / seconds) / (count / floor), 2),
        "same_graph_as_one_process": same,
    }


def _measure_incremental(corpus: Path, out: Path, paths: list[Path], say) -> dict:
    say("rebuild after changing one notice")
    changed = paths[len(paths) // 2]
    original = changed.read_text(encoding="utf-8")
    changed.write_text(original.replace("1. SUMMARY", "1. SUMMARY\n\nThis notice was revised.", 1), encoding="utf-8")
    try:
        seconds, _ = build_in_subprocess(corpus, out)
    finally:
        changed.write_text(original, encoding="utf-8")
    return {"rebuild_one_changed_seconds": round(seconds, 2)}


def _measure_turtle(out: Path, config: BenchConfig, say: Callable[[str], None]) -> tuple[dict, Graph | None]:
    """Writing the whole graph as Turtle: natokg's writer against rdflib's, from the same quads.

    Also returns the rdflib graph of those quads (None when rdflib is
    skipped), for the query comparison: building it is slow on a big corpus.
    """
    from kg.store import open_store

    budget = config.rdflib_budget_s
    say("Turtle writing: natokg")
    quads = list(open_store(out).oxigraph.quads_for_pattern(None, None, None, None))
    ours = timed(partial(_our_turtle, quads)).seconds
    figures: dict[str, Any] = {"quads": len(quads), "natokg_seconds": round(ours, 2), "rdflib_budget_s": budget}
    if budget <= 0:
        say("Turtle writing: rdflib skipped (budget 0)")
        return {**figures, "rdflib_seconds": None, "speed_up": None}, None
    say(f"building an rdflib graph of {len(quads)} quads")
    built = timed(partial(_rdflib_graph, quads))
    del quads
    graph = built.value
    say(f"Turtle writing: rdflib (budget {budget:g} s)")
    theirs = budgeted_seconds(lambda: graph.serialize(format="turtle"), budget)
    figures["rdflib_graph_seconds"] = round(built.seconds, 2)
    if theirs is None:
        say(f"  rdflib Turtle writing over budget (> {budget:g} s)")
        over = {"rdflib_over_budget_s": budget, "speed_up_at_least": ratio(budget, ours)}
        return {**figures, "rdflib_seconds": None, "speed_up": None, **over}, graph
    say(f"  Turtle writing: natokg {ours:.2f} s, rdflib {theirs:.2f} s")
    return {**figures, "rdflib_seconds": round(theirs, 2), "speed_up": ratio(theirs, ours)}, graph


def _rdflib_graph(quads: list) -> Graph:
    """An rdflib graph of the triples of ``quads`` (graph names dropped, as in graph.ttl)."""
    from kg.store import rdflib_graph

    return rdflib_graph(quads)


def _our_turtle(quads: list) -> bytes:
    import pyoxigraph as ox

    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE)


def _measure_queries(out: Path, config: BenchConfig, say: Callable[[str], None], graph: Graph | None = None) -> dict:
    """p50/p95 of every library query on the store, and on rdflib's in-memory graph of the same triples.

    ``graph`` is that rdflib graph if already built; otherwise graph.ttl is
    parsed, unless the rdflib budget is 0.
    """
    from kg.store import open_store

    budget = config.rdflib_budget_s
    figures: dict[str, Any] = {"rdflib_budget_s": budget}
    if budget <= 0:
        say("library queries: Oxigraph store only (rdflib budget 0)")
        graph = None
    else:
        say(f"library queries: Oxigraph store vs rdflib in memory (rdflib budget {budget:g} s per run)")
        if graph is None:
            say(f"parsing {out / 'graph.ttl'} into rdflib")
            load = timed(partial(_parsed_graph, out / "graph.ttl"))
            graph, figures["rdflib_parse_seconds"] = load.value, round(load.seconds, 2)
    store = open_store(out, keep_answers=False)  # the engine itself, each time
    keeping = open_store(out)  # as `natokg query` opens it
    queries = library()
    values = {name: corpus_values(store, queries[name]) for name in sorted(queries)}
    say("library queries on the store as built (a big build prepares their answers)")
    as_built = {name: _as_built(keeping, name, values[name]) for name in sorted(queries)}
    forget_answers(keeping)
    rows = {}
    for index, name in enumerate(sorted(queries), 1):
        say(f"query {name} ({index}/{len(queries)})" + "".join(f" {k}={v!r}" for k, v in values[name].items()))
        rows[name] = {**_query_row(store, graph, name, config, values[name]), **as_built[name],
                      **_asked_again(keeping, name, config, values[name])}
        say(_query_line(name, rows[name]))
    slowest = max(rows, key=lambda n: rows[n]["store_p50_ms"])
    slowest_again = max(rows, key=lambda n: rows[n]["asked_again_p50_ms"])
    return {**figures, "slowest": slowest, "slowest_asked_again": slowest_again, "by_query": rows}


def _parsed_graph(path: Path) -> Graph:
    from rdflib import Graph

    return Graph().parse(path)


def corpus_values(store: object, query: NamedQuery) -> dict[str, str]:
    """Values for the node parameters whose default names a seed unit the synthetic corpus renamed.

    A default such as "Resilience Section" names nothing, or a unit with
    nothing under it, in the synthetic store, and a query that finds nothing
    measures nothing; the first group's name for it ("Kakaka Resilience
    Section") is used instead.
    """
    values = {}
    for param in query.params:
        if not param.node or param.default.strip() in ("", ANY):
            continue
        renamed = f"{made_up_word(0)} {param.default}"
        if named_nodes(store, Literal(renamed)):
            values[param.name] = renamed
    return values


def _query_row(store: object, graph: Graph | None, name: str, config: BenchConfig,
               values: dict[str, str] | None = None) -> dict:
    """Store figures of one library query, and rdflib's next to them when there is a graph."""
    ours = latency(lambda: run_named(store, name, values), config.query_repeats)
    assert ours is not None  # no budget on the store
    row: dict[str, Any] = {f"store_{key}": value for key, value in ours.items()}
    if values:
        row["params"] = values
    if graph is None:
        return row
    try:
        theirs = latency(lambda: run_named(graph, name, values), config.rdflib_repeats, config.rdflib_budget_s)
    except Exception as error:  # rdflib failing on a query the store answers is a finding, not a crash
        return {**row, "rdflib_p50_ms": None, "rdflib_p95_ms": None, "rdflib_error": error_line(error),
                "speed_up": None}
    if theirs is None:
        budget = config.rdflib_budget_s
        return {**row, "rdflib_p50_ms": None, "rdflib_p95_ms": None, "rdflib_over_budget_s": budget,
                "speed_up": None, "speed_up_at_least": ratio(budget * 1000, ours["p50_ms"])}
    return {**row, **{f"rdflib_{key}": value for key, value in theirs.items()},
            "speed_up": ratio(theirs["p50_ms"], ours["p50_ms"])}


def forget_answers(store: StoreDataset) -> None:
    """Remove the answers a store kept, so that the next query of each kind is computed."""
    if store.answers is not None:
        shutil.rmtree(store.answers, ignore_errors=True)


def _as_built(store: StoreDataset, name: str, values: dict[str, str] | None) -> dict:
    """The first ask of a query on the store as its build left it: read back when the build prepared its
    answer, else computed (and kept, when slow)."""
    return {"as_built_ms": round(timed(lambda: run_named(store, name, values)).seconds * 1000, 2)}


def _asked_again(store: StoreDataset, name: str, config: BenchConfig, values: dict[str, str] | None) -> dict:
    """The same query on a store that keeps slow answers: the first time asked, then p50 / p95 of asking again."""
    first = timed(lambda: run_named(store, name, values)).seconds
    again = latency(lambda: run_named(store, name, values), config.query_repeats)
    assert again is not None  # no budget on the store
    return {"first_ask_ms": round(first * 1000, 2), **{f"asked_again_{key}": value for key, value in again.items()}}


def _query_line(name: str, row: dict) -> str:
    line = (f"  {name}: as built {row['as_built_ms']} ms, store p50 {row['store_p50_ms']} ms, "
            f"asked again p50 {row['asked_again_p50_ms']} ms")
    if "rdflib_over_budget_s" in row:
        return f"{line}, rdflib over budget (> {row['rdflib_over_budget_s']:g} s, at least {row['speed_up_at_least']}x)"
    if "rdflib_error" in row:
        return f"{line}, rdflib failed: {row['rdflib_error']}"
    if "rdflib_p50_ms" in row:
        return f"{line}, rdflib p50 {row['rdflib_p50_ms']} ms ({row['speed_up']}x)"
    return line


def _measure_query_command(out: Path, queries: dict, say) -> dict:
    """Wall-clock of ``natokg query`` on the store, start-up included, for the slowest library query: on
    the store as built, then with its answers forgotten (computed), then the median of asking again."""
    from kg.store import open_store

    say("natokg query, start-up included")
    name = queries["slowest"]
    params = [f"--param={key}={value}" for key, value in queries["by_query"][name].get("params", {}).items()]
    command = [sys.executable, "-m", "kg.cli", "query", name, *params, "--store", str(out), "--format", "table"]

    def seconds() -> float:
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    as_built = seconds()
    forget_answers(open_store(out))
    samples = [seconds() for _ in range(4)]
    return {"query": name, "as_built_seconds": round(as_built, 2), "first_ask_seconds": round(samples[0], 2),
            "seconds_median": round(statistics.median(samples[1:]), 2)}


def write_report(report: BenchReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(report.to_json(), encoding="utf-8")
    os.replace(temporary, path)
    return path
