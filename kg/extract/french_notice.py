"""Reading a notice that has only its French half.

English names end in their head noun; French names open with it ("Section
Gestion des talents", "Direction Ressources humaines", "Comité du budget").
From the French half this module reads:

- units: a run of words opening at a French head noun and closed by an
  acronym in brackets ("la Section Gestion des talents (TMS)"), or, without
  one, the longest run that is a name the notice gives elsewhere; "la
  Division" alone is the notice's division, "la Direction" the last named;
- public NATO bodies named by their acronym ("le CMX", "l'OTAN");
- containment: "la Section X de la Direction", "Au sein de la Division, la
  Direction Y", "la Direction Y, au sein de DI"; a directorate or section
  placed nowhere sits in the notice's division, a division in the NATO body;
- the reporting line: "relève de la/du chef de la Section X et, par son
  intermédiaire, de la directrice/du directeur de la Direction Y";
- the post: the unit its title heads ("Chef(fe) de la Section X"), else
  the unit of its direct superior.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.extract import french
from kg.extract.acronyms import looks_like_acronym
from kg.extract.entities import name_key, reference_body
from kg.extract.lexicon import FR_HEADS, ROLE_UNIT_TYPES, fold
from kg.model import POST, Evidence, Extraction, NoticePart, PostInfo, ReportingLine

if TYPE_CHECKING:
    from kg.extract.notice import NoticeReader

NO_ENGLISH = "no English text: read from the French half"
SECTIONS = ("title", "description", "summary", "qualifications", "accountabilities", "interrelationships")
_FOLDED_HEADS = {fold(head): kind for head, kind in FR_HEADS.items()}
_UNIT_RANK = {"Group": 0, "Section": 1, "Office": 1, "Directorate": 2, "Division": 3}
_PARAGRAPHS = re.compile(r"\n\s*\n")
_SENTENCES = re.compile(r"(?<=[.;!?])\s+|\n+")
_ACRONYM_TOKEN = re.compile(r"(?<![\w'’])[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?![\w'’])")

#: French role words, most specific first, and the role they stand for.
ROLES: tuple[tuple[str, str], ...] = (
    (r"secr[ée]taire\s+g[ée]n[ée]ral(?:\(?e\)?)?\s+adjoint(?:\(?e\)?)?\s+d[ée]l[ée]gu[ée](?:\(?e\)?)?",
     "Deputy Assistant Secretary General"),
    (r"secr[ée]taire\s+g[ée]n[ée]ral(?:\(?e\)?)?\s+adjoint(?:\(?e\)?)?", "Assistant Secretary General"),
    (r"secr[ée]taire\s+g[ée]n[ée]ral(?:\(?e\)?)?\s+d[ée]l[ée]gu[ée](?:\(?e\)?)?", "Deputy Secretary General"),
    (r"secr[ée]taire\s+g[ée]n[ée]ral(?:\(?e\)?)?", "Secretary General"),
    (r"(?:directeur|directrice)(?:\s*\(trice\))?\s+(?:adjoint|adjointe|d[ée]l[ée]gu[ée])(?:\(?e\)?)?", "Deputy Director"),
    (r"directeur|directrice", "Director"),
    (r"chef(?:fe)?(?:\(fe\))?", "Head"),
)
_ROLE = re.compile("|".join(f"(?P<r{i}>{pattern})" for i, (pattern, _) in enumerate(ROLES)), re.I)
_REPORTS = re.compile(r"\brel[èe]ve(?:nt)?\s+(?:directement\s+)?", re.I)
_THROUGH = re.compile(r"par\s+(?:son|leur|l')\s*interm[ée]diaire", re.I)
_LINKS = r"(?:de\s+la|de\s+l'|du|des|de|d'|pour\s+les|pour\s+la|pour\s+le|pour\s+l'|pour)"
_UNIT_AFTER_ROLE = re.compile(rf"^\s*(?:,\s*)?(?:{_LINKS}\s*)?(?:la\s+|le\s+|l')?\{{(e\d+)\}}", re.I)
_WITHIN_LEAD = re.compile(r"^\s*(?:Au\s+sein\s+d[eu]|Dans|Au\s+sein\s+de\s+l')\s*(?:la\s+|le\s+|l')?\{(e\d+)\}\s*,\s*(?:la\s+|le\s+|l')?\{(e\d+)\}", re.I)
_WITHIN_AFTER = re.compile(r"\{(e\d+)\}\s*,?\s*(?:au\s+sein|à\s+l'intérieur)\s+d[eu]\s*(?:la\s+|le\s+|l')?\{(e\d+)\}", re.I)
_OF = re.compile(r"\{(e\d+)\}\s+(?:de\s+la|du|de\s+l'|des|de)\s*\{(e\d+)\}", re.I)
_DIRECT = re.compile(r"subordonn[^:\n]*?(?<!in)direct[^:\n]*:\s*(\d+)", re.I)
_INDIRECT = re.compile(r"subordonn[^:\n]*?indirect[^:\n]*:\s*(\d+)", re.I)
_TITLE_HEAD = re.compile(r"^\s*(?:chef(?:fe)?(?:\(fe\))?|cheffe)(?:\s*/\s*chef(?:fe)?)?", re.I)
_ROLE_JOINER = re.compile(r"\s*(?:/|et|ou)?\s*(?:du|de\s+la|de|la|le|l')?\s*", re.I)
#: "la directrice/du directeur": the same role twice, feminine and masculine.
_DOUBLET = re.compile(r"\b(?:directrice|cheffe|secr[ée]taire\s+g[ée]n[ée]rale)\s*/\s*(?:du|de\s+la|le|la|l')\s*", re.I)
_WORDS_AFTER_ROLE = re.compile(rf"^(?:\s*\([^)]*\))*\s*(?:,\s*)?(?P<link>{_LINKS})\s*(?P<words>[^{{}},.;:()]+)", re.I)
#: The French head that names a unit of each kind, for a unit named by words only.
_HEAD_OF_TYPE = {"Directorate": "Direction", "Division": "Division", "Section": "Section", "Office": "Bureau"}


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    entity: str


@dataclass(frozen=True)
class _Masked:
    text: str  # the sentence as written
    masked: str  # names replaced by "{e3}"
    section: str


def read_french(reader: NoticeReader, part: NoticePart, texts: list[tuple[str, str]]) -> Extraction:
    """Everything the French half of a notice states, read into ``reader``'s entity table."""
    reader.warnings.append(NO_ENGLISH)
    reader._read_letterhead()
    _read_body(reader, part)
    _define_named_units(reader, texts)
    sentences = _masked_sentences(reader, texts)
    home = next((e.id for e in reader.table.of_type("Division") if e.id not in reader.banner_ids), None)
    _containment(reader, sentences)
    reporting = _reporting(reader, sentences)
    reader._default_parents(home)
    unit = _post_unit(reader, sentences, reporting)
    reader._reporting_containment(reporting, unit, [])
    direct, indirect = _report_counts(part.text_of("interrelationships"))
    used = {e.id for e in reader.table.entities}
    return Extraction(
        notice=reader.notice,
        entities=reader.table.entities,
        relations=[r for r in reader.relations if (r.subject == POST or r.subject in used) and r.object in used],
        reporting=[r for r in reporting if r.unit],
        post=PostInfo(part.header.title, unit, direct, indirect),
        body=reader.body_id,
        warnings=reader.warnings,
    )


def french_texts(part: NoticePart, restore) -> list[tuple[str, str]]:
    """(paragraph, section) pairs of the half, the title first, case restored by ``restore``."""
    texts = [(part.header.title, "title")] if part.header.title else []
    for section in part.sections:
        if section.key in SECTIONS:
            texts += [(p.strip(), section.key) for p in _PARAGRAPHS.split(section.text) if p.strip()]
    return [(restore(text), key) for text, key in texts]


# ------------------------------------------------------------------ names


def _read_body(reader: NoticeReader, part: NoticePart) -> None:
    """"Organisation : OTAN SI": the NATO body of the header."""
    raw = part.header.body
    if not raw:
        return
    evidence = Evidence(f"Organisation : {raw}", "fr", "header")
    body = reference_body(raw)
    entity = reader.table.add(body.type if body else "Organization", raw.strip(), None, lang="fr",
                              surface=raw, evidence=evidence)
    reader.body_id = entity.id


def _head_type(candidate: french.Candidate) -> str | None:
    head = candidate.text.split()[0] if candidate.text.split() else ""
    return _FOLDED_HEADS.get(fold(head.rstrip("'’")))


def _define_named_units(reader: NoticeReader, texts: list[tuple[str, str]]) -> None:
    """Units named with their acronym in brackets: "la Direction Ressources humaines (HRD)"."""
    for text, section in texts:
        for sentence in _SENTENCES.split(text):
            for candidate in french.candidates(sentence):
                kind = _head_type(candidate)
                if candidate.acronym and kind:
                    _add(reader, kind, candidate.text, candidate.acronym, sentence, section)


def _add(reader: NoticeReader, kind: str, name: str | None, acronym: str | None, sentence: str, section: str) -> str:
    evidence = Evidence(sentence.strip(), "fr", section)
    entity = reader.table.add(kind, name, acronym, lang="fr", surface=name or acronym, evidence=evidence,
                              key=name_key(name) if name else None)
    if acronym and acronym not in entity.acronyms:
        entity.acronyms.append(acronym)
    return entity.id


def _known_name(reader: NoticeReader, text: str) -> str | None:
    key = name_key(text)
    for entity in reader.table.entities:
        if any(name_key(name) == key for name in entity.names.get("fr", [])):
            return entity.id
    return None


def _spans(reader: NoticeReader, sentence: str, section: str, last: dict[str, str]) -> list[_Span]:
    """The names of one sentence, each as the entity it names."""
    spans: list[_Span] = []
    by_start: dict[int, list[french.Candidate]] = {}
    position = 0
    for candidate in french.candidates(sentence):
        start = sentence.find(candidate.text, position if candidate.text[:1] else 0)
        start = start if start >= 0 else sentence.find(candidate.text)
        by_start.setdefault(start, []).append(candidate)
    for start, runs in sorted(by_start.items()):
        span = _span_at(reader, sentence, section, start, runs, last)
        if span is not None and not any(s.start <= span.start < s.end for s in spans):
            spans.append(span)
            last[reader.table.get(span.entity).type] = span.entity
    spans += _acronym_spans(reader, sentence, section, spans)
    return sorted(spans, key=lambda s: s.start)


def _span_at(reader: NoticeReader, sentence: str, section: str, start: int, runs: list[french.Candidate],
             last: dict[str, str]) -> _Span | None:
    kind = _head_type(runs[0])
    if kind is None:
        return None
    with_acronym = [run for run in runs if run.acronym]
    if with_acronym:
        run = with_acronym[0]
        entity = _add(reader, kind, run.text, run.acronym, sentence, section)
        end = sentence.find(")", start + len(run.text)) + 1 or start + len(run.text)
        return _Span(start, end, entity)
    for run in sorted(runs, key=lambda r: -len(r.text)):
        entity = _known_name(reader, run.text)
        if entity:
            reader.table.get(entity).evidence.append((run.text, Evidence(sentence.strip(), "fr", section)))
            return _Span(start, start + len(run.text), entity)
    if len(runs[0].text.split()) == 1 and kind in ("Division", "Directorate", "Section"):
        target = last.get(kind) or next((e.id for e in reader.table.of_type(kind) if e.id not in reader.banner_ids), None)
        return _Span(start, start + len(runs[0].text), target) if target else None
    return None


def _acronym_spans(reader: NoticeReader, sentence: str, section: str, taken: list[_Span]) -> list[_Span]:
    """Bare acronyms: a unit named elsewhere, or a public NATO body ("le CMX", "l'OTAN")."""
    found = []
    for match in _ACRONYM_TOKEN.finditer(sentence):
        if any(s.start <= match.start() < s.end for s in taken) or not looks_like_acronym(match[0]):
            continue
        known = reader.table.by_acronym(match[0])
        if known is not None:
            found.append(_Span(match.start(), match.end(), known.id))
            continue
        body = reference_body(None, match[0])
        if body is not None:
            found.append(_Span(match.start(), match.end(), _add(reader, body.type, None, match[0], sentence, section)))
    return found


def _masked_sentences(reader: NoticeReader, texts: list[tuple[str, str]]) -> list[_Masked]:
    masked = []
    last: dict[str, str] = {}
    for text, section in texts:
        for sentence in _SENTENCES.split(text):
            if not sentence.strip():
                continue
            spans = _spans(reader, sentence, section, last)
            masked.append(_Masked(sentence.strip(), _mask(sentence, spans).strip(), section))
    return masked


def _mask(sentence: str, spans: list[_Span]) -> str:
    pieces, position = [], 0
    for span in spans:
        if span.start < position:
            continue
        pieces += [sentence[position:span.start], "{" + span.entity + "}"]
        position = span.end
    return "".join(pieces + [sentence[position:]])


# ---------------------------------------------------------------- relations


def _containment(reader: NoticeReader, sentences: list[_Masked]) -> None:
    types = {e.id: e.type for e in reader.table.entities}
    for sentence in sentences:
        pairs = [(m[2], m[1]) for m in _WITHIN_LEAD.finditer(sentence.masked)]
        pairs += [(m[1], m[2]) for m in _WITHIN_AFTER.finditer(sentence.masked)]
        pairs += [(m[1], m[2]) for m in _OF.finditer(sentence.masked)]
        for child, parent in pairs:
            if _UNIT_RANK.get(types.get(child, ""), 9) < _UNIT_RANK.get(types.get(parent, ""), -1) \
                    and parent not in reader.banner_ids:
                reader._relate(child, "partOf", parent, Evidence(sentence.text, "fr", sentence.section))


def _reporting(reader: NoticeReader, sentences: list[_Masked]) -> list[ReportingLine]:
    for sentence in sentences:
        if sentence.section == "title":
            continue
        found = _REPORTS.search(sentence.masked)
        if not found:
            continue
        rest = _DOUBLET.sub("", sentence.masked[found.end():])
        through = _THROUGH.search(rest)
        pieces = [rest[:through.start()], rest[through.end():]] if through else [rest]
        lines = [line for order, piece in enumerate(pieces, 1) if (line := _superior(reader, piece, order, sentence))]
        if lines:
            return lines
    reader.warnings.append("no reporting line found")
    return []


def _superior(reader: NoticeReader, piece: str, order: int, sentence: _Masked) -> ReportingLine | None:
    roles: list[str] = []
    end = 0
    for match in _ROLE.finditer(piece):
        if roles and not _ROLE_JOINER.fullmatch(piece[end:match.start()]):
            break  # "directeur délégué(e) et chef" is one superior; a role further on is someone else
        role = ROLES[int(match.lastgroup[1:])][1]
        if role not in roles:
            roles.append(role)
        end = match.end()
    if not roles:
        return None
    evidence = Evidence(sentence.text, "fr", sentence.section)
    return ReportingLine(order, tuple(roles), _unit_after(reader, piece[end:], roles[0], evidence), evidence)


def _unit_after(reader: NoticeReader, rest: str, role: str, evidence: Evidence) -> str | None:
    """The unit a role is of: a name ("de la {e3}"), or words ("pour la politique et les plans de défense")."""
    unit = _UNIT_AFTER_ROLE.match(rest)
    if unit:
        return unit[1]
    words = _WORDS_AFTER_ROLE.match(rest)
    return _unit_named(reader, words["words"], role, evidence, words["link"]) if words else None


def _unit_named(reader: NoticeReader, words: str, role: str, evidence: Evidence, link: str = "") -> str | None:
    """The unit words name: a run opening at a head noun ("Section Résilience"), or the unit of the
    role's kind whose name they give without its head ("politique et capacités de défense")."""
    words = _before_parent(words)
    runs = sorted(french.candidates(words), key=lambda run: -len(run.text))
    if runs and words.lower().startswith(fold(runs[0].text.split()[0])[:3]) and _head_type(runs[0]):
        return _known_name(reader, runs[0].text) or _add(reader, _head_type(runs[0]) or "", runs[0].text, None,
                                                          evidence.sentence, evidence.section)
    wanted = ROLE_UNIT_TYPES.get(role, ())
    tokens = words.split()
    for size in range(len(tokens), 0, -1):
        key = name_key(" ".join(tokens[:size]))
        for entity in reader.table.of_type(*wanted):
            if key and any(name_key(" ".join(name.split()[1:])) == key for name in entity.names.get("fr", [])):
                return entity.id
    kind = next((k for k in wanted if k in _HEAD_OF_TYPE), None)
    name = re.split(r"\s+et\s+|\s+(?:qui|afin|avec)\s+", words)[0].strip()
    if kind is None or not name:
        return None
    link = link.strip() if fold(link.strip()) in ("de", "des", "du", "de la", "de l'", "d'") else ""
    joined = f"{_HEAD_OF_TYPE[kind]} {link} {name}".replace("' ", "'").replace("  ", " ")
    return _add(reader, kind, joined, None, evidence.sentence, evidence.section)


def _before_parent(words: str) -> str:
    """"Section Soutien de la Division et ...": the name stops where a parent's head noun follows."""
    tokens = words.split()
    for index in range(2, len(tokens)):
        if fold(tokens[index]) in _FOLDED_HEADS and fold(tokens[index - 1]) in ("la", "le", "du", "de", "des", "l'"):
            cut = index - 2 if fold(tokens[index - 2]) == "de" and fold(tokens[index - 1]) == "la" else index - 1
            return " ".join(tokens[:cut])
    return words


def _post_unit(reader: NoticeReader, sentences: list[_Masked], reporting: list[ReportingLine]) -> str | None:
    for sentence in sentences:
        if sentence.section == "title" and _TITLE_HEAD.match(sentence.masked):
            evidence = Evidence(sentence.text, "fr", "title")
            entity = _unit_after(reader, _TITLE_HEAD.sub("", sentence.masked), "Head", evidence)
            if entity:
                reader._relate(POST, "heads", entity, evidence)
                return entity
    first = next((r for r in reporting if r.order == 1), None)
    return first.unit if first else None


def _report_counts(text: str) -> tuple[int | None, int | None]:
    direct, indirect = _DIRECT.search(text), _INDIRECT.search(text)
    return (int(direct[1]) if direct else None), (int(indirect[1]) if indirect else None)
