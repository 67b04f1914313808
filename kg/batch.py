"""Reading and extracting a batch of inputs: across processes, and only what changed.

Each input is read and extracted on its own (by one worker process when
there are many), so the work spreads over the machine's cores; results come
back in input order, so a parallel build gives the same graph as a
one-process build. What an input gave is cached on disk under a key made of
its bytes, its name and the version of the code that reads notices, so a
rebuild after changing one notice re-reads that notice only.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from kg import config
from kg.errors import NatoKGError
from kg.extract import extract
from kg.forked import fork_context
from kg.ingest import Document, Input, load
from kg.model import Extraction, Notice

#: Inputs below this count are read in the calling process: starting workers costs more.
PARALLEL_FROM = 16
#: Inputs handed to a worker at a time.
CHUNK_SIZE = 8
#: Files whose content decides what reading gives: a change to any of them empties the cache.
CODE_FOLDERS = ("extract", "ingest")
CODE_FILES = ("model.py", "batch.py", "data/nato_bodies.json")


@dataclass
class NoticeResult:
    """One notice of an input: its extraction, or why it gave none."""

    source: str
    extraction: Extraction | None = None
    error: str | None = None


@dataclass
class Outcome:
    """What reading one input gave: its document and a result per notice, or the reason it failed."""

    item: Input
    document: Document | None = None
    error: str | None = None
    notices: list[NoticeResult] = field(default_factory=list)


# ------------------------------------------------------------------ one input


def process_input(item: Input, cache_dir: Path | None = None) -> Outcome:
    """Read and extract one input, from the cache when its bytes were seen before."""
    if cache_dir is None:
        return _read_and_extract(item)
    key = cache_key(item)
    cached = _cached(cache_dir, key, item)
    if cached is not None:
        return cached
    outcome = _read_and_extract(item)
    if key is not None:
        _cache_put(cache_dir, key, _pickled(outcome))
    return outcome


def _process_pickled(item: Input, cache_dir: Path | None = None) -> bytes:
    """:func:`process_input` in a worker: the outcome pickled once, for the cache and for the way back."""
    key = cache_key(item) if cache_dir is not None else None
    if key is not None:
        cached = _cache_bytes(cache_dir, key)  # type: ignore[arg-type]
        if cached is not None:
            return cached
    data = _pickled(_read_and_extract(item))
    if key is not None:
        _cache_put(cache_dir, key, data)  # type: ignore[arg-type]
    return data


def _pickled(outcome: Outcome) -> bytes:
    return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)


def _read_and_extract(item: Input) -> Outcome:
    try:
        document = load(item)
    except NatoKGError as error:
        return Outcome(item, error=error.message)
    results = [_extract_one(notice) for notice in document.notices]
    document.notices = [slim(notice) for notice in document.notices]
    return Outcome(item, document, notices=results)


def _extract_one(notice: Notice) -> NoticeResult:
    try:
        extraction = extract(notice)
    except Exception as error:  # noqa: BLE001 - a rule tripping on one notice must not stop the batch
        return NoticeResult(notice.source, error=f"could not extract: {type(error).__name__}: {error}")
    if not is_notice(notice, extraction):
        return NoticeResult(notice.source, error=NOT_A_NOTICE)
    extraction.notice = slim(notice)
    return NoticeResult(notice.source, extraction)


NOT_A_NOTICE = "not a vacancy notice: no header, no notice sections and no organisational names"


def is_notice(notice: Notice, extraction: Extraction) -> bool:
    """A header, a notice section or an organisational name: any of them makes a text a notice."""
    has_header = any(part.header != type(part.header)() for part in notice.parts)
    has_sections = any(section.key != "description" for part in notice.parts for section in part.sections)
    return has_header or has_sections or any(entity.type for entity in extraction.entities)


def slim(notice: Notice) -> Notice:
    """The notice without its text: what later stages need (source, hash, headers, section names).

    The sentences that matter travel in the extraction's evidence; dropping the
    rest keeps a large batch small in memory and in the cache.
    """
    parts = tuple(replace(part, sections=tuple(replace(s, text="") for s in part.sections)) for part in notice.parts)
    return replace(notice, text="", parts=parts)


# ---------------------------------------------------------------------- cache


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code and data that turn bytes into extractions."""
    digest = hashlib.sha256()
    package = config.PACKAGE_DIR
    files = sorted(p for folder in CODE_FOLDERS for p in (package / folder).rglob("*.py"))
    files += [package / name for name in CODE_FILES]
    for path in files:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(item: Input) -> str | None:
    """The key of an input's bytes, name and code version; None when it cannot or should not be cached."""
    if item.file is None or item.problem or item.skipped:
        return None
    try:
        if item.file.stat().st_size > config.MAX_INPUT_BYTES:
            return None
        data = item.file.read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256(code_version().encode())
    digest.update(item.source.encode() + b"\0" + data)
    return digest.hexdigest()


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.pickle"


def _cache_get(cache_dir: Path, key: str) -> Outcome | None:
    data = _cache_bytes(cache_dir, key)
    return None if data is None else _unpickled(data)


def _cache_bytes(cache_dir: Path, key: str) -> bytes | None:
    try:
        return _cache_path(cache_dir, key).read_bytes()
    except OSError:
        return None


def _unpickled(data: bytes) -> Outcome | None:
    """The outcome pickled in ``data``; None when it cannot be read back (a cache entry of older code)."""
    try:
        outcome = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        return None
    return outcome if isinstance(outcome, Outcome) else None


def _cache_put(cache_dir: Path, key: str, data: bytes) -> None:
    """Write atomically; a cache that cannot be written only makes the next build slower."""
    path = _cache_path(cache_dir, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        pass


# ---------------------------------------------------------------------- batch


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def process_all(
    items: Iterable[Input],
    jobs: int | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Outcome]:
    """Every input's outcome, in input order: cached ones read here, the others by workers when many.

    Looking the cache up in this process means a rebuild after a small
    change starts no worker for the inputs it already knows (reading a cached
    outcome is faster than sending it back from a worker).  The inputs it
    does not know start reading in a worker before the known ones are read
    here, so loading spaCy and reading them overlaps reading the cache.
    """
    items = list(items)
    # no cache yet (a first build): nothing to look up, and the workers start without waiting for the keys
    looked_up = cache_dir is not None and cache_dir.is_dir()
    keys = [cache_key(item) for item in items] if looked_up else [None] * len(items)
    known = [key is not None and _cache_path(cache_dir, key).is_file() for key in keys]  # type: ignore[arg-type]
    fresh = _start_uncached([item for item, hit in zip(items, known) if not hit], jobs, cache_dir, beside_cached=any(known))
    cached = [_cached(cache_dir, key, item) if hit else None  # type: ignore[arg-type]
              for item, key, hit in zip(items, keys, known)]
    outcomes = (next(fresh) if not hit else outcome or process_input(item, cache_dir)  # an unreadable entry: read anew
                for item, hit, outcome in zip(items, known, cached))
    yield from _with_progress(outcomes, progress)


def _cached(cache_dir: Path, key: str | None, item: Input) -> Outcome | None:
    cached = _cache_get(cache_dir, key) if key is not None else None
    return replace(cached, item=item) if cached is not None else None


def _start_uncached(items: list[Input], jobs: int | None, cache_dir: Path | None,
                    beside_cached: bool = False) -> Iterator[Outcome]:
    """The outcomes of ``items`` in order, their workers started now; in this process when few and alone.

    Workers read a large batch; beside cached inputs, even one input is read
    by a worker, while this process reads the cache.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    files = [i for i in items if not i.is_stdin]
    if jobs == 1 or not files or (len(files) < PARALLEL_FROM and not beside_cached):
        return (process_input(item, cache_dir) for item in items)
    if not beside_cached:
        _warm_up()  # forked workers start with the pipelines loaded
    workers = min(jobs, -(-len(files) // CHUNK_SIZE))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=fork_context(), initializer=_collect_rarely)
    read = pool.map(_process_pickled, files, [cache_dir] * len(files), chunksize=CHUNK_SIZE)  # submits every chunk now
    return _in_order(items, read, pool, cache_dir)


#: Allocations between two collections of a worker's youngest objects (Python's default is 700).
WORKER_GC_THRESHOLD = (50_000, 50, 100)


def _collect_rarely() -> None:
    """Turn a worker's cycle collector back on, to run rarely.

    Reading a notice leaves no garbage cycles, but makes so many short-lived
    objects that the default thresholds spend about a twentieth of a
    worker's time collecting nothing.
    """
    gc.set_threshold(*WORKER_GC_THRESHOLD)
    gc.enable()


def _in_order(items: list[Input], read: Iterator[bytes], pool: ProcessPoolExecutor,
              cache_dir: Path | None) -> Iterator[Outcome]:
    """The workers' outcomes with standard input's, read here, in input order."""
    with pool:
        for item in items:
            if item.is_stdin:
                yield process_input(item, cache_dir)
                continue
            yield _unpickled(next(read)) or process_input(item, cache_dir)


def _warm_up() -> None:
    """Load the pipelines before the workers fork, so that each starts with them loaded."""
    from kg.extract import pipeline

    pipeline("en")


def _with_progress(outcomes: Iterable[Outcome], progress: Callable[[str], None] | None) -> Iterator[Outcome]:
    for outcome in outcomes:
        if progress:
            progress(outcome.item.path)
        yield outcome
