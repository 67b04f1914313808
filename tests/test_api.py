"""The public Python API: what ``kg.__all__`` lists, each name usable."""

from __future__ import annotations

import subprocess
import sys

import kg
from conftest import SEEDS


def test_api_all_names_resolve() -> None:
    for name in kg.__all__:
        assert callable(getattr(kg, name)), name


def test_api_unknown_name_is_an_attribute_error() -> None:
    try:
        kg.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_api_import_is_cheap() -> None:
    """Importing the package loads no NLP or RDF machinery until a stage is used."""
    code = "import sys, kg; print('spacy' in sys.modules, 'rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_api_build_returns_dataset_with_a_graph_per_notice() -> None:
    dataset = kg.build_graph([SEEDS])
    notice_graphs = [g for g in dataset.graphs() if "/notice/" in str(g.identifier)]
    assert len(notice_graphs) == 5
