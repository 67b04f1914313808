"""Fuzzing: arbitrary text and bytes never end in a traceback, and mutated seeds keep their entities.

The mutated corpus copies each seed under its own file name (the gold is
keyed by it) with its text damaged the way copies from job boards are:
lines joined, punctuation removed, case changed, bullets stripped,
sections shuffled.  The mutations are deterministic (a seeded random
generator per file), so a failure can be reproduced.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SEEDS, SHARED_EVAL
from kg.errors import InputError
from kg.extract import extract
from kg.ingest import load, parse_notice
from kg.model import Extraction, Notice
from kg.pipeline import build_corpus, build_to

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


# ============================================================ arbitrary input


@FUZZ
@given(st.text(max_size=2000))
def test_fuzz_extract_never_raises_on_any_text(text: str) -> None:
    notice = parse_notice(text, source="fuzz.txt")
    assert isinstance(notice, Notice)
    assert isinstance(extract(notice), Extraction)


NOTICE_WORDS = st.sampled_from([
    "The", "Division", "Section", "Directorate", "Committee", "(DPP)", "(RS)", "Head,", "Director,", "reports to the",
    "and, through them,", "Defence", "Policy", "and", "Planning", "of", "the", "incumbent", "S/he", "works closely with",
    "1. SUMMARY", "4. INTERRELATIONSHIPS", "Ref: 241797", "Grade: G20", "relève de la/du chef de la", "Section",
    "Résilience", "La", "Direction", ".", ",", ";", "\n", "\n\n", "•", "-", "*", "NATO", "OTAN", "Office of",
])


@FUZZ
@given(st.lists(NOTICE_WORDS | st.text(max_size=12), max_size=80))
def test_fuzz_extract_never_raises_on_notice_like_words(words: list[str]) -> None:
    notice = parse_notice(" ".join(words), source="fuzz.txt")
    extraction = extract(notice)
    assert all(relation.subject and relation.object for relation in extraction.relations)


PREFIXES = st.sampled_from([
    b"", b"%PDF-1.4\n", b"<!DOCTYPE html><html><body>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", "1. SUMMARY\n\nThe Division".encode(), "Résumé ".encode("cp1252"),
])


@FUZZ
@given(prefix=PREFIXES, body=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".pdf", ".bin"]))
def test_fuzz_load_any_bytes_is_a_document_or_one_input_error(tmp_path: Path, prefix: bytes, body: bytes,
                                                              suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(prefix + body)
    try:
        document = load(path)
    except InputError as error:
        assert error.path == str(path)
        assert error.message and "\n" not in error.message
        return
    for notice in document.notices:
        assert isinstance(extract(notice), Extraction)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([".txt", ".md", ".html", ".pdf"]), st.binary(max_size=400)), max_size=4))
def test_fuzz_batch_of_any_bytes_always_reports(tmp_path_factory: pytest.TempPathFactory,
                                                 files: list[tuple[str, bytes]]) -> None:
    folder = tmp_path_factory.mktemp("batch")
    for index, (suffix, data) in enumerate(files):
        (folder / f"{index}{suffix}").write_bytes(data)
    _, reports = build_corpus([folder])
    named = {Path(r.path).name for r in reports}
    assert {f"{i}{s}" for i, (s, _) in enumerate(files)} <= named | {folder.name}
    assert all(r.status in ("built", "failed", "skipped") for r in reports)
    assert all(r.message for r in reports if r.status == "failed")


# ============================================================ mutated seeds

Mutation = Callable[[str, random.Random], str]
_NUMBERED = re.compile(r"^\d\.\s+\S", re.M)
_BULLET = re.compile(r"^(?:[-*•]\s+)", re.M)
#: Punctuation that a copy loses; kept inside numbers ("8,754.21", "16-May-2024").
_PUNCTUATION = re.compile(r"(?<!\d)[.,;:!?](?!\d)")


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


_FIELD = re.compile(r"^[^\n:.]{1,40}:\s", re.M)


def _is_header_or_heading(paragraph: str) -> bool:
    """A heading or a header field ("Grade: G20"): a copy keeps their words apart even without punctuation."""
    return bool(_NUMBERED.match(paragraph) or _FIELD.search(paragraph)) or paragraph.isupper()


def join_lines(text: str, rng: random.Random) -> str:
    """Runs of paragraphs (headings, header lines and bullets among them) joined onto one line."""
    paragraphs = _paragraphs(text)
    out: list[str] = []
    for paragraph in paragraphs:
        joined = paragraph.replace("\n", " ")
        if out and rng.random() < 0.6:
            out[-1] = f"{out[-1]} {joined}"
        else:
            out.append(joined)
    return "\n".join(out)


def drop_punctuation(text: str, rng: random.Random) -> str:
    """Commas, full stops, colons and semicolons gone from some paragraphs."""
    return "\n\n".join(
        _PUNCTUATION.sub("", p) if rng.random() < 0.5 and not _is_header_or_heading(p) else p
        for p in _paragraphs(text)
    )


def change_case(text: str, rng: random.Random) -> str:
    """Some paragraphs in capitals, some in lower case."""
    def cased(paragraph: str) -> str:
        roll = rng.random()
        return paragraph.upper() if roll < 0.25 else paragraph.lower() if roll < 0.5 else paragraph

    return "\n\n".join(cased(p) for p in _paragraphs(text))


def strip_bullets(text: str, rng: random.Random) -> str:
    return _BULLET.sub("", text)


def shuffle_sections(text: str, rng: random.Random) -> str:
    """The numbered sections of each half in another order (a heading keeps its text)."""
    starts = [m.start() for m in re.finditer(r"^\d\.\s+[A-ZÉ]", text, re.M)]
    if len(starts) < 3:
        return text
    halves: list[list[int]] = [[starts[0]]]
    for start in starts[1:]:
        previous = text[halves[-1][-1]:start]
        if text[start] == "1" or "\nDescription" in previous:
            halves.append([start])
        else:
            halves[-1].append(start)
    out, position = [], 0
    for number, half in enumerate(halves):
        following = halves[number + 1][0] if number + 1 < len(halves) else len(text)
        end = min(_half_end(text, half), following)
        pieces = [text[a:b] for a, b in zip(half, [*half[1:], end])]
        rng.shuffle(pieces)
        out.append(text[position:half[0]] + "".join(p if p.endswith("\n") else p + "\n\n" for p in pieces))
        position = end
    return "".join(out) + text[position:]


def _half_end(text: str, half: list[int]) -> int:
    """Where the last section of a half ends: at the French half's title ("Administratrice...", "Chef..."), or the end."""
    last = half[-1]
    following = re.search(r"\n+(?=\**(?:Administrat|Chef))", text[last:])
    return last + following.end() if following else len(text)


#: In the order they are applied: sections are shuffled while their headings still start lines.
MUTATIONS: dict[str, Mutation] = {
    "shuffle_sections": shuffle_sections,
    "strip_bullets": strip_bullets,
    "drop_punctuation": drop_punctuation,
    "change_case": change_case,
    "join_lines": join_lines,
}


def mutate(text: str, name: str, seed: int = 0) -> tuple[str, list[str]]:
    """The text with two or three mutations, chosen and applied with a generator seeded by the file name."""
    rng = random.Random(f"{seed}:{name}")
    chosen = sorted(rng.sample(sorted(MUTATIONS), rng.choice((2, 3))), key=list(MUTATIONS).index)
    for mutation in chosen:
        text = MUTATIONS[mutation](text, rng)
    return text, chosen


def mutated_corpus(folder: Path, seed: int = 0) -> dict[str, list[str]]:
    """Each seed, mutated, under its own file name; returns the mutations applied to each."""
    folder.mkdir(parents=True, exist_ok=True)
    applied = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text, applied[path.name] = mutate(path.read_text(encoding="utf-8"), path.name, seed)
        (folder / path.name).write_text(text, encoding="utf-8")
    return applied


def score(graph: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, str(SHARED_EVAL / "score.py"), "--graph", str(graph), "--gold", str(SHARED_EVAL / "gold"),
         "--ontology", str(ROOT / "ontology"), "--json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(completed.stdout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THE INCUMBENT REPORTS TO THE HEAD, RESILIENCE SECTION AND THE DPPC.",
         "The incumbent reports to the Head, Resilience Section and the DPPC."),
        ("s/he works with the defence investment (di) division and the office of legal affairs.",
         "S/he works with the Defence Investment (DI) Division and the Office of Legal Affairs."),
        ("the incumbent supports the civil emergency planning committee (cepc) and temporary staff.",
         "The incumbent supports the Civil Emergency Planning Committee (CEPC) and temporary staff."),
        ("The Section has case. Nothing to restore here.", "The Section has case. Nothing to restore here."),
    ],
)
def test_fuzz_case_restored_in_uncased_sentences(text: str, expected: str) -> None:
    from kg.extract.casing import CaseModel

    model = CaseModel.learn(["The work of temporary staff in the Section is planned by the Council."])
    assert model.restore(text) == expected


def test_fuzz_case_follows_the_notice_own_spelling() -> None:
    from kg.extract.casing import CaseModel

    model = CaseModel.learn(["The Defence Policy and Capabilities Directorate in DPP works on defence policies."])
    restored = model.restore("THE DEFENCE POLICY AND CAPABILITIES DIRECTORATE LEADS THE WORK ON DEFENCE POLICIES.")
    assert restored == "The Defence Policy and Capabilities Directorate leads the work on defence policies."


def test_fuzz_mutations_are_deterministic(tmp_path: Path) -> None:
    first = mutated_corpus(tmp_path / "a")
    second = mutated_corpus(tmp_path / "b")
    assert first == second
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert set().union(*first.values()) == set(MUTATIONS), "every mutation is exercised"


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_fuzz_each_mutation_changes_the_seeds(mutation: str) -> None:
    path = sorted(SEEDS.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    assert MUTATIONS[mutation](text, random.Random(1)) != text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fuzz_mutated_seeds_keep_entities_and_reporting_lines(seed: int, tmp_path: Path) -> None:
    mutated_corpus(tmp_path / "mutated", seed)
    result = build_to([tmp_path / "mutated"], tmp_path / "out")
    assert result.exit_code == 0
    figures = score(tmp_path / "out" / "graph.ttl")
    assert figures["overall"] >= 0.85, figures
    assert figures["entities"]["f1"] >= 0.85, figures["entities"]
    assert figures["reportsTo"]["accuracy"] >= 0.85, figures["reportsTo"]
