"""The spaCy pipelines: blank ``en``/``fr`` plus natokg's registered components.

- ``natokg_roles``: marks role words ("Head", "ASG") and phrases
  ("Assistant Secretary General") as ``ROLE`` entities, with the canonical
  role as the entity id, as an EntityRuler would (:class:`RoleFinder`).
- ``natokg_org_mentions``: finds the head nouns and, with a PhraseMatcher,
  the reference bodies' names; it stores the organisational names found as
  ``doc.spans["org"]``, the full :class:`OrgMention` values as
  ``doc._.org_mentions``, and the tokens and sentences it read as
  ``doc._.natokg_tokens`` and ``doc._.natokg_sentences``.

Nothing is downloaded: the pipelines are ``spacy.blank`` plus these rules.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract.lexicon import EN_GENERIC_PLURALS, EN_HEADS, ROLE_PHRASES
from kg.extract.mentions import OrgMention, Tokens, acronym_mentions, head_mentions
from kg.extract.reference import reference

__all__ = ["HEAD_WORDS", "OrgMentionFinder", "RoleFinder", "pipeline"]

for _extension in ("org_mentions", "natokg_tokens", "natokg_sentences"):
    if not Doc.has_extension(_extension):
        Doc.set_extension(_extension, default=[])

#: Head nouns and their plurals, as lower-case words.
HEAD_WORDS = frozenset(EN_HEADS) | EN_GENERIC_PLURALS


class RoleFinder:
    """Marks role words ("Head", "ASG") and phrases ("Assistant Secretary General") as ``ROLE``
    entities, with the canonical role as the entity id.

    A role word must be capitalised or in capitals ("Head", "HEAD", not
    "head"), a phrase of several words may be in any case.  Matches are
    kept as spaCy's EntityRuler keeps them, longest first, then leftmost, a
    match dropped when its first or last token is taken; two phrase matchers
    (the words as written, the phrases lower-cased) find them with a hash
    look-up per token, where an EntityRuler with token patterns for the
    phrases ran spaCy's token Matcher, at about five times the cost per
    paragraph.
    """

    def __init__(self, nlp: Language) -> None:
        self.words = PhraseMatcher(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for phrase, role in ROLE_PHRASES.items():
            if " " in phrase:
                self.phrases.add(role, [nlp.make_doc(phrase)])
            else:
                self.words.add(role, [nlp.make_doc(form) for form in dict.fromkeys((phrase.capitalize(), phrase.upper()))])

    def __call__(self, doc: Doc) -> Doc:
        matches = sorted({*self.phrases(doc), *self.words(doc)}, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
        roles: list[Span] = []
        taken: set[int] = set()
        for role, start, end in matches:
            if start not in taken and end - 1 not in taken:
                roles.append(Span(doc, start, end, label="ROLE", span_id=doc.vocab.strings[role]))
                taken.update(range(start, end))
        doc.ents = roles
        return doc


@Language.factory("natokg_roles")
def make_role_component(nlp: Language, name: str) -> RoleFinder:
    return RoleFinder(nlp)


class OrgMentionFinder:
    """Finds organisational names and candidate acronyms in each sentence."""

    def __init__(self, nlp: Language) -> None:
        # one-word phrases on LOWER: a hash look-up per token, where a Matcher's {"IN": [...]} calls Python
        self.heads = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.heads.add("ORG_HEAD", [nlp.make_doc(word) for word in sorted(HEAD_WORDS)])
        self.known = PhraseMatcher(nlp.vocab, attr="LOWER")
        for body in reference().bodies:
            names = [n for n in body.names("en") if n.split()[-1].lower() not in EN_HEADS]
            if names:
                self.known.add(body.type, [nlp.make_doc(n) for n in names])

    def __call__(self, doc: Doc) -> Doc:
        tokens = Tokens.of(doc)
        sentences = [(sentence.start, sentence.end) for sentence in doc.sents]
        found: list[OrgMention] = []
        starts = [start for start, _ in sentences]
        for head in sorted(start for _, start, _ in self.heads(doc)):
            start, end = sentences[bisect_right(starts, head) - 1]
            found.extend(head_mentions(tokens, head, start, end))
        for match_id, start, end in self.known(doc):
            found.append(OrgMention(start, end, doc[start:end].text, doc.vocab.strings[match_id]))
        taken = {i for m in found for i in range(m.start, m.end)}
        taken |= tokens.roles or set()  # "the DASG"
        for start, end in sentences:
            found.extend(acronym_mentions(tokens, taken, start, end))
        found = _without_overlaps(found)
        doc._.org_mentions = found
        doc._.natokg_tokens = tokens
        doc._.natokg_sentences = sentences
        doc.spans["org"] = [Span(doc, m.start, m.end, label=m.type or "ACRONYM") for m in found]
        return doc


def _without_overlaps(mentions: list[OrgMention]) -> list[OrgMention]:
    """Longest first; a mention inside a longer one is dropped (its parts are read from the longer one)."""
    kept: list[OrgMention] = []
    used: set[int] = set()
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        tokens = set(range(mention.start, mention.end))
        if tokens & used:
            continue
        kept.append(mention)
        used |= tokens
    return sorted(kept, key=lambda m: m.start)


@Language.factory("natokg_org_mentions")
def make_org_entity_component(nlp: Language, name: str) -> OrgMentionFinder:
    return OrgMentionFinder(nlp)


@lru_cache(maxsize=2)
def pipeline(lang: str = "en") -> Language:
    """The blank pipeline for ``lang`` with natokg's components, built once per process."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    if lang == "en":
        nlp.add_pipe("natokg_roles")
        nlp.add_pipe("natokg_org_mentions")
    return nlp
