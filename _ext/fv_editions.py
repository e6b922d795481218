"""Sphinx extension: the student edition carries no solution text at all.

sphinx-exercise 1.2.1's own ``hide_solutions`` drops single ``{solution}``
directives but not gated ones (``{solution-start}`` ... ``{solution-end}``):
their content stays on the page and the build fails on an orphaned end node.
This extension implements the book's rule instead: with
``fv_hide_solutions = True`` every solution, gated or not, is removed from the
document tree after sphinx-exercise has merged the gated ones, so it reaches
neither the HTML nor the search index. The instructor edition sets it to False.
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
        for label in [k for k, v in registry.items()
                      if v.get("type") == "solution" and v.get("docname") == self.env.docname]:
            del registry[label]


def setup(app: Sphinx):
    app.add_config_value("fv_hide_solutions", False, "env")
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
