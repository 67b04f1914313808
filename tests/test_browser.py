"""The org graph page in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

These tests need chromium (``make browser`` installs it; ``make test`` does it
first): without it they fail, they are not skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
from rdflib import RDF, SKOS, Graph, Literal
from rdflib.namespace import PROV

from conftest import ROOT
from kg.config import KGD, KGO, ORG, SCHEMA
from kg.pipeline import build_to
from kg.visualise import graph_from_store, project, render
from kg.visualise.browser import launch, search, select_in_overview, wait_ready
from kg.visualise.styles import EDGE_STYLES

DATA = Path(__file__).parent / "data"
SCREENSHOT = ROOT / "out" / "org-graph-test.png"
RESILIENCE_SECTION = "https://w3id.org/natokg/id/unit/defence-policy-and-planning-division/resilience-section"
VIEWPORT = {"width": 1600, "height": 1000}

XSS_EN = "<img src=x onerror=alert(1)>"
XSS_FR = "<script>alert(2)</script>"
XSS_ACRONYM = "<b onmouseover=alert(3)>B</b>"
XSS_SENTENCE = 'Text <img src=x onerror=alert(4)> and <script>alert(5)</script> and <a href="javascript:alert(6)">x</a>'
INJECTED = "img, iframe, object, embed, b, a[href^='javascript'], [onerror], [onmouseover], [onload]"


@dataclass
class PageLog:
    """What the page did while open: console lines, errors, requests, dialogs."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as chromium:
        yield chromium


def _open(browser: Any, path: Path) -> tuple[Any, PageLog]:
    page, log = browser.new_page(viewport=VIEWPORT), PageLog()
    page.on("console", lambda message: log.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("dialog", lambda dialog: (log.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.resolve().as_uri())
    wait_ready(page)
    return page, log


@pytest.fixture()
def seeds_page(browser: Any, seeds_out: Path) -> Iterator[tuple[Any, PageLog]]:
    page, log = _open(browser, seeds_out / "org-graph.html")
    yield page, log
    page.close()


def _panel(page: Any, name: str) -> str:
    return page.inner_text(f"#natokg-panel [data-field={name}]")


def _dom_point(page: Any, node: str) -> tuple[float, float]:
    """Where ``node`` is drawn, in page coordinates."""
    point = page.evaluate(
        """(id) => { const p = network.canvasToDOM(network.getPosition(id));
                     const box = document.getElementById('mynetwork').getBoundingClientRect();
                     return [box.left + p.x, box.top + p.y]; }""",
        node,
    )
    return point[0], point[1]


def _positions(page: Any) -> dict[str, list[float]]:
    return page.evaluate("(() => { const p = network.getPositions(); const r = {}; "
                         "for (const id in p) { r[id] = [p[id].x, p[id].y]; } return r; })()")


def _assert_nothing_ran(page: Any, log: PageLog) -> None:
    assert log.dialogs == []
    assert log.errors == []
    assert page.evaluate(f"document.querySelectorAll({json.dumps(INJECTED)}).length") == 0
    own_scripts = page.evaluate("Array.from(document.scripts).filter(s => !s.textContent.trim().startsWith('alert')).length")
    assert page.evaluate("document.scripts.length") == own_scripts


# ----------------------------------------------------------------- loading


def test_browser_seeds_page_loads_offline_without_console_errors(seeds_page, seeds_out: Path) -> None:
    page, log = seeds_page

    assert log.errors == []
    assert [text for kind, text in log.console if kind in ("error", "warning")] == []
    assert log.requests == [(seeds_out / "org-graph.html").resolve().as_uri()]
    assert page.evaluate("network instanceof vis.Network")
    assert page.evaluate("network.physics.physicsEnabled") is False


def test_browser_node_and_edge_counts_equal_the_graphs(seeds_page, seeds_out: Path) -> None:
    page, _ = seeds_page
    projection, _ = project(graph_from_store(seeds_out))

    assert page.evaluate("nodes.length") == projection.number_of_nodes() > 20
    assert page.evaluate("edges.length") == projection.number_of_edges()
    assert page.inner_text("#natokg-count") == f"{projection.number_of_nodes()} of {projection.number_of_nodes()} nodes"


# ------------------------------------------------------------------ search


@pytest.mark.parametrize("query", ["RS", "Section Résilience", "section resilience"])
def test_browser_search_focuses_the_resilience_section(seeds_page, query: str) -> None:
    page, log = seeds_page
    search(page, query)

    assert page.evaluate("network.getSelectedNodes()") == [RESILIENCE_SECTION]
    assert page.inner_text("#natokg-panel h2") == "Resilience Section"
    centre = page.evaluate("network.getViewPosition()")
    node = page.evaluate("(id) => network.getPosition(id)", RESILIENCE_SECTION)
    assert abs(centre["x"] - node["x"]) < 1 and abs(centre["y"] - node["y"]) < 1
    assert log.errors == []


def test_browser_search_lists_matches_as_you_type(seeds_page) -> None:
    page, _ = seeds_page
    page.fill("#natokg-search", "résil")

    matches = page.locator("#natokg-results li").all_inner_texts()
    assert any(text.startswith("Resilience Section") for text in matches)
    assert any(text.startswith("Resilience Committee") for text in matches)
    page.locator("#natokg-results li", has_text="Resilience Committee").first.dispatch_event("mousedown")
    assert page.inner_text("#natokg-panel h2") == "Resilience Committee"


# ------------------------------------------------------------------- panel


def test_browser_panel_shows_names_parent_committees_notices_and_evidence(seeds_page) -> None:
    page, _ = seeds_page
    search(page, "RS")

    names = _panel(page, "names")
    for text in ("Resilience Section", "Section Résilience", "RS", "DPP Resilience Section",
                 "Defence Policy and Planning Division"):
        assert text in names
    assert "Defence Policy and Capabilities Directorate" in _panel(page, "parents")
    assert "Resilience Committee" in _panel(page, "committees")
    assert "004_6da898e7f91c8edd.txt" in _panel(page, "notices")
    assert "Officer, Resilience Policy and Planning" in _panel(page, "notices")
    evidence = _panel(page, "evidence")
    assert "The Resilience Section (RS) develops" in evidence
    assert "La Section Résilience" in evidence


def test_browser_panel_links_and_clicks_on_nodes_move_the_focus(seeds_page) -> None:
    page, _ = seeds_page
    search(page, "RS")
    page.click("#natokg-panel [data-field=parents] a >> text=Defence Policy and Capabilities Directorate")

    assert page.inner_text("#natokg-panel h2") == "Defence Policy and Capabilities Directorate"
    assert "Resilience Section" in _panel(page, "children")

    page.evaluate("network.fit({animation: false})")
    page.mouse.click(*_dom_point(page, RESILIENCE_SECTION))
    assert page.get_attribute("#natokg-panel", "data-node") == RESILIENCE_SECTION


def test_browser_hover_shows_text_tooltips_and_edge_labels(seeds_page) -> None:
    page, _ = seeds_page
    search(page, "RS")
    page.mouse.move(*_dom_point(page, RESILIENCE_SECTION))
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert "Section Résilience" in page.inner_text("div.vis-tooltip")

    edge = page.evaluate(
        "(id) => edges.get({filter: e => e.from === id && e.kind === 'partOf'})[0]", RESILIENCE_SECTION
    )
    start, end = _dom_point(page, edge["from"]), _dom_point(page, edge["to"])
    page.mouse.move(0, 0)
    page.mouse.move(start[0] + 0.3 * (end[0] - start[0]), start[1] + 0.3 * (end[1] - start[1]))
    page.wait_for_function("edges.get().some(e => e.label && e.label.trim())")
    labelled = page.evaluate("edges.get().filter(e => e.label && e.label.trim()).map(e => [e.kind, e.label])")
    assert [label for kind, label in labelled] == [EDGE_STYLES[kind][2] for kind, _ in labelled]


def test_browser_edges_are_styled_by_kind(seeds_page) -> None:
    page, _ = seeds_page
    drawn = page.evaluate("edges.get().map(e => [e.kind, e.color, e.dashes])")

    assert {kind for kind, _, _ in drawn} >= {"partOf", "supports"}
    for kind, colour, dashes in drawn:
        assert colour == EDGE_STYLES[kind][0]
        assert bool(dashes) == bool(EDGE_STYLES[kind][1])


# ----------------------------------------------------------------- layouts


def test_browser_layout_switch_without_regenerating(seeds_page) -> None:
    page, log = seeds_page
    org = _positions(page)

    page.check("#natokg-layout-force")
    wait_ready(page)
    force = _positions(page)
    assert page.get_attribute("body", "data-layout") == "force"
    assert page.evaluate("network.physics.physicsEnabled") is False
    assert sum(org[node] != force[node] for node in org) > len(org) / 2

    page.check("#natokg-layout-org")
    wait_ready(page)
    assert page.get_attribute("body", "data-layout") == "org"
    assert _positions(page) == org
    assert log.errors == []


def test_browser_force_layout_page_settles_then_stops_physics(browser: Any, seeds_out: Path, tmp_path: Path) -> None:
    path = render(graph_from_store(seeds_out), tmp_path / "force.html", layout="force", include_posts=True)
    page, log = _open(browser, path)

    assert page.get_attribute("body", "data-layout") == "force"
    assert page.evaluate("network.physics.physicsEnabled") is False
    assert page.evaluate("nodes.get().filter(n => n.shape === 'box').length") > 0  # posts
    assert log.errors == []
    page.close()


# ----------------------------------------------------------------- filters


def test_browser_filters_by_type_and_by_division(seeds_page) -> None:
    page, _ = seeds_page
    hidden_types = "nodes.get().filter(n => n.hidden).map(n => n.shape)"

    page.uncheck("input[data-type=Section]")
    assert set(page.evaluate(hidden_types)) == {"dot"}
    page.check("input[data-type=Section]")
    assert page.evaluate(hidden_types) == []

    page.select_option("#natokg-division", label="Defence Policy and Planning Division")
    shown = page.evaluate("nodes.get().filter(n => !n.hidden).map(n => n.label)")
    assert "Resilience Section" in shown and "Defence Planning Directorate" in shown
    assert "Operations Directorate" not in shown and "North Atlantic Council" not in shown
    assert page.inner_text("#natokg-count").startswith(f"{len(shown)} of ")

    search(page, "North Atlantic Council")  # a hidden node: the filters make way for it
    assert page.evaluate("network.getSelectedNodes().length") == 1
    assert page.input_value("#natokg-division") == ""


# ------------------------------------------------------- text stays text


def _xss_graph() -> Graph:
    graph = Graph()
    unit, division, committee = KGD["unit/xss"], KGD["unit/xss-division"], KGD["unit/xss-committee"]
    posting, evidence = KGD["notice/xss"], KGD["evidence/xss"]
    graph.add((division, RDF.type, KGO.Division))
    graph.add((division, SKOS.prefLabel, Literal(f"Division {XSS_FR}", lang="en")))
    graph.add((committee, RDF.type, KGO.Committee))
    graph.add((committee, SKOS.prefLabel, Literal(f"Committee {XSS_EN}", lang="en")))
    graph.add((unit, RDF.type, KGO.Section))
    graph.add((unit, SKOS.prefLabel, Literal(XSS_EN, lang="en")))
    graph.add((unit, SKOS.prefLabel, Literal(XSS_FR, lang="fr")))
    graph.add((unit, SKOS.altLabel, Literal(XSS_SENTENCE, lang="en")))
    graph.add((unit, KGO.acronym, Literal(XSS_ACRONYM)))
    graph.add((unit, ORG.subOrganizationOf, division))
    graph.add((unit, KGO.supports, committee))
    graph.add((posting, RDF.type, SCHEMA.JobPosting))
    graph.add((posting, KGO.sourceFile, Literal(f"{XSS_EN}.txt")))
    graph.add((posting, SCHEMA.title, Literal(XSS_FR, lang="en")))
    graph.add((posting, KGO.mentions, unit))
    graph.add((evidence, KGO.evidenceFor, unit))
    graph.add((evidence, KGO.sentence, Literal(XSS_SENTENCE, lang="en")))
    graph.add((evidence, PROV.wasDerivedFrom, posting))
    return graph


def test_browser_markup_in_labels_is_shown_as_text(browser: Any, tmp_path: Path) -> None:
    page, log = _open(browser, render(_xss_graph(), tmp_path / "xss.html"))

    page.fill("#natokg-search", "<img")
    assert any(text.startswith(XSS_EN) for text in page.locator("#natokg-results li").all_inner_texts())
    page.press("#natokg-search", "Enter")
    assert page.inner_text("#natokg-panel h2") == XSS_EN
    names = _panel(page, "names")
    for text in (XSS_FR, XSS_ACRONYM, f"Division {XSS_FR}"):
        assert text in names
    assert f"Committee {XSS_EN}" in _panel(page, "committees")
    assert XSS_SENTENCE in _panel(page, "evidence")
    assert f"{XSS_EN}.txt" in _panel(page, "notices")

    page.mouse.move(*_dom_point(page, str(KGD["unit/xss"])))
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert XSS_FR in page.inner_text("div.vis-tooltip")
    page.click("#natokg-panel [data-field=committees] a")
    page.select_option("#natokg-division", index=1)
    page.wait_for_timeout(300)
    _assert_nothing_ran(page, log)
    page.close()


def test_browser_notice_with_markup_runs_nothing(browser: Any, tmp_path: Path) -> None:
    result = build_to([DATA / "viz_xss_notice.txt"], tmp_path / "out")
    assert result.exit_code == 0
    page, log = _open(browser, result.outputs["org-graph.html"])

    search(page, "Escaping Section")
    assert "<script>alert(2)</script> checks that every page" in _panel(page, "evidence")
    assert 'Officer <script>alert("title")</script> Markup Review' in _panel(page, "notices")
    search(page, "MRD")
    assert "(MRD) <img src=x onerror=alert(1)> leads work" in _panel(page, "evidence")
    search(page, "RC")
    assert "<b onmouseover=alert(4)>bold</b>" in _panel(page, "evidence")
    _assert_nothing_ran(page, log)
    page.close()


# --------------------------------------------------------------- big graphs


def test_browser_big_graph_opens_in_both_layouts(browser: Any, tmp_path: Path) -> None:
    from bench.bench_viz import synthetic_graph

    graph = synthetic_graph(400)
    for layout in ("org", "force"):
        page, log = _open(browser, render(graph, tmp_path / f"{layout}.html", layout=layout))
        assert page.evaluate("nodes.length") == 400
        assert page.evaluate("network.physics.physicsEnabled") is False
        assert log.errors == []
        page.close()


# --------------------------------------------------------------- screenshot


def test_browser_screenshot_of_the_seeds_for_people(seeds_page) -> None:
    page, _ = seeds_page
    select_in_overview(page, "Resilience Section")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.inner_text("#natokg-panel h2") == "Resilience Section"
