"""Helpers for tests of the built site: serve it on localhost and list its pages."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

# Debian's Chromium, as every browser test launches it (no network, no first-run dialogs).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]

# Pages Sphinx writes that are not the book's content.
SKIP = {"genindex.html", "search.html", "py-modindex.html"}


def pages(html_root: Path) -> list[Path]:
    """Every content page of the built book, relative to its root."""
    found = sorted(p.relative_to(html_root) for p in html_root.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    return [p for p in found if p.name not in SKIP]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@contextmanager
def serve(html_root: Path):
    """Serve ``html_root`` on 127.0.0.1 (a free port) for the duration."""
    handler = functools.partial(_QuietHandler, directory=str(html_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def page_fixes():
    """The site's page-fixes extension (``_ext/fv_page_fixes.py``), loaded as a module: its
    figure-scale rule is what the pages carry and what the tests measure against."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "_ext" / "fv_page_fixes.py"
    spec = importlib.util.spec_from_file_location("fv_page_fixes_t", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
