"""Benchmarks: a synthetic corpus grown from the seeds, and side-by-side timings.

Every figure is measured in one run and reported next to its baseline, as
a ratio, because a shared machine is noisy: build throughput against
spaCy's blank tokenizer alone over the same text, our Turtle writer against
rdflib's, each library query on the store against rdflib's in-memory graph.

The corpus: notice ``i`` copies seed ``i % 5`` with a new reference number,
and the units of every group of notices are renamed (a made-up word is put
in front of each unit name and a letter in front of its acronym), so the
graph grows with the corpus as it would with real notices of many units.
Units to rename are found by running the extractor on the seeds, so no
unit name is written here.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import PACKAGE_DIR

SEEDS_DIR = PACKAGE_DIR.parent / "seeds"
UNIT_TYPES = ("Division", "Directorate", "Section", "Office", "Group")
NOTICES_PER_GROUP = 5
_SYLLABLES = ("ka", "lo", "mi", "nu", "ra", "se", "ti", "vo", "za", "be", "do", "fu", "ge", "hi", "jo", "pe")


# ---------------------------------------------------------------- corpus


def made_up_word(group: int) -> str:
    """A pronounceable capitalised word for a group number: 0 -> "Kaka", 17 -> "Lolo"..."""
    letters = []
    value = group
    for _ in range(3):
        letters.append(_SYLLABLES[value % len(_SYLLABLES)])
        value //= len(_SYLLABLES)
    return "".join(letters).capitalize()


@dataclass(frozen=True)
class Renaming:
    """The names and acronyms of one seed's units, longest first, to rename per group."""

    names: tuple[str, ...]
    acronyms: tuple[str, ...]


def renamings(seeds: list[Path]) -> dict[str, Renaming]:
    """Per seed file, the unit names (English and French) and acronyms its extraction finds."""
    from kg.extract import extract
    from kg.ingest import read_notice

    found: dict[str, Renaming] = {}
    for path in seeds:
        extraction = extract(read_notice(path))
        units = [e for e in extraction.entities if e.type in UNIT_TYPES and not e.reference_key]
        divisions = [e for e in extraction.entities if e.type == "Division"]
        names = {n for e in units + divisions for lang in ("en", "fr") for n in e.names.get(lang, []) if "(" not in n}
        acronyms = {a for e in units + divisions for a in e.acronyms}
        found[path.name] = Renaming(tuple(sorted(names, key=len, reverse=True)), tuple(sorted(acronyms)))
    return found


def _renamed_text(text: str, renaming: Renaming, word: str) -> str:
    for acronym in renaming.acronyms:
        text = re.sub(rf"\b{re.escape(acronym)}\b", word[0] + acronym, text)
    for name in renaming.names:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", f"{word} {name}", text)
    return text


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
    """Wall seconds and peak resident memory (bytes) of ``natokg build`` run as its own process."""
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return seconds, peak_kib * 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def query_latencies(run: Callable[[str], object], queries: dict[str, str], repeats: int) -> dict[str, dict[str, float]]:
    """p50 / p95 milliseconds of each query, run ``repeats`` times after one warm-up."""
    figures = {}
    for name, text in sorted(queries.items()):
        run(text)
        samples = [timed(lambda t=text: run(t)).seconds * 1000 for _ in range(repeats)]
        figures[name] = {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2)}
    return figures


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
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


def run_bench(config: BenchConfig, say: Callable[[str], None] = print) -> BenchReport:
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
    report.figures["turtle"] = _measure_turtle(out, say)
    report.figures["queries"] = _measure_queries(out, config, say)
    report.figures["query_command"] = _measure_query_command(out, report.figures["queries"], say)
    return report


def _measure_build(corpus: Path, out: Path, paths: list[Path], config: BenchConfig, say) -> dict:
    say("blank spaCy tokenizer over the full text (the floor for any spaCy extractor)")
    floor = tokenizer_floor(paths)
    say("natokg build, one process, no cache")
    single = out.with_name(out.name + "-single")
    clean(single)
    one_seconds, one_peak = build_in_subprocess(corpus, single, ("--jobs", "1", "--no-cache"))
    say("natokg build, all cores, no cache")
    clean(out)
    jobs = ("--jobs", str(config.jobs)) if config.jobs else ()
    seconds, peak = build_in_subprocess(corpus, out, (*jobs, "--no-cache"))
    same = (single / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    clean(single)
    say("natokg build again, filling the cache")
    build_in_subprocess(corpus, out, jobs)
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


def _measure_turtle(out: Path, say) -> dict:
    """Writing the whole graph as Turtle: natokg's writer against rdflib's, from the same quads."""
    from rdflib import Graph

    from kg.store import open_store

    say("Turtle writing: natokg vs rdflib")
    store = open_store(out)
    quads = list(store.oxigraph.quads_for_pattern(None, None, None, None))
    ours = timed(lambda: _our_turtle(quads))
    graph = Graph()
    from kg.query import from_ox

    for quad in quads:
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    theirs = timed(lambda: graph.serialize(format="turtle"))
    return {
        "quads": len(quads),
        "natokg_seconds": round(ours.seconds, 2),
        "rdflib_seconds": round(theirs.seconds, 2),
        "speed_up": round(theirs.seconds / ours.seconds, 1) if ours.seconds else None,
    }


def _our_turtle(quads: list) -> bytes:
    import pyoxigraph as ox

    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE)


def _measure_queries(out: Path, config: BenchConfig, say) -> dict:
    """p50/p95 of every library query on the store, and on rdflib's in-memory graph of the same triples."""
    from rdflib import Graph

    from kg.queries import library, run_named
    from kg.store import open_store

    say("library queries: Oxigraph store vs rdflib in memory")
    store = open_store(out)
    names = {name: name for name in library()}
    on_store = query_latencies(lambda name: run_named(store, name), names, config.query_repeats)
    load = timed(lambda: Graph().parse(out / "graph.ttl"))
    graph = load.value
    on_rdflib = query_latencies(lambda name: run_named(graph, name), names, config.rdflib_repeats)
    rows = {}
    for name in sorted(names):
        ours, theirs = on_store[name], on_rdflib[name]
        rows[name] = {**{f"store_{k}": v for k, v in ours.items()}, **{f"rdflib_{k}": v for k, v in theirs.items()},
                      "speed_up": round(theirs["p50_ms"] / ours["p50_ms"], 1) if ours["p50_ms"] else None}
    slowest = max(rows, key=lambda n: rows[n]["store_p50_ms"])
    return {"rdflib_parse_seconds": round(load.seconds, 2), "slowest": slowest, "by_query": rows}


def _measure_query_command(out: Path, queries: dict, say) -> dict:
    """Wall-clock of ``natokg query`` on the store, start-up included, for the slowest library query."""
    say("natokg query, start-up included")
    name = queries["slowest"]
    command = [sys.executable, "-m", "kg.cli", "query", name, "--store", str(out), "--format", "csv"]
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return {"query": name, "seconds_median": round(statistics.median(samples), 2)}


def write_report(report: BenchReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(report.to_json(), encoding="utf-8")
    os.replace(temporary, path)
    return path
