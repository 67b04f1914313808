"""The spaCy pipelines: blank ``en``/``fr`` plus natokg's registered components.

- ``natokg_roles``: an EntityRuler with :func:`role_patterns` that marks role
  phrases ("Head", "Assistant Secretary General", "ASG") as ``ROLE``
  entities, with the canonical role as the entity id.
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

__all__ = ["HEAD_WORDS", "OrgMentionFinder", "pipeline", "role_patterns"]

for _extension in ("org_mentions", "natokg_tokens", "natokg_sentences"):
    if not Doc.has_extension(_extension):
        Doc.set_extension(_extension, default=[])

#: Head nouns and their plurals, as lower-case words.
HEAD_WORDS = frozenset(EN_HEADS) | EN_GENERIC_PLURALS


def role_patterns() -> list[dict]:
    """EntityRuler patterns for every role phrase; single words must be capitalised ("Head", not "head").

    A single word is a phrase pattern per written form ("Head", "HEAD") and a
    longer phrase a token pattern of lower-case words: both are matched by
    attribute look-ups inside spaCy, where a set predicate ({"IN": [...]})
    would call back into Python for every token.
    """
    patterns = []
    for phrase, role in ROLE_PHRASES.items():
        words = phrase.split()
        if len(words) == 1:
            forms = dict.fromkeys((phrase.capitalize(), phrase.upper()))
            patterns += [{"label": "ROLE", "pattern": form, "id": role} for form in forms]
        else:
            patterns.append({"label": "ROLE", "pattern": [{"LOWER": w} for w in words], "id": role})
    return patterns


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
        ruler = nlp.add_pipe("entity_ruler", name="natokg_roles", config={"phrase_matcher_attr": None})
        ruler.add_patterns(role_patterns())
        nlp.add_pipe("natokg_org_mentions")
    return nlp
