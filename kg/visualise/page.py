"""Draw the projection with pyvis as one self-contained, deterministic HTML page.

pyvis writes the vis-network page with the library inlined; natokg strips the
remote tags its template always adds, and adds the header (title, search,
layout switch, filters, legend), the side panel, the node data as a JSON
block, and the script that runs them.
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network
from rdflib import Graph

from kg.errors import NatoKGError
from kg.visualise.assets import PAGE_SCRIPT, PAGE_STYLE
from kg.visualise.focus import find_node, neighbourhood
from kg.visualise.layout import chart_of, org_layout, ring_layout
from kg.visualise.project import local_name, to_networkx
from kg.visualise.styles import (
    BASE_OPTIONS,
    EDGE_STYLES,
    MAX_DASHES,
    NODE_STYLES,
    POST_TYPE,
    SHAPE_GLYPHS,
    edge_style,
    force_physics,
    node_style,
)

DEFAULT_TITLE = "NATO organisation graph"
LAYOUTS = ("org", "force")

#: Node attributes the page's panel, tooltips and search read.
PANEL_FIELDS = (
    "type", "label", "label_fr", "acronym", "alt_labels", "division",
    "parents", "children", "committees", "relations", "notices", "evidence",
)

# Tags the pyvis template writes whatever the resource mode: a CDN stylesheet and
# script (bootstrap), empty headings, and a commented-out local stylesheet.
REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", re.IGNORECASE)
REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE
)
EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*")
LOCAL_STYLESHEET_COMMENT = re.compile(r"<!--[^>]*node_modules.*?-->\s*", re.DOTALL)
REMOTE_REFERENCE = re.compile(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)
PAGE_MODE = 0o644
DATA_BLOCK_OPEN = '<script type="application/json" id="natokg-data">'
#: What a JSON script block writes as escapes, so that no string in it can close the block.
SCRIPT_SPECIALS = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"))


# ---------------------------------------------------------------- network


def _node_size(level: int, degree: int) -> int:
    """Higher in the chart and more connected: bigger."""
    return max(10, 30 - 4 * min(level, 4)) + 2 * min(degree, 8)


def _tooltip(data: dict[str, Any]) -> str:
    """Plain text shown on hover (vis-network sets a string tooltip as text, never as markup)."""
    _, _, type_name = node_style(data.get("type", ""))
    division = data.get("division") or {}
    lines = [f"{data.get('label', '')} ({type_name})"]
    optional = (
        ("Français", data.get("label_fr", "")),
        ("Acronym", data.get("acronym", "")),
        ("Division", division.get("label", "") if division.get("label") != data.get("label") else ""),
        ("Notices", len(data.get("notices", [])) or ""),
    )
    return "\n".join(lines + [f"{name}: {value}" for name, value in optional if value])


def _node_options(nx_graph: nx.MultiDiGraph, node: str, level: int, point: tuple[int, int]) -> dict[str, Any]:
    data = nx_graph.nodes[node]
    colour, shape, _ = node_style(data.get("type", ""))
    return {
        "label": str(data.get("label") or local_name(node)),
        "title": _tooltip(data),
        "color": colour,
        "shape": shape,
        "size": _node_size(level, nx_graph.degree(node)),
        "x": point[0],
        "y": point[1],
    }


def _edge_options(kind: str, parallel_index: int) -> dict[str, Any]:
    colour, _, name = edge_style(kind)
    options: dict[str, Any] = {"kind": kind, "title": name, "color": colour, "dashes": False}
    if parallel_index:
        options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * parallel_index}
    return options


def _vis_options() -> dict[str, Any]:
    """Physics starts off: the page's script runs the force layout itself when asked for."""
    return {**BASE_OPTIONS, "physics": {"enabled": False}}


class _NodeIds(list):
    """pyvis's list of node ids, with a set to answer ``in``.

    pyvis looks a node up in this list once for each node and twice for
    each edge it adds; scanning a list each time made adding the twenty
    thousand units of ten thousand notices quadratic.
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set = set()

    def append(self, node_id: str | int) -> None:
        super().append(node_id)
        self._members.add(node_id)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._members


def _build_network(nx_graph: nx.MultiDiGraph, positions: dict[str, tuple[int, int]], levels: dict[str, int]) -> Network:
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.node_ids = _NodeIds()
    for node in sorted(nx_graph.nodes):
        net.add_node(node, **_node_options(nx_graph, node, levels[node], positions[node]))
    pairs: Counter[tuple[str, str]] = Counter()
    for source, target, kind in sorted(nx_graph.edges(keys=True)):
        net.add_edge(source, target, **_edge_options(kind, pairs[(source, target)]))
        pairs[(source, target)] += 1
    net.options = _vis_options()
    return net


def _pyvis_page(net: Network) -> str:
    """pyvis's page for ``net``: no menus, no custom tooltips, no loading bar."""
    nodes, edges, _heading, height, width, options = net.get_network_data()
    template = net.templateEnv.get_template(net.path)
    return template.render(
        height=height, width=width, nodes=nodes, edges=edges, heading="", options=options,
        physics_enabled=False, use_DOT=False, dot_lang="", widget=False, bgcolor=net.bgcolor,
        conf=False, tooltip_link=False, neighborhood_highlight=False, select_menu=False,
        filter_menu=False, notebook=False, cdn_resources="in_line",
    )


# ------------------------------------------------------------------- page


def _page_data(nx_graph: nx.MultiDiGraph, layout: str, positions: dict[str, Any], bands: list) -> dict[str, Any]:
    return {
        "layout": layout,
        "nodes": {node: {f: data.get(f) for f in PANEL_FIELDS} for node, data in sorted(nx_graph.nodes(data=True))},
        "positions": positions,
        "bands": bands,
        "physics": force_physics(nx_graph.number_of_nodes()),
        "types": {name: {"name": legend, "colour": colour} for name, (colour, _, legend) in NODE_STYLES.items()},
        "kinds": {kind: name for kind, (_, _, name) in EDGE_STYLES.items()},
        "dashes": {kind: dashes for kind, (_, dashes, _) in EDGE_STYLES.items() if dashes},
        "maxDashes": MAX_DASHES,
    }


def _data_block(data: dict[str, Any]) -> list[str]:
    """The page data as a JSON script block that no string in it can close, in parts (the JSON is
    the bulk of a big page: it is never copied into a larger string)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for special, escape in SCRIPT_SPECIALS:  # str.replace: far faster than str.translate on a big page
        if special in text:
            text = text.replace(special, escape)
    return [DATA_BLOCK_OPEN, text, "</script>\n"]


def _type_filters(present: set[str]) -> str:
    boxes = [
        f'<label class="type"><input type="checkbox" data-type="{name}" checked>'
        f'<span class="glyph" style="color:{colour}">{SHAPE_GLYPHS.get(shape, "")}</span>{html.escape(legend)}</label>'
        for name, (colour, shape, legend) in NODE_STYLES.items()
        if name != POST_TYPE or POST_TYPE in present
    ]
    return '<span class="legend-title">Types</span>\n' + "\n".join(boxes)


def _dash_sample(colour: str, dashes: list[int] | bool) -> str:
    pattern = f' stroke-dasharray="{" ".join(map(str, dashes))}"' if dashes else ""
    return (
        f'<svg width="34" height="8" aria-hidden="true"><line x1="0" y1="4" x2="34" y2="4" '
        f'stroke="{colour}" stroke-width="2.5"{pattern}/></svg>'
    )


def _edge_legend() -> str:
    kinds = [
        f'<span class="kind">{_dash_sample(colour, dashes)}{html.escape(name)}</span>'
        for colour, dashes, name in EDGE_STYLES.values()
    ]
    return '<span class="legend-title">Relations</span>\n' + "\n".join(kinds)


def _layout_switch(layout: str) -> str:
    radios = [
        f'<label><input type="radio" name="natokg-layout" id="natokg-layout-{name}" value="{name}"'
        f'{" checked" if name == layout else ""}> {label}</label>'
        for name, label in (("org", "org chart"), ("force", "force"))
    ]
    return '<fieldset class="layout"><legend>Layout</legend>' + "".join(radios) + "</fieldset>"


def _header(title: str, layout: str, present: set[str]) -> str:
    return (
        '<header id="natokg-header">\n<div class="bar">\n'
        f"<h1>{html.escape(title)}</h1>\n"
        '<div class="natokg-search"><input id="natokg-search" type="search" autocomplete="off" '
        'aria-label="Find a unit" placeholder="Find a name or acronym (English or French)">'
        '<ul id="natokg-results" hidden></ul></div>\n'
        f"{_layout_switch(layout)}\n"
        '<label>Division <select id="natokg-division"><option value="">all divisions</option></select></label>\n'
        '<span id="natokg-count"></span>\n</div>\n'
        f'<div class="legend">\n{_type_filters(present)}\n{_edge_legend()}\n</div>\n</header>\n'
        '<aside id="natokg-panel"><p class="hint">Click a node, or find one by name, to see its names '
        "in English and French, where it sits, the committees it serves, and the notices and "
        "sentences it comes from.</p></aside>\n"
    )


def _offline_page(page: str, title: str, layout: str, nx_graph: nx.MultiDiGraph, data: dict[str, Any]) -> list[str]:
    """Strip remote tags and empty headings; add the header, panel, data and script.

    The page comes in parts, to be written one after the other: joined, a
    page of ten thousand notices would be copied whole at each step.
    """
    for pattern in (REMOTE_LINK, REMOTE_SCRIPT, EMPTY_HEADING, LOCAL_STYLESHEET_COMMENT):
        page = pattern.sub("", page)
    present = {data.get("type", "") for _, data in nx_graph.nodes(data=True)}
    head = f'<title>{html.escape(title)}</title>\n<link rel="icon" href="data:,">\n'
    page = page.replace("<head>", "<head>\n" + head, 1)
    page = page.replace("</head>", f"<style>{PAGE_STYLE}</style>\n</head>", 1)
    page = page.replace("<body>", "<body>\n" + _header(title, layout, present), 1)
    before, body_end, after = page.rpartition("</body>") if "</body>" in page else (page, "", "")
    script = f'<script type="text/javascript">{PAGE_SCRIPT}</script>\n'
    return [before, *_data_block(data), script, body_end + after]


def _check_offline(parts: list[str], path: Path) -> None:
    """No part loads a remote resource (each part is a whole run of tags or JSON: no reference spans two).

    The data block's JSON, most of a big page, is not searched: its ``<`` are
    escaped (:data:`SCRIPT_SPECIALS`), so no tag can start in it.
    """
    for before, part in zip(["", *parts], parts):
        if before == DATA_BLOCK_OPEN:
            continue
        match = REMOTE_REFERENCE.search(part)
        if match:
            raise NatoKGError(f"the HTML graph would load a remote resource ({match.group(0)!r})", path)


def _write_atomically(path: Path, parts: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, PAGE_MODE)
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part.encode("utf-8"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def page_html(nx_graph: nx.MultiDiGraph, title: str = DEFAULT_TITLE, layout: str = "org") -> str:
    """The HTML page for the projection (see :func:`write_html`)."""
    return "".join(_page_parts(nx_graph, title, layout))


def _page_parts(nx_graph: nx.MultiDiGraph, title: str, layout: str) -> list[str]:
    if layout not in LAYOUTS:
        raise NatoKGError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    chart = chart_of(nx_graph)  # worked out once for both layouts and the nodes' levels
    org, bands = org_layout(nx_graph, chart)
    positions = {"org": org, "force": ring_layout(nx_graph, chart)}
    page = _pyvis_page(_build_network(nx_graph, positions[layout], chart.levels))
    return _offline_page(page, title, layout, nx_graph, _page_data(nx_graph, layout, positions, bands))


def write_html(
    nx_graph: nx.MultiDiGraph, path: Path, title: str = DEFAULT_TITLE, layout: str = "org"
) -> Path:
    """Draw the projection as a self-contained, deterministic HTML page at ``path``.

    ``layout`` is the one the page opens with ("org" or "force"); the page can
    switch between the two.
    """
    path = Path(path)
    parts = _page_parts(nx_graph, title, layout)
    _check_offline(parts, path)
    try:
        _write_atomically(path, parts)
    except OSError as exc:
        raise NatoKGError(f"cannot write the HTML graph: {exc.strerror or exc}", path) from exc
    return path


def project(
    graph: Graph, include_posts: bool = False, focus: str | None = None, depth: int = 1
) -> tuple[nx.MultiDiGraph, str]:
    """The projection to draw and the page's title: the whole graph, or one entity's neighbourhood.

    ``focus`` is any name or acronym of an entity, English or French; only the
    entities at most ``depth`` relations away from it are kept.
    """
    projection = to_networkx(graph, include_posts=include_posts)
    if focus is None:
        return projection, DEFAULT_TITLE
    node = find_node(projection, focus)
    title = f"{DEFAULT_TITLE}: {projection.nodes[node]['label']}, depth {depth}"
    return neighbourhood(projection, node, depth), title


def render(
    graph: Graph,
    path: Path,
    include_posts: bool = False,
    layout: str = "org",
    focus: str | None = None,
    depth: int = 1,
) -> Path:
    """Project ``graph`` (see :func:`project`) and write its HTML org graph to ``path``."""
    projection, title = project(graph, include_posts, focus, depth)
    return write_html(projection, path, title=title, layout=layout)
