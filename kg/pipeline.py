"""The whole pipeline over a batch of files: ingest -> extract -> resolve -> build -> write.

One bad file never sinks the batch: it gets a report entry with one clear
message and the others go on. Outputs are written to a temporary folder
beside the target and moved into place only once all are complete, so an
interrupted or failed build leaves the previous outputs as they were.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.build import build_dataset, union_graph
from kg.config import BUILD_REPORT, GRAPH_TRIG, GRAPH_TTL, ORG_GRAPH_HTML, STORE_DIRNAME
from kg.errors import InputError, NatoKGError
from kg.extract import extract
from kg.ingest import collect, read_notice
from kg.model import Corpus, Extraction, Notice
from kg.resolve import resolve
from kg.store import trig_bytes, turtle_bytes, to_ox_quads, write_store
from kg.visualise import render

Progress = Callable[[str], None]


@dataclass
class NoticeReport:
    """What happened to one input file."""

    path: str
    status: str  # "built" or "failed"
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    reference: str | None = None
    title: str | None = None


@dataclass
class BuildResult:
    corpus: Corpus
    dataset: Dataset
    reports: list[NoticeReport]
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def failed(self) -> list[NoticeReport]:
        return [r for r in self.reports if r.status == "failed"]

    @property
    def built(self) -> list[NoticeReport]:
        return [r for r in self.reports if r.status == "built"]

    @property
    def exit_code(self) -> int:
        """0 when every notice built, 1 when some failed, 2 when none could be built."""
        if not self.built:
            return 2
        return 1 if self.failed else 0


def read_notices(sources: Iterable[str | Path], progress: Progress | None = None) -> tuple[list[Notice], list[NoticeReport]]:
    """Read every file; a file that cannot be read becomes a failed report, not an exception."""
    notices: list[Notice] = []
    reports: list[NoticeReport] = []
    for path in collect(sources):
        if progress:
            progress(str(path))
        try:
            notices.append(read_notice(path))
        except NatoKGError as error:
            reports.append(NoticeReport(str(path), "failed", error.message))
    return notices, reports


def extract_all(notices: list[Notice], progress: Progress | None = None) -> tuple[list[Extraction], list[NoticeReport]]:
    extractions: list[Extraction] = []
    reports: list[NoticeReport] = []
    for notice in notices:
        if progress:
            progress(notice.source)
        try:
            extraction = extract(notice)
        except Exception as error:  # a rule tripping on one notice must not stop the batch
            reports.append(NoticeReport(notice.source, "failed", f"could not extract: {type(error).__name__}: {error}"))
            continue
        extractions.append(extraction)
    return extractions, reports


def build_corpus(sources: Iterable[str | Path], progress: Progress | None = None) -> tuple[Corpus, list[NoticeReport]]:
    """Ingest, extract and resolve: the plain-data graph and a report per input."""
    notices, reports = read_notices(sources, progress)
    extractions, failures = extract_all(notices, progress)
    corpus = resolve(extractions)
    by_source = {p.source: p for p in corpus.postings}
    for extraction in extractions:
        posting = by_source[extraction.notice.source]
        reports.append(NoticeReport(
            path=extraction.notice.source,
            status="built",
            warnings=posting.warnings,
            entities=len({m.entity for m in posting.mentions}),
            relations=len(posting.facts) + len(posting.superiors),
            reference=posting.header.reference,
            title=posting.title,
        ))
    return corpus, sorted(reports + failures, key=lambda r: r.path)


def build(sources: Iterable[str | Path]) -> Dataset:
    """The RDF dataset for a set of files and folders: one named graph per notice."""
    corpus, _ = build_corpus(sources)
    return build_dataset(corpus)


def build_to(sources: Iterable[str | Path], out_dir: Path, progress: Progress | None = None,
             strict: bool = False) -> BuildResult:
    """Build and write graph.ttl, graph.trig, store/, org-graph.html and build-report.json."""
    corpus, reports = build_corpus(sources, progress)
    result = BuildResult(corpus, build_dataset(corpus), reports)
    if strict and result.failed:
        first = result.failed[0]
        raise InputError(first.message or "failed", first.path)
    if result.built:
        result.outputs = write_all(result, Path(out_dir))
    return result


def write_all(result: BuildResult, out_dir: Path) -> dict[str, Path]:
    """Write every output into a fresh folder, then move each into ``out_dir`` at once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".natokg-build-", dir=out_dir))
    try:
        (staging / GRAPH_TTL).write_bytes(turtle_bytes(result.dataset))
        (staging / GRAPH_TRIG).write_bytes(trig_bytes(result.dataset))
        write_store(staging / STORE_DIRNAME, to_ox_quads(result.dataset))
        render(union_graph(result.dataset), staging / ORG_GRAPH_HTML)
        (staging / BUILD_REPORT).write_text(report_json(result), encoding="utf-8")
        return {name: _move_into(staging / name, out_dir / name)
                for name in (GRAPH_TTL, GRAPH_TRIG, STORE_DIRNAME, ORG_GRAPH_HTML, BUILD_REPORT)}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into(fresh: Path, target: Path) -> Path:
    if fresh.is_dir():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(fresh, target)
    return target


def report_json(result: BuildResult) -> str:
    return json.dumps(
        {"notices": [asdict(r) for r in result.reports], "summary": summary(result)},
        indent=2, ensure_ascii=False, sort_keys=True,
    ) + "\n"


def summary(result: BuildResult) -> dict:
    """Counts for the build's summary table: notices, entities by type, relations by kind, warnings."""
    corpus = result.corpus
    relations: Counter = Counter()
    for posting in corpus.postings:
        relations.update(f.predicate for f in posting.facts)
        relations["reportsTo"] += len(posting.superiors)
    return {
        "notices": {"built": len(result.built), "failed": len(result.failed)},
        "entities": dict(sorted(Counter(e.type for e in corpus.entities.values()).items())),
        "relations": dict(sorted(relations.items())),
        "warnings": sum(len(r.warnings) for r in result.reports),
    }
