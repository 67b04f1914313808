"""The whole pipeline on the seeds, scored against the hand-made gold, and on bad batches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, SHARED_EVAL
from kg.pipeline import build_to

SCORE = SHARED_EVAL / "score.py"


def score(graph: Path) -> dict:
    """The figures of ../shared/eval/score.py for a built graph."""
    completed = subprocess.run(
        [sys.executable, str(SCORE), "--graph", str(graph), "--gold", str(SHARED_EVAL / "gold"),
         "--ontology", str(ROOT / "ontology"), "--json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def seeds_score(seeds_out: Path) -> dict:
    return score(seeds_out / "graph.ttl")


def test_pipeline_seeds_score_overall(seeds_score: dict) -> None:
    assert seeds_score["overall"] >= 0.95


def test_pipeline_seeds_entities_complete_without_duplicates(seeds_score: dict) -> None:
    assert seeds_score["entities"]["f1"] >= 0.95
    assert seeds_score["entities"]["duplicates"] == 0


def test_pipeline_seeds_reporting_lines_and_post_fields_exact(seeds_score: dict) -> None:
    assert seeds_score["reportsTo"]["accuracy"] == 1.0
    assert seeds_score["post_fields_accuracy"] == 1.0


def test_pipeline_seeds_french_labels(seeds_score: dict) -> None:
    assert seeds_score["french_labels"]["recall"] >= 0.9


def test_pipeline_writes_every_output(seeds_out: Path) -> None:
    for name in ("graph.ttl", "graph.trig", "org-graph.html", "build-report.json"):
        assert (seeds_out / name).is_file(), name
    assert (seeds_out / "store").is_dir()
    assert not [p for p in seeds_out.iterdir() if p.name.startswith(".natokg-build-")]


def test_pipeline_build_twice_is_byte_identical(seeds_out: Path, tmp_path: Path) -> None:
    again = build_to([SEEDS], tmp_path / "again")
    assert again.outputs["graph.ttl"].read_bytes() == (seeds_out / "graph.ttl").read_bytes()
    assert again.outputs["graph.trig"].read_bytes() == (seeds_out / "graph.trig").read_bytes()


def test_pipeline_order_of_sources_does_not_change_graph(seeds_out: Path, tmp_path: Path) -> None:
    files = sorted(SEEDS.glob("*.txt"), reverse=True)
    again = build_to(files, tmp_path / "reversed")
    assert again.outputs["graph.ttl"].read_bytes() == (seeds_out / "graph.ttl").read_bytes()


def test_pipeline_report_lists_every_notice(seeds_out: Path) -> None:
    report = json.loads((seeds_out / "build-report.json").read_text())
    assert [n["status"] for n in report["notices"]] == ["built"] * 5
    assert report["summary"]["notices"] == {"built": 5, "failed": 0}
    assert all(n["entities"] > 5 for n in report["notices"])


def test_pipeline_bad_file_does_not_sink_the_batch(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.txt").write_text((SEEDS / "000_bbc9af25ff1dbbb4.txt").read_text())
    (batch / "empty.txt").write_text("")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02PK")
    result = build_to([batch], tmp_path / "out")
    assert result.exit_code == 1
    statuses = {Path(r.path).name: (r.status, r.message) for r in result.reports}
    assert statuses["good.txt"][0] == "built"
    assert statuses["empty.txt"] == ("failed", "empty file")
    assert statuses["binary.txt"][0] == "failed" and "binary" in statuses["binary.txt"][1]
    assert (tmp_path / "out" / "graph.ttl").is_file()


def test_pipeline_nothing_buildable_writes_nothing_and_keeps_old_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = build_to([empty], out)
    assert result.exit_code == 2
    assert (out / "graph.ttl").read_text() == "previous"
