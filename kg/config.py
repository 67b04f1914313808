"""Named defaults and namespaces, in one place."""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace

#: The project's ontology namespace (``kgo:``): classes and properties.
KGO = Namespace("https://w3id.org/natokg/ontology#")
#: Where the graph's own resources live: entities, posts, postings, evidence.
KGD = Namespace("https://w3id.org/natokg/id/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")

DEFAULT_OUT = Path("out")
STORE_DIRNAME = "store"
#: The folder of a store that keeps the answers of slow queries (see kg/answers.py).
ANSWERS_DIRNAME = "answers"
#: A build of this many notices or more has its store's loader prepare the library's answers (see
#: kg/answers.py).  Below it, every library query answers in well under a second (a third of one at
#: 1,000 notices), and preparing them would slow every build for little.
PREPARE_FROM_NOTICES = 2000
GRAPH_TTL = "graph.ttl"
GRAPH_TRIG = "graph.trig"
ORG_GRAPH_HTML = "org-graph.html"
BUILD_REPORT = "build-report.json"

#: Suffixes read when a folder is given to ``natokg build`` (kg/ingest/sources.py maps each to its reader).
NOTICE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
#: Inputs larger than this are refused before they are read.
MAX_INPUT_BYTES = 10 * 1024 * 1024

PACKAGE_DIR = Path(__file__).resolve().parent


def project_folder(name: str) -> Path:
    """``ontology/`` or ``queries/`` beside the package in a checkout, else the copy a wheel carries in kg/data."""
    checkout = PACKAGE_DIR.parent / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / "data" / name


ONTOLOGY_DIR = project_folder("ontology")
