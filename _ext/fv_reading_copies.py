"""Sphinx extension: a reading copy of every chapter, as a notebook, on the site.

A chapter's source (``chapters/NN-*.md``, a MyST Markdown notebook) opened in
JupyterLab shows the book's markup, not the book: glued numbers as
``{glue:md}`key```, citations as ``{cite:p}`key```, cross-references as labels,
the "In this chapter" admonition as a fenced directive, and every solution.

At the end of the HTML build this extension writes one *reading copy* per
notebook page, ``_notebooks/NAME.ipynb`` in the built site, made from the
notebook MyST-NB executed for that page (``jupyter_execute/DOCNAME.ipynb``,
with its glue data beside it in ``DOCNAME.glue.json``):

- in Markdown (cells, and Markdown printed by a cell) every ``{glue...}`` role
  becomes its value, and every other role (``{cite:p}``, ``{ref}``,
  ``{numref}``, ``{eq}``, ``{term}``, ``{download}``) becomes the text the page
  shows, resolved by the same Sphinx domain that rendered the page, so
  ``{cite:p}`snow2018aclu``` reads "(Snow, 2018)" and ``{numref}`fig-hist```
  reads "Fig. 2.3";
- directives (admonitions, exercises) become block quotes with a bold title,
  labels ``(name)=`` are dropped, and a labelled equation gets its number;
- with ``fv_hide_solutions`` (the student edition) every solution is left out:
  the text and the code cells between ``{solution-start}`` and
  ``{solution-end}``, single ``{solution}`` directives, and code cells tagged
  ``solution``;
- code cells keep their code and outputs, so the figures and numbers show
  without running anything; cells the page hides stay in the notebook,
  collapsed, because later cells may need them; a kernel-only control keeps
  its static rendering only, as on the page.

The page's download button (sphinx-book-theme's dropdown) offers the reading
copy as ".ipynb" above the ".md" source.

Links are left out (the text stays) unless ``html_baseurl`` is set: a
relative link breaks as soon as a reader saves the notebook elsewhere.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.nodes import split_explicit_title

logger = logging.getLogger(__name__)

FOLDER = "_notebooks"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

ROLE = re.compile(r"\{(?P<name>[a-zA-Z][\w:-]*)\}`(?P<text>[^`]+)`")
FENCE_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$"
)
LABEL_LINE = re.compile(r"^\(([^()\s]+)\)=[ \t]*$")
COMMENT_LINE = re.compile(r"^%")
EQ_LABEL = re.compile(r"\$\$[ \t]*\((?P<label>[^()\s]+)\)[ \t]*$", re.M)
# Directive titles when the directive has no argument.
TITLES = {
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "warning": "Warning",
    "exercise": "Exercise",
    "solution": "Solution",
    "solution-start": "Solution",
}


# ---------------------------------------------------------------- solutions


def _fence_block(lines: list[str], start: int) -> int:
    """Index of the line closing the fenced directive opened at ``start``."""
    match = FENCE_OPEN.match(lines[start])
    fence = match["fence"]
    close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    for i in range(start + 1, len(lines)):
        if close.match(lines[i]):
            return i
    return len(lines) - 1


def drop_solutions(cells: list[dict]) -> list[dict]:
    """The cells without solutions: gated blocks (across cells), single ones, tagged cells."""
    from fv_editions import strip_solutions

    kept, inside = [], False
    for cell in cells:
        if cell["cell_type"] != "markdown":
            tags = cell.get("metadata", {}).get("tags", [])
            if not inside and "solution" not in tags:
                kept.append(cell)
            continue
        lines, out, i = _source(cell).split("\n"), [], 0
        while i < len(lines):
            match = FENCE_OPEN.match(lines[i])
            if match and match["name"] in ("solution-start", "solution-end"):
                inside = match["name"] == "solution-start"
                i = _fence_block(lines, i) + 1
                continue
            if not inside:
                out.append(lines[i])
            i += 1
        text = strip_solutions("\n".join(out) + "\n").rstrip("\n")
        if text.strip():
            kept.append({**cell, "source": text})
    return kept


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


# ---------------------------------------------------------------- roles


class Resolver:
    """Turn one MyST role into the text the page shows for it."""

    def __init__(self, app: Sphinx, docname: str, glue: dict):
        self.app, self.env, self.docname, self.glue = app, app.env, docname, glue
        self.base = app.config.html_baseurl or ""
        self.glue_cache: dict[str, dict] = {}

    def __call__(self, match: re.Match) -> str:
        name, text = match["name"], match["text"]
        try:
            if name == "glue" or name.startswith("glue:"):
                return self.glue_value(name.partition(":")[2] or "any", text)
            domain, _, role = name.rpartition(":") if ":" in name else ("", "", name)
            return self.xref(domain, role, text)
        except Exception as exc:  # never fail the build over a reading copy
            logger.info(
                f"[fv] reading copy of {self.docname}: {name} {text!r} kept as text ({exc})"
            )
            return split_explicit_title(text)[1]

    # glue: the value MyST-NB pasted into the page
    def glue_data(self, key: str) -> dict:
        if "::" in key:
            path, key = key.split("::", 1)
            doc = str(Path(self.docname).parent / path).removesuffix(".md").removesuffix(".ipynb")
            if doc not in self.glue_cache:
                file = _executed(self.app, doc).with_suffix(".glue.json")
                self.glue_cache[doc] = json.loads(file.read_text(encoding="utf-8"))
            return self.glue_cache[doc][key]["data"]
        return self.glue[key]["data"]

    def glue_value(self, kind: str, text: str) -> str:
        from myst_nb.core.variables import format_plain_text

        doc, _, rest = text.rpartition("::")
        key, _, fmt = rest.partition(":")
        data = self.glue_data(f"{doc}::{key}" if doc else key)
        if kind == "md" or (kind == "any" and "text/markdown" in data):
            return data["text/markdown"].strip()
        return format_plain_text(data["text/plain"], fmt or "")

    # cross-references and citations: ask the domain that rendered the page
    def xref(self, domain: str, role: str, text: str) -> str:
        if domain == "cite":
            target, explicit, title = text, False, text
        else:
            explicit, title, target = split_explicit_title(text)
        if not domain:
            domain = "math" if role == "eq" else "std"
        if role == "download":
            return title if explicit else Path(target).name
        if role == "doc" and not explicit:
            doc = (
                str(Path(self.docname).parent / target)
                if not target.startswith("/")
                else target[1:]
            )
            title = self.env.titles[doc].astext() if doc in self.env.titles else target
            return title
        if role in ("ref", "numref"):
            target = target.lower()  # as Sphinx's own roles do
        node = addnodes.pending_xref(
            text,
            refdomain=domain,
            reftype=role,
            reftarget=target,
            refexplicit=explicit,
            refwarn=False,
            refdoc=self.docname,
        )
        contnode = nodes.inline(title, title)
        fromdoc = f"{FOLDER}/{Path(self.docname).name}"
        with logging.suppress_logging():
            resolved = self.env.get_domain(domain).resolve_xref(
                self.env, fromdoc, self.app.builder, role, target, node, contnode
            )
        if resolved is None:
            return title
        return self.markdown(resolved)

    def markdown(self, node: nodes.Node) -> str:
        """A resolved reference as Markdown: its text, linked when the site has a base URL."""
        text = node.astext()
        refs = [n for n in node.findall(nodes.reference) if n.get("refuri")]
        if not self.base or not refs:
            return text
        if len(refs) == 1 and refs[0].astext() == text:
            return f"[{text}]({self.url(refs[0]['refuri'])})"
        # a citation "(A, 2018; B, 2019)": link each part
        out = []
        for child in node.children:
            out.append(self.markdown(child) if isinstance(child, nodes.Element) else child.astext())
        return "".join(out)

    def url(self, refuri: str) -> str:
        # refuri is relative to _notebooks/NAME.html; make it absolute on the site
        return urljoin(urljoin(self.base.rstrip("/") + "/", f"{FOLDER}/x.html"), refuri)

    def equation_number(self, label: str) -> str | None:
        text = self.xref("math", "eq", label)
        return text.strip("()") if text and text != label else None


# ---------------------------------------------------------------- directives


def render_markdown(text: str, resolve: Resolver, numbers: dict | None = None) -> str:
    """MyST Markdown as Markdown that JupyterLab renders.

    ``numbers`` maps an exercise's label to its number on the page ("3.1").
    """
    text = EQ_LABEL.sub(lambda m: _tagged(m, resolve), text)
    return ROLE.sub(resolve, _directives(text.split("\n"), numbers or {})).strip("\n")


def _tagged(match: re.Match, resolve: Resolver) -> str:
    number = resolve.equation_number(match["label"])
    return f"\\tag{{{number}}}$$" if number else "$$"


def _directives(lines: list[str], numbers: dict) -> str:
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if LABEL_LINE.match(line) or COMMENT_LINE.match(line):
            i += 1
            continue
        match = FENCE_OPEN.match(line)
        if not match or match["name"] in ("math",):
            out.append(line)
            i += 1
            continue
        end = _fence_block(lines, i)
        body = lines[i + 1 : end]
        options = {}
        while body and (m := re.match(r"^[ \t]*:([\w-]+):[ \t]*(.*)$", body[0])):
            options[m[1]] = m[2]
            body = body[1:]
        i = end + 1
        name, arg = match["name"], match["arg"].strip()
        if name == "solution-end":
            continue
        out.extend(_directive(name, arg, options, body, numbers))
    return "\n".join(out)


def _directive(name: str, arg: str, options: dict, body: list[str], numbers: dict) -> list[str]:
    if name in ("glossary", "bibliography", "tableofcontents", "toctree"):
        return []
    if name == "math":
        return ["$$", *body, "$$"]
    title = TITLES.get(name, name.replace("-", " ").capitalize())
    if name in ("admonition",):
        title = arg or "Note"
    elif name == "exercise":
        number = numbers.get(options.get("label", ""))
        title = " ".join(filter(None, ["Exercise", number, f"({arg})" if arg else ""]))
    elif name in ("solution", "solution-start"):
        title = "Solution"
    elif arg:
        title = f"{title}: {arg}"
    inner = _directives(body, numbers).strip("\n")
    quoted = [f"> {line}".rstrip() for line in inner.split("\n")] if inner else []
    return ["", f"> **{title}**", *([">"] if quoted else []), *quoted, ""]


# ---------------------------------------------------------------- notebook


def _executed(app: Sphinx, docname: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def executed_notebook(app: Sphinx, docname: str) -> dict:
    """The notebook of ``docname`` with the outputs its page shows.

    MyST-NB writes ``jupyter_execute/DOCNAME.ipynb`` for every notebook page,
    but when the outputs come from the execution cache (``execute_notebooks:
    cache`` and an unchanged chapter, the usual case) the file it writes is
    the notebook *before* the cached outputs were merged in: no outputs at
    all (myst-nb 1.4.0). So, as MyST-NB does, merge the cached outputs in.
    """
    import nbformat

    notebook = nbformat.reads(_executed(app, docname).read_text(encoding="utf-8"), as_version=4)
    if app.config.nb_execution_mode != "cache":
        return notebook
    from jupyter_cache import get_cache

    path = Path(app.config.nb_execution_cache_path or ".jupyter_cache")
    path = path if path.is_absolute() else Path(app.srcdir) / path
    try:
        _, merged = get_cache(str(path)).merge_match_into_notebook(notebook)
    except KeyError:  # not executed through the cache (excluded, or failed)
        return notebook
    return merged


def reading_copy(app: Sphinx, docname: str) -> dict:
    """The reading copy of ``docname`` as a notebook dictionary (nbformat 4)."""
    executed = _executed(app, docname)
    notebook = executed_notebook(app, docname)
    glue_file = executed.with_suffix(".glue.json")
    glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.is_file() else {}
    resolve = Resolver(app, docname, glue)
    numbers = {
        label: ".".join(map(str, number))
        for label, number in getattr(app.env, "toc_fignumbers", {})
        .get(docname, {})
        .get("exercise", {})
        .items()
    }

    cells = notebook["cells"]
    if app.config.fv_hide_solutions:
        cells = drop_solutions(cells)
    out = []
    for index, cell in enumerate(cells):
        cell = copy.deepcopy(cell)
        cell.setdefault("id", f"cell-{index}")
        if cell["cell_type"] == "markdown":
            cell["source"] = render_markdown(_source(cell), resolve, numbers)
            if not cell["source"].strip():
                continue
        elif cell["cell_type"] == "code":
            cell["source"] = _source(cell)
            cell["outputs"] = [
                _output(o, resolve)
                for o in cell.get("outputs", [])
                if "scrapbook" not in o.get("metadata", {})
            ]
            _collapse(cell)
        out.append(cell)

    metadata = {
        k: v
        for k, v in notebook["metadata"].items()
        if k not in ("jupytext", "mystnb", "source_map", "kernelspec", "widgets")
    }
    metadata["kernelspec"] = dict(KERNELSPEC)
    if any(WIDGET_VIEW in o.get("data", {}) for c in out for o in c.get("outputs", [])):
        metadata["widgets"] = notebook["metadata"].get("widgets", {})
    return {
        "cells": out,
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": max(5, notebook.get("nbformat_minor", 5)),
    }


def _output(output: dict, resolve: Resolver) -> dict:
    data = output.get("data")
    if not data:
        return output
    data = dict(data)
    if WIDGET_VIEW in data and "text/html" in data:
        # a kernel-only control: the page shows its static rendering, so does the copy
        del data[WIDGET_VIEW]
    if "text/markdown" in data:
        data["text/markdown"] = render_markdown(_source({"source": data["text/markdown"]}), resolve)
    return {**output, "data": data}


# A chapter's first cell checks the kernel (facelab.book.env): the page hides it, but in
# Jupyter the student must see what it says, and not the build machine's own report.
ENV_CHECK_TAG = "environment-check"


def _collapse(cell: dict) -> None:
    """Collapse in JupyterLab what the page hides."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    jupyter = {}
    if tags & {"remove-cell", "remove-input", "hide-input", "hide-cell"}:
        jupyter["source_hidden"] = True
    if ENV_CHECK_TAG in tags:
        cell["outputs"], cell["execution_count"] = [], None
    elif tags & {"remove-cell", "remove-output", "hide-output", "hide-cell"}:
        jupyter["outputs_hidden"] = True
    if jupyter:
        cell["metadata"] = {**cell.get("metadata", {}), "jupyter": jupyter}


def copy_name(docname: str) -> str:
    return f"{FOLDER}/{Path(docname).name}.ipynb"


def notebook_docs(app: Sphinx) -> list[str]:
    """Pages MyST-NB read as notebooks (they have an executed notebook)."""
    return sorted(d for d in app.env.found_docs if _executed(app, d).is_file())


def write_reading_copies(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    folder = Path(app.outdir, FOLDER)
    folder.mkdir(exist_ok=True)
    for docname in notebook_docs(app):
        notebook = nbformat.from_dict(reading_copy(app, docname))
        nbformat.validate(notebook)
        target = Path(app.outdir, copy_name(docname))
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    logger.info(f"[fv] reading copies written to {folder}")


def add_download(app, pagename, templatename, context, doctree) -> None:
    """Offer the reading copy first in the page's download dropdown."""
    if not _executed(app, pagename).is_file():
        return
    for button in context.get("header_buttons", []):
        if button.get("label") != "download-buttons":
            continue
        button["buttons"] = [
            b for b in button["buttons"] if b.get("label") != "download-notebook-button"
        ]
        button["buttons"].insert(
            0,
            {
                "type": "link",
                "url": context["pathto"](copy_name(pagename), 1),
                "text": ".ipynb",
                "icon": "fas fa-code",
                "tooltip": "Download this page as a notebook, numbers and figures filled in",
                "label": "download-notebook-button",
            },
        )


def setup(app: Sphinx):
    app.setup_extension("fv_editions")  # fv_hide_solutions, strip_solutions
    app.connect("html-page-context", add_download, priority=510)  # after the theme's (501)
    app.connect("build-finished", write_reading_copies)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
