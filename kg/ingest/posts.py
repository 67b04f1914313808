"""One notice per advertised post: a notice may advertise several posts at once.

"Head, NATO Affairs and Security Policy Section (PASP0109) and Head,
Multilateral Organizations Section (PASP0016)" gives two notices that share
the text and differ in their header: each has its own title and reference,
and its source names the post ("file.txt#PASP0109"), so that each becomes a
posting of its own in the graph.
"""

from __future__ import annotations

from dataclasses import replace

from kg.ingest.parse import post_titles
from kg.model import Notice, NoticePart

__all__ = ["split_posts"]


def split_posts(notice: Notice) -> list[Notice]:
    """The notice once per post its title advertises; a notice of one post as it is."""
    posts = post_titles(notice.header.title or "")
    if len(posts) < 2:
        return [notice]
    return [
        replace(
            notice,
            source=f"{notice.source}#{reference}",
            parts=tuple(_part_for_post(part, position, reference, title) for part in notice.parts),
        )
        for position, (title, reference) in enumerate(posts)
    ]


def _part_for_post(part: NoticePart, position: int, reference: str, title: str) -> NoticePart:
    """The half's header with the post's title (its own language's, matched by reference or by position)."""
    own = post_titles(part.header.title or "")
    by_reference = dict((ref, text) for text, ref in own)
    if reference in by_reference:
        title = by_reference[reference]
    elif len(own) > position:
        title = own[position][0]
    elif part.header.title and part.lang != "en":
        title = part.header.title
    return replace(part, header=replace(part.header, title=title, reference=reference))
