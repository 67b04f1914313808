"""The org-chart projection of the RDF graph and its offline HTML page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.config import KGD, KGO, ORG, SCHEMA
from kg.visualise import render, to_networkx, write_html

DIVISION = KGD["entity/ops"]
SECTION = KGD["entity/resilience-section"]
COMMITTEE = KGD["entity/resilience-committee"]
POST = KGD["post/officer"]
HEAD_POST = KGD["post/head-resilience"]
HEAD_ROLE = KGD["role/head"]
POSTING = KGD["posting/000"]
EVIDENCE = KGD["evidence/1"]

XSS_LABEL = "<script>alert(1)</script>"
REMOTE_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _entity(graph: Graph, node: URIRef, cls: str, en: str, fr: str = "", acronym: str = "") -> None:
    graph.add((node, RDF.type, KGO[cls]))
    graph.add((node, SKOS.prefLabel, Literal(en, lang="en")))
    if fr:
        graph.add((node, SKOS.prefLabel, Literal(fr, lang="fr")))
    if acronym:
        graph.add((node, KGO.acronym, Literal(acronym)))


def _sample_graph(section_label: str = "Resilience Section") -> Graph:
    graph = Graph()
    _entity(graph, DIVISION, "Division", "Operations Division", "Division Opérations", "OPS")
    _entity(graph, SECTION, "Section", section_label, "Section de la résilience")
    _entity(graph, COMMITTEE, "Committee", "Resilience Committee", acronym="RC")
    graph.add((SECTION, SKOS.altLabel, Literal("Civil Preparedness Section", lang="en")))
    graph.add((SECTION, ORG.subOrganizationOf, DIVISION))
    graph.add((SECTION, KGO.supports, COMMITTEE))

    graph.add((HEAD_ROLE, RDF.type, ORG.Role))
    graph.add((HEAD_ROLE, RDFS.label, Literal("Head", lang="en")))
    for post in (POST, HEAD_POST):
        graph.add((post, RDF.type, ORG.Post))
        graph.add((post, ORG.postIn, SECTION))
    graph.add((HEAD_POST, ORG.role, HEAD_ROLE))
    graph.add((HEAD_POST, KGO.heads, SECTION))
    graph.add((POST, ORG.reportsTo, HEAD_POST))
    graph.add((POST, KGO.supports, COMMITTEE))
    graph.add((POST, KGO.coordinatesWith, DIVISION))

    graph.add((POSTING, RDF.type, SCHEMA.JobPosting))
    graph.add((POSTING, SCHEMA.title, Literal("Resilience Officer", lang="en")))
    graph.add((POSTING, KGO.sourceFile, Literal("000_abc.txt")))
    graph.add((POSTING, KGO.advertises, POST))
    for mentioned in (DIVISION, SECTION, COMMITTEE):
        graph.add((POSTING, KGO.mentions, mentioned))

    graph.add((EVIDENCE, RDF.type, KGO.Evidence))
    graph.add((EVIDENCE, KGO.evidenceFor, SECTION))
    graph.add((EVIDENCE, KGO.sentence, Literal("The Resilience Section supports the Committee.")))
    graph.add((EVIDENCE, KGO.evidenceFor, COMMITTEE))
    return graph


def _edge_kinds(nx_graph) -> set[tuple[str, str, str]]:
    return {(u, v, data["kind"]) for u, v, data in nx_graph.edges(data=True)}


def _page_nodes(page: str) -> list[dict]:
    match = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page)
    assert match, "no node data in the page"
    return json.loads(match.group(1))


def test_visualise_projects_units_and_committees_without_posts() -> None:
    projection = to_networkx(_sample_graph())

    assert set(projection.nodes) == {str(DIVISION), str(SECTION), str(COMMITTEE)}
    assert {n: d["type"] for n, d in projection.nodes(data=True)} == {
        str(DIVISION): "Division",
        str(SECTION): "Section",
        str(COMMITTEE): "Committee",
    }
    assert _edge_kinds(projection) == {
        (str(SECTION), str(DIVISION), "partOf"),
        (str(SECTION), str(COMMITTEE), "supports"),
    }


def test_visualise_node_attributes_carry_names_notices_and_evidence() -> None:
    section = to_networkx(_sample_graph()).nodes[str(SECTION)]
    division = to_networkx(_sample_graph()).nodes[str(DIVISION)]

    assert section["label"] == "Resilience Section"
    assert section["label_fr"] == "Section de la résilience"
    assert section["alt_labels"] == ["Civil Preparedness Section"]
    assert section["notices"] == ["000_abc.txt"]
    assert section["evidence"] == ["The Resilience Section supports the Committee."]
    assert division["acronym"] == "OPS"


def test_visualise_label_falls_back_to_french_then_acronym() -> None:
    graph = Graph()
    french_only, acronym_only = KGD["entity/fr"], KGD["entity/acr"]
    graph.add((french_only, RDF.type, KGO.Office))
    graph.add((french_only, SKOS.prefLabel, Literal("Bureau de sécurité", lang="fr")))
    graph.add((acronym_only, RDF.type, KGO.Group))
    graph.add((acronym_only, KGO.acronym, Literal("NSG")))

    projection = to_networkx(graph)

    assert projection.nodes[str(french_only)]["label"] == "Bureau de sécurité"
    assert projection.nodes[str(acronym_only)]["label"] == "NSG"


def test_visualise_include_posts_adds_posts_and_their_relations() -> None:
    projection = to_networkx(_sample_graph(), include_posts=True)

    assert projection.nodes[str(POST)]["type"] == "Post"
    assert projection.nodes[str(POST)]["label"] == "Resilience Officer"
    assert projection.nodes[str(POST)]["notices"] == ["000_abc.txt"]
    assert projection.nodes[str(HEAD_POST)]["label"] == "Head, Resilience Section"
    assert {
        (str(POST), str(HEAD_POST), "reportsTo"),
        (str(HEAD_POST), str(SECTION), "heads"),
        (str(POST), str(COMMITTEE), "supports"),
        (str(POST), str(DIVISION), "coordinatesWith"),
        (str(POST), str(SECTION), "partOf"),
    } <= _edge_kinds(projection)
    assert {data["kind"] for *_, data in projection.edges(data=True)} <= {
        "partOf", "supports", "heads", "oversees", "coordinatesWith", "reportsTo"
    }


def test_visualise_html_contains_every_label(tmp_path: Path) -> None:
    graph = _sample_graph()
    out = render(graph, tmp_path / "graph.html", include_posts=True)
    page = out.read_text(encoding="utf-8")

    assert out.is_file()
    labels = {node["label"] for node in _page_nodes(page)}
    for _, data in to_networkx(graph, include_posts=True).nodes(data=True):
        assert data["label"] in labels
    assert "var network" in page
    assert "NATO organisation graph" in page


def test_visualise_html_loads_nothing_from_other_hosts(tmp_path: Path) -> None:
    page = render(_sample_graph(), tmp_path / "graph.html").read_text(encoding="utf-8")

    assert not REMOTE_ATTRIBUTE.search(page)
    for host in ("cdnjs", "jsdelivr", "unpkg", "bootstrap"):
        assert host not in page
    assert "vis.Network" in page  # the library itself is inlined


def test_visualise_html_escapes_labels_from_the_data(tmp_path: Path) -> None:
    graph = _sample_graph(section_label=XSS_LABEL)
    page = write_html(to_networkx(graph), tmp_path / "graph.html", title=XSS_LABEL).read_text(
        encoding="utf-8"
    )

    assert "<script>alert" not in page
    assert html.escape(XSS_LABEL) in page  # the page title and heading
    section = next(node for node in _page_nodes(page) if node["id"] == str(SECTION))
    assert section["label"] == html.escape(XSS_LABEL)
    assert html.escape(XSS_LABEL) in section["title"]
    assert "<" not in section["title"]


def test_visualise_two_renders_are_byte_identical(tmp_path: Path) -> None:
    first = render(_sample_graph(), tmp_path / "a.html", include_posts=True)
    second = render(_sample_graph(), tmp_path / "b.html", include_posts=True)

    assert first.read_bytes() == second.read_bytes()


def test_visualise_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "graph.html"
    render(_sample_graph(), target)
    render(_sample_graph(), target)

    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.html"]


@pytest.mark.parametrize("include_posts", [False, True])
def test_visualise_hierarchy_puts_parents_above_children(
    tmp_path: Path, include_posts: bool
) -> None:
    out = render(_sample_graph(), tmp_path / "graph.html", include_posts)
    page = out.read_text(encoding="utf-8")
    levels = {node["id"]: node["level"] for node in _page_nodes(page)}

    assert levels[str(DIVISION)] < levels[str(SECTION)]
    if include_posts:
        assert levels[str(SECTION)] < levels[str(HEAD_POST)] < levels[str(POST)]
