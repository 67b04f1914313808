"""SHACL validation of the built graph, and the ontology the shapes rely on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from corpus_fixtures import DPP, sample_corpus
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg import config
from kg.build import advertised_post_iri, build_dataset, entity_iri, posting_iri, union_graph
from kg.config import KGD, KGO, ORG
from kg.errors import ValidationInputError
from kg.validate import summarise_violations, validate

ENTITY_CLASS_NAMES = ("Organization", "Division", "Directorate", "Section", "Office", "Committee", "Group")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture()
def graph() -> Graph:
    return union_graph(build_dataset(sample_corpus()))


def ontology() -> Graph:
    return Graph().parse(config.ONTOLOGY_DIR / "natokg.ttl", format="turtle")


def test_validate_built_graph_conforms(graph: Graph):
    conforms, results, text = validate(graph)
    assert conforms, "\n".join(summarise_violations(results))
    assert summarise_violations(results) == []


def test_validate_two_source_files_break_the_posting_shape(graph: Graph):
    graph.add((posting_iri("240696"), KGO.sourceFile, Literal("other.txt")))
    conforms, results, _ = validate(graph)
    assert not conforms
    [line] = summarise_violations(results)
    assert line.startswith("Violation kgd:notice/240696 kgo:sourceFile:")
    assert "exactly one kgo:sourceFile" in line


def test_validate_two_english_pref_labels_break_the_entity_shape(graph: Graph):
    graph.add((entity_iri(DPP), SKOS.prefLabel, Literal("DPP Division", lang="en")))
    conforms, results, _ = validate(graph)
    assert not conforms
    [line] = summarise_violations(results)
    assert "kgd:unit/defence-policy-and-planning-division skos:prefLabel" in line
    assert "at most one per language" in line


def test_validate_parent_must_be_a_described_entity(graph: Graph):
    graph.add((entity_iri(DPP), ORG.subOrganizationOf, entity_iri("nowhere")))
    conforms, results, _ = validate(graph)
    lines = summarise_violations(results)
    assert not conforms
    assert any("org:subOrganizationOf" in line and "(value: kgd:unit/nowhere)" in line for line in lines)


def test_validate_negative_report_count_names_the_value(graph: Graph):
    graph.set((advertised_post_iri("240696"), KGO.directReports, Literal(-1)))
    conforms, results, _ = validate(graph)
    assert not conforms
    assert any('kgo:directReports' in line and '"-1"^^xsd:integer' in line for line in summarise_violations(results))


def test_validate_evidence_needs_sentence_and_source(graph: Graph):
    graph.add((KGD["evidence/240696/000000000000"], RDF.type, KGO.Evidence))
    conforms, results, _ = validate(graph)
    lines = summarise_violations(results)
    assert not conforms
    assert any("kgo:sentence" in line for line in lines)
    assert any("prov:wasDerivedFrom" in line for line in lines)


def test_validate_unparsable_shapes_raise_validation_input_error(graph: Graph, tmp_path: Path):
    shutil.copy(config.ONTOLOGY_DIR / "natokg.ttl", tmp_path / "natokg.ttl")
    (tmp_path / "shapes.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nthis is not turtle", encoding="utf-8")
    with pytest.raises(ValidationInputError) as caught:
        validate(graph, tmp_path)
    assert caught.value.path == str(tmp_path / "shapes.ttl")


def test_validate_missing_shapes_raise_validation_input_error(graph: Graph, tmp_path: Path):
    with pytest.raises(ValidationInputError, match="no such file"):
        validate(graph, tmp_path)


def test_validate_ontology_labels_every_term_in_english_and_french():
    onto = ontology()
    terms = {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(KGO))}
    assert len(terms) > 20
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in onto.objects(term, prop)}
            assert {"en", "fr"} <= langs, f"{term} lacks an English or French {prop}"


def test_validate_ontology_places_entity_classes_under_org_organization():
    onto = ontology()
    for name in ENTITY_CLASS_NAMES:
        ancestors = set(onto.transitive_objects(KGO[name], RDFS.subClassOf))
        assert ORG.Organization in ancestors, name
    assert (KGO.Organization, RDFS.subClassOf, ORG.FormalOrganization) in onto
    assert (ORG.OrganizationalUnit, RDFS.subClassOf, ORG.Organization) in onto


def test_validate_ontology_keeps_non_entities_out_of_entity_classes():
    """Evidence, posts, roles and postings have no ancestor named like an entity kind."""
    onto = ontology() + Graph().parse(config.ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    schema = Namespace("https://schema.org/")
    prov = Namespace("http://www.w3.org/ns/prov#")
    for cls in (KGO.Evidence, ORG.Post, ORG.Role, schema.JobPosting, schema.MonetaryAmount, schema.Place, prov.Entity):
        names = {local_name(c) for c in onto.transitive_objects(cls, RDFS.subClassOf)}
        assert not names & {*ENTITY_CLASS_NAMES, "FormalOrganization", "OrganizationalUnit"}, cls
    assert (KGO.heads, RDFS.subPropertyOf, ORG.headOf) not in onto
    assert (KGO.mentions, RDFS.subPropertyOf, Namespace("https://schema.org/").mentions) in onto
    assert (KGO.Evidence, RDF.type, OWL.Class) in onto


def local_name(term: URIRef) -> str:
    return str(term).replace("#", "/").rsplit("/", 1)[-1]
