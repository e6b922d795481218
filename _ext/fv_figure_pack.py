"""Sphinx extension: a figure pack per chapter, for slides (instructor edition only).

At the end of an instructor-edition HTML build (``fv_hide_solutions`` false)
this extension writes ``_figure-packs/NAME-figures.zip`` for every notebook page
whose executed notebook drew at least one figure. A pack holds

- every figure the page's executed notebook produced, as PNG
  (``NAME/NAME-fig01.png``, ...; stored in the smallest lossless PNG mode, as on
  the site), and as SVG where the notebook itself stored one;
- ``figures.csv``: for each file, the chapter, its title, the figure's number
  and label on the page (if it has one), the cell it came from (its position in
  the notebook and its first line of code), its alt text and its caption;
- ``README.txt``: what the pack is, and the licence: CC BY 4.0 with the book's
  credit line, and the credit for the Olivetti faces (AT&T Laboratories
  Cambridge), which no licence of the book covers.

Figures are taken from the notebook MyST-NB executed for the page (with the
execution cache's outputs merged in, as the reading copies do): a matplotlib
figure is an ``image/png`` output, and a kernel-only control's static rendering
is an ``<img>`` with its alt text inside a ``text/html`` output. Nothing is
re-run. The chapters store PNG only; SVG would need the chapters to emit
``image/svg+xml`` as well, and is not switched on. A trial (December 2026, three
of the book's kinds of figure: a 40-face grid, a score histogram, a DET plot,
executed with ``InlineBackend.figure_formats = ["png", "svg"]`` on a busy 2-core
machine) took about 1.3 s more per figure (about a minute for the book's ~50) and
made the notebook 2.4 times larger; since MyST-NB prefers SVG on HTML pages, the
line plots would get 13-45% lighter (gzip) and the face grid 8% heavier.
Any SVG a notebook does store goes into the pack beside its PNG.

The ``{fv-figure-packs}`` directive lists the packs, with a link to each, in the
instructor edition; in the student edition it shows its own content instead.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

FOLDER = "_figure-packs"
COLUMNS = [
    "file",
    "chapter",
    "chapter_title",
    "figure_number",
    "label",
    "cell",
    "code",
    "alt_text",
    "caption",
]
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CREDIT = "Face Value, an open textbook on facial recognition"
OLIVETTI_CREDIT = (
    "The Olivetti faces are credited to AT&T Laboratories Cambridge; they are not "
    "covered by the book's licence."
)
# A fixed timestamp for every zip entry: the same figures give the same zip, byte for byte.
ZIP_TIME = (2020, 6, 1, 0, 0, 0)
IMG = re.compile(r"<img\b[^>]*>", re.I)
ATTR = re.compile(r'\b(src|alt)="([^"]*)"', re.I)


@dataclass
class Figure:
    """One figure of an executed notebook."""

    png: bytes
    cell: int  # 1-based position of its cell in the notebook
    code: str  # the cell's first line of code
    alt: str = ""
    caption: str = ""
    label: str = ""
    svg: bytes | None = None


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:120]
    return ""


def _clean(text) -> str:
    """One line of text (alt text and captions are often folded YAML)."""
    return " ".join(str(text or "").split())


def _meta(cell: dict) -> tuple[str, str, str]:
    mystnb = cell.get("metadata", {}).get("mystnb", {}) or {}
    image, figure = mystnb.get("image", {}) or {}, mystnb.get("figure", {}) or {}
    return _clean(image.get("alt")), _clean(figure.get("caption")), _clean(figure.get("name"))


def figures_in(notebook: dict) -> list[Figure]:
    """Every figure in an executed notebook (nbformat 4, as a dict), in order.

    A code cell's ``image/png`` outputs become figures with the cell's alt text,
    caption and figure name (``mystnb: image: alt:`` and ``figure:``); an
    ``image/svg+xml`` beside a PNG in the same output is kept with it. PNGs inside
    a ``text/html`` output (the static side of a kernel-only control) become
    figures with their own ``alt`` attribute.
    """
    found = []
    for index, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        alt, caption, label = _meta(cell)
        code = _first_line(_text(cell.get("source")))
        for output in cell.get("outputs", []):
            data = output.get("data", {}) or {}
            if "image/png" in data:
                svg = data.get("image/svg+xml")
                found.append(
                    Figure(
                        png=base64.b64decode(_text(data["image/png"])),
                        cell=index,
                        code=code,
                        alt=alt,
                        caption=caption,
                        label=label,
                        svg=_text(svg).encode("utf-8") if svg else None,
                    )
                )
            elif "text/html" in data:
                for tag in IMG.findall(_text(data["text/html"])):
                    attrs = {k.lower(): v for k, v in ATTR.findall(tag)}
                    src = attrs.get("src", "")
                    if src.startswith("data:image/png;base64,"):
                        found.append(
                            Figure(
                                png=base64.b64decode(src.split(",", 1)[1]),
                                cell=index,
                                code=code,
                                alt=_clean(html.unescape(attrs.get("alt", ""))),
                                caption=caption,
                                label=label,
                            )
                        )
    return found


def _compact(png: bytes) -> bytes:
    """The PNG in the smallest lossless mode (as ``fv_editions.compact_png`` stores the site's)."""
    import tempfile

    from fv_editions import compact_png

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "figure.png")
        path.write_bytes(png)
        compact_png(path)
        return path.read_bytes()


def readme_text(name: str, title: str, count: int, credit: str = CREDIT, url: str = "") -> str:
    """The README.txt of a figure pack."""
    where = f" ({url})" if url else ""
    return (
        f"Figure pack: {title}\n"
        f"{'=' * (13 + len(title))}\n\n"
        f"The {count} figure{'s' * (count != 1)} that the chapter's code drew "
        "when the book was built "
        f"(chapter file {name}), as PNG, for slides and handouts.\n"
        "figures.csv gives, for each file, the figure's number and label on the page, "
        "the cell that "
        "drew it (its position in the chapter's notebook and its first line of code), its alt text "
        "and its caption. Reuse the alt text wherever you show a figure.\n\n"
        "Licence\n-------\n"
        "The figures are licensed under Creative Commons Attribution 4.0 International "
        "(CC BY 4.0), "
        f"{LICENCE_URL}\n"
        f'Credit line: "{credit}"{where}, CC BY 4.0.\n'
        f"{OLIVETTI_CREDIT} Figures that show them must credit them too.\n"
    )


def write_pack(
    figures: list[Figure],
    target: Path,
    name: str,
    title: str,
    numbers: dict | None = None,
    credit: str = CREDIT,
    url: str = "",
    compact: bool = True,
) -> Path:
    """Write the figure pack of chapter ``name`` to the zip ``target``; return ``target``.

    ``numbers`` maps a figure label to its number on the page (``"2.3"``).
    The zip is the same byte for byte whenever the figures are.
    """
    if not figures:
        raise ValueError(f"figures is empty: chapter {name!r} drew no figure, so it has no pack")
    numbers = numbers or {}
    rows, files = [], []
    for i, fig in enumerate(figures, start=1):
        stem = f"{name}/{name}-fig{i:02d}"
        files.append((f"{stem}.png", _compact(fig.png) if compact else fig.png))
        if fig.svg:
            files.append((f"{stem}.svg", fig.svg))
        rows.append(
            {
                "file": f"{stem}.png",
                "chapter": name,
                "chapter_title": title,
                "figure_number": numbers.get(fig.label, ""),
                "label": fig.label,
                "cell": fig.cell,
                "code": fig.code,
                "alt_text": fig.alt,
                "caption": fig.caption,
            }
        )
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    files += [
        (f"{name}/figures.csv", table.getvalue().encode("utf-8")),
        (f"{name}/README.txt", readme_text(name, title, len(figures), credit, url).encode("utf-8")),
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as pack:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, ZIP_TIME)
            # PNGs are already compressed; deflating them again only costs time.
            info.compress_type = (
                zipfile.ZIP_STORED if arcname.endswith(".png") else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            pack.writestr(info, data)
    return target


def pack_name(docname: str) -> str:
    """The pack's path in the built site, e.g. ``_figure-packs/02-matching-figures.zip``."""
    return f"{FOLDER}/{Path(docname).name}-figures.zip"


def is_instructor(config) -> bool:
    return not config.fv_hide_solutions


def _figure_numbers(app: Sphinx, docname: str) -> dict[str, str]:
    numbers = getattr(app.env, "toc_fignumbers", {}).get(docname, {}).get("figure", {})
    return {label: ".".join(map(str, n)) for label, n in numbers.items()}


def chapter_figures(app: Sphinx, docname: str) -> list[Figure]:
    """The figures of ``docname``'s executed notebook (read once per build)."""
    from dataclasses import replace

    from fv_alt_glue import resolve
    from fv_reading_copies import executed_notebook

    memo = app.__dict__.setdefault("_fv_figures", {})
    if docname not in memo:
        # Alt text and captions may glue numbers in (fv_alt_glue): the pack carries the values.
        memo[docname] = [replace(f, alt=resolve(app, docname, f.alt),
                                 caption=resolve(app, docname, f.caption, "a caption"))
                         for f in figures_in(executed_notebook(app, docname))]
    return memo[docname]


def build_packs(app: Sphinx, exception) -> None:
    """Write every chapter's figure pack (instructor edition, HTML builds only)."""
    if exception is not None or app.builder.format != "html" or not is_instructor(app.config):
        return
    from fv_reading_copies import notebook_docs

    # The licence asks for a link to the source: the site's address, else the repository's.
    theme = app.config.html_theme_options or {}
    url = (app.config.html_baseurl or theme.get("repository_url") or "").rstrip("/")
    written = 0
    for docname in notebook_docs(app):
        figures = chapter_figures(app, docname)
        if not figures:
            continue
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        write_pack(
            figures,
            Path(app.outdir, pack_name(docname)),
            Path(docname).name,
            title,
            _figure_numbers(app, docname),
            url=url,
        )
        written += 1
    logger.info(f"[fv] {written} figure packs written to {Path(app.outdir, FOLDER)}")


class FigurePacks(SphinxDirective):
    """``{fv-figure-packs}``: a table linking each chapter's figure pack (instructor edition).

    In the student edition the directive shows its content instead.
    """

    has_content = True

    def run(self):
        if not is_instructor(self.config):
            if not self.content:
                return []
            container = nodes.container(classes=["fv-figure-packs"])
            self.state.nested_parse(self.content, self.content_offset, container)
            return [container]
        self.env.fv_figure_pack_docs = getattr(self.env, "fv_figure_pack_docs", set()) | {
            self.env.docname
        }
        return [figure_packs_node()]


class figure_packs_node(nodes.General, nodes.Element):
    """Placeholder, filled once every chapter has been read (and executed)."""


def fill_tables(app: Sphinx, doctree, docname: str) -> None:
    """Replace each placeholder with the table of packs, counted from the executed notebooks."""
    placeholders = list(doctree.findall(figure_packs_node))
    if not placeholders:
        return
    from fv_reading_copies import notebook_docs

    depth = docname.count("/")
    rows = []
    for doc in notebook_docs(app):
        count = len(chapter_figures(app, doc))
        if count:
            title = app.env.titles[doc].astext() if doc in app.env.titles else doc
            rows.append((title, count, "../" * depth + pack_name(doc), Path(pack_name(doc)).name))
    table = nodes.table(classes=["fv-figure-packs"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (6, 2, 4):
        group += nodes.colspec(colwidth=width)

    def row(cells, header=False):
        r = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
            r += entry
        return r

    group += nodes.thead(
        "", row(["Chapter", "Figures", "Figure pack (PNG, figures.csv, README.txt)"])
    )
    body = nodes.tbody()
    for title, count, href, filename in rows:
        para = nodes.paragraph()
        para += nodes.reference("", filename, refuri=href, internal=False)
        body += row([title, count, para])
    group += body
    for node in placeholders:
        node.replace_self(table)


def reread_with_chapters(app, env, added, changed, removed):
    """Re-read the page listing the packs whenever another page changes (its counts may)."""
    docs = getattr(env, "fv_figure_pack_docs", set())
    if added | changed | removed and docs:
        return sorted(d for d in docs if d in env.found_docs and d not in changed)
    return []


def purge_doc(app, env, docname):
    getattr(env, "fv_figure_pack_docs", set()).discard(docname)


def merge_info(app, env, docnames, other):
    env.fv_figure_pack_docs = getattr(env, "fv_figure_pack_docs", set()) | getattr(
        other, "fv_figure_pack_docs", set()
    )


def setup(app: Sphinx):
    app.setup_extension("fv_reading_copies")  # executed_notebook, notebook_docs; fv_hide_solutions
    app.add_node(figure_packs_node)
    app.add_directive("fv-figure-packs", FigurePacks)
    app.connect("doctree-resolved", fill_tables)
    app.connect("env-get-outdated", reread_with_chapters)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("build-finished", build_packs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
