"""Ingest: read vacancy notices, normalise their text and split them up.

A notice file usually holds the English and the French version of one
vacancy, one after the other.  Each version ("half") has a header
("Primary Location: Belgium-Brussels", "Date de retrait : 16-mai-2024") and
numbered sections ("1. SUMMARY", "4. STRUCTURE ET LIAISONS").
:func:`parse_notice` turns such text into a :class:`~kg.model.Notice` with one
:class:`~kg.model.NoticePart` per language, English first.

The parser is deliberately forgiving: it never raises on odd text, it
returns empty headers or fewer sections instead.  Only :func:`read_notice`
and :func:`collect` raise, with an :class:`~kg.errors.InputError` naming the
file, when a path cannot be read as a text notice at all.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kg import config
from kg.errors import InputError
from kg.model import Header, Lang, Notice, NoticePart, NoticeSection

__all__ = ["collect", "normalise", "parse_notice", "read_notice"]


# ===================================================================== files


def collect(sources: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into a sorted list of notice files, without duplicates.

    Folders are searched recursively for files whose suffix is in
    ``config.NOTICE_SUFFIXES``; hidden files and folders (".git") are skipped.
    A file named explicitly is kept whatever its suffix.  Paths are made
    absolute (symlinks are not resolved, so file names stay as the user sees them).
    """
    found: dict[Path, None] = {}
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise InputError("no such file or directory", path=path)
        files = _notice_files_in(path) if path.is_dir() else [path]
        for file in files:
            found.setdefault(Path(os.path.abspath(file)), None)
    return sorted(found)


def _notice_files_in(folder: Path) -> list[Path]:
    suffixes = {suffix.lower() for suffix in config.NOTICE_SUFFIXES}
    return [
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in suffixes
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def read_notice(path: str | Path) -> Notice:
    """Read one notice file and parse it (see :func:`parse_notice`)."""
    path = Path(path)
    text = _decode(_read_bytes(path), path)
    if not normalise(text):
        raise InputError("empty file", path=path)
    return parse_notice(text, source=path.name)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError("no such file or directory", path=path)
    if path.is_dir():
        raise InputError("is a directory, not a notice file", path=path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", path=path) from exc


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Tried in order; latin-1 maps every byte, so decoding always ends there.
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _decode(data: bytes, path: Path) -> str:
    """Decode notice bytes; NUL bytes mean a binary file (UTF-16 with a BOM excepted)."""
    if data.startswith(_UTF16_BOMS):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise InputError("binary file, not a text notice", path=path)
    else:
        text = _decode_text(data)
    if "\x00" in text:
        raise InputError("binary file, not a text notice", path=path)
    return text


def _decode_text(data: bytes) -> str:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace")  # pragma: no cover - latin-1 never fails


# ============================================================== normalising

_NEWLINE = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CHAR_MAP = str.maketrans(
    {
        "\t": " ",
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space (French typography: "Grade :")
        "\u205f": " ",
        "\u3000": " ",
        "\u1680": " ",
        **{chr(code): " " for code in range(0x2000, 0x200B)},  # en/em/thin... spaces
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201b": "'",
        "\ufeff": None,  # byte order mark / zero-width no-break space
        "\u200b": None,  # zero-width space
        "\u2060": None,  # word joiner
        "\u00ad": None,  # soft hyphen
    }
)

_MD_RULE = re.compile(r"^[ ]*([-*_])(?:[ ]*\1){2,}[ ]*$", re.M)
_MD_HEADING = re.compile(r"^[ ]*#{1,6}[ ]+", re.M)
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
#: **bold**, possibly over a line break but never over a blank line (and bounded,
#: so that a stray "**" costs a short scan, not one to the end of the text).
_MD_BOLD = re.compile(r"(?<!\\)\*\*(?=\S)((?:(?!\n[ ]*\n).){1,1000}?)(?<=\S)\*\*", re.S)
#: *italic*; a star followed by a space ("* item") or inside a word is left alone.
_MD_ITALIC = re.compile(r"(?<![*\w\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![*\w])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")
_MARKDOWN_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_MD_RULE, ""),
    (_MD_HEADING, ""),
    (_MD_LINK, r"\1"),
    (_MD_AUTOLINK, r"\1"),
    (_MD_BOLD, r"\1"),
    (_MD_ITALIC, r"\1"),
    (_MD_ESCAPE, r"\1"),
)

_SPACE_RUN = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n{3,}")
#: A line that ends a sentence: ".", "!", "?", ";", ":" maybe followed by closing quotes/brackets.
_TERMINAL = re.compile(r"[.!?;:…][\"'»”)\]]*$")
_HYPHEN_WRAP = re.compile(r"[^\W\d_]-$")


def normalise(text: str) -> str:
    """Clean a notice's text while keeping its line and paragraph structure.

    NFC, one kind of newline, spaces instead of tabs and no-break spaces, single
    spaces, straight apostrophes, no markdown markup (links, autolinks, bold,
    italic, headings, rules, escapes), at most one blank line in a row, and
    paragraphs that a blank line cut mid-sentence joined back together.
    """
    text = unicodedata.normalize("NFC", text)
    text = _NEWLINE.sub("\n", text).translate(_CHAR_MAP)
    for pattern, replacement in _MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    text = "\n".join(_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text).strip()
    return _join_broken_paragraphs(text)


def _join_broken_paragraphs(text: str) -> str:
    """Undo page or copy-paste breaks: "relevant international\\n\\norganisations." is one paragraph."""
    pieces: list[str] = []
    previous = ""
    for paragraph in text.split("\n\n"):
        if pieces:
            if _continues_sentence(previous, paragraph):
                pieces.append("" if _HYPHEN_WRAP.search(previous[-2:]) else " ")
            else:
                pieces.append("\n\n")
        pieces.append(paragraph)
        previous = paragraph
    return "".join(pieces)


def _continues_sentence(previous: str, following: str) -> bool:
    last_line = previous[previous.rfind("\n") + 1 :]
    return (
        bool(last_line)
        and following[:1].islower()
        and not _TERMINAL.search(last_line)
        and not _is_upper_line(last_line)
        and not _is_heading_line(last_line)
    )


def _is_upper_line(line: str) -> bool:
    """True for "ESSENTIAL", "2. QUALIFICATIONS ET EXPÉRIENCE": letters, none lower-case."""
    return any(char.isalpha() for char in line) and not any(char.islower() for char in line)


def _fold(text: str) -> str:
    """Lower-case, accents removed, single spaces: for comparing words, not for output."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


# ============================================================ section heads


@dataclass(frozen=True)
class _Heading:
    key: str
    lang: Lang | None  # None when the words are the same in both languages
    text: str  # as written
    lines: int  # how many lines the heading takes


#: (section key, language, pattern over the folded heading words).
_SECTION_NAMES: tuple[tuple[str, Lang, str], ...] = (
    ("summary", "en", r"(?:job |post )?summary"),
    ("summary", "fr", r"resume(?: du poste)?"),
    ("qualifications", "en", r"qualifications?(?: and experience)?"),
    ("qualifications", "fr", r"qualifications?(?: et experience)?"),
    ("accountabilities", "en", r"(?:main |key )?(?:accountabilities|responsibilities)"),
    ("accountabilities", "fr", r"(?:principales )?responsabilites(?: principales)?|attributions"),
    ("interrelationships", "en", r"inter-?relationships|reporting lines?"),
    ("interrelationships", "fr", r"structure et liaisons|liaisons"),
    ("competencies", "en", r"competencies|competences"),
    ("competencies", "fr", r"competences"),
    ("contract", "en", r"contract(?: details)?"),
    ("contract", "fr", r"contrat"),
    ("application", "en", r"(?:useful )?information (?:regarding|on|about) (?:the )?application\b.*|how to apply"),
    ("application", "fr", r"informations utiles (?:concernant|sur)\b.*|comment postuler"),
    ("additional", "en", r"additional information"),
    ("additional", "fr", r"(?:informations|renseignements) complementaires"),
)
_SECTION_PATTERNS: tuple[tuple[str, Lang, re.Pattern[str]], ...] = tuple(
    (key, lang, re.compile(pattern)) for key, lang, pattern in _SECTION_NAMES
)

_NUMBERED_HEADING = re.compile(r"^(?P<number>[0-9]{1,2})\s*[.)]\s*(?P<words>\S.*)$")
#: "5." alone: the heading words were wrapped onto the next line.
_BARE_NUMBER = re.compile(r"^[0-9]{1,2}\s*[.)]$")
_MAX_HEADING_LENGTH = 120


def _section_name(words: str) -> tuple[str, Lang | None] | None:
    """Map heading words ("MAIN ACCOUNTABILITIES", "Résumé") to (key, language)."""
    folded = _fold(words).strip(" :.*#")
    matches = [(key, lang) for key, lang, pattern in _SECTION_PATTERNS if pattern.fullmatch(folded)]
    if not matches:
        return None
    key = matches[0][0]
    langs = {lang for match_key, lang in matches if match_key == key}
    return key, (langs.pop() if len(langs) == 1 else None)


def _heading_at(lines: Sequence[str], index: int) -> _Heading | None:
    """The section heading starting at ``lines[index]``, if there is one.

    A heading is a known name, numbered ("3. MAIN ACCOUNTABILITIES",
    "1. Summary") or in capitals ("SUMMARY").  Numbered list items inside a
    section do not match because the whole line must be a known name.
    """
    line = lines[index]
    if not line or len(line) > _MAX_HEADING_LENGTH:
        return None
    numbered = _NUMBERED_HEADING.match(line)
    if numbered:
        return _named_heading(lines, index, numbered["words"])
    if _BARE_NUMBER.match(line):
        return _wrapped_heading(lines, index)
    if _is_upper_line(line):
        return _named_heading(lines, index, line)
    return None


def _named_heading(lines: Sequence[str], index: int, words: str) -> _Heading | None:
    name = _section_name(words)
    if name is None:
        return None
    key, lang = name
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if following and _is_upper_line(words) and _is_upper_line(following):
        longer = _section_name(f"{words} {following}")
        if longer is not None and longer[0] == key:  # "7. USEFUL INFORMATION REGARDING APPLICATION AND" / "RECRUITMENT PROCESS"
            return _Heading(key, lang, f"{lines[index]} {following}", 2)
    return _Heading(key, lang, lines[index], 1)


def _wrapped_heading(lines: Sequence[str], index: int) -> _Heading | None:
    for ahead in (index + 1, index + 2):
        if ahead >= len(lines):
            return None
        words = lines[ahead]
        if not words:
            continue
        name = _section_name(words) if not _NUMBERED_HEADING.match(words) else None
        if name is None:
            return None
        return _Heading(name[0], name[1], f"{lines[index]} {words}", ahead - index + 1)
    return None


def _is_heading_line(line: str) -> bool:
    return _heading_at((line,), 0) is not None


# ============================================================ header labels


@dataclass(frozen=True)
class _Label:
    field: str
    lang: Lang | None
    value: str
    colon: bool


#: Header labels as written, mapped to (Header field, language or None when shared).
_LABELS: dict[str, tuple[str, Lang | None]] = {
    "Primary Location": ("location", "en"),
    "Location": ("location", "en"),
    "Duty Station": ("location", "en"),
    "Emplacement principal": ("location", "fr"),
    "Lieu d'affectation": ("location", "fr"),
    "NATO Body": ("body", "en"),
    "Organization": ("body", "en"),
    "Organisation": ("body", None),
    "Schedule": ("schedule", "en"),
    "Horaire": ("schedule", "fr"),
    "Application Deadline": ("deadline", "en"),
    "Deadline": ("deadline", "en"),
    "Closing Date": ("deadline", "en"),
    "Date de retrait": ("deadline", "fr"),
    "Date limite de candidature": ("deadline", "fr"),
    "Date limite": ("deadline", "fr"),
    "Date de clôture": ("deadline", "fr"),
    "Salary (Pay Basis)": ("salary", "en"),
    "Salary": ("salary", "en"),
    "Salaire (Base de paie)": ("salary", "fr"),
    "Salaire": ("salary", "fr"),
    "Grade": ("grade", None),
    "Clearance Level": ("clearance", "en"),
    "Security Clearance Level": ("clearance", "en"),
    "Security Clearance": ("clearance", "en"),
    "Clearance": ("clearance", "en"),
    "Niveau de l'habilitation de sécurité": ("clearance", "fr"),
    "Niveau d'habilitation de sécurité": ("clearance", "fr"),
    "Habilitation de sécurité": ("clearance", "fr"),
    "Reference Number": ("reference", "en"),
    "Reference": ("reference", None),  # folds to the same key as "Référence"
    "Ref.": ("reference", None),
    "Ref": ("reference", None),
}
#: Labels are looked up by their folded form, so "Référence" and "Reference" are one entry.
_LABEL_INFO: dict[str, tuple[str, Lang | None]] = {_fold(label): info for label, info in _LABELS.items()}
#: Letters that may carry an accent in a label ("securite" matches "sécurité").
_ACCENTED = {"a": "[aàâä]", "c": "[cç]", "e": "[eéèêë]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]"}


def _label_pattern(label: str) -> str:
    return "".join(_ACCENTED.get(char, r"\s+" if char == " " else re.escape(char)) for char in _fold(label))


_LABEL_LINE = re.compile(
    r"^(?P<label>"
    + "|".join(_label_pattern(label) for label in sorted(_LABELS, key=len, reverse=True))
    + r")(?:(?P<colon>\s*:\s*)|\s+)(?P<value>\S.*)$",
    re.I,
)
#: "Directorate: Operations": a header line whose label is not known.
_OTHER_FIELD = re.compile(r"^[A-ZÀ-Ý][\w '()/-]{1,40}?\s*:\s*\S")
_DESCRIPTION = re.compile(r"^Description\s*:?$", re.I)
_VACANCY = re.compile(
    r"^(?:VACANCY\s+NOTI(?:FICATION|CE)|NOTIFICATION\s+DE\s+(?:LA\s+)?VACANCE|AVIS\s+DE\s+VACANCE)\b", re.I
)
#: Letterhead "NATO NORTH ATLANTIC TREATY ORGANIZATION INTERNATIONAL STAFF".
_BANNER = re.compile(r"^(?:NATO|OTAN)\b\s*(?P<name>.*)$")
#: How far into a part a "VACANCY NOTIFICATION" line is looked for.
_LETTERHEAD_LINES = 12


def _match_label(line: str) -> _Label | None:
    """Read "Grade: NATO Grade G20", "Clearance Level CTS/A", "Date de retrait : 16-mai-2024"."""
    if not line[:1].isupper():
        return None
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    info = _LABEL_INFO.get(_fold(match["label"]))
    if info is None:  # pragma: no cover - every alternative comes from _LABELS
        return None
    return _Label(info[0], info[1], match["value"].strip(), match["colon"] is not None)


def _banner_name(line: str, loose: bool) -> str | None:
    """The organisation name of a letterhead line ("" for a bare "NATO"), None if not one.

    ``loose`` accepts any line in capitals, for lines above "VACANCY NOTIFICATION".
    """
    if not _is_upper_line(line):
        return None
    match = _BANNER.match(line)
    if match:
        return match["name"]
    return line if loose else None


# ====================================================== splitting languages


@dataclass
class _Block:
    """A run of header lines (blank lines allowed in between)."""

    start: int
    end: int
    labels: list[_Label] = field(default_factory=list)


@dataclass(frozen=True)
class _Anchor:
    """Where one language shows: a header block or a section heading."""

    start: int
    end: int
    lang: Lang
    is_header: bool


_ENGLISH_WORDS = frozenset("the and of to with for is are in on will be this".split())
_FRENCH_WORDS = frozenset("le la les des du et de pour avec est sont dans une un sur au aux".split())
_WORD = re.compile(r"[^\W\d_]+")


def _other(lang: Lang) -> Lang:
    return "fr" if lang == "en" else "en"


def _vote(langs: Iterable[Lang | None]) -> Lang | None:
    langs = list(langs)
    english, french = langs.count("en"), langs.count("fr")
    if english == french:
        return None
    return "en" if english > french else "fr"


def _guess_language(lines: Sequence[str]) -> Lang:
    """Fallback when neither headers nor headings tell: count common function words."""
    words = [word.casefold() for line in lines for word in _WORD.findall(line)]
    english = sum(word in _ENGLISH_WORDS for word in words)
    french = sum(word in _FRENCH_WORDS for word in words)
    return "fr" if french > english else "en"


def _headings(lines: Sequence[str]) -> list[tuple[int, _Heading]]:
    found: list[tuple[int, _Heading]] = []
    index = 0
    while index < len(lines):
        heading = _heading_at(lines, index)
        if heading is None:
            index += 1
            continue
        found.append((index, heading))
        index += heading.lines
    return found


def _header_blocks(lines: Sequence[str]) -> list[_Block]:
    """Runs of header lines that look like a real header, not a stray "Salary: ..." in a paragraph."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for index, line in enumerate(lines):
        if not line:
            continue
        label = _match_label(line)
        if label is None:
            current = None
            continue
        if current is None:
            current = _Block(index, index)
            blocks.append(current)
        current.end = index
        current.labels.append(label)
    return [block for block in blocks if len(block.labels) >= 2 or _ends_header(lines, block.end + 1)]


def _ends_header(lines: Sequence[str], index: int) -> bool:
    following = _next_filled(lines, index)
    return following >= len(lines) or bool(
        _DESCRIPTION.match(lines[following]) or _heading_at(lines, following)
    )


def _next_filled(lines: Sequence[str], index: int) -> int:
    while index < len(lines) and not lines[index]:
        index += 1
    return index


def _anchors(lines: Sequence[str]) -> list[_Anchor]:
    headings = [
        _Anchor(index, index + heading.lines - 1, heading.lang, False)
        for index, heading in _headings(lines)
        if heading.lang is not None
    ]
    headers: list[_Anchor] = []
    for block in _header_blocks(lines):
        lang = _vote(label.lang for label in block.labels) or next(
            (heading.lang for heading in headings if heading.start > block.end), None
        )
        if lang is not None:
            headers.append(_Anchor(block.start, block.end, lang, True))
    return sorted(headers + headings, key=lambda anchor: anchor.start)


def _language_spans(lines: Sequence[str]) -> list[tuple[int, int, Lang]]:
    """Split the lines into one (start, end, language) span per language half."""
    if not lines:
        return []
    anchors = _anchors(lines)
    first = anchors[0].lang if anchors else _guess_language(lines)
    split = _second_half_start(lines, anchors, first)
    if split is None or split <= 0:
        return [(0, len(lines), first)]
    return [(0, split, first), (split, len(lines), _other(first))]


def _second_half_start(lines: Sequence[str], anchors: Sequence[_Anchor], first: Lang) -> int | None:
    """First line of the half in the other language, or None for a one-language notice.

    A header block in the other language starts a half at once; section
    headings only when most headings after them agree, so that a stray
    heading word does not cut an English notice in two.
    """
    other = _other(first)
    for position, anchor in enumerate(anchors):
        if anchor.lang != other or position == 0:
            continue
        floor = anchors[position - 1].end + 1
        if anchor.is_header:
            return _half_start_before(lines, anchor.start, floor, need_reference=False)
        later = [a.lang for a in anchors[position:] if not a.is_header]
        if later.count(other) >= 2 and _vote(later) == other:
            return _half_start_before(lines, anchor.start, floor, need_reference=True)
    return None


def _half_start_before(lines: Sequence[str], index: int, floor: int, need_reference: bool) -> int:
    """Walk back from a half's header (or first heading) over its title and letterhead."""
    start = _title_start_before(lines, index, floor, need_reference)
    above = start - 1
    while above >= floor and not lines[above]:
        above -= 1
    if above >= floor and _VACANCY.match(lines[above]):
        start = above
        above -= 1
        while above >= floor and (not lines[above] or _banner_name(lines[above], loose=True) is not None):
            if lines[above]:
                start = above
            above -= 1
    return start


def _title_start_before(lines: Sequence[str], index: int, floor: int, need_reference: bool) -> int:
    last = index - 1
    while last >= floor and not lines[last]:
        last -= 1
    if last < floor or not _is_title_like(lines[last]):
        return index
    start = last
    if last - 1 >= floor and _is_title_like(lines[last - 1]) and _title_continues(lines[last - 1], lines[last]):
        start = last - 1
    if need_reference and _split_reference(" ".join(lines[start : last + 1]))[1] is None:
        return index
    return start


# ========================================================== titles and refs

_REF_CODE = r"[0-9]{5,7}|[A-Z]{2,}[A-Z0-9-]*[0-9][A-Z0-9]*"
_REF_PREFIX = r"(?:R[ée]f(?:erence|érence)?\.?\s*:?\s*)?"
#: "Head, Divisional Support Section and Executive Officer (XO) (241656)", "(PASP0109)".
_TITLE_REF_PARENS = re.compile(rf"^(?P<title>.*?\S)\s*\({_REF_PREFIX}(?P<ref>{_REF_CODE})\)$")
#: "Officer - Civil Preparedness Policy and Planning-240696", "Officer, ... - 250854".
_TITLE_REF_DASH = re.compile(rf"^(?P<title>.*?\S)\s*[-–—]\s*{_REF_PREFIX}(?P<ref>[0-9]{{5,7}})$")
_BARE_REFERENCE = re.compile(rf"^\(?{_REF_PREFIX}(?:{_REF_CODE})\)?$")
_REFERENCE_IN_VALUE = re.compile(rf"\b(?:{_REF_CODE})\b")
_TITLE_WRAPS_AFTER = ("-", "–", "—", ",", "(", "/", "&")
_SENTENCE_BREAK = re.compile(r"[^\W\d_]{2}[.!?] +[A-Z]")
_BULLET = re.compile(r"^(?:[-*•–]\s|[0-9]{1,2}[.)]\s)")
_MAX_TITLE_LENGTH = 200


def _split_reference(title: str) -> tuple[str, str | None]:
    """("Officer, Defence Planning (250138)") -> ("Officer, Defence Planning", "250138")."""
    for pattern in (_TITLE_REF_PARENS, _TITLE_REF_DASH):
        match = pattern.match(title)
        if match:
            return match["title"].rstrip(" -–—,"), match["ref"]
    return title, None


def _is_title_like(line: str) -> bool:
    """A short line that is not a sentence, a bullet, a heading or a header field."""
    return (
        0 < len(line) <= _MAX_TITLE_LENGTH
        and any(char.isalnum() for char in line)
        and not _TERMINAL.search(line)
        and not _SENTENCE_BREAK.search(line)
        and not _BULLET.match(line)
        and not _DESCRIPTION.match(line)
        and not _VACANCY.match(line)
        and _match_label(line) is None
        and not _is_heading_line(line)
    )


def _title_continues(title: str, following: str) -> bool:
    """Is ``following`` the wrapped end of a title ("... crises) -" / "250854")?"""
    return (
        bool(following)
        and (title.endswith(_TITLE_WRAPS_AFTER) or bool(_BARE_REFERENCE.match(following)) or following[0].islower())
        and _match_label(following) is None
        and not _DESCRIPTION.match(following)
        and not _is_heading_line(following)
    )


# ============================================================ header values

_ISO_DATE = re.compile(r"\b([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b([0-9]{1,2})(?:er)?[\s-]+([^\W\d_]{3,})\.?[\s-]+([0-9]{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([^\W\d_]{3,})\.?\s+([0-9]{1,2}),?\s+([0-9]{4})\b")
_NUMERIC_DATE = re.compile(r"\b([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})\b")

#: English and French month names and abbreviations, accents folded away.
_MONTHS: dict[str, int] = {
    **dict.fromkeys(("jan", "january", "janv", "janvier"), 1),
    **dict.fromkeys(("feb", "february", "fev", "fevr", "fevrier"), 2),
    **dict.fromkeys(("mar", "march", "mars"), 3),
    **dict.fromkeys(("apr", "april", "avr", "avril"), 4),
    **dict.fromkeys(("may", "mai"), 5),
    **dict.fromkeys(("jun", "june", "juin"), 6),
    **dict.fromkeys(("jul", "july", "juil", "juillet"), 7),
    **dict.fromkeys(("aug", "august", "aou", "aout"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre"), 9),
    **dict.fromkeys(("oct", "october", "octobre"), 10),
    **dict.fromkeys(("nov", "november", "novembre"), 11),
    **dict.fromkeys(("dec", "december", "decembre"), 12),
}

#: 8,754.21 / 8 754,21 / 9253.21 / 1.234,56
_AMOUNT = re.compile(r"[0-9]{1,3}(?:[ ,.'][0-9]{3})+(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]+)?")
_CURRENCY_CODE = re.compile(r"\(([A-Z]{3})\)")
_CURRENCY_WORD = re.compile(r"(?<![a-z])(euros?|eur|usd|dollars?|gbp|pounds?)(?![a-z])|[€$£]")
_CURRENCIES = {
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "€": "EUR",
    "usd": "USD", "dollar": "USD", "dollars": "USD", "$": "USD",
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "£": "GBP",
}  # fmt: skip
_PERIOD = re.compile(
    r"\b(monthly|annual(?:ly)?|yearly|weekly|daily|hourly|mensuel(?:le)?|annuel(?:le)?|hebdomadaire|journalier)\b",
    re.I,
)
#: "G20", "G17-G20", "A.4", "A2/A3".
_GRADE_CODE = re.compile(r"\b[A-Z]{1,3}\.?\s?[0-9]{1,2}(?:\s*[-–/]\s*[A-Z]{1,3}\.?\s?[0-9]{1,2})?\b")
_GRADE_PREFIX = re.compile(r"^(?:NATO\s+)?(?:Grade\s*:?\s*)?", re.I)
#: "Belgium-Brussels" -> country, city.
_COUNTRY_CITY = re.compile(r"^(?P<country>[^-–,]+?)\s*[-–]\s*(?P<city>[^-–,]+)$")


def _parse_date(value: str) -> str | None:
    """An ISO date from "16-May-2024, 11:59:00 PM", "15-déc.-2024", "2025-01-13", "13/01/2025"."""
    for reader in (_iso_date, _day_month_year, _month_day_year, _numeric_date):
        day = reader(value)
        if day is not None:
            return day
    return None


def _make_date(year: str, month: int | None, day: str) -> str | None:
    if month is None:
        return None
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def _iso_date(value: str) -> str | None:
    match = _ISO_DATE.search(value)
    return _make_date(match[1], int(match[2]), match[3]) if match else None


def _day_month_year(value: str) -> str | None:
    match = _DAY_MONTH_YEAR.search(value)
    return _make_date(match[3], _MONTHS.get(_fold(match[2])), match[1]) if match else None


def _month_day_year(value: str) -> str | None:
    match = _MONTH_DAY_YEAR.search(value)
    return _make_date(match[3], _MONTHS.get(_fold(match[1])), match[2]) if match else None


def _numeric_date(value: str) -> str | None:
    """Day first, as written in Europe: 13/01/2025 is 13 January."""
    match = _NUMERIC_DATE.search(value)
    return _make_date(match[3], int(match[2]), match[1]) if match else None


def _amount(text: str) -> float | None:
    """8,754.21 and 8 754,21 are both 8754.21; one separator before exactly three digits groups thousands."""
    digits = text.replace(" ", "").replace("'", "")
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    else:
        separator = "," if "," in digits else "."
        parts = digits.split(separator)
        decimal = separator if len(parts) == 2 and len(parts[1]) != 3 else ""
    thousands = {",", "."} - {decimal}
    for mark in thousands:
        digits = digits.replace(mark, "")
    try:
        return float(digits.replace(",", ".") if decimal else digits)
    except ValueError:
        return None


def _salary_fields(value: str) -> dict[str, object]:
    amount = _AMOUNT.search(value)
    period = _PERIOD.search(value)
    return {
        "salary": _amount(amount[0]) if amount else None,
        "currency": _currency(value),
        "salary_period": period[1].capitalize() if period else None,
    }


def _currency(value: str) -> str | None:
    code = _CURRENCY_CODE.search(value)
    if code:
        return code[1]
    word = _CURRENCY_WORD.search(value.casefold())
    return _CURRENCIES.get(word[0]) if word else None


def _grade(value: str) -> str | None:
    code = _GRADE_CODE.search(value)
    if code:
        return re.sub(r"\s+", "", code[0])
    rest = _GRADE_PREFIX.sub("", value).strip()
    return rest or None


def _location(value: str) -> str:
    """"Belgium-Brussels" -> "Brussels, Belgium"; anything else as written."""
    match = _COUNTRY_CITY.match(value)
    return f"{match['city'].strip()}, {match['country'].strip()}" if match else value


def _reference(value: str) -> str:
    code = _REFERENCE_IN_VALUE.search(value)
    return code[0] if code else value.strip(" .")


_FIELD_READERS: dict[str, Callable[[str], dict[str, object]]] = {
    "location": lambda value: {"location": _location(value)},
    "body": lambda value: {"body": value},
    "schedule": lambda value: {"schedule": value},
    "deadline": lambda value: {"deadline": _parse_date(value)},
    "salary": _salary_fields,
    "grade": lambda value: {"grade": _grade(value)},
    "clearance": lambda value: {"clearance": value},
    "reference": lambda value: {"reference": _reference(value)},
}


def _build_header(title: str | None, fields: dict[str, str]) -> Header:
    values: dict[str, object] = {}
    for name, raw in fields.items():
        values.update(_FIELD_READERS[name](raw))
    if title:
        bare_title, reference = _split_reference(title)
        values["title"] = bare_title or None
        if not values.get("reference"):
            values["reference"] = reference
    return Header(**values)  # type: ignore[arg-type]


# ================================================================ one half


def _skip_letterhead(lines: Sequence[str]) -> tuple[int, list[str], bool]:
    """Skip blank, letterhead and "VACANCY NOTIFICATION" lines.

    Returns the next line's index, the organisation names of the letterhead
    and whether a "VACANCY NOTIFICATION" line was seen.
    """
    vacancy = next((i for i, line in enumerate(lines[:_LETTERHEAD_LINES]) if _VACANCY.match(line)), None)
    names: list[str] = []
    seen_vacancy = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if _VACANCY.match(line):
            seen_vacancy = True
        elif line and seen_vacancy:
            break
        elif line:
            name = _banner_name(line, loose=vacancy is not None and index < vacancy)
            if name is None:
                break
            if name:
                names.append(name)
        index += 1
    return index, names, seen_vacancy


def _read_title(lines: Sequence[str], index: int, after_vacancy: bool) -> tuple[str | None, int]:
    """The title at ``lines[index]`` (maybe wrapped over a few lines) and the index after it.

    The line after "VACANCY NOTIFICATION" is the title; otherwise a title-like
    line counts only when header lines follow it or it carries a reference.
    """
    if index >= len(lines) or _is_heading_line(lines[index]) or _DESCRIPTION.match(lines[index]):
        return None, index
    first = lines[index]
    label = _match_label(first)
    if label is not None and (label.colon or not after_vacancy):
        return None, index
    taken = [first]
    end = index + 1
    while end < len(lines) and len(taken) < 3 and _title_continues(taken[-1], lines[end]):
        taken.append(lines[end])
        end += 1
    title = " ".join(taken)
    following = _next_filled(lines, end)
    header_follows = following < len(lines) and _match_label(lines[following]) is not None
    has_reference = _split_reference(title)[1] is not None
    if after_vacancy or (_is_title_like(first) and (header_follows or has_reference)):
        return title, end
    return None, index


def _read_header(lines: Sequence[str], index: int, titled: bool) -> tuple[dict[str, str], int, str | None]:
    """Header fields from ``lines[index]`` on; returns them, the next index and a "Description" line.

    A field without a colon ("Grade NATO Grade G20") is only trusted inside a
    header, so that a paragraph starting "Location ..." is not read as one.
    """
    fields: dict[str, str] = {}
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        if _DESCRIPTION.match(line):
            return fields, index + 1, line
        label = _match_label(line)
        if label is None:
            if fields and _OTHER_FIELD.match(line) and _label_follows(lines, index + 1):
                index += 1  # an unknown field inside the header
                continue
            break
        if not (label.colon or titled or fields or _label_follows(lines, index + 1)):
            break
        fields.setdefault(label.field, label.value)
        index += 1
    return fields, index, None


def _label_follows(lines: Sequence[str], index: int) -> bool:
    following = _next_filled(lines, index)
    return following < len(lines) and (
        _match_label(lines[following]) is not None or bool(_DESCRIPTION.match(lines[following]))
    )


def _split_sections(lines: Sequence[str], description_heading: str | None) -> tuple[NoticeSection, ...]:
    """Cut the body at its headings; text before the first heading is the "description"."""
    sections: list[NoticeSection] = []
    key, heading, body = "description", description_heading or "Description", []
    index = 0
    while index < len(lines):
        found = _heading_at(lines, index)
        if found is None:
            body.append(lines[index])
            index += 1
            continue
        _close_section(sections, key, heading, body)
        key, heading, body = found.key, found.text, []
        index += found.lines
    _close_section(sections, key, heading, body)
    return tuple(sections)


def _close_section(sections: list[NoticeSection], key: str, heading: str, body: list[str]) -> None:
    text = "\n".join(body).strip()
    if text or key != "description":
        sections.append(NoticeSection(key=key, heading=heading, text=text))


def _parse_part(lines: Sequence[str], lang: Lang) -> tuple[NoticePart, list[str]]:
    index, banner, after_vacancy = _skip_letterhead(lines)
    title, index = _read_title(lines, index, after_vacancy)
    fields, index, description = _read_header(lines, index, titled=title is not None)
    part = NoticePart(lang=lang, header=_build_header(title, fields), sections=_split_sections(lines[index:], description))
    return part, banner


# ================================================================== notice


def parse_notice(text: str, source: str = "<text>") -> Notice:
    """Normalise a notice's text and split it into language parts, headers and sections.

    Never raises: text that is not a notice gives a part with an empty
    header and, at most, a "description" section; empty text gives no parts.
    """
    clean = normalise(text)
    lines = clean.split("\n") if clean else []
    parts: list[NoticePart] = []
    banner: list[str] = []
    for start, end, lang in _language_spans(lines):
        part, names = _parse_part(lines[start:end], lang)
        parts.append(part)
        for name in names:
            if name not in banner:
                banner.append(name)
    parts.sort(key=lambda part: part.lang != "en")
    return Notice(
        source=source,
        sha256=hashlib.sha256(clean.encode("utf-8", "surrogatepass")).hexdigest(),
        text=clean,
        parts=tuple(parts),
        banner=tuple(banner),
    )
