"""Copy the front-end files the built book serves itself into ``_vendor/``.

By default a Jupyter Book page loads MathJax, require.js and the ipywidgets
HTML manager from public CDNs. The book serves them from its own site instead,
so that no reader's browser contacts a third party. The files come from the
npm registry (pinned in package.json / package-lock.json) and are copied here,
keeping only what a page needs. ``_vendor/`` is listed in Sphinx's
``html_static_path`` and ignored by git.

Run by ``make``; takes no arguments.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "_vendor" / "fv-vendor"

# (source relative to node_modules, destination relative to OUT)
COPIES = [
    # MathJax 3: the combined TeX+MathML -> CommonHTML component, its web
    # fonts, and the TeX extensions it may load on demand. (Full es5 is 24 MB.)
    ("mathjax/es5/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
    # require.js, which the widget manager needs.
    ("requirejs/require.js", "requirejs/require.js"),
    # The ipywidgets HTML manager and the font files it refers to.
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "html-manager/embed-amd.js"),
]
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}

# Tells require.js where the widget manager's own files (its fonts) are:
# without it the manager looks for them relative to the page, which differs
# from page to page of the book.
WIDGETS_CONFIG = """\
// Written by scripts/vendor_assets.py. Points require.js at the widget
// manager's files served by this site (never a CDN).
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({
    paths: {"@jupyter-widgets/html-manager/dist": here + "html-manager"}
  });
})();
"""


def main() -> int:
    if not NODE.is_dir():
        print("node_modules/ is missing: run `npm ci` first (make does).", file=sys.stderr)
        return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    for src, dst in COPIES:
        source, target = NODE / src, OUT / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    dist = NODE / "@jupyter-widgets/html-manager/dist"
    for font in dist.iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copy2(font, OUT / "html-manager" / font.name)
    (OUT / "widgets-config.js").write_text(WIDGETS_CONFIG, encoding="utf-8")
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"vendored front-end files: {size / 1e6:.1f} MB in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
