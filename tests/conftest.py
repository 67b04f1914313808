"""Shared fixtures: the seeds built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory):
    """The result of building the five seed notices, written to a temporary folder."""
    from kg.pipeline import build_to

    out = tmp_path_factory.mktemp("seeds-out")
    return build_to([SEEDS], out)


@pytest.fixture(scope="session")
def seeds_out(seeds_build) -> Path:
    return seeds_build.outputs["graph.ttl"].parent
