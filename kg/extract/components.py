"""The spaCy pipelines: blank ``en``/``fr`` plus natokg's registered components.

- ``natokg_roles``: an EntityRuler that marks role phrases ("Head",
  "Assistant Secretary General", "ASG") as ``ROLE`` entities, with the
  canonical role as the entity id.
- ``natokg_org_mentions``: a Matcher on head nouns and a PhraseMatcher on
  the reference bodies' names; it stores the organisational names found as
  ``doc.spans["org"]`` and the full :class:`OrgMention` values as
  ``doc._.org_mentions``.

Nothing is downloaded: the pipelines are ``spacy.blank`` plus these rules.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from kg.extract.lexicon import EN_GENERIC_PLURALS, EN_HEADS, ROLE_PHRASES
from kg.extract.mentions import OrgMention, acronym_mentions, head_mentions
from kg.extract.reference import reference

if not Doc.has_extension("org_mentions"):
    Doc.set_extension("org_mentions", default=[])


def role_patterns() -> list[dict]:
    """EntityRuler patterns for every role phrase; single words must be capitalised ("Head", not "head")."""
    patterns = []
    for phrase, role in ROLE_PHRASES.items():
        words = phrase.split()
        if len(words) == 1:
            token = {"TEXT": {"IN": [phrase.upper(), phrase.capitalize()]}}
            patterns.append({"label": "ROLE", "pattern": [token], "id": role})
        else:
            patterns.append({"label": "ROLE", "pattern": [{"LOWER": w} for w in words], "id": role})
    return patterns


class OrgMentionFinder:
    """Finds organisational names and candidate acronyms in each sentence."""

    def __init__(self, nlp: Language) -> None:
        self.heads = Matcher(nlp.vocab)
        self.heads.add("ORG_HEAD", [[{"LOWER": {"IN": sorted(set(EN_HEADS) | EN_GENERIC_PLURALS)}}]])
        self.known = PhraseMatcher(nlp.vocab, attr="LOWER")
        for body in reference().bodies:
            names = [n for n in body.names("en") if n.split()[-1].lower() not in EN_HEADS]
            if names:
                self.known.add(body.type, [nlp.make_doc(n) for n in names])

    def __call__(self, doc: Doc) -> Doc:
        found: list[OrgMention] = []
        for _, start, _ in self.heads(doc):
            sentence = doc[start].sent
            found.extend(head_mentions(doc, start, sentence.start, sentence.end))
        for match_id, start, end in self.known(doc):
            found.append(OrgMention(start, end, doc[start:end].text, doc.vocab.strings[match_id]))
        taken = {i for m in found for i in range(m.start, m.end)}
        taken |= {i for ent in doc.ents if ent.label_ == "ROLE" for i in range(ent.start, ent.end)}  # "the DASG"
        for sentence in doc.sents:
            found.extend(acronym_mentions(doc, taken, sentence.start, sentence.end))
        found = _without_overlaps(found)
        doc._.org_mentions = found
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
        ruler = nlp.add_pipe("entity_ruler", name="natokg_roles")
        ruler.add_patterns(role_patterns())
        nlp.add_pipe("natokg_org_mentions")
    return nlp
