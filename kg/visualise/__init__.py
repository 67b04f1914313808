"""The org graph: project the RDF graph with networkx and draw it as one offline HTML page.

:func:`to_networkx` reads the units, committees (and, on request, posts), their
relations and what the page shows about each; :func:`write_html` draws a
projection with pyvis / vis-network; :func:`render` does both, for the whole
graph or the neighbourhood of one entity.  The page is self-contained (the
vis-network script and style are inlined, nothing is fetched from another host)
and the same graph always gives the same bytes.
"""

from __future__ import annotations

from kg.visualise.focus import find_node, graph_from_store, name_key, neighbourhood
from kg.visualise.layout import org_layout, ring_layout
from kg.visualise.page import DEFAULT_TITLE, LAYOUTS, page_html, project, render, write_html
from kg.visualise.project import MAX_EVIDENCE, to_networkx

__all__ = [
    "DEFAULT_TITLE",
    "LAYOUTS",
    "MAX_EVIDENCE",
    "find_node",
    "graph_from_store",
    "name_key",
    "neighbourhood",
    "org_layout",
    "page_html",
    "project",
    "render",
    "ring_layout",
    "to_networkx",
    "write_html",
]
