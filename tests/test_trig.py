"""A rebuild's TriG: the blocks of unchanged graphs copied from the last build's file, the same bytes as writing it whole."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import SEEDS
from kg.pipeline import build_to
from kg.store import WRITTEN_PREFIXES
from kg.trig import WRITTEN_TRIG, _block_spans, write_trig_reusing

import kg.trig


def _notices(folder: Path) -> list[Path]:
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return sorted(folder.iterdir())


@pytest.fixture
def spliced(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each TriG written copied blocks from the last build's file."""
    seen: list[bool] = []

    def spying(*args, **kwargs) -> bool:
        seen.append(write_trig_reusing(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr("kg.pipeline.write_trig_reusing", spying)
    return seen


def _edit(notice: Path) -> None:
    notice.write_text(notice.read_text(encoding="utf-8").replace("Officer", "Senior Officer", 1), encoding="utf-8")


def _fresh_trig(notices: Path, out: Path) -> bytes:
    return build_to([notices], out, jobs=1, cache=False).outputs["graph.trig"].read_bytes()


def test_trig_rebuild_copies_unchanged_graphs_and_writes_the_same_bytes(tmp_path: Path, spliced: list[bool]) -> None:
    notices = _notices(tmp_path / "notices")
    out = tmp_path / "out"
    build_to([notices[0].parent], out, jobs=1)
    _edit(notices[1])
    notices[3].unlink()
    build_to([notices[0].parent], out, jobs=1)
    assert spliced == [False, True], "the first build writes it whole, the rebuild copies the unchanged graphs"
    assert (out / "graph.trig").read_bytes() == _fresh_trig(notices[0].parent, tmp_path / "fresh")
    assert (out / "store" / WRITTEN_TRIG).is_file()


def test_trig_rebuild_with_nothing_changed_copies_every_block(tmp_path: Path, spliced: list[bool]) -> None:
    notices = _notices(tmp_path / "notices")
    out = tmp_path / "out"
    before = build_to([notices[0].parent], out, jobs=1).outputs["graph.trig"].read_bytes()
    build_to([notices[0].parent], out, jobs=1)
    assert spliced[-1] is True
    assert (out / "graph.trig").read_bytes() == before


@pytest.mark.parametrize("change", ["edited", "replaced", "removed", "record"])
def test_trig_last_file_not_written_with_the_store_is_never_copied(
        tmp_path: Path, spliced: list[bool], change: str) -> None:
    notices = _notices(tmp_path / "notices")
    out = tmp_path / "out"
    build_to([notices[0].parent], out, jobs=1)
    trig = out / "graph.trig"
    if change == "edited":  # same size, same inode, a wrong block: only its time tells
        data = bytearray(trig.read_bytes())
        index = data.rindex(b"Officer")
        data[index:index + 7] = b"Offizer"
        stat = trig.stat()
        with trig.open("r+b") as stream:
            stream.write(data)
        os.utime(trig, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    elif change == "replaced":
        trig.write_bytes(trig.read_bytes())
    elif change == "removed":
        trig.unlink()
    else:
        (out / "store" / WRITTEN_TRIG).write_text("{not json", encoding="utf-8")
    _edit(notices[1])
    build_to([notices[0].parent], out, jobs=1)
    assert spliced[-1] is False
    assert trig.read_bytes() == _fresh_trig(notices[0].parent, tmp_path / "fresh")


def test_trig_written_by_another_writer_is_never_copied(
        tmp_path: Path, spliced: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    notices = _notices(tmp_path / "notices")
    out = tmp_path / "out"
    build_to([notices[0].parent], out, jobs=1)
    monkeypatch.setattr(kg.trig, "WRITER", {**kg.trig.WRITER, "writer": "pyoxigraph 99"})
    _edit(notices[1])
    build_to([notices[0].parent], out, jobs=1)
    assert spliced[-1] is False


def _trig(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, None, ox.RdfFormat.TRIG, prefixes=WRITTEN_PREFIXES)


def test_trig_blocks_split_on_graph_lines_only() -> None:
    node = ox.NamedNode("https://w3id.org/natokg/id/unit/a")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    tricky = ox.Literal("two lines\n}\n<https://w3id.org/natokg/id/notice/9> {\n")
    quads = [ox.Quad(node, label, tricky, ox.NamedNode("https://w3id.org/natokg/id/notice/1")),
             ox.Quad(node, label, ox.Literal("B"), ox.NamedNode("https://w3id.org/natokg/id/notice/2"))]
    data = _trig(quads)
    spans = _block_spans(data)
    assert spans is not None
    assert list(spans) == [None, "https://w3id.org/natokg/id/notice/1", "https://w3id.org/natokg/id/notice/2"]
    assert b"".join(data[start:end] for start, end in spans.values()) == data


def test_trig_blocks_named_otherwise_do_not_split() -> None:
    assert _block_spans(b"@prefix kgo: <https://w3id.org/natokg/ontology#> .\nkgo:g {\n\tkgo:a kgo:b kgo:c .\n}\n") is None
    assert _block_spans(b"<https://g> {\n\t<https://a> <https://b> <https://c> .\n") is None  # cut short
    assert _block_spans(b"") is None
