"""Helpers for the tests that build notices of every format and shape and read the build report."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import BuildResult, NoticeReport, build_to

DATA = Path(__file__).resolve().parent / "data"

#: What fmt_notice.* states, in every format: the entities and the reporting line found.
FMT_ENTITIES = {
    "Division: Defence Investment Division (DI)",
    "Directorate: Armaments Directorate",
    "Section: Capability Development Section (CDS)",
    "Committee: Conference of National Armaments Directors (CNAD)",
    "Organization: International Military Staff (IMS)",
}
FMT_REPORTING = ["Head, Capability Development Section (CDS)", "Director, Armaments Directorate"]

runner = CliRunner()


def build(out: Path, *sources: str | Path) -> BuildResult:
    return build_to(list(sources), out)


def report(result: BuildResult | list[NoticeReport], name: str) -> NoticeReport:
    """The report entry of the input (or post) named ``name``: a file name or a notice source."""
    reports = result.reports if isinstance(result, BuildResult) else result
    found = [r for r in reports if Path(r.path).name == name or r.source == name]
    assert len(found) == 1, [(r.path, r.source) for r in reports]
    return found[0]


def entities(entry: NoticeReport) -> set[str]:
    return set(entry.extracted["entities"])


def reporting(entry: NoticeReport) -> list[str]:
    return entry.extracted["reporting_line"]


def cli(*args: str, stdin: bytes | None = None):
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def lines_naming(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if name in line]
