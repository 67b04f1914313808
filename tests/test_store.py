"""Writing graph.ttl, graph.trig and the Oxigraph store, and opening the store again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from corpus_fixtures import RS, SOURCE_0, sample_corpus
from rdflib import RDF, Dataset, Graph, URIRef

from kg.build import ENTITIES_GRAPH, build_dataset, entity_iri, posting_iri, union_graph
from kg.config import GRAPH_TRIG, GRAPH_TTL, KGO, SCHEMA, STORE_DIRNAME
from kg.errors import StoreError
from kg.store import open_store, write_outputs

PROJECT_DIR = Path(__file__).resolve().parent.parent
TESTS_DIR = Path(__file__).resolve().parent

BUILD_IN_SUBPROCESS = """
import sys
from pathlib import Path
from corpus_fixtures import sample_corpus
from kg.build import build_dataset
from kg.store import write_outputs
write_outputs(build_dataset(sample_corpus()), Path(sys.argv[1]))
"""


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    write_outputs(build_dataset(sample_corpus()), out)
    return out


def build_in_subprocess(out: Path, hash_seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=os.pathsep.join([str(PROJECT_DIR), str(TESTS_DIR)]))
    subprocess.run([sys.executable, "-c", BUILD_IN_SUBPROCESS, str(out)], check=True, env=env, cwd=PROJECT_DIR)


def test_store_write_outputs_returns_the_three_outputs(out_dir: Path):
    assert (out_dir / GRAPH_TTL).is_file()
    assert (out_dir / GRAPH_TRIG).is_file()
    assert (out_dir / STORE_DIRNAME).is_dir()
    assert not [p.name for p in out_dir.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_store_turtle_holds_the_union_of_the_graphs(out_dir: Path):
    graph = Graph().parse(out_dir / GRAPH_TTL, format="turtle")
    assert len(graph) == len(union_graph(build_dataset(sample_corpus())))
    assert (posting_iri("240696"), RDF.type, SCHEMA.JobPosting) in graph


def test_store_turtle_binds_the_project_prefixes(out_dir: Path):
    text = (out_dir / GRAPH_TTL).read_text(encoding="utf-8")
    for prefix in ("kgo", "org", "schema", "skos", "prov", "rdfs", "xsd"):
        assert f"@prefix {prefix}: " in text


def test_store_trig_has_a_named_graph_per_notice(out_dir: Path):
    ds = Dataset()
    ds.parse(out_dir / GRAPH_TRIG, format="trig")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        names = {g.identifier for g in ds.contexts() if len(g)}
    assert names == {ENTITIES_GRAPH, posting_iri("240696"), posting_iri("240700")}
    notice = ds.graph(posting_iri("240696"))
    assert notice.value(posting_iri("240696"), KGO.sourceFile).toPython() == SOURCE_0


def test_store_turtle_is_byte_identical_across_builds(tmp_path: Path):
    write_outputs(build_dataset(sample_corpus()), tmp_path / "a")
    write_outputs(build_dataset(sample_corpus()), tmp_path / "b")
    for name in (GRAPH_TTL, GRAPH_TRIG):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_store_turtle_is_byte_identical_across_processes(tmp_path: Path):
    build_in_subprocess(tmp_path / "a", hash_seed="1")
    build_in_subprocess(tmp_path / "b", hash_seed="2")
    for name in (GRAPH_TTL, GRAPH_TRIG):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_store_rebuild_replaces_the_store(tmp_path: Path):
    write_outputs(build_dataset(sample_corpus()), tmp_path)
    corpus = sample_corpus()
    corpus.postings = corpus.postings[:1]
    write_outputs(build_dataset(corpus), tmp_path)
    store = open_store(tmp_path)
    assert list(store.notice_graphs()) == [ENTITIES_GRAPH, posting_iri("240696")]
    assert sorted(p.name for p in tmp_path.iterdir()) == [GRAPH_TRIG, GRAPH_TTL, STORE_DIRNAME]


def test_store_opens_and_answers_sparql(out_dir: Path):
    store = open_store(out_dir)
    rows = list(store.query("SELECT ?label WHERE { ?s a kgo:Section ; skos:prefLabel ?label FILTER(lang(?label) = 'fr') }"))
    assert [str(r[0]) for r in rows] == ["Section Résilience"]
    assert store.quad_count() == len(list(build_dataset(sample_corpus()).quads((None, None, None, None))))


def test_store_default_graph_is_the_union(out_dir: Path):
    store = open_store(out_dir / STORE_DIRNAME)  # the store folder itself is accepted too
    assert (entity_iri(RS), RDF.type, KGO.Section) in store
    assert (posting_iri("240696"), KGO.advertises, None) in store


def test_store_is_read_only(out_dir: Path):
    store = open_store(out_dir)
    with pytest.raises(RuntimeError, match="read-write"):
        store.add((URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:c")))


def test_store_missing_store_names_the_path(tmp_path: Path):
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / STORE_DIRNAME) in message
    assert "natokg build" in message


# ------------------------------------------------------------- big builds


WRITE_CORPUS_IN_SUBPROCESS = """
import sys
from pathlib import Path
from corpus_fixtures import sample_corpus
from kg.store import QuadTable, write_outputs
write_outputs(QuadTable.of_corpus(sample_corpus()), Path(sys.argv[1]))
"""


def test_store_files_from_the_corpus_are_byte_identical_across_processes(tmp_path: Path):
    env = {"PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(TESTS_DIR)])}
    for name, seed in (("a", "3"), ("b", "4")):
        subprocess.run([sys.executable, "-c", WRITE_CORPUS_IN_SUBPROCESS, str(tmp_path / name)], check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed, **env), cwd=PROJECT_DIR)
    write_outputs(build_dataset(sample_corpus()), tmp_path / "dataset")
    for name in (GRAPH_TTL, GRAPH_TRIG):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "dataset" / name).read_bytes()


def test_store_files_hold_exactly_the_dataset(seeds_build, seeds_out: Path):
    from rdflib.compare import isomorphic

    dataset = seeds_build.dataset
    assert isomorphic(Graph().parse(seeds_out / GRAPH_TTL, format="turtle"), union_graph(dataset))
    parsed = Dataset()
    parsed.parse(seeds_out / GRAPH_TRIG, format="trig")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ours = {g.identifier: g for g in parsed.contexts() if len(g)}
        theirs = {g.identifier: g for g in dataset.contexts() if len(g)}
    assert set(ours) == set(theirs)
    assert all(isomorphic(ours[name], theirs[name]) for name in theirs)


def test_store_files_parse_with_oxigraph(seeds_build, seeds_out: Path):
    import pyoxigraph as ox

    quads = len(list(seeds_build.dataset.quads((None, None, None, None))))
    assert len(list(ox.parse(path=str(seeds_out / GRAPH_TRIG)))) == quads
    triples = {str(t) for t in ox.parse(path=str(seeds_out / GRAPH_TTL))}
    assert len(triples) == len(union_graph(seeds_build.dataset))
    assert open_store(seeds_out).quad_count() == quads


def test_store_turtle_is_sorted_and_readable(out_dir: Path):
    text = (out_dir / GRAPH_TTL).read_text(encoding="utf-8")
    subjects = [line.split(" ", 1)[0].strip("<>") for line in text.splitlines() if line.startswith("<")]
    assert subjects == sorted(subjects) and len(subjects) == len(set(subjects))
    assert "@prefix kgd:" not in text and "\\/" not in text  # kgd IRIs in full rather than escaped
    assert " a org:OrganizationalUnit , kgo:Section ;" in text
    titles = next(line for line in text.splitlines() if "schema:title" in line)
    assert titles.index("@en") < titles.index("@fr")  # English first, as readers taking one value expect


def test_store_fills_in_a_child_process_for_a_big_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from kg import store as store_module
    from kg.store import QuadTable, StoreLoad

    monkeypatch.setattr(store_module, "BACKGROUND_LOAD_QUADS", 0)
    quads = QuadTable.of_corpus(sample_corpus())
    load = StoreLoad(tmp_path / STORE_DIRNAME, quads)
    assert load.child is not None and load.task is not None  # a loader process, fed by a forked writer
    assert load.finish() == tmp_path / STORE_DIRNAME
    assert sorted(str(q) for q in open_store(tmp_path).oxigraph) == sorted(str(q) for q in quads.quads())
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_DIRNAME]


def test_store_loads_from_the_corpus_before_the_table_is_made(tmp_path: Path):
    from kg import store as store_module
    from kg.store import QuadTable, StoreLoad

    corpus = sample_corpus()
    load = StoreLoad.from_corpus(tmp_path / STORE_DIRNAME, corpus)
    assert load.child is not None and load.task is not None  # loading already
    table = QuadTable.of_corpus(corpus)
    load.table_made(table).finish()
    assert sorted(str(q) for q in open_store(tmp_path).oxigraph) == sorted(str(q) for q in table.quads())
    digests = (tmp_path / STORE_DIRNAME / store_module.GRAPH_DIGESTS).read_text(encoding="utf-8")
    assert json.loads(digests) == table.graph_digests()


def test_store_child_failure_names_the_store_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from kg import store as store_module
    from kg.store import QuadTable, StoreLoad

    def failing(table, output):
        output.close()
        raise OSError("disk full")

    monkeypatch.setattr(store_module, "BACKGROUND_LOAD_QUADS", 0)
    monkeypatch.setattr(store_module, "write_nquads", failing)
    load = StoreLoad(tmp_path / STORE_DIRNAME, QuadTable.of_corpus(sample_corpus()))
    with pytest.raises(StoreError, match="could not fill the store: disk full"):
        load.finish()
    assert list(tmp_path.iterdir()) == []


def test_store_loader_failure_is_reported_in_its_own_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from kg import store as store_module
    from kg.store import QuadTable, StoreLoad

    def garbage(table, output):
        with output:
            output.write(b"this is not N-Quads\n")

    monkeypatch.setattr(store_module, "BACKGROUND_LOAD_QUADS", 0)
    monkeypatch.setattr(store_module, "write_nquads", garbage)
    load = StoreLoad(tmp_path / STORE_DIRNAME, QuadTable.of_corpus(sample_corpus()))
    with pytest.raises(StoreError, match="could not fill the store: SyntaxError: Parser error at line 1") as raised:
        load.finish()
    assert "Traceback" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("shared_bytes", [None, 5000], ids=["whole stream shared", "start shared"])
def test_store_loaders_in_threads_fill_the_store_one_loader_fills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  shared_bytes: int | None):
    import io

    import pyoxigraph as ox

    from kg import store as store_module
    from kg.store import QuadTable, bulk_load_in_threads

    table = QuadTable.of_corpus(sample_corpus())
    nquads = io.BytesIO()
    nquads.write(b'_:shared <http://example.org/p> "two\\nlines"@en <http://example.org/g> .\n')
    ox.serialize(table.quads(), nquads, ox.RdfFormat.N_QUADS)  # the blank node's lines far apart
    nquads.write(b'<http://example.org/s> <http://example.org/p> _:shared <http://example.org/g> .')  # no line end
    monkeypatch.setattr(store_module, "LOAD_BLOCK_BYTES", 1000)  # many blocks, dealt to every loader
    one, three = ox.Store(str(tmp_path / "one")), ox.Store(str(tmp_path / "three"))
    bulk_load_in_threads(one, io.BytesIO(nquads.getvalue()), 1)
    bulk_load_in_threads(three, io.BytesIO(nquads.getvalue()), 3, shared_bytes)
    assert len(three) == len(one) == len(table) + 2

    def named_only(store: ox.Store) -> set[ox.Quad]:  # each load names its blank nodes anew
        return {q for q in store if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert named_only(three) == named_only(one) == set(table.quads())
    shared = list(three.quads_for_pattern(None, None, None, ox.NamedNode("http://example.org/g")))
    assert {q.subject for q in shared if q.object == ox.Literal("two\nlines", language="en")} == \
        {q.object for q in shared if q.subject == ox.NamedNode("http://example.org/s")}


def test_store_loaders_in_threads_stop_at_a_bad_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import io

    import pyoxigraph as ox

    from kg import store as store_module
    from kg.store import bulk_load_in_threads

    good = b'<http://example.org/s> <http://example.org/p> "o" <http://example.org/g> .\n' * 2000
    monkeypatch.setattr(store_module, "LOAD_BLOCK_BYTES", 4096)
    stream = io.BytesIO(good + b"this is not N-Quads\n" + good)
    with pytest.raises(SyntaxError):
        bulk_load_in_threads(ox.Store(str(tmp_path / "store")), stream, 2)


def test_store_quad_table_sorts_and_deduplicates():
    import pyoxigraph as ox

    from kg.build import Lit
    from kg.store import QuadTable

    table = QuadTable()
    table.add_graph("urn:g:2", [("urn:s:b", "urn:p", Lit("x", "fr")), ("urn:s:a", "urn:p", Lit("x", "en"))])
    table.add_graph("urn:g:1", [("urn:s:b", "urn:p", Lit("x", "fr")), ("urn:s:b", "urn:p", Lit("x", "fr"))])
    quads = [str(q) for q in table.quads()]
    assert quads == [
        '<urn:s:b> <urn:p> "x"@fr <urn:g:1>',
        '<urn:s:a> <urn:p> "x"@en <urn:g:2>',
        '<urn:s:b> <urn:p> "x"@fr <urn:g:2>',
    ]
    assert [str(t) for t in table.triples()] == ['<urn:s:a> <urn:p> "x"@en', '<urn:s:b> <urn:p> "x"@fr']
    assert len(table) == 3
    with pytest.raises(RuntimeError):
        table.add_graph("urn:g:3", [("urn:s:c", "urn:p", "urn:o")])
    assert isinstance(table.term(0), ox.NamedNode)


# ------------------------------------------------- Turtle and TriG from the term texts

#: Terms a writer must get right: prefixed and full IRIs, rdf:type as object, blank nodes, strings with
#: quotes, backslashes, line breaks, tabs and characters outside ASCII, tagged and typed literals.
AWKWARD_QUADS = """
<https://w3id.org/natokg/id/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/org#Post> <https://w3id.org/natokg/id/g1> .
<https://w3id.org/natokg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "quote \\" and \\\\ and\\nline\\tand é ✓"@en <https://w3id.org/natokg/id/g1> .
<https://w3id.org/natokg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "Chef"@fr <https://w3id.org/natokg/id/g1> .
<https://w3id.org/natokg/id/a> <https://schema.org/value> "8754.21"^^<http://www.w3.org/2001/XMLSchema#decimal> <https://w3id.org/natokg/id/g1> .
<https://w3id.org/natokg/id/a> <https://w3id.org/natokg/ontology#directReports> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <https://w3id.org/natokg/id/g2> .
<https://w3id.org/natokg/id/a> <http://example.org/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/natokg/id/g2> .
_:b1 <http://example.org/p> "2026-12-06"^^<http://www.w3.org/2001/XMLSchema#date> <https://w3id.org/natokg/id/g2> .
_:b1 <http://example.org/p> "x"^^<http://example.org/type> <https://w3id.org/natokg/id/g2> .
<http://example.org/not-under-a-prefix> <http://example.org/p> "" <https://w3id.org/natokg/id/g2> .
"""


def _awkward_table():
    import pyoxigraph as ox

    from kg.store import QuadTable, plain_from_ox

    table = QuadTable()
    table.add_quads(tuple(plain_from_ox(term) for term in (q.subject, q.predicate, q.object, q.graph_name))
                    for q in ox.parse(AWKWARD_QUADS, format=ox.RdfFormat.N_QUADS))
    return table


@pytest.mark.parametrize("table_of", ["seeds", "awkward"])
def test_store_turtle_and_trig_are_oxigraphs_own_bytes(table_of: str):
    import pyoxigraph as ox

    from kg.store import WRITTEN_PREFIXES, QuadTable, write_trig, write_turtle

    table = QuadTable.of_corpus(sample_corpus()) if table_of == "seeds" else _awkward_table()
    assert table.term_texts() is not None  # written from the term texts, not by Oxigraph quad by quad
    assert write_trig(table) == ox.serialize(table.quads(), None, ox.RdfFormat.TRIG, prefixes=WRITTEN_PREFIXES)
    assert write_turtle(table) == ox.serialize(table.triples(), None, ox.RdfFormat.TURTLE, prefixes=WRITTEN_PREFIXES)


def test_store_trig_of_a_default_graph_is_left_to_oxigraph(tmp_path: Path):
    from kg.store import QuadTable, write_trig

    graph = Graph()
    graph.add((URIRef("http://example.org/s"), RDF.type, URIRef("http://example.org/C")))
    table = QuadTable.of_dataset(graph)
    assert table.term_texts() is None
    assert write_trig(table).rstrip().endswith(b"<http://example.org/s> a <http://example.org/C> .")


def test_store_turtle_of_nothing_is_empty():
    from kg.store import QuadTable, write_turtle

    assert write_turtle(QuadTable()) == b""
