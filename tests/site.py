"""Helpers for tests of the built site: serve it on localhost and list its pages."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

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
