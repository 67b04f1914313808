"""The extract stage: spaCy pipelines and rules that read one notice.

``extract(notice)`` returns an :class:`~kg.model.Extraction`: the notice's
organisational entities, the relations its sentences state, the post's
reporting line and unit, and the French names of the entities.
"""

from __future__ import annotations

from kg.extract.components import pipeline
from kg.extract.notice import NoticeReader
from kg.model import Extraction, Notice

__all__ = ["extract", "pipeline"]


def extract(notice: Notice) -> Extraction:
    """Everything one notice states about the organisation and its post."""
    return NoticeReader(notice).run()
