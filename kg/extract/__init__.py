"""The extract stage: spaCy pipelines and rules that read one notice.

``extract(notice)`` returns an :class:`~kg.model.Extraction`: the notice's
organisational entities, the relations its sentences state, the post's
reporting line and unit, and the French names of the entities.

spaCy is imported on the first extraction, not with this package: a
rebuild whose notices are all cached never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.model import Extraction, Notice

if TYPE_CHECKING:
    from kg.extract.components import pipeline

__all__ = ["extract", "pipeline"]


def extract(notice: Notice) -> Extraction:
    """Everything one notice states about the organisation and its post."""
    from kg.extract.notice import NoticeReader

    return NoticeReader(notice).run()


def __getattr__(name: str) -> Any:
    if name == "pipeline":
        from kg.extract.components import pipeline

        return pipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
