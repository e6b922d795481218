"""Benchmark (not a test; prints, never asserts): chapter 2's face matcher in headless Chromium.

Usage:
    python scripts/bench_face_matcher.py [HTML_ROOT] [--cpu | --webgl]

Serves a built book (default ``_build/html``) on localhost, opens the page that
holds the matcher in a cold browser context and reports:

* the page's weight before the reader does anything, and after the model has
  loaded (bytes transferred, raw and gzip-compressed as a static host sends text
  files; PNG, JPEG, woff and the model's .bin files counted as they are);
* time from the reader's click to the first result: an Olivetti-probe gallery
  search (no model needed), the first photo (model fetched, face found, aligned
  and described), the second photo (comparison shown, model already loaded);
* the network's time per face on the 20 agreement chips (median and range,
  after one warm-up face), with the backend the page chooses (``webgl`` on a
  graphics chip; ``cpu`` here, where headless Chromium with ``--disable-gpu``
  draws WebGL in software), with ``--webgl`` forced to WebGL anyway, or with
  ``--cpu`` with WebGL hidden from the page.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.site import pages, serve  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]
ID = "fv-face-matcher"
NO_WEBGL = """for (const C of [window.HTMLCanvasElement, window.OffscreenCanvas]) {
  if (!C) continue;
  const g = C.prototype.getContext; C.prototype.getContext = function (k, ...r) {
  return /webgl/i.test(String(k)) ? null : g.call(this, k, ...r); }; }"""


def _packed(url: str) -> bool:
    return url.split("?")[0].endswith((".png", ".jpg", ".woff2", ".woff", ".bin"))


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright
    from skimage import data

    cpu, webgl = "--cpu" in argv, "--webgl" in argv
    args = [a for a in argv if a not in ("--cpu", "--webgl")]
    html = Path(args[0]) if args else ROOT / "_build" / "html"
    target = next((p.as_posix() for p in pages(html)
                   if "data-fv-face-matcher" in (html / p).read_text(encoding="utf-8")), None)
    if target is None:
        print(f"no page in {html} holds the face matcher")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="fv-bench-fm-"))
    from PIL import Image

    face = Image.fromarray(data.astronaut())
    face.save(tmp / "a.png")
    b = face.crop((60, 0, 400, 340)).transpose(Image.FLIP_LEFT_RIGHT).resize((300, 300))
    b.save(tmp / "b.jpg")
    agreement = json.loads((html / "_static" / "fv-face-matcher" / "agreement.json").read_text())

    with serve(html) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        context = browser.new_context()
        if cpu:
            context.add_init_script(NO_WEBGL)
        page = context.new_page()
        sizes = []

        def done(request):
            try:
                body = request.response().body()
            except Exception:
                return
            packed = len(body) if _packed(request.url) else len(gzip.compress(body, 6))
            sizes.append((request.url, len(body), packed))

        page.on("requestfinished", done)
        page.goto(f"{url}/{target}", wait_until="networkidle")
        page.wait_for_selector(f"#{ID}[data-fv-ready]")
        if webgl:
            page.evaluate(f"() => {{ window.FaceValueMatcher['{ID}'].backendChoice = 'webgl'; }}")
        before = list(sizes)
        own = [s for s in before if "face-matcher" in s[0]]
        mode = ("WebGL hidden" if cpu else "WebGL forced (software WebGL here)" if webgl
                else "backend chosen by the page")
        print(f"page: {target} ({mode})")
        print(f"initial weight: {sum(s[1] for s in before) / 1e6:.2f} MB raw, "
              f"{sum(s[2] for s in before) / 1e6:.3f} MB gzip; the matcher's own script and style "
              f"{sum(s[2] for s in own) / 1e3:.1f} KB gzip ({len(own)} files)")

        def timed(action, condition):
            t0 = time.perf_counter()
            action()
            page.wait_for_function(condition, timeout=180000)
            return time.perf_counter() - t0

        msg = f"document.getElementById('{ID}-msg-%s').textContent"
        t_search = timed(lambda: page.click(f"#{ID} button:has-text('Search the gallery')"),
                         f"() => document.querySelectorAll('#{ID} .fv-fm-candidates li').length "
                         "=== 5")
        t_a = timed(lambda: page.set_input_files(f"#{ID}-file-A", str(tmp / "a.png")),
                    f"() => /aligned and described|No face/.test({msg % 'A'})")
        t_b = timed(lambda: page.set_input_files(f"#{ID}-file-B", str(tmp / "b.jpg")),
                    f"() => /Distance/.test(document.querySelector('#{ID} "
                    ".fv-fm-result').textContent)")
        print(f"click to first result: Olivetti gallery search {t_search * 1000:.0f} ms (fetches "
              f"the gallery, no model); first photo {t_a:.1f} s (model fetched, face found, "
              f"aligned, described); second photo to the comparison {t_b:.1f} s")
        tm = page.evaluate(f"() => window.FaceValueMatcher['{ID}'].timings")
        print(f"  of which: model load (fetch, decode, backend start) {tm['modelLoad'] / 1000:.1f} "
              f"s; face detection + landmarks, first photo {tm['detection'][0] / 1000:.1f} s (a "
              f"first run compiles any WebGL programs), second {tm['detection'][1] / 1000:.1f} s; "
              f"descriptor, first photo {tm['descriptor'][0] / 1000:.1f} s, second "
              f"{tm['descriptor'][1] / 1000:.1f} s")
        base = page.evaluate("() => new URL('fv-face-matcher/', document.querySelector("
                             "'script[src*=\"face-matcher.js\"]').src).href")
        times = page.evaluate("""async (urls) => {
            const m = window.FaceValueMatcher['fv-face-matcher'];
            await m.describeChipURL(urls[0]);                  // warm-up
            const t = [];
            for (const u of urls) {
                const t0 = performance.now();
                await m.describeChipURL(u);
                t.push(performance.now() - t0);
            }
            return [t, m.backend];
        }""", [base + c for c in agreement["chips"]])
        t, backend = times
        print(f"descriptor per face ({backend}, {len(t)} chips after a warm-up): median "
              f"{statistics.median(t):.0f} ms, range {min(t):.0f}-{max(t):.0f} ms")
        after = list(sizes)
        lazy = [s for s in after if s not in before]
        print(f"weight after the model loaded: {sum(s[1] for s in after) / 1e6:.2f} MB raw, "
              f"{sum(s[2] for s in after) / 1e6:.2f} MB gzip "
              f"(+{sum(s[2] for s in lazy) / 1e6:.2f} MB gzip in {len(lazy)} requests fetched on "
              "demand, the 20 benchmark chips included)")
        for u, raw, gz in sorted(lazy, key=lambda s: -s[1])[:8]:
            print(f"  {u.split('/_static/')[-1]:60s} {raw / 1e3:8.0f} KB raw {gz / 1e3:8.0f} KB "
                  "gzip")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
