"""Sphinx extension for chapter 2's in-browser face matcher (``assets/face-matcher.js``).

1. The page with the matcher, and only that page, loads its script and style.
   A page holds the matcher if its HTML has the root element
   ``<div ... data-fv-face-matcher>`` (written by a raw-HTML block in the
   chapter); ``face-matcher.js`` (an ES module, a few KB) and
   ``face-matcher.css`` are added to that page alone (``add_assets``). The
   model (face-api, TensorFlow.js and three model files, 8 MB, vendored by
   ``scripts/vendor_assets.py``) is fetched by the script only when the reader
   asks for it.

2. The gallery data the page fetches lazily, written at build time into the
   output's ``_static/fv-face-matcher/`` (``write_data``):

   ``gallery.json``
       The 400 Olivetti faces' unit-length descriptors from
       ``facelab.matching.deep.olivetti_descriptors`` (dlib's ResNet, the
       same network face-api runs in the browser), with each face's person.
       Stored compactly: every descriptor as 128 int16 codes with one float32
       scale (``value = code * scale``, the scale being the row's largest
       absolute value / 32767), base64-encoded, and rescaled to length 1 after
       decoding (138 KB of JSON, about 110 KB gzip-compressed). The measured
       error is stored in the file (``quantisation``) and printed at build
       time: on the 79,800 Olivetti pairs it moves no book score by more than
       about 0.0005 (int8 codes would halve the file but move scores by up to
       0.11, visible at the page's one decimal).
       Decoded by ``decodeGallery`` in ``assets/face-matcher-core.js``;
       ``decode_gallery`` below is its numpy twin.
   ``olivetti-faces.jpg``
       A 20 x 20 sprite of the 400 faces as 48 x 48 thumbnails, 8-bit grey
       JPEG (quality 80, about 0.2 MB).
   ``agreement.json`` and ``agreement/chip-NNN.png``
       A fixed set of 20 face chips (2 photos of each of 10 people): exactly
       the 150 x 150 inputs Python gives the network
       (``facelab.matching.deep.olivetti_chip``: aligned by dlib's 5-point
       model), stored losslessly, with Python's descriptors of them (unit
       length and raw). The browser test
       (``tests/test_face_matcher.py``) runs the in-browser network on these
       very pixels and compares. Readers never fetch them.

The data are written only when some page holds the matcher, and rewritten only
when they change (a stamp file keyed by the descriptors' checksum).

Register in ``_config.yml`` under ``sphinx: local_extensions:`` as
``fv_face_matcher: _ext/``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

import numpy as np

ROOT_MARK = "data-fv-face-matcher"
OUT_DIR = "fv-face-matcher"
GALLERY_FORMAT = "fv-face-gallery/1"
AGREEMENT_FORMAT = "fv-face-agreement/1"
SPRITE = {"src": "olivetti-faces.jpg", "tile": 48, "cols": 20, "quality": 80}
#: The agreement test's faces: photos 1 and 2 (indices 0 and 1) of every
#: fourth Olivetti person, 20 chips of 10 people.
AGREEMENT_FACES = tuple(p * 10 + k for p in range(0, 40, 4) for k in (0, 1))


# --------------------------------------------------------------------------
# Encoding (pure functions, tested in tests/test_face_matcher.py)
# --------------------------------------------------------------------------

CODES = {"int8": ("<i1", 127), "int16": ("<i2", 32767)}


def encode_descriptors(descriptors, codes: str = "int16") -> dict:
    """Integer codes with one float32 scale per row, both base64 (little-endian).

    ``value = code * scale`` with ``scale = peak / 127`` (int8) or
    ``peak / 32767`` (int16), ``peak`` the row's largest absolute value.
    """
    dtype, top = CODES[codes]
    d = np.asarray(descriptors, dtype=np.float64)
    if d.ndim != 2 or not np.all(np.isfinite(d)):
        raise ValueError("descriptors: expected a finite 2-D array (n, dim)")
    peak = np.abs(d).max(axis=1)
    if np.any(peak == 0):
        raise ValueError("descriptors: a row of zeros has no direction")
    scale = (peak / top).astype("<f4")
    q = np.clip(np.rint(d / scale.astype(np.float64)[:, None]), -top, top).astype(dtype)
    return {
        "n": int(d.shape[0]),
        "dim": int(d.shape[1]),
        "codes": codes,
        "q": base64.b64encode(q.tobytes()).decode("ascii"),
        "scale": base64.b64encode(scale.tobytes()).decode("ascii"),
    }


def decode_gallery(data: dict) -> np.ndarray:
    """The unit-length descriptors of a gallery file (float32, as the page decodes them)."""
    n, dim = data["n"], data["dim"]
    codes = np.frombuffer(base64.b64decode(data["q"]), dtype=CODES[data["codes"]][0]).reshape(
        n, dim
    )
    scale = np.frombuffer(base64.b64decode(data["scale"]), dtype="<f4")
    v = (codes.astype(np.float32) * scale[:, None]).astype(np.float32)
    return (v / np.sqrt((v.astype(np.float64) ** 2).sum(axis=1, keepdims=True))).astype(np.float32)


def quantisation_error(exact, decoded) -> dict:
    """How far the decoded gallery is from the exact one: per value and over all pairs."""
    exact = np.asarray(exact, dtype=np.float64)
    exact = exact / np.linalg.norm(exact, axis=1, keepdims=True)
    decoded = np.asarray(decoded, dtype=np.float64)
    iu = np.triu_indices(len(exact), 1)
    cos_e, cos_d = (exact @ exact.T)[iu], (decoded @ decoded.T)[iu]
    dist = lambda c: np.sqrt(np.maximum(0, 2 - 2 * c))  # noqa: E731
    return {
        "method": "integer codes, one float32 scale per descriptor, rescaled to length 1",
        "max_abs_value_error": float(np.abs(exact - decoded).max()),
        "min_self_cosine": float((exact * decoded).sum(axis=1).min()),
        "max_pair_score_error": float(np.abs(50 * (cos_e - cos_d)).max()),
        "max_pair_distance_error": float(np.abs(dist(cos_e) - dist(cos_d)).max()),
        "pairs": int(len(cos_e)),
    }


def sprite_jpeg(
    images, tile: int = SPRITE["tile"], cols: int = SPRITE["cols"], quality: int = SPRITE["quality"]
) -> bytes:
    """All faces as one grey JPEG, `cols` per row, each resized to tile x tile."""
    from PIL import Image

    images = np.asarray(images)
    rows = -(-len(images) // cols)
    sheet = Image.new("L", (cols * tile, rows * tile), 0)
    for i, im in enumerate(images):
        face = Image.fromarray(np.clip(np.rint(im * 255), 0, 255).astype(np.uint8), "L")
        if face.size != (tile, tile):
            face = face.resize((tile, tile), Image.LANCZOS)
        sheet.paste(face, ((i % cols) * tile, (i // cols) * tile))
    buffer = io.BytesIO()
    sheet.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def chip_png(chip) -> bytes:
    """A 150 x 150 RGB uint8 chip as a lossless PNG (grey when its channels agree)."""
    from PIL import Image

    chip = np.asarray(chip)
    if chip.dtype != np.uint8 or chip.ndim != 3 or chip.shape[2] != 3:
        raise ValueError(f"chip: expected an (h, w, 3) uint8 array, got {chip.dtype} {chip.shape}")
    if (chip[..., 0] == chip[..., 1]).all() and (chip[..., 1] == chip[..., 2]).all():
        image = Image.fromarray(np.ascontiguousarray(chip[..., 0]), "L")
    else:
        image = Image.fromarray(chip, "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------
# What the build writes
# --------------------------------------------------------------------------


def _olivetti():
    try:
        from facelab.faces.datasets import load_olivetti
    except ImportError:  # before the package restructuring
        from facelab.datasets import load_olivetti
    return load_olivetti(download_if_missing=False)


def threshold() -> dict:
    """dlib's documented decision rule, as a raw distance and as the book score closest to it.

    The score is measured, not converted: dlib's 0.6 is a distance between
    *raw* descriptors, so the book score that agrees best with it on the 79,800
    Olivetti pairs comes from
    :func:`facelab.experiments.olivetti.dlib_rule_in_book_scores` (the number
    chapter 2 prints).
    """
    from facelab.experiments import olivetti
    from facelab.matching import deep

    rule = olivetti.dlib_rule_in_book_scores()
    return {
        "distance": float(deep.DLIB_THRESHOLD),
        "score": rule.threshold,
        "source": (
            "facelab.experiments.olivetti.dlib_rule_in_book_scores: the book score whose "
            "rule score >= t agrees best with dlib's raw distance < 0.6 on the Olivetti pairs"
        ),
    }


def gallery_data(descriptors, person) -> dict:
    data = {
        "format": GALLERY_FORMAT,
        "about": (
            "Descriptors of the 400 Olivetti faces (AT&T Laboratories Cambridge) by dlib's ResNet "
            "(facelab.matching.deep.olivetti_descriptors), written by _ext/fv_face_matcher.py."
        ),
        **encode_descriptors(descriptors),
        "person": [int(p) for p in person],
        "face": list(range(len(person))),
        "sprite": {k: SPRITE[k] for k in ("src", "tile", "cols")},
        "threshold": threshold(),
    }
    data["quantisation"] = quantisation_error(descriptors, decode_gallery(data))
    return data


def agreement_data(faces, person, chips, descriptors, raw) -> tuple[dict, dict[str, bytes]]:
    files = {
        f"agreement/chip-{face:03d}.png": chip_png(chip)
        for face, chip in zip(faces, chips, strict=True)
    }
    data = {
        "format": AGREEMENT_FORMAT,
        "about": (
            "Face chips exactly as Python gives them to dlib's network "
            "(facelab.matching.deep.olivetti_chip), with Python's unit-length descriptors "
            "(facelab.matching.deep.olivetti_descriptors); for tests/test_face_matcher.py."
        ),
        "faces": [int(f) for f in faces],
        "person": [int(p) for p in person],
        "chips": list(files),
        "descriptors": np.asarray(descriptors, dtype=np.float64).tolist(),
        "raw": np.asarray(raw, dtype=np.float64).tolist(),
        "threshold": threshold(),
    }
    return data, files


def write_data(outdir) -> Path:
    """Write the gallery, sprite and agreement set into ``outdir/_static/fv-face-matcher``."""
    from facelab.matching import deep

    out = Path(outdir, "_static", OUT_DIR)
    faces = _olivetti()
    # Unit-length and raw descriptors of all 400 faces (one cache file, computed once).
    descriptors = np.asarray(
        deep.olivetti_descriptors(faces.images, progress=None), dtype=np.float64
    )
    raw = np.asarray(
        deep.olivetti_descriptors(faces.images, raw=True, progress=None), dtype=np.float64
    )
    stamp = hashlib.sha256(
        descriptors.tobytes()
        + json.dumps([SPRITE, AGREEMENT_FACES, GALLERY_FORMAT, threshold()]).encode()
        + Path(__file__).read_bytes()
    ).hexdigest()
    if (out / "stamp.txt").is_file() and (out / "stamp.txt").read_text().strip() == stamp:
        return out
    out.mkdir(parents=True, exist_ok=True)
    gallery = gallery_data(descriptors, faces.target)
    (out / "gallery.json").write_text(json.dumps(gallery, separators=(",", ":")), encoding="utf-8")
    (out / SPRITE["src"]).write_bytes(sprite_jpeg(faces.images))
    idx = list(AGREEMENT_FACES)
    chips = deep.olivetti_chip(faces.images[idx])
    agreement, files = agreement_data(idx, faces.target[idx], chips, descriptors[idx], raw[idx])
    (out / "agreement").mkdir(exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / "agreement.json").write_text(json.dumps(agreement), encoding="utf-8")
    (out / "stamp.txt").write_text(stamp + "\n")
    q = gallery["quantisation"]
    from sphinx.util import logging

    logging.getLogger(__name__).info(
        f"fv_face_matcher: wrote {out} (int16 gallery: "
        f"max score error {q['max_pair_score_error']:.4f}, "
        f"max distance error {q['max_pair_distance_error']:.5f} over {q['pairs']} pairs)"
    )
    return out


# --------------------------------------------------------------------------
# Sphinx events
# --------------------------------------------------------------------------


def note_pages(app, docname, source):
    """Remember which documents hold the matcher (their source has the root element)."""
    if any(ROOT_MARK in part for part in source):
        app.env.fv_face_matcher_docs = getattr(app.env, "fv_face_matcher_docs", set()) | {docname}


def purge_doc(app, env, docname):
    getattr(env, "fv_face_matcher_docs", set()).discard(docname)


def merge_info(app, env, docnames, other):
    env.fv_face_matcher_docs = getattr(env, "fv_face_matcher_docs", set()) | (
        getattr(other, "fv_face_matcher_docs", set()) & set(docnames)
    )


def add_assets(app, pagename, templatename, context, doctree):
    """Add the matcher's module and style to the page that has its root element, only there."""
    if ROOT_MARK not in context.get("body", ""):
        return
    app.add_css_file("face-matcher.css")
    app.add_js_file("face-matcher.js", type="module")


def write_on_finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    if getattr(app.env, "fv_face_matcher_docs", None):
        write_data(app.outdir)


def setup(app):
    app.connect("source-read", note_pages)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("html-page-context", add_assets)
    app.connect("build-finished", write_on_finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
