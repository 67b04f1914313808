"""Inputs of a build: files, folders and standard input, each read by the reader of its format.

:func:`find_inputs` expands the sources a user names into one
:class:`Input` each: a file to read, standard input (``-``), a stray file
skipped in a folder, or a problem found before reading (a missing path, a
folder without notices).  :func:`load` reads one input into a
:class:`Document`: its format, encoding, the notices it holds (one per post
it advertises) and warnings.  Problems raise an
:class:`~kg.errors.InputError` that names the input and says what is wrong
in one line.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg import config
from kg.errors import InputError
from kg.ingest.checks import notice_warnings
from kg.ingest.encoding import Decoded
from kg.ingest.html import read_html
from kg.ingest.parse import parse_notice
from kg.ingest.pdf import read_pdf
from kg.ingest.posts import split_posts
from kg.ingest.text import read_text
from kg.model import Notice

__all__ = ["Document", "Input", "STDIN", "collect", "find_inputs", "load", "read_notice"]

STDIN = "-"
STDIN_SOURCE = "stdin"

#: Format name -> reader from bytes to text.
READERS: dict[str, Callable[[bytes], Decoded]] = {
    "text": read_text,
    "html": read_html,
    "pdf": read_pdf,
}
#: File suffix -> format; folders are searched for config.NOTICE_SUFFIXES, a file named explicitly may have any of these.
SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
#: Leading bytes of formats that are not notices, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"PK\x03\x04", "zip archive (a Word, OpenDocument or Excel file?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office file (.doc, .xls)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "RTF document"),
)
_PDF_MAGIC = b"%PDF-"
_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")
EMPTY = "empty file"


def formats_read() -> str:
    return ", ".join(config.NOTICE_SUFFIXES)


# ==================================================================== inputs


@dataclass(frozen=True)
class Input:
    """One input of a build: a file or standard input to read, or a problem found before reading."""

    path: str  # as the user sees it: "seeds/000_x.txt", "-"
    source: str  # the name the graph records: "000_x.txt", "stdin"
    file: Path | None = None  # None for standard input and for problems
    problem: str | None = None  # why it cannot be read
    skipped: bool = False  # a stray file in a folder: listed, not read

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN and self.file is None and self.problem is None


def find_inputs(sources: Iterable[str | Path]) -> list[Input]:
    """Every input the sources name, folders expanded, in a stable order and without duplicates.

    Folders are searched recursively for notice files (``config.NOTICE_SUFFIXES``);
    hidden files and folders are passed over, other files are listed as skipped.
    A file named explicitly is read whatever its suffix.  Two files of the same
    name in different folders are told apart by their paths.
    """
    found: dict[str, Input] = {}
    for source in sources:
        for item in _inputs_of(str(source)):
            key = STDIN if item.is_stdin else os.path.abspath(item.path)
            found.setdefault(key, item)
    items = sorted(found.values(), key=lambda item: (item.path != STDIN, os.path.abspath(item.path)))
    return _unique_sources(items)


def _inputs_of(source: str) -> list[Input]:
    if source == STDIN:
        return [Input(STDIN, STDIN_SOURCE)]
    path = Path(source)
    if not path.exists():
        return [Input(source, path.name, problem="no such file or directory")]
    if not path.is_dir():
        return [Input(source, path.name, file=path)]
    items = _folder_inputs(path)
    if not any(item.file for item in items):
        items.append(Input(source, path.name, problem=f"no notices found in {source} (formats read: {formats_read()})"))
    return items


def _folder_inputs(folder: Path) -> list[Input]:
    suffixes = {suffix.lower() for suffix in config.NOTICE_SUFFIXES}
    items = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.suffix.lower() in suffixes:
            items.append(Input(str(path), path.name, file=path))
        else:
            kind = path.suffix or "no suffix"
            items.append(Input(str(path), path.name, problem=f"not a notice format ({kind}); formats read: {formats_read()}",
                               skipped=True))
    return items


def _unique_sources(items: list[Input]) -> list[Input]:
    counts = Counter(item.source for item in items if not item.problem)
    return [
        Input(item.path, Path(item.path).as_posix(), item.file, item.problem, item.skipped)
        if counts[item.source] > 1 and not item.problem
        else item
        for item in items
    ]


def collect(sources: Iterable[str | Path]) -> list[Path]:
    """The notice files the sources name, sorted and without duplicates (folders searched recursively).

    Raises :class:`~kg.errors.InputError` for a path that does not exist.
    """
    files: list[Path] = []
    for item in find_inputs(sources):
        if item.problem == "no such file or directory":
            raise InputError(item.problem, path=item.path)
        if item.file is not None:
            files.append(Path(os.path.abspath(item.file)))
    return files


# =================================================================== reading


@dataclass
class Document:
    """One input as read: its format and encoding, the notices it holds (one per post) and warnings."""

    input: Input
    format: str
    encoding: str | None
    notices: list[Notice]
    warnings: list[str] = field(default_factory=list)


def load(item: Input | str | Path) -> Document:
    """Read one input into its notices; raises :class:`~kg.errors.InputError` naming it."""
    item = item if isinstance(item, Input) else _input_for(item)
    format_name, decoded, notice = _read(item)
    notices = split_posts(notice)
    warnings = [*decoded.warnings, *notice_warnings(notice)]
    if len(notices) > 1:
        warnings.append(f"{len(notices)} posts in one notice: one posting each ({', '.join(n.source for n in notices)})")
    return Document(item, format_name, decoded.encoding, notices, warnings)


def read_notice(path: str | Path) -> Notice:
    """Read one notice file of any format (all the posts it advertises in one :class:`~kg.model.Notice`)."""
    return _read(_input_for(path))[2]


def _input_for(path: str | Path) -> Input:
    if str(path) == STDIN:
        return Input(STDIN, STDIN_SOURCE)
    return Input(str(path), Path(path).name, file=Path(path))


def _read(item: Input) -> tuple[str, Decoded, Notice]:
    if item.problem:
        raise InputError(item.problem, path=item.path)
    try:
        data = _read_bytes(item)
        format_name, decoded = _decode(data, item)
    except InputError as error:
        raise InputError(error.message, path=item.path) from None
    notice = parse_notice(decoded.text, source=item.source)
    if not notice.text:
        message = EMPTY if format_name == "text" else f"no readable text in the {format_name.upper()} file"
        raise InputError(message, path=item.path)
    return format_name, decoded, notice


def _read_bytes(item: Input) -> bytes:
    """The input's bytes; a file over the size limit is refused before it is read."""
    limit = config.MAX_INPUT_BYTES
    if item.is_stdin:
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"too large: over {_megabytes(limit)} on standard input (the limit is {_megabytes(limit)})")
        return data
    path = item.file or Path(item.path)
    if not path.exists():
        raise InputError("no such file or directory")
    if path.is_dir():
        raise InputError("is a directory, not a notice file")
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"file too large: {_megabytes(size)} (the limit is {_megabytes(limit)})")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})") from exc


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _decode(data: bytes, item: Input) -> tuple[str, Decoded]:
    if not data.strip():
        raise InputError(EMPTY)
    format_name = _format_of(data, Path(item.path).suffix.lower() if not item.is_stdin else "")
    return format_name, READERS[format_name](data)


def _format_of(data: bytes, suffix: str) -> str:
    """The reader for these bytes: a content signature first, then the suffix, then a look at the text."""
    if _PDF_MAGIC in data[:1024]:
        return "pdf"
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(_refusal(kind))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise InputError(_refusal("WebP image"))
    expected = SUFFIX_FORMATS.get(suffix)
    if expected == "pdf":
        raise InputError("damaged PDF: no PDF header (%PDF-) in the file")
    if _looks_like_html(data):
        return "html"
    return expected or "text"


def _refusal(kind: str) -> str:
    if kind.endswith("image"):
        return f"{kind}, not a notice: an image has no text to read (save the notice as text, HTML or PDF)"
    return f"unsupported format: {kind}; formats read: {formats_read()}"


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_STARTS)
