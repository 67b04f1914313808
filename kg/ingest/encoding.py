"""Bytes to text: find the encoding of a notice instead of assuming it.

In order: a byte order mark (UTF-8, UTF-16, UTF-32); UTF-16 without a mark
(every other byte NUL); strict UTF-8; UTF-8 with a few broken sequences
(decoded with U+FFFD and a warning); otherwise charset-normalizer's pick
among the Western single-byte encodings notices are saved in (cp1252,
Latin-1, Latin-9), Latin-1 when it has none (Latin-1 maps every byte).
Binary data (NUL bytes, many control characters) raises.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import charset_normalizer

from kg.errors import InputError

__all__ = ["Decoded", "decode"]

#: Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: The single-byte encodings charset-normalizer chooses from.
WESTERN_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")
#: Share of control characters above which decoded text is taken for binary data.
_MAX_CONTROL_SHARE = 0.05
#: Control characters but the line and page breaks and tabs ("\n\r\t\f\v").
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
BINARY = "binary file, not a text notice"


@dataclass(frozen=True)
class Decoded:
    """Text read from an input, the encoding it was in (None for a PDF) and what went wrong on the way."""

    text: str
    encoding: str | None
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``; ``declared`` is an encoding the file names (an HTML meta charset), tried first."""
    decoded = _with_bom(data) or _utf16_without_bom(data)
    if decoded is None:
        if b"\x00" in data:
            raise InputError(BINARY)
        decoded = _declared(data, declared) or _utf8(data) or _single_byte(data)
    _check_text(decoded.text)
    return decoded


def _with_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace").lstrip("\ufeff")
            name = encoding.replace("-sig", "")
            return Decoded(text, f"{name} with BOM", _replaced(text, name))
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """ASCII-heavy UTF-16 shows as a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    for nulls, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nulls > 0.4 * half and others == 0:
            text = data.decode(encoding, errors="replace")
            return Decoded(text, encoding, _replaced(text, encoding))
    return None


def _declared(data: bytes, declared: str | None) -> Decoded | None:
    if not declared:
        return None
    try:
        return Decoded(data.decode(declared), codecs.lookup(declared).name)
    except (LookupError, UnicodeDecodeError):
        return None


def _utf8(data: bytes) -> Decoded | None:
    """Strict UTF-8, or UTF-8 with a few broken sequences when it has valid ones too."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8", errors="surrogateescape")
    broken = sum(1 for char in loose if "\udc80" <= char <= "\udcff")
    multibyte = sum(1 for char in loose if char > "\x7f" and not "\udc80" <= char <= "\udcff")
    if multibyte == 0 or broken > multibyte:
        return None  # no sign of UTF-8: a single-byte encoding
    text = data.decode("utf-8", errors="replace")
    return Decoded(text, "utf-8", [f"invalid UTF-8: {broken} byte(s) could not be decoded and were replaced"])


def _single_byte(data: bytes) -> Decoded:
    best = charset_normalizer.from_bytes(data, cp_isolation=list(WESTERN_ENCODINGS)).best()
    encoding = best.encoding if best is not None else "latin_1"
    name = codecs.lookup(encoding).name
    return Decoded(data.decode(encoding, errors="replace"), name)


def _replaced(text: str, encoding: str) -> list[str]:
    count = text.count("\ufffd")
    return [f"invalid {encoding.upper()}: {count} character(s) replaced"] if count else []


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise InputError(BINARY)
    controls = len(_CONTROL.findall(text))
    if text and controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError(BINARY)
