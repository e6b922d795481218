"""Sphinx extension: numbers in alt text come from the code, as in the prose.

A figure's alt text is cell metadata (``mystnb: image: alt:``), written before the cell
runs, so a number in it would be typed by hand, and would silently go stale when the
experiment changes. The prose avoids that with MyST-NB's glue roles; this extension lets
alt text use the same roles::

    alt: >-
      ... group B's rate falls from {glue:text}`ch4_fmr_b_5` to {glue:text}`ch4_fmr_b_90` ...

When each page is written (HTML builds), every ``{glue:text}`key```, ``{glue:md}`key``` or
``{glue}`key``` in an image's ``alt`` is replaced by the value the page's own notebook glued
under that key (``DOCNAME.glue.json`` beside the executed notebook, as ``fv_reading_copies``
reads it), as plain text: a Markdown value loses its escapes (a backslash before ``$``) and
its emphasis marks, since an ``alt`` attribute shows them literally. A key the notebook did
not glue, or a ``{glue:text}`` of a value glued only as Markdown, is a build warning, so an
error with ``-W``. Figure captions are MyST, and MyST-NB resolves glue in them on the page
itself; the figure packs read both from the notebook's metadata, so ``resolve`` serves them
too (their ``figures.csv`` carries alt text and captions). The reading copies keep the roles
in cell metadata, which Jupyter does not show.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROLE = re.compile(r"\{glue(?::(?P<kind>text|md|any))?\}`(?P<key>[^`:]+)(?::(?P<fmt>[^`]*))?`")


def glue_file(app: Sphinx, docname: str) -> Path:
    """Where MyST-NB wrote the glue data of one executed page (beside its notebook)."""
    from fv_reading_copies import _executed

    return _executed(app, docname).with_suffix(".glue.json")


def _load(app: Sphinx, docname: str) -> dict:
    cache = app.env.__dict__.setdefault("_fv_glue_cache", {})
    if docname not in cache:
        path = glue_file(app, docname)
        cache[docname] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return cache[docname]


def plain(markdown: str) -> str:
    """Markdown inline text as an attribute shows it: no escapes, no emphasis marks."""
    text = re.sub(r"\\(.)", r"\1", markdown.strip())
    return re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)


def resolve(app: Sphinx, docname: str, text: str, where: str = "alt text") -> str:
    """``text`` with every glue role replaced by its value on ``docname``'s page."""
    if "{glue" not in text:
        return text
    from myst_nb.core.variables import format_plain_text

    glued = _load(app, docname)

    def value(m: re.Match) -> str:
        key = m["key"]
        if key not in glued:
            logger.warning(f"[fv] {docname}: {where} uses {{glue}}`{key}`, which the page's "
                           "notebook does not glue", location=docname)
            return key
        data = glued[key]["data"]
        if m["kind"] == "text" and "text/markdown" in data and "text/plain" in data \
                and data["text/plain"].startswith("<IPython.core.display.Markdown"):
            logger.warning(f"[fv] {docname}: {where} uses {{glue:text}}`{key}`, glued as "
                           "Markdown only: use {glue:md}", location=docname)
        if m["kind"] == "md" or (m["kind"] in (None, "any") and "text/markdown" in data):
            return plain(data["text/markdown"])
        return format_plain_text(data["text/plain"], m["fmt"] or "")

    return ROLE.sub(value, text)


class GlueInAltText(SphinxPostTransform):
    """Resolve glue roles in image alt text (see the module)."""

    default_priority = 700
    formats = ("html",)

    def run(self, **kwargs) -> None:
        docname = self.env.docname
        for image in self.document.findall(nodes.image):
            alt = image.get("alt")
            if alt and "{glue" in alt:
                image["alt"] = resolve(self.app, docname, alt)


def setup(app: Sphinx) -> dict:
    app.add_post_transform(GlueInAltText)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
