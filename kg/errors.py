"""The errors natokg raises: each names the file and the problem, for one clear line."""

from __future__ import annotations

from pathlib import Path


class NatoKGError(Exception):
    """Base class: a problem a user can act on, shown as one line, never a traceback."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(NatoKGError):
    """An input file cannot be read as a vacancy notice."""


class StoreError(NatoKGError):
    """The persistent store is missing or cannot be opened."""


class QueryError(NatoKGError):
    """A SPARQL query is malformed or not allowed."""


class ValidationInputError(NatoKGError):
    """The graph or the shapes given to validation cannot be loaded."""
