"""Sphinx extension: code folded behind "Show code", for readers who do not program.

A reader of the site should be able to follow a chapter through its text, figures and
explorers without reading past forty code cells; a student wants each cell one click away.
With ``fv_fold_code = True`` (the default) every code cell whose source a page shows is
folded: its source sits in a closed ``<details>`` under a "Show code" summary, and its output
(figure, table, explorer) stays in view. Nothing is removed: the code is in the page, in the
search index and in the reading copies; a click, or Enter on the summary, opens it.

The fold is MyST-NB's own ``hide-input`` one (its ``HideInputCells`` post-transform turns
``hide_mode`` into the ``<details>``), so this extension only sets ``hide_mode`` on the
cells, just before that transform runs: ``"input"`` on a cell with no mode, ``"input+output"``
on one tagged ``hide-output``; cells tagged ``hide-cell`` or ``hide-input`` keep theirs, and a
cell tagged ``show-code`` is left open (for code the prose walks through line by line).

Each page with folded code also gets one "Show all code" button (``assets/face-value.js``),
which opens or closes every fold and remembers the choice on the reader's machine
(``localStorage``), so a student who wants the code sees it on every page.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

SHOW, HIDE = "Show code", "Hide code"


class FoldCode(SphinxPostTransform):
    """Give every shown code cell MyST-NB's ``hide_mode`` ``input`` (see the module)."""

    default_priority = 198  # MyST-NB's HideInputCells runs at 199
    formats = ("html",)

    def run(self, **kwargs) -> None:
        if not self.config.fv_fold_code:
            return
        for node in self.document.findall(nodes.container):
            if node.get("nb_element") != "cell_code" or not node.children:
                continue
            if node.children[0].get("nb_element") != "cell_code_source":
                continue  # the page shows no source (remove-input)
            tags = (node.get("cell_metadata") or {}).get("tags") or []
            mode = node.get("hide_mode")
            if "show-code" in tags or mode in ("input", "input+output", "all"):
                continue
            node["hide_mode"] = "input+output" if mode == "output" else "input"
            if mode is None:  # MyST-NB set no prompts for a cell it did not hide
                node["prompt_show"], node["prompt_hide"] = SHOW, HIDE
            node["classes"].append("fv-folded")


def setup(app: Sphinx) -> dict:
    app.add_config_value("fv_fold_code", True, "html", types=[bool])
    app.add_post_transform(FoldCode)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
