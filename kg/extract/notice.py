"""Extraction of one notice: its entities, the relations between them and the post's ties.

The steps, in order: the letterhead and the header's NATO body; the names
in every sentence of the sections that describe the organisation; acronyms
and "the Division" read back to the names they stand for; relations read
from the masked sentences (see ``relations.py``); units placed in their
parents; the post's unit and reporting line; then the French names.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property

from spacy.tokens import Doc

from kg.extract import french, french_notice, relations
from kg.extract.casing import NoticeCasing
from kg.extract.components import pipeline
from kg.extract.entities import EntityTable, name_key, reference_body, restore_case
from kg.extract.lexicon import ROLE_UNIT_TYPES, fold
from kg.extract.mentions import OrgMention, Tokens, definition_pairs
from kg.extract.relations import MaskedSentence
from kg.model import (
    POST,
    Evidence,
    Extraction,
    Notice,
    NoticePart,
    PostInfo,
    Relation,
    ReportingLine,
)

#: Sections whose names are read (the rest is contract and application boilerplate).
NAME_SECTIONS = ("description", "summary", "qualifications", "accountabilities", "interrelationships")
#: Sections whose sentences state relations.
RELATION_SECTIONS = ("title", "description", "summary", "accountabilities", "interrelationships")
UNIT_TYPES = ("Division", "Directorate", "Section", "Office", "Group")
#: How large each kind of unit is, to read containment from a reporting line.
UNIT_RANK = {"Group": 0, "Section": 1, "Directorate": 2, "Division": 3}
_PARAGRAPHS = re.compile(r"\n\s*\n")
_REPORT_COUNT = re.compile(r"\b(in)?direct\s+reports?\s*:?\s*(\d+|n/?a|none|nil|-)", re.I)
_TITLE_HEAD = re.compile(r"^\s*\[Head\]\s*(?:,|of|of the)?\s*(?:the\s+)?\{(e\d+)\}")


@dataclass
class ReadDoc:
    """A paragraph run through the pipeline, in plain data (no spaCy object outlives the pipeline):
    its text and tokens, its sentences (token ranges), the names and roles found in it, and the notice
    section it came from."""

    text: str
    tokens: Tokens
    sentences: list[tuple[int, int]]
    mentions: list[OrgMention]
    roles: dict[int, tuple[int, str]]  # first token of a role phrase -> (end, canonical role)
    section: str

    @classmethod
    def of(cls, doc: Doc, text: str, section: str) -> ReadDoc:
        """``text`` is the Doc's text (given, as ``doc.text`` is rebuilt token by token)."""
        roles = {ent.start: (ent.end, ent.ent_id_) for ent in doc.ents if ent.label_ == "ROLE"}
        return cls(text, doc._.natokg_tokens, doc._.natokg_sentences, doc._.org_mentions, roles, section)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as spaCy's ``Span.text``."""
        if end <= start:
            return ""
        offsets = self.tokens.offsets
        return self.text[offsets[start]:offsets[end - 1] + len(self.tokens.texts[end - 1])]

    def sentence_text(self, token: int) -> str:
        """The text of the sentence holding a token: what spaCy's ``Span.sent.text`` gives for a span
        that starts at it (the span's first sentence, when it runs over two)."""
        return self.span_text(*self.sentences[bisect_right(self.sentence_starts, token) - 1])

    @cached_property
    def sentence_starts(self) -> list[int]:
        """The first token of each sentence, to find the sentence of a token."""
        return [first for first, _ in self.sentences]


#: Paragraphs already read, by text, newest last (a bounded, per-process memo of :func:`read_paragraphs`).
_READ: OrderedDict[str, ReadDoc] = OrderedDict()
READ_MEMO_SIZE = 8192


def read_paragraphs(texts: list[str]) -> list[ReadDoc]:
    """Each text run through the English pipeline, in plain data (the section left empty).

    Reading a paragraph depends on its text alone, and the notices of one
    employer repeat many paragraphs (the division's description, the
    standard competencies), so a paragraph seen before is not read again.
    """
    new = list(dict.fromkeys(text for text in texts if text not in _READ))
    for text, doc in zip(new, pipeline("en").pipe(new)):
        _READ[text] = ReadDoc.of(doc, text, "")
    found = []
    for text in texts:
        _READ.move_to_end(text)
        found.append(_READ[text])
    while len(_READ) > READ_MEMO_SIZE:
        _READ.popitem(last=False)
    return found


@dataclass
class NoticeReader:
    notice: Notice
    table: EntityTable = field(default_factory=EntityTable)
    relations: list[Relation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    banner_ids: set[str] = field(default_factory=set)
    body_id: str | None = None
    ids: dict[tuple[int, int], str] = field(default_factory=dict)  # (doc index, token start) -> entity id
    anaphors: dict[tuple[int, int], str] = field(default_factory=dict)  # (doc index, token) -> head type
    order: list[str] = field(default_factory=list)  # entity ids in reading order, repeated
    casing: NoticeCasing | None = None  # how the notice writes its words, for text copied without case

    # ------------------------------------------------------------ the steps

    def run(self) -> Extraction:
        english = self.notice.part("en")
        if english is None:
            return self._without_english()
        self._read_letterhead()
        self._read_body(english)
        docs = self._read_docs(english)
        non_org = self._non_organisational_acronyms(docs)
        self._name_mentions(docs)
        self._acronym_mentions(docs, non_org)
        home = self._home_division(docs)
        self._resolve_anaphors(docs, home)
        sentences = self._masked_sentences(docs)
        self._containment(sentences)
        reporting = self._reporting(sentences)
        title_heads = self._title_heads(sentences)
        self._default_parents(home)
        unit = self._post_unit(title_heads, sentences, reporting)
        self._reporting_containment(reporting, unit, sentences)
        self._post_relations(sentences, unit)
        self._unit_supports(sentences, home)
        self._french_names()
        direct, indirect = _report_counts(english.text_of("interrelationships"))
        return self._extraction(english, unit, reporting, direct, indirect)

    def _without_english(self) -> Extraction:
        """A notice with only its French half (see ``french_notice.py``); text in no language gives nothing."""
        part = self.notice.part("fr")
        if part is None:
            return Extraction(self.notice, [], [], [], PostInfo(self.notice.header.title, None), None, self.warnings)
        texts = french_notice.french_texts(part, lambda text: self._restored(text, "fr"))
        return french_notice.read_french(self, part, texts)

    def _restored(self, text: str, lang: str = "en") -> str:
        """``text`` with its case restored where it was lost; the notice's casing is learnt only then."""
        if self.casing is None:
            self.casing = NoticeCasing(_paragraphs_of(self.notice))
        return self.casing.restore(text, lang)

    # ------------------------------------------------------------- letterhead

    def _read_letterhead(self) -> None:
        """"NORTH ATLANTIC TREATY ORGANIZATION INTERNATIONAL STAFF": the employer's names."""
        for line in self.notice.banner:
            lang = "fr" if re.search(r"ORGANISATION|SECR[EÉ]TARIAT|OTAN", line, re.I) else "en"
            for name in _split_banner(line):
                body = reference_body(name)
                if body is None:
                    continue
                entity = self.table.add(body.type, restore_case(name, lang), None, lang=lang)
                if lang == "en" or entity.names.get("en"):
                    self.banner_ids.add(entity.id)

    def _read_body(self, english: NoticePart) -> None:
        """The header's "NATO Body: NATO International Staff (NATO IS)"."""
        raw = english.header.body
        if not raw:
            return
        name, acronym = _name_and_acronym(raw)
        evidence = Evidence(f"NATO Body: {raw}", "en", "header")
        entity = self.table.add("Organization", name, acronym, surface=raw, evidence=evidence)
        if acronym and " " in acronym:
            entity.names.setdefault("en", []).append(acronym)
        self.body_id = entity.id
        fr_part = self.notice.part("fr")
        if fr_part and fr_part.header.body:
            entity.names.setdefault("fr", []).append(fr_part.header.body.strip())

    def _read_docs(self, english: NoticePart) -> list[ReadDoc]:
        texts: list[tuple[str, str]] = []
        if english.header.title:
            texts.append((english.header.title, "title"))
        for section in english.sections:
            if section.key in NAME_SECTIONS:
                texts += [(p.strip(), section.key) for p in _PARAGRAPHS.split(section.text) if p.strip()]
        texts = [(self._restored(text), key) for text, key in texts]
        read = read_paragraphs([text for text, _ in texts])
        return [replace(doc, section=key) for doc, (_, key) in zip(read, texts)]

    # --------------------------------------------------------------- mentions

    def _non_organisational_acronyms(self, docs: list[ReadDoc]) -> set[str]:
        """Acronyms the notice defines for things that are not bodies: "NATO Defence Planning Process (NDPP)"."""
        org_acronyms = {m.acronym for d in docs for m in d.mentions if m.type and m.acronym}
        return {short for d in docs for _, short in definition_pairs(d.tokens)} - org_acronyms

    def _name_mentions(self, docs: list[ReadDoc]) -> None:
        for index, read in enumerate(docs):
            for mention in read.mentions:
                if mention.anaphor:
                    self.anaphors[(index, mention.start)] = mention.type or ""
                    continue
                if mention.type is None or mention.generic:
                    continue
                entity_id = self._add_named(read, mention)
                self.ids[(index, mention.start)] = entity_id

    def _add_named(self, read: ReadDoc, mention: OrgMention) -> str:
        evidence = Evidence(read.sentence_text(mention.start).strip(), "en", read.section)
        core = mention.name
        if mention.qualifier and core.startswith(mention.qualifier + " "):
            core = core[len(mention.qualifier) + 1:]
        surface = read.span_text(mention.start, mention.end)
        entity = self.table.add(mention.type or "", mention.name, mention.acronym, surface=surface,
                                evidence=evidence, key=name_key(core))
        names = entity.names.setdefault("en", [])
        if core != mention.name and core not in names:
            names.append(core)  # "Resilience Section" for "DPP Resilience Section"
        surface = surface.strip()
        if surface != mention.name and surface not in names and "(" in surface:
            names.append(surface)
        return entity.id

    def _acronym_mentions(self, docs: list[ReadDoc], non_org: set[str]) -> None:
        """Bare acronyms, qualifiers and owners, once every name of the notice is known."""
        for index, read in enumerate(docs):
            for mention in read.mentions:
                if mention.type is None and not mention.generic:
                    entity_id = self._acronym_entity(read, mention, non_org)
                    if entity_id:
                        self.ids[(index, mention.start)] = entity_id
                elif mention.type and not mention.anaphor:
                    self._qualifier_and_owner(index, read, mention)

    def _acronym_entity(self, read: ReadDoc, mention: OrgMention, non_org: set[str]) -> str | None:
        acronym = mention.acronym or mention.name
        evidence = Evidence(read.sentence_text(mention.start).strip(), "en", read.section)
        known = self.table.by_acronym(acronym)
        if known is not None:
            known.evidence.append((acronym, evidence))
            return known.id
        body = reference_body(None, acronym)
        if body is not None:
            return self.table.add(body.type, None, acronym, surface=acronym, evidence=evidence).id
        if acronym in non_org:
            return None
        return self.table.add("", None, acronym, surface=acronym, evidence=evidence).id

    def _qualifier_and_owner(self, index: int, read: ReadDoc, mention: OrgMention) -> None:
        entity_id = self.ids.get((index, mention.start))
        if entity_id is None:
            return
        evidence = Evidence(read.sentence_text(mention.start).strip(), "en", read.section)
        parent_id: str | None = None
        if mention.qualifier:
            parent = self.table.by_acronym(mention.qualifier)
            if parent is None and reference_body(None, mention.qualifier):
                body = reference_body(None, mention.qualifier)
                parent = self.table.add(body.type, None, mention.qualifier) if body else None
            if parent is not None:
                parent.evidence.append((mention.qualifier, evidence))
                if parent.type != "Organization":  # "NATO Security Committee": NATO is part of the name
                    parent_id = parent.id
        if mention.owner:
            parent_id = self._owner_id(index, read, mention.owner) or parent_id
        if parent_id and parent_id != entity_id and parent_id not in self.banner_ids:
            self._relate(entity_id, "partOf", parent_id, evidence)

    def _owner_id(self, index: int, read: ReadDoc, owner: tuple[int, int]) -> str | None:
        for other in read.mentions:
            if other.start >= owner[0] and other.end <= owner[1] + 4:
                key = (index, other.start)
                if key in self.ids:
                    return self.ids[key]
                if key in self.anaphors:
                    return f"anaphor:{index}:{other.start}"
        return None

    # --------------------------------------------------------------- anaphora

    def _home_division(self, docs: list[ReadDoc]) -> str | None:
        """The unit the notice is about: the first division (else office) its summary names."""
        for wanted in ("Division", "Office"):
            for index, read in enumerate(docs):
                if read.section not in ("summary", "description", "title"):
                    continue
                for mention in read.mentions:
                    entity_id = self.ids.get((index, mention.start))
                    if entity_id and self.table.get(entity_id).type == wanted and entity_id not in self.banner_ids:
                        return entity_id
        return None

    def _resolve_anaphors(self, docs: list[ReadDoc], home: str | None) -> None:
        """"the Division" -> the home division; "the Section" -> the last section named; "the Council" -> NAC."""
        last_of_type: dict[str, str] = {}
        for index, read in enumerate(docs):
            for mention in read.mentions:
                key = (index, mention.start)
                if key in self.ids:
                    entity = self.table.get(self.ids[key])
                    last_of_type[entity.type] = entity.id
                    self.order.append(entity.id)
                    continue
                if key not in self.anaphors:
                    continue
                target = self._anaphor_target(mention, home, last_of_type)
                if target:
                    self.ids[key] = target
                    self.order.append(target)
        resolved, self.relations = self.relations, []
        for relation in map(self._resolved_relation, resolved):
            if not relation.object.startswith("anaphor:"):
                self._relate(relation.subject, relation.predicate, relation.object, relation.evidence)

    def _anaphor_target(self, mention: OrgMention, home: str | None, last: dict[str, str]) -> str | None:
        if mention.type == "Division":
            return home
        body = reference_body(mention.name)
        if body is not None:
            return self.table.add(body.type, mention.name, None).id
        if mention.type in ("Section", "Directorate"):
            return last.get(mention.type)
        return None

    def _resolved_relation(self, relation: Relation) -> Relation:
        if not relation.object.startswith("anaphor:"):
            return relation
        _, index, start = relation.object.split(":")
        target = self.ids.get((int(index), int(start)))
        return Relation(relation.subject, relation.predicate, target or relation.object, relation.evidence)

    # ------------------------------------------------------------- sentences

    def _masked_sentences(self, docs: list[ReadDoc]) -> list[MaskedSentence]:
        sentences = []
        for index, read in enumerate(docs):
            if read.section not in RELATION_SECTIONS:
                continue
            starts = {m.start: m for m in read.mentions}
            for bounds in read.sentences:
                masked = _mask(read, bounds, starts, self.ids, index)
                sentences.append(MaskedSentence(read.span_text(*bounds).strip(), masked, read.section))
        return sentences

    def _types(self) -> dict[str, str]:
        return {e.id: e.type for e in self.table.entities}

    def _relate(self, subject: str, predicate: str, obj: str, evidence: Evidence) -> None:
        relation = Relation(subject, predicate, obj, evidence)
        if subject != obj and all((r.subject, r.predicate, r.object) != (subject, predicate, obj) for r in self.relations):
            self.relations.append(relation)

    @staticmethod
    def _evidence(sentence: MaskedSentence) -> Evidence:
        return Evidence(sentence.text, "en", sentence.section)

    # ------------------------------------------------------------ containment

    def _containment(self, sentences: list[MaskedSentence]) -> None:
        types = self._types()
        for sentence in sentences:
            for child, parent in relations.containment_pairs(sentence):
                if types.get(child) in UNIT_TYPES and types.get(parent) and parent not in self._root_ids():
                    self._relate(child, "partOf", parent, self._evidence(sentence))

    def _root_ids(self) -> set[str]:
        """The letterhead organisations above the NATO body: NATO itself is no unit's parent."""
        return self.banner_ids - {self.body_id}

    def _parents(self, entity_id: str) -> list[str]:
        return [r.object for r in self.relations if r.subject == entity_id and r.predicate == "partOf"]

    def _ancestors(self, entity_id: str | None) -> set[str]:
        seen: set[str] = set()
        frontier = [entity_id] if entity_id else []
        while frontier:
            current = frontier.pop()
            for parent in self._parents(current):
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return seen

    def _default_parents(self, home: str | None) -> None:
        """Units the text places nowhere: a division in the NATO body, the rest in the home division."""
        for entity in self.table.entities:
            if self._parents(entity.id) or entity.id in self.banner_ids:
                continue
            evidence = entity.evidence[0][1] if entity.evidence else Evidence("", "en", "")
            if entity.type == "Division" and self.body_id and self.table.get(self.body_id).type == "Organization":
                self._relate(entity.id, "partOf", self.body_id, evidence)
            elif entity.type in ("Directorate", "Section") and home and home != entity.id:
                self._relate(entity.id, "partOf", home, evidence)

    # -------------------------------------------------------------- reporting

    def _reporting(self, sentences: list[MaskedSentence]) -> list[ReportingLine]:
        for sentence in sentences:
            if not relations.is_post_sentence(sentence) or sentence.section == "title":
                continue  # "the Human Security Unit, which reports to the DASG" is not the post's line
            phrases = relations.reporting_phrases(sentence)
            if phrases:
                return [self._reporting_line(p, sentence) for p in phrases]
        self.warnings.append("no reporting line found")
        return []

    def _reporting_line(self, phrase: relations.SuperiorPhrase, sentence: MaskedSentence) -> ReportingLine:
        roles = _ordered_roles(phrase.roles)
        unit = phrase.unit_id
        if unit is None and phrase.unit_words:
            unit = self._unit_named(phrase.unit_words, roles[0] if roles else "Head", sentence)
        if unit is None and roles:
            unit = self._only_unit_for(roles[0])
        if unit is not None and roles and self._types().get(unit) not in ROLE_UNIT_TYPES[roles[0]] and len(roles) > 1:
            roles = tuple(sorted(roles, key=lambda r: self._types().get(unit) not in ROLE_UNIT_TYPES[r]))
        return ReportingLine(phrase.order, roles, unit, self._evidence(sentence))

    def _unit_named(self, words: str, role: str, sentence: MaskedSentence) -> str | None:
        """"Director Operations" -> the Operations Directorate; "ASG, Defence Policy and Planning" -> the DPP Division."""
        wanted = ROLE_UNIT_TYPES.get(role, ())
        key = name_key(words)
        for entity_type in wanted:
            for entity in self.table.of_type(entity_type):
                if any(name_key(n) == f"{key} {fold(entity_type)}" or name_key(n) == key for n in entity.names.get("en", [])):
                    return entity.id
        if not wanted or wanted[0] == "Organization":
            return None
        entity_type = wanted[0]
        entity = self.table.add(entity_type, f"{words} {entity_type}", None, surface=words, evidence=self._evidence(sentence))
        return entity.id

    def _only_unit_for(self, role: str) -> str | None:
        for entity_type in ROLE_UNIT_TYPES.get(role, ()):
            found = [e.id for e in self.table.of_type(entity_type) if e.id not in self.banner_ids]
            if len(found) == 1:
                return found[0]
        return None

    def _reporting_containment(self, reporting: list[ReportingLine], unit: str | None, sentences: list[MaskedSentence]) -> None:
        """A unit whose head reports to the head of a larger unit sits in it (a section in its
        director's directorate, a branch in its section); so does a section headed by a deputy director."""
        types = self._types()
        first = next((r for r in reporting if r.order == 1), None)
        second = next((r for r in reporting if r.order == 2), None)
        if first and second and first.unit and second.unit and first.unit != second.unit \
                and UNIT_RANK.get(types.get(first.unit, ""), 99) < UNIT_RANK.get(types.get(second.unit, ""), -1) \
                and first.unit not in self._ancestors(second.unit):
            self._relate(first.unit, "partOf", second.unit, second.evidence)
        directorates = [e.id for e in self.table.of_type("Directorate")]
        if first and first.unit and types.get(first.unit) == "Section" and "Deputy Director" in first.roles \
                and len(directorates) == 1:
            self._relate(first.unit, "partOf", directorates[0], first.evidence)
        for sentence in sentences:
            for kind, parent in relations.other_units_of(sentence):
                if unit and types.get(unit) == "Section" and kind == "sections" and parent != unit:
                    self._relate(unit, "partOf", parent, self._evidence(sentence))

    # ------------------------------------------------------------------ post

    def _title_heads(self, sentences: list[MaskedSentence]) -> list[tuple[str, MaskedSentence]]:
        found = []
        for sentence in sentences:
            if sentence.section == "title":
                match = _TITLE_HEAD.match(sentence.masked)
                if match:
                    found.append((match.group(1), sentence))
        return found

    def _post_unit(self, title_heads: list[tuple[str, MaskedSentence]], sentences: list[MaskedSentence],
                   reporting: list[ReportingLine]) -> str | None:
        for entity_id, sentence in title_heads:
            self._relate(POST, "heads", entity_id, self._evidence(sentence))
        headed = [r.object for r in self.relations if r.subject == POST and r.predicate == "heads"]
        for sentence in sentences:
            if relations.is_post_sentence(sentence):
                for entity_id in relations.heads_ids(sentence):
                    self._relate(POST, "heads", entity_id, self._evidence(sentence))
                    headed.append(entity_id)
        if headed:
            return headed[0]
        first = next((r for r in reporting if r.order == 1), None)
        return first.unit if first else None

    def _post_relations(self, sentences: list[MaskedSentence], unit: str | None) -> None:
        types = self._types()
        own = {unit, self.body_id} | self._ancestors(unit) | self._ancestors(self.body_id) | self.banner_ids
        for sentence in sentences:
            if not relations.is_post_sentence(sentence) or sentence.section == "title":
                continue
            evidence = self._evidence(sentence)
            for group in relations.overseen_ids(sentence, types):
                self._relate(POST, "oversees", group, evidence)
            for committee in relations.committee_ids(sentence, types):
                self._relate(POST, "supports", committee, evidence)
            for other in relations.coordination_ids(sentence):
                if other not in own and types.get(other) not in ("Committee",):
                    self._relate(POST, "coordinatesWith", other, evidence)

    def _unit_supports(self, sentences: list[MaskedSentence], home: str | None) -> None:
        types = self._types()
        for sentence in sentences:
            if sentence.section not in ("summary", "description") or relations.is_post_sentence(sentence):
                continue
            subject = _sentence_subject(sentence)
            for unit, committee in relations.unit_support_pairs(sentence, subject, types):
                if types.get(unit) in UNIT_TYPES:
                    self._relate(unit, "supports", committee, self._evidence(sentence))

    # ---------------------------------------------------------------- French

    def _french_names(self) -> None:
        part = self.notice.part("fr")
        if part is None:
            return
        texts = [(p.strip(), s.key) for s in part.sections if s.key in NAME_SECTIONS for p in _PARAGRAPHS.split(s.text)]
        if part.header.title:
            texts.insert(0, (part.header.title, "title"))
        texts = [(self._restored(text, "fr"), key) for text, key in texts]
        pool: list[tuple[french.Candidate, str, str]] = []
        for text, section in texts:
            for candidate in french.candidates(text):
                pool.append((candidate, text, section))
        expansions = {a: e.names["en"][0] for e in self.table.entities for a in e.acronyms if e.names.get("en")}
        indexed = french.CandidatePool([c for c, _, _ in pool])
        claims: dict[str, tuple[float, str]] = {}
        best: dict[str, list[french.Candidate]] = {}
        for entity in self.table.entities:
            names = entity.names.get("en", [])
            if not names:
                continue
            found = french.best_french_names(names, entity.acronyms, indexed, expansions)
            for value, candidate in found:
                holder = claims.get(candidate.text)
                if holder is None or value > holder[0]:
                    claims[candidate.text] = (value, entity.id)
            best[entity.id] = [c for _, c in found]
        for entity in self.table.entities:
            for candidate in best.get(entity.id, []):
                if claims.get(candidate.text, (0, None))[1] != entity.id:
                    continue
                names_fr = entity.names.setdefault("fr", [])
                if candidate.text not in names_fr:
                    names_fr.insert(0, candidate.text)
                sentence = next(t for c, t, _ in pool if c is candidate)
                section = next(s for c, _, s in pool if c is candidate)
                entity.evidence.append((candidate.text, Evidence(_sentence_with(sentence, candidate.text), "fr", section)))

    # --------------------------------------------------------------- result

    def _extraction(self, english: NoticePart, unit: str | None, reporting: list[ReportingLine],
                    direct: int | None, indirect: int | None) -> Extraction:
        used = {e.id for e in self.table.entities}
        relations_ = [r for r in self.relations if (r.subject == POST or r.subject in used) and r.object in used]
        reporting = [r for r in reporting if r.unit]
        return Extraction(
            notice=self.notice,
            entities=self.table.entities,
            relations=relations_,
            reporting=reporting,
            post=PostInfo(english.header.title, unit, direct, indirect),
            body=self.body_id,
            warnings=self.warnings,
        )


# ----------------------------------------------------------------- helpers


def _paragraphs_of(notice: Notice) -> list[str]:
    """Every paragraph of every half, with the titles: what the notice's own casing is learnt from."""
    texts = [part.header.title for part in notice.parts if part.header.title]
    for part in notice.parts:
        texts += [p for section in part.sections for p in _PARAGRAPHS.split(section.text) if p.strip()]
    return texts


def _split_banner(line: str) -> list[str]:
    """"NORTH ATLANTIC TREATY ORGANIZATION INTERNATIONAL STAFF" -> the two names the reference knows."""
    words = line.split()
    names = []
    start = 0
    while start < len(words):
        for end in range(start + 1, len(words) + 1):
            candidate = " ".join(words[start:end])
            if reference_body(candidate) is not None:
                names.append(candidate)
                start = end
                break
        else:
            start += 1
    return names


def _name_and_acronym(raw: str) -> tuple[str, str | None]:
    """"NATO International Staff (NATO IS)" -> ("NATO International Staff", "IS")."""
    match = re.match(r"^(.*?)\s*\(([^)]+)\)\s*$", raw.strip())
    if not match:
        return raw.strip(), None
    name, inside = match.group(1), match.group(2).strip()
    acronym = inside.split()[-1] if inside.split() else None
    return name, acronym


def _mask(read: ReadDoc, bounds: tuple[int, int], starts: dict[int, OrgMention], ids: dict[tuple[int, int], str],
          index: int) -> str:
    """The sentence with each mention as ``{id}`` and each role as ``[Role]``."""
    texts, spaces = read.tokens.texts, read.tokens.spaces
    i, end_of_sentence = bounds
    parts: list[str] = []
    while i < end_of_sentence:
        mention = starts.get(i)
        if mention is not None and (index, i) in ids:
            end = min(mention.end, end_of_sentence)
            if end + 2 < end_of_sentence and texts[end] == "(" and texts[end + 2] == ")" and texts[end + 1].isupper():
                end += 3  # "{e4} (OPD)": the acronym belongs to the name
            parts.append("{" + ids[(index, i)] + "}" + spaces[end - 1])
            i = end
            continue
        role = read.roles.get(i)
        if role is not None and role[0] <= end_of_sentence:
            parts.append(f"[{role[1]}]" + spaces[role[0] - 1])
            i = role[0]
            continue
        parts.append(texts[i] + spaces[i])
        i += 1
    return "".join(parts).strip()


def _ordered_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    unique: list[str] = []
    for role in roles:
        if role not in unique:
            unique.append(role)
    return tuple(unique)


_SUBJECT = re.compile(r"^\s*(?:(?:Within|In)\s+(?:the\s+)?\{e\d+\}\s*,\s*)?(?:The\s+|the\s+)?\{(e\d+)\}")


def _sentence_subject(sentence: MaskedSentence) -> str | None:
    match = _SUBJECT.match(sentence.masked)
    return match.group(1) if match else None


def _report_counts(text: str) -> tuple[int | None, int | None]:
    direct = indirect = None
    for match in _REPORT_COUNT.finditer(text):
        value = int(match.group(2)) if match.group(2).isdigit() else None
        if match.group(1):
            indirect = value
        else:
            direct = value
    return direct, indirect


def _sentence_with(paragraph: str, words: str) -> str:
    """The sentence of a paragraph that holds ``words``."""
    for sentence in re.split(r"(?<=[.;!?])\s+", paragraph):
        if words in sentence:
            return sentence.strip()
    return paragraph.strip()
