"""A rebuild's TriG: the blocks of the graphs that did not change are copied from the last build's file.

The TriG holds one block per named graph, ``<graph> {`` to ``}``, in the
order of the graphs' names, after the prefixes; Oxigraph writes each block
from that graph's quads alone (a literal's line breaks are escaped, so a
block starts and ends on lines of its own).  A graph whose quads have the
same digest as in the last build (:meth:`~kg.store.QuadTable.graph_digests`)
therefore has the same block, byte for byte, as long as the same writer
wrote it with the same prefixes.  After a change to a few notices, a rebuild
writes the blocks of their graphs and copies the others: the same file as
writing it whole, in a fraction of the time.

The last build's file is only used when the store it was written with says
so: the store keeps the file's identity (inode, size and modification time,
which moving it into place keeps) and the writer's version
(:data:`WRITTEN_TRIG`).  A file edited, replaced or left by another build
since is written whole.
"""

from __future__ import annotations

import json
import mmap
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.store import WRITTEN_PREFIXES, QuadTable, previous_digests, write_trig

#: The file in a store's folder that says which TriG file was written with it.
WRITTEN_TRIG = "natokg-written-trig.json"
#: What must not change between two builds for a block to be copied.
WRITER = {"writer": f"pyoxigraph {ox.__version__}", "prefixes": WRITTEN_PREFIXES}

#: The first line of a block: a graph's name, then " {".  Prefix lines and triples start otherwise.
BLOCK_START = re.compile(rb"^(?![\t@])([^\n]*) \{\n", re.MULTILINE)
BLOCK_END = b"}\n"


def trig_record(path: Path) -> str:
    """What a store keeps of the TriG written with it (see :data:`WRITTEN_TRIG`)."""
    return json.dumps({**_identity(path), **WRITER}, sort_keys=True)


def _identity(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
    except OSError:
        return {}
    return {"inode": stat.st_ino, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def reusable_trig(store_dir: Path, trig: Path) -> bool:
    """Whether ``trig`` is the file written with the store at ``store_dir``, by this writer."""
    try:
        record = json.loads((store_dir / WRITTEN_TRIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    identity = _identity(trig)
    return bool(identity) and record == {**identity, **WRITER}


def kept_graphs(store_dir: Path, trig: Path, digests: dict[str, str]) -> set[str]:
    """The graphs whose block ``trig``, the TriG of the store at ``store_dir``, holds as they are now.

    ``digests`` are the graphs' digests now; none is kept when ``trig`` is not
    the file written with that store (:func:`reusable_trig`).
    """
    old = previous_digests(store_dir) if reusable_trig(store_dir, trig) else None
    return {name for name, digest in digests.items() if old and old.get(name) == digest}


def write_trig_reusing(table: QuadTable, output: Path, previous: Path, kept: set[str]) -> bool:
    """Write the table's TriG to ``output``, copying the blocks of the graphs in ``kept`` from ``previous``.

    Returns whether any block was copied: the file is written whole when
    none is kept, ``previous`` cannot be read or split into blocks, or the
    table has quads outside a named graph.
    """
    names = table.graph_names()
    if kept and "" not in names:
        try:
            with previous.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if _splice(table, names, output, data, kept):
                    return True
        except (OSError, ValueError):  # no file, or an empty one (mmap cannot map it)
            pass
    write_trig(table, output)
    return False


def _splice(table: QuadTable, names: list[str], output: Path, old: mmap.mmap, kept: set[str]) -> bool:
    """Write the blocks of ``kept`` graphs from ``old``, the others anew; False, writing nothing, when ``old`` does not split."""
    old_spans = _block_spans(old)
    if old_spans is None or not kept & old_spans.keys():
        return False
    new = ox.serialize(table.graph_quads([n for n in names if n not in kept or n not in old_spans]), None,
                       ox.RdfFormat.TRIG, prefixes=WRITTEN_PREFIXES)
    new_spans = _block_spans(new) if new else {}
    if new_spans is None:
        return False
    old_view, new_view = memoryview(old), memoryview(new)
    with output.open("wb") as stream:
        stream.write(old_view[slice(*old_spans[None])])
        for name in names:
            if name in kept and name in old_spans:
                stream.write(old_view[slice(*old_spans[name])])
            else:
                stream.write(new_view[slice(*new_spans[name])])
    del old_view, new_view  # the map closes only once no view of it is left
    return True


def _block_spans(data: bytes | mmap.mmap) -> dict[str | None, tuple[int, int]] | None:
    """Where each block of a TriG text starts and ends, by graph IRI, and its prefixes under None.

    None when the text does not split into blocks that each end on a line of its own.
    """
    starts = [(match.start(), _graph_name(match[1])) for match in BLOCK_START.finditer(data)]
    if not starts:
        return None
    spans: dict[str | None, tuple[int, int]] = {None: (0, starts[0][0])}
    for (start, name), end in zip(starts, [*(s for s, _ in starts[1:]), len(data)]):
        if name is None or name in spans or data[end - len(BLOCK_END):end] != BLOCK_END:
            return None
        spans[name] = (start, end)
    return spans


def _graph_name(token: bytes) -> str | None:
    """The IRI a block's first line names, or None when it is not written as a plain ``<IRI>``."""
    if token.startswith(b"<") and token.endswith(b">") and b"\\" not in token:
        return token[1:-1].decode("utf-8", "replace")
    return None
