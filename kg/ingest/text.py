"""Plain text and Markdown notices: the bytes decoded; :func:`~kg.ingest.parse.normalise` drops the markup."""

from __future__ import annotations

from kg.ingest.encoding import Decoded, decode

__all__ = ["read_text"]


def read_text(data: bytes) -> Decoded:
    return decode(data)
