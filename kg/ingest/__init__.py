"""Ingest: find the inputs, read each format, and parse the text into notices.

- ``sources.py``: files, folders and standard input; the reader of each format; the size limit
- ``encoding.py``: bytes to text (BOM, UTF-8, cp1252, Latin-1, ...)
- ``text.py``, ``html.py``, ``pdf.py``: one reader per format
- ``parse.py``: text to a :class:`~kg.model.Notice` (languages, header, sections)
- ``posts.py``: one notice per advertised post
- ``checks.py``: warnings about a notice's shape
"""

from __future__ import annotations

from kg.ingest.parse import normalise, parse_notice
from kg.ingest.posts import split_posts
from kg.ingest.sources import STDIN, Document, Input, collect, find_inputs, load, read_notice

__all__ = [
    "STDIN",
    "Document",
    "Input",
    "collect",
    "find_inputs",
    "load",
    "normalise",
    "parse_notice",
    "read_notice",
    "split_posts",
]
