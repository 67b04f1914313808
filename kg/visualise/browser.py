"""Open the org graph in headless Chromium (Debian's ``chromium``, driven by Playwright).

Used by the browser tests, the benchmark and ``make screenshot``::

    python -m kg.visualise.browser out/org-graph.html docs/org-graph.png --select "Resilience Section"

Playwright is a test dependency; it is imported only here, when a browser is needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import NatoKGError

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1600, "height": 1000}
READY = "window.natokgReady === true"
READY_TIMEOUT_MS = 60_000


def chromium_path() -> str:
    """Debian's chromium ($NATOKG_CHROMIUM overrides); a clear error when it is not installed."""
    path = os.environ.get("NATOKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise NatoKGError("chromium is not installed: run `make browser` (apt-get install chromium)")
    return path


@contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium browser for the duration of the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_ready(page: Any, timeout_ms: int = READY_TIMEOUT_MS) -> None:
    """Wait until the network is drawn in its layout and physics is off."""
    page.wait_for_function(READY, timeout=timeout_ms, polling=50)


def open_graph(browser: Any, path: Path, viewport: dict[str, int] | None = None) -> Any:
    """A new page showing the org graph at ``path``, once it is ready."""
    page = browser.new_page(viewport=viewport or VIEWPORT)
    page.goto(Path(path).resolve().as_uri())
    wait_ready(page)
    return page


def search(page: Any, text: str) -> None:
    """Type ``text`` in the search box and press Enter (focuses the best match)."""
    page.fill("#natokg-search", text)
    page.press("#natokg-search", "Enter")


def select_in_overview(page: Any, name: str) -> None:
    """Find ``name``, show its panel, then zoom back out to the whole graph."""
    search(page, name)
    page.evaluate("network.fit({animation: false})")
    page.wait_for_timeout(200)


def screenshot(html: Path, png: Path, select: str | None = None) -> Path:
    """Save a picture of the page at ``html`` (with ``select``'s panel open) to ``png``."""
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    with launch() as browser:
        page = open_graph(browser, html)
        if select:
            select_in_overview(page, select)
        page.screenshot(path=str(png))
    return png


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshot an org graph page in headless Chromium.")
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--select", help="Name of a node whose panel to show.")
    args = parser.parse_args()
    print(f"Wrote {screenshot(args.html, args.png, args.select)}")


if __name__ == "__main__":
    main()
