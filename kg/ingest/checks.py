"""Warnings about a notice's shape: what a reader of the build report should know."""

from __future__ import annotations

import re

from kg.ingest.parse import starts_block
from kg.model import Notice

__all__ = ["notice_warnings"]

HEADER_NOT_FOUND = "header not found: no title, reference, deadline or grade was read"
NO_SECTIONS = "no notice sections found (SUMMARY, INTERRELATIONSHIPS, ...): read as one block of text"
TRUNCATED = "notice looks truncated: it ends mid-sentence"
_TERMINAL = re.compile(r"[.!?;:…)\]\"'»”]$")
#: Share of a notice's long lines that end a sentence, from which a missing full stop at the end stands out.
_PUNCTUATED_SHARE = 0.5
_LONG_LINE_WORDS = 6
#: "Direct reports: N/a": a field, complete without a full stop.
_FIELD_LINE = re.compile(r"^[^\W\d_][\w ()/'-]{0,40}:\s*\S")


def notice_warnings(notice: Notice) -> list[str]:
    checks = ((HEADER_NOT_FOUND, _no_header), (NO_SECTIONS, _no_sections), (TRUNCATED, _truncated))
    return [message for message, check in checks if notice.parts and check(notice)]


def _no_header(notice: Notice) -> bool:
    return not any(
        part.header.title or part.header.reference or part.header.deadline or part.header.grade
        for part in notice.parts
    )


def _no_sections(notice: Notice) -> bool:
    return all(section.key == "description" for part in notice.parts for section in part.sections)


def _truncated(notice: Notice) -> bool:
    """The last line stops mid-sentence in a notice whose long lines otherwise end sentences."""
    lines = [line for line in notice.text.split("\n") if line]
    long_lines = [line for line in lines if len(line.split(None, _LONG_LINE_WORDS - 1)) >= _LONG_LINE_WORDS]
    if not long_lines:
        return False
    punctuated = sum(bool(_TERMINAL.search(line)) for line in long_lines[:-1])
    last = lines[-1]
    return (
        punctuated >= _PUNCTUATED_SHARE * max(len(long_lines) - 1, 1)
        and len(last.split()) >= 3
        and not _TERMINAL.search(last)
        and not starts_block(last)
        and not _FIELD_LINE.match(last)
    )
