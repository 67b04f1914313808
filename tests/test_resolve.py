"""Behaviour tests for kg.resolve: one Entity per real unit across notices, with readable keys.

Three notices in tests/data (two of the Public Diplomacy Division, one of
Executive Management) name the same units in different ways, and two
divisions' sections by the same name.
"""

from __future__ import annotations

import re
from itertools import permutations
from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.entities import name_key
from kg.ingest import parse_notice
from kg.model import POST, Corpus, Entity, Extraction, Notice
from kg.resolve import resolve, slug

DATA = Path(__file__).resolve().parent / "data"
PDD_OFFICER = "resolve_pdd_officer.txt"
PDD_HEAD = "resolve_pdd_support_head.txt"
EM_OFFICER = "resolve_em_officer.txt"
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")


def read_file(path: Path) -> Notice:
    """A notice file, parsed the way ingest parses text."""
    return parse_notice(path.read_text(encoding="utf-8"), path.name)


@pytest.fixture(scope="module")
def extractions() -> dict[str, Extraction]:
    return {name: extract(read_file(DATA / name)) for name in (PDD_OFFICER, PDD_HEAD, EM_OFFICER)}


@pytest.fixture(scope="module")
def corpus(extractions: dict[str, Extraction]) -> Corpus:
    return resolve(extractions.values())


def find(corpus: Corpus, name: str, type_: str | None = None) -> list[Entity]:
    """Entities one of whose English labels has the key of ``name`` (or whose acronym is ``name``)."""
    found = []
    for entity in corpus.entities.values():
        labels = [entity.labels.get("en", "")] + sorted(entity.alt_labels.get("en", set()))
        if (name in entity.acronyms or any(name_key(label) == name_key(name) for label in labels if label)) \
                and (type_ is None or entity.type == type_):
            found.append(entity)
    return found


def one(corpus: Corpus, name: str, type_: str | None = None) -> Entity:
    found = find(corpus, name, type_)
    assert len(found) == 1, f"{name!r}: {[e.key for e in found]}"
    return found[0]


def posting(corpus: Corpus, source: str):
    return next(p for p in corpus.postings if p.source == source)


def small_notice(source: str, summary: str, interrelationships: str) -> Extraction:
    text = "\n".join([
        "VACANCY NOTIFICATION", "", "Officer, Policy - 259999", "",
        "NATO Body: NATO International Staff (NATO IS)", "", "Description:", "",
        "1. SUMMARY", "", summary, "", "4. INTERRELATIONSHIPS", "", interrelationships, "",
    ])
    return extract(parse_notice(text, source))


PASP = "The Political Affairs and Security Policy (PASP) Division is responsible for political affairs."


# ==================================================================== merging


def test_resolve_same_unit_named_several_ways_is_one_entity(corpus: Corpus) -> None:
    sections = find(corpus, "Divisional Support Section", "Section")
    in_pdd = [e for e in sections if PDD_HEAD in e.sources]
    assert len(in_pdd) == 1
    entity = in_pdd[0]
    assert entity.sources == {PDD_OFFICER, PDD_HEAD}
    names = {entity.labels["en"]} | entity.alt_labels.get("en", set())
    assert {"Divisional Support Section", "Division Support Section"} <= names
    assert entity.labels["fr"] == "Section Soutien de la Division"
    assert entity.acronyms == {"DSS"}


@pytest.mark.parametrize(
    ("name", "type_", "french"),
    [
        ("Public Diplomacy Division", "Division", "Division Diplomatie publique"),
        ("Committee on Public Diplomacy", "Committee", "Comité de la diplomatie publique"),
        ("Digital Engagement Section", "Section", "Section Engagement numérique"),
        ("Engagements Directorate", "Directorate", "Direction Engagements"),
        ("Joint Intelligence and Security Division", "Division", "Division Renseignement et sécurité"),
        ("Executive Management Division", "Division", "Division Gestion exécutive"),
    ],
)
def test_resolve_entity_has_english_and_french_labels(corpus: Corpus, name: str, type_: str, french: str) -> None:
    entity = one(corpus, name)
    assert entity.type == type_
    assert name_key(entity.labels["en"]) == name_key(name)
    assert entity.labels["fr"] == french


def test_resolve_division_named_with_and_without_acronym_is_one(corpus: Corpus) -> None:
    division = one(corpus, "PDD")
    assert division.labels["en"] == "Public Diplomacy Division"
    assert "Public Diplomacy (PDD) Division" in division.alt_labels["en"]
    assert division.sources == {PDD_OFFICER, PDD_HEAD}


def test_resolve_same_section_name_in_two_divisions_stays_two(corpus: Corpus) -> None:
    sections = find(corpus, "Divisional Support Section", "Section")
    assert len(sections) == 2
    assert len({e.key for e in sections}) == 2
    parents = {e.key: e.parents for e in sections}
    pdd, em = one(corpus, "PDD"), one(corpus, "EM")
    assert sorted(len(p) for p in parents.values()) == [1, 1]
    assert {next(iter(p)) for p in parents.values()} == {pdd.key, em.key}
    em_section = next(e for e in sections if em.key in e.parents)
    assert em_section.sources == {EM_OFFICER}


def test_resolve_qualified_name_joins_the_plain_name() -> None:
    a = small_notice(
        "a.txt",
        PASP + " The Division's Multilateral Organizations Section works with the United Nations.",
        "The incumbent reports to the Head, Multilateral Organizations Section.",
    )
    b = small_notice(
        "b.txt", PASP, "The incumbent reports to the Head, PASP Multilateral Organizations Section."
    )
    corpus = resolve([a, b])
    section = one(corpus, "Multilateral Organizations Section")
    assert section.sources == {"a.txt", "b.txt"}
    assert section.labels["en"] == "Multilateral Organizations Section"
    assert {p.unit for p in corpus.postings} == {section.key}


def test_resolve_section_named_without_its_division_joins_the_only_one_of_that_name() -> None:
    a = small_notice("a.txt", PASP + " Within PASP, the Arms Control Section works on disarmament.",
                     "The incumbent reports to the Head, Arms Control Section.")
    b = small_notice("b.txt", "The incumbent drafts papers on disarmament.",
                     "The incumbent reports to the Head, Arms Control Section.")
    corpus = resolve([a, b])
    section = one(corpus, "Arms Control Section")
    assert section.sources == {"a.txt", "b.txt"}


def test_resolve_reference_body_is_one_entity_across_notices(corpus: Corpus) -> None:
    staff = one(corpus, "NATO International Staff")
    assert staff.sources == {PDD_OFFICER, PDD_HEAD, EM_OFFICER}
    assert all(p.body == staff.key for p in corpus.postings)


# ================================================================= acronyms


def test_resolve_acronym_used_undefined_joins_the_defined_entity(corpus: Corpus) -> None:
    centre = one(corpus, "MOC")
    assert centre.labels["en"] == "Media Operations Centre"
    assert centre.sources == {PDD_OFFICER, PDD_HEAD}
    facts = {(f.subject, f.predicate, f.object) for f in posting(corpus, PDD_HEAD).facts}
    assert (POST, "coordinatesWith", centre.key) in facts


def test_resolve_acronym_nobody_defines_is_dropped_with_a_warning(corpus: Corpus) -> None:
    assert find(corpus, "QRT") == []
    assert not any("qrt" in key for key in corpus.entities)
    warnings = posting(corpus, PDD_HEAD).warnings
    assert any("QRT" in w for w in warnings)
    assert not any("QRT" in w for w in posting(corpus, PDD_OFFICER).warnings)
    for p in corpus.postings:
        assert all(f.subject in corpus.entities or f.subject == POST for f in p.facts)
        assert all(f.object in corpus.entities for f in p.facts)


def test_resolve_acronym_defined_in_two_divisions_stays_apart(corpus: Corpus) -> None:
    keys = {e.key for e in corpus.entities.values() if "DSS" in e.acronyms}
    assert len(keys) == 2


# ====================================================================== keys


def test_resolve_keys_are_readable_slugs(corpus: Corpus) -> None:
    for key, entity in corpus.entities.items():
        assert key == entity.key
        assert KEY.match(key), key
        own = key.split("/")[-1]
        assert own.startswith(slug(entity.labels.get("en") or entity.labels.get("fr") or min(entity.acronyms)))


def test_resolve_keys_derive_from_the_name_and_the_scoping_parent(corpus: Corpus) -> None:
    pdd, em = one(corpus, "PDD"), one(corpus, "EM")
    for division in (pdd, em):
        (section,) = [e for e in find(corpus, "Divisional Support Section", "Section") if division.key in e.parents]
        assert section.key == f"{slug(division.labels['en'])}/{slug(section.labels['en'])}"
    assert one(corpus, "Digital Engagement Section").key == "public-diplomacy-division/digital-engagement-section"
    assert one(corpus, "Engagements Directorate").key == "public-diplomacy-division/engagements-directorate"


def test_resolve_committee_keys_are_not_scoped(corpus: Corpus) -> None:
    assert one(corpus, "CPD").key == "committee-on-public-diplomacy"


@pytest.mark.parametrize("order", list(permutations([PDD_OFFICER, PDD_HEAD, EM_OFFICER])))
def test_resolve_keys_do_not_depend_on_the_order_of_notices(
    extractions: dict[str, Extraction], corpus: Corpus, order: tuple[str, ...]
) -> None:
    again = resolve([extractions[name] for name in order])
    assert set(again.entities) == set(corpus.entities)
    for key, entity in again.entities.items():
        assert (entity.labels, entity.parents, entity.acronyms) == (
            corpus.entities[key].labels, corpus.entities[key].parents, corpus.entities[key].acronyms
        )
    assert [(p.source, p.unit) for p in again.postings] == [(p.source, p.unit) for p in corpus.postings]


def test_resolve_keys_do_not_depend_on_the_order_of_the_same_names() -> None:
    a = small_notice("a.txt", PASP + " Within PASP, the Arms Control Section works on disarmament.",
                     "The incumbent reports to the Head, Arms Control Section.")
    b = small_notice("b.txt", PASP + " Within PASP, the Arms Control (AC) Section works on disarmament.",
                     "The incumbent reports to the Head, Arms Control Section.")
    assert set(resolve([a, b]).entities) == set(resolve([b, a]).entities)


# ================================================================== postings


def test_resolve_posting_unit_and_superiors_are_keys(corpus: Corpus) -> None:
    officer = posting(corpus, PDD_OFFICER)
    section, directorate = one(corpus, "Digital Engagement Section"), one(corpus, "Engagements Directorate")
    assert officer.unit == section.key
    assert [(s.order, s.roles, s.unit) for s in officer.superiors] == [
        (1, ("Head",), section.key),
        (2, ("Director",), directorate.key),
    ]
    head = posting(corpus, PDD_HEAD)
    assert head.unit == next(e.key for e in find(corpus, "DSS") if PDD_HEAD in e.sources)
    assert [(s.roles, s.unit) for s in head.superiors] == [(("Assistant Secretary General",), one(corpus, "PDD").key)]
    assert (head.direct_reports, head.indirect_reports) == (4, 2)
    assert head.title == "Head, Division Support Section"
    assert head.title_fr == "Chef(fe), Section Soutien de la Division"


def test_resolve_facts_use_entity_keys(corpus: Corpus) -> None:
    officer = posting(corpus, PDD_OFFICER)
    facts = {(f.subject, f.predicate, f.object) for f in officer.facts}
    pdd, cpd = one(corpus, "PDD"), one(corpus, "CPD")
    section, directorate = one(corpus, "Digital Engagement Section"), one(corpus, "Engagements Directorate")
    assert (POST, "supports", cpd.key) in facts
    assert (pdd.key, "supports", cpd.key) in facts
    assert (section.key, "partOf", directorate.key) in facts
    assert (POST, "coordinatesWith", one(corpus, "JISD").key) in facts
    head = posting(corpus, PDD_HEAD)
    dss = next(e for e in find(corpus, "DSS") if PDD_HEAD in e.sources)
    assert (POST, "heads", dss.key) in {(f.subject, f.predicate, f.object) for f in head.facts}


def test_resolve_parents_come_from_the_facts(corpus: Corpus) -> None:
    section, directorate = one(corpus, "Digital Engagement Section"), one(corpus, "Engagements Directorate")
    assert directorate.key in section.parents
    assert one(corpus, "PDD").key in directorate.parents
    for entity in corpus.entities.values():
        assert entity.parents <= set(corpus.entities)
        assert entity.key not in entity.parents


def test_resolve_mentions_keep_the_surface_and_sentence(corpus: Corpus) -> None:
    head = posting(corpus, PDD_HEAD)
    dss = next(e for e in find(corpus, "DSS") if PDD_HEAD in e.sources)
    surfaces = {(m.surface, m.evidence.lang) for m in head.mentions if m.entity == dss.key}
    assert ("Division Support Section", "en") in surfaces
    assert ("Section Soutien de la Division", "fr") in surfaces
    assert all(m.evidence.sentence for m in head.mentions)


def test_resolve_no_notices_gives_an_empty_corpus() -> None:
    corpus = resolve([])
    assert corpus.entities == {} and corpus.postings == []
