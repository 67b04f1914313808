"""Look of the org graph: one small table per visual property."""

from __future__ import annotations

from typing import Any

POST_TYPE = "Post"

#: Node type -> (colour, vis-network shape, name in the legend).
NODE_STYLES: dict[str, tuple[str, str, str]] = {
    "Organization": ("#1f3b73", "star", "organization"),
    "Division": ("#2e6fba", "hexagon", "division"),
    "Directorate": ("#4f9be0", "square", "directorate"),
    "Section": ("#7cc0ef", "dot", "section"),
    "Office": ("#4ea86b", "triangleDown", "office"),
    "Committee": ("#e8912d", "diamond", "committee"),
    "Group": ("#a569bd", "triangle", "group"),
    POST_TYPE: ("#b8bec7", "box", "post"),
}
FALLBACK_NODE_STYLE = ("#cccccc", "dot", "other")

#: Edge kind -> (colour, dash pattern or False, name shown on hover and in the legend).
EDGE_STYLES: dict[str, tuple[str, list[int] | bool, str]] = {
    "partOf": ("#5b6573", False, "part of"),
    "reportsTo": ("#1d2733", [2, 3], "reports to"),
    "supports": ("#e8912d", [8, 5], "supports"),
    "heads": ("#c0392b", False, "heads"),
    "oversees": ("#8e44ad", [12, 4, 2, 4], "oversees"),
    "coordinatesWith": ("#27ae60", [4, 6], "coordinates with"),
}
#: Most dashes drawn along one edge: longer edges get longer dashes (many dashes are slow to draw).
MAX_DASHES = 40

FALLBACK_EDGE_STYLE: tuple[str, list[int] | bool, str] = ("#999999", False, "related to")

#: Edge kind -> how the panel names the relation seen from its target.
INVERSE_NAMES: dict[str, str] = {
    "partOf": "has part",
    "reportsTo": "superior of",
    "supports": "supported by",
    "heads": "headed by",
    "oversees": "overseen by",
    "coordinatesWith": "coordinates with",
}

#: Row of the org chart a type sits on at least (NATO bodies on top, posts at the bottom).
TYPE_LEVELS: dict[str, int] = {
    "Organization": 0,
    "Division": 1,
    "Committee": 1,
    "Directorate": 2,
    "Section": 3,
    "Office": 3,
    "Group": 4,
    POST_TYPE: 4,
}

#: Edge kinds whose target sits above their source in the chart.
UPWARD_KINDS = frozenset({"partOf", "reportsTo"})

#: Order of siblings in the chart, by type.
TYPE_ORDER: dict[str, int] = {name: rank for rank, name in enumerate(NODE_STYLES)}

#: The legend's sample of each vis-network shape.
SHAPE_GLYPHS: dict[str, str] = {
    "star": "\u2605",
    "hexagon": "\u2b22",
    "square": "\u25a0",
    "dot": "\u25cf",
    "triangleDown": "\u25bc",
    "diamond": "\u25c6",
    "triangle": "\u25b2",
    "box": "\u25ad",
}

#: Spacing of the precomputed org chart, in canvas pixels.
CHART = {
    "column": 180,  # between neighbouring leaves
    "row": 150,  # between rows
    "band_gap": 0.5,  # rows left empty between the committee band and the staff band
    "stack_after": 6,  # a unit with more leaf children than this stacks them in columns
    "stack_rows": 4,  # leaves per stacked column
    "stack_step": 80,  # vertical step inside a stacked column
    "grid_rows": 4,  # least number of rows of the grid of units outside any tree
    "ring": 160,  # least radius step of the starting rings of the force layout
    "ring_spacing": 36,  # room for each leaf on the outer ring
}

#: Physics of the force layout; switched off again once the layout is stable.
FORCE_PHYSICS: dict[str, Any] = {
    "enabled": True,
    "solver": "barnesHut",
    "barnesHut": {
        "gravitationalConstant": -6000,
        "centralGravity": 0.25,
        "springLength": 130,
        "springConstant": 0.04,
        "damping": 0.35,
        "avoidOverlap": 0.2,
    },
    "adaptiveTimestep": False,
    "minVelocity": 1.0,
    "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 25, "fit": True},
}
#: Node-iterations the force layout may spend settling: big graphs get fewer iterations
#: (they start from rings close to their final shape), so the page opens in a few seconds.
FORCE_BUDGET = 100_000
MIN_ITERATIONS = 30


def force_physics(node_count: int) -> dict[str, Any]:
    """The force layout's physics for a graph of ``node_count`` nodes."""
    stabilization = dict(FORCE_PHYSICS["stabilization"])
    iterations = FORCE_BUDGET // max(node_count, 1)
    stabilization["iterations"] = max(MIN_ITERATIONS, min(stabilization["iterations"], iterations))
    return {**FORCE_PHYSICS, "stabilization": stabilization}


#: vis-network options shared by both layouts.
BASE_OPTIONS: dict[str, Any] = {
    "layout": {"hierarchical": {"enabled": False}, "improvedLayout": False, "randomSeed": 7},
    "interaction": {
        "hover": True,
        "tooltipDelay": 150,
        "hideEdgesOnDrag": True,
        "multiselect": False,
        "navigationButtons": False,
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
        "smooth": False,
        "width": 1.4,
        "hoverWidth": 1.5,
        "font": {"size": 12, "align": "middle", "strokeWidth": 3, "color": "#1d2733"},
    },
    "nodes": {
        "font": {"size": 16, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "widthConstraint": {"maximum": 150},
    },
}


def node_style(node_type: str) -> tuple[str, str, str]:
    return NODE_STYLES.get(node_type, FALLBACK_NODE_STYLE)


def edge_style(kind: str) -> tuple[str, list[int] | bool, str]:
    return EDGE_STYLES.get(kind, FALLBACK_EDGE_STYLE)
