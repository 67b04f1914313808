"""Shared fixtures: the seeds built once per test session, and a recorder of what the engine is asked."""

from __future__ import annotations

from collections.abc import Callable
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


@pytest.fixture
def asked_of_the_engine(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Call it to start recording: the list of the SPARQL the engine is asked from then on (the
    store's kept answers are not counted)."""
    import kg.query

    def start() -> list[str]:
        asked: list[str] = []
        engine = kg.query.run_on_oxigraph

        def recording(store, sparql):
            asked.append(sparql)
            return engine(store, sparql)

        monkeypatch.setattr(kg.query, "run_on_oxigraph", recording)
        return asked

    return start
