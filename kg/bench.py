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
