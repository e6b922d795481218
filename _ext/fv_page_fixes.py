"""Small fixes to every page of the site (issue 18's console, request and markup findings).

1. sphinx-thebe's inline configuration script is registered twice (by Jupyter Book and by
   sphinx-book-theme), so every page logged ``SyntaxError: Identifier 'THEBE_JS_URL' has
   already been declared``: identical inline scripts are kept once (the two copies
   differ in their empty filename, ``None`` or ``""``).
2. pydata-sphinx-theme's ``default_mode`` came out empty, and the theme logged
   ``Got invalid theme mode``: it is set to ``auto`` (follow the reader's system setting)
   when no mode is configured. (The theme's ``layout.html`` reads the context variable
   ``default_mode``, not ``theme_default_mode``: both are set.)
3. Every page gets a ``<meta name="description">``: the page's first paragraph (for a
   chapter, the first sentence of its "In this chapter" box), cut at a word under 160
   characters, which search engines and link previews show.
4. The root page (Jupyter Book's redirect to the intro) links the favicon, so browsers do
   not ask for ``/favicon.ico`` (a 404).
5. docutils marks each bibliography entry (sphinxcontrib-bibtex's references, inside a
   ``<div role="list" class="citation-list">``) ``role="doc-biblioentry"``, a role that
   DPUB-ARIA 1.1 deprecates (as it does ``doc-endnote``): axe reports
   ``aria-deprecated-role`` on every entry. They become ``role="listitem"``, the role
   DPUB-ARIA names instead, so the list has items.
6. Every page carries ``<meta name="fv-figure-min-scale">``: the smallest scale at which a
   figure's smallest text, drawn in the book's matplotlib style (``facelab.views.style``:
   ``MIN_FONT_PT``, which every figure is checked against, at its ``figure.dpi``), is still
   ``MIN_FIGURE_TEXT_PX`` CSS
   pixels tall. ``assets/face-value.js`` keeps every figure at least that large and lets
   it scroll sideways on a narrow screen.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

MAX_DESCRIPTION = 160
# Roles that DPUB-ARIA 1.1 deprecates, each with what replaces it (axe-core's
# aria-deprecated-role; its third deprecated role, "directory", is not written here).
DEPRECATED_ROLES = {"doc-biblioentry": "listitem", "doc-endnote": "listitem"}
_DEPRECATED_ROLE = re.compile(r'\brole="(' + "|".join(map(re.escape, DEPRECATED_ROLES)) + ')"')


def replace_deprecated_roles(body: str) -> str:
    """``body`` with every deprecated DPUB-ARIA role replaced (see ``DEPRECATED_ROLES``)."""
    return _DEPRECATED_ROLE.sub(lambda m: f'role="{DEPRECATED_ROLES[m.group(1)]}"', body)


# The smallest figure text, in CSS pixels, that a page may show.
MIN_FIGURE_TEXT_PX = 9


def figure_text_px() -> float:
    """The size of the book's smallest figure text at a figure's natural size, in CSS pixels.

    ``facelab.views.style.MIN_FONT_PT`` (points, 1/72 inch; no figure has smaller text) at
    ``figure.dpi`` (pixels per inch, which the inline backend also saves at) as
    ``facelab.views.style.apply`` sets it; the global matplotlib settings are left as they
    were.
    """
    import matplotlib

    from facelab.views import style

    with matplotlib.rc_context():
        style.apply()
        size = style.MIN_FONT_PT
        dpi = matplotlib.rcParams["figure.dpi"]
    return float(size) * float(dpi) / 72


def figure_min_scale() -> float:
    """Displayed width / natural width below which figure text is under ``MIN_FIGURE_TEXT_PX``.

    Rounded up to three decimals, and at most 1 (a figure never needs to grow).
    """
    return min(1.0, math.ceil(1000 * MIN_FIGURE_TEXT_PX / figure_text_px()) / 1000)


def _description(doctree) -> str | None:
    if doctree is None:
        return None
    for para in doctree.findall(nodes.paragraph):
        text = " ".join(para.astext().split())
        if len(text) >= 40:
            if len(text) > MAX_DESCRIPTION:
                text = text[:MAX_DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            return text
    return None


def page_fixes(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        seen, kept = set(), []
        for js in scripts:
            body = (getattr(js, "attributes", {}) or {}).get("body")
            # Only the body: an inline script's filename is None or "" depending on
            # who added it, and str(js) also names its priority.
            key = body or None
            if key is not None and key in seen:
                continue
            if key is not None:
                seen.add(key)
            kept.append(js)
        scripts[:] = kept
    if not context.get("theme_default_mode"):
        context["theme_default_mode"] = "auto"
    if not context.get("default_mode"):
        context["default_mode"] = context["theme_default_mode"]
    if isinstance(context.get("body"), str):
        context["body"] = replace_deprecated_roles(context["body"])
    text = _description(doctree)
    if text:
        meta = f'<meta name="description" content="{html.escape(text, quote=True)}" />\n'
        context["metatags"] = context.get("metatags", "") + meta
    scale = getattr(app, "fv_figure_min_scale", None)
    if scale is None:
        scale = app.fv_figure_min_scale = figure_min_scale()
    context["metatags"] = (context.get("metatags", "")
                           + f'<meta name="fv-figure-min-scale" content="{scale:.3f}" />\n')


def root_favicon(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.outdir, "index.html")
    if root.is_file():
        text = root.read_text(encoding="utf-8")
        if "rel=\"icon\"" not in text and text.lstrip().startswith("<meta http-equiv=\"Refresh\""):
            root.write_text('<link rel="icon" href="_static/favicon.svg" type="image/svg+xml" />\n'
                            + text, encoding="utf-8")


def setup(app: Sphinx):
    app.connect("html-page-context", page_fixes, priority=950)
    app.connect("build-finished", root_favicon, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
