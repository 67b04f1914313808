"""natokg: turn NATO vacancy notices into an organisational knowledge graph.

One public function per pipeline stage, over the plain dataclasses of
:mod:`kg.model`::

    notices = [read_notice(p) for p in collect(["seeds"])]   # ingest
    extractions = [extract_notice(n) for n in notices]       # extract
    corpus = resolve_entities(extractions)                   # resolve
    dataset = build_dataset(corpus)                          # build

``build_graph(paths)`` runs the whole chain. Names are loaded on first use, so
``import kg`` stays cheap for commands that only query a built store.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name -> the module that defines it (and the name there, when it differs: a stage's
#: module is ``kg.extract``, ``kg.resolve``..., so its function takes a longer name here).
_RENAMED: dict[str, str] = {
    "extract_notice": "extract",
    "resolve_entities": "resolve",
    "build_graph": "build",
    "validate_graph": "validate",
}
_EXPORTS: dict[str, str] = {
    "collect": "kg.ingest",
    "read_notice": "kg.ingest",
    "parse_notice": "kg.ingest",
    "extract_notice": "kg.extract",
    "resolve_entities": "kg.resolve",
    "build_dataset": "kg.build",
    "union_graph": "kg.build",
    "build_graph": "kg.pipeline",
    "build_corpus": "kg.pipeline",
    "build_to": "kg.pipeline",
    "open_store": "kg.store",
    "run_query": "kg.query",
    "validate_graph": "kg.validate",
    "render": "kg.visualise",
    "NatoKGError": "kg.errors",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
