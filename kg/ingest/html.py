"""HTML notices (a page saved from a recruitment site): the main text, as Markdown.

trafilatura finds the page's main content and drops what surrounds it
(scripts, styles, navigation, cookie banners, footers, "similar jobs"),
keeping headings and lists as Markdown, which the parser reads like any
other notice.  A table row of two cells ("Ref" | "241797") becomes a
header line ("Ref: 241797").
"""

from __future__ import annotations

import re

from kg.errors import InputError
from kg.ingest.encoding import Decoded, decode

__all__ = ["read_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\|(?P<cells>.*)\|\s*$")
NO_TEXT = "no readable text in the HTML page"


def read_html(data: bytes) -> Decoded:
    declared = _META_CHARSET.search(data[:4096])
    decoded = decode(data, declared[1].decode("ascii") if declared else None)
    text = _main_text(decoded.text)
    if not text.strip():
        raise InputError(NO_TEXT)
    return Decoded(_table_rows_as_lines(text), decoded.encoding, decoded.warnings)


def _main_text(html: str) -> str:
    """The page's main content as Markdown; the whole page's text when no main content is found."""
    import trafilatura  # imported here: only HTML inputs need it

    main = trafilatura.extract(
        html,
        output_format="markdown",
        include_formatting=True,
        include_tables=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        favor_recall=True,
        deduplicate=False,
    )
    return main or trafilatura.html2txt(html) or ""


def _table_rows_as_lines(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        if _TABLE_RULE.match(line):
            continue
        row = _TABLE_ROW.match(line.strip())
        lines.append(_row_text(row["cells"]) if row else line)
    return "\n".join(lines)


def _row_text(cells: str) -> str:
    values = [cell.strip() for cell in cells.split("|") if cell.strip()]
    if len(values) == 2:
        return f"{values[0].rstrip(':').strip()}: {values[1]}"
    return " ".join(values)
