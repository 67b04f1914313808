"""Resolve the entities of every notice into one node per real entity.

Each notice's local entities are merged when they share a reference body,
an acronym or a name key ("Division Support Section" = "Divisional Support
Section"), but units are scoped by the division (or committee) they sit in,
so two divisions' sections of the same name stay two nodes. Scopes depend on
merges and merges on scopes, so the two are settled together until nothing
changes.

Keys (and so IRIs) come from the canonical English name and the scoping
parent: "defence-policy-and-planning-division/resilience-section".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from kg.extract.acronyms import strip_plural
from kg.extract.entities import name_key
from kg.model import (
    POST,
    Corpus,
    Entity,
    Extraction,
    Fact,
    LocalEntity,
    Mention,
    Posting,
    Superior,
)

#: Types whose name is unique in the whole corpus; the others are scoped by a parent.
UNSCOPED_TYPES = frozenset({"Organization", "Committee"})
#: Types that scope the units below them.
SCOPING_TYPES = frozenset({"Organization", "Committee", "Division"})

Node = tuple[int, str]  # (extraction index, local entity id)


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, node: Node) -> Node:
        """The root of the node's group (a node never merged is its own), halving the path to it."""
        parent = self.parent
        while (up := parent.get(node, node)) != node:
            grand = parent.get(up, up)
            parent[node] = grand
            node = grand
        return node

    def union(self, a: Node, b: Node) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        low, high = sorted((root_a, root_b))
        self.parent[high] = low
        return True


@dataclass
class LocalView:
    """The local entities of all notices, with each one's local parents."""

    extractions: list[Extraction]

    @cached_property
    def nodes(self) -> list[tuple[Node, LocalEntity]]:
        """Every local entity with its node, listed once: resolving walks them several times."""
        return [((i, e.id), e) for i, x in enumerate(self.extractions) for e in x.entities]

    @cached_property
    def _parents_of(self) -> dict[Node, list[Node]]:
        parents: defaultdict[Node, list[Node]] = defaultdict(list)
        for index, extraction in enumerate(self.extractions):
            for relation in extraction.relations:
                if relation.predicate == "partOf":
                    parents[(index, relation.subject)].append((index, relation.object))
        return parents

    @cached_property
    def _entity_of(self) -> dict[Node, LocalEntity]:
        found: dict[Node, LocalEntity] = {}
        for node, entity in self.nodes:
            found.setdefault(node, entity)  # the first of an id, as Extraction.entity finds it
        return found

    def local_parents(self, node: Node) -> list[Node]:
        """The local entities a node's notice says it is part of (a new list: callers extend it)."""
        return list(self._parents_of.get(node, ()))

    def entity(self, node: Node) -> LocalEntity:
        return self._entity_of[node]


def resolve(extractions: Iterable[Extraction]) -> Corpus:
    """One :class:`Entity` per real entity and one :class:`Posting` per notice."""
    view = LocalView(sorted(extractions, key=lambda x: x.notice.source))
    groups = _merge(view)
    entities, key_of = _entities(view, groups)
    postings = [_posting(view, i, key_of) for i in range(len(view.extractions))]
    for posting in postings:
        for fact in posting.facts:
            if fact.predicate == "partOf" and fact.subject != POST:
                entities[fact.subject].parents.add(fact.object)
    return Corpus(entities=dict(sorted(entities.items())), postings=postings)


# ---------------------------------------------------------------- merging


def _merge(view: LocalView) -> UnionFind:
    groups = UnionFind()
    typed = [(node, e) for node, e in view.nodes if e.type]
    for node, _ in typed:
        groups.find(node)
    changed = True
    while changed:
        changed = False
        seen: dict[tuple, Node] = {}
        acronyms = _cluster_acronyms(groups, typed)
        for node, entity in typed:
            for key in _merge_keys(view, groups, node, entity, acronyms):
                if key in seen:
                    changed |= groups.union(seen[key], node)
                else:
                    seen[key] = node
    _merge_unscoped_leftovers(view, groups, typed)
    _merge_bare_acronyms(view, groups, typed)
    return groups


def _scope(view: LocalView, groups: UnionFind, node: Node, entity: LocalEntity) -> Node | None:
    """The root of the nearest scoping ancestor (division, committee, organisation), None if unknown."""
    if entity.type in UNSCOPED_TYPES:
        return None
    frontier, seen = view.local_parents(node), {node}
    while frontier:
        parent = frontier.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        if view.entity(parent).type in SCOPING_TYPES:
            return groups.find(parent)
        frontier.extend(view.local_parents(parent))
    return None


def _cluster_acronyms(groups: UnionFind, typed: list[tuple[Node, LocalEntity]]) -> dict[Node, set[str]]:
    """The acronyms each group of merged entities is known by."""
    found: dict[Node, set[str]] = defaultdict(set)
    for node, entity in typed:
        found[groups.find(node)].update(strip_plural(a) for a in entity.acronyms)
    return found


def _merge_keys(view: LocalView, groups: UnionFind, node: Node, entity: LocalEntity,
                acronyms: dict[Node, set[str]] | None = None) -> list[tuple]:
    if entity.reference_key:
        return [("ref", entity.reference_key)]
    scope = _scope(view, groups, node, entity)
    keys: list[tuple] = [("acronym", scope, strip_plural(a)) for a in entity.acronyms]
    keys += [("name", scope, name_key(n)) for n in entity.names.get("en", []) if name_key(n)]
    scope_acronyms = (acronyms or {}).get(scope, set()) if scope is not None else set()
    for name in entity.names.get("en", []):
        first, _, rest = name.partition(" ")
        if rest and strip_plural(first) in scope_acronyms and name_key(rest):
            keys.append(("name", scope, name_key(rest)))  # "PASP Multilateral Organizations Section" in PASP
    if not entity.names.get("en"):
        keys += [("name-fr", scope, name_key(n)) for n in entity.names.get("fr", []) if name_key(n)]
    return keys


def _merge_unscoped_leftovers(view: LocalView, groups: UnionFind, typed: list[tuple[Node, LocalEntity]]) -> None:
    """A unit named where its parent is unknown joins the one unit of that name elsewhere, if there is one."""
    by_name: dict[str, set[Node]] = defaultdict(set)
    for node, entity in typed:
        for name in entity.names.get("en", []):
            by_name[name_key(name)].add(groups.find(node))
    for node, entity in typed:
        if entity.type in UNSCOPED_TYPES or entity.reference_key or _scope(view, groups, node, entity) is not None:
            continue
        for name in entity.names.get("en", []):
            others = by_name[name_key(name)] - {groups.find(node)}
            if len(others) == 1:
                groups.union(node, next(iter(others)))


def _merge_bare_acronyms(view: LocalView, groups: UnionFind, typed: list[tuple[Node, LocalEntity]]) -> None:
    """An acronym a notice uses without defining joins the entity another notice defines it for."""
    by_acronym: dict[str, set[Node]] = defaultdict(set)
    for node, entity in typed:
        for acronym in entity.acronyms:
            by_acronym[strip_plural(acronym)].add(groups.find(node))
    for node, entity in view.nodes:
        if entity.type:
            continue
        targets = set().union(*(by_acronym.get(strip_plural(a), set()) for a in entity.acronyms)) if entity.acronyms else set()
        if len(targets) == 1:
            groups.union(next(iter(targets)), node)


# --------------------------------------------------------------- entities


def _entities(view: LocalView, groups: UnionFind) -> tuple[dict[str, Entity], dict[Node, str]]:
    members: dict[Node, list[tuple[Node, LocalEntity]]] = defaultdict(list)
    for node, entity in view.nodes:
        members[groups.find(node)].append((node, entity))
    types = {root: _cluster_type(found) for root, found in members.items()}
    clusters = {root: found for root, found in members.items() if types[root]}
    labels = {root: _labels(found, types[root]) for root, found in clusters.items()}
    scopes = {root: _cluster_scope(view, groups, found, clusters) for root, found in clusters.items()}
    keys = _keys(clusters, labels, scopes)
    entities: dict[str, Entity] = {}
    key_of: dict[Node, str] = {}
    for root, found in clusters.items():
        key = keys[root]
        entities[key] = _entity(view, key, found, labels[root])
        for node, _ in found:
            key_of[node] = key
    return entities, key_of


def _cluster_type(found: list[tuple[Node, LocalEntity]]) -> str | None:
    referenced = [e.type for _, e in found if e.reference_key and e.type]
    if referenced:
        return referenced[0]
    counts = Counter(e.type for _, e in found if e.type)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _names(found: list[tuple[Node, LocalEntity]], lang: str) -> Counter:
    """How often each name of the language is used: once for being a name, once more for each sentence."""
    counts: Counter = Counter()
    for _, entity in found:
        names = entity.names.get(lang)
        if names:
            used = Counter(surface for surface, evidence in entity.evidence if evidence.lang == lang)
            for name in names:
                counts[name] += 1 + used[name]
    return counts


def _preferred(counts: Counter, acronyms: set[str], keep_qualifier: bool = False) -> str | None:
    """The fullest common form: no brackets, most often seen, then longest; a leading qualifier
    acronym is dropped ("Resilience Section", not "DPP Resilience Section") except for the groups
    of a committee, which their committee names ("NPG Staff Group", not "Staff Group")."""
    def rank(name: str) -> tuple:
        qualified = name.split()[0] in acronyms or bool(re.match(r"^[A-Z]{2,}\s", name)) and not name.startswith(("NATO ", "OTAN "))
        return ("(" in name, qualified != keep_qualifier, name.isupper(), -counts[name], -len(name), name)

    candidates = [n for n in counts if n not in acronyms]
    return min(candidates, key=rank) if candidates else None


def _labels(found: list[tuple[Node, LocalEntity]], kind: str | None) -> dict[str, object]:
    acronyms = {a for _, e in found for a in e.acronyms}
    english, french = _names(found, "en"), _names(found, "fr")
    return {
        "type": kind,
        "acronyms": acronyms,
        "en": english,
        "fr": french,
        "pref_en": _preferred(english, acronyms, keep_qualifier=kind == "Group"),
        "pref_fr": _preferred(french, acronyms),
    }


def _cluster_scope(view: LocalView, groups: UnionFind, found: list[tuple[Node, LocalEntity]], clusters: dict) -> Node | None:
    for node, entity in found:
        if entity.type and entity.type not in UNSCOPED_TYPES:
            scope = _scope(view, groups, node, entity)
            if scope is not None and scope in clusters:
                return scope
    return None


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "unnamed"


def _own_slug(labels: dict) -> str:
    name = labels["pref_en"] or labels["pref_fr"] or min(labels["acronyms"], default="unnamed")
    return slug(str(name))


def _keys(clusters: dict, labels: dict, scopes: dict) -> dict[Node, str]:
    """Readable keys: the slug of the name, under the slug of the scoping parent for scoped units."""
    keys: dict[Node, str] = {}
    taken: set[str] = set()  # the keys given so far (a set: looking them up in keys.values() is quadratic)
    for root in sorted(clusters):
        own = _own_slug(labels[root])
        scope = scopes.get(root)
        key = f"{_own_slug(labels[scope])}/{own}" if scope is not None and scope != root else own
        if key in taken:
            key = f"{key}-{slug(str(labels[root]['type']))}"
        keys[root] = key
        taken.add(key)
    return keys


def _entity(view: LocalView, key: str, found: list[tuple[Node, LocalEntity]], labels: dict) -> Entity:
    entity = Entity(key=key, type=str(labels["type"]))
    for lang in ("en", "fr"):
        preferred = labels[f"pref_{lang}"]
        if preferred:
            entity.labels[lang] = str(preferred)
        others = set(labels[lang]) - {preferred} - set(labels["acronyms"])
        if others:
            entity.alt_labels[lang] = others
    entity.acronyms = {a for a in labels["acronyms"] if a}
    entity.sources = {view.extractions[node[0]].notice.source for node, _ in found}
    return entity


# --------------------------------------------------------------- postings


def _posting(view: LocalView, index: int, key_of: dict[Node, str]) -> Posting:
    extraction = view.extractions[index]
    notice = extraction.notice

    def key(local_id: str | None) -> str | None:
        if local_id is None:
            return None
        return POST if local_id == POST else key_of.get((index, local_id))

    french = notice.part("fr")
    posting = Posting(
        source=notice.source,
        sha256=notice.sha256,
        header=notice.header,
        title=extraction.post.title or notice.header.title,
        title_fr=french.header.title if french else None,
        unit=key(extraction.post.unit),
        body=key(extraction.body),
        direct_reports=extraction.post.direct_reports,
        indirect_reports=extraction.post.indirect_reports,
        warnings=list(extraction.warnings),
    )
    posting.superiors = [
        Superior(line.order, line.roles, unit, line.evidence)
        for line in extraction.reporting
        if (unit := key(line.unit)) is not None
    ]
    posting.facts = _facts(extraction, key)
    posting.mentions = _mentions(extraction, key)
    posting.warnings += [
        f"unknown acronym {', '.join(e.acronyms)}: no notice defines it"
        for e in extraction.entities
        if not e.type and key(e.id) is None and e.acronyms
    ]
    return posting


def _facts(extraction: Extraction, key) -> list[Fact]:
    facts: list[Fact] = []
    seen: set[tuple[str, str, str]] = set()
    for relation in extraction.relations:
        subject, obj = key(relation.subject), key(relation.object)
        if subject is None or obj is None or subject == obj:
            continue
        triple = (subject, relation.predicate, obj)
        if triple not in seen:
            seen.add(triple)
            facts.append(Fact(subject, relation.predicate, obj, relation.evidence))
    return facts


def _mentions(extraction: Extraction, key) -> list[Mention]:
    mentions: list[Mention] = []
    seen: set[tuple[str, str, str]] = set()
    for entity in extraction.entities:
        entity_key = key(entity.id)
        if entity_key is None:
            continue
        for surface, evidence in entity.evidence:
            marker = (entity_key, surface, evidence.sentence)
            if marker not in seen and evidence.sentence:
                seen.add(marker)
                mentions.append(Mention(entity_key, surface, evidence))
    return mentions
