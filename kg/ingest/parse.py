"""Text to a :class:`~kg.model.Notice`: normalise, split languages, read headers and sections.

A notice usually holds the English and the French version of one vacancy,
one after the other.  Each version ("half") has a header ("Primary
Location: Belgium-Brussels", "Date de retrait : 16-mai-2024") and sections
("1. SUMMARY", "4. STRUCTURE ET LIAISONS", "SUMMARY").
:func:`parse_notice` turns such text into a :class:`~kg.model.Notice` with
one :class:`~kg.model.NoticePart` per language, English first.

The parser is deliberately forgiving: it never raises on odd text, it
returns empty headers or fewer sections instead.  Text copied from job
boards is repaired first (:func:`normalise`): a header squashed onto one
line is split into its fields, a section heading run into its text is put
on a line of its own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain

from kg.model import Header, Lang, Notice, NoticePart, NoticeSection

__all__ = ["normalise", "parse_notice", "starts_block"]


# ============================================================== normalising

_NEWLINE = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_NEWLINE_CHARS = "\r\u2028\u2029\x0b\x0c\x85"
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
#: The characters _CHAR_MAP changes: one regular expression finds them faster than
#: ``str.translate`` looks up every character of a notice.
_MAPPED_CHAR = re.compile("[" + "".join(re.escape(chr(code)) for code in _CHAR_MAP) + "]")

_MD_RULE = re.compile(r"^[ ]*([-*_])(?:[ ]*\1){2,}[ ]*$", re.M)
#: What every rule holds, found faster than a rule: the same mark three times, spaces between.
_MD_RULE_HINT = re.compile(r"([-*_])[ ]*\1[ ]*\1")
_MD_HEADING = re.compile(r"^[ ]*#{1,6}[ ]+", re.M)
#: Written as two alternatives rather than "!?\\[" so that the search can skip to a "!" or "[".
_MD_LINK = re.compile(r"(?:!\[|\[)([^\[\]\n]*)\]\([^()\n]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
#: **bold**, possibly over a line break but never over a blank line (and bounded,
#: so that a stray "**" costs a short scan, not one to the end of the text).
_MD_BOLD = re.compile(r"\*\*(?<!\\\*\*)(?=\S)((?:(?!\n[ ]*\n).){1,1000}?)(?<=\S)\*\*", re.S)
#: *italic*; a star followed by a space ("* item") or inside a word is left alone.
#: Bold and italic open on the star and look behind it afterwards, so that the search skips to the next star.
_MD_ITALIC = re.compile(r"\*(?<![*\w\\]\*)(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![*\w])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")
#: (pattern, replacement, text every match holds): a rule is run only on a text that holds it.
_MARKDOWN_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (_MD_HEADING, "", "# "),
    (_MD_LINK, r"\1", "]("),
    (_MD_AUTOLINK, r"\1", ":"),
    (_MD_BOLD, r"\1", "**"),
    (_MD_ITALIC, r"\1", "*"),
    (_MD_ESCAPE, r"\1", "\\"),
)

_SPACE_RUN = re.compile(r"  +")
_BLANK_RUN = re.compile(r"\n\n\n+")
#: A line that ends a sentence: ".", "!", "?", ";", ":" maybe followed by closing quotes/brackets.
_TERMINAL = re.compile(r"[.!?;:…][\"'»”)\]]*$")
_HYPHEN_WRAP = re.compile(r"[^\W\d_]-$")


def normalise(text: str) -> str:
    """Clean a notice's text while keeping its line and paragraph structure.

    NFC, one kind of newline, spaces instead of tabs and no-break spaces, single
    spaces, straight apostrophes, no markdown markup (links, autolinks, bold,
    italic, headings, rules, escapes), at most one blank line in a row,
    paragraphs that a blank line cut mid-sentence joined back together, and
    lines that run several header fields or a heading and its text together
    split (see :func:`_unsquash`).
    """
    text = unicodedata.normalize("NFC", text)
    if any(char in text for char in _NEWLINE_CHARS):
        text = _NEWLINE.sub("\n", text)
    text = _MAPPED_CHAR.sub(_map_char, text)
    if _MD_RULE_HINT.search(text):
        text = _MD_RULE.sub("", text)
    for pattern, replacement, needed in _MARKDOWN_RULES:
        if needed in text:
            text = pattern.sub(replacement, text)
    text = "\n".join(line.strip() for line in _SPACE_RUN.sub(" ", text).split("\n"))
    text = _BLANK_RUN.sub("\n\n", text).strip()
    return "\n".join(chain.from_iterable(map(_unsquash, _join_broken_paragraphs(text).split("\n"))))


def _map_char(match: re.Match[str]) -> str:
    return match[0].translate(_CHAR_MAP)


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
    if line.isascii():  # the same test, in C: a capital letter and no small one
        return line.upper() == line != line.lower()
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
    ("summary", "en", r"(?:job |post )?(?:summary|context)|post description|background"),
    ("summary", "fr", r"resume(?: du poste)?|contexte(?: du poste)?|description du poste"),
    ("qualifications", "en", r"(?:essential |desirable )?qualifications?(?: and experience)?(?: required)?"),
    ("qualifications", "fr", r"qualifications?(?: et experience)?(?: requises?)?"),
    ("accountabilities", "en",
     r"(?:main |key )?(?:accountabilities|responsibilities)|(?:principal |main |key )?duties(?: and responsibilities)?"),
    ("accountabilities", "fr", r"(?:principales )?(?:responsabilites|fonctions)(?: principales)?|attributions"),
    ("interrelationships", "en", r"inter-?relationships|reporting (?:lines?|relationships?)"),
    ("interrelationships", "fr", r"structure et liaisons|liaisons|relations hierarchiques"),
    ("competencies", "en", r"competencies|competences"),
    ("competencies", "fr", r"competences"),
    ("contract", "en", r"contract(?: details)?"),
    ("contract", "fr", r"contrat"),
    ("application", "en", r"(?:useful )?information (?:regarding|on|about) (?:the )?application\b.*|how to apply"),
    ("application", "fr", r"informations utiles (?:concernant|sur)\b.*|comment postuler"),
    ("additional", "en", r"additional information"),
    ("additional", "fr", r"(?:informations|renseignements) complementaires"),
)
#: Words, one of which every match of a pattern in _SECTION_NAMES holds (folded).
_SECTION_WORDS: tuple[str, ...] = (
    "summary", "context", "description", "background", "resume", "qualification", "accountabilities",
    "responsibilities", "duties", "responsabilites", "fonctions", "attributions", "relations", "reporting",
    "liaisons", "competen", "contra", "information", "apply", "postuler", "renseignements",
)
_SECTION_WORD = re.compile("|".join(_SECTION_WORDS))
_SECTION_WORD_IN_CAPITALS = re.compile("|".join(word.upper() for word in _SECTION_WORDS))
_SECTION_PATTERNS: tuple[tuple[str, Lang, re.Pattern[str]], ...] = tuple(
    (key, lang, re.compile(pattern)) for key, lang, pattern in _SECTION_NAMES
)

_NUMBERED_HEADING = re.compile(r"^(?P<number>[0-9]{1,2})\s*[.)]\s*(?P<words>\S.*)$")
#: "5." alone: the heading words were wrapped onto the next line.
_BARE_NUMBER = re.compile(r"^[0-9]{1,2}\s*[.)]$")
_MAX_HEADING_LENGTH = 120


@lru_cache(maxsize=4096)
def _section_name(words: str) -> tuple[str, Lang | None] | None:
    """Map heading words ("MAIN ACCOUNTABILITIES", "Résumé") to (key, language).

    Cached: the same line is asked about when the languages are split, when
    the sections are cut and when a title or a paragraph break is judged.
    """
    folded = _fold(words).strip(" :.*#")
    if not _SECTION_WORD.search(folded):
        return None
    matches = [(key, lang) for key, lang, pattern in _SECTION_PATTERNS if pattern.fullmatch(folded)]
    if not matches:
        return None
    key = matches[0][0]
    langs = {lang for match_key, lang in matches if match_key == key}
    return key, (langs.pop() if len(langs) == 1 else None)


def _heading_at(lines: Sequence[str], index: int) -> _Heading | None:
    """The section heading starting at ``lines[index]``, if there is one.

    A heading is a known name, numbered ("3. MAIN ACCOUNTABILITIES",
    "1. Summary"), in capitals ("SUMMARY") or alone on its line in any case
    ("Summary", "Interrelationships:").  Numbered list items inside a
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
    if _is_upper_line(line) or not _TERMINAL.search(line.rstrip(":")):
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
    "Post Title": ("title", "en"),
    "Job Title": ("title", "en"),
    "Title": ("title", "en"),
    "Intitulé du poste": ("title", "fr"),
    "Titre du poste": ("title", "fr"),
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
_BULLET_MARK = re.compile(r"^[-*•–]\s+")
_OTHER_FIELD = re.compile(r"^[A-ZÀ-Ý][\w '()/-]{1,40}?\s*:\s*\S")
_DESCRIPTION = re.compile(r"^Description\s*:?$", re.I)
_VACANCY_WORDS = (
    r"(?:VACANCY\s+NOTI(?:FICATION|CE)|NOTIFICATION\s+DE\s+(?:LA\s+)?VACANCE(?:\s+DU\s+POSTE)?"
    r"|AVIS\s+DE\s+VACANCE|VACANCE\s+DE\s+POSTE)"
)
_VACANCY = re.compile(rf"^{_VACANCY_WORDS}\b", re.I)
#: "VACANCY NOTIFICATION/ NOTIFICATION DE LA VACANCE DU POSTE", maybe with the title run on after it.
_VACANCY_HEAD = re.compile(rf"^{_VACANCY_WORDS}(?:\s*/\s*{_VACANCY_WORDS})?", re.I)
_VACANCY_ANYWHERE = re.compile(rf"(?:^|(?<=\s)){_VACANCY_WORDS}\b", re.I)
#: Letterhead "NATO NORTH ATLANTIC TREATY ORGANIZATION INTERNATIONAL STAFF".
_BANNER = re.compile(r"^(?:NATO|OTAN)\b\s*(?P<name>.*)$")
#: How far into a part a "VACANCY NOTIFICATION" line is looked for.
_LETTERHEAD_LINES = 12


def _match_label(line: str, loose: bool = False) -> _Label | None:
    """Read "Grade: NATO Grade G20", "Clearance Level CTS/A", "Date de retrait : 16-mai-2024".

    A label in lower case ("grade: g20") or after a bullet ("- Grade: G20")
    counts only with its colon, unless ``loose`` (inside a header already).
    """
    bare = _BULLET_MARK.sub("", line, count=1)
    match = _LABEL_LINE.match(bare)
    if match is None or not (loose or (bare == line and line[:1].isupper()) or match["colon"]):
        return None
    info = _LABEL_INFO.get(_fold(match["label"]))
    if info is None:  # pragma: no cover - every alternative comes from _LABELS
        return None
    return _Label(info[0], info[1], match["value"].strip(), match["colon"] is not None)


def _banner_name(line: str, loose: bool) -> str | None:
    """The organisation name of a letterhead line ("" for a bare "NATO"), None if not one.

    ``loose`` accepts any line in capitals, for lines above "VACANCY NOTIFICATION".
    A letterhead copied in lower case is given back its capitals.
    """
    if not _word_case(line.replace(" ", "")):
        return None
    match = _BANNER.match(line.upper())
    if match:
        return match["name"]
    return line if loose and _is_upper_line(line) else None


# ======================================================= lines run together

#: A known label and its colon anywhere in a line: "... Ref: 241797 Deadline: 13-Jan-2025".
_INLINE_LABEL = re.compile(
    r"(?:(?<=\s)|^)(?:"
    + "|".join(_label_pattern(label) for label in sorted(_LABELS, key=len, reverse=True))
    + r")\s*:(?=\s*\S)",
    re.I,
)
#: Labels recognisable without their colon inside a squashed header: several words, or "Grade" not after "NATO".
_INLINE_BARE_LABEL = re.compile(
    r"(?<=\s)(?:"
    + "|".join(_label_pattern(label) for label in sorted(_LABELS, key=len, reverse=True) if " " in label)
    + r"|(?<!NATO\s)Grade|Description:?)(?=\s|$)",
    re.I,
)
#: "NATO NORTH ATLANTIC ... STAFF OTAN ORGANISATION DU TRAITÉ ...": the English and French letterheads on one line.
_TWO_BANNERS = re.compile(r"^((NATO|OTAN)\b[^:]*?\S)\s+((?!\2)(?:OTAN|NATO)\b(?:(?!\s+(?:OTAN|NATO)\b).)*)$", re.I)
_TOKEN = re.compile(r"\S+")
_NUMBER_TOKEN = re.compile(r"^[0-9]{1,2}[.)]$")
#: A word of a line that _NUMBER_TOKEN matches.
_NUMBER_IN_LINE = re.compile(r"(?<!\S)[0-9]{1,2}[.)](?!\S)")
#: The last character of any word _TERMINAL matches.
_TERMINAL_LAST = frozenset(".!?;:…\"'»”)]")
#: The longest run of capitalised words looked at for a heading.
_MAX_HEADING_WORDS = 12


@lru_cache(maxsize=1 << 15)
def _unsquash(line: str, may_name: bool | None = None) -> tuple[str, ...]:
    """Split a line that runs letterheads, header fields, or a section heading and its text together.

    ``may_name`` is False for a line that holds no word of a section name
    (see :func:`_may_name_section`, which tells it when not given): it has
    no heading to split off.  Kept per line: notices repeat most of their
    lines (letterheads, headings, the contract and how to apply).
    """
    if not line:
        return (line,)
    if may_name is None:
        may_name = _may_name_section(line)
    for split in (_split_letterhead, _split_vacancy):
        pieces = split(line)
        if len(pieces) > 1:
            return tuple(part for piece in pieces for part in _unsquash(piece, may_name))
    if not may_name:
        return tuple(piece for field in _split_fields(line) for piece in _cut(field, []))
    return tuple(part for piece in _split_fields(line) for part in _split_headings(piece))


def _split_letterhead(line: str) -> list[str]:
    """"NATO NORTH ATLANTIC ... STAFF OTAN ORGANISATION DU TRAITÉ ...": one letterhead a line."""
    banners = _TWO_BANNERS.match(line)
    return [banners[1], banners[3]] if banners and _word_case(banners[1].replace(" ", "")) else [line]


def _split_vacancy(line: str) -> list[str]:
    """"VACANCY NOTIFICATION" on a line of its own, apart from the letterhead before it and the title after it."""
    if "vacan" not in line.lower():
        return [line]  # every form of the words holds "vacan"
    found = _VACANCY_ANYWHERE.search(line)
    before = line[:found.start()] if found else ""
    if found is None or (before and not (_is_upper_line(before) or _BANNER.match(before.upper()))):
        return [line]
    head = _VACANCY_HEAD.match(line[found.start():])
    end = found.start() + (head.end() if head else len(found[0]))
    return _cut(line, [found.start(), end])


def _split_fields(line: str) -> list[str]:
    """"Head, X Office Ref: 241797 Deadline: 13-Jan-2025" -> the title, then one line per field.

    A line with two labelled fields is a squashed header; in it, the labels
    that say what they are without a colon ("Clearance Level NS", "Grade NATO
    Grade G20", a closing "Description") start fields too.
    """
    if line.count(":") < 2:
        return [line]  # each field needs its colon
    starts = [match.start() for match in _INLINE_LABEL.finditer(line)]
    if len(starts) < 2:
        return [line]
    for match in _INLINE_BARE_LABEL.finditer(line):
        starts += [match.start(), match.end()] if _DESCRIPTION.match(match[0]) else [match.start()]
    return _cut(line, starts)


def _split_headings(line: str) -> list[str]:
    """"1. SUMMARY The Division leads ... 2. QUALIFICATIONS AND EXPERIENCE ESSENTIAL" -> headings on their own lines.

    A heading is a known section name in capitals, numbered anywhere in the
    line or unnumbered at its start or after a sentence; or numbered in lower
    case after a sentence, when the words after it change case or the line is
    long (text run together).  In a line all in capitals only a long line is cut.
    """
    if not (_may_name_section(line) and _may_hold_heading(line)):
        return _cut(line, [])
    if len(line) <= _MAX_HEADING_LENGTH and (_is_upper_line(line) or _is_heading_line(line)):
        return [line]
    words = _TOKEN.findall(line)
    spans: list[tuple[int, int]] = []  # [first word, end) of each heading
    for start in _heading_starts(words):
        if spans and start < spans[-1][1]:
            continue
        end = _inline_heading(words, start, long_line=len(line) > _MAX_HEADING_LENGTH)
        if end is not None:
            spans.append((start, end))
    offsets = _word_offsets(line, words, spans[-1][1] if spans else 0)
    return _cut(line, [cut for start, end in spans for cut in (offsets[start], offsets[end - 1] + len(words[end - 1]))])


def _heading_starts(words: Sequence[str]) -> list[int]:
    """Indices of the words a heading may start at: the first, one after a sentence's end, a number ("3.").

    The last character of a word is looked at before any pattern, so that the
    words inside sentences cost little.
    """
    if not words:
        return []
    found = {0}
    found.update(i + 1 for i, word in enumerate(words[:-1]) if word[-1] in _TERMINAL_LAST and _TERMINAL.search(word))
    found.update(i for i, word in enumerate(words) if word[-1] in ".)" and _NUMBER_TOKEN.match(word))
    return sorted(found)


def _word_offsets(line: str, words: Sequence[str], count: int) -> list[int]:
    """Where each of the first ``count`` words (runs of non-spaces, in order) starts in the line."""
    offsets: list[int] = []
    position = 0
    for word in words[:count]:
        position = line.index(word, position)
        offsets.append(position)
        position += len(word)
    return offsets


@lru_cache(maxsize=1 << 15)
def _may_name_section(line: str) -> bool:
    """Whether the line holds a word every section name has ("summary", "duties", "liaisons"...).

    Most lines hold none, and a search for each of those words (a few
    searches for a plain string cost less than one pattern of alternatives)
    costs less than looking for a heading at each word of the line.  Kept
    per line: notices repeat most of their lines.
    """
    bare = _ascii_folded(line)
    return any(word in bare for word in _SECTION_WORDS)


def _ascii_folded(text: str) -> str:
    """The text folded as :func:`_fold` folds it (accents and case dropped), then stripped of what is not
    ASCII: every word of a section name it holds stays whole."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFD", text).casefold().encode("ascii", "ignore").decode()


def _may_hold_heading(line: str) -> bool:
    """Whether a heading may be cut out of the line: one in capitals holds a word of a section name in
    capitals, one in lower case follows a number ("3."); a heading's words are all in one case.

    Accents are dropped (decomposed), capitals kept, before the capitals are looked for.
    """
    if _NUMBER_IN_LINE.search(line):
        return True
    bare = line if line.isascii() else unicodedata.normalize("NFD", line).encode("ascii", "ignore").decode()
    return _SECTION_WORD_IN_CAPITALS.search(bare) is not None


def _word_case(word: str) -> str | None:
    if _is_upper_line(word):
        return "upper"
    return "lower" if any(char.isalpha() for char in word) and not any(char.isupper() for char in word) else None


def _inline_heading(words: Sequence[str], index: int, long_line: bool) -> int | None:
    """The index after a heading starting at ``words[index]``, if one does."""
    numbered = bool(_NUMBER_TOKEN.match(words[index]))
    after_sentence = index == 0 or bool(_TERMINAL.search(words[index - 1]))
    if not numbered and not after_sentence:
        return None  # most words: inside a sentence, no heading can start here
    first = index + 1 if numbered else index
    case = _word_case(words[first]) if first < len(words) else None
    if case is None or (case == "lower" and not (numbered and after_sentence)):
        return None
    last = first
    while last < len(words) and last - first < _MAX_HEADING_WORDS and _word_case(words[last]) == case:
        last += 1
    for end in range(last, first, -1):
        if _section_name(" ".join(words[first:end])) is None:
            continue
        if case == "lower" and not (long_line or (end < len(words) and _word_case(words[end]) != "lower")):
            return None
        return end
    return None


def _cut(line: str, positions: Iterable[int]) -> list[str]:
    cuts = [0, *sorted({p for p in positions if 0 < p < len(line)}), len(line)]
    return [piece for a, b in zip(cuts, cuts[1:]) if (piece := line[a:b].strip())]


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


def starts_block(line: str) -> bool:
    """A line that stands on its own: a heading, a header field, a bullet, "Description", "VACANCY NOTIFICATION"."""
    return bool(
        _is_heading_line(line)
        or _match_label(line) is not None
        or _BULLET.match(line)
        or _DESCRIPTION.match(line)
        or _VACANCY.match(line)
    )


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
    code = _GRADE_CODE.search(value.upper())
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
    "title": lambda value: {},  # read by _build_header, with the reference it may carry
}


def _build_header(title: str | None, fields: dict[str, str]) -> Header:
    values: dict[str, object] = {}
    for name, raw in fields.items():
        values.update(_FIELD_READERS[name](raw))
    title = title or fields.get("title")
    if title and len(post_titles(title)) > 1:
        values["title"] = title  # several posts: kept whole, for split_posts
    elif title:
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
    has_reference = _split_reference(title)[1] is not None
    if has_reference:
        title, end = _more_posts(lines, title, end)
    following = _next_filled(lines, end)
    header_follows = following < len(lines) and _match_label(lines[following]) is not None
    if after_vacancy or (_is_title_like(first) and (header_follows or has_reference)):
        return title, end
    return None, index


def _more_posts(lines: Sequence[str], title: str, end: int) -> tuple[str, int]:
    """Titles of further posts the notice advertises, one a line, each with its reference."""
    following = _next_filled(lines, end)
    while following < len(lines) and _is_title_like(lines[following]) and _split_reference(lines[following])[1]:
        title = f"{title} / {lines[following]}"
        end = following + 1
        following = _next_filled(lines, end)
    return title, end


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
        label = _match_label(line, loose=bool(fields) or titled)
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


@dataclass(frozen=True)
class _Top:
    """What comes before a half's sections: letterhead names, title, header fields."""

    banner: list[str]
    title: str | None
    fields: dict[str, str]
    index: int  # of the first line after the header
    description: str | None  # the "Description" line that closed the header


def _read_top(lines: Sequence[str], start: int) -> _Top:
    index, banner, after_vacancy = _skip_letterhead(lines[start:])
    title, index = _read_title(lines, start + index, after_vacancy)
    fields, index, description = _read_header(lines, index, titled=title is not None)
    return _Top(banner, title, fields, index, description)


def _later_start(lines: Sequence[str]) -> int | None:
    """Where a notice starts below page furniture (a site's menu, a breadcrumb): None if nowhere.

    Looked for before the first section heading: a "VACANCY NOTIFICATION"
    line, or a header (two fields in a row), with the title line above it.
    """
    end = next((i for i in range(len(lines)) if _heading_at(lines, i)), len(lines))
    for index in range(1, end):
        line = lines[index]
        if _VACANCY.match(line):
            return index
        label = _match_label(line)
        if label is not None and label.colon and _label_follows(lines, index + 1):
            above = index - 1
            while above >= 0 and not lines[above]:
                above -= 1
            return above if above > 0 and _is_title_like(lines[above]) else index
    return None


def _parse_part(lines: Sequence[str], lang: Lang) -> tuple[NoticePart, list[str]]:
    top = _read_top(lines, 0)
    if top.title is None and not top.fields:
        later = _later_start(lines)
        if later is not None:
            top = _read_top(lines, later)
    part = NoticePart(
        lang=lang,
        header=_build_header(top.title, top.fields),
        sections=_split_sections(lines[top.index:], top.description),
    )
    return part, top.banner


# ============================================================ several posts

_POST_CODE = re.compile(rf"\(\s*{_REF_PREFIX}(?:{_REF_CODE})\s*\)")
#: What joins two post titles: "and", "et", "/", ";", ",", "&".
_POST_JOINER = re.compile(r"^\s*(?:and|et|&|/|;|,)\s*", re.I)


def post_titles(title: str) -> list[tuple[str, str]]:
    """("Head, A Section (PASP0109) and Head, B Section (PASP0016)") -> [(title, reference), ...].

    One entry per post: a title with several references in brackets
    advertises several posts.  A title with one reference gives one entry.
    """
    posts: list[tuple[str, str]] = []
    start = 0
    for code in _POST_CODE.finditer(title):
        piece = _POST_JOINER.sub("", title[start:code.end()]).strip()
        bare, reference = _split_reference(piece)
        if reference and bare:
            posts.append((bare, reference))
        start = code.end()
    return posts


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
