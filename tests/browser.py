"""Open casegraph's pages in Debian's headless Chromium (playwright as the driver).

No browser is downloaded: playwright drives ``/usr/bin/chromium`` (or
``CHROMIUM``), the package ``tests/run.sh`` installs. Every request that is
not a ``file:`` URL is blocked and recorded, so a page that would need the
internet fails its test here as it would on a court intranet.

Example::

    with Browser() as b:
        page = b.open(Path("report/index.html"))
        page.console_errors, page.external_requests    # ([], [])
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is not installed: apt-get install -y chromium (tests/run.sh does)")


@dataclass
class Page:
    """An open page and what it did: console errors, uncaught exceptions and
    requests that tried to leave the machine."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.console_errors + [f"external request: {u}" for u in self.external_requests]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def wait_for_network(self, timeout_ms: int = 30_000) -> dict:
        """Wait until a network page has laid out its graph; returns what it
        drew: node and edge counts, positioned nodes, and whether the canvas
        has ink on it."""
        self.page.wait_for_function("window.casegraph && window.casegraph.ready === true", timeout=timeout_ms)
        # Laid out is not yet painted: on a busy machine the first frame can
        # come a while later. Wait for ink (the assertions judge what is there).
        try:
            self.page.wait_for_function("""() => {
                const canvas = document.querySelector('#network canvas');
                if (!canvas) return false;
                const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let ink = 0;
                for (let i = 3; i < d.length; i += 4 * 7) { if (d[i] > 0 && ++ink > 200) return true; }
                return false;
            }""", timeout=timeout_ms, polling=250)
        except Exception:  # noqa: BLE001 - a timeout here is reported by the caller's assertions
            pass
        return self.page.evaluate("""() => {
            const c = window.casegraph;
            const canvas = document.querySelector('#network canvas');
            let ink = 0;
            if (canvas) {
                const ctx = canvas.getContext('2d');
                const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
                for (let i = 3; i < d.length; i += 4 * 7) { if (d[i] > 0) ink++; }
            }
            return {nodes: c.nodes.length, edges: c.edges.length,
                    positioned: Object.keys(c.network.getPositions()).length, ink: ink,
                    canvas: canvas ? [canvas.width, canvas.height] : null};
        }""")


class Browser:
    """One headless Chromium for a test session, with a fresh profile."""

    def __init__(self, width: int = 1400, height: int = 900):
        self.size = {"width": width, "height": height}

    def __enter__(self) -> "Browser":
        from playwright.sync_api import sync_playwright

        self._profile = tempfile.mkdtemp(prefix="casegraph-chromium-")
        self._pw = sync_playwright().start()
        self._context = self._pw.chromium.launch_persistent_context(
            self._profile, executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
            viewport=self.size, offline=False)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._context.close()
        finally:
            self._pw.stop()
            shutil.rmtree(self._profile, ignore_errors=True)

    def new_page(self, allow: tuple[str, ...] = ()) -> Page:
        """A fresh page; ``allow``: URL prefixes it may reach besides files
        (a local server's ``http://127.0.0.1:PORT/``)."""
        page = self._context.new_page()
        p = Page(page)
        page.on("console", lambda m: m.type == "error" and p.console_errors.append(m.text))
        page.on("pageerror", lambda e: p.console_errors.append(f"uncaught: {e}"))

        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:", "blob:", "about:", *allow)):
                r.continue_()
            else:
                p.external_requests.append(url)
                r.abort()

        page.route("**/*", route)
        return p

    def open(self, path: Path) -> Page:
        p = self.new_page()
        p.page.goto(Path(path).resolve().as_uri(), wait_until="load")
        return p
