"""The whole pipeline on the seeds, scored against the hand-made gold, and on bad batches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, SHARED_EVAL
from kg.ingest import read_notice
from kg.pipeline import build_to
from notice_builds import DATA, entities, report, reporting

SCORE = SHARED_EVAL / "score.py"


def score(graph: Path) -> dict:
    """The figures of ../shared/eval/score.py for a built graph."""
    completed = subprocess.run(
        [sys.executable, str(SCORE), "--graph", str(graph), "--gold", str(SHARED_EVAL / "gold"),
         "--ontology", str(ROOT / "ontology"), "--json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def seeds_score(seeds_out: Path) -> dict:
    return score(seeds_out / "graph.ttl")


def test_pipeline_seeds_score_overall(seeds_score: dict) -> None:
    assert seeds_score["overall"] >= 0.95


def test_pipeline_seeds_entities_complete_without_duplicates(seeds_score: dict) -> None:
    assert seeds_score["entities"]["f1"] >= 0.95
    assert seeds_score["entities"]["duplicates"] == 0


def test_pipeline_seeds_reporting_lines_and_post_fields_exact(seeds_score: dict) -> None:
    assert seeds_score["reportsTo"]["accuracy"] == 1.0
    assert seeds_score["post_fields_accuracy"] == 1.0


def test_pipeline_seeds_french_labels(seeds_score: dict) -> None:
    assert seeds_score["french_labels"]["recall"] >= 0.9


def test_pipeline_writes_every_output(seeds_out: Path) -> None:
    for name in ("graph.ttl", "graph.trig", "org-graph.html", "build-report.json"):
        assert (seeds_out / name).is_file(), name
    assert (seeds_out / "store").is_dir()
    assert not [p for p in seeds_out.iterdir() if p.name.startswith(".natokg-build-")]


def test_pipeline_build_twice_is_byte_identical(seeds_out: Path, tmp_path: Path) -> None:
    again = build_to([SEEDS], tmp_path / "again")
    assert again.outputs["graph.ttl"].read_bytes() == (seeds_out / "graph.ttl").read_bytes()
    assert again.outputs["graph.trig"].read_bytes() == (seeds_out / "graph.trig").read_bytes()


def test_pipeline_order_of_sources_does_not_change_graph(seeds_out: Path, tmp_path: Path) -> None:
    files = sorted(SEEDS.glob("*.txt"), reverse=True)
    again = build_to(files, tmp_path / "reversed")
    assert again.outputs["graph.ttl"].read_bytes() == (seeds_out / "graph.ttl").read_bytes()


def test_pipeline_report_lists_every_notice(seeds_out: Path) -> None:
    report = json.loads((seeds_out / "build-report.json").read_text())
    assert [n["status"] for n in report["notices"]] == ["built"] * 5
    assert report["summary"]["notices"] == {"built": 5, "failed": 0, "skipped": 0}
    assert all(n["entities"] > 5 for n in report["notices"])


def test_pipeline_bad_file_does_not_sink_the_batch(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.txt").write_text((SEEDS / "000_bbc9af25ff1dbbb4.txt").read_text())
    (batch / "empty.txt").write_text("")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02PK")
    result = build_to([batch], tmp_path / "out")
    assert result.exit_code == 1
    statuses = {Path(r.path).name: (r.status, r.message) for r in result.reports}
    assert statuses["good.txt"][0] == "built"
    assert statuses["empty.txt"] == ("failed", "empty file")
    assert statuses["binary.txt"][0] == "failed" and "binary" in statuses["binary.txt"][1]
    assert (tmp_path / "out" / "graph.ttl").is_file()


def test_pipeline_nothing_buildable_writes_nothing_and_keeps_old_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    result = build_to([empty], out)
    assert result.exit_code == 2
    assert (out / "graph.ttl").read_text() == "previous"


# ============================================================ noisy notices


@dataclass(frozen=True)
class Shape:
    file: str
    entities: set[str]
    reporting: list[str]
    post: dict = field(default_factory=dict)  # post fields read from the header
    warnings: tuple[str, ...] = ()


SHAPES = [
    Shape(  # copied from a job board: menus, header on one line, bullets and some punctuation gone, lines run together
        "noisy_jobboard.txt",
        {"Division: Operations Division (OPS)", "Section: Crisis Management and Exercises Section (CMES)",
         "Directorate: Operations Directorate", "Committee: Operations Policy Committee (OPC)",
         "Organization: International Military Staff (IMS)"},
        ["Head, Crisis Management and Exercises Section (CMES)", "Director, Operations Directorate"],
        {"reference": "250777", "deadline": "2025-01-13", "grade": "G17-G20", "salary": 7540.44, "currency": "EUR"},
    ),
    Shape(  # SUMMARY without numbers, "•" bullets, "Ref:", "Grade: A.4"
        "noisy_unnumbered.txt",
        {"Division: Executive Management Division (EM)", "Directorate: Human Resources Directorate (HRD)",
         "Section: Human Resources Policy Section (HRPS)", "Committee: Budget Committee (BC)",
         "Office: Office of Legal Affairs (OLA)", "Office: Office of Financial Control (OFC)"},
        ["Director, Human Resources Directorate (HRD)"],
        {"reference": "241797", "grade": "A.4", "salary": 7540.44, "clearance": "NS", "direct_reports": 5,
         "unit": "Human Resources Policy Section (HRPS)"},
    ),
    Shape(  # no header at all, "*" bullets
        "noisy_no_header.txt",
        {"Division: Joint Intelligence and Security Division (JIS)", "Section: Intelligence Production Section (IPS)",
         "Committee: Military Committee (MC)", "Committee: North Atlantic Council (NAC)"},
        ["Head, Intelligence Production Section (IPS)"],
        {"reference": None, "title": None},
        ("header not found: no title, reference, deadline or grade was read",),
    ),
    Shape(  # cut off mid-sentence
        "noisy_truncated.txt",
        {"Division: Emerging Security Challenges Division (ESC)", "Section: Energy Security Section (ESS)",
         "Committee: Civil Emergency Planning Committee (CEPC)"},
        ["Head, Energy Security Section (ESS)"],
        {"reference": "251122", "deadline": "2025-12-05"},
        ("notice looks truncated: it ends mid-sentence",),
    ),
    Shape(  # an old notice: "Post Title:", "Closing date", POST CONTEXT / PRINCIPAL DUTIES / REPORTING LINES
        "noisy_old_notice.txt",
        {"Division: Executive Management Division (EM)", "Section: Conference Services Section (CSS)",
         "Committee: North Atlantic Council (NAC)"},
        ["Assistant Secretary General, Executive Management Division (EM)"],
        {"title": "Head, Conference Services Section", "reference": "130412", "deadline": "2013-03-12",
         "grade": "A.4", "unit": "Conference Services Section (CSS)"},
    ),
    Shape(  # French only: units with their acronyms, "relève de la directrice/du directeur de la Direction X"
        "noisy_french_only.txt",
        {"Division: Division Gestion exécutive (EM)", "Directorate: Direction Ressources humaines (HRD)",
         "Section: Section Gestion des talents (TMS)", "Committee: Comité du budget (BC)",
         "Office: Bureau des affaires juridiques (OLA)"},
        ["Director, Direction Ressources humaines (HRD)"],
        {"title": "Chef(fe) de la Section Gestion des talents", "reference": "251500", "deadline": "2025-11-14",
         "unit": "Section Gestion des talents (TMS)", "direct_reports": 4},
        ("no English text: read from the French half",),
    ),
    Shape(  # bilingual, the French half first, short header labels in both languages
        "noisy_french_first.txt",
        {"Division: Innovation, Hybrid and Cyber Division (IHC)", "Section: Cyber Defence Section (CDS)",
         "Committee: Cyber Defence Committee (CyDC)"},
        ["Head, Cyber Defence Section (CDS)"],
        {"title": "Officer, Cyber Policy", "title_fr": "Administratrice/Administrateur (politique cyber)",
         "deadline": "2025-09-30", "grade": "G18"},
    ),
]


#: Built on its own: beside other notices its units would take the English names they give them.
FRENCH_ONLY = "noisy_french_only.txt"


@pytest.fixture(scope="module")
def noisy_build(tmp_path_factory: pytest.TempPathFactory):
    """Every noisy fixture but the French-only one built in one batch."""
    out = tmp_path_factory.mktemp("noisy-out")
    return build_to([p for p in sorted(DATA.glob("noisy_*.txt")) if p.name != FRENCH_ONLY], out)


@pytest.fixture(scope="module")
def french_build(tmp_path_factory: pytest.TempPathFactory):
    return build_to([DATA / FRENCH_ONLY], tmp_path_factory.mktemp("french-out"))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.file)
def test_pipeline_noisy_shape_builds_entities_and_reporting_line(shape: Shape, noisy_build, french_build) -> None:
    entry = report(french_build if shape.file == FRENCH_ONLY else noisy_build, shape.file)
    assert entry.status == "built"
    assert shape.entities <= entities(entry)
    assert reporting(entry) == shape.reporting
    for name, value in shape.post.items():
        assert entry.extracted["post"][name] == value, name
    assert set(shape.warnings) <= set(entry.warnings)


def test_pipeline_noisy_batch_exit_code(noisy_build) -> None:
    assert noisy_build.exit_code == 0
    assert not noisy_build.failed


def test_pipeline_noisy_jobboard_page_furniture_left_out(noisy_build) -> None:
    notice = read_notice(DATA / "noisy_jobboard.txt")
    summary = notice.part("en").section("summary").text
    assert summary.startswith("The Operations (OPS) Division leads")
    assert "Sign in" not in summary and "Skip to main content" not in notice.part("en").text_of("summary", "description")
    assert notice.header.title == "Officer, Crisis Management Exercises"
    keys = [s.key for s in notice.part("en").sections]
    assert keys[:4] == ["summary", "qualifications", "accountabilities", "interrelationships"]


def test_pipeline_french_only_units_placed_and_post_heads_its_section(french_build) -> None:
    relations = report(french_build, FRENCH_ONLY).extracted["relations"]
    assert "Section Gestion des talents (TMS) partOf Direction Ressources humaines (HRD)" in relations
    assert "Direction Ressources humaines (HRD) partOf Division Gestion exécutive (EM)" in relations
    assert "the post heads Section Gestion des talents (TMS)" in relations


def test_pipeline_french_only_merges_with_english_names(seeds_build, tmp_path: Path) -> None:
    """A French-only notice's division is the English notices' division: one node with both names."""
    result = build_to([SEEDS, DATA / "ingest_french_only.txt"], tmp_path / "out")
    divisions = [e for e in result.corpus.entities.values() if "DPP" in e.acronyms]
    assert len(divisions) == 1
    assert "ingest_french_only.txt" in divisions[0].sources
    assert divisions[0].labels["en"] == "Defence Policy and Planning Division"


def test_pipeline_two_posts_in_one_notice(noisy_build) -> None:
    first = report(noisy_build, "noisy_two_posts.txt#PASP0109")
    second = report(noisy_build, "noisy_two_posts.txt#PASP0016")
    assert first.path == second.path and first.path.endswith("noisy_two_posts.txt")
    assert (first.title, first.reference) == ("Head, NATO Affairs and Security Policy Section", "PASP0109")
    assert (second.title, second.reference) == ("Head, Multilateral Organizations Section", "PASP0016")
    assert first.extracted["post"]["unit"] == "NATO Affairs and Security Policy Section"
    assert second.extracted["post"]["unit"] == "Multilateral Organizations Section"
    assert "the post heads NATO Affairs and Security Policy Section" in first.extracted["relations"]
    assert "the post heads Multilateral Organizations Section" in second.extracted["relations"]
    for entry in (first, second):
        assert reporting(entry) == ["Director, Security Policy and Partnerships Directorate (SPP)"]
        assert {"Division: Political Affairs and Security Policy Division (PASP)",
                "Directorate: Security Policy and Partnerships Directorate (SPP)",
                "Committee: Political and Partnerships Committee (PPC)"} <= entities(entry)
        assert any(w.startswith("2 posts in one notice") for w in entry.warnings)
    postings = {p.source for p in noisy_build.corpus.postings}
    assert {"noisy_two_posts.txt#PASP0109", "noisy_two_posts.txt#PASP0016"} <= postings


def test_pipeline_report_lists_every_input_with_what_was_extracted(noisy_build) -> None:
    report_file = json.loads(noisy_build.outputs["build-report.json"].read_text(encoding="utf-8"))
    names = [Path(n["path"]).name for n in report_file["notices"]]
    assert sorted(set(names)) == sorted(p.name for p in DATA.glob("noisy_*.txt") if p.name != FRENCH_ONLY)
    for entry in report_file["notices"]:
        assert {"status", "message", "warnings", "format", "encoding", "extracted"} <= set(entry)
        assert {"post", "reporting_line", "entities", "relations"} <= set(entry["extracted"])


# ================================================================ nothing lost


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every visible output under ``folder`` and its bytes (hidden working folders left out)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


def _big_input(folder: Path, copies: int) -> Path:
    """``copies`` renamed copies of every seed: enough work that a build takes a few seconds."""
    folder.mkdir()
    for seed_file in sorted(SEEDS.glob("*.txt")):
        text = seed_file.read_text(encoding="utf-8")
        for copy in range(copies):
            (folder / f"{copy:02d}_{seed_file.name}").write_text(text, encoding="utf-8")
    return folder


def _start_build(source: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(source), "--out", str(out)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _kill_when(process: subprocess.Popen, ready, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline, "the build never reached the point to interrupt"
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_pipeline_interrupted_build_leaves_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_to([DATA / "fmt_notice.txt"], out)
    before = _snapshot(out)
    big = _big_input(tmp_path / "big", copies=3)

    cached = lambda: len(list((out / ".natokg-cache").rglob("*.pickle")))  # noqa: E731
    known = cached()
    early = _start_build(big, out)  # killed while it reads and extracts: once it has cached its first input
    _kill_when(early, lambda: cached() > known)
    assert _snapshot(out) == before

    staging_seen = lambda: any(p.name.startswith(".natokg-build-") for p in out.iterdir())  # noqa: E731
    late = _start_build(big, out)  # killed while it writes the staging folder
    _kill_when(late, staging_seen)
    assert late.returncode == -signal.SIGKILL
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        ["build-report.json", "graph.trig", "graph.ttl", "org-graph.html", "store"]
    )

    build_to([DATA / "fmt_notice.txt"], out)  # the next build removes what the killed one left
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".natokg-cache"]
    assert _snapshot(out)["graph.ttl"] == before["graph.ttl"]


def test_pipeline_rebuild_is_idempotent(tmp_path: Path) -> None:
    sources = [DATA / "fmt_notice.txt", DATA / "noisy_two_posts.txt"]
    first = build_to(sources, tmp_path / "out")
    files = {name: first.outputs[name].read_bytes() for name in ("graph.ttl", "graph.trig", "build-report.json")}
    second = build_to(sources, tmp_path / "out")
    assert {name: second.outputs[name].read_bytes() for name in files} == files


def test_pipeline_adding_a_notice_gives_the_graph_of_all_at_once(seeds_out: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    seed_files = sorted(SEEDS.glob("*.txt"))
    for seed_file in seed_files[:-1]:
        (folder / seed_file.name).write_bytes(seed_file.read_bytes())
    out = tmp_path / "out"
    build_to([folder], out)
    (folder / seed_files[-1].name).write_bytes(seed_files[-1].read_bytes())
    again = build_to([folder], out)
    assert again.outputs["graph.ttl"].read_bytes() == (seeds_out / "graph.ttl").read_bytes()
    assert again.outputs["graph.trig"].read_bytes() == (seeds_out / "graph.trig").read_bytes()


def test_pipeline_stale_staging_folder_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = out / ".natokg-build-999999999-abcd"
    stale.mkdir(parents=True)
    (stale / "graph.ttl").write_text("half written")
    (out / ".store.old").mkdir()
    build_to([DATA / "fmt_notice.txt"], out)
    assert not stale.exists() and not (out / ".store.old").exists()


def test_pipeline_parallel_build_gives_the_one_process_graph(tmp_path: Path) -> None:
    from kg.batch import PARALLEL_FROM

    folder = tmp_path / "many"
    folder.mkdir()
    seed_files = sorted(SEEDS.glob("*.txt"))
    for index in range(PARALLEL_FROM + 4):
        source = seed_files[index % len(seed_files)]
        (folder / f"{index:03d}_{source.name}").write_bytes(source.read_bytes())
    one = build_to([folder], tmp_path / "one", jobs=1, cache=False)
    two = build_to([folder], tmp_path / "two", jobs=2, cache=False)
    assert two.outputs["graph.ttl"].read_bytes() == one.outputs["graph.ttl"].read_bytes()
    assert two.outputs["build-report.json"].read_bytes() == one.outputs["build-report.json"].read_bytes()


def test_pipeline_workers_collect_garbage_cycles_while_the_build_pauses_it() -> None:
    import gc

    from kg.batch import _collect_rarely
    from kg.forked import fork_context

    with fork_context().Pool(1, initializer=_collect_rarely) as pool:
        enabled, threshold = pool.apply(_gc_state)
    assert enabled, "a worker that never collected would keep every cycle a long batch makes"
    assert threshold[0] > gc.get_threshold()[0]


def _gc_state() -> tuple[bool, tuple[int, int, int]]:
    import gc

    return gc.isenabled(), gc.get_threshold()


def test_pipeline_cache_rereads_only_changed_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.batch

    folder = tmp_path / "notices"
    folder.mkdir()
    for seed_file in sorted(SEEDS.glob("*.txt")):
        (folder / seed_file.name).write_bytes(seed_file.read_bytes())
    out = tmp_path / "out"
    first = build_to([folder], out, jobs=1)
    read: list[str] = []
    original = kg.batch._read_and_extract

    def counting(item):
        read.append(Path(item.path).name)
        return original(item)

    monkeypatch.setattr(kg.batch, "_read_and_extract", counting)
    again = build_to([folder], out, jobs=1)
    assert read == []
    assert again.outputs["graph.ttl"].read_bytes() == first.outputs["graph.ttl"].read_bytes()
    changed = folder / "002_792c4d0b5a490f99.txt"
    changed.write_text(changed.read_text().replace("Officer, Defence Planning", "Officer, Defence Planning Policy"))
    third = build_to([folder], out, jobs=1)
    assert read == ["002_792c4d0b5a490f99.txt"]
    assert b"Officer, Defence Planning Policy" in third.outputs["graph.ttl"].read_bytes()


def test_pipeline_rebuild_reads_a_changed_input_in_one_worker_beside_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.batch

    folder = tmp_path / "many"
    folder.mkdir()
    seed_files = sorted(SEEDS.glob("*.txt"))
    for index in range(kg.batch.PARALLEL_FROM + 4):
        source = seed_files[index % len(seed_files)]
        (folder / f"{index:03d}_{source.name}").write_bytes(source.read_bytes())
    build_to([folder], tmp_path / "out", jobs=2)
    changed = sorted(folder.iterdir())[7]
    changed.write_text(changed.read_text().replace("1. SUMMARY", "1. SUMMARY\n\nThis notice was revised.", 1))
    pools: list[int] = []
    original = kg.batch.ProcessPoolExecutor

    def counting(max_workers, **kwargs):
        pools.append(max_workers)
        return original(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(kg.batch, "ProcessPoolExecutor", counting)
    again = build_to([folder], tmp_path / "out", jobs=2)
    assert pools == [1], "one worker reads the changed input while the build reads the others from the cache"
    fresh = build_to([folder], tmp_path / "fresh", jobs=1, cache=False)
    assert again.outputs["graph.ttl"].read_bytes() == fresh.outputs["graph.ttl"].read_bytes()
    assert again.outputs["build-report.json"].read_bytes() == fresh.outputs["build-report.json"].read_bytes()


def test_pipeline_cache_filled_by_workers_is_read_back_and_a_broken_entry_read_anew(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.batch
    import kg.ingest

    folder = tmp_path / "many"
    folder.mkdir()
    seed_files = sorted(SEEDS.glob("*.txt"))
    for index in range(kg.batch.PARALLEL_FROM + 4):
        source = seed_files[index % len(seed_files)]
        (folder / f"{index:03d}_{source.name}").write_bytes(source.read_bytes())
    out = tmp_path / "out"
    first = build_to([folder], out, jobs=2)
    entries = sorted((out / ".natokg-cache").rglob("*.pickle"))
    assert len(entries) == kg.batch.PARALLEL_FROM + 4, "each worker's outcome is kept for the next build"
    broken = sorted(folder.iterdir())[3]
    key = kg.batch.cache_key(next(i for i in kg.ingest.find_inputs([folder]) if i.file == broken))
    (out / ".natokg-cache" / key[:2] / f"{key}.pickle").write_bytes(b"not a pickle")
    read: list[str] = []
    original = kg.batch._read_and_extract

    def counting(item):
        read.append(Path(item.path).name)
        return original(item)

    monkeypatch.setattr(kg.batch, "_read_and_extract", counting)
    again = build_to([folder], out, jobs=1)
    assert read == [broken.name]
    assert again.outputs["graph.ttl"].read_bytes() == first.outputs["graph.ttl"].read_bytes()


def test_pipeline_rebuild_of_unchanged_inputs_never_loads_spacy(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_to([SEEDS], out, jobs=1)
    script = (
        "import sys; from pathlib import Path; from kg.pipeline import build_to; "
        f"result = build_to([Path({str(SEEDS)!r})], Path({str(out)!r}), jobs=1); "
        "print(len(result.built), 'spacy' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["5", "False"]


def test_pipeline_dataset_is_made_only_when_asked_for(tmp_path: Path) -> None:
    result = build_to([SEEDS / "000_bbc9af25ff1dbbb4.txt"], tmp_path / "out")
    assert "dataset" not in vars(result)  # writing the outputs needed no rdflib Dataset
    assert len(list(result.dataset.quads((None, None, None, None)))) > 100
    assert "dataset" in vars(result)


def test_pipeline_big_build_writes_its_page_and_turtle_in_children_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.pipeline

    here = build_to([SEEDS], tmp_path / "here", jobs=1)
    monkeypatch.setattr(kg.pipeline, "BACKGROUND_PAGE_QUADS", 0)
    forked = build_to([SEEDS], tmp_path / "forked", jobs=1)
    for name in ("org-graph.html", "graph.ttl", "graph.trig"):
        assert forked.outputs[name].read_bytes() == here.outputs[name].read_bytes(), name


@pytest.mark.parametrize("writer", ["kg.visualise.render", "kg.pipeline.write_turtle"])
def test_pipeline_output_failing_in_its_child_fails_the_build_and_keeps_the_old_outputs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str) -> None:
    import kg.pipeline
    from kg.errors import NatoKGError

    out = tmp_path / "out"
    first = build_to([SEEDS], out, jobs=1)
    before = {name: path.read_bytes() for name, path in first.outputs.items() if path.is_file()}

    def broken(*args, **kwargs):
        raise NatoKGError(f"cannot write with {writer}")

    monkeypatch.setattr(kg.pipeline, "BACKGROUND_PAGE_QUADS", 0)
    monkeypatch.setattr(writer, broken)
    with pytest.raises(NatoKGError, match=f"cannot write with {writer}"):
        build_to([SEEDS], out, jobs=1, cache=False)
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".natokg-build-")]


def _store_quads(out: Path) -> set[str]:
    from kg.store import open_store

    return {str(quad) for quad in open_store(out).oxigraph.quads_for_pattern(None, None, None, None)}


def _copy_seeds(folder: Path) -> list[Path]:
    folder.mkdir()
    for seed_file in sorted(SEEDS.glob("*.txt")):
        (folder / seed_file.name).write_bytes(seed_file.read_bytes())
    return sorted(folder.iterdir())


@pytest.mark.parametrize(("in_child", "compacted"), [(False, True), (True, True), (False, False), (True, False)])
def test_pipeline_rebuild_updates_the_store_to_what_a_full_load_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_child: bool, compacted: bool) -> None:
    import kg.store

    if in_child:
        monkeypatch.setattr(kg.store, "BACKGROUND_LOAD_QUADS", 0)
    if not compacted:  # as after changing a few notices of many
        monkeypatch.setattr(kg.store, "COMPACT_UPDATES_FROM", 1.0)
    notices = _copy_seeds(tmp_path / "notices")
    out = tmp_path / "out"
    build_to([tmp_path / "notices"], out, jobs=1)
    updates: list[list[str]] = []
    original = kg.store.update_plan

    def spying(*args):
        plan = original(*args)
        updates.append(plan)
        return plan

    monkeypatch.setattr(kg.store, "update_plan", spying)
    notices[2].write_text(notices[2].read_text().replace("Officer, Defence Planning", "Officer, Defence Planning Policy"))
    notices[4].unlink()
    build_to([tmp_path / "notices"], out, jobs=1)
    assert updates and updates[0] is not None, "the rebuild updated the last store"
    assert "https://w3id.org/natokg/id/graph/entities" in updates[0]
    assert len(updates[0]) < len(notices), "unchanged notices' graphs are kept"

    fresh = build_to([tmp_path / "notices"], tmp_path / "fresh", jobs=1, cache=False)
    assert len(updates) == 1, "a build without a store loads one anew"
    assert _store_quads(out) == _store_quads(fresh.outputs["store"].parent)
    assert (out / "store" / kg.store.GRAPH_DIGESTS).read_text() == \
        (tmp_path / "fresh" / "store" / kg.store.GRAPH_DIGESTS).read_text()


def test_pipeline_big_first_build_loads_its_store_from_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.pipeline
    import kg.store

    started = []
    original = kg.store.StoreLoad.from_corpus.__func__

    def spying(cls, *args):
        started.append(args)
        return original(cls, *args)

    monkeypatch.setattr(kg.pipeline, "EARLY_LOAD_NOTICES", 0)
    monkeypatch.setattr(kg.store.StoreLoad, "from_corpus", classmethod(spying))
    priority = os.nice(0)
    early = build_to([SEEDS], tmp_path / "early", jobs=1)
    assert len(started) == 1
    assert os.nice(0) == priority  # a build through the Python API leaves its caller's priority as it was
    monkeypatch.setattr(kg.pipeline, "EARLY_LOAD_NOTICES", 10**9)
    late = build_to([SEEDS], tmp_path / "late", jobs=1)
    assert len(started) == 1
    assert _store_quads(tmp_path / "early") == _store_quads(tmp_path / "late")
    assert (tmp_path / "early" / "store" / kg.store.GRAPH_DIGESTS).read_text() == \
        (tmp_path / "late" / "store" / kg.store.GRAPH_DIGESTS).read_text()
    assert _indexed_names(tmp_path / "early") == _indexed_names(tmp_path / "late") != []
    assert not list(tmp_path.rglob("*.names.sqlite*"))  # the index waited beside the store, then went in


@pytest.mark.parametrize(("big", "answers"), [(True, True), (True, False), (False, True)],
                         ids=["big first build with answers", "big first build without answers", "small build"])
def test_pipeline_a_build_that_ends_its_process_runs_below_its_loader_once_the_load_started(
        tmp_path: Path, big: bool, answers: bool) -> None:
    """As the command line builds (see kg.cli.main): the process lowers its priority for good, only when
    a big first build's loader, which prepares the answers, has started."""
    code = (
        "import os, sys, kg.pipeline as p\n"
        f"p.EARLY_LOAD_NOTICES = {0 if big else 10**9}\n"
        f"p.PREPARE_FROM_NOTICES = {0 if answers else 10**9}\n"
        "before = os.nice(0)\n"
        "result = p.build_to([sys.argv[1]], sys.argv[2], jobs=1, lower_priority=True)\n"
        "print(os.nice(0) - before, sorted(result.outputs))\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(SEEDS), str(tmp_path / "out")], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lowered, outputs = run.stdout.split(" ", 1)
    from kg.pipeline import BUILD_NICENESS, OUTPUTS

    now = os.nice(0)  # the child started at this process's priority
    assert int(lowered) == (min(now + BUILD_NICENESS, 19) - now if big and answers else 0)
    assert outputs.strip() == str(sorted(OUTPUTS))


def _indexed_names(out: Path) -> list[tuple[str, str]]:
    import sqlite3

    from kg.names import NAME_INDEX

    database = sqlite3.connect(out / "store" / NAME_INDEX)
    try:
        return database.execute("SELECT name, nodes FROM names ORDER BY name").fetchall()
    finally:
        database.close()


def test_pipeline_store_with_unreadable_digests_is_loaded_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store

    _copy_seeds(tmp_path / "notices")
    out = tmp_path / "out"
    first = build_to([tmp_path / "notices"], out, jobs=1)
    (out / "store" / kg.store.GRAPH_DIGESTS).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(kg.store, "update_store", lambda *a: pytest.fail("a store without digests was updated"))
    build_to([tmp_path / "notices"], out, jobs=1)
    assert _store_quads(out) == _store_quads(first.outputs["store"].parent)
