"""What a wheel of natokg carries: the library of queries and the ontology, not only the code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REPORT = """
import json, kg, kg.config, kg.queries
print(json.dumps({
    "package": kg.__file__,
    "queries": sorted(kg.queries.library()),
    "ontology": sorted(p.name for p in kg.config.ONTOLOGY_DIR.glob("*.ttl")),
}))
"""


def source_copy(target: Path) -> Path:
    """The files a wheel is built from, copied as they are (links kept), so no earlier build is reused."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, target / name)
    for name in ("kg", "queries", "ontology"):
        shutil.copytree(ROOT / name, target / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_an_installed_wheel_finds_its_queries_and_ontology(tmp_path: Path):
    source = source_copy(tmp_path / "source")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(tmp_path)],
                   check=True, capture_output=True)
    [wheel] = tmp_path.glob("natokg-*.whl")
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    found = json.loads(subprocess.run(
        [sys.executable, "-c", REPORT], cwd=tmp_path, env={"PYTHONPATH": str(installed), "PATH": ""},
        check=True, capture_output=True, text=True).stdout)
    assert Path(found["package"]).is_relative_to(installed)
    assert found["queries"] == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert found["ontology"] == sorted(p.name for p in (ROOT / "ontology").glob("*.ttl"))
