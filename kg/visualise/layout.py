"""Positions computed before the page opens, so it draws at once however big the graph.

``org_layout`` is a top-down org chart: a tidy tree whose rows follow the
types (organisations, divisions, directorates, sections, groups and posts),
with committees and their groups on a band of their own above the staff.
``ring_layout`` spreads the same trees on rings; it is where the force layout
starts from, so its physics settles in few iterations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from kg.visualise.project import upward_targets
from kg.visualise.styles import CHART, TYPE_LEVELS, TYPE_ORDER

Point = tuple[int, int]

COMMITTEE_BAND = "Committees"
STAFF_BAND = "Organisations and staff"


@dataclass
class Forest:
    """Each node's parent in the chart (the nearest thing it is part of) and children."""

    parent: dict[str, str | None]
    children: dict[str, list[str]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)


def chart_levels(nx_graph: nx.MultiDiGraph) -> dict[str, int]:
    """Chart row of each node: at least its type's row, and below everything it is part of."""
    levels: dict[str, int] = {}

    def level_of(node: str, visiting: frozenset[str]) -> int:
        if node not in levels:
            floor = TYPE_LEVELS.get(nx_graph.nodes[node].get("type", ""), 0)
            above = [
                level_of(p, visiting | {node}) + 1
                for p in upward_targets(nx_graph, node)
                if p not in visiting
            ]
            levels[node] = max([floor, *above])
        return levels[node]

    for node in sorted(nx_graph.nodes):
        level_of(node, frozenset())
    return levels


def _sort_key(nx_graph: nx.MultiDiGraph, node: str) -> tuple[int, str, str]:
    data = nx_graph.nodes[node]
    return (TYPE_ORDER.get(data.get("type", ""), len(TYPE_ORDER)), data.get("label", "").casefold(), node)


def chart_forest(nx_graph: nx.MultiDiGraph, levels: dict[str, int]) -> Forest:
    """One parent per node: of the units above it, the lowest in the chart (ties by IRI)."""
    parent: dict[str, str | None] = {}
    for node in sorted(nx_graph.nodes):
        above = [p for p in upward_targets(nx_graph, node) if levels[p] < levels[node]]
        parent[node] = min(above, key=lambda p: (-levels[p], p)) if above else None
    forest = Forest(parent, {node: [] for node in parent})
    for node, up in parent.items():
        if up is None:
            forest.roots.append(node)
        else:
            forest.children[up].append(node)
    for kids in forest.children.values():
        kids.sort(key=lambda n: _sort_key(nx_graph, n))
    return forest


@dataclass(frozen=True)
class Chart:
    """Each node's chart row and its one parent: what both layouts and the page's levels start from."""

    levels: dict[str, int]
    forest: Forest


def chart_of(nx_graph: nx.MultiDiGraph) -> Chart:
    levels = chart_levels(nx_graph)
    return Chart(levels, chart_forest(nx_graph, levels))


def _subtree_sizes(forest: Forest) -> dict[str, int]:
    sizes: dict[str, int] = {}

    def size(node: str) -> int:
        sizes[node] = 1 + sum(size(child) for child in forest.children[node])
        return sizes[node]

    for root in forest.roots:
        size(root)
    return sizes


class _Placer:
    """Slot-based tidy tree: leaves take the next free column, a parent sits over its children."""

    def __init__(self, forest: Forest, rows: dict[str, float]) -> None:
        self.forest, self.rows = forest, rows
        self.points: dict[str, tuple[float, float]] = {}
        self.next_x = 0.0

    def y(self, node: str) -> float:
        return self.rows[node] * CHART["row"]

    def place(self, node: str) -> float:
        kids = self.forest.children[node]
        if not kids:
            return self._leaf(node, 0.0)
        leaves = [k for k in kids if not self.forest.children[k]]
        if len(leaves) > CHART["stack_after"]:
            xs = [self.place(k) for k in kids if self.forest.children[k]] + self._stack(leaves)
        else:
            xs = [self.place(k) for k in kids]
        x = (min(xs) + max(xs)) / 2
        self.points[node] = (x, self.y(node))
        return x

    def _leaf(self, node: str, drop: float) -> float:
        x = self.next_x
        self.points[node] = (x, self.y(node) + drop)
        self.next_x += CHART["column"]
        return x

    def _stack(self, leaves: list[str]) -> list[float]:
        """Many leaves under one parent: columns of a few, one under the other."""
        xs: list[float] = []
        per_column = CHART["stack_rows"]
        for start in range(0, len(leaves), per_column):
            column_x = self.next_x
            for index, leaf in enumerate(leaves[start : start + per_column]):
                self.points[leaf] = (column_x, self.y(leaf) + index * CHART["stack_step"])
            xs.append(column_x)
            self.next_x += CHART["column"]
        return xs


def _band_rows(forest: Forest, levels: dict[str, int], band_roots: list[str], by_type: bool) -> dict[str, float]:
    """Rows inside a band: the type rows (staff), or the depth in the tree (committees)."""
    rows: dict[str, float] = {}
    stack = [(root, 0) for root in band_roots]
    while stack:
        node, depth = stack.pop()
        rows[node] = depth
        stack.extend((child, depth + 1) for child in forest.children[node])
    if by_type and rows:
        top = min(levels[node] for node in rows)
        rows = {node: levels[node] - top for node in rows}
    return rows


def _place_band(
    forest: Forest, levels: dict[str, int], roots: list[str], by_type: bool
) -> dict[str, tuple[float, float]]:
    """One band's trees side by side; in the staff band, units on their own fill a grid at the end."""
    rows = _band_rows(forest, levels, roots, by_type)
    placer = _Placer(forest, rows)
    alone = [r for r in roots if not forest.children[r]] if by_type else []
    lone = set(alone)
    for root in roots:
        if root not in lone:
            placer.place(root)
    _grid(placer, alone, max(int(max(rows.values(), default=0)) + 1, CHART["grid_rows"]))
    if not placer.points:
        return {}
    middle = (min(x for x, _ in placer.points.values()) + max(x for x, _ in placer.points.values())) / 2
    return {node: (x - middle, y) for node, (x, y) in placer.points.items()}


def _grid(placer: _Placer, nodes: list[str], height: int) -> None:
    """Nodes with no relation to a tree, column after column, ``height`` to a column."""
    for start in range(0, len(nodes), height):
        for row, node in enumerate(nodes[start : start + height]):
            placer.points[node] = (placer.next_x, row * CHART["row"])
        placer.next_x += CHART["column"]


def _band_box(label: str, points: dict[str, tuple[float, float]]) -> dict[str, object]:
    xs = [x for x, _ in points.values()]
    ys = [y for _, y in points.values()]
    margin = CHART["row"] / 2
    return {
        "label": label,
        "left": round(min(xs) - CHART["column"]),
        "right": round(max(xs) + CHART["column"]),
        "top": round(min(ys) - margin),
        "bottom": round(max(ys) + margin),
    }


def org_layout(nx_graph: nx.MultiDiGraph, chart: Chart | None = None) -> tuple[dict[str, Point], list[dict[str, object]]]:
    """Org-chart positions of every node, and the bands (committees, staff) they sit in.

    ``chart`` is the graph's :func:`chart_of`, when already worked out.
    """
    chart = chart or chart_of(nx_graph)
    levels, forest = chart.levels, chart.forest
    sizes = _subtree_sizes(forest)
    roots = sorted(forest.roots, key=lambda r: (-sizes[r], *_sort_key(nx_graph, r)))
    committee_roots = [r for r in roots if nx_graph.nodes[r].get("type") == "Committee"]
    staff_roots = [r for r in roots if r not in set(committee_roots)]

    committees = _place_band(forest, levels, committee_roots, by_type=False)
    staff = _place_band(forest, levels, staff_roots, by_type=True)
    if committees and staff:
        shift = max(y for _, y in committees.values()) + (1 + CHART["band_gap"]) * CHART["row"]
        staff = {node: (x, y + shift) for node, (x, y) in staff.items()}
    named = ((COMMITTEE_BAND, committees), (STAFF_BAND, staff))
    bands = [_band_box(label, points) for label, points in named if points]
    positions = {node: (round(x), round(y)) for node, (x, y) in {**committees, **staff}.items()}
    return positions, bands


def _depths(forest: Forest) -> dict[str, int]:
    depths: dict[str, int] = {}
    stack = [(root, 0) for root in forest.roots]
    while stack:
        node, depth = stack.pop()
        depths[node] = depth
        stack.extend((child, depth + 1) for child in forest.children[node])
    return depths


def ring_layout(nx_graph: nx.MultiDiGraph, chart: Chart | None = None) -> dict[str, Point]:
    """The chart's trees on rings around one centre: each subtree gets an arc as wide as its leaves."""
    forest = (chart or chart_of(nx_graph)).forest
    leaves: dict[str, int] = {}

    def count(node: str) -> int:
        leaves[node] = sum(count(child) for child in forest.children[node]) or 1
        return leaves[node]

    total = sum(count(root) for root in forest.roots) or 1
    depth = max(_depths(forest).values(), default=0) + 1
    step = max(CHART["ring"], total * CHART["ring_spacing"] / (2 * math.pi * depth))
    positions: dict[str, Point] = {}

    def spread(node: str, start: float, depth: int) -> None:
        width = 2 * math.pi * leaves[node] / total
        angle, radius = start + width / 2, depth * step
        positions[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
        for child in forest.children[node]:
            spread(child, start, depth + 1)
            start += 2 * math.pi * leaves[child] / total

    start = 0.0
    for root in sorted(forest.roots, key=lambda r: _sort_key(nx_graph, r)):
        spread(root, start, 1)
        start += 2 * math.pi * leaves[root] / total
    return positions
