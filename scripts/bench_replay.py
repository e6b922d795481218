"""Benchmark chapter 3's replay and its explorers, with the chapter's own data.

Times, in Python: training the synthetic embedding, the ACLU replay (535 probes
against 25,000 synthetic people) and, with ``--rerun N``, Amazon's reply
against N people (the chapter uses 850,000; that takes minutes). Then builds
the chapter's two explorers (Olivetti Fisherface scores; the replay's nested
per-probe maxima, all 13.4 million probe-gallery scores and the mated scores),
opens them in headless Chromium and moves each threshold slider (and the
gallery-size slider) many times, reporting the time per update measured in
the page, as ``scripts/bench_explorers.py`` does.

Usage::

    .venv/bin/python scripts/bench_replay.py [--moves 200] [--rerun 0]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("SCIKIT_LEARN_DATA", str(HERE.parent.parent / "shared" / "scikit_learn_data"))

# These imports need the sys.path set-up above.
from bench_explorers import CHROMIUM, FLAGS, MOVE, Quiet, pct  # noqa: E402

from facelab.experiments import olivetti, replay  # noqa: E402
from facelab.views import explorers  # noqa: E402

SIZES = [1_000, 2_500, 5_000, 10_000, 25_000]

MOVE_GALLERY = """([id, values]) => {
    const api = window.FaceValueExplorers[id], el = document.getElementById(id + '-g');
    api.timings.length = 0;
    for (const x of values) { el.value = x; el.dispatchEvent(new Event('input', {bubbles: true})); }
    return {timings: api.timings.slice(), n: values.length};
}"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=200)
    ap.add_argument("--rerun", type=int, default=0, help="gallery size of Amazon's reply (0: skip)")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    emb = replay.train_embedding(seed=0)
    print(f"train_embedding: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    result = replay.aclu_replay(emb)
    print(f"aclu_replay (535 x 25,000): {time.perf_counter() - t:.1f} s; "
          f"false matches at 80/95/99: {[result.false_matches(x) for x in (80, 95, 99)]}")
    if args.rerun:
        t = time.perf_counter()
        rerun = replay.amazon_reply(emb, gallery_size=args.rerun, probes=result.probes,
                                    progress=replay.print_progress(f"  {args.rerun:,}"))
        print(f"amazon_reply ({args.rerun:,}): {time.perf_counter() - t:.1f} s; "
              f"false matches at 99: {rerun.false_matches(99)}")

    genuine, impostor = olivetti.olivetti_scores("fisher")
    t = time.perf_counter()
    ex = explorers.threshold_explorer(genuine, impostor, threshold=80, id="ch3-threshold")
    t1 = time.perf_counter()
    wx = explorers.watchlist_explorer(result.nested_max(SIZES), SIZES, threshold=98.4,
                                      x_range=(50, 100), impostor=result.scores.ravel(),
                                      fmr_genuine_pairs=result.probes.mated_score,
                                      id="ch3-watchlist")
    t2 = time.perf_counter()
    print(f"threshold_explorer() {1000 * (t1 - t):.0f} ms, {len(ex.html.encode()) / 1024:.0f} KB; "
          f"watchlist_explorer() {1000 * (t2 - t1):.0f} ms, {len(wx.html.encode()) / 1024:.0f} KB")

    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(1)
    values = [f"{x:.2f}" for x in rng.uniform(50, 100, args.moves)]
    g_values = [str(int(x)) for x in rng.integers(0, len(SIZES), args.moves)]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "index.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>'
            '<link rel="icon" href="data:,"></head><body>' + ex.html + wx.html + "</body></html>",
            encoding="utf-8")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(Quiet, directory=tmp))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
                page = browser.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(url, wait_until="load")
                for id, script, vals in (("ch3-threshold", MOVE, values),
                                         ("ch3-watchlist", MOVE, values),
                                         ("ch3-watchlist", MOVE_GALLERY, g_values)):
                    r = page.evaluate(script, [id, vals])
                    tt = np.array(r["timings"])
                    what = "gallery size" if script is MOVE_GALLERY else "threshold"
                    print(f"{id} ({what}), {r['n']} moves: update median {np.median(tt):.3f} ms, "
                          f"p95 {pct(tt, 95):.3f} ms, max {tt.max():.3f} ms")
                print("page errors:", errors or "none")
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
