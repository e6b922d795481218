"""Render pages of a built book to PNG in headless Chromium, to look at them.

Usage: python scripts/screenshot.py HTML_ROOT OUT_DIR PAGE [PAGE ...]
(PAGE relative to HTML_ROOT, e.g. chapters/01-retreat.html). Full-page shots,
1280 px wide. Serves HTML_ROOT on localhost; nothing leaves the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.site import serve  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    root, out, *targets = argv
    Path(out).mkdir(parents=True, exist_ok=True)
    with serve(Path(root)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for target in targets:
            page.goto(f"{url}/{target}", wait_until="networkidle")
            page.wait_for_timeout(500)
            name = Path(out) / (target.replace("/", "_").replace(".html", ".png"))
            page.screenshot(path=str(name), full_page=True)
            print(name)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
