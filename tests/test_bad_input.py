"""Bad inputs: each gets one line naming it and the problem, a report entry, and the rest still builds."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg import config
from notice_builds import DATA, FMT_ENTITIES, FMT_REPORTING, cli, lines_naming

GOOD = DATA / "fmt_notice.txt"
FORMATS = ", ".join(config.NOTICE_SUFFIXES)


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def scanned_pdf(path: Path) -> None:
    """A PDF whose page is only an image: no text layer, as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image

    image = path.with_suffix(".png")
    Image.new("L", (300, 400), 255).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=150)
    pdf.output(str(path))
    image.unlink()


def big_file(path: Path) -> None:
    with path.open("wb") as handle:  # sparse: 50 MB on paper, nothing to read
        handle.truncate(50 * 1024 * 1024)


RECIPE = """Grandma's apple pie

Ingredients: 6 apples, 200 g flour, 100 g butter, 80 g sugar, a pinch of cinnamon.

Peel and slice the apples. Rub the butter into the flour and sugar until it looks like breadcrumbs,
then press half of it into a buttered tin. Add the apples and the cinnamon, cover with the rest
and bake for 40 minutes at 180 degrees. Serve warm with cream.
"""


def invalid_utf8(path: Path) -> None:
    """A UTF-8 notice with two bytes that are no UTF-8 at all (a broken copy)."""
    data = GOOD.read_bytes().replace("Primary Location".encode(), b"Primary \xff\xfeLocation", 1)
    path.write_bytes(data.replace("Defence Investment (DI) Division develops".encode(),
                                  b"Defence Investment (DI) Division develops", 1))


@dataclass(frozen=True)
class Case:
    name: str  # the bad input's file name
    make: Callable[[Path], None]
    status: str
    message: str  # its report message (or warning, for a notice that still builds)
    exit_code: int
    in_folder: bool = True  # False: named on the command line beside the folder


CASES = [
    Case("empty.txt", lambda p: p.write_bytes(b""), "failed", "empty file", 1),
    Case("blank.md", lambda p: p.write_bytes(b"  \r\n\t\n"), "failed", "empty file", 1),
    Case("data.txt", lambda p: p.write_bytes(bytes(range(256)) * 8), "failed", "binary file, not a text notice", 1),
    Case("photo.png", lambda p: p.write_bytes(png_bytes()), "failed",
         "PNG image, not a notice: an image has no text to read (save the notice as text, HTML or PDF)", 1,
         in_folder=False),
    Case("photo.txt", lambda p: p.write_bytes(png_bytes()), "failed",
         "PNG image, not a notice: an image has no text to read (save the notice as text, HTML or PDF)", 1),
    Case("big.txt", big_file, "failed", "file too large: 50 MB (the limit is 10 MB)", 1),
    Case("recipe.txt", lambda p: p.write_text(RECIPE, encoding="utf-8"), "failed",
         "not a vacancy notice: no header, no notice sections and no organisational names", 1),
    Case("scan.pdf", scanned_pdf, "failed",
         "no readable text: the PDF has no text layer (a scanned document? run it through OCR first)", 1),
    Case("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage"), "failed",
         "damaged PDF, cannot be read", 1),
    Case("notice.docx", lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 40), "failed",
         f"unsupported format: zip archive (a Word, OpenDocument or Excel file?); formats read: {FORMATS}", 1,
         in_folder=False),
    Case("broken_utf8.txt", invalid_utf8, "built",
         "invalid UTF-8: 2 byte(s) could not be decoded and were replaced", 0),
    Case("photo.jpg", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0JFIF"), "skipped",
         f"not a notice format (.jpg); formats read: {FORMATS}", 0),
]


def run_batch(tmp_path: Path, case: Case) -> tuple[object, dict, Path]:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    bad = (folder if case.in_folder else tmp_path) / case.name
    case.make(bad)
    out = tmp_path / "out"
    args = ["build", str(folder)] + ([] if case.in_folder else [str(bad)]) + ["--out", str(out)]
    result = cli(*args)
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    return result, report, bad


def entry_of(report: dict, name: str) -> dict:
    (entry,) = [n for n in report["notices"] if Path(n["path"]).name == name]
    return entry


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_one_line_report_entry_and_the_rest_built(case: Case, tmp_path: Path) -> None:
    result, report, bad = run_batch(tmp_path, case)
    assert result.exit_code == case.exit_code, result.output
    assert "Traceback" not in result.output
    entry = entry_of(report, case.name)
    assert entry["status"] == case.status
    if case.status == "built":
        assert case.message in entry["warnings"]
    else:
        assert entry["message"].startswith(case.message)
    (line,) = lines_naming(result.output, case.name)
    assert line.startswith(str(bad)) and case.message in line
    good = entry_of(report, "good.txt")
    assert good["status"] == "built"
    assert FMT_ENTITIES <= set(good["extracted"]["entities"])
    assert good["extracted"]["reporting_line"] == FMT_REPORTING


def test_bad_input_large_file_refused_before_reading(tmp_path: Path) -> None:
    from kg.errors import InputError
    from kg.ingest import load

    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(InputError, match="file too large"):
        load(path)
    assert time.monotonic() - started < 1.0


def test_bad_input_invalid_utf8_still_reads_the_rest_of_the_text(tmp_path: Path) -> None:
    from kg.ingest import load

    path = tmp_path / "broken.txt"
    invalid_utf8(path)
    document = load(path)
    assert document.encoding == "utf-8"
    assert "ORGANISATION DU TRAITÉ" in document.notices[0].text  # not read as cp1252
    assert "\ufffd" in document.notices[0].text


def test_bad_input_folder_without_notices_alone_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    result = cli("build", str(folder), "--out", str(out))
    assert result.exit_code == 2
    (line,) = [line for line in lines_naming(result.output, str(folder)) if "no notices" in line]
    assert line == f"{folder}: no notices found in {folder} (formats read: {FORMATS})"
    assert "nothing written" in result.output
    assert not out.exists()


def test_bad_input_folder_without_notices_beside_others_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    result = cli("build", str(GOOD), str(empty), "--out", str(out))
    assert result.exit_code == 1
    assert f"{empty}: no notices found in {empty}" in result.output
    report = json.loads((out / "build-report.json").read_text())
    statuses = {Path(n["path"]).name: n["status"] for n in report["notices"]}
    assert statuses == {"fmt_notice.txt": "built", "empty": "failed"}


def test_bad_input_missing_path_beside_others(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    result = cli("build", str(GOOD), str(missing), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{missing}: no such file or directory" in result.output


def test_bad_input_nothing_buildable_exits_2_and_keeps_old_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("previous")
    recipe = tmp_path / "recipe.txt"
    recipe.write_text(RECIPE)
    result = cli("build", str(recipe), "--out", str(out))
    assert result.exit_code == 2
    assert f"{recipe}: not a vacancy notice" in result.output
    assert (out / "graph.ttl").read_text() == "previous"


def test_bad_input_strict_stops_at_the_first_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_good.txt").write_bytes(GOOD.read_bytes())
    out = tmp_path / "out"
    result = cli("build", str(folder), "--out", str(out), "--strict")
    assert result.exit_code == 1
    assert f"{folder / 'a_empty.txt'}: empty file" in result.output
    assert not (out / "graph.ttl").exists()


def test_bad_input_strict_passes_over_stray_files(tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "good.txt").write_bytes(GOOD.read_bytes())
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    result = cli("build", str(folder), "--out", str(tmp_path / "out"), "--strict")
    assert result.exit_code == 0, result.output
    assert ".DS_Store" not in result.output
