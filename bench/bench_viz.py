"""How long the org graph of a 2,000-node graph takes to open in headless Chromium.

Builds a synthetic graph shaped like the International Staff (divisions,
directorates, many sections, offices, committees and their groups, with
part-of and supports relations, names in both languages, notices and
evidence), writes its page, opens it and waits until the network is drawn
and interactive (``window.natokgReady``, set once the layout is settled and
drawn, physics off).  Prints the seconds from navigation to that point for
each layout, then the time a search takes to focus a node.

    python bench/bench_viz.py [--nodes 2000] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.config import KGD, KGO, ORG, SCHEMA  # noqa: E402
from kg.visualise import project, write_html  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

#: Share of the nodes of each type (the rest are sections).
SHARES = {"Division": 0.01, "Directorate": 0.05, "Office": 0.05, "Committee": 0.06, "Group": 0.12, "Organization": 0.005}
FRENCH = {"Division": "Division", "Directorate": "Direction", "Section": "Section", "Office": "Bureau",
          "Committee": "Comité", "Group": "Groupe", "Organization": "Organisation"}


class Synthetic:
    """An RDF graph with ``size`` units and committees, deterministic for a given size."""

    def __init__(self, size: int) -> None:
        self.graph = Graph()
        self.count = 0
        counts = {kind: max(1, round(size * share)) for kind, share in SHARES.items()}
        counts["Section"] = size - sum(counts.values())
        self.organizations = [self.entity("Organization", i) for i in range(counts["Organization"])]
        self.divisions = [self.entity("Division", i, self.organizations[0]) for i in range(counts["Division"])]
        self.directorates = [
            self.entity("Directorate", i, self.divisions[i % len(self.divisions)]) for i in range(counts["Directorate"])
        ]
        self.offices = [self.entity("Office", i, self.divisions[i % len(self.divisions)]) for i in range(counts["Office"])]
        self.committees = [self.entity("Committee", i) for i in range(counts["Committee"])]
        self.groups = [
            self.entity("Group", i, self.committees[i % len(self.committees)]) for i in range(counts["Group"])
        ]
        self.sections = [self.section(i) for i in range(counts["Section"])]
        self.link_committees()
        self.postings()

    def entity(self, kind: str, index: int, parent: URIRef | None = None) -> URIRef:
        self.count += 1
        node = KGD[f"unit/{kind.lower()}-{index}"]
        self.graph.add((node, RDF.type, KGO[kind]))
        self.graph.add((node, SKOS.prefLabel, Literal(f"Bench {kind} {index}", lang="en")))
        self.graph.add((node, SKOS.prefLabel, Literal(f"{FRENCH[kind]} banc {index}", lang="fr")))
        self.graph.add((node, KGO.acronym, Literal(f"{kind[:2].upper()}{index}")))
        if parent is not None:
            self.graph.add((node, ORG.subOrganizationOf, parent))
        return node

    def section(self, index: int) -> URIRef:
        directorate = self.directorates[index % len(self.directorates)]
        node = self.entity("Section", index, directorate)
        division = self.graph.value(directorate, ORG.subOrganizationOf)
        self.graph.add((node, ORG.subOrganizationOf, division))
        return node

    def link_committees(self) -> None:
        for index, unit in enumerate(self.divisions + self.sections):
            committee = self.committees[(index * 7) % len(self.committees)]
            self.graph.add((unit, KGO.supports, committee))

    def postings(self) -> None:
        units = self.divisions + self.directorates + self.sections + self.offices + self.committees + self.groups
        for index, division in enumerate(self.divisions):
            posting = KGD[f"notice/bench-{index}"]
            self.graph.add((posting, RDF.type, SCHEMA.JobPosting))
            self.graph.add((posting, KGO.sourceFile, Literal(f"bench_{index:03d}.txt")))
            self.graph.add((posting, SCHEMA.title, Literal(f"Officer {index}", lang="en")))
            for unit in units[index :: len(self.divisions)]:
                self.graph.add((posting, KGO.mentions, unit))
                evidence = KGD[f"evidence/bench-{index}/{unit.split('/')[-1]}"]
                self.graph.add((evidence, RDF.type, KGO.Evidence))
                self.graph.add((evidence, KGO.evidenceFor, unit))
                sentence = f"The {unit.split('/')[-1]} works with the {division.split('/')[-1]}."
                self.graph.add((evidence, KGO.sentence, Literal(sentence, lang="en")))


def synthetic_graph(size: int = 2000) -> Graph:
    """A deterministic RDF graph whose org-graph projection has ``size`` nodes."""
    return Synthetic(size).graph


def open_page(browser, path: Path) -> tuple[object, float, float]:
    """Open ``path``; return the page, wall-clock seconds until ready, and the page's own count."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.natokgReady === true", timeout=120_000, polling=50)
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"page errors: {errors}")
    return page, wall, page.evaluate("window.natokgReadyMs") / 1000


def search_time(page, name: str) -> float:
    started = time.perf_counter()
    page.fill("#natokg-search", name)
    page.press("#natokg-search", "Enter")
    page.wait_for_function("document.getElementById('natokg-panel').getAttribute('data-node') !== null")
    return time.perf_counter() - started


def run(size: int, chromium: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    projection, title = project(synthetic_graph(size))
    results = {"nodes": projection.number_of_nodes(), "edges": projection.number_of_edges()}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for layout in ("org", "force"):
            path = Path(folder) / f"bench-{layout}.html"
            write_html(projection, path, title=title, layout=layout)
            results.setdefault("write_s", time.perf_counter() - started)
            page, wall, in_page = open_page(browser, path)
            results[f"{layout}_ready_s"] = wall
            results[f"{layout}_ready_in_page_s"] = in_page
            if layout == "org":
                results["search_focus_s"] = search_time(page, "Bench Section 1234")
            page.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args()
    results = run(args.nodes, args.chromium)
    print(f"org graph of {results['nodes']} nodes and {results['edges']} edges (page written in {results['write_s']:.2f} s)")
    for layout, name in (("org", "org chart (positions computed beforehand)"), ("force", "force (physics, then off)")):
        print(f"  {name}: drawn and interactive {results[f'{layout}_ready_s']:.2f} s after opening "
              f"({results[f'{layout}_ready_in_page_s']:.2f} s by the page's clock)")
    print(f"  search to focus a node: {results['search_focus_s']:.2f} s")


if __name__ == "__main__":
    main()
