"""The org-graph projection of the RDF graph, its layouts and its offline HTML page (no browser)."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import PROV
from typer.testing import CliRunner

from kg.cli import app
from kg.config import KGD, KGO, ORG, SCHEMA
from kg.errors import NatoKGError
from kg.visualise import (
    MAX_EVIDENCE,
    find_node,
    graph_from_store,
    neighbourhood,
    org_layout,
    page_html,
    project,
    render,
    ring_layout,
    to_networkx,
    write_html,
)
from kg.visualise.styles import EDGE_STYLES, NODE_STYLES, force_physics

NATO = KGD["entity/nato-is"]
DIVISION = KGD["entity/ops"]
DIRECTORATE = KGD["entity/ops-directorate"]
SECTION = KGD["entity/resilience-section"]
COMMITTEE = KGD["entity/resilience-committee"]
GROUP = KGD["entity/resilience-committee/working-group"]
POST = KGD["post/officer"]
HEAD_POST = KGD["post/head-resilience"]
HEAD_ROLE = KGD["role/head"]
POSTING = KGD["posting/000"]
EVIDENCE = KGD["evidence/1"]

XSS_LABEL = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(2)>"
REMOTE_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
EXPECTED_KINDS = {"partOf", "supports", "heads", "oversees", "coordinatesWith", "reportsTo"}

runner = CliRunner()


def _entity(graph: Graph, node: URIRef, cls: str, en: str, fr: str = "", acronym: str = "") -> None:
    graph.add((node, RDF.type, KGO[cls]))
    graph.add((node, SKOS.prefLabel, Literal(en, lang="en")))
    if fr:
        graph.add((node, SKOS.prefLabel, Literal(fr, lang="fr")))
    if acronym:
        graph.add((node, KGO.acronym, Literal(acronym)))


def _sample_graph(section_label: str = "Resilience Section", sentence: str = "The Resilience Section supports the Committee.") -> Graph:
    graph = Graph()
    _entity(graph, NATO, "Organization", "NATO International Staff", "Secrétariat international", "IS")
    _entity(graph, DIVISION, "Division", "Operations Division", "Division Opérations", "OPS")
    _entity(graph, DIRECTORATE, "Directorate", "Operations Directorate", "Direction Opérations")
    _entity(graph, SECTION, "Section", section_label, "Section Résilience", "RS")
    _entity(graph, COMMITTEE, "Committee", "Resilience Committee", "Comité pour la résilience", "RC")
    _entity(graph, GROUP, "Group", "Resilience Working Group")
    graph.add((SECTION, SKOS.altLabel, Literal("Civil Preparedness Section", lang="en")))
    graph.add((DIVISION, ORG.subOrganizationOf, NATO))
    graph.add((DIRECTORATE, ORG.subOrganizationOf, DIVISION))
    graph.add((SECTION, ORG.subOrganizationOf, DIRECTORATE))
    graph.add((SECTION, ORG.subOrganizationOf, DIVISION))
    graph.add((GROUP, ORG.subOrganizationOf, COMMITTEE))
    graph.add((DIVISION, KGO.supports, COMMITTEE))

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
    graph.add((POST, KGO.oversees, GROUP))

    graph.add((POSTING, RDF.type, SCHEMA.JobPosting))
    graph.add((POSTING, SCHEMA.title, Literal("Resilience Officer", lang="en")))
    graph.add((POSTING, KGO.sourceFile, Literal("000_abc.txt")))
    graph.add((POSTING, KGO.advertises, POST))
    for mentioned in (DIVISION, SECTION, COMMITTEE):
        graph.add((POSTING, KGO.mentions, mentioned))

    graph.add((EVIDENCE, RDF.type, KGO.Evidence))
    graph.add((EVIDENCE, KGO.evidenceFor, SECTION))
    graph.add((EVIDENCE, KGO.sentence, Literal(sentence, lang="en")))
    graph.add((EVIDENCE, PROV.wasDerivedFrom, POSTING))
    graph.add((EVIDENCE, KGO.evidenceFor, COMMITTEE))
    return graph


def _edge_kinds(nx_graph) -> set[tuple[str, str, str]]:
    return {(u, v, data["kind"]) for u, v, data in nx_graph.edges(data=True)}


def _page_nodes(page: str) -> list[dict]:
    match = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page)
    assert match, "no node data in the page"
    return json.loads(match.group(1))


def _page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="natokg-data">(.*?)</script>', page, re.DOTALL)
    assert match, "no data block in the page"
    return json.loads(match.group(1))


def _ids(references: list[dict]) -> list[str]:
    return [reference["id"] for reference in references]


# ------------------------------------------------------------- projection


def test_visualise_projects_units_and_committees_without_posts() -> None:
    projection = to_networkx(_sample_graph())

    assert set(projection.nodes) == {str(n) for n in (NATO, DIVISION, DIRECTORATE, SECTION, COMMITTEE, GROUP)}
    assert projection.nodes[str(SECTION)]["type"] == "Section"
    assert _edge_kinds(projection) == {
        (str(DIVISION), str(NATO), "partOf"),
        (str(DIRECTORATE), str(DIVISION), "partOf"),
        (str(SECTION), str(DIRECTORATE), "partOf"),
        (str(SECTION), str(DIVISION), "partOf"),
        (str(GROUP), str(COMMITTEE), "partOf"),
        (str(DIVISION), str(COMMITTEE), "supports"),
    }


def test_visualise_node_attributes_carry_names_notices_and_evidence() -> None:
    projection = to_networkx(_sample_graph())
    section = projection.nodes[str(SECTION)]

    assert section["label"] == "Resilience Section"
    assert section["label_fr"] == "Section Résilience"
    assert section["acronym"] == "RS"
    assert section["alt_labels"] == ["Civil Preparedness Section"]
    assert section["notices"] == [{"file": "000_abc.txt", "title": "Resilience Officer"}]
    assert section["evidence"] == [
        {"file": "000_abc.txt", "lang": "en", "text": "The Resilience Section supports the Committee."}
    ]
    assert projection.nodes[str(DIVISION)]["acronym"] == "OPS"


def test_visualise_node_attributes_place_the_unit_in_the_chart() -> None:
    projection = to_networkx(_sample_graph())
    section = projection.nodes[str(SECTION)]

    assert section["division"] == {"id": str(DIVISION), "label": "Operations Division"}
    assert _ids(section["parents"]) == [str(DIRECTORATE), str(DIVISION)]  # by label
    assert section["children"] == []
    assert _ids(section["committees"]) == [str(COMMITTEE)]  # through the officer post
    assert _ids(projection.nodes[str(DIVISION)]["children"]) == [str(DIRECTORATE), str(SECTION)]
    assert projection.nodes[str(DIVISION)]["division"]["id"] == str(DIVISION)
    assert projection.nodes[str(NATO)]["division"] is None
    assert projection.nodes[str(COMMITTEE)]["relations"] == [
        {"relation": "supported by", "id": str(DIVISION), "label": "Operations Division"}
    ]


def test_visualise_evidence_is_capped_and_spread_over_notices() -> None:
    graph = _sample_graph()
    for number in range(30):
        evidence, posting = KGD[f"evidence/x{number}"], KGD[f"posting/{number % 3}"]
        graph.add((posting, KGO.sourceFile, Literal(f"notice-{number % 3}.txt")))
        graph.add((evidence, KGO.evidenceFor, SECTION))
        graph.add((evidence, KGO.sentence, Literal(f"Sentence {number:02d}.", lang="en")))
        graph.add((evidence, PROV.wasDerivedFrom, posting))

    evidence = to_networkx(graph).nodes[str(SECTION)]["evidence"]

    assert len(evidence) == MAX_EVIDENCE == 10
    assert {row["file"] for row in evidence} == {"000_abc.txt", "notice-0.txt", "notice-1.txt", "notice-2.txt"}


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
    assert projection.nodes[str(POST)]["notices"] == [{"file": "000_abc.txt", "title": "Resilience Officer"}]
    assert projection.nodes[str(HEAD_POST)]["label"] == "Head, Resilience Section"
    assert {
        (str(POST), str(HEAD_POST), "reportsTo"),
        (str(HEAD_POST), str(SECTION), "heads"),
        (str(POST), str(COMMITTEE), "supports"),
        (str(POST), str(DIVISION), "coordinatesWith"),
        (str(POST), str(GROUP), "oversees"),
        (str(POST), str(SECTION), "partOf"),
    } <= _edge_kinds(projection)
    assert {data["kind"] for *_, data in projection.edges(data=True)} == EXPECTED_KINDS
    assert projection.nodes[str(POST)]["division"]["id"] == str(DIVISION)


# ------------------------------------------------------------------ layouts


def test_visualise_org_layout_puts_parents_above_children_and_committees_on_their_band() -> None:
    positions, bands = org_layout(to_networkx(_sample_graph(), include_posts=True))
    y = {node: point[1] for node, point in positions.items()}

    assert y[str(NATO)] < y[str(DIVISION)] < y[str(DIRECTORATE)] < y[str(SECTION)] < y[str(HEAD_POST)] < y[str(POST)]
    assert y[str(COMMITTEE)] < y[str(GROUP)] < y[str(NATO)]  # the committee band sits above the staff
    assert [band["label"] for band in bands] == ["Committees", "Organisations and staff"]
    assert bands[0]["bottom"] < bands[1]["top"]
    assert len(set(positions.values())) == len(positions)


def test_visualise_org_layout_stacks_many_leaves_and_keeps_points_apart() -> None:
    graph = _sample_graph()
    for number in range(40):
        unit = KGD[f"entity/section-{number}"]
        _entity(graph, unit, "Section", f"Section {number}")
        graph.add((unit, ORG.subOrganizationOf, DIRECTORATE))

    positions, _ = org_layout(to_networkx(graph))
    xs = {positions[str(KGD[f"entity/section-{n}"])][0] for n in range(40)}

    assert len(set(positions.values())) == len(positions)
    assert len(xs) <= 40 / 3  # in columns, not one long row


def test_visualise_ring_layout_places_every_node() -> None:
    projection = to_networkx(_sample_graph(), include_posts=True)

    assert set(ring_layout(projection)) == set(projection.nodes)


def test_visualise_force_physics_spends_fewer_iterations_on_big_graphs() -> None:
    small, big = force_physics(40), force_physics(2000)

    assert small["stabilization"]["iterations"] >= big["stabilization"]["iterations"] >= 30
    assert big["stabilization"]["iterations"] <= 60


# ------------------------------------------------------------------- focus


@pytest.mark.parametrize(
    "name", ["Resilience Section", "section résilience", "SECTION RESILIENCE", "RS", "Civil Preparedness Section"]
)
def test_visualise_find_node_by_any_name(name: str) -> None:
    assert find_node(to_networkx(_sample_graph()), name) == str(SECTION)


def test_visualise_find_node_unknown_lists_close_matches() -> None:
    with pytest.raises(NatoKGError, match=r"no entity named 'Resilence Section'; close matches: Resilience Section"):
        find_node(to_networkx(_sample_graph()), "Resilence Section")


@pytest.mark.parametrize("depth, expected", [(0, {SECTION}), (1, {SECTION, DIVISION, DIRECTORATE})])
def test_visualise_neighbourhood_keeps_nodes_within_depth(depth: int, expected: set[URIRef]) -> None:
    projection = to_networkx(_sample_graph())

    assert set(neighbourhood(projection, str(SECTION), depth).nodes) == {str(n) for n in expected}


def test_visualise_focus_writes_only_the_neighbourhood(tmp_path: Path) -> None:
    page = render(_sample_graph(), tmp_path / "focus.html", focus="RS", depth=1).read_text(encoding="utf-8")
    data = _page_data(page)

    assert set(data["nodes"]) == {str(SECTION), str(DIVISION), str(DIRECTORATE)}
    assert "Resilience Section, depth 1" in page
    # the panel still knows what lies outside the neighbourhood
    assert _ids(data["nodes"][str(DIVISION)]["parents"]) == [str(NATO)]


# --------------------------------------------------------------------- page


def test_visualise_html_contains_every_node_with_its_style(tmp_path: Path) -> None:
    graph = _sample_graph()
    page = render(graph, tmp_path / "graph.html", include_posts=True).read_text(encoding="utf-8")
    projection = to_networkx(graph, include_posts=True)
    drawn = {node["id"]: node for node in _page_nodes(page)}

    assert set(drawn) == set(projection.nodes)
    for node, data in projection.nodes(data=True):
        colour, shape, _ = NODE_STYLES[data["type"]]
        assert (drawn[node]["label"], drawn[node]["color"], drawn[node]["shape"]) == (data["label"], colour, shape)
    assert "var network" in page
    assert "NATO organisation graph" in page


def test_visualise_html_keeps_parallel_edges_of_different_kinds(tmp_path: Path) -> None:
    graph = _sample_graph()
    graph.add((SECTION, KGO.coordinatesWith, DIVISION))  # beside its partOf edge
    page = render(graph, tmp_path / "graph.html", include_posts=True).read_text(encoding="utf-8")
    match = re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", page)
    drawn = {(edge["from"], edge["to"], edge["kind"]) for edge in json.loads(match.group(1))}

    assert drawn == _edge_kinds(to_networkx(graph, include_posts=True))
    assert {(str(SECTION), str(DIVISION), "partOf"), (str(SECTION), str(DIVISION), "coordinatesWith")} <= drawn


def test_visualise_html_has_legend_search_layouts_and_filters(tmp_path: Path) -> None:
    page = render(_sample_graph(), tmp_path / "graph.html").read_text(encoding="utf-8")
    data = _page_data(page)

    for element in ('id="natokg-search"', 'id="natokg-layout-org"', 'id="natokg-layout-force"',
                    'id="natokg-division"', 'id="natokg-panel"'):
        assert element in page
    for name in ("division", "directorate", "section", "office", "committee", "group", "organization"):
        assert f"</span>{name}</label>" in page
    for _, _, name in EDGE_STYLES.values():
        assert f"</svg>{name}</span>" in page
    assert data["kinds"]["coordinatesWith"] == "coordinates with"
    assert set(data["dashes"]) == {kind for kind, (_, dashes, _) in EDGE_STYLES.items() if dashes}
    assert set(data["positions"]) == {"org", "force"}


def test_visualise_html_loads_nothing_from_other_hosts(tmp_path: Path) -> None:
    page = render(_sample_graph(), tmp_path / "graph.html").read_text(encoding="utf-8")

    assert not REMOTE_ATTRIBUTE.search(page)
    for host in ("cdnjs", "jsdelivr", "unpkg", "bootstrap.min"):
        assert host not in page
    assert "vis.Network" in page  # the library itself is inlined


def test_visualise_html_keeps_markup_from_the_data_out_of_the_page(tmp_path: Path) -> None:
    graph = _sample_graph(section_label=XSS_LABEL, sentence=f"A sentence with {XSS_IMG} and </script> in it.")
    page = write_html(to_networkx(graph), tmp_path / "graph.html", title=XSS_LABEL).read_text(encoding="utf-8")

    for markup in ("<script>alert", "<img src=x", "</script> in it"):
        assert markup not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the page title and heading
    section = next(node for node in _page_nodes(page) if node["id"] == str(SECTION))
    assert section["label"] == XSS_LABEL  # drawn on the canvas as text
    data = _page_data(page)["nodes"][str(SECTION)]
    assert data["label"] == XSS_LABEL
    assert XSS_IMG in data["evidence"][0]["text"]


def test_visualise_two_renders_are_byte_identical(tmp_path: Path) -> None:
    first = render(_sample_graph(), tmp_path / "a.html", include_posts=True)
    second = render(_sample_graph(), tmp_path / "b.html", include_posts=True)

    assert first.read_bytes() == second.read_bytes()


def test_visualise_write_leaves_no_temporary_file_and_a_readable_page(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "graph.html"
    render(_sample_graph(), target)
    render(_sample_graph(), target)

    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.html"]
    assert target.stat().st_mode & stat.S_IROTH


def test_visualise_unknown_layout_is_an_error() -> None:
    with pytest.raises(NatoKGError, match="unknown layout"):
        page_html(to_networkx(_sample_graph()), layout="circle")


def test_visualise_seeds_page_is_written_by_build(seeds_out: Path) -> None:
    page = (seeds_out / "org-graph.html").read_text(encoding="utf-8")
    projection, _ = project(graph_from_store(seeds_out))

    assert len(_page_nodes(page)) == projection.number_of_nodes() > 20
    section = find_node(projection, "Section Résilience")
    assert projection.nodes[section]["label"] == "Resilience Section"


# ---------------------------------------------------------------------- CLI


def _viz(*args: str):
    return runner.invoke(app, ["viz", *args], catch_exceptions=False)


def test_cli_viz_writes_the_page_into_the_build_folder(seeds_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    result = _viz("--store", str(seeds_out), "--out", str(out), "--layout", "force", "--include", "posts")

    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    data = _page_data(out.read_text(encoding="utf-8"))
    assert data["layout"] == "force"
    assert any(node["type"] == "Post" for node in data["nodes"].values())


def test_cli_viz_focus_writes_the_neighbourhood(seeds_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "rs.html"
    result = _viz("--store", str(seeds_out / "store"), "--out", str(out), "--focus", "RS", "--depth", "1")

    assert result.exit_code == 0, result.output
    labels = {node["label"] for node in _page_data(out.read_text(encoding="utf-8"))["nodes"].values()}
    assert labels == {
        "Resilience Section",
        "Defence Policy and Capabilities Directorate",
        "Defence Policy and Planning Division",
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (("--focus", "Resilence Section"), "close matches: Resilience Section"),
        (("--layout", "circle"), "unknown layout 'circle'"),
        (("--include", "staff"), "cannot include staff"),
    ],
)
def test_cli_viz_bad_options_are_one_line_errors(seeds_out: Path, tmp_path: Path, args: tuple, message: str) -> None:
    result = _viz("--store", str(seeds_out), "--out", str(tmp_path / "x.html"), *args)

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


def test_cli_viz_without_store_exits_2(tmp_path: Path) -> None:
    result = _viz("--store", str(tmp_path / "none"))

    assert result.exit_code == 2
    assert "run `natokg build` first" in " ".join(result.output.split())


# ------------------------------------------------------------ reduced graph


def _projections_agree(graph: Graph) -> None:
    from kg.store import QuadTable
    from kg.visualise.project import projection_graph

    reduced = projection_graph(QuadTable.of_dataset(graph))
    for include_posts in (False, True):
        whole, cut = to_networkx(graph, include_posts=include_posts), to_networkx(reduced, include_posts=include_posts)
        assert dict(cut.nodes(data=True)) == dict(whole.nodes(data=True))
        assert sorted(cut.edges(keys=True, data=True)) == sorted(whole.edges(keys=True, data=True))


def test_visualise_projection_graph_projects_as_the_whole_graph() -> None:
    _projections_agree(_sample_graph())


def test_visualise_projection_graph_keeps_the_evidence_shown_and_no_more() -> None:
    from kg.store import QuadTable
    from kg.visualise.project import projection_graph

    graph = _sample_graph()
    for number in range(30):
        evidence, posting = KGD[f"evidence/x{number}"], KGD[f"posting/{number % 3}"]
        graph.add((posting, KGO.sourceFile, Literal(f"notice-{number % 3}.txt")))
        graph.add((evidence, RDF.type, KGO.Evidence))
        graph.add((evidence, KGO.evidenceFor, SECTION))
        graph.add((evidence, KGO.sentence, Literal(f"Sentence {number:02d}.", lang="en")))
        graph.add((evidence, PROV.wasDerivedFrom, posting))

    _projections_agree(graph)
    reduced = projection_graph(QuadTable.of_dataset(graph))
    assert len(list(reduced.subject_objects(KGO.evidenceFor))) <= MAX_EVIDENCE + 2  # the sample's own two
    assert not list(reduced.subjects(RDF.type, KGO.Evidence))


def test_visualise_projection_graph_chooses_the_evidence_the_panel_shows_in_every_shape() -> None:
    """Evidence with several sentences, targets or postings, postings without a file, none at all, French and
    English sentences, the same sentence in many notices: the reduced graph still shows what the whole shows."""
    import random

    chance = random.Random(7)
    graph = _sample_graph()
    targets = [SECTION, DIVISION, KGD["unit/other"]]
    graph.add((targets[2], RDF.type, KGO.Office))
    graph.add((targets[2], SKOS.prefLabel, Literal("Other Office", lang="en")))
    postings = [KGD[f"posting/p{number}"] for number in range(8)]
    for number, posting in enumerate(postings[:6]):  # the last two name no file
        graph.add((posting, KGO.sourceFile, Literal(f"notice-{number % 4}.txt")))
    for number in range(120):
        evidence = KGD[f"evidence/e{number:03d}"]
        for target in chance.sample(targets, chance.choice([1, 1, 1, 2])):
            graph.add((evidence, KGO.evidenceFor, target))
        for _ in range(chance.choice([0, 1, 1, 1, 2])):
            language = chance.choice(["en", "en", "fr", "en-GB", None])
            graph.add((evidence, KGO.sentence, Literal(f"Sentence {chance.randrange(40):02d}.", lang=language)))
        for posting in chance.sample(postings, chance.choice([0, 1, 1, 2])):
            graph.add((evidence, PROV.wasDerivedFrom, posting))

    _projections_agree(graph)


def test_visualise_seeds_page_is_the_page_of_the_whole_graph(seeds_build, seeds_out: Path, tmp_path: Path) -> None:
    from kg.build import union_graph

    whole = render(union_graph(seeds_build.dataset), tmp_path / "whole.html")
    assert whole.read_bytes() == (seeds_out / "org-graph.html").read_bytes()


def test_visualise_page_with_remote_looking_text_in_its_data_is_written_and_loads_nothing(tmp_path: Path) -> None:
    """A notice's sentence may quote markup: in the data block it is escaped text, never a tag."""
    sentence = 'See <img src="https://example.org/x.png"> and <a href=//example.org>here</a>.'
    page = render(_sample_graph(sentence=sentence), tmp_path / "graph.html").read_text(encoding="utf-8")
    data = page[page.index('id="natokg-data">'):]
    assert 'src=\\"https://example.org/x.png\\"' in data and "\\u003cimg" in data
    assert "<img" not in page


def test_visualise_page_whose_markup_would_load_a_remote_resource_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.visualise.page

    monkeypatch.setattr(kg.visualise.page, "PAGE_SCRIPT", '</script><script src="https://example.org/x.js">')
    with pytest.raises(NatoKGError, match="remote resource"):
        render(_sample_graph(), tmp_path / "graph.html")
    assert not (tmp_path / "graph.html").exists()
