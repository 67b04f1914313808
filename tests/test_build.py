"""The RDF the build stage makes from a resolved corpus (CONTRACT.md)."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from corpus_fixtures import (
    CEPC,
    DPCD,
    DPP,
    DPPC,
    DPS,
    DSS,
    EPG,
    IMS,
    NATO_IS,
    OVERSEES_SENTENCE,
    REPORTS_SENTENCE,
    RS,
    SOURCE_0,
    sample_corpus,
)
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SKOS

from kg.build import (
    ENTITIES_GRAPH,
    advertised_post_iri,
    build_dataset,
    entity_iri,
    posting_iri,
    role_iri,
    slug,
    superior_post_iri,
    union_graph,
)
from kg.config import KGD, KGO, ORG, SCHEMA
from kg.model import POST, Corpus, Fact

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module globals
POSTING_0 = posting_iri("240696")
POSTING_1 = posting_iri("240700")
POST_0 = advertised_post_iri("240696")
POST_1 = advertised_post_iri("240700")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(sample_corpus())


@pytest.fixture(scope="module")
def graph(dataset: Dataset) -> Graph:
    return union_graph(dataset)


def named_graphs(ds: Dataset) -> dict[URIRef, Graph]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return {g.identifier: g for g in ds.contexts() if len(g)}


def test_build_slug_is_lowercase_ascii_words():
    assert slug("Deputy Director") == "deputy-director"
    assert slug("000_bbc9af25ff1dbbb4.txt") == "000-bbc9af25ff1dbbb4-txt"
    assert slug("Section Résilience") == "section-resilience"


def test_build_entities_have_kgo_types(graph: Graph):
    expected = {
        NATO_IS: "Organization",
        DPP: "Division",
        DPCD: "Directorate",
        RS: "Section",
        CEPC: "Committee",
        EPG: "Group",
    }
    for key, type_name in expected.items():
        assert (entity_iri(key), RDF.type, KGO[type_name]) in graph
    assert (entity_iri(RS), RDF.type, ORG.OrganizationalUnit) in graph
    assert (entity_iri(NATO_IS), RDF.type, ORG.FormalOrganization) in graph


def test_build_entity_iri_is_unit_path_of_key():
    assert entity_iri(RS) == KGD["unit/defence-policy-and-planning-division/defence-policy-and-capabilities-directorate/resilience-section"]


def test_build_labels_per_language_alt_labels_and_acronyms(graph: Graph):
    dpp = entity_iri(DPP)
    assert set(graph.objects(dpp, SKOS.prefLabel)) == {
        Literal("Defence Policy and Planning Division", lang="en"),
        Literal("Division Politique et plans de défense", lang="fr"),
    }
    assert set(graph.objects(dpp, SKOS.altLabel)) == {
        Literal("Defence Policy and Planning (DPP) Division", lang="en"),
        Literal("DPP Division", lang="en"),
    }
    assert set(graph.objects(dpp, KGO.acronym)) == {Literal("DPP")}
    assert graph.value(dpp, RDFS.label) == Literal("Defence Policy and Planning Division", lang="en")
    assert set(graph.objects(entity_iri(NATO_IS), KGO.acronym)) == {Literal("IS"), Literal("NATO IS")}
    assert Literal("Secrétariat international", lang="fr") in set(graph.objects(entity_iri(NATO_IS), SKOS.altLabel))


def test_build_unit_hierarchy_has_two_parent_levels(graph: Graph):
    assert (entity_iri(RS), ORG.subOrganizationOf, entity_iri(DPCD)) in graph
    assert (entity_iri(DPCD), ORG.subOrganizationOf, entity_iri(DPP)) in graph
    assert (entity_iri(DPP), ORG.subOrganizationOf, entity_iri(NATO_IS)) in graph


def test_build_first_and_last_seen_are_deadlines_of_mentioning_notices(graph: Graph):
    dpp = entity_iri(DPP)  # named by both notices
    assert graph.value(dpp, KGO.firstSeen) == Literal(date(2024, 5, 16))
    assert graph.value(dpp, KGO.lastSeen) == Literal(date(2024, 7, 1))
    assert graph.value(entity_iri(RS), KGO.lastSeen) == Literal(date(2024, 5, 16))
    assert graph.value(dpp, KGO.lastSeen).datatype == XSD.date


def test_build_posting_fields(graph: Graph):
    p = POSTING_0
    assert (p, RDF.type, SCHEMA.JobPosting) in graph
    assert graph.value(p, KGO.sourceFile) == Literal(SOURCE_0)
    assert graph.value(p, SCHEMA.identifier) == Literal("240696")
    assert set(graph.objects(p, SCHEMA["title"])) == {
        Literal("Officer - Civil Preparedness Policy and Planning", lang="en"),
        Literal("Officier - Politique et planification de la préparation du secteur civil", lang="fr"),
    }
    assert graph.value(p, SCHEMA.validThrough) == Literal(date(2024, 5, 16))
    assert graph.value(p, KGO.grade) == Literal("G20")
    assert graph.value(p, SCHEMA.securityClearanceRequirement) == Literal("NS")
    assert graph.value(p, SCHEMA.employmentType) == Literal("FULL_TIME")
    assert graph.value(p, SCHEMA.hiringOrganization) == entity_iri(NATO_IS)
    assert graph.value(p, KGO.advertises) == POST_0
    place = graph.value(p, SCHEMA.jobLocation)
    assert graph.value(place, SCHEMA.name) == Literal("Brussels, Belgium")


def test_build_salary_is_a_named_monetary_amount(graph: Graph):
    salary = graph.value(POSTING_0, SCHEMA.baseSalary)
    assert salary == KGD["notice/240696/salary"]
    assert (salary, RDF.type, SCHEMA.MonetaryAmount) in graph
    value = graph.value(salary, SCHEMA.value)
    assert value.datatype == XSD.decimal and value.toPython() == Decimal("8754.21")
    assert graph.value(salary, SCHEMA.currency) == Literal("EUR")
    assert graph.value(salary, SCHEMA.unitText) == Literal("MONTH")
    assert graph.value(POSTING_1, SCHEMA.baseSalary) is None


def test_build_advertised_post(graph: Graph):
    assert (POST_0, RDF.type, ORG.Post) in graph
    assert graph.value(POST_0, ORG.postIn) == entity_iri(RS)
    assert graph.value(POST_0, KGO.directReports) == Literal(2, datatype=XSD.integer)
    assert graph.value(POST_0, KGO.indirectReports) is None
    assert Literal("Officer - Civil Preparedness Policy and Planning", lang="en") in set(graph.objects(POST_0, RDFS.label))
    assert graph.value(POST_1, ORG.role) == role_iri("Head")  # "Head, Capability Planning Support"
    assert graph.value(POST_0, ORG.role) is None


def test_build_reporting_line_of_two_steps_with_roles(graph: Graph):
    head = graph.value(POST_0, ORG.reportsTo)
    assert head == superior_post_iri(RS, ("Head",))
    assert graph.value(head, ORG.postIn) == entity_iri(RS)
    assert set(graph.objects(head, ORG.role)) == {role_iri("Head")}
    assert Literal("Head, Resilience Section", lang="en") in set(graph.objects(head, RDFS.label))
    director = graph.value(head, ORG.reportsTo)
    assert director == superior_post_iri(DPCD, ("Director",))
    assert graph.value(director, ORG.postIn) == entity_iri(DPCD)
    assert set(graph.objects(director, ORG.role)) == {role_iri("Director")}
    assert graph.value(director, ORG.reportsTo) is None


def test_build_roles_are_labelled_org_roles(graph: Graph):
    head = role_iri("Head")
    assert head == KGD["role/head"]
    assert (head, RDF.type, ORG.Role) in graph
    assert Literal("Head", lang="en") in set(graph.objects(head, RDFS.label))


def test_build_deputy_director_head_is_one_post_with_two_roles(graph: Graph):
    superior = graph.value(POST_1, ORG.reportsTo)
    assert superior == KGD["post/defence-policy-and-planning-division/defence-planning-section/head"]
    assert set(graph.objects(superior, ORG.role)) == {role_iri("Head"), role_iri("Deputy Director")}
    assert graph.value(superior, ORG.postIn) == entity_iri(DPS)
    assert graph.value(superior, RDFS.label) == Literal("Head/Deputy Director, Defence Planning Section", lang="en")


def test_build_facts_of_each_kind(graph: Graph):
    assert (entity_iri(DPP), KGO.supports, entity_iri(DPPC)) in graph
    assert (POST_0, KGO.oversees, entity_iri(EPG)) in graph
    assert (POST_1, KGO.heads, entity_iri(DSS)) in graph
    assert (POST_1, KGO.coordinatesWith, entity_iri(IMS)) in graph
    assert (entity_iri(EPG), ORG.subOrganizationOf, entity_iri(CEPC)) in graph
    assert (POST_0, ORG.postIn, entity_iri(RS)) in graph  # "post partOf unit" is org:postIn
    assert not set(graph.subject_objects(ORG.headOf))


def test_build_mentions_every_referenced_entity(graph: Graph):
    mentioned = set(graph.objects(POSTING_0, KGO.mentions))
    assert {entity_iri(k) for k in (RS, DPP, EPG, CEPC, DPPC, DPCD, NATO_IS)} <= mentioned
    assert entity_iri(IMS) not in mentioned


def test_build_each_notice_is_a_named_graph(dataset: Dataset):
    graphs = named_graphs(dataset)
    assert set(graphs) == {ENTITIES_GRAPH, POSTING_0, POSTING_1}
    notice = graphs[POSTING_0]
    assert (POSTING_0, KGO.advertises, POST_0) in notice
    assert (POST_0, ORG.reportsTo, superior_post_iri(RS, ("Head",))) in notice
    assert (POST_0, KGO.oversees, entity_iri(EPG)) in notice
    assert (POST_1, KGO.heads, entity_iri(DSS)) not in notice
    entities = graphs[ENTITIES_GRAPH]
    assert (entity_iri(RS), SKOS.prefLabel, Literal("Resilience Section", lang="en")) in entities
    assert (superior_post_iri(RS, ("Head",)), ORG.postIn, entity_iri(RS)) in entities


def test_build_evidence_reifies_each_relation(dataset: Dataset):
    notice = named_graphs(dataset)[POSTING_0]
    evidence = set(notice.subjects(RDF.object, entity_iri(EPG))) & set(notice.subjects(RDF.predicate, KGO.oversees))
    assert len(evidence) == 1
    node = evidence.pop()
    assert str(node).startswith(str(KGD["evidence/240696/"]))
    assert len(str(node).rsplit("/", 1)[1]) == 12
    assert (node, RDF.type, KGO.Evidence) in notice
    assert (node, RDF.subject, POST_0) in notice
    assert notice.value(node, KGO.sentence) == Literal(OVERSEES_SENTENCE, lang="en")
    assert notice.value(node, KGO.section) == Literal("summary")
    assert notice.value(node, PROV.wasDerivedFrom) == POSTING_0


def test_build_evidence_for_each_reporting_step(dataset: Dataset):
    notice = named_graphs(dataset)[POSTING_0]
    steps = set(notice.subjects(RDF.predicate, ORG.reportsTo))
    assert {notice.value(s, RDF.subject) for s in steps} == {POST_0, superior_post_iri(RS, ("Head",))}
    assert {notice.value(s, KGO.sentence) for s in steps} == {Literal(REPORTS_SENTENCE, lang="en")}


def test_build_mention_evidence_keeps_surface_form_and_language(graph: Graph):
    nodes = set(graph.subjects(KGO.evidenceFor, entity_iri(RS)))
    forms = {graph.value(n, KGO.surfaceForm) for n in nodes}
    assert forms == {Literal("Resilience Section (RS)", lang="en"), Literal("Section Résilience", lang="fr")}
    assert all(graph.value(n, PROV.wasDerivedFrom) == POSTING_0 for n in nodes)


def test_build_evidence_is_traceable_by_sparql_to_sentence_and_file(graph: Graph):
    rows = list(
        graph.query(
            """
            SELECT ?sentence ?file WHERE {
                ?e rdf:subject ?post ; rdf:predicate kgo:oversees ; rdf:object ?group ;
                   kgo:sentence ?sentence ; prov:wasDerivedFrom ?notice .
                ?notice kgo:sourceFile ?file .
            }""",
            initNs={"rdf": RDF, "kgo": KGO, "prov": PROV},
        )
    )
    assert [(str(s), str(f)) for s, f in rows] == [(OVERSEES_SENTENCE, SOURCE_0)]


def test_build_posting_derived_from_its_source_file(graph: Graph):
    source = graph.value(POSTING_0, PROV.wasDerivedFrom)
    assert (source, RDF.type, PROV.Entity) in graph
    assert graph.value(source, RDFS.label) == Literal(SOURCE_0)
    assert graph.value(source, KGO.sha256) == Literal("ab" * 32)


def test_build_has_no_blank_nodes(dataset: Dataset):
    assert not any(isinstance(term, BNode) for quad in dataset.quads((None, None, None, None)) for term in quad[:3])


def test_build_is_deterministic():
    first = sorted(build_dataset(sample_corpus()).quads((None, None, None, None)))
    second = sorted(build_dataset(sample_corpus()).quads((None, None, None, None)))
    assert first == second


def test_build_same_reference_twice_keeps_two_postings():
    corpus = sample_corpus()
    twin = replace(corpus.postings[0], source="009_twin.txt")
    graph = union_graph(build_dataset(Corpus(corpus.entities, [*corpus.postings, twin])))
    assert len(set(graph.subjects(RDF.type, SCHEMA.JobPosting))) == 3


def test_build_unknown_relation_names_the_notice():
    corpus = sample_corpus()
    corpus.postings[0].facts.append(Fact(POST, "employs", RS, corpus.postings[0].facts[0].evidence))
    with pytest.raises(ValueError, match=SOURCE_0):
        build_dataset(corpus)


def test_build_ontology_keeps_posts_and_evidence_out_of_entity_classes(graph: Graph):
    """Only entity IRIs get a type whose name is an entity kind."""
    kinds = {KGO[name] for name in ("Organization", "Division", "Directorate", "Section", "Office", "Committee", "Group")}
    typed = {s for s, o in graph.subject_objects(RDF.type) if o in kinds}
    assert all(str(s).startswith(str(KGD["unit/"])) for s in typed)
    assert len(typed) == len(sample_corpus().entities)


def test_build_quads_are_the_dataset():
    from kg.store import QuadTable

    corpus = sample_corpus()
    streamed = QuadTable.of_corpus(corpus)
    loaded = QuadTable.of_dataset(build_dataset(corpus))
    assert [str(q) for q in streamed.quads()] == [str(q) for q in loaded.quads()]


def test_build_quads_stream_plain_terms():
    from kg.build import Lit, build_quads

    quads = list(build_quads(sample_corpus()))
    assert all(type(term) is str for quad in quads for term in (quad[0], quad[1], quad[3]))
    assert all(type(quad[2]) is str or isinstance(quad[2], Lit) for quad in quads)
    assert (str(entity_iri(RS)), str(SKOS.prefLabel), Lit("Resilience Section", "en"), str(ENTITIES_GRAPH)) in quads
