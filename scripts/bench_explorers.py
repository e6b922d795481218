"""Benchmark the live explorers in headless Chromium, with realistic sizes.

Builds one page with both explorers (5,000 genuine and 300,000 impostor pair
scores; a watchlist of 535 probes and 5 nested gallery sizes up to 25,000),
opens it from a local server, moves each threshold slider 200 times by setting
its value and dispatching ``input`` (as a reader's drag does), and reports the
time per update measured *in the page* (``performance.now()`` around the
explorer's update function; the explorer keeps these in ``.timings``), plus
the HTML size of each explorer output and of the stylesheet and script it inlines
(from ``facelab/views/explorers/static/``). Medians are the figure to quote: the
machine is shared, so means and maxima wander.

Usage::

    .venv/bin/python scripts/bench_explorers.py [--moves 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from facelab.views.explorers import threshold_explorer, watchlist_explorer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]
SIZES = [100, 1_000, 5_000, 10_000, 25_000]


def synthetic(seed: int):
    """Scores shaped like a decent matcher's, on the book's 0..100 scale.

    Impostor scores are independent draws, so the watchlist formula's
    independence assumption holds here by construction.
    """
    rng = np.random.default_rng(seed)
    genuine = np.clip(rng.normal(88, 4, 5_000), 0, 100)
    impostor = np.clip(rng.normal(50, 6.5, 300_000), 0, 100)
    # Each probe's running maximum over a gallery that grows in chunks (535 x 25,000
    # scores in all, never held at once).
    n_probes, running, maxima, done = 535, np.full(535, -np.inf), {}, 0
    for stop in SIZES:
        while done < stop:
            width = min(5_000, stop - done)
            chunk = np.clip(rng.normal(50, 6.5, (n_probes, width)).astype(np.float32), 0, 100)
            running = np.maximum(running, chunk.max(axis=1))
            done += width
        maxima[stop] = running.copy()
    return genuine, impostor, maxima


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # Cross-origin isolation lifts performance.now()'s resolution from 100 us to 5 us.
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()


def pct(values, q):
    return float(np.percentile(values, q)) if len(values) else float("nan")


MOVE = """([id, values]) => {
    const api = window.FaceValueExplorers[id], el = document.getElementById(id + '-t');
    api.timings.length = 0;
    const t0 = performance.now();
    for (const x of values) { el.value = x; el.dispatchEvent(new Event('input', {bubbles: true})); }
    const total = performance.now() - t0;
    return {timings: api.timings.slice(), total: total, n: values.length};
}"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    genuine, impostor, maxima = synthetic(args.seed)
    t1 = time.perf_counter()
    ex = threshold_explorer(genuine, impostor, id="bench-threshold")
    t2 = time.perf_counter()
    wx = watchlist_explorer(maxima, SIZES, genuine, threshold=80, impostor=impostor,
                            id="bench-watchlist")
    t3 = time.perf_counter()
    print(f"data {t1 - t0:.2f} s; threshold_explorer() {1000 * (t2 - t1):.0f} ms; "
          f"watchlist_explorer() {1000 * (t3 - t2):.0f} ms (Python)")
    for name, e in (("threshold", ex), ("watchlist", wx)):
        page = e.html
        style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
        script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
        data = re.search(r"var C = (.*?);\n", script).group(1)
        print(f"{name:9s} explorer HTML: {len(page.encode()) / 1024:7.1f} KB "
              f"({len(gzip.compress(page.encode())) / 1024:.1f} KB gzip); inline CSS "
              f"{len(style) / 1024:.1f} KB, script {(len(script) - len(data)) / 1024:.1f} KB "
              f"+ data {len(data) / 1024:.1f} KB")

    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(args.seed + 1)
    values = [f"{x:.2f}" for x in rng.uniform(40, 100, args.moves)]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "index.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>'
            '<link rel="icon" href="data:,"></head><body>' + ex.html + wx.html + "</body></html>",
            encoding="utf-8")
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=tmp))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
                page = browser.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("console", lambda m: m.type == "error" and errors.append(m.text))
                page.goto(url, wait_until="load")
                iso = page.evaluate("() => window.crossOriginIsolated")
                print(f"crossOriginIsolated: {iso} "
                      f"(timer resolution {'5 us' if iso else '100 us'})")
                nav = page.evaluate("""() => {
                    const n = performance.getEntriesByType('navigation')[0];
                    return [n.domContentLoadedEventEnd, n.loadEventEnd]; }""")
                print(f"page load (both explorers): DOMContentLoaded {nav[0]:.0f} ms, "
                      f"load {nav[1]:.0f} ms")
                for id in ("bench-threshold", "bench-watchlist"):
                    r = page.evaluate(MOVE, [id, values])
                    t = np.array(r["timings"])
                    print(f"{id:16s} {r['n']} moves: update median {np.median(t):.3f} ms, "
                          f"p95 {pct(t, 95):.3f} ms, mean {t.mean():.3f} ms, max {t.max():.3f} ms; "
                          f"whole event dispatch {r['total'] / r['n']:.3f} ms/move")
                # Frame cost: one move per animation frame, to the next frame (includes
                # style, layout and paint of the change).
                frame = page.evaluate("""([id, values]) => new Promise(done => {
                    const el = document.getElementById(id + '-t'), out = []; let i = 0;
                    function step() {
                        if (i >= values.length) { done(out); return; }
                        const t0 = performance.now();
                        el.value = values[i++];
                        el.dispatchEvent(new Event('input', {bubbles: true}));
                        requestAnimationFrame(() => setTimeout(() => {
                            out.push(performance.now() - t0); step(); }, 0));
                    }
                    step();
                })""", ["bench-threshold", values[:60]])
                print(f"bench-threshold  move to next frame (60 moves): median "
                      f"{np.median(frame):.1f} ms, p95 {pct(frame, 95):.1f} ms "
                      f"(headless frames are ~16.7 ms apart)")
                print("console errors:", errors or "none")
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
