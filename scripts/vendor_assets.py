"""Copy the front-end files the built book serves itself into ``_vendor/``.

By default a Jupyter Book page loads MathJax, require.js and the ipywidgets
HTML manager from public CDNs (and chapter 2's in-browser face matcher needs
face-api and its model files). The book serves them from its own site instead,
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
    # The in-browser face matcher of chapter 2 (assets/face-matcher.js), fetched
    # only when the reader asks for it: @vladmandic/face-api, MIT licence, an ES
    # module that bundles TensorFlow.js 4.22 (Apache-2.0), and three of its
    # pretrained models (manifest + weights each). Provenance of the weights:
    # - face_recognition_model (6.4 MB): a TensorFlow.js port of dlib's
    #   dlib_face_recognition_resnet_model_v1, trained by Davis King on about
    #   3 million photos of 7,485 people (FaceScrub, VGG Face and images he
    #   collected from the web, none asked for consent), released by him into the
    #   public domain (dlib-models README); the same network the book runs in
    #   Python (facelab.matching.deep, face-recognition-models, CC0).
    # - tiny_face_detector_model (0.19 MB): trained by face-api.js's author
    #   (Vincent Mühler) on "a custom dataset of ~14K images labeled with bounding
    #   boxes" (face-api.js README); the images' sources and licences are not
    #   documented. MIT licence, as the package.
    # - face_landmark_68_tiny_model (0.08 MB, the smallest landmark model the
    #   package ships): trained by the same author on "~35k face images labeled
    #   with 68 face landmark points" (face-api.js README); sources undocumented
    #   (the 68-point scheme is that of iBUG 300-W, whose terms exclude commercial
    #   use, so its data may derive from it). MIT licence, as the package. Used
    #   only to find the eyes and nose of the reader's own photos, for alignment.
    ("@vladmandic/face-api/dist/face-api.esm.js", "face-api/face-api.esm.js"),
    ("@vladmandic/face-api/LICENSE", "face-api/LICENSE"),
]
# face-api model files (in node_modules/@vladmandic/face-api/model/): each model
# is a weights manifest and one .bin file.
FACE_API_MODELS = ["face_recognition_model", "tiny_face_detector_model",
                   "face_landmark_68_tiny_model"]
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
    models = NODE / "@vladmandic/face-api/model"
    for model in FACE_API_MODELS:
        for suffix in ("-weights_manifest.json", ".bin"):
            target = OUT / "face-api" / "model" / (model + suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(models / (model + suffix), target)
    (OUT / "widgets-config.js").write_text(WIDGETS_CONFIG, encoding="utf-8")
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"vendored front-end files: {size / 1e6:.1f} MB in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
