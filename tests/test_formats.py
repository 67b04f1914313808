"""Every input format builds: text, Markdown, HTML pages, PDF, standard input, and the encodings text comes in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.ingest import load, read_notice
from kg.ingest.sources import READERS, SUFFIX_FORMATS
from kg import config
from notice_builds import DATA, FMT_ENTITIES, FMT_REPORTING, build, cli, entities, report, reporting

FMT_TXT = DATA / "fmt_notice.txt"


def english_half() -> str:
    text = FMT_TXT.read_text(encoding="utf-8")
    return text[: text.index("Administratrice/Administrateur")]


# ==================================================================== PDF


def _wrap(paragraph: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters; a long word that does not fit is hyphenated at the line end."""
    lines, line = [], ""
    for word in paragraph.split():
        room = width - len(line) - 1
        if line and "-" in word[:room] and len(word) > room:  # a compound breaks at its own hyphen
            cut = word.index("-") + 1
            lines.append(f"{line} {word[:cut]}")
            line = word[cut:]
        elif line and len(word) > room and len(word) >= 8 and room >= 4:
            cut = max(3, min(room - 1, len(word) - 3))
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
        elif line and len(word) > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def make_pdf(path: Path, pages: list[list[str]], width: int = 60) -> Path:
    """A PDF with one page per list of paragraphs, lines wrapped and hyphenated as a word processor would."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            for line in _wrap(paragraph.replace("\u2019", "'"), width):
                pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(5)
    pdf.output(str(path))
    return path


def fmt_pdf(path: Path) -> Path:
    """fmt_notice's English half over two pages, the interrelationships on the second."""
    blocks = [block.replace("\n", " ").strip() for block in english_half().split("\n\n") if block.strip()]
    split = next(i for i, block in enumerate(blocks) if block.startswith("4. INTERRELATIONSHIPS"))
    return make_pdf(path, [blocks[:split], blocks[split:]])


@pytest.fixture(scope="module")
def pdf_notice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fmt_pdf(tmp_path_factory.mktemp("pdf") / "fmt_notice.pdf")


def test_formats_pdf_fixture_has_two_pages_and_hyphenated_line_ends(pdf_notice: Path) -> None:
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(pdf_notice).pages]
    assert len(pages) == 2
    assert "INTERRELATIONSHIPS" in pages[1] and "INTERRELATIONSHIPS" not in pages[0]
    assert re.search(r"[a-z]-\n[a-z]", pages[0]), "the fixture should break words at line ends"


def test_formats_pdf_text_mended_and_in_page_order(pdf_notice: Path) -> None:
    notice = read_notice(pdf_notice)
    text = notice.text
    assert "Capability Development Section (CDS)" in text
    assert not re.search(r"[a-z]- [a-z]", text), "no hyphen left where a line broke a word"
    assert text.index("1. SUMMARY") < text.index("4. INTERRELATIONSHIPS")
    part = notice.part("en")
    assert [s.key for s in part.sections if s.key != "description"][:2] == ["summary", "qualifications"]
    assert part.header.reference == "251001" and part.header.deadline == "2025-10-20"


def test_formats_pdf_keeps_hyphen_of_words_written_with_one(tmp_path: Path) -> None:
    paragraph = ("The decision-making process of the Division is fast. " * 2
                 + "Its staff support the decision-making of the Council in every forum.")
    path = make_pdf(tmp_path / "hyphens.pdf", [[paragraph]], width=66)
    from pypdf import PdfReader

    assert "decision-\n" in PdfReader(path).pages[0].extract_text()
    text = read_notice(path).text
    assert "decisionmaking" not in text
    assert text.count("decision-making") == 3


# ============================================================ each format


FORMAT_FILES = {
    "txt": ("fmt_notice.txt", "text", "utf-8"),
    "md": ("fmt_notice.md", "text", "utf-8"),
    "html": ("fmt_notice.html", "html", "utf-8"),
    "htm": ("fmt_notice_cp1252.htm", "html", "cp1252"),
}


@pytest.mark.parametrize("kind", sorted(FORMAT_FILES))
def test_formats_file_builds_entities_and_reporting_line(kind: str, tmp_path: Path) -> None:
    name, format_name, encoding = FORMAT_FILES[kind]
    result = build(tmp_path / "out", DATA / name)
    assert result.exit_code == 0
    entry = report(result, name)
    assert (entry.status, entry.format, entry.encoding) == ("built", format_name, encoding)
    assert FMT_ENTITIES <= entities(entry)
    assert reporting(entry) == FMT_REPORTING
    assert entry.reference == "251001" and entry.title == "Officer, Capability Planning"
    assert entry.extracted["post"]["unit"] == "Capability Development Section (CDS)"


def test_formats_pdf_builds_entities_and_reporting_line(pdf_notice: Path, tmp_path: Path) -> None:
    result = build(tmp_path / "out", pdf_notice)
    entry = report(result, "fmt_notice.pdf")
    assert (result.exit_code, entry.status, entry.format) == (0, "built", "pdf")
    assert FMT_ENTITIES <= entities(entry)
    assert reporting(entry) == FMT_REPORTING
    assert entry.extracted["post"]["deadline"] == "2025-10-20"


def test_formats_html_reads_main_text_only() -> None:
    text = read_notice(DATA / "fmt_notice.html").text
    for furniture in ("cookies", "Sign in", "Search jobs", "Similar jobs", "Terms of use", "dataLayer", "consent"):
        assert furniture not in text, furniture
    assert "1. SUMMARY" in text and "4. INTERRELATIONSHIPS" in text
    assert "- possess a university degree" in text  # list items stay list items
    part = read_notice(DATA / "fmt_notice.html").part("en")
    assert part.header.title == "Officer, Capability Planning"
    assert "have at least 5 years" in part.section("qualifications").text


def test_formats_htm_table_header_and_declared_charset() -> None:
    document = load(DATA / "fmt_notice_cp1252.htm")
    assert document.encoding == "cp1252"
    notice = document.notices[0]
    assert "« partners »" in notice.text and "Alliance's work" in notice.text
    assert notice.header.deadline == "2025-10-20" and notice.header.grade == "G20"
    assert "Vacancies" not in notice.text and "cookies" not in notice.text


def test_formats_stdin_builds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("build", "-", "--out", str(out), stdin=FMT_TXT.read_bytes())
    assert result.exit_code == 0, result.output
    entries = json.loads((out / "build-report.json").read_text())["notices"]
    (entry,) = entries
    assert (entry["path"], entry["source"], entry["status"]) == ("-", "stdin", "built")
    assert FMT_ENTITIES <= set(entry["extracted"]["entities"])
    assert entry["extracted"]["reporting_line"] == FMT_REPORTING


def test_formats_stdin_sniffs_html(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("build", "-", "--out", str(out), stdin=(DATA / "fmt_notice.html").read_bytes())
    assert result.exit_code == 0, result.output
    (entry,) = json.loads((out / "build-report.json").read_text())["notices"]
    assert entry["format"] == "html"
    assert entry["extracted"]["reporting_line"] == FMT_REPORTING


# =============================================================== encodings


ENCODINGS = {
    "utf-8 with BOM": (lambda text: "\ufeff".encode() + text.encode("utf-8"), "utf-8 with BOM"),
    "cp1252": (lambda text: text.encode("cp1252"), "cp1252"),
    "latin-1": (lambda text: text.replace("\u2019", "'").encode("latin-1"), None),
    "utf-16 with BOM": (lambda text: text.encode("utf-16"), "utf-16 with BOM"),
    "utf-16 without BOM": (lambda text: text.encode("utf-16-le"), "utf-16-le"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_formats_encoding_detected(encoding: str, tmp_path: Path) -> None:
    encode, expected = ENCODINGS[encoding]
    text = FMT_TXT.read_text(encoding="utf-8")
    path = tmp_path / "notice.txt"
    path.write_bytes(encode(text))
    document = load(path)
    if expected:
        assert document.encoding == expected
    notice = document.notices[0]
    assert "ORGANISATION DU TRAITÉ" in notice.text and "RÉSUMÉ" in notice.text
    assert "Division's Capability Development Section" in notice.text
    assert notice.part("fr").header.location == "Bruxelles, Belgique"
    assert not document.warnings


def test_formats_encoding_builds_the_same_graph(tmp_path: Path) -> None:
    text = FMT_TXT.read_text(encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "fmt_notice.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b" / "fmt_notice.txt").write_bytes(text.encode("cp1252"))
    first = build(tmp_path / "out-a", tmp_path / "a")
    second = build(tmp_path / "out-b", tmp_path / "b")
    assert first.outputs["graph.ttl"].read_bytes() == second.outputs["graph.ttl"].read_bytes()


# ================================================================== table


def test_formats_every_folder_suffix_has_a_reader() -> None:
    for suffix in config.NOTICE_SUFFIXES:
        assert SUFFIX_FORMATS[suffix] in READERS


def test_formats_folder_reads_every_format(pdf_notice: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("fmt_notice.md", "fmt_notice.html", "fmt_notice_cp1252.htm"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    (folder / "fmt_notice.pdf").write_bytes(pdf_notice.read_bytes())
    result = build(tmp_path / "out", folder)
    assert result.exit_code == 0
    assert sorted(r.format for r in result.built) == ["html", "html", "pdf", "text"]
    assert all(reporting(r) == FMT_REPORTING for r in result.built)
