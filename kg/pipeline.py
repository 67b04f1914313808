"""The whole pipeline over a batch of inputs: ingest -> extract -> resolve -> build -> write.

One bad input never sinks the batch: it gets a report entry with one clear
message and the others go on (``strict`` stops at the first instead).
Outputs are written to a hidden staging folder inside the target and moved
into place only once all are complete, so an interrupted or failed build
leaves the previous outputs as they were; a staging folder that an
interrupted build left behind is removed by the next build.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from pathlib import Path

from rdflib import Dataset

from kg.batch import process_all
from kg.build import build_dataset
from kg.config import BUILD_REPORT, GRAPH_TRIG, GRAPH_TTL, ORG_GRAPH_HTML, PREPARE_FROM_NOTICES, STORE_DIRNAME
from kg.errors import InputError
from kg.forked import ForkedTask
from kg.ingest import Document, Input, find_inputs
from kg.model import Corpus, Entity, Extraction, Posting
from kg.resolve import resolve
from kg.store import QuadTable, StoreLoad, write_trig, write_turtle
from kg.trig import WRITTEN_TRIG, kept_graphs, trig_record, write_trig_reusing

Progress = Callable[[str], None]

BUILT, FAILED, SKIPPED = "built", "failed", "skipped"
STAGING_PREFIX = ".natokg-build-"
CACHE_DIRNAME = ".natokg-cache"
#: A staging folder this old is stale even if its build's process id is in use again.
STALE_AFTER_SECONDS = 24 * 3600
#: Builds of more quads than this draw their page in a forked child, beside the other outputs.
BACKGROUND_PAGE_QUADS = 200_000
OUTPUTS = (GRAPH_TTL, GRAPH_TRIG, STORE_DIRNAME, ORG_GRAPH_HTML, BUILD_REPORT)
#: A first build of more notices than this starts loading its store from the corpus (:meth:`StoreLoad.from_corpus`).
EARLY_LOAD_NOTICES = 400
#: How much lower the page's child runs than the store's loader in a first build (see os.nice).
PAGE_NICENESS = 10
#: How much lower a big first build's own process runs once its store's loader has started, when the
#: process ends with the build and the loader prepares the answers (see build_to); its children then
#: run that much lower again.
BUILD_NICENESS = 5


@dataclass
class NoticeReport:
    """What happened to one input (one entry per post for a notice that advertises several)."""

    path: str  # the input as named or found ("seeds/000_x.txt"; "-" for standard input)
    status: str  # "built", "failed" or "skipped"
    message: str | None = None  # why it failed or was skipped, one line
    source: str | None = None  # the notice's name in the graph: "000_x.txt", "two.txt#PASP0109"
    format: str | None = None  # "text", "html" or "pdf"
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    reference: str | None = None
    title: str | None = None
    extracted: dict = field(default_factory=dict)  # post fields, reporting line, entities, relations


@dataclass
class BuildResult:
    corpus: Corpus
    reports: list[NoticeReport]
    outputs: dict[str, Path] = field(default_factory=dict)

    @cached_property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset, made on first use: writing the outputs needs none."""
        return build_dataset(self.corpus)

    @property
    def failed(self) -> list[NoticeReport]:
        return [r for r in self.reports if r.status == FAILED]

    @property
    def built(self) -> list[NoticeReport]:
        return [r for r in self.reports if r.status == BUILT]

    @property
    def skipped(self) -> list[NoticeReport]:
        return [r for r in self.reports if r.status == SKIPPED]

    @property
    def exit_code(self) -> int:
        """0 when some notice built and none failed, 1 when some failed, 2 when none could be built."""
        if not self.built:
            return 2
        return 1 if self.failed else 0


# ==================================================================== reading


class _Batch:
    """Reports gathered over a batch; in strict mode the first failure raises."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.reports: list[NoticeReport] = []

    def fail(self, path: str, message: str, **details) -> None:
        if self.strict:
            raise InputError(message, path=path)
        self.reports.append(NoticeReport(path, FAILED, message, **details))

    def skip(self, item: Input) -> None:
        self.reports.append(NoticeReport(item.path, SKIPPED, item.problem, source=item.source))


def _mark_duplicates(documents: list[Document]) -> None:
    first_of: dict[str, str] = {}
    for document in documents:
        digest = document.notices[0].sha256
        if digest in first_of:
            document.warnings.append(f"same text as {first_of[digest]}")
        else:
            first_of[digest] = document.input.path


def read_and_extract(inputs: Iterable[Input], batch: _Batch, progress: Progress | None = None,
                     jobs: int | None = None, cache_dir: Path | None = None) -> tuple[list[Document], list[Extraction]]:
    """Read and extract every input (see :mod:`kg.batch`); one that fails becomes a failed report."""
    inputs = list(inputs)
    for item in inputs:
        if item.skipped:
            batch.skip(item)
    documents: list[Document] = []
    extractions: list[Extraction] = []
    for outcome in process_all([i for i in inputs if not i.skipped], jobs, cache_dir, progress):
        if outcome.document is None:
            batch.fail(outcome.item.path, outcome.error or "cannot be read", source=outcome.item.source)
            continue
        documents.append(outcome.document)
        for result in outcome.notices:
            if result.extraction is None:
                document = outcome.document
                batch.fail(document.input.path, result.error or "could not extract", source=result.source,
                           format=document.format, encoding=document.encoding, warnings=list(document.warnings))
                continue
            extractions.append(result.extraction)
    _mark_duplicates(documents)
    return documents, extractions


# =================================================================== the chain


def build_corpus(sources: Iterable[str | Path], progress: Progress | None = None, strict: bool = False,
                 jobs: int | None = None, cache_dir: Path | None = None) -> tuple[Corpus, list[NoticeReport]]:
    """Ingest, extract and resolve: the plain-data graph and a report per input.

    ``jobs`` worker processes share the reading (default: one per core);
    ``cache_dir`` keeps what each input gave, so a rebuild reads changed inputs only.
    """
    batch = _Batch(strict)
    documents, extractions = read_and_extract(find_inputs(sources), batch, progress, jobs, cache_dir)
    corpus = resolve(extractions)
    by_source = {posting.source: posting for posting in corpus.postings}
    document_of = {notice.source: document for document in documents for notice in document.notices}
    built = [_built_report(document_of[x.notice.source], by_source[x.notice.source], corpus) for x in extractions]
    reports = sorted(batch.reports + built, key=lambda r: (r.path, r.source or ""))
    return corpus, reports


def _built_report(document: Document, posting: Posting, corpus: Corpus) -> NoticeReport:
    return NoticeReport(
        path=document.input.path,
        status=BUILT,
        source=posting.source,
        format=document.format,
        encoding=document.encoding,
        warnings=[*document.warnings, *posting.warnings],
        entities=len({m.entity for m in posting.mentions}),
        relations=len(posting.facts) + len(posting.superiors),
        reference=posting.header.reference,
        title=posting.title,
        extracted=extracted(posting, corpus),
    )


def extracted(posting: Posting, corpus: Corpus) -> dict:
    """What one notice gave the graph, in words: its post, reporting line, entities and relations."""
    def name(key: str | None) -> str | None:
        if key is None:
            return None
        return "the post" if key == "post" else entity_label(corpus.entities.get(key), key)

    header = posting.header
    return {
        "post": {
            "title": posting.title, "title_fr": posting.title_fr, "reference": header.reference,
            "unit": name(posting.unit), "deadline": header.deadline, "grade": header.grade,
            "salary": header.salary, "currency": header.currency, "clearance": header.clearance,
            "direct_reports": posting.direct_reports,
        },
        "reporting_line": [f"{'/'.join(s.roles)}, {name(s.unit)}" for s in sorted(posting.superiors, key=lambda s: s.order)],
        "entities": sorted({f"{corpus.entities[m.entity].type}: {name(m.entity)}"
                            for m in posting.mentions if m.entity in corpus.entities}),
        "relations": sorted({f"{name(f.subject)} {f.predicate} {name(f.object)}" for f in posting.facts}),
    }


def entity_label(entity: Entity | None, key: str) -> str:
    """"Defence Policy and Planning Division (DPP)": the English label (else French), with the acronyms."""
    if entity is None:
        return key
    acronyms = sorted(entity.acronyms)
    label = entity.labels.get("en") or entity.labels.get("fr") or (acronyms[0] if acronyms else key)
    acronyms = [a for a in acronyms if a not in label]
    return f"{label} ({', '.join(acronyms)})" if acronyms else label


def build(sources: Iterable[str | Path]) -> Dataset:
    """The RDF dataset for a set of files and folders: one named graph per notice."""
    corpus, _ = build_corpus(sources)
    return build_dataset(corpus)


def build_to(sources: Iterable[str | Path], out_dir: Path, progress: Progress | None = None,
             strict: bool = False, jobs: int | None = None, cache: bool = True,
             lower_priority: bool = False) -> BuildResult:
    """Build and write graph.ttl, graph.trig, store/, org-graph.html and build-report.json.

    Nothing is written when no notice could be built; with ``strict`` the first
    input that fails raises :class:`~kg.errors.InputError` and nothing is written.
    With ``cache``, what each input gave is kept in ``OUT/.natokg-cache`` for the next build.
    With ``lower_priority``, for a process that ends with the build (the command
    line's: a process cannot raise its priority again), a big first build
    whose loader prepares the answers runs its own process below the loader
    once the loader has started (see :func:`write_all`).
    """
    cache_dir = Path(out_dir) / CACHE_DIRNAME if cache else None
    with cyclic_gc_paused():
        corpus, reports = build_corpus(sources, progress, strict, jobs, cache_dir)
        result = BuildResult(corpus, reports)
        if result.built:
            result.outputs = write_all(result, Path(out_dir), lower_priority)
    return result


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a build, and restore it after.

    A build makes millions of long-lived objects (extractions, the resolved
    corpus, the quad table) and no garbage cycles to speak of; the collector
    would walk them all again each time their number grows by a quarter,
    which at 10,000 notices costs more than resolving them.  Reference
    counting still frees everything that is dropped; worker processes turn
    the collector back on (see :mod:`kg.batch`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# =================================================================== writing


def write_all(result: BuildResult, out_dir: Path, lower_priority: bool = False) -> dict[str, Path]:
    """Write every output into a fresh staging folder, then move each into ``out_dir``.

    The quads go from the corpus to Oxigraph's writers without an rdflib
    graph of the whole corpus (:class:`~kg.store.QuadTable`).  For a big
    build, the store is filled (from the corpus itself in a first build,
    before the table is made; else from the table, or the last build's store
    updated, see :class:`~kg.store.StoreLoad`) and the page drawn, from the
    part of the graph it shows (:func:`~kg.visualise.project.projection_graph`),
    and the Turtle written, each in a child process (:class:`~kg.forked.ForkedTask`),
    while this one writes the TriG and the report.  In a big first build the
    TriG, which reuses nothing, is written by a child too, and the children
    run below the loader's priority: the loader, which prepares the answers
    once its store is filled, ends last, and the cores go to it first.  With
    ``lower_priority``, this process too runs below the loader (and the writer
    that feeds it) once they have started, when the loader prepares the
    answers: what this process makes after (the table, its digests, the
    index of names, the report) is needed by the children and the store's
    last steps only, and the loader, which then ends last, ends later when
    this process takes its share of the cores (a first build of 10,000
    notices took 2 to 4 s less after the reading).  Without answers to
    prepare, the children end about when the loader does (a first build of
    1,000 notices took 0.15 s more).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    try:
        previous = out_dir / STORE_DIRNAME
        previous = previous if previous.is_dir() else None
        store: StoreLoad | None = None
        children: list[ForkedTask] = []
        early = previous is None and len(result.corpus.postings) > EARLY_LOAD_NOTICES
        prepare = prepares_answers(result.corpus)
        try:
            if early:  # a big first build starts loading its store before the table is made
                store = StoreLoad.from_corpus(staging / STORE_DIRNAME, result.corpus, prepare)
                if lower_priority and prepare:  # the loader, which then prepares the answers, ends last
                    os.nice(BUILD_NICENESS)
            quads = QuadTable.of_corpus(result.corpus)
            count = len(quads)  # numbers the terms once, before a child shares the table
            # the page ends last in a rebuild: it starts first; beside a full load, the loader ends
            # last: the page and the Turtle yield the cores to it
            beside = {"background": count > BACKGROUND_PAGE_QUADS, "nice": PAGE_NICENESS if early else 0}
            children.append(ForkedTask(partial(write_page, quads, staging / ORG_GRAPH_HTML), **beside))
            quads.term_texts()  # written once for the Turtle and the TriG (see kg.turtle); the page needs none
            children.append(ForkedTask(partial(write_turtle, quads, staging / GRAPH_TTL), **beside))
            if early:  # nothing to reuse: the TriG too is written beside the loader, which has the cores first
                children.append(ForkedTask(partial(write_trig, quads, staging / GRAPH_TRIG), **beside))
                store = store.table_made(quads)  # type: ignore[union-attr]
            else:
                store = StoreLoad(staging / STORE_DIRNAME, quads, previous, prepare)
                kept = kept_graphs(previous, out_dir / GRAPH_TRIG, store.digests) if previous else set()
                write_trig_reusing(quads, staging / GRAPH_TRIG, out_dir / GRAPH_TRIG, kept)
            del quads  # the page, the Turtle, the TriG and the store may still be in the making: free the table meanwhile
            (staging / BUILD_REPORT).write_text(report_json(result), encoding="utf-8")
            for child in children:
                child.wait()
            store.finish({WRITTEN_TRIG: trig_record(staging / GRAPH_TRIG)})
        except BaseException:
            for child in children:
                child.abandon()
            if store is not None:
                store.abandon()
            raise
        return {name: _move_into(staging / name, out_dir / name) for name in OUTPUTS}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def prepares_answers(corpus: Corpus) -> bool:
    """Whether the store of this corpus gets the library's answers prepared by its loader (see kg.answers)."""
    return len(corpus.postings) >= PREPARE_FROM_NOTICES


def write_page(quads: QuadTable, path: Path) -> Path:
    """The org graph page, drawn from the part of the graph it shows.

    networkx and pyvis are imported here, by the child that draws a big
    build's page, so the build itself starts without them.
    """
    from kg.visualise import render
    from kg.visualise.project import projection_graph

    return render(projection_graph(quads), path)


_STAGING_PID = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-")


def remove_stale_staging(out_dir: Path) -> list[Path]:
    """Remove staging folders (and set-aside stores) that builds no longer running left in ``out_dir``."""
    removed = []
    for path in out_dir.glob(f"{STAGING_PREFIX}*"):
        match = _STAGING_PID.match(path.name)
        owner = int(match[1]) if match else None
        if owner not in (None, os.getpid()) and _running(owner) and not _older_than(path, STALE_AFTER_SECONDS):
            continue  # another build writing into the same folder right now
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    old_store = out_dir / f".{STORE_DIRNAME}.old"
    if old_store.exists():
        shutil.rmtree(old_store, ignore_errors=True)
        removed.append(old_store)
    return removed


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return True


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    # a report's fields as they are: json writes the plain values inside them, where
    # dataclasses.asdict would first copy every nested list and dict (half the time on 300 notices)
    notices = [{item.name: getattr(report, item.name) for item in fields(report)} for report in result.reports]
    return json.dumps({"notices": notices, "summary": summary(result)}, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def summary(result: BuildResult) -> dict:
    """Counts for the build's summary table: notices, entities by type, relations by kind, warnings."""
    corpus = result.corpus
    relations: Counter = Counter()
    for posting in corpus.postings:
        relations.update(f.predicate for f in posting.facts)
        relations["reportsTo"] += len(posting.superiors)
    return {
        "notices": {"built": len(result.built), "failed": len(result.failed), "skipped": len(result.skipped)},
        "entities": dict(sorted(Counter(e.type for e in corpus.entities.values()).items())),
        "relations": dict(sorted(relations.items())),
        "warnings": sum(len(r.warnings) for r in result.reports),
    }
