"""Benchmark (not a test): page weight and render time of the built site,
and optionally the cold and warm build times.

Usage:
    python scripts/bench_site.py [HTML_ROOT]          # pages of _build/html
    python scripts/bench_site.py --builds             # also time a cold and a warm build

For each page: bytes transferred (the page and everything it loads), both as
served here (localhost, uncompressed) and gzip-compressed as a static host such
as GitHub Pages sends text files; and the time until the browser's load event,
in headless Chromium, cold cache. Target (issue 9): chapter pages under 1.5 MB.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.site import pages, serve  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


def page_report(html_root: Path) -> None:
    from playwright.sync_api import sync_playwright

    with serve(html_root) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        print(f"{'page':36s} {'raw':>9s} {'gzip':>9s} {'load':>8s}")
        for rel in pages(html_root):
            context = browser.new_context()  # cold cache for every page
            page = context.new_page()
            sizes, gz = [], []

            def done(request, sizes=sizes, gz=gz):  # this page's lists, bound now
                try:
                    body = request.response().body()
                except Exception:  # a redirect page's body is gone after navigation
                    return
                sizes.append(len(body))
                # PNG and woff2 are already compressed; hosts send them as they are.
                packed = request.url.split("?")[0].endswith((".png", ".woff2", ".woff"))
                gz.append(len(body) if packed else len(gzip.compress(body, 6)))

            page.on("requestfinished", done)
            page.goto(f"{url}/{rel.as_posix()}", wait_until="load")
            page.wait_for_load_state("networkidle")  # index.html redirects to intro.html
            load_ms = page.evaluate(
                "() => { const t = performance.getEntriesByType('navigation')[0];"
                " return t.loadEventEnd - t.startTime; }")
            flag = "  <-- over 1.5 MB compressed" if sum(gz) > 1.5e6 else ""
            print(f"{rel.as_posix():36s} {sum(sizes) / 1e6:6.2f} MB {sum(gz) / 1e6:6.2f} MB "
                  f"{load_ms:6.0f} ms{flag}")
            context.close()
        browser.close()


def build_times() -> None:
    jb = ROOT / ".venv" / "bin" / "jupyter-book"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = Path(tempfile.mkdtemp(prefix="fv-bench-"))
    config = out / "_config.yml"
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    text = text.replace("cache: _build/.jupyter_cache", f"cache: {out}/cache")
    text = text.replace("fv_editions: _ext/", f"fv_editions: {ROOT}/_ext/")
    config.write_text(text, encoding="utf-8")
    cmd = [str(jb), "build", str(ROOT), "-W", "--keep-going", "--config", str(config),
           "--path-output", str(out)]
    for label in ("cold (empty cache)", "warm (cache, no change)"):
        if label.startswith("warm"):
            shutil.rmtree(out / "_build" / "html", ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
        print(f"build {label}: {time.perf_counter() - t0:6.1f} s")
    shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str]) -> int:
    builds = "--builds" in argv
    args = [a for a in argv if a != "--builds"]
    html_root = Path(args[0]) if args else ROOT / "_build" / "html"
    if builds:
        build_times()
    page_report(html_root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
