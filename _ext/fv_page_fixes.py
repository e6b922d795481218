"""Small fixes to every page of the site (issue 18's console, request and markup findings).

1. sphinx-thebe's inline configuration script is registered twice (by Jupyter Book and by
   sphinx-book-theme), so every page logged ``SyntaxError: Identifier 'THEBE_JS_URL' has
   already been declared``: identical inline scripts are kept once.
2. pydata-sphinx-theme's ``default_mode`` came out empty, and the theme logged
   ``Got invalid theme mode``: it is set to ``auto`` (follow the reader's system setting)
   when no mode is configured.
3. Every page gets a ``<meta name="description">``: the page's first paragraph (for a
   chapter, the first sentence of its "In this chapter" box), cut at a word under 160
   characters, which search engines and link previews show.
4. The root page (Jupyter Book's redirect to the intro) links the favicon, so browsers do
   not ask for ``/favicon.ico`` (a 404).
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

MAX_DESCRIPTION = 160


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
            key = (str(js), body) if body else None
            if key is not None and key in seen:
                continue
            if key is not None:
                seen.add(key)
            kept.append(js)
        scripts[:] = kept
    if not context.get("theme_default_mode"):
        context["theme_default_mode"] = "auto"
    text = _description(doctree)
    if text:
        meta = f'<meta name="description" content="{html.escape(text, quote=True)}" />\n'
        context["metatags"] = context.get("metatags", "") + meta


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
