"""Sphinx extension for the book's editions and pages.

1. The student edition carries no solution text at all.

sphinx-exercise 1.2.1's own ``hide_solutions`` drops single ``{solution}``
directives but not gated ones (``{solution-start}`` ... ``{solution-end}``):
their content stays on the page and the build fails on an orphaned end node.
This extension implements the book's rule instead: with
``fv_hide_solutions = True`` every solution, gated or not, is removed from the
document tree after sphinx-exercise has merged the gated ones, so it reaches
neither the HTML nor the search index. The instructor edition sets it to False.

   The sources offered by each page's download button are copied with their
   solutions cut out (``student_sources``).

2. No page loads the widget manager for nothing.
Executing a notebook that displays ipywidgets stores their state, and MyST-NB
then adds require.js and the 3.6 MB widget manager to the page, even where
the book shows a static rendering instead of a kernel-only control (see
``facelab.views.widgets``). Those scripts are dropped from pages that render no
widget view; pages that do render one keep them, served from this site.

3. No page loads Font Awesome twice.
pydata-sphinx-theme puts ``scripts/fontawesome.js`` (1.5 MB, 0.54 MB
gzip-compressed) on every page, only so that sites can register custom SVG
icons; its own CSS already draws every Font Awesome icon from the webfonts.
The book has no custom icons, so the script is replaced by a stub
(``stub_fontawesome``), which takes a third off the weight of most pages.

4. Figures are stored losslessly in the smallest PNG mode that holds them.
Matplotlib writes every figure as an RGBA PNG. A grid of grey faces has no
colour and no transparency, and as an 8-bit grey PNG it is 40 to 45% smaller
with every pixel unchanged (``compact_images``).
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    """Remove every solution node (runs after sphinx-exercise's merge, priority 10)."""

    default_priority = 11

    def apply(self):
        if not self.config.fv_hide_solutions:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for label in [
            k
            for k, v in registry.items()
            if v.get("type") == "solution" and v.get("docname") == self.env.docname
        ]:
            del registry[label]


_SOLUTION_BLOCK = None


def strip_solutions(text: str) -> str:
    """Remove every solution (gated or single) from a MyST source."""
    import re

    global _SOLUTION_BLOCK
    if _SOLUTION_BLOCK is None:
        _SOLUTION_BLOCK = re.compile(
            r"^```\{solution-start\}.*?^```\{solution-end\}\s*\n```\s*\n"  # gated
            r"|^(`{3,}|:{3,})\{solution\}.*?^\1\s*$\n?",  # single
            re.S | re.M,
        )
    return _SOLUTION_BLOCK.sub("", text)


def student_sources(app, exception):
    """Publish the student edition's downloadable sources without solutions.

    Sphinx copies each page's source into ``_sources/`` for the theme's
    download button; in the student edition every solution is cut out of
    those copies, so what a student downloads matches what the page shows.
    """
    if exception is not None or not app.config.fv_hide_solutions:
        return
    from pathlib import Path

    for path in Path(app.outdir, "_sources").rglob("*"):
        if path.is_file() and path.suffix in (".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            stripped = strip_solutions(text)
            if stripped != text:
                path.write_text(stripped, encoding="utf-8")


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_unused_widget_scripts(app, pagename, templatename, context, doctree):
    """Remove widget-manager scripts from a page that renders no widget view."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list) or WIDGET_VIEW in context.get("body", ""):
        return

    def is_widget_script(js) -> bool:
        name = getattr(js, "filename", "") or ""
        attrs = getattr(js, "attributes", {}) or {}
        widget_files = (
            "fv-vendor/requirejs/",
            "fv-vendor/widgets-config",
            "fv-vendor/html-manager/",
        )
        return any(f in name for f in widget_files) or attrs.get("type") == WIDGET_STATE

    scripts[:] = [js for js in scripts if not is_widget_script(js)]


FONTAWESOME_STUB = (
    "/* Face Value: pydata-sphinx-theme's fontawesome.js is not needed (no custom icons;\n"
    "   the theme's CSS draws its icons from the Font Awesome webfonts).\n"
    "   See _ext/fv_editions.py. */\n"
)


def stub_fontawesome(app, exception):
    """Replace the theme's 1.5 MB Font Awesome script with a one-line stub."""
    if exception is not None or app.builder.format != "html":
        return
    from pathlib import Path

    script = Path(app.outdir, "_static", "scripts", "fontawesome.js")
    if script.is_file():
        script.write_text(FONTAWESOME_STUB, encoding="utf-8")
    for extra in ("fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        Path(script.parent, extra).unlink(missing_ok=True)


def compact_png(path) -> bool:
    """Rewrite an RGBA PNG as grey (L) or RGB when that loses nothing; True if rewritten.

    Only exact conversions: alpha must be fully opaque, and for grey the three
    colour channels must be equal at every pixel. The file is replaced only
    if the result is smaller.
    """
    import io

    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        if im.mode != "RGBA":
            return False
        pixels = np.asarray(im)
    if not (pixels[..., 3] == 255).all():
        return False
    rgb = pixels[..., :3]
    if (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all():
        out = Image.fromarray(np.ascontiguousarray(rgb[..., 0]), "L")
    else:
        out = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
    buffer = io.BytesIO()
    out.save(buffer, "PNG")  # optimize=True: 4% smaller, 3x slower
    if buffer.tell() >= path.stat().st_size:
        return False
    path.write_bytes(buffer.getvalue())
    return True


def compact_images(app, exception):
    """Store each figure of the built site in the smallest lossless PNG mode."""
    if exception is not None or app.builder.format != "html":
        return
    from pathlib import Path

    for path in Path(app.outdir, "_images").glob("*.png"):
        compact_png(path)


def setup(app: Sphinx):
    app.add_config_value("fv_hide_solutions", False, "env")
    app.add_transform(RemoveSolutions)
    app.connect("html-page-context", drop_unused_widget_scripts, priority=900)
    app.connect("build-finished", student_sources)
    app.connect("build-finished", stub_fontawesome)
    app.connect("build-finished", compact_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
