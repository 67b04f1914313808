"""PDF notices: the text layer, pages in order, lines rejoined into paragraphs.

pypdf reads each page's text in layout mode, which keeps the blank lines
between paragraphs; the lines of a paragraph are then joined again, and a
word hyphenated at a line end is mended ("sup-" + "port" is "support",
"decision-" + "making" stays "decision-making" when the notice writes it so
elsewhere).  A PDF without a text layer (a scan) has nothing to read.
"""

from __future__ import annotations

import io
import logging
import re

from kg.errors import InputError
from kg.ingest.encoding import Decoded
from kg.ingest.parse import starts_block

__all__ = ["read_pdf"]

NO_TEXT_LAYER = "no readable text: the PDF has no text layer (a scanned document? run it through OCR first)"
ENCRYPTED = "encrypted PDF: its text cannot be read without the password"
_HYPHENATED = re.compile(r"([^\W\d_]+)-\n[ ]*([^\W\d_]+)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes) -> Decoded:
    pages = _page_texts(data)
    if not any(page.strip() for page in pages):
        raise InputError(NO_TEXT_LAYER)
    text = "\n\n".join(_reflow(_mend_hyphens(page)) for page in pages if page.strip())
    return Decoded(text, None, [])


def _page_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader  # imported here: only PDF inputs need it

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(ENCRYPTED)
        return [_page_text(page) for page in reader.pages]
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever a damaged file makes the parser raise
        raise InputError(f"damaged PDF, cannot be read ({type(error).__name__})") from error


def _page_text(page) -> str:
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode trips on some odd pages; plain mode still reads them
        return page.extract_text()


def _mend_hyphens(text: str) -> str:
    """Join words hyphenated at a line end, keeping the hyphen when the text writes the word with one."""
    hyphenated = {word.casefold() for word in _WORD.findall(text) if "-" in word}

    def mend(match: re.Match[str]) -> str:
        left, right = match[1], match[2]
        keep = f"{left}-{right}".casefold() in hyphenated or right[:1].isupper()
        return f"{left}-{right}" if keep else f"{left}{right}"

    return _HYPHENATED.sub(mend, text)


def _reflow(text: str) -> str:
    """Join the lines of each paragraph; headings, header fields and bullets keep their own lines."""
    paragraphs = []
    for block in re.split(r"\n[ ]*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        paragraphs.append(_join_lines(lines))
    return "\n\n".join(p for p in paragraphs if p)


def _join_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if out and not starts_block(line) and not starts_block(out[-1]) and not _is_upper(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _is_upper(line: str) -> bool:
    return any(char.isalpha() for char in line) and not any(char.islower() for char in line)
